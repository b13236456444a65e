"""One root cause, one finding: findings of one rule that agree on its ``same_cause`` facts.

Analyzers see one artifact at a time, so the same problem seen in three pods' logs, or in
two captures, comes out as one finding per file. ``merge(findings, offsets)`` makes them
one finding that lists every source.

What a merged finding holds (the README's JSON contract says the same):

- ``rule``, ``category``, ``analyzer``, ``detail``, ``remediation``, ``references`` and
  ``facts`` of its *main* member: the most severe, then the one seen most often.
- ``severity``: the worst of the members; ``count``: their sum, exact.
- ``first_seen`` / ``last_seen``: the earliest and the latest of the members, on the UTC
  axis when the members come from several sources (each source's clock offset, as the
  timeline recorded it, is taken off first; ``inspector.timeline.corrected_span``).
- ``evidence``: at most ``MAX_EVIDENCE`` items, taken from every source in turn, so each
  source shows at least one while there are no more sources than that.
- ``facts.sources``: every source (artifact) with its own ``count``, ``findings`` (how many
  of the members it held) and times, at most ``MAX_SOURCES`` of them (``facts.sources_total``
  then says how many there were).
- ``title``: the main member's, its count replaced by the total when the title states it,
  and ``in N sources`` added when there are several.
- ``facts.also_reported_as``: what every member had folded into it (``folding``), at most
  ``MAX_SOURCES`` entries (``facts.also_reported_as_total`` then says how many there were).

A finding whose rule names no ``same_cause`` facts, or that lacks one of them, stands alone.

>>> from inspector.model import Evidence, LineLocator, Severity
>>> from inspector.rules import Rule
>>> refused = Rule("demo.refused", Severity.HIGH, "connectivity", "x", same_cause=("server",))
>>> found = [refused.finding(f"db refused {n} connections", analyzer="demo", count=n,
...                          facts={"server": "db"},
...                          evidence=[Evidence(path, LineLocator(n))])
...          for n, path in ((3, "a.log"), (5, "b.log"))]
>>> [(f.title, f.count) for f in merge(found, {}, {"demo.refused": refused})]
[('db refused 8 connections in 2 sources', 8)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson

from inspector.findings.folding import ALSO_REPORTED_AS
from inspector.model import Evidence, Finding, format_time
from inspector.rules import Rule
from inspector.timeline import corrected_span

MAX_EVIDENCE = 10
MAX_SOURCES = 200


def _identity(finding: Finding, rule: Rule | None) -> tuple[str, bytes] | None:
    if rule is None or not rule.same_cause:
        return None
    values = []
    for name in rule.same_cause:
        if name not in finding.facts:
            return None
        values.append(finding.facts[name])
    return finding.rule, orjson.dumps(values, option=orjson.OPT_SORT_KEYS)


def _source(finding: Finding) -> str:
    return finding.evidence[0].artifact if finding.evidence else ""


def merge(findings: Sequence[Finding], offsets: Mapping[str, timedelta],
          rules: Mapping[str, Rule]) -> list[Finding]:
    """``findings`` with every group that shares a root cause merged into one (see the
    module doc); the others are returned as they are, in their order."""
    groups: dict[tuple[str, bytes], list[Finding]] = defaultdict(list)
    for finding in findings:
        identity = _identity(finding, rules.get(finding.rule))
        if identity is not None:
            groups[identity].append(finding)
    merged: dict[int, Finding] = {}
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        merged[id(members[0])] = _merged(members, offsets)
        dropped.update(id(member) for member in members[1:])
    return [merged.get(id(finding), finding) for finding in findings
            if id(finding) not in dropped]


def _merged(members: list[Finding], offsets: Mapping[str, timedelta]) -> Finding:
    main = max(members, key=lambda f: (f.severity.rank, f.count))
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for member in members:
        by_source[_source(member)].append(member)
    several = len(by_source) > 1
    # Times of several sources go on the UTC axis; one source keeps its own clock (its
    # offset is taken off where the finding is shown, as for any of its findings).
    spans = {id(m): corrected_span(m, offsets)[:2] if several else (m.first_seen, m.last_seen)
             for m in members}
    firsts = [first for first, _ in spans.values() if first is not None]
    lasts = [last or first for first, last in spans.values() if (last or first) is not None]
    total = sum(member.count for member in members)
    sources = []
    for path in sorted(by_source):
        held = by_source[path]
        source_spans = [spans[id(m)] for m in held]
        source_firsts = [first for first, _ in source_spans if first is not None]
        source_lasts = [last or first for first, last in source_spans if (last or first)]
        sources.append({"artifact": path, "count": sum(m.count for m in held),
                        "findings": len(held),
                        "first_seen": format_time(min(source_firsts, default=None)),
                        "last_seen": format_time(max(source_lasts, default=None))})
    facts: dict[str, Any] = dict(main.facts)
    facts["sources"] = sources[:MAX_SOURCES]
    if len(sources) > MAX_SOURCES:
        facts["sources_total"] = len(sources)
    folded = [entry for member in members for entry in member.facts.get(ALSO_REPORTED_AS, ())]
    if folded:
        facts[ALSO_REPORTED_AS] = folded[:MAX_SOURCES]
    if len(folded) > MAX_SOURCES:
        facts[f"{ALSO_REPORTED_AS}_total"] = len(folded)
    title = _recount(main.title, main.count, total)
    if several:
        title += f" in {len(by_source)} sources"
    seen = ", ".join(f"{_label(s['artifact'])} ({s['count']:,})" for s in sources[:10])
    more = f" and {len(sources) - 10} more" if len(sources) > 10 else ""
    return Finding(
        rule=main.rule, severity=max(member.severity for member in members),
        category=main.category, title=title, analyzer=main.analyzer,
        detail=(main.detail + "\n\n" if main.detail else "")
        + f"Seen {total:,} time(s) in {len(by_source)} source(s): {seen}{more}.",
        count=total, first_seen=_earliest(firsts), last_seen=_latest(lasts),
        evidence=_evidence(by_source), facts=facts, remediation=main.remediation,
        references=list(main.references), concern=main.concern)


def _earliest(times: list[datetime]) -> datetime | None:
    return min(times) if times else None


def _latest(times: list[datetime]) -> datetime | None:
    return max(times) if times else None


def _evidence(by_source: Mapping[str, list[Finding]]) -> list[Evidence]:
    """Evidence from every source in turn, at most ``MAX_EVIDENCE`` items, no duplicates."""
    queues = [[e for m in by_source[path] for e in m.evidence] for path in sorted(by_source)]
    chosen: list[Evidence] = []
    depth = 0
    while len(chosen) < MAX_EVIDENCE and any(len(q) > depth for q in queues):
        for queue in queues:
            if depth < len(queue) and queue[depth] not in chosen:
                chosen.append(queue[depth])
                if len(chosen) == MAX_EVIDENCE:
                    break
        depth += 1
    return chosen


def _recount(title: str, count: int, total: int) -> str:
    """``title`` with the member's ``count`` replaced by ``total``: where titles state a
    count (``44 requests…``, ``… x44``), else where the count stands once on its own; a title
    that states it nowhere, or ambiguously, says the total at its end.

    >>> _recount("1 error: code 1 of 3", 1, 5), _recount("Refused x12", 12, 30)
    ('5 error: code 1 of 3', 'Refused x30')
    >>> _recount("Error 7 then 7", 7, 9)
    'Error 7 then 7 (9 in all)'
    """
    if count == total:
        return title
    written = "|".join(re.escape(form) for form in {f"{count:,}", str(count)})
    for pattern in (r"^(?:" + written + r")(?= )", r"(?<= x)(?:" + written + r")$",
                    r"(?<![\d.,])(?:" + written + r")(?![\d.,]\d|\d)"):
        found = re.findall(pattern, title)
        if len(found) == 1:
            return re.sub(pattern, f"{total:,}", title, count=1)
    return f"{title} ({total:,} in all)"


def _label(artifact: str) -> str:
    return artifact.rsplit("!/", 1)[-1].rsplit("/", 1)[-1] or artifact

