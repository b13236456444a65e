"""The ``Redactor``: secrets removed and identifiers pseudonymized in text and JSON (HAR
files, configs), every change recorded for the preview.

- **Secrets** are found by ``inspector.privacy.secrets`` (the one scanner the HTTP analyzer
  uses too) and replaced by ``REDACTED:<kind>`` plus, when the scanner gives one, a 6-hex
  fingerprint so the reader can still tell two tokens apart (``REDACTED:jwt:3fa9c2``).
  Nothing of the secret is kept: not even the 4-character prefix the scanner's own mask
  shows on screen.
- **Identifiers** are replaced by pseudonyms from the redactor's ``PseudonymMap``
  (``inspector.privacy.pseudonyms``): shaped like what they replace, the same everywhere.
- Every change is recorded (``Redactor.changes``) for the preview: where, what kind, the
  value before (masked for secrets: the preview never shows a secret) and after.

>>> redactor = Redactor()
>>> redactor.text("alice@corp.example.com logged in from 10.1.2.3 with password=hunter2")
'user1@redacted.invalid logged in from 240.0.0.1 with password=REDACTED:password'

Decisions the next engineer needs:

- A document is surveyed before it is redacted (``survey``, ``survey_json``): a value
  first seen late is then also replaced where it stands bare earlier on. A value once seen
  is replaced wherever it appears as a whole word, even where no pattern would catch it.
- JSON members (HAR, configs) are redacted structurally: header name/value pairs through
  ``scan_header``, URLs through ``scan_url``, bodies through ``scan_body`` with their mime
  type, object keys through ``scan_field``; then every string as free text.
- Our own ``REDACTED:...`` tokens look like secrets to the scanner (``password=REDACTED:
  password``); ``real_secrets`` leaves them out, so redacting twice changes nothing.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inspector.privacy import secrets as scanner
from inspector.privacy.pseudonyms import (
    ALL_IDENTIFIERS,
    KNOWN_WORD,
    USER_KEYS,
    WORD_KINDS,
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

    MAX_CHANGES = 20_000

    def _record(self, change: Change) -> None:
        self.change_counts[(change.category.value, change.kind)] += 1
        if len(self.changes) < self.MAX_CHANGES:
            self.changes.append(change)

    def learn(self, kind: Identifier, value: str) -> None:
        """Register a value known to be an identifier (a HAR host, a TLS SNI)."""
        if kind in self.pseudonymize and value and value.lower() not in self.keep:
            self.pseudonyms.pseudonym(kind, value)

    # -- text ---------------------------------------------------------------------------

    def text(self, text: str, where: str = "",
             secrets: list[SecretMatch] | None = None) -> str:
        """``text`` with secrets removed and identifiers pseudonymized.

        ``secrets`` overrides the free-text scan with matches from a structural scan
        (a header, a URL, a body).
        """
        found = scanner.scan_text(text) if secrets is None else secrets
        found = real_secrets(text, found)
        if found:
            text = self._replace_secrets(text, found, where)
        if self.pseudonymize:
            text = self._replace_identifiers(text, where)
        return text

    def _replace_secrets(self, text: str, matches: list[SecretMatch], where: str) -> str:
        parts: list[str] = []
        cursor = 0
        for match in sorted(matches, key=lambda m: (m.start, -m.end)):
            if match.start < cursor:
                continue
            replacement = secret_replacement(match)
            parts.append(text[cursor:match.start])
            parts.append(replacement)
            cursor = match.end
            self._record(Change(ChangeCategory.SECRET, match.kind.value,
                                f"{match.name + ': ' if match.name else ''}{match.masked}",
                                replacement, where))
        parts.append(text[cursor:])
        return "".join(parts)

    def _replace_identifiers(self, text: str, where: str) -> str:
        spans = [s for s in find_identifiers(text, self.pseudonymize)
                 if s.value.lower() not in self.keep]
        for span in spans:
            self.pseudonyms.pseudonym(span.kind, span.value)
        spans = first_of_overlaps(spans + self._known_words(text))
        if not spans:
            return text
        parts: list[str] = []
        cursor = 0
        for span in spans:
            pseudonym = self.pseudonyms.pseudonym(span.kind, span.value)
            parts.append(text[cursor:span.start])
            parts.append(pseudonym)
            cursor = span.end
            self._record(Change(ChangeCategory.PSEUDONYM, span.kind.value, span.value,
                                pseudonym, where))
        parts.append(text[cursor:])
        return "".join(parts)

    def survey(self, text: str) -> None:
        """Register the identifiers in ``text`` without changing anything.

        Run over a whole document (or bundle) before redacting it, so a value first seen
        late is also replaced where it stands bare earlier on.
        """
        if self.pseudonymize:
            for span in find_identifiers(text, self.pseudonymize):
                if span.value.lower() not in self.keep:
                    self.pseudonyms.pseudonym(span.kind, span.value)

    def _known_words(self, text: str) -> list[Span]:
        """Known user and host names wherever they stand as whole words."""
        words = self.pseudonyms.words
        if not words:
            return []
        spans = []
        for m in KNOWN_WORD.finditer(text):
            word = m.group().rstrip(".-")
            if word.lower() not in words:
                continue
            for kind in WORD_KINDS:
                if kind in self.pseudonymize and self.pseudonyms.known(kind, word) is not None:
                    spans.append(Span(kind, m.start(), m.start() + len(word), word))
                    break
        return spans

    # -- JSON ---------------------------------------------------------------------------

    def json_value(self, value: Any, where: str = "") -> Any:
        """A JSON document with every string redacted, read structurally (see module doc)."""
        self.survey_json(value)
        return self._json_value(value, where)

    def survey_json(self, value: Any, key: str | None = None) -> None:
        """``survey`` every string (and key) of a JSON document."""
        if isinstance(value, dict):
            name, pair_value = value.get("name"), value.get("value")
            if name in USER_KEYS and isinstance(pair_value, str) and pair_value:
                self.learn(Identifier.USER, pair_value)  # a HAR field named "username"
            for item_key, item in value.items():
                self.survey(item_key)
                self.survey_json(item, item_key)
        elif isinstance(value, list):
            for item in value:
                self.survey_json(item, key)
        elif isinstance(value, str):
            if key in USER_KEYS and value:
                self.learn(Identifier.USER, value)
            self.survey(value)

    def _json_value(self, value: Any, where: str, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return self._json_object(value, where, cookie=key == "cookies")
        if isinstance(value, list):
            return [self._json_value(item, where, key) for item in value]
        if isinstance(value, str):
            return self._json_string(value, where, key)
        return value

    def _json_object(self, value: dict[str, Any], where: str,
                     cookie: bool = False) -> dict[str, Any]:
        name, pair_value = value.get("name"), value.get("value")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if (key == "value" and isinstance(name, str) and isinstance(pair_value, str)):
                # HAR headers, cookies, query strings and form params: {"name", "value"}.
                if cookie:  # a HAR "cookies" entry: judged as the Cookie header judges it
                    found = [m.shifted(-len(name) - 1) for m in
                             scanner.scan_header("Cookie", f"{name}={pair_value}")]
                else:
                    found = scanner.scan_header(name, pair_value)
                found = found or scanner.scan_field(name, pair_value)
                if name in USER_KEYS:
                    self.learn(Identifier.USER, pair_value)
                out[key] = self.text(pair_value, where, found or None)
            elif key == "text" and isinstance(item, str) and "mimeType" in value:
                found = scanner.scan_body(item, str(value.get("mimeType") or ""))
                out[key] = self.text(item, where, found)
            else:
                out[self.text(key, where)] = self._json_value(item, where, key)
        return out

    def _json_string(self, value: str, where: str, key: str | None) -> str:
        if key is None:
            return self.text(value, where)
        if key in ("url", "href", "redirectURL") or "://" in value[:16]:
            return self.text(value, where, scanner.scan_url(value) or None)
        if key in USER_KEYS and value:
            self.learn(Identifier.USER, value)
        return self.text(value, where, scanner.scan_field(key, value) or None)

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
