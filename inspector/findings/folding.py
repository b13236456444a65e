"""One event, one finding across rules: generic findings folded into the one naming the cause.

Several analyzers can report one event from the same lines: a ``java.lang.OutOfMemoryError``
in an application log is a stack-trace group (``log.exception``), a knowledge-base match
(``log.known-issue``) and, from the ``jvm-cross`` analyzer, a diagnosis of its kind
(``jvm.out-of-memory``). ``fold(findings, rules)`` keeps the one that says most and folds
the others into it.

Whether two findings are one event is never guessed from their words; it takes three
things:

- **a declaration**: the survivor's rule *explains* the other's (``Rule.explains``, directly
  or through a rule it explains). Two findings on the same lines without one stay apart: an
  exception group and a slow-request rule on the same record are two causes.
- **the same places**: more than half of the folded finding's evidence cites a place the
  survivor's evidence cites too (the same artifact and a shared line, the same packet,
  entry, statement, pointer or offset). A place that is the whole artifact proves nothing.
- **the same occurrences**: the folded finding counts no more than the survivor, so the
  survivor accounts for every one of them, and more than half as many, so it is most of
  what the survivor counts. Evidence lists only the first places, and counts tell the
  rest: an exception group of 200 records is not the signature match of 3 of them, nor is
  a message logged twice the server's group of 18 errors sharing one generic code, even
  when their first lines are the same.

Where several findings could take one, the most specific does: the one whose rule no other
candidate's rule explains, then the one sharing the most places, then the most severe. A
finding that is folded passes what it took on to its own survivor, so the chain ends in one.

The survivor keeps its rule, title, severity, count, times, evidence and facts (its rule
names the cause, so its judgement stands) and gains:

- ``facts.also_reported_as``: each finding folded into it, as it would have stood in the
  analysis (``Finding.to_json`` without ``rank``), in the order they came;
- the folded findings' ``references`` it did not have.

>>> from inspector.model import Evidence, LineLocator, Severity
>>> from inspector.rules import Rule
>>> oom = Rule("demo.oom", Severity.CRITICAL, "resources", "x", explains=("demo.exception",))
>>> exception = Rule("demo.exception", Severity.MEDIUM, "errors", "x")
>>> record = [Evidence("app.log", LineLocator(445, end_line=450))]
>>> found = [exception.finding("OutOfMemoryError x14", analyzer="logs", count=14,
...                            evidence=record),
...          oom.finding("Java heap space x14", analyzer="jvm", count=14, evidence=record)]
>>> [(f.rule, [a["rule"] for a in f.facts["also_reported_as"]])
...  for f in fold(found, {"demo.oom": oom})]
[('demo.oom', ['demo.exception'])]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from inspector.model import (
    EntryLocator,
    Evidence,
    Finding,
    LineLocator,
    OffsetLocator,
    PacketLocator,
    PointerLocator,
    StatementLocator,
)
from inspector.rules import Rule, explained_by

ALSO_REPORTED_AS = "also_reported_as"

# A place an evidence item cites: (artifact, locator kind, key) for an exact locator, or
# (artifact, "line", (first, last)) for a span of lines.
_Place = tuple[str, str, Any]


def fold(findings: Sequence[Finding], rules: Mapping[str, Rule]) -> list[Finding]:
    """``findings`` with every finding another one explains on the same places folded into
    it (see the module doc); the others are returned as they are, in their order."""
    explains = {rule_id: explained_by(rule.explains, rules)
                for rule_id, rule in rules.items() if rule.explains}
    if not explains:
        return list(findings)
    places = {id(finding): _places(finding) for finding in findings}
    # Only findings citing one artifact can share a place: each is compared with those.
    by_artifact: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        for artifact in dict.fromkeys(place[0] for place in places[id(finding)]):
            by_artifact[finding.rule, artifact].append(finding)
    survivor: dict[int, Finding] = {}
    for finding in findings:
        mine = places[id(finding)]
        others = {id(other): other
                  for rule_id, explained in explains.items() if finding.rule in explained
                  for artifact in dict.fromkeys(place[0] for place in mine)
                  for other in by_artifact.get((rule_id, artifact), ())}
        candidates = [(other, shared) for other in others.values()
                      if _same_occurrences(finding, other)
                      and 2 * (shared := _shared(mine, places[id(other)])) > len(mine)]
        if candidates:
            survivor[id(finding)] = _most_specific(candidates, explains)
    taken: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        if id(finding) in survivor:
            taken[id(_last(finding, survivor))].append(finding)
    return [_with_folded(finding, taken[id(finding)]) if id(finding) in taken else finding
            for finding in findings if id(finding) not in survivor]


def _same_occurrences(finding: Finding, other: Finding) -> bool:
    return finding.count <= other.count < 2 * max(finding.count, 1)


def _most_specific(candidates: list[tuple[Finding, int]],
                   explains: Mapping[str, set[str]]) -> Finding:
    rules = {other.rule for other, _ in candidates}
    explained = set().union(*(explains.get(rule_id, set()) for rule_id in rules))
    return max(candidates, key=lambda pair: (pair[0].rule not in explained, pair[1],
                                             pair[0].severity.rank, pair[0].count))[0]


def _last(finding: Finding, survivor: Mapping[int, Finding]) -> Finding:
    # The declarations form no cycle (``inspector.rules``), so the chain ends.
    while id(finding) in survivor:
        finding = survivor[id(finding)]
    return finding


def _with_folded(finding: Finding, folded: list[Finding]) -> Finding:
    reported = [{key: value for key, value in member.to_json().items() if key != "rank"}
                for member in folded]
    facts = dict(finding.facts)
    facts[ALSO_REPORTED_AS] = list(facts.get(ALSO_REPORTED_AS, [])) + reported
    references = list(finding.references)
    references += [ref for member in folded for ref in member.references
                   if ref not in references]
    return Finding(
        rule=finding.rule, severity=finding.severity, category=finding.category,
        title=finding.title, analyzer=finding.analyzer, detail=finding.detail,
        count=finding.count, first_seen=finding.first_seen, last_seen=finding.last_seen,
        evidence=list(finding.evidence), facts=facts, remediation=finding.remediation,
        references=list(dict.fromkeys(references)), concern=finding.concern)


def _places(finding: Finding) -> list[_Place]:
    return [place for place in map(_place, finding.evidence) if place is not None]


def _place(evidence: Evidence) -> _Place | None:
    artifact = evidence.artifact
    match evidence.locator:
        case LineLocator(line=line, end_line=end_line):
            return artifact, "line", (line, end_line or line)
        case PacketLocator(index=index) | EntryLocator(index=index) | \
                StatementLocator(index=index):
            return artifact, evidence.locator.kind, index
        case PointerLocator(pointer=pointer, document=document):
            return artifact, "pointer", (pointer, document)
        case OffsetLocator(offset=offset):
            return artifact, "offset", offset
    return None


def _shared(mine: list[_Place], theirs: list[_Place]) -> int:
    """How many of ``mine`` name a place among ``theirs``."""
    return sum(1 for place in mine if any(_same(place, other) for other in theirs))


def _same(place: _Place, other: _Place) -> bool:
    if place[:2] != other[:2]:
        return False
    if place[1] == "line":
        (first, last), (other_first, other_last) = place[2], other[2]
        return first <= other_last and other_first <= last
    return place[2] == other[2]
