"""The knowledge base: known-issue signatures, where they live, and what they match.

A signature names a known problem (title, severity, remediation, KB link, tags) and says
how to recognize it in a bundle: a pattern over log lines, an HTTP status and response body,
a SQL error code or message, a TLS alert. Signatures are TOML (the full format with examples
is ``docs/knowledge-base.md``); one file holds any number of ``[[signature]]`` tables::

    [[signature]]
    id = "db.connection-pool-exhausted"      # dotted, unique
    title = "Database connection pool exhausted"
    severity = "high"                         # critical, high, medium, low, info
    patterns = ['HikariPool-\\d+ - Connection is not available']   # log lines
    remediation = "Raise the pool size or find the connection leak."
    references = ["https://github.com/brettwooldridge/HikariCP/wiki/..."]
    kb_link = "https://kb.example.com/articles/1234"   # optional, the team's article
    tags = ["database", "java"]                         # optional
    case_sensitive = false                    # optional, default false

    [signature.http]                          # optional: HAR entries
    status = [502, "5xx"]                     # any of these statuses (0 = no response)
    body = ['upstream connect error']         # response body (or a failed request's error)
    url = ['/api/v\\d+/orders']                # the (masked) request URL

    [signature.sql]                           # optional: database server errors
    codes = ["40P01", "1213"]                 # SQLSTATE or MySQL error code
    message = ['deadlock detected']

    [signature.tls]                           # optional: TLS alerts in captures
    alerts = ["certificate_expired", 45]      # names or numbers
    sender = "client"                         # optional: who sent it

Within a section every given key must match (status *and* body); a signature with several
sections matches when any one does.

Where signatures live: the shipped ones in ``resources/signatures/`` (read through the
``resources`` accessor; ``SHIPPED_SIGNATURES`` names them), the user's own in
``user_signatures_dir()``: ``signatures/`` under ``$BUNDLE_INSPECTOR_DATA``, else the
platform's data directory (``$XDG_DATA_HOME`` or ``~/.local/share/bundle-inspector`` on
Linux). ``KnowledgeBase.load()`` reads both; a user
signature with the id of a shipped one replaces it, and user signatures come first, so when
a line matches a user's specific signature and a shipped general one, the user's wins.

Decisions the next engineer needs:

- A bad signature (missing field, unknown key, wrong type, a pattern that does not compile
  or could backtrack catastrophically) is reported in ``KnowledgeBase.problems`` and left
  out; the others still load. A file that is not valid TOML or cannot be read likewise.
- "Cannot backtrack catastrophically" is checked on the parsed pattern: no back-references,
  no unbounded repeat inside another unbounded repeat, at most three unbounded repeats.
  Matching only looks at the first ``MATCH_CHARS`` characters of a line (``BODY_CHARS`` of a
  response body), so even a polynomial pattern has a small bound.
- All log patterns are compiled into one alternation, so matching a line is one regex
  search; ``KnowledgeBase.match`` is what the ``logs`` analyzer calls per record (its
  ``log.known-issue`` findings). HTTP, SQL and TLS signatures are matched after the
  per-artifact pass by ``KnowledgeAnalyzer``, a bundle analyzer, against what the ``http``,
  ``sql`` and ``tls`` analyzers produced (``kb.known-issue`` findings): the HAR waterfall
  rows (status, URL), the SQL error findings (their SQLSTATE or MySQL code and messages) and
  the TLS alert list. Only response bodies are read again, and only of HAR entries whose
  status and URL already matched, from HARs up to ``HAR_BODY_BYTES``.
- ``match_bundle`` is the one matcher for every use: the bundle analyzer, ``inspector kb
  test``, and the signature editor's preview (``match_everywhere``), which also scans every
  log line (the ``logs`` analyzer only checks records at warning level and above, or without
  a level, so a preview can show a few more lines than the analysis will report).
- Drafts (``draft_from_line``, ``draft_from_finding``) turn evidence into a signature that
  matches it: a line's header is dropped, its variable parts masked by
  ``inspector.formats.templates.mask``, and each masked part becomes a bounded, possessive wildcard
  (``\\S{1,200}+``) so the pattern stays linear; a draft is always valid (``pattern_risk``).
- Excerpts shown for matches have their secrets masked (``inspector.privacy.secrets``).

>>> kb = KnowledgeBase.from_text('''
... [[signature]]
... id = "os.disk-full"
... title = "Disk full"
... severity = "high"
... patterns = ["No space left on device"]
... remediation = "Free disk space."
... ''')
>>> kb.match("write failed: No space left on device").id
'os.disk-full'
>>> KnowledgeBase.from_text('[[signature]]\\nid = "x.bad"\\ntitle = "t"\\nseverity = "low"\\n'
...                         'patterns = ["(a+)+$"]\\nremediation = ""').problems
["signature 'x.bad': pattern '(a+)+$' nests unbounded repeats and could backtrack catastrophically"]
>>> pattern_for_line("2026-11-17 09:14:01 ERROR [pool-3] c.e.Db - Lease 7731 lost after 30000 ms")
'Lease \\\\S{1,200}+ lost after'
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from re import _constants as sre_constants  # the parsed-pattern opcodes of ``re``
from re import _parser as sre_parse
from typing import Any, BinaryIO

import orjson

import resources
from inspector.bundle import open_bundle
from inspector.engine import run_analysis
from inspector.files import data_directory, write_atomically
from inspector.formats.logformat import detect
from inspector.formats.regex import required_literals
from inspector.formats.templates import WILDCARD, mask
from inspector.model import (
    ArtifactKind,
    EntryLocator,
    Evidence,
    Finding,
    LineLocator,
    PacketLocator,
    Severity,
    format_time,
    parse_time,
)
from inspector.plugins import ArtifactResults, BundleView
from inspector.privacy.secrets import redact, scan_text
from inspector.training import scenarios

# Package data (pyproject.toml), so a wheel install carries them too.
SHIPPED_SIGNATURES = tuple(resources.names("signatures", suffix=".toml"))
MATCH_CHARS = 2000
BODY_CHARS = 65536
HAR_BODY_BYTES = 64 * 2**20
MAX_LINE = 1 << 20
BLOCK_BYTES = 1 << 20  # lines are prefiltered a block at a time
MAX_UNBOUNDED_REPEATS = 3
MAX_EVIDENCE = 20
EXCERPT_CHARS = 300
_SIGNATURE_ID = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+$")
_STATUS_CLASS = re.compile(r"^[0-5]xx$")
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
            getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}
_LINE_KINDS = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.POSTGRES_LOG})
_TOP_KEYS = {"id", "title", "severity", "patterns", "remediation", "references", "kb_link",
             "tags", "case_sensitive", "http", "sql", "tls"}

# The SQL analyzer files these errors under their own rules without keeping the error code;
# these are the codes each rule stands for (PostgreSQL SQLSTATE, MySQL error number), so a
# signature written with the code the customer quotes still finds them.
_RULE_CODES = {
    "sql.deadlock": ("40P01", "1213", "ER_LOCK_DEADLOCK"),
    "sql.lock-timeout": ("55P03", "1205", "ER_LOCK_WAIT_TIMEOUT"),
    "sql.connection-exhausted": ("53300", "1040", "ER_CON_COUNT_ERROR"),
    "sql.authentication-failed": ("28P01", "28000", "1045", "ER_ACCESS_DENIED_ERROR"),
}
_SQL_ERROR_RULES = frozenset({"sql.errors", *_RULE_CODES})


# --- where signatures live ----------------------------------------------------------------


def user_data_dir() -> Path:
    """The app's data directory: ``$BUNDLE_INSPECTOR_DATA``, else the platform's convention.

    >>> import os; os.environ["BUNDLE_INSPECTOR_DATA"] = "/tmp/bi-data"
    >>> str(user_data_dir()), str(user_signatures_dir())
    ('/tmp/bi-data', '/tmp/bi-data/signatures')
    >>> del os.environ["BUNDLE_INSPECTOR_DATA"]
    """
    return data_directory()


def user_signatures_dir() -> Path:
    return user_data_dir() / "signatures"


# --- the signature format -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HttpMatch:
    """HAR entries: a status (``"502"``, ``"5xx"``, ``"0"``) and patterns over URL and body."""

    status: tuple[str, ...] = ()
    url: tuple[str, ...] = ()
    body: tuple[str, ...] = ()

    def status_matches(self, status: int) -> bool:
        if not self.status:
            return True
        text = str(status)
        return any(wanted == text or (wanted.endswith("xx") and len(text) == 3
                                      and text[0] == wanted[0]) for wanted in self.status)


@dataclass(frozen=True, slots=True)
class SqlMatch:
    """Database errors: any of ``codes`` (SQLSTATE, MySQL number) and ``message`` patterns."""

    codes: tuple[str, ...] = ()
    message: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TlsMatch:
    """TLS alerts by name or number, optionally only those one side sent."""

    alerts: tuple[str, ...]
    sender: str | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    """One known issue.

    Attributes:
        patterns: regular expressions over log lines (may be empty when another section
            says what to match).
        source: the file it came from; ``origin`` says whether that was ``shipped`` with
            the app, the ``user``'s own, or a ``file`` named explicitly (``kb test``).
    """

    id: str
    title: str
    severity: Severity
    patterns: tuple[str, ...]
    remediation: str
    references: tuple[str, ...] = ()
    case_sensitive: bool = False
    source: str = ""
    kb_link: str = ""
    tags: tuple[str, ...] = ()
    http: HttpMatch | None = None
    sql: SqlMatch | None = None
    tls: TlsMatch | None = None
    origin: str = "file"

    @property
    def matches_on(self) -> tuple[str, ...]:
        """What it looks at: some of ``log``, ``http``, ``sql``, ``tls``."""
        return tuple(name for name, present in (("log", self.patterns), ("http", self.http),
                                                ("sql", self.sql), ("tls", self.tls))
                     if present)

    def regex(self, patterns: Sequence[str]) -> re.Pattern[str]:
        """One compiled search for any of ``patterns`` with this signature's case rule."""
        return _compile(tuple(patterns), self.case_sensitive)


@functools.lru_cache(maxsize=1024)
def _compile(patterns: tuple[str, ...], case_sensitive: bool) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(body if case_sensitive else f"(?i:{body})")


def pattern_risk(pattern: str) -> str | None:
    """Why ``pattern`` could backtrack catastrophically, or ``None`` when it cannot.

    >>> pattern_risk(r"timeout after \\d+ ms"), pattern_risk(r"(\\w+\\s?)*$") is not None
    (None, True)
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        return f"does not compile: {exc}"
    unbounded = 0

    def walk(items: Any, inside_unbounded: bool) -> str | None:
        nonlocal unbounded
        for op, arg in items:
            if op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
                return "uses a back-reference"
            if op in _REPEATS:
                _, high, body = arg
                is_unbounded = high == sre_constants.MAXREPEAT or high > 1000
                if is_unbounded:
                    if inside_unbounded:
                        return "nests unbounded repeats and could backtrack catastrophically"
                    unbounded += 1
                found = walk(body, inside_unbounded or is_unbounded)
                if found:
                    return found
            elif op == sre_constants.SUBPATTERN:
                found = walk(arg[-1], inside_unbounded)
                if found:
                    return found
            elif op == sre_constants.BRANCH:
                if inside_unbounded and _branches_overlap(arg[1]):
                    return ("repeats an alternation whose branches can start alike and could "
                            "backtrack catastrophically")
                for branch in arg[1]:
                    found = walk(branch, inside_unbounded)
                    if found:
                        return found
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                found = walk(arg[1], inside_unbounded)
                if found:
                    return found
            elif op == getattr(sre_constants, "ATOMIC_GROUP", None):
                found = walk(arg, inside_unbounded)
                if found:
                    return found
        return None

    found = walk(parsed, False)
    if found:
        return found
    if unbounded > MAX_UNBOUNDED_REPEATS:
        return f"has {unbounded} unbounded repeats (at most {MAX_UNBOUNDED_REPEATS})"
    if parsed.state.groupdict:
        return "uses named groups (the matcher names its own)"
    if parsed.state.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE) and \
            pattern.lstrip().startswith("(?"):
        return "sets global flags; use case_sensitive instead"
    return None


def _branches_overlap(branches: Any) -> bool:
    """Whether two branches of an alternation may start with the same character.

    Only branches starting with distinct literals are provably disjoint (``ab|cd``).
    """
    firsts: set[int] = set()
    for branch in branches:
        items = list(branch)
        if not items or items[0][0] != sre_constants.LITERAL:
            return True
        first = items[0][1]
        if first in firsts:
            return True
        firsts.add(first)
    return False


class _Invalid(ValueError):
    """One reason a signature is left out."""


def _strings(value: Any, what: str, *, allow_empty: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or \
            (not allow_empty and not value):
        raise _Invalid(f"{what} must be a {'' if allow_empty else 'non-empty '}list of strings")
    return tuple(value)


def _patterns(value: Any, what: str) -> tuple[str, ...]:
    patterns = _strings(value, what, allow_empty=False)
    for pattern in patterns:
        risk = pattern_risk(pattern)
        if risk:
            raise _Invalid(f"pattern {pattern!r} {risk}")
    return patterns


def _section(entry: dict[str, Any], name: str, keys: set[str]) -> dict[str, Any] | None:
    section = entry.get(name)
    if section is None:
        return None
    if not isinstance(section, dict):
        raise _Invalid(f"{name!r} must be a table ([signature.{name}])")
    unknown = sorted(set(section) - keys)
    if unknown:
        raise _Invalid(f"[signature.{name}] has unknown key(s) {', '.join(unknown)} "
                       f"(known: {', '.join(sorted(keys))})")
    if not section:
        raise _Invalid(f"[signature.{name}] is empty: say what to match")
    return section


def _http(entry: dict[str, Any]) -> HttpMatch | None:
    section = _section(entry, "http", {"status", "url", "body"})
    if section is None:
        return None
    values = section.get("status", [])
    statuses = [_status(value) for value in values] if isinstance(values, list) else [None]
    if None in statuses:
        raise _Invalid("http status must be a list of status codes (502) or classes "
                       "(\"5xx\")")
    return HttpMatch(tuple(s for s in statuses if s is not None),
                     _patterns(section["url"], "http url") if "url" in section else (),
                     _patterns(section["body"], "http body") if "body" in section else ())


def _status(value: Any) -> str | None:
    if type(value) is int and 0 <= value <= 999:
        return str(value)
    if isinstance(value, str) and ((value.isdigit() and len(value) <= 3)
                                   or _STATUS_CLASS.match(value.lower())):
        return value.lower()
    return None


def _sql(entry: dict[str, Any]) -> SqlMatch | None:
    section = _section(entry, "sql", {"codes", "message"})
    if section is None:
        return None
    codes = section.get("codes", [])
    if not isinstance(codes, list) or not all(
            isinstance(c, str | int) and not isinstance(c, bool) and str(c) for c in codes):
        raise _Invalid("sql codes must be a list of SQLSTATE or error codes")
    return SqlMatch(tuple(str(c).upper() for c in codes),
                    _patterns(section["message"], "sql message") if "message" in section
                    else ())


def _tls(entry: dict[str, Any]) -> TlsMatch | None:
    section = _section(entry, "tls", {"alerts", "sender"})
    if section is None:
        return None
    alerts = section.get("alerts")
    if not isinstance(alerts, list) or not alerts or not all(
            (isinstance(a, str) and a) or (type(a) is int and 0 <= a <= 255) for a in alerts):
        raise _Invalid("tls alerts must be a non-empty list of alert names "
                       "(\"certificate_expired\") or numbers (45)")
    sender = section.get("sender")
    if sender is not None and sender not in ("client", "server"):
        raise _Invalid("tls sender must be \"client\" or \"server\"")
    return TlsMatch(tuple(str(a).lower() for a in alerts), sender)


def _validate(entry: Any, source: str, origin: str) -> tuple[Signature | None, str | None]:
    if not isinstance(entry, dict):
        return None, f"{source}: a signature must be a table"
    ident = entry.get("id")
    name = f"signature {ident!r}" if isinstance(ident, str) else f"{source}: signature"
    try:
        if not isinstance(ident, str) or not _SIGNATURE_ID.match(ident):
            raise _Invalid("id must be a dotted lower-case id like 'db.deadlock'")
        unknown = sorted(set(entry) - _TOP_KEYS)
        if unknown:
            raise _Invalid(f"unknown key(s) {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(_TOP_KEYS))})")
        for key in ("title", "remediation"):
            if not isinstance(entry.get(key), str):
                raise _Invalid(f"{key!r} must be a string")
        try:
            severity = Severity(entry.get("severity"))
        except ValueError:
            raise _Invalid("severity must be one of "
                           f"{', '.join(s.value for s in Severity)}") from None
        patterns = _patterns(entry["patterns"], "patterns") if "patterns" in entry else ()
        http, sql, tls = _http(entry), _sql(entry), _tls(entry)
        if not (patterns or http or sql or tls):
            raise _Invalid("nothing to match: give patterns (log lines) or a "
                           "[signature.http], [signature.sql] or [signature.tls] table")
        references = _strings(entry.get("references", []), "references")
        tags = _strings(entry.get("tags", []), "tags")
        kb_link = entry.get("kb_link", "")
        if not isinstance(kb_link, str):
            raise _Invalid("kb_link must be a string (a URL)")
        case_sensitive = entry.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise _Invalid("case_sensitive must be true or false")
    except _Invalid as exc:
        return None, f"{name}: {exc}"
    return Signature(ident, entry["title"], severity, patterns, entry["remediation"],
                     references, case_sensitive, source, kb_link, tags, http, sql, tls,
                     origin), None


def _parse(text: str, source: str, origin: str = "file") -> tuple[list[Signature], list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{source}: not valid TOML: {exc}"]
    entries = data.get("signature", [])
    if not isinstance(entries, list):
        return [], [f"{source}: 'signature' must be an array of tables ([[signature]])"]
    signatures, problems = [], []
    for entry in entries:
        signature, problem = _validate(entry, source, origin)
        if signature is not None:
            signatures.append(signature)
        if problem is not None:
            problems.append(problem)
    return signatures, problems


def _read_files(paths: Iterable[Path], origin: str) -> tuple[list[Signature], list[str]]:
    signatures: list[Signature] = []
    problems: list[str] = []
    for path in paths:
        source = path.name if origin == "shipped" else str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{source}: cannot be read: {exc}")
            continue
        found, bad = _parse(text, source, origin)
        signatures.extend(found)
        problems.extend(bad)
    return signatures, problems


def _read_shipped() -> tuple[list[Signature], list[str]]:
    signatures: list[Signature] = []
    problems: list[str] = []
    for name in SHIPPED_SIGNATURES:
        found, bad = _parse(resources.read_text(name), name.rsplit("/", 1)[-1], "shipped")
        signatures.extend(found)
        problems.extend(bad)
    return signatures, problems


def _toml_files(directory: Path) -> tuple[list[Path], list[str]]:
    try:
        return sorted(directory.glob("*.toml")), []
    except OSError as exc:
        return [], [f"{directory}: cannot be listed: {exc}"]


def _signature_needles(signature: Signature) -> tuple[str, ...] | None:
    """Literals one of which every match of ``signature``'s log patterns contains, or None."""
    needles: list[str] = []
    for pattern in signature.patterns:
        found = required_literals(pattern, min_length=3)
        if found is None:
            return None
        needles += found
    return tuple(n if signature.case_sensitive else n.lower() for n in needles)


class KnowledgeBase:
    """Validated signatures and one combined matcher over their log patterns.

    Attributes:
        signatures: the valid signatures, in order (user signatures first after ``load``).
        problems: one message per signature or file that was left out, and why.
        overridden: ids of shipped signatures a user signature replaced.
    """

    def __init__(self, signatures: Iterable[Signature], problems: Iterable[str] = ()) -> None:
        self.signatures: list[Signature] = []
        self.problems: list[str] = list(problems)
        self.overridden: list[str] = []
        seen: set[str] = set()
        for signature in signatures:
            if signature.id in seen:
                self.problems.append(f"signature {signature.id!r} is defined twice; the "
                                     f"second ({signature.source}) was left out")
                continue
            seen.add(signature.id)
            self.signatures.append(signature)
        alternatives = []
        self._by_group: dict[str, Signature] = {}
        for index, signature in enumerate(self.signatures):
            if not signature.patterns:
                continue
            group = f"s{index}"
            self._by_group[group] = signature
            body = "|".join(f"(?:{p})" for p in signature.patterns)
            scoped = body if signature.case_sensitive else f"(?i:{body})"
            alternatives.append(f"(?P<{group}>{scoped})")
        self._regex = re.compile("|".join(alternatives)) if alternatives else None
        self._needles = {signature.id: _signature_needles(signature)
                         for signature in self._by_group.values()}

    @classmethod
    def from_text(cls, text: str, source: str = "<text>") -> KnowledgeBase:
        signatures, problems = _parse(text, source)
        return cls(signatures, problems)

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None, *,
             user_dir: Path | None = None) -> KnowledgeBase:
        """Signatures from TOML files.

        With ``paths``, exactly those files (an id defined twice is a problem). Without,
        the shipped signatures and then every ``*.toml`` in ``user_dir`` (default
        ``user_signatures_dir()``; a missing folder is simply empty), the user's
        overriding shipped ones by id.
        """
        if paths is not None:
            signatures, problems = _read_files(paths, "file")
            return cls(signatures, problems)
        shipped, problems = _read_shipped()
        directory = user_dir if user_dir is not None else user_signatures_dir()
        user_files, listing = _toml_files(directory) if directory.is_dir() else ([], [])
        mine, bad = _read_files(user_files, "user")
        problems += listing + bad
        mine_ids = {s.id for s in mine}
        knowledge = cls([*mine, *(s for s in shipped if s.id not in mine_ids)], problems)
        knowledge.overridden = sorted(mine_ids & {s.id for s in shipped})
        return knowledge

    def get(self, signature_id: str) -> Signature | None:
        return next((s for s in self.signatures if s.id == signature_id), None)

    def match(self, line: str) -> Signature | None:
        """The first signature whose pattern occurs in ``line`` (its head), else ``None``."""
        if self._regex is None:
            return None
        found = self._regex.search(line, 0, MATCH_CHARS)
        return self._by_group[found.lastgroup] if found and found.lastgroup else None

    def match_all(self, line: str) -> list[Signature]:
        """Every signature with a log pattern occurring in ``line``'s head, in order."""
        if self._regex is None or not self._regex.search(line, 0, MATCH_CHARS):
            return []
        return [s for s in self._by_group.values()
                if s.regex(s.patterns).search(line, 0, MATCH_CHARS)]

    def candidates(self, block: str) -> KnowledgeBase:
        """The signatures that may match some line of ``block`` (a cheap substring test).

        Case-insensitive regular expressions are slow (about 230 MB/s per pattern here);
        a literal every match must contain (``_needles``), looked for in the lowered block,
        rules out nearly every block of a healthy log at memory speed.
        """
        lowered = block.lower()
        return KnowledgeBase([
            s for s in self._by_group.values()
            if (needles := self._needles[s.id]) is None
            or any(n in (block if s.case_sensitive else lowered) for n in needles)])


# --- matching a bundle --------------------------------------------------------------------


@dataclass(slots=True)
class SignatureMatch:
    """What one signature matched in one bundle.

    Attributes:
        count: matching lines, entries, errors or alerts.
        sources: which of ``log``, ``http``, ``sql``, ``tls`` matched.
        evidence: the first ``MAX_EVIDENCE`` places, with secrets masked in excerpts.
    """

    signature: Signature
    count: int = 0
    sources: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def add(self, source: str, evidence: Evidence, time: datetime | None = None,
            count: int = 1) -> None:
        self.count += count
        if source not in self.sources:
            self.sources.append(source)
        if len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append(evidence)
        if time is not None:
            self.first_seen = time if self.first_seen is None else min(self.first_seen, time)
            self.last_seen = time if self.last_seen is None else max(self.last_seen, time)

    def to_json(self) -> dict[str, Any]:
        return {"signature": self.signature.id, "title": self.signature.title,
                "severity": self.signature.severity.value, "count": self.count,
                "sources": list(self.sources),
                "first_seen": format_time(self.first_seen),
                "last_seen": format_time(self.last_seen),
                "evidence": [e.to_json() for e in self.evidence]}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters, with secrets masked.

    >>> excerpt("login ok token=abcdefghijklmnop1234\\n  for user 7")
    'login ok token=abcd…[20 chars] for user 7'
    """
    text = " ".join(text[:limit * 4].split())
    text = redact(text, scan_text(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Matches:
    """Matches of every signature, kept in knowledge-base order."""

    def __init__(self, signatures: Sequence[Signature]) -> None:
        self.by_id: dict[str, SignatureMatch] = {}
        self.order = [s.id for s in signatures]

    def add(self, signature: Signature, source: str, evidence: Evidence,
            time: datetime | None = None, count: int = 1) -> None:
        found = self.by_id.get(signature.id)
        if found is None:
            found = self.by_id[signature.id] = SignatureMatch(signature)
        found.add(source, evidence, time, count)

    def result(self) -> list[SignatureMatch]:
        return [self.by_id[i] for i in self.order if i in self.by_id]


def match_bundle(knowledge: KnowledgeBase, bundle: BundleView, *, lines: bool = True,
                 warn: Callable[[str], None] | None = None,
                 check_cancelled: Callable[[], None] | None = None) -> list[SignatureMatch]:
    """What each signature matches in an analyzed bundle, in knowledge-base order.

    ``bundle`` gives the per-artifact results (findings, stats) and raw member access, as
    a bundle analyzer sees it (``AnalysisView`` adapts a finished ``Analysis``). With
    ``lines``, every line of log and text artifacts is matched against the log patterns;
    the bundle analyzer leaves that to the ``logs`` analyzer.
    """
    warn = warn or (lambda message: None)
    check_cancelled = check_cancelled or (lambda: None)
    matches = _Matches(knowledge.signatures)
    http = [s for s in knowledge.signatures if s.http]
    sql = [s for s in knowledge.signatures if s.sql]
    tls = [s for s in knowledge.signatures if s.tls]
    for result in bundle.results():
        check_cancelled()
        path = result.artifact.path
        if lines and knowledge._regex is not None and result.artifact.kind in _LINE_KINDS:
            _match_lines(knowledge, path, bundle, matches, warn, check_cancelled)
        if http and "http" in result.stats:
            _match_http(http, result, bundle, matches, warn)
        if sql:
            _match_sql(sql, result, matches)
        if tls and "tls" in result.stats:
            _match_tls(tls, result, matches)
    return matches.result()


def _match_lines(knowledge: KnowledgeBase, path: str, bundle: BundleView, matches: _Matches,
                 warn: Callable[[str], None], check_cancelled: Callable[[], None]) -> None:
    number = 0
    block: list[str] = []
    block_bytes = 0

    def flush() -> None:
        first = number - len(block) + 1
        candidates = knowledge.candidates("\n".join(block))
        if candidates._regex is not None:
            for offset, line in enumerate(block):
                for signature in candidates.match_all(line):
                    matches.add(signature, "log",
                                Evidence(path, LineLocator(first + offset), excerpt(line)))
        block.clear()

    try:
        with bundle.open(path) as stream:
            while raw := stream.readline(MAX_LINE):
                number += 1
                if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
                    while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                        pass
                block.append(raw[:MATCH_CHARS * 4].decode("utf-8", "replace").rstrip("\r\n"))
                block_bytes += len(raw)
                if block_bytes >= BLOCK_BYTES:
                    check_cancelled()
                    flush()
                    block_bytes = 0
    except (OSError, EOFError, ValueError) as exc:
        warn(f"{path}: reading stopped at line {number}: {type(exc).__name__}: {exc}")
    flush()


def _match_http(signatures: list[Signature], result: ArtifactResults, bundle: BundleView,
                matches: _Matches, warn: Callable[[str], None]) -> None:
    path = result.artifact.path
    rows = result.stats["http"].get("waterfall") or []
    candidates: dict[str, list[dict[str, Any]]] = {}
    for signature in signatures:
        spec = signature.http
        assert spec is not None
        url_regex = signature.regex(spec.url) if spec.url else None
        candidates[signature.id] = [
            row for row in rows if isinstance(row, dict) and isinstance(row.get("status"), int)
            and spec.status_matches(row["status"])
            and (url_regex is None or url_regex.search(str(row.get("url") or ""), 0,
                                                       MATCH_CHARS))]
    wanted = {row["entry"] for signature in signatures
              if signature.http is not None and signature.http.body
              for row in candidates[signature.id]}
    bodies = _response_bodies(bundle, path, wanted, warn) if wanted else {}
    for signature in signatures:
        spec = signature.http
        assert spec is not None
        body_regex = signature.regex(spec.body) if spec.body else None
        for row in candidates[signature.id]:
            shown = f"{row.get('method', '')} {row.get('url', '')} -> {row['status']}"
            if body_regex is not None:
                # A request that got no response has no body, only the browser's error.
                text = str(row.get("error") or "") if row["status"] == 0 else \
                    bodies.get(row["entry"], "")
                found = body_regex.search(text, 0, BODY_CHARS)
                if not found:
                    continue
                start = max(0, found.start() - 60)
                shown += f": …{text[start:found.end() + 60]}…"
            matches.add(signature, "http",
                        Evidence(path, EntryLocator(row["entry"]), excerpt(shown)),
                        parse_time(row.get("started")))


def _response_bodies(bundle: BundleView, path: str, wanted: set[int],
                     warn: Callable[[str], None]) -> dict[int, str]:
    """The response body text (first ``BODY_CHARS``) of the wanted 1-based HAR entries."""
    try:
        with bundle.open(path) as stream:
            data = stream.read(HAR_BODY_BYTES + 1)
    except (OSError, EOFError, ValueError) as exc:
        warn(f"{path}: response bodies could not be read: {type(exc).__name__}: {exc}")
        return {}
    if len(data) > HAR_BODY_BYTES:
        warn(f"{path}: larger than {HAR_BODY_BYTES // 2**20} MB; response bodies were not "
             "checked against the signatures' body patterns")
        return {}
    try:
        entries = orjson.loads(data).get("log", {}).get("entries", [])
    except (orjson.JSONDecodeError, AttributeError):
        warn(f"{path}: not readable as one JSON document; response bodies were not checked")
        return {}
    bodies = {}
    for index in sorted(wanted):
        entry = entries[index - 1] if 0 < index <= len(entries) else None
        content = ((entry or {}).get("response") or {}).get("content") or {} \
            if isinstance(entry, dict) else {}
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str):
            continue
        if content.get("encoding") == "base64":
            try:
                text = base64.b64decode(text[:BODY_CHARS * 2]).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                continue
        bodies[index] = text[:BODY_CHARS]
    return bodies


def _match_sql(signatures: list[Signature], result: ArtifactResults,
               matches: _Matches) -> None:
    for finding in result.findings:
        if finding.analyzer != "sql" or finding.rule not in _SQL_ERROR_RULES:
            continue
        group = str(finding.facts.get("group") or "").upper()
        codes = {group, *_RULE_CODES.get(finding.rule, ())} - {""}
        texts = [finding.title, *(e.excerpt for e in finding.evidence)]
        for signature in signatures:
            spec = signature.sql
            assert spec is not None
            if spec.codes and not codes & set(spec.codes):
                continue
            evidence = finding.evidence
            if spec.message:
                regex = signature.regex(spec.message)
                if not any(regex.search(text, 0, MATCH_CHARS) for text in texts):
                    continue
                evidence = [e for e in finding.evidence if regex.search(e.excerpt)] or evidence
            for number, item in enumerate(evidence):
                matches.add(signature, "sql", Evidence(item.artifact, item.locator,
                                                       excerpt(item.excerpt)),
                            finding.first_seen, finding.count if number == 0 else 0)


def _match_tls(signatures: list[Signature], result: ArtifactResults,
               matches: _Matches) -> None:
    path = result.artifact.path
    for alert in result.stats["tls"].get("alerts") or []:
        if not isinstance(alert, dict) or alert.get("description") is None:
            continue
        names = {str(alert["description"]).lower(), str(alert.get("code"))}
        for signature in signatures:
            spec = signature.tls
            assert spec is not None
            if not names & set(spec.alerts) or spec.sender not in (None, alert.get("sender")):
                continue
            shown = (f"{alert.get('sender')} sent {alert.get('level') or ''} alert "
                     f"{alert['description']} ({alert.get('code')})")
            matches.add(signature, "tls",
                        Evidence(path, PacketLocator(int(alert["packet"])),
                                 " ".join(shown.split())), parse_time(alert.get("time")))


# --- matching finished analyses: the open bundle and the sample scenarios -----------------


class AnalysisView:
    """A finished ``Analysis`` and its opened ``Bundle`` seen as a ``BundleView``.

    Findings are filed under the artifact of their first evidence.
    """

    def __init__(self, analysis: Any, bundle: Any) -> None:
        self._bundle = bundle
        by_artifact: dict[str, list[Finding]] = {}
        for finding in analysis.findings:
            if finding.evidence:
                by_artifact.setdefault(finding.evidence[0].artifact, []).append(finding)
        self._results = [ArtifactResults(artifact, by_artifact.get(artifact.path, []), [],
                                         analysis.stats.get(artifact.path, {}))
                         for artifact in bundle.readable_artifacts]

    def results(self) -> list[ArtifactResults]:
        return self._results

    def open(self, artifact_path: str) -> BinaryIO:
        return self._bundle.open(artifact_path)


@dataclass(slots=True)
class Target:
    """A named bundle to test signatures on: the open one, or a sample scenario."""

    name: str
    view: BundleView


@dataclass(slots=True)
class TargetMatches:
    name: str
    matches: list[SignatureMatch]
    warnings: list[str]


def match_everywhere(knowledge: KnowledgeBase, targets: Iterable[Target], *,
                    check_cancelled: Callable[[], None] | None = None) -> list[TargetMatches]:
    """What ``knowledge`` matches in each target, log lines included (see the module doc)."""
    results = []
    for target in targets:
        warnings: list[str] = []
        found = match_bundle(knowledge, target.view, warn=warnings.append,
                             check_cancelled=check_cancelled)
        results.append(TargetMatches(target.name, found, warnings))
    return results


class SampleTargets:
    """Every sample scenario, built and analyzed once, as ``Target``s.

    Scenarios are generated by this project's own code, so they are analyzed in-process
    (``isolation="inline"``) with the ``analyzers`` given (the caller's built-ins, plus
    plugins), which takes a couple of seconds for all of them.
    Call ``close()`` (or use ``with``) to release the built files.
    """

    def __init__(self, analyzers: Sequence[Any], names: Sequence[str] | None = None) -> None:
        self._analyzers = list(analyzers)
        self._names = names
        self._targets: list[Target] | None = None
        self._bundles: list[Any] = []
        self._directory: tempfile.TemporaryDirectory[str] | None = None

    def targets(self, check_cancelled: Callable[[], None] | None = None) -> list[Target]:
        if self._targets is None:
            self._directory = tempfile.TemporaryDirectory(prefix="inspector-kb-")
            targets = []
            try:
                for name in self._names or scenarios.CATALOGUE:
                    if check_cancelled:
                        check_cancelled()
                    path, _answer = scenarios.build(name, Path(self._directory.name))
                    bundle = open_bundle(path)
                    self._bundles.append(bundle)
                    analysis = run_analysis(bundle, self._analyzers, isolation="inline")
                    targets.append(Target(f"sample:{name}", AnalysisView(analysis, bundle)))
            except BaseException:
                self.close()  # cancelled or failed half-way: the next call starts afresh
                raise
            self._targets = targets
        return self._targets

    def close(self) -> None:
        for bundle in self._bundles:
            bundle.close()
        self._bundles.clear()
        self._targets = None
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    def __enter__(self) -> SampleTargets:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- drafting a signature from evidence -----------------------------------------------------

DRAFT_MESSAGE_CHARS = 300
_FUZZY_GAP = "[^\\n]{1,200}?"
_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")


def _message_of(line: str) -> str:
    """``line`` without its log header (time, level, thread, logger) when it has one."""
    line = line.strip()
    record = detect([line], datetime.now().year).parse(line)
    message = record.message.strip() if record is not None and record.message.strip() else line
    return message.split("\n", 1)[0]


def pattern_for_line(line: str) -> str:
    """A linear-time pattern matching ``line`` and the lines that differ only in values.

    Values are what ``inspector.formats.templates.mask`` masks; each becomes a bounded possessive
    wildcard, chosen from what the value was so that only one way to split the line exists:
    ``\\S{1,200}+`` before a space, ``[^\\s,]{1,200}+`` before a comma, a quoted string for
    a quoted string. At most one value (one with spaces inside, or holding the character
    after it) needs a lazy wildcard; the pattern stops before a second one.
    """
    message = _message_of(line)
    if len(message) > DRAFT_MESSAGE_CHARS:
        message = message[:DRAFT_MESSAGE_CHARS].rsplit(None, 1)[0]
    literals = mask(message).split(WILDCARD)
    pieces: list[tuple[bool, str]] = []  # (is a literal, its text or the wildcard's regex)
    fuzzy = 0
    position = 0
    for index, literal in enumerate(literals):
        start = message.find(literal, position) if literal else position
        if start < 0:
            break  # the mask cut the message: keep what was placed
        if index > 0 and any(text for _, text in pieces):
            # (A leading value needs no wildcard: a search finds the line anyway.)
            wildcard = _wildcard(message[position:start], literal[:1])
            fuzzy += wildcard == _FUZZY_GAP
            if fuzzy > 1:
                break
            pieces.append((False, wildcard))
        pieces.append((True, literal))
        position = start + len(literal)
    while pieces and not (pieces[-1][0] and pieces[-1][1].strip()):
        pieces.pop()  # nor does a trailing one
    while pieces and not pieces[0][1].strip():
        pieces.pop(0)
    if pieces:
        pieces[0] = (True, pieces[0][1].lstrip())
        pieces[-1] = (True, pieces[-1][1].rstrip())
    pattern = "".join(_escape(text) if is_literal else text for is_literal, text in pieces)
    if not pattern or not re.search(pattern, message):
        longest = max(literals, key=len).strip() or message[:80]
        pattern = _escape(longest)
    return pattern


def _escape(text: str) -> str:
    """``re.escape`` for people: only the characters that mean something are escaped."""
    return _SPECIAL.sub(r"\\\g<0>", text)


def _wildcard(gap: str, following: str) -> str:
    if len(gap) >= 2 and gap[0] == gap[-1] == '"' and '"' not in gap[1:-1] and "\n" not in gap:
        return '"[^"\\n]{0,200}+"'
    if gap and not any(c.isspace() for c in gap):
        if not following or following.isspace():
            return "\\S{1,200}+"
        if following not in gap:
            return f"[^\\s{re.escape(following)}]{{1,200}}+"
    return _FUZZY_GAP


def _slug(text: str) -> str:
    words = re.findall(r"[a-z][a-z0-9]*", text.lower())[:5]
    return "-".join(words) or "issue"


def draft_from_line(line: str, *, severity: Severity = Severity.MEDIUM,
                    source: str = "log") -> Signature:
    """A user signature pre-filled from a log line; the editor lets the user refine it.

    >>> draft = draft_from_line("2026-11-17 09:14:01 ERROR Lease 7731 lost after 30000 ms")
    >>> draft.id, draft.patterns
    ('custom.lease-lost-after', ('Lease \\\\S{1,200}+ lost after',))
    """
    message = _message_of(line)
    title = mask(message[:120]).replace(WILDCARD, "…")
    return Signature(f"custom.{_slug(mask(message).replace(WILDCARD, ' '))}", title, severity,
                     (pattern_for_line(line),), "", origin="user", tags=(source,))


def draft_from_finding(finding: Finding) -> Signature:
    """A user signature pre-filled from a finding: what to match follows its analyzer.

    HTTP findings match their status (and URL path), SQL findings their error code or
    message, TLS handshake failures their alert, exceptions their type; anything else, the
    first evidence line.
    """
    facts = finding.facts
    base = draft_from_line(finding.evidence[0].excerpt if finding.evidence else finding.title,
                           severity=finding.severity, source=finding.analyzer)
    common = {"title": re.sub(r"\s+x\d+$", "", finding.title), "severity": finding.severity,
              "remediation": finding.remediation, "references": tuple(finding.references),
              "tags": (finding.analyzer,)}
    if finding.rule == "log.exception" and isinstance(facts.get("type"), str):
        return replace(base, **common, patterns=(re.escape(facts["type"]),))
    if finding.analyzer == "http":
        statuses = facts.get("statuses") or ({str(facts["status"]): 1}
                                             if "status" in facts else {})
        path = facts.get("path")
        url = (re.escape(path).replace(re.escape("{id}"), "[^/?#]{1,200}+"),) \
            if isinstance(path, str) and path not in ("", "/") else ()
        if statuses or url:
            return replace(base, **common, patterns=(),
                           http=HttpMatch(tuple(str(s) for s in statuses), url, ()))
    if finding.analyzer == "sql" and finding.rule in _SQL_ERROR_RULES:
        group = str(facts.get("group") or "")
        if re.fullmatch(r"[0-9A-Z]{5}|MY-\d+|\d{4,5}", group):
            sql = SqlMatch((group,), ())
        elif finding.rule in _RULE_CODES:
            sql = SqlMatch(_RULE_CODES[finding.rule], ())
        else:
            text = finding.evidence[0].excerpt if finding.evidence else group
            sql = SqlMatch((), (pattern_for_line(text),))
        return replace(base, **common, patterns=(), sql=sql)
    if finding.analyzer == "tls" and isinstance(facts.get("alert"), str):
        sender = facts.get("sender") if facts.get("sender") in ("client", "server") else None
        return replace(base, **common, patterns=(), tls=TlsMatch((facts["alert"],), sender))
    return replace(base, **common)


# --- writing signatures -------------------------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML string: a literal one for patterns when possible (no escaping to read)."""
    if "'" not in text and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return f"'{text}'"
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char,
                                                                         f"\\u{ord(char):04X}"))
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _toml_list(values: Iterable[str | int]) -> str:
    return "[" + ", ".join(str(v) if isinstance(v, int) else _toml_string(v)
                           for v in values) + "]"


def to_toml(signature: Signature) -> str:
    """``signature`` in the file format; ``KnowledgeBase.from_text`` reads it back equal.

    >>> print(to_toml(Signature("app.x", "X", Severity.LOW, ("a\\\\d+",), "Fix it.")), end="")
    [[signature]]
    id = 'app.x'
    title = 'X'
    severity = 'low'
    patterns = ['a\\d+']
    remediation = 'Fix it.'
    """
    lines = ["[[signature]]", f"id = {_toml_string(signature.id)}",
             f"title = {_toml_string(signature.title)}",
             f"severity = {_toml_string(signature.severity.value)}"]
    if signature.patterns:
        lines.append(f"patterns = {_toml_list(signature.patterns)}")
    lines.append(f"remediation = {_toml_string(signature.remediation)}")
    if signature.references:
        lines.append(f"references = {_toml_list(signature.references)}")
    if signature.kb_link:
        lines.append(f"kb_link = {_toml_string(signature.kb_link)}")
    if signature.tags:
        lines.append(f"tags = {_toml_list(signature.tags)}")
    if signature.case_sensitive:
        lines.append("case_sensitive = true")
    sections: list[tuple[str, Mapping[str, Sequence[str | int]] | None]] = [
        ("http", signature.http and {"status": [int(s) if s.isdigit() else s
                                                for s in signature.http.status],
                                     "url": signature.http.url, "body": signature.http.body}),
        ("sql", signature.sql and {"codes": signature.sql.codes,
                                   "message": signature.sql.message}),
        ("tls", signature.tls and {"alerts": signature.tls.alerts}),
    ]
    for name, values in sections:
        if values is None:
            continue
        lines += ["", f"[signature.{name}]"]
        lines += [f"{key} = {_toml_list(items)}" for key, items in values.items() if items]
        if name == "tls" and signature.tls and signature.tls.sender:
            lines.append(f"sender = {_toml_string(signature.tls.sender)}")
    return "\n".join(lines) + "\n"


def save_signature(signature: Signature, directory: Path | None = None) -> Path:
    """Write ``signature`` to ``<directory>/<id>.toml`` (default: the user's signatures).

    Atomic (temporary file, fsync, rename), so a crash never leaves half a file that
    would then fail to load. An existing file of the same id is replaced.
    """
    directory = directory if directory is not None else user_signatures_dir()
    target = directory / f"{signature.id}.toml"
    write_atomically(target, to_toml(signature).encode("utf-8"))
    return target
