"""Known-issue signatures: patterns over log lines with a title, severity and remediation.

Signatures ship as TOML files in the repository's ``resources/signatures/`` folder, found
relative to this package (``Path(__file__).resolve().parents[1] / "resources"``); users can
add their own files in the same format. One file holds any number of ``[[signature]]``
tables::

    [[signature]]
    id = "db.connection-pool-exhausted"      # dotted, unique
    title = "Database connection pool exhausted"
    severity = "high"                         # critical, high, medium, low, info
    patterns = ['HikariPool-\\d+ - Connection is not available']
    remediation = "Raise the pool size or find the connection leak."
    references = ["https://github.com/brettwooldridge/HikariCP/wiki/..."]
    case_sensitive = false                    # optional, default false

Decisions the next engineer needs:

- A bad signature (missing field, wrong type, a pattern that does not compile or could
  backtrack catastrophically) is reported in ``KnowledgeBase.problems`` and left out; the
  others still load. A file that is not valid TOML is reported the same way.
- "Cannot backtrack catastrophically" is checked on the parsed pattern: no back-references,
  no unbounded repeat inside another unbounded repeat, at most three unbounded repeats.
  Matching also only looks at the first ``MATCH_CHARS`` characters of a line, so even a
  polynomial pattern has a small bound.
- All patterns are compiled into one alternation, so matching a line is one regex search.

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
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre_constants  # the parsed-pattern opcodes of ``re``
from re import _parser as sre_parse
from typing import Any

from inspector.model import Severity

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SIGNATURES_DIR = RESOURCES / "signatures"
MATCH_CHARS = 2000
MAX_UNBOUNDED_REPEATS = 3
_SIGNATURE_ID = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+$")
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
            getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}


@dataclass(frozen=True, slots=True)
class Signature:
    """One known issue."""

    id: str
    title: str
    severity: Severity
    patterns: tuple[str, ...]
    remediation: str
    references: tuple[str, ...] = ()
    case_sensitive: bool = False
    source: str = ""


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


def _validate(entry: Any, source: str) -> tuple[Signature | None, str | None]:
    if not isinstance(entry, dict):
        return None, f"{source}: a signature must be a table"
    ident = entry.get("id")
    name = f"signature {ident!r}" if isinstance(ident, str) else f"{source}: signature"
    if not isinstance(ident, str) or not _SIGNATURE_ID.match(ident):
        return None, f"{name}: id must be a dotted lower-case id like 'db.deadlock'"
    for key in ("title", "remediation"):
        if not isinstance(entry.get(key), str):
            return None, f"{name}: {key!r} must be a string"
    try:
        severity = Severity(entry.get("severity"))
    except ValueError:
        return None, f"{name}: severity must be one of {', '.join(s.value for s in Severity)}"
    patterns = entry.get("patterns")
    if not isinstance(patterns, list) or not patterns or not all(
            isinstance(p, str) and p for p in patterns):
        return None, f"{name}: patterns must be a non-empty list of strings"
    for pattern in patterns:
        risk = pattern_risk(pattern)
        if risk:
            return None, f"{name}: pattern {pattern!r} {risk}"
    references = entry.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        return None, f"{name}: references must be a list of strings"
    case_sensitive = entry.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        return None, f"{name}: case_sensitive must be true or false"
    return Signature(ident, entry["title"], severity, tuple(patterns), entry["remediation"],
                     tuple(references), case_sensitive, source), None


class KnowledgeBase:
    """Validated signatures and one combined matcher over them.

    Attributes:
        signatures: the valid signatures, in file order.
        problems: one message per signature or file that was left out, and why.
    """

    def __init__(self, signatures: Iterable[Signature], problems: Iterable[str] = ()) -> None:
        self.signatures: list[Signature] = []
        self.problems: list[str] = list(problems)
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
            group = f"s{index}"
            self._by_group[group] = signature
            body = "|".join(f"(?:{p})" for p in signature.patterns)
            scoped = body if signature.case_sensitive else f"(?i:{body})"
            alternatives.append(f"(?P<{group}>{scoped})")
        self._regex = re.compile("|".join(alternatives)) if alternatives else None

    @classmethod
    def from_text(cls, text: str, source: str = "<text>") -> KnowledgeBase:
        signatures, problems = _parse(text, source)
        return cls(signatures, problems)

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None) -> KnowledgeBase:
        """Signatures from TOML files (default: every ``*.toml`` in ``SIGNATURES_DIR``)."""
        files = sorted(SIGNATURES_DIR.glob("*.toml")) if paths is None else list(paths)
        signatures: list[Signature] = []
        problems: list[str] = []
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{path.name}: cannot be read: {exc}")
                continue
            found, bad = _parse(text, path.name)
            signatures.extend(found)
            problems.extend(bad)
        return cls(signatures, problems)

    def match(self, line: str) -> Signature | None:
        """The first signature whose pattern occurs in ``line`` (its head), else ``None``."""
        if self._regex is None:
            return None
        found = self._regex.search(line, 0, MATCH_CHARS)
        return self._by_group[found.lastgroup] if found and found.lastgroup else None


def _parse(text: str, source: str) -> tuple[list[Signature], list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{source}: not valid TOML: {exc}"]
    entries = data.get("signature", [])
    if not isinstance(entries, list):
        return [], [f"{source}: 'signature' must be an array of tables ([[signature]])"]
    signatures, problems = [], []
    for entry in entries:
        signature, problem = _validate(entry, source)
        if signature is not None:
            signatures.append(signature)
        if problem is not None:
            problems.append(problem)
    return signatures, problems
