"""Export-time redaction: secrets removed, identifiers pseudonymized, and a last gate.

Everything that leaves the building (a rendered report, a sanitized bundle) goes through a
``Redactor`` and then through ``gate``:

- **Secrets** are found by ``inspector.privacy.secrets`` (the one scanner the HTTP analyzer
  uses too) and replaced by ``REDACTED:<kind>`` plus, when the scanner gives one, a 6-hex
  fingerprint so the reader can still tell two tokens apart (``REDACTED:jwt:3fa9c2``).
  Nothing of the secret is kept: not even the 4-character prefix the scanner's own mask
  shows on screen.
- **Identifiers** (emails, user names, IPv4/IPv6 addresses, host names, MAC addresses) are
  replaced by pseudonyms from a ``PseudonymMap``: the same value always gets the same
  pseudonym, in the report and in the redacted bundle alike, because both are redacted with
  the same map (the workspace keeps it; it is never exported). Pseudonyms are shaped like
  what they replace, from ranges no real customer value uses, so a reader still sees "an
  address" and a pcap can carry them: IPv4 ``240.0.0.N`` (reserved class E), IPv6
  ``100::N`` (RFC 6666 discard prefix), MAC ``02:00:00:xx:xx:xx``, host
  ``hostN.redacted.invalid`` and ``userN@redacted.invalid`` (``.invalid`` is reserved by
  RFC 2606), user names ``userN``.
- Every change is recorded (``Redactor.changes``) for the preview: where, what kind, the
  value before (masked for secrets: the preview never shows a secret) and after.
- ``gate(text)`` re-scans the rendered output and lists what is still flagged: any secret
  the scanner finds, and (when pseudonymizing) any identifier that is not a pseudonym.
  ``write_checked`` refuses to write a file the gate does not pass.

>>> names = PseudonymMap()
>>> redactor = Redactor(names)
>>> redactor.text("alice@corp.example.com logged in from 10.1.2.3 with password=hunter2")
'user1@redacted.invalid logged in from 240.0.0.1 with password=REDACTED:password'
>>> clean = redactor.text("token=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln")
>>> clean, gate(clean, names, ALL_IDENTIFIERS)
('token=REDACTED:jwt:a92fec', [])

Decisions the next engineer needs:

- Host names are recognised by shape (dotted labels) *and* a top-level domain from a short
  list; file names (``app.py``, ``readme.md``, Java class names) end in labels that are not
  on it. Host names the analysis knows (HAR hosts, TLS SNI) are added with ``learn``, and a
  value once seen is replaced wherever it appears as a whole word, even where no pattern
  would have caught it.
- Loopback and unspecified addresses, ``localhost`` and system accounts (``root``,
  ``postgres``...) are kept: they identify nobody and matter for diagnosis.
- Every pattern is linear: variable-length parts are possessive and start behind a
  lookbehind on their own class (the scanner's rule); tests run them on 1 MB lines.
- JSON members (HAR, configs) are redacted structurally: header name/value pairs through
  ``scan_header``, URLs through ``scan_url``, bodies through ``scan_body`` with their mime
  type, object keys through ``scan_field``; then every string as free text.
- Captures cannot be redacted reliably byte by byte: ``redact_bundle`` either drops them
  or cuts every frame to its link/IP/transport headers with addresses rewritten to their
  pseudonyms (payloads, and with them DNS names, TLS certificates, HTTP, are gone).
"""

from __future__ import annotations

import enum
import html
import io
import ipaddress
import os
import re
import struct
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from inspector.bundle import open_bundle
from inspector.files import write_atomically
from inspector.formats.pcap import CaptureError, read_packets
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.privacy import secrets as scanner
from inspector.privacy.secrets import SecretMatch

# --- pseudonyms ----------------------------------------------------------------------------


class Identifier(enum.StrEnum):
    """The kinds of personal or network identifiers that can be pseudonymized."""

    EMAIL = "email"
    USER = "user"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    HOST = "host"
    MAC = "mac"


ALL_IDENTIFIERS = frozenset(Identifier)


def _pseudonym(kind: Identifier, number: int) -> str:
    match kind:
        case Identifier.EMAIL:
            return f"user{number}@redacted.invalid"
        case Identifier.USER:
            return f"user{number}"
        case Identifier.IPV4:
            return str(ipaddress.IPv4Address(0xF0000000 + number))
        case Identifier.IPV6:
            return str(ipaddress.IPv6Address((0x0100 << 112) + number))
        case Identifier.HOST:
            return f"host{number}.redacted.invalid"
    return "02:00:00:" + ":".join(f"{b:02x}" for b in number.to_bytes(3, "big"))


_WORD_KINDS = (Identifier.HOST, Identifier.EMAIL, Identifier.USER)


class PseudonymMap:
    """Original value -> pseudonym, per kind of identifier. Kept locally, never exported.

    Values are compared case-insensitively for emails, host names and MACs (``ALICE@X.COM``
    is ``alice@x.com``), exactly for user names, and by address for IPs (``::1`` is
    ``0:0::1``).

    >>> names = PseudonymMap()
    >>> names.pseudonym(Identifier.HOST, "DB1.corp.example.com")
    'host1.redacted.invalid'
    >>> names.pseudonym(Identifier.HOST, "db1.corp.example.com")
    'host1.redacted.invalid'
    """

    def __init__(self) -> None:
        self._by_kind: dict[Identifier, dict[str, str]] = {kind: {} for kind in Identifier}
        self._pseudonyms: set[str] = set()
        # Lower-case user, host and email originals: one set lookup per word of text
        # rules out almost every word before the per-kind tables are consulted.
        self.words: set[str] = set()

    @staticmethod
    def key(kind: Identifier, value: str) -> str:
        if kind is Identifier.IPV4 and value.count(".") == 3 and ":" not in value:
            return value  # dotted quads as the pattern finds them are already canonical
        if kind in (Identifier.IPV4, Identifier.IPV6):
            try:
                return str(ipaddress.ip_address(value))
            except ValueError:
                return value
        if kind is Identifier.MAC:
            return value.lower().replace("-", ":")
        return value if kind is Identifier.USER else value.lower()

    def pseudonym(self, kind: Identifier, value: str) -> str:
        table = self._by_kind[kind]
        key = self.key(kind, value)
        found = table.get(key)
        if found is None:
            found = _pseudonym(kind, len(table) + 1)
            table[key] = found
            self._pseudonyms.add(found.lower())
            if kind in _WORD_KINDS:
                self.words.add(key.lower())
        return found

    def known(self, kind: Identifier, value: str) -> str | None:
        return self._by_kind[kind].get(self.key(kind, value))

    def is_pseudonym(self, value: str) -> bool:
        return value.lower() in self._pseudonyms

    def originals(self) -> Iterator[tuple[Identifier, str, str]]:
        for kind, table in self._by_kind.items():
            for original, pseudonym in table.items():
                yield kind, original, pseudonym

    def __len__(self) -> int:
        return sum(len(table) for table in self._by_kind.values())

    def to_json(self) -> dict[str, dict[str, str]]:
        return {kind.value: dict(table) for kind, table in self._by_kind.items() if table}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, str]]) -> PseudonymMap:
        names = cls()
        for kind_name, table in data.items():
            kind = Identifier(kind_name)
            names._by_kind[kind] = dict(table)
            names._pseudonyms.update(p.lower() for p in table.values())
            if kind in _WORD_KINDS:
                names.words.update(original.lower() for original in table)
        return names


# --- identifier detection ------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?[0-9])(?![\w])")
# Candidates only: ``ipaddress`` decides. Times (09:14:02) and MACs fail its check.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f:]{2,39}+(?:%[\w.]{1,16}+)?(?![\w:]|\.[0-9])")
# One separator throughout: "09:12:27-09:16:34" is a time range, not a MAC.
_MAC = re.compile(r"(?<![\w:-])(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}"
                  r"|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})(?![\w:-])")
_EMAIL = re.compile(r"(?<![\w.+%:-])[\w.+%-]{1,64}+@(?:[A-Za-z0-9-]{1,63}+\.(?=[A-Za-z0-9]))++"
                    r"[A-Za-z]{2,24}+(?![\w-])")
_HOST = re.compile(r"(?<![\w.-])(?:[A-Za-z0-9-]{1,63}+\.(?=[A-Za-z0-9]))++"
                   r"(?P<tld>[A-Za-z]{2,24}+)(?![\w-])(?!\()")
_USER_CONTEXT = re.compile(
    r"(?i:(?<![\w-])(?:user(?:[_-]?name)?|login|owner|account|principal|uname)\b)"
    r"[\"']?+[ \t]{0,3}+(?:[:=]|\bis\b)[ \t]{0,3}+[\"']?+(?P<value>[A-Za-z][\w.@-]{0,63}+)"
    r"|(?i:\bfor user )[\"']?+(?P<value2>[A-Za-z][\w.-]{0,63}+)"
    r"|/home/(?P<value3>[A-Za-z][\w.-]{0,63}+)"
    r"|(?i:[A-Z]:\\Users\\)(?P<value4>[A-Za-z][\w.-]{0,63}+)"
    r"|'(?P<value5>[A-Za-z][\w.-]{0,31}+)'@'"
    r"|(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}+://(?P<value6>[A-Za-z][\w.-]{0,63}+):")
_USER_KEYS = {"user", "username", "user_name", "userName", "login", "owner", "account",
              "principal", "uname"}

# Top-level domains that make a dotted name a host name. Country codes that are also
# common file extensions (py, sh, md, pl, rs, so, ps, cc) are left out on purpose.
_TLDS = frozenset((
    "com", "net", "org", "io", "info", "biz", "dev", "app", "cloud", "co", "ai", "me", "us",
    "eu", "edu", "gov", "mil", "int", "tech", "online", "site", "local", "internal", "corp",
    "lan", "intra", "intranet", "home", "localdomain", "example", "test", "de", "uk", "fr",
    "nl", "be", "at", "ch", "se", "no", "fi", "dk", "ie", "it", "es", "pt", "pl", "cz", "hu",
    "ro", "gr", "ru", "ua", "jp", "cn", "kr", "in", "au", "nz", "ca", "br", "mx", "ar", "cl",
    "za", "sg", "hk", "tw", "il", "tr", "ae", "sa",
))
_KEEP_HOSTS = {"localhost", "localhost.localdomain"}
_KEEP_USERS = {"root", "admin", "administrator", "postgres", "mysql", "www-data", "nobody",
               "system", "anonymous", "guest", "daemon", "null", "none", "true", "false",
               "unknown", "user", "is", "not", "the", "a", "an", "id", "name", "for", "with"}
_PSEUDONYM_SHAPES = re.compile(r"user\d+@redacted\.invalid|host\d+\.redacted\.invalid|user\d+",
                               re.IGNORECASE)
# A word as the known-value pass sees it: a run that may hold a whole email or host name.
_WORD = re.compile(r"(?<![\w.@-])[\w][\w.@-]{0,252}+")


@dataclass(frozen=True, slots=True)
class Span:
    """One identifier found in a string."""

    kind: Identifier
    start: int
    end: int
    value: str


def _keep_address(text: str) -> bool:
    if text.count(".") == 3 and ":" not in text:  # IPv4 fast path: no ipaddress object
        first = int(text.split(".", 1)[0])
        return first in (0, 127) or first >= 240
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return True
    if address.is_loopback or address.is_unspecified:
        return True
    if address.version == 4:
        return address in _PSEUDONYM_V4
    return address in _PSEUDONYM_V6


_PSEUDONYM_V4 = ipaddress.ip_network("240.0.0.0/4")
_PSEUDONYM_V6 = ipaddress.ip_network("100::/64")


def find_identifiers(text: str, kinds: Iterable[Identifier] = ALL_IDENTIFIERS) -> list[Span]:
    """Identifiers in ``text`` by their shape, without overlaps, in order.

    >>> [(s.kind.value, s.value) for s in find_identifiers("ssh bob@db1.corp.local 10.0.0.7")]
    [('email', 'bob@db1.corp.local'), ('ipv4', '10.0.0.7')]
    """
    wanted = set(kinds)
    spans: list[Span] = []
    if "@" in text and Identifier.EMAIL in wanted:
        spans.extend(Span(Identifier.EMAIL, *m.span(), m.group()) for m in _EMAIL.finditer(text)
                     if not m.group().lower().endswith("@redacted.invalid"))
    if "." in text and Identifier.IPV4 in wanted:
        spans.extend(Span(Identifier.IPV4, *m.span(), m.group()) for m in _IPV4.finditer(text)
                     if not _keep_address(m.group()) and not _is_product_version(text, m.start()))
    if ":" in text or "-" in text:
        if Identifier.MAC in wanted:
            spans.extend(Span(Identifier.MAC, *m.span(), m.group()) for m in _MAC.finditer(text)
                         if not m.group().lower().startswith(("02:00:00", "02-00-00")))
        if Identifier.IPV6 in wanted and ("::" in text or text.count(":") >= 7):
            for m in _IPV6_CANDIDATE.finditer(text):
                candidate = m.group()
                if candidate.count(":") >= 2 and not _keep_address(candidate) \
                        and _is_ipv6(candidate):
                    spans.append(Span(Identifier.IPV6, *m.span(), candidate))
    if "." in text and Identifier.HOST in wanted:
        for m in _HOST.finditer(text):
            host = m.group()
            if m.group("tld").lower() in _TLDS and host.lower() not in _KEEP_HOSTS \
                    and not host.lower().endswith(".invalid"):
                spans.append(Span(Identifier.HOST, *m.span(), host))
    if Identifier.USER in wanted:
        for m in _USER_CONTEXT.finditer(text):
            group = next(g for g in ("value", "value2", "value3", "value4", "value5",
                                                "value6")
                         if m.group(g) is not None)
            value = m.group(group).rstrip(".-")
            if _is_user_name(value) and "@" not in value:
                start = m.start(group)
                spans.append(Span(Identifier.USER, start, start + len(value), value))
    return _first_of_overlaps(spans)


def _is_product_version(text: str, start: int) -> bool:
    """``Chrome/131.0.0.0`` is a version, ``http://10.0.0.1`` an address."""
    return start >= 2 and text[start - 1] == "/" and text[start - 2].isalnum()


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_user_name(value: str) -> bool:
    return (value.lower() not in _KEEP_USERS and not value.startswith("REDACTED")
            and not _PSEUDONYM_SHAPES.fullmatch(value))


def _first_of_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


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


def _real_secrets(text: str, matches: Iterable[SecretMatch]) -> list[SecretMatch]:
    """Matches minus the ones that are our own redaction tokens (``password=REDACTED:...``)."""
    return [m for m in matches if not _is_redaction_token(text, m.start, m.end)]


# --- the redactor ----------------------------------------------------------------------------


class ChangeCategory(enum.StrEnum):
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
        found = _real_secrets(text, found)
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
        spans = _first_of_overlaps(spans + self._known_words(text))
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
        for m in _WORD.finditer(text):
            word = m.group().rstrip(".-")
            if word.lower() not in words:
                continue
            for kind in _WORD_KINDS:
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
            if name in _USER_KEYS and isinstance(pair_value, str) and pair_value:
                self.learn(Identifier.USER, pair_value)  # a HAR field named "username"
            for item_key, item in value.items():
                self.survey(item_key)
                self.survey_json(item, item_key)
        elif isinstance(value, list):
            for item in value:
                self.survey_json(item, key)
        elif isinstance(value, str):
            if key in _USER_KEYS and value:
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
                if name in _USER_KEYS:
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
        if key in _USER_KEYS and value:
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


# --- the gate --------------------------------------------------------------------------------


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
    """
    kinds = frozenset(identifiers)
    leaks: list[Leak] = []
    word_kinds = [kind for kind in _WORD_KINDS if kind in kinds]
    words = pseudonyms.words if pseudonyms is not None and word_kinds else set()
    for number, line in enumerate(text.splitlines(), 1):
        # Markdown and HTML escaping must not hide a secret: scan the unescaped form too.
        plain = html.unescape(_MARKDOWN_ESCAPE.sub("", line))
        for variant in (line, plain) if plain != line else (line,):
            for match in _real_secrets(variant, scanner.scan_text(variant)):
                leaks.append(Leak(match.kind.value, number, match.masked))
        if kinds:
            for span in find_identifiers(line, kinds):
                if span.value.lower() in keep:
                    continue
                if pseudonyms is None or not pseudonyms.is_pseudonym(span.value):
                    leaks.append(Leak(span.kind.value, number, scanner.mask(span.value)))
            if words:
                assert pseudonyms is not None
                for m in _WORD.finditer(line):
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


# --- bundles -----------------------------------------------------------------------------


class CaptureMode(enum.StrEnum):
    DROP = "drop"
    HEADERS = "headers"


TEXT_KINDS = {ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.SQL_DUMP,
              ArtifactKind.MYSQL_SLOW_LOG, ArtifactKind.POSTGRES_LOG}
JSON_KINDS = {ArtifactKind.HAR, ArtifactKind.JSON}
CAPTURE_KINDS = {ArtifactKind.PCAP, ArtifactKind.PCAPNG}
MAX_JSON_MEMBER = 256 * 2**20  # parsed whole: HAR files are one JSON document


@dataclass
class Manifest:
    """What ``redact_bundle`` did to each member; written into the redacted bundle."""

    source_sha256: str
    members: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"format": "bundle-inspector.privacy.redaction-manifest/1",
                "source_sha256": self.source_sha256, "members": self.members}


MANIFEST_NAME = "REDACTION-MANIFEST.json"


def redact_bundle(source: Path, output: Path, redactor: Redactor | None = None, *,
                  captures: CaptureMode = CaptureMode.HEADERS) -> Manifest:
    """Write a sanitized zip copy of a bundle to ``output``; the source is only read.

    Text members are redacted line by line, JSON members structurally, captures cut to
    headers (or dropped), anything else (binaries, members the reader skipped) dropped.
    Text and JSON members are read twice: a first pass learns every identifier, so a user
    name first seen in the last member is replaced in the first one too.
    Every redacted member passes the gate before the zip is written; a member that does
    not is dropped and the manifest says so. Raises ``BundleOpenError`` when the bundle
    cannot be opened.
    """
    redactor = redactor or Redactor()
    output = Path(output)
    if output.resolve() == Path(source).resolve():
        raise ValueError("the redacted copy must not overwrite the original bundle")
    with open_bundle(source) as bundle:
        assert bundle.info is not None
        manifest = Manifest(bundle.info.sha256)
        for artifact in bundle.artifacts:
            if artifact.status is ArtifactStatus.ANALYZED and (
                    artifact.kind in TEXT_KINDS or artifact.kind in JSON_KINDS):
                try:
                    _survey_member(bundle, artifact, redactor)
                except (OSError, ValueError):
                    continue  # the redaction pass meets the same error and records it
        descriptor, temporary = tempfile.mkstemp(prefix=f".{output.name}.",
                                                 dir=output.parent or ".")
        os.close(descriptor)
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for artifact in bundle.artifacts:
                    if artifact.kind is ArtifactKind.ARCHIVE:
                        continue
                    # Names carry host and user names too (logs/db1.corp.example.com.log).
                    name = redactor.text(artifact.path, "member names").replace("!/", "/")
                    entry = {"member": name, "kind": artifact.kind.value}
                    if artifact.status is ArtifactStatus.SKIPPED:
                        entry |= {"action": "dropped", "reason": "not readable: "
                                  + redactor.text(artifact.reason or "skipped by the reader")}
                        manifest.members.append(entry)
                        continue
                    before = sum(redactor.change_counts.values())
                    try:
                        data, action = _redact_member(bundle, artifact, redactor, name,
                                                      captures)
                    except (OSError, CaptureError, ValueError) as exc:
                        data, action = None, f"dropped: could not be read ({type(exc).__name__})"
                    entry["changes"] = sum(redactor.change_counts.values()) - before
                    entry["action"] = action
                    if data is not None:
                        info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, data)
                    manifest.members.append(entry)
                summary = orjson.dumps(manifest.to_json(), option=orjson.OPT_INDENT_2)
                check(summary.decode(), redactor)
                archive.writestr(MANIFEST_NAME, summary)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return manifest


def _survey_member(bundle: Any, artifact: Any, redactor: Redactor) -> None:
    with bundle.open(artifact) as stream:
        if artifact.kind in JSON_KINDS and artifact.size <= MAX_JSON_MEMBER:
            raw = stream.read()
            try:
                redactor.survey_json(orjson.loads(raw))
                return
            except orjson.JSONDecodeError:
                stream = io.BytesIO(raw)
        for raw_line in stream:
            redactor.survey(raw_line.decode("utf-8", "replace"))


def _redact_member(bundle: Any, artifact: Any, redactor: Redactor, name: str,
                   captures: CaptureMode) -> tuple[bytes | None, str]:
    if artifact.kind in CAPTURE_KINDS:
        if captures is CaptureMode.DROP:
            return None, "dropped: packet capture"
        with bundle.open(artifact) as stream:
            data, frames = capture_headers(stream, redactor)
        return data, f"reduced to headers: {frames} frame(s), payloads removed"
    if artifact.kind in JSON_KINDS and artifact.size <= MAX_JSON_MEMBER:
        with bundle.open(artifact) as stream:
            raw = stream.read()
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError:
            document = None
        if document is not None:
            text = orjson.dumps(redactor.json_value(document, name),
                                option=orjson.OPT_INDENT_2).decode()
            leaks = gate(text, redactor.pseudonyms, redactor.pseudonymize, redactor.keep)
            if leaks:
                return None, f"dropped: {leaks[0].describe()} still flagged after redaction"
            return text.encode(), "redacted (JSON)"
        return _redact_lines(io.BytesIO(raw), redactor, name)
    if artifact.kind in TEXT_KINDS or artifact.kind in JSON_KINDS:
        with bundle.open(artifact) as stream:
            return _redact_lines(stream, redactor, name)
    return None, f"dropped: {artifact.kind.value} content cannot be redacted"


def _redact_lines(stream: Any, redactor: Redactor, name: str) -> tuple[bytes | None, str]:
    out = io.BytesIO()
    for number, raw in enumerate(stream, 1):
        line = raw.decode("utf-8", "replace")
        clean = redactor.text(line, f"{name}:{number}")
        leaks = gate(clean, redactor.pseudonyms, redactor.pseudonymize, redactor.keep)
        if leaks:
            return None, (f"dropped: line {number} still flagged after redaction "
                          f"({leaks[0].kind} {leaks[0].masked})")
        out.write(clean.encode("utf-8"))
    return out.getvalue(), "redacted (text)"


# --- captures ------------------------------------------------------------------------------

_ETHERNET = 1
_ETHERTYPE_IPV4, _ETHERTYPE_IPV6 = 0x0800, 0x86DD


def capture_headers(stream: Any, redactor: Redactor) -> tuple[bytes, int]:
    """A classic pcap of the frames cut to their headers, addresses pseudonymized.

    Only Ethernet frames carrying IPv4/IPv6 (and raw IP) are kept; the frames of other link
    types or network protocols (ARP carries addresses in its payload) are left out.
    """
    out = io.BytesIO()
    linktype = None
    frames = 0
    for packet in read_packets(stream):
        if linktype is None:
            linktype = packet.linktype if packet.linktype in (_ETHERNET, 101) else _ETHERNET
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        if packet.linktype != linktype:
            continue
        header = _frame_headers(packet.data, linktype, redactor)
        if header is None:
            continue
        seconds = int(packet.time)
        micros = round((packet.time - seconds) * 1e6)
        out.write(struct.pack("<IIII", seconds, min(micros, 999_999), len(header),
                              packet.wire_length))
        out.write(header)
        frames += 1
    if linktype is None:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, _ETHERNET))
    return out.getvalue(), frames


def _frame_headers(data: bytes, linktype: int, redactor: Redactor) -> bytes | None:
    if linktype == _ETHERNET:
        if len(data) < 14:
            return None
        ethertype = struct.unpack_from("!H", data, 12)[0]
        if ethertype not in (_ETHERTYPE_IPV4, _ETHERTYPE_IPV6):
            return None
        link = bytearray(data[:14])
        if Identifier.MAC in redactor.pseudonymize:
            for offset in (0, 6):
                link[offset:offset + 6] = _mac_bytes(redactor, data[offset:offset + 6])
        network = _network_headers(data[14:], redactor)
        return None if network is None else bytes(link) + network
    return _network_headers(data, redactor)


def _mac_bytes(redactor: Redactor, raw: bytes) -> bytes:
    text = ":".join(f"{b:02x}" for b in raw)
    if raw == b"\xff" * 6 or raw[0] & 1:  # broadcast and multicast identify nobody
        return raw
    return bytes.fromhex(redactor.pseudonyms.pseudonym(Identifier.MAC, text).replace(":", ""))


def _network_headers(data: bytes, redactor: Redactor) -> bytes | None:
    if not data:
        return None
    version = data[0] >> 4
    if version == 4 and len(data) >= 20:
        ihl = (data[0] & 0x0F) * 4
        header = bytearray(data[:ihl])
        if Identifier.IPV4 in redactor.pseudonymize:
            for offset in (12, 16):
                header[offset:offset + 4] = _address_bytes(redactor, data[offset:offset + 4])
        header[10:12] = b"\0\0"
        header[10:12] = struct.pack("!H", _ip_checksum(bytes(header)))
        return bytes(header) + _transport_header(data[ihl:], data[9])
    if version == 6 and len(data) >= 40:
        header = bytearray(data[:40])
        if Identifier.IPV6 in redactor.pseudonymize:
            for offset in (8, 24):
                header[offset:offset + 16] = _address_bytes(redactor, data[offset:offset + 16])
        return bytes(header) + _transport_header(data[40:], data[6])
    return None


def _address_bytes(redactor: Redactor, raw: bytes) -> bytes:
    address = ipaddress.ip_address(raw)
    if _keep_address(str(address)) or address.is_multicast:
        return raw
    kind = Identifier.IPV4 if address.version == 4 else Identifier.IPV6
    return ipaddress.ip_address(redactor.pseudonyms.pseudonym(kind, str(address))).packed


def _transport_header(data: bytes, protocol: int) -> bytes:
    if protocol == 6 and len(data) >= 20:
        return data[:(data[12] >> 4) * 4]
    if protocol == 17:
        return data[:8]
    return b""  # ICMP and the rest: their bodies quote addresses and payloads


def _ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header[: len(header) // 2 * 2]))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
