r"""Known-issue signatures: the file format, its validation, and where signatures are read.

A signature names a known problem (title, severity, remediation, KB link, tags) and says
how to recognize it in a bundle: a pattern over log lines, an HTTP status and response body,
a SQL error code or message, a TLS alert. Signatures are TOML (the full format with examples
is ``docs/knowledge-base.md``); one file holds any number of ``[[signature]]`` tables::

    [[signature]]
    id = "db.connection-pool-exhausted"      # dotted, unique
    title = "Database connection pool exhausted"
    severity = "high"                         # critical, high, medium, low, info
    patterns = ['HikariPool-\d+ - Connection is not available']   # log lines
    remediation = "Raise the pool size or find the connection leak."
    references = ["https://github.com/brettwooldridge/HikariCP/wiki/..."]
    kb_link = "https://kb.example.com/articles/1234"   # optional, the team's article
    tags = ["database", "java"]                         # optional
    case_sensitive = false                    # optional, default false

    [signature.http]                          # optional: HAR entries
    status = [502, "5xx"]                     # any of these statuses (0 = no response)
    body = ['upstream connect error']         # response body (or a failed request's error)
    url = ['/api/v\d+/orders']                 # the (masked) request URL

    [signature.sql]                           # optional: database server errors
    codes = ["40P01", "1213"]                 # SQLSTATE or MySQL error code
    message = ['deadlock detected']

    [signature.tls]                           # optional: TLS alerts in captures
    alerts = ["certificate_expired", 45]      # names or numbers
    sender = "client"                         # optional: who sent it

Within a section every given key must match (status *and* body); a signature with several
sections matches when any one does (``inspector.knowledge.matching`` does the matching).

Where signatures live: the shipped ones in ``resources/signatures/`` (read through the
``resources`` accessor; ``SHIPPED_SIGNATURES`` names them), the user's own in
``user_signatures_dir()`` (``inspector.knowledge.locations``).
``read_shipped_and_user_signatures`` reads both; a user signature with the id of a shipped
one replaces it, and user signatures come first, so when a line matches a user's specific
signature and a shipped general one, the user's wins.

Decisions the next engineer needs:

- A bad signature (missing field, unknown key, wrong type, a pattern that does not compile
  or could backtrack catastrophically) is reported as a problem and left out; the others
  still load. A file that is not valid TOML or cannot be read likewise.
- "Cannot backtrack catastrophically" is checked on the parsed pattern: no back-references,
  no unbounded repeat inside another unbounded repeat, at most three unbounded repeats.
  Matching only looks at the first ``MATCH_CHARS`` characters of a line (``BODY_CHARS`` of a
  response body, both in ``inspector.knowledge.matching``), so even a polynomial pattern
  has a small bound.

>>> signatures, problems = parse_signatures('[[signature]]\nid = "x.bad"\ntitle = "t"\n'
...                                         'severity = "low"\npatterns = ["(a+)+$"]\n'
...                                         'remediation = ""')
>>> signatures
[]
>>> problems
["signature 'x.bad': pattern '(a+)+$' nests unbounded repeats and could backtrack catastrophically"]
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre_constants  # the parsed-pattern opcodes of ``re``
from re import _parser as sre_parse
from typing import Any, NamedTuple

import resources
from inspector.knowledge.locations import user_signatures_dir
from inspector.model import Severity

# Package data (pyproject.toml), so a wheel install carries them too.
SHIPPED_SIGNATURES = tuple(resources.names("signatures", suffix=".toml"))
MAX_UNBOUNDED_REPEATS = 3
_SIGNATURE_ID = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+$")
_STATUS_CLASS = re.compile(r"^[0-5]xx$")
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
            getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}
_TOP_KEYS = {"id", "title", "severity", "patterns", "remediation", "references", "kb_link",
             "tags", "case_sensitive", "http", "sql", "tls"}

# The SQL analyzer files these errors under their own rules without keeping the error code;
# these are the codes each rule stands for (PostgreSQL SQLSTATE, MySQL error number), so a
# signature written with the code the customer quotes still finds them.
SQL_RULE_CODES = {
    "sql.deadlock": ("40P01", "1213", "ER_LOCK_DEADLOCK"),
    "sql.lock-timeout": ("55P03", "1205", "ER_LOCK_WAIT_TIMEOUT"),
    "sql.connection-exhausted": ("53300", "1040", "ER_CON_COUNT_ERROR"),
    "sql.authentication-failed": ("28P01", "28000", "1045", "ER_ACCESS_DENIED_ERROR"),
}
# The SQL analyzer's rules whose findings are database errors a ``[signature.sql]`` matches.
SQL_ERROR_RULES = frozenset({"sql.errors", *SQL_RULE_CODES})


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


def parse_signatures(text: str, source: str = "<text>", origin: str = "file"
                     ) -> tuple[list[Signature], list[str]]:
    """The valid signatures of one file's ``text`` and one problem per one left out.

    ``source`` names the file in problems and in ``Signature.source``; ``origin`` is
    ``Signature.origin``.
    """
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


def read_signature_files(paths: Iterable[Path], origin: str = "file"
                         ) -> tuple[list[Signature], list[str]]:
    """The signatures of ``paths``, in order, and the problems of those left out."""
    signatures: list[Signature] = []
    problems: list[str] = []
    for path in paths:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{source}: cannot be read: {exc}")
            continue
        found, bad = parse_signatures(text, source, origin)
        signatures.extend(found)
        problems.extend(bad)
    return signatures, problems


def _read_shipped() -> tuple[list[Signature], list[str]]:
    signatures: list[Signature] = []
    problems: list[str] = []
    for name in SHIPPED_SIGNATURES:
        found, bad = parse_signatures(resources.read_text(name), name.rsplit("/", 1)[-1],
                                      "shipped")
        signatures.extend(found)
        problems.extend(bad)
    return signatures, problems


def _toml_files(directory: Path) -> tuple[list[Path], list[str]]:
    try:
        return sorted(directory.glob("*.toml")), []
    except OSError as exc:
        return [], [f"{directory}: cannot be listed: {exc}"]


class ShippedAndUserSignatures(NamedTuple):
    """What ``read_shipped_and_user_signatures`` found.

    Attributes:
        signatures: the user's signatures, then the shipped ones they do not replace.
        problems: one message per signature or file that was left out, and why.
        overridden: ids of shipped signatures a user signature replaced, sorted.
    """

    signatures: list[Signature]
    problems: list[str]
    overridden: list[str]


def read_shipped_and_user_signatures(user_dir: Path | None = None
                                     ) -> ShippedAndUserSignatures:
    """The shipped signatures and every ``*.toml`` in ``user_dir`` (see the module doc).

    ``user_dir`` defaults to ``user_signatures_dir()``; a missing folder is simply empty.
    """
    shipped, problems = _read_shipped()
    directory = user_dir if user_dir is not None else user_signatures_dir()
    user_files, listing = _toml_files(directory) if directory.is_dir() else ([], [])
    mine, bad = read_signature_files(user_files, "user")
    problems += listing + bad
    mine_ids = {s.id for s in mine}
    return ShippedAndUserSignatures([*mine, *(s for s in shipped if s.id not in mine_ids)],
                                    problems, sorted(mine_ids & {s.id for s in shipped}))
