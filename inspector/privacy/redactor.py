"""The ``Redactor``: secrets and personal data removed and identifiers pseudonymized in text
and JSON (HAR files, configs), every change recorded for the preview.

- **Secrets** are found by ``inspector.privacy.secrets`` (the scanner the HTTP analyzer
  uses too), **personal data** by ``inspector.privacy.personal`` (cards, SSNs, phones),
  and **random-looking tokens** no pattern knows by ``inspector.privacy.entropy``. Each
  is replaced by ``REDACTED:<kind>`` plus, when the value has entropy enough, a 6-hex
  fingerprint so the reader can still tell two tokens apart (``REDACTED:jwt:3fa9c2``).
  Nothing of the value is kept: not even the 4-character prefix the scanner's own mask
  shows on screen.
- **Identifiers** are replaced by pseudonyms from the redactor's ``PseudonymMap``
  (``inspector.privacy.pseudonyms``): shaped like what they replace, the same everywhere.
- Every change is recorded (``Redactor.changes``) for the preview: where, what kind, the
  value before (masked for secrets: the preview never shows a secret) and after.

>>> redactor = Redactor()
>>> redactor.text("alice@corp.example.com logged in from 10.1.2.3 with password=hunter2")
'user1@redacted.invalid logged in from 240.0.0.1 with password=REDACTED:password'

Decisions the next engineer needs:

- A text may be a whole document: detectors see private key blocks and continuation
  lines whole. Callers redact documents before they clip them, never clipped excerpts.
- A document is surveyed before it is redacted (``survey``, ``survey_json``): a value
  first seen late is then also replaced where it stands bare earlier on. Every value once
  seen (identifiers, and secrets of 8 characters or more that are not a single word or
  number) is replaced wherever it appears as a whole word (``inspector.privacy.known``),
  even where no pattern would catch it: a password in a config is removed from a log line
  that does not name it. ``known_values`` lists them all for the export gate, which
  checks independently that none is left.
- JSON is redacted structurally (``inspector.privacy.structured``), then every string as
  free text.
- Our own ``REDACTED:...`` tokens look like secrets to the scanner (``password=REDACTED:
  password``); ``real_secrets`` leaves them out, so redacting twice changes nothing.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from inspector.privacy import secrets as scanner
from inspector.privacy import structured
from inspector.privacy.entropy import high_entropy_tokens
from inspector.privacy.escapes import decoded_views
from inspector.privacy.known import KnownValues
from inspector.privacy.manifests import secret_values
from inspector.privacy.matches import looks_like_placeholder
from inspector.privacy.personal import find_personal
from inspector.privacy.pseudonyms import (
    ALL_IDENTIFIERS,
    Identifier,
    PseudonymMap,
    Span,
    find_identifiers,
    first_of_overlaps,
)
from inspector.privacy.secrets import SecretMatch

# --- secrets -------------------------------------------------------------------------------

_REDACTED_TOKEN = re.compile(r"REDACTED:[a-z-]{2,20}+(?::[0-9a-f]{6})?")


def secret_replacement(match: SecretMatch) -> str:
    """What a secret becomes in an export: its kind and fingerprint, nothing of the value."""
    suffix = f":{match.fingerprint}" if match.fingerprint else ""
    return f"REDACTED:{match.kind.value}{suffix}"


def _is_redaction_token(text: str, start: int, end: int) -> bool:
    """The span ``text[start:end]`` lies within one of our tokens (``Bearer REDACTED:...``
    stops at the first colon); punctuation an escaper or the scanner took along is allowed.
    """
    token = _REDACTED_TOKEN.match(text, start)
    if token is None:
        return False
    tail = text[token.end():end]
    return not tail.strip(")]}.,:!?\\`*")


def real_secrets(text: str, matches: Iterable[SecretMatch]) -> list[SecretMatch]:
    """Matches minus the ones that are our own redaction tokens (``password=REDACTED:...``).

    >>> [m.kind.value for m in real_secrets("password=REDACTED:password",
    ...                                      scanner.scan_text("password=REDACTED:password"))]
    []
    """
    return [m for m in matches if not _is_redaction_token(text, m.start, m.end)]


def _memorable(value: str) -> bool:
    """A secret worth finding again anywhere: 8 characters or more, and not one word or one
    number (``changeme`` would take every "changeme" of the bundle with it)."""
    if not 8 <= len(value) <= 512 or looks_like_placeholder(value):
        return False
    classes = (any(c.isalpha() for c in value) + any(c.isdigit() for c in value)
               + any(not c.isalnum() for c in value))
    return classes >= 2


# --- the redactor ----------------------------------------------------------------------------


class ChangeCategory(enum.StrEnum):
    """What a change did: removed a secret, pseudonymized an identifier, or dropped or
    reduced a whole bundle member."""

    SECRET = "secret"
    PSEUDONYM = "pseudonym"
    MEMBER = "member"  # a whole bundle member dropped or reduced


@dataclass(frozen=True, slots=True)
class Change:
    """One change redaction made, for the preview. ``before`` never holds a secret."""

    category: ChangeCategory
    kind: str
    before: str
    after: str
    where: str = ""

    def to_json(self) -> dict[str, str]:
        return {"category": self.category.value, "kind": self.kind, "before": self.before,
                "after": self.after, "where": self.where}


@dataclass(frozen=True, slots=True)
class _Replacement:
    start: int
    end: int
    after: str
    category: ChangeCategory
    kind: str
    before: str


@dataclass
class Redactor:
    """Redacts text and JSON with one pseudonym map, recording every change.

    Attributes:
        pseudonyms: the map shared by everything exported from one bundle.
        pseudonymize: which identifier kinds to replace (secrets are always removed).
        keep: values left alone on purpose (the engineer's choice), compared lower-case.
        changes: what was changed, in order, up to ``MAX_CHANGES`` records;
            ``change_counts`` counts all of them by (category, kind).
    """

    pseudonyms: PseudonymMap = field(default_factory=PseudonymMap)
    pseudonymize: frozenset[Identifier] = ALL_IDENTIFIERS
    keep: frozenset[str] = frozenset()
    changes: list[Change] = field(default_factory=list)
    change_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    _known: KnownValues = field(default_factory=KnownValues, repr=False)
    _known_map_size: int = field(default=-1, repr=False)

    MAX_CHANGES = 20_000

    def _record(self, change: Change) -> None:
        self.change_counts[(change.category.value, change.kind)] += 1
        if len(self.changes) < self.MAX_CHANGES:
            self.changes.append(change)

    def learn(self, kind: Identifier, value: str) -> None:
        """Register a value known to be an identifier (a HAR host, a TLS SNI)."""
        if kind in self.pseudonymize and value and value.lower() not in self.keep:
            self.pseudonyms.pseudonym(kind, value)
            self._known.add(value, ("id", kind))

    # -- finding ----------------------------------------------------------------------

    def _secrets(self, text: str, given: list[SecretMatch] | None) -> list[SecretMatch]:
        found = scanner.scan_text(text)
        if given:
            found = given + found  # the structural scan names its matches: first
        found += find_personal(text)
        found += secret_values(text)
        found += high_entropy_tokens(text)
        return scanner.without_overlaps(real_secrets(text, found))

    def _identifiers(self, text: str) -> list[Span]:
        spans = [s for s in find_identifiers(text, self.pseudonymize)
                 if s.value.lower() not in self.keep]
        for view in decoded_views(text):
            for span in find_identifiers(view.text, self.pseudonymize):
                if span.value.lower() not in self.keep:
                    start, end = view.original(span.start, span.end)
                    spans.append(Span(span.kind, start, end, text[start:end]))
        return first_of_overlaps(spans)

    def _sync_known(self) -> None:
        """Bring the known values up to the pseudonym map (others may add to it)."""
        if self._known_map_size == len(self.pseudonyms):
            return
        for kind, original, _ in self.pseudonyms.originals():
            if kind in self.pseudonymize and len(original) >= 2 \
                    and original.lower() not in self.keep:
                self._known.add(original, ("id", kind))
        self._known_map_size = len(self.pseudonyms)

    def _learn_secret(self, value: str, replacement: str, kind: str) -> None:
        if _memorable(value) and value.lower() not in self.keep:
            self._known.add(value, ("secret", kind, replacement))

    # -- text ---------------------------------------------------------------------------

    def survey(self, text: str, secrets: list[SecretMatch] | None = None) -> None:
        """Register the identifiers and secrets in ``text`` without changing anything.

        Run over a whole document (or bundle) before redacting it, so a value first seen
        late is also replaced where it stands bare earlier on.
        """
        for match in self._secrets(text, secrets):
            self._learn_secret(text[match.start:match.end],
                               secret_replacement(match), match.kind.value)
        if self.pseudonymize:
            for span in self._identifiers(text):
                self.pseudonyms.pseudonym(span.kind, span.value)
                self._known.add(span.value, ("id", span.kind))

    def text(self, text: str, where: str = "",
             secrets: list[SecretMatch] | None = None, line: int | None = None) -> str:
        """``text`` with secrets and personal data removed and identifiers pseudonymized.

        ``secrets`` adds matches from a structural scan (a header, a URL, a body) to the
        free-text scan. With ``line`` (the line ``text`` starts on), each change records
        the line it was made on.
        """
        # Secrets first, then identifiers in what is left: a password glued to a host
        # (``scott/PASSWORD@db1.corp.com``) must not make the pair look like an email.
        replacements = []
        for match in self._secrets(text, secrets):
            value = text[match.start:match.end]
            after = secret_replacement(match)
            self._learn_secret(value, after, match.kind.value)
            replacements.append(_Replacement(
                match.start, match.end, after, ChangeCategory.SECRET, match.kind.value,
                f"{match.name + ': ' if match.name else ''}{match.masked}"))
        if replacements:
            text = self._apply(text, replacements, where, line)
        others = self._identifier_replacements(text) + self._known_replacements(text)
        if not others:
            return text
        return self._apply(text, others, where, line)

    def _identifier_replacements(self, text: str) -> list[_Replacement]:
        if not self.pseudonymize:
            return []
        out = []
        for span in self._identifiers(text):
            pseudonym = self.pseudonyms.pseudonym(span.kind, span.value)
            self._known.add(span.value, ("id", span.kind))
            out.append(_Replacement(span.start, span.end, pseudonym, ChangeCategory.PSEUDONYM,
                                    span.kind.value, span.value))
        return out

    def _known_replacements(self, text: str) -> list[_Replacement]:
        self._sync_known()
        out = []
        for start, end, meaning in self._known.find(text):
            value = text[start:end]
            if meaning[0] == "secret":
                _, kind, after = meaning
                out.append(_Replacement(start, end, after, ChangeCategory.SECRET, kind,
                                        scanner.mask(value)))
            elif meaning[1] in self.pseudonymize:
                after = self.pseudonyms.pseudonym(meaning[1], value)
                out.append(_Replacement(start, end, after, ChangeCategory.PSEUDONYM,
                                        meaning[1].value, value))
        return out

    def _apply(self, text: str, replacements: list[_Replacement], where: str,
               line: int | None) -> str:
        parts: list[str] = []
        cursor = 0
        line_at, line_number = 0, line
        for item in sorted(replacements, key=lambda r: (r.start, -r.end)):
            if item.start < cursor:
                continue
            parts.append(text[cursor:item.start])
            parts.append(item.after)
            cursor = item.end
            if line_number is not None:
                line_number += text.count("\n", line_at, item.start)
                line_at = item.start
            self._record(Change(item.category, item.kind, item.before, item.after,
                                where if line_number is None else f"{where}:{line_number}"))
        parts.append(text[cursor:])
        return "".join(parts)

    def known_count(self) -> int:
        """How many values ``known_values`` lists (cheap: to tell when it grew)."""
        self._sync_known()
        return len(self._known)

    def known_values(self) -> Iterator[str]:
        """Every value this redactor replaces wherever it stands (lower-case): what the
        export gate makes sure is gone."""
        self._sync_known()
        for value, _ in self._known.values():
            yield value

    def pseudonymizes_hosts(self) -> bool:
        """Whether host names are replaced (the gate flags one left standing only then)."""
        return Identifier.HOST in self.pseudonymize

    # -- JSON ---------------------------------------------------------------------------

    def json_value(self, value: Any, where: str = "") -> Any:
        """A JSON document redacted structurally (``inspector.privacy.structured``).
        Raises ``structured.TooDeep`` (nothing changed) when it nests too deep."""
        self.survey_json(value)
        return structured.redact_json(self, value, where)

    def survey_json(self, value: Any) -> None:
        """``survey`` every string (and key) of a JSON document; raises
        ``structured.TooDeep`` when it nests too deep."""
        structured.check_depth(value)
        structured.survey_json(self, value)

    # -- preview ----------------------------------------------------------------------------

    def preview(self) -> list[dict[str, Any]]:
        """Every distinct change once, with how often and where it was first made."""
        seen: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for change in self.changes:
            key = (change.category.value, change.kind, change.before, change.after)
            entry = seen.get(key)
            if entry is None:
                seen[key] = entry = {**change.to_json(), "count": 0}
            entry["count"] += 1
        return list(seen.values())

