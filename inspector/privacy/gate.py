"""The last gate before anything leaves the building: a rendered report or a redacted
bundle member is scanned again, and nothing is written while something is still flagged.

``gate(text)`` lists what is still flagged: any secret the scanner finds (our own
``REDACTED:...`` tokens excepted), and, for the identifier kinds being pseudonymized, any
identifier that is not a pseudonym and any value the pseudonym map knows standing as a
whole word. A ``Leak`` names the line and the kind and shows the value masked, never
whole. ``check`` raises ``RedactionRefused`` on any leak; ``write_checked`` writes a file
only when ``check`` passes.

Markdown and HTML escaping must not hide a secret (``password\\=hunter2``,
``api\\_key``, ``&#61;``): each line is scanned as written and once more unescaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from inspector.files import write_atomically
from inspector.privacy import secrets as scanner
from inspector.privacy.pseudonyms import (
    KNOWN_WORD,
    WORD_KINDS,
    Identifier,
    PseudonymMap,
    find_identifiers,
)
from inspector.privacy.redactor import Redactor, real_secrets


@dataclass(frozen=True, slots=True)
class Leak:
    """Something the gate still flags in a rendered export (never the value itself)."""

    kind: str
    line: int
    masked: str

    def describe(self) -> str:
        return f"line {self.line}: {self.kind} {self.masked}"


class RedactionRefused(Exception):
    """The gate found something in an export; nothing was written."""

    def __init__(self, leaks: list[Leak]) -> None:
        self.leaks = leaks
        shown = "; ".join(leak.describe() for leak in leaks[:5])
        more = f" (and {len(leaks) - 5} more)" if len(leaks) > 5 else ""
        super().__init__(f"export refused: {len(leaks)} item(s) still flagged after "
                         f"redaction: {shown}{more}")


def gate(text: str, pseudonyms: PseudonymMap | None = None,
         identifiers: Iterable[Identifier] = (), keep: frozenset[str] = frozenset(),
         ) -> list[Leak]:
    """What the scanner still flags in ``text``: secrets, and identifiers of ``identifiers``
    kinds that are not pseudonyms. Reads line by line so a leak's line can be named.

    >>> [leak.describe() for leak in gate("fine\\npassword=hunter2222")]
    ['line 2: password …[10 chars]']
    """
    kinds = frozenset(identifiers)
    leaks: list[Leak] = []
    word_kinds = [kind for kind in WORD_KINDS if kind in kinds]
    words = pseudonyms.words if pseudonyms is not None and word_kinds else set()
    for number, line in enumerate(text.splitlines(), 1):
        # Markdown and HTML escaping must not hide a secret: scan the unescaped form too.
        plain = html.unescape(_MARKDOWN_ESCAPE.sub("", line))
        for variant in (line, plain) if plain != line else (line,):
            for match in real_secrets(variant, scanner.scan_text(variant)):
                leaks.append(Leak(match.kind.value, number, match.masked))
        if kinds:
            for span in find_identifiers(line, kinds):
                if span.value.lower() in keep:
                    continue
                if pseudonyms is None or not pseudonyms.is_pseudonym(span.value):
                    leaks.append(Leak(span.kind.value, number, scanner.mask(span.value)))
            if words:
                assert pseudonyms is not None
                for m in KNOWN_WORD.finditer(line):
                    word = m.group().rstrip(".-")
                    if word.lower() not in words:
                        continue
                    kind = next((k for k in word_kinds if pseudonyms.known(k, word)), None)
                    if kind is not None:
                        leaks.append(Leak(kind.value, number, scanner.mask(word)))
    return leaks


_MARKDOWN_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+!|~=<>.:-])")


def check(text: str, redactor: Redactor) -> None:
    """Raise ``RedactionRefused`` when ``gate`` flags anything in ``text``."""
    leaks = gate(text, redactor.pseudonyms, redactor.pseudonymize, redactor.keep)
    if leaks:
        raise RedactionRefused(leaks)


def write_checked(path: Path, rendered: str | bytes, redactor: Redactor,
                  text: str | None = None) -> None:
    """Gate ``text`` (the rendered export as text; ``rendered`` itself when it is a str)
    and write ``rendered`` only when nothing is flagged."""
    checked = text if text is not None else rendered
    if not isinstance(checked, str):
        raise TypeError("binary exports need their extracted text for the gate")
    check(checked, redactor)
    write_atomically(path, rendered.encode("utf-8") if isinstance(rendered, str) else rendered)
