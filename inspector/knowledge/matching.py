"""Matching signatures: log lines one at a time, and a whole analyzed bundle.

``KnowledgeBase`` holds validated signatures (``inspector.knowledge.signatures``) and one
combined matcher over their log patterns; ``match_bundle`` says what each signature matches
in an analyzed bundle, as ``SignatureMatch``es.

Decisions the next engineer needs:

- All log patterns are compiled into one alternation, so matching a line is one regex
  search; ``KnowledgeBase.match`` is what the ``logs`` analyzer calls per record (its
  ``log.known-issue`` findings). Only the first ``MATCH_CHARS`` characters of a line are
  looked at (``BODY_CHARS`` of a response body), which bounds even a polynomial pattern.
- Reading every line of a log, blocks of ``BLOCK_BYTES`` are prefiltered first: a literal
  every match of a signature must contain rules out nearly every block of a healthy log at
  memory speed (``KnowledgeBase.candidates``).
- HTTP, SQL and TLS signatures are matched after the per-artifact pass by
  ``KnowledgeAnalyzer``, a bundle analyzer, against what the ``http``, ``sql`` and ``tls``
  analyzers produced (``kb.known-issue`` findings): the HAR waterfall rows (status, URL),
  the SQL error findings (their SQLSTATE or MySQL code and messages) and the TLS alert
  list. Only response bodies are read again, and only of HAR entries whose status and URL
  already matched, through the one HAR reader (``inspector.formats.har.HarReader``), which
  streams: reading stops after the last entry wanted, and memory follows the largest entry,
  not the file.
- ``match_bundle`` is the one matcher for every use: the bundle analyzer, ``inspector kb
  test``, and the signature editor's preview (``inspector.knowledge.preview``).
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
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector.formats.har import HarFormatError, HarReader
from inspector.formats.regex import required_literals
from inspector.knowledge.signatures import (
    SQL_ERROR_RULES,
    SQL_RULE_CODES,
    Signature,
    parse_signatures,
    read_shipped_and_user_signatures,
    read_signature_files,
)
from inspector.model import (
    ArtifactKind,
    EntryLocator,
    Evidence,
    LineLocator,
    PacketLocator,
    format_time,
    parse_time,
)
from inspector.plugins import ArtifactResults, BundleView
from inspector.privacy.secrets import redact, scan_text

MATCH_CHARS = 2000
BODY_CHARS = 65536
MAX_LINE = 1 << 20
BLOCK_BYTES = 1 << 20  # lines are prefiltered a block at a time
MAX_EVIDENCE = 20
EXCERPT_CHARS = 300
_LINE_KINDS = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.POSTGRES_LOG,
                         ArtifactKind.JOURNAL, ArtifactKind.KERNEL_LOG})


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
        signatures, problems = parse_signatures(text, source)
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
            signatures, problems = read_signature_files(paths)
            return cls(signatures, problems)
        found = read_shipped_and_user_signatures(user_dir)
        knowledge = cls(found.signatures, found.problems)
        knowledge.overridden = found.overridden
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
    bodies: dict[int, str] = {}
    last = max(wanted)
    read = 0
    try:
        with bundle.open(path) as stream:
            for read, entry in enumerate(HarReader(stream).entries(), 1):
                if read in wanted and (text := _body_text(entry)) is not None:
                    bodies[read] = text
                if read >= last:
                    break
    except HarFormatError as exc:
        warn(f"{path}: response bodies after entry {read:,} were not checked: {exc}")
    except (OSError, EOFError, ValueError) as exc:
        warn(f"{path}: response bodies could not be read: {type(exc).__name__}: {exc}")
    return bodies


def _body_text(entry: Any) -> str | None:
    """One HAR entry's response body as text, its first ``BODY_CHARS``; ``None`` if none."""
    content = ((entry or {}).get("response") or {}).get("content") or {} \
        if isinstance(entry, dict) else {}
    text = content.get("text") if isinstance(content, dict) else None
    if not isinstance(text, str):
        return None
    if content.get("encoding") == "base64":
        try:
            text = base64.b64decode(text[:BODY_CHARS * 2]).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return None
    return text[:BODY_CHARS]


def _match_sql(signatures: list[Signature], result: ArtifactResults,
               matches: _Matches) -> None:
    for finding in result.findings:
        if finding.analyzer != "sql" or finding.rule not in SQL_ERROR_RULES:
            continue
        group = str(finding.facts.get("group") or "").upper()
        codes = {group, *SQL_RULE_CODES.get(finding.rule, ())} - {""}
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


