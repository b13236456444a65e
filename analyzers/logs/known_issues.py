"""The knowledge base's known issues, asked fast: most log lines cannot match any of them.

Whether a record is a known issue is asked only for records at warning level and above (or
without a level, see ``records``), and behind an exact pre-check (``KnownIssues``): most
warnings hold none of the strings the signatures' patterns need. The pre-check's answer for
the strings without digits holds for every text of one line shape, so it is asked once per
shape (``KnownIssues.shape_has_required``).
"""

from __future__ import annotations

from inspector.formats.regex import required_literals
from inspector.knowledge import KnowledgeBase, Signature


class KnownIssues:
    """``KnowledgeBase.match`` behind an exact pre-check: an ASCII text holding none of the
    strings every signature pattern needs (``required_literals``) matches no signature, which a
    few substring searches tell ten times faster than the combined regex.

    The pre-check is off when a pattern has no required string. It looks only at ASCII
    texts, where ignoring case is plain ASCII lower-casing (``re`` also folds a few
    non-ASCII letters, such as the Kelvin sign, onto ASCII ones).
    """

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        needed: set[str] = set()
        for signature in knowledge.signatures:
            for pattern in signature.patterns:
                strings = required_literals(pattern, ascii_only=True)
                if not strings:
                    self.required: tuple[str, ...] | None = None
                    self._digitless = self._with_digits = ()
                    return
                needed |= {text.lower() for text in strings}
        self.required = tuple(sorted(needed))
        self._digitless = tuple(t for t in self.required if not any(c.isdigit() for c in t))
        self._with_digits = tuple(t for t in self.required if t not in self._digitless)

    def match(self, text: str, shape_has_required: bool | None = None) -> Signature | None:
        """``KnowledgeBase.match(text)``. ``shape_has_required`` may pass what
        ``shape_has_required(shape(text))`` gave for another text of the same shape."""
        required = self.required
        if required is not None and text.isascii():
            lowered = text.lower()
            if shape_has_required is None:
                shape_has_required = any(strings in lowered for strings in self._digitless)
            if not shape_has_required and not any(strings in lowered
                                                  for strings in self._with_digits):
                return None
        return self.knowledge.match(text)

    def shape_has_required(self, text_shape: str) -> bool:
        """Whether a required string without digits is in the text of this shape: a string
        without digits is in a text exactly when it is in the text's shape."""
        lowered = text_shape.lower()
        return any(strings in lowered for strings in self._digitless)
