"""Scoring a trainee's diagnosis against a scenario's answer key, and explaining the score.

The trainee submits a ``Diagnosis``: one root cause (``inspector.training.root_causes``), a
free text write-up, and the evidence relied on (artifact + locator, as ``model.Evidence``).
``score`` compares it with the scenario's answer key and explains, in plain words, what was
right, what was missed and why, using the key's evidence "why" texts and the rules the
analyzers must fire.

Decisions the next engineer needs:

- Points: 60 for the root cause, 40 shared equally by the key evidence items. A key item
  cited itself earns its whole share; one reached through related evidence (below) earns
  half of it. Each citation that points at nothing relevant (the red herring, healthy
  noise) costs 5, never below zero for the evidence part. A pass needs the right root
  cause and 70 points.
- A citation finds a key item when it names the same artifact and the same place: the same
  packet, HAR entry or statement (by number); for lines, a range overlapping the key's lines
  give or take ``LINE_SLACK`` (a log header versus its stack trace); a key item that is a
  whole artifact is found by any citation in it. A citation wider than ``WIDEST_CITATION``
  lines points at nothing in particular and finds nothing.
- Related evidence, when the analyzers' findings are passed in: findings that share a piece
  of evidence (a packet, an entry, overlapping lines; never a whole member) form one
  *finding group*, and every finding of a rule the key requires joins one group with the
  others: together they are the diagnosis. A citation of any evidence of a group that holds
  a key item reaches that key item ("related": half credit, no penalty). So the log's
  ``CertificateExpiredException`` lines, tied by the cross-source incident to the alert
  packet of the key, earn credit instead of costing it. A citation of a required rule's
  evidence that reaches no key item is "supporting": no credit, no penalty.
- The free text is not graded by machine; the explanation puts the key's summary next to
  it so the trainee can compare.

>>> from inspector.model import Evidence, PacketLocator
>>> key = {"summary": "It expired.", "rules": ["tls.certificate-expired"], "evidence": [
...     {"artifact": "net.pcap", "locator": {"kind": "packet", "index": 7},
...      "why": "the client aborts with alert certificate_expired"}]}
>>> scenario_score = score("tls_expired_certificate", key, Diagnosis(
...     "certificate-expired", "the cert expired", [Evidence("net.pcap", PacketLocator(7))]))
>>> scenario_score.points, scenario_score.passed
(100, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from inspector.model import Evidence, Finding, LineLocator, Locator, locator_from_json
from inspector.rules import REGISTRY
from inspector.training import scenarios as samples
from inspector.training.catalogue import RootCause
from inspector.training.root_causes import root_cause, root_cause_for

ROOT_CAUSE_POINTS = 60
EVIDENCE_POINTS = 40
UNRELATED_CITATION_PENALTY = 5
PASS_POINTS = 70
LINE_SLACK = 2
WIDEST_CITATION = 50
RELATED_CREDIT = 0.5


@dataclass(frozen=True)
class Diagnosis:
    """What the trainee submits.

    Attributes:
        root_cause: a ``RootCause.id``.
        explanation: the trainee's own words.
        evidence: the places relied on; only ``artifact`` and ``locator`` are judged.
    """

    root_cause: str
    explanation: str = ""
    evidence: Sequence[Evidence] = ()


@dataclass(frozen=True)
class KeyEvidence:
    """One item of the answer key's evidence and whether the trainee cited it.

    Attributes:
        found: a citation names this very place.
        related: the title of the finding through whose evidence a citation reached it, or
            empty.
    """

    artifact: str
    locator: Locator
    why: str
    found: bool
    related: str = ""

    @property
    def credit(self) -> float:
        """The share of this item's points earned: all, half through related evidence."""
        return 1.0 if self.found else (RELATED_CREDIT if self.related else 0.0)

    def where(self) -> str:
        return f"{self.artifact}, {self.locator.describe()}"


@dataclass(frozen=True)
class Citation:
    """One piece of evidence the trainee cited and what it was worth.

    ``verdict`` is ``key`` (found a key item), ``related`` (evidence of a finding group
    holding a key item), ``supporting`` (evidence of a required rule's finding),
    ``unrelated`` (costs points) or ``too-wide`` (also costs points).
    """

    evidence: Evidence
    verdict: str

    def where(self) -> str:
        return f"{self.evidence.artifact}, {self.evidence.locator.describe()}"


@dataclass(frozen=True)
class Score:
    """The result of scoring one diagnosis, with everything needed to explain it."""

    scenario: str
    points: int
    passed: bool
    chosen: RootCause | None
    expected: RootCause
    key_evidence: list[KeyEvidence]
    citations: list[Citation]
    rules: list[tuple[str, str]]  # (rule id, what the rule means)
    summary: str
    diagnosis_text: str = ""

    @property
    def root_cause_correct(self) -> bool:
        return self.chosen is not None and self.chosen.id == self.expected.id

    def explanation(self) -> str:
        """The score explained in plain text, what was missed first."""
        lines = [f"Score: {self.points}/100 ({'passed' if self.passed else 'not passed'})", ""]
        if self.root_cause_correct:
            lines.append(f"Root cause: right. {self.expected.label}.")
        else:
            chosen = self.chosen.label if self.chosen else "none chosen"
            lines.append(f"Root cause: missed. You chose \u201c{chosen}\u201d; it is "
                         f"\u201c{self.expected.label}\u201d: {self.expected.description}")
        lines.append("")
        missed = [item for item in self.key_evidence if not item.found and not item.related]
        related = [item for item in self.key_evidence if not item.found and item.related]
        found = [item for item in self.key_evidence if item.found]
        if missed:
            lines.append("Key evidence you missed:")
            lines.extend(f"- {item.where()}: {item.why}" for item in missed)
        if related:
            lines.append("Key evidence you reached through related evidence (half credit; "
                         "cite the place itself for all of it):")
            lines.extend(f"- {item.where()}: {item.why} (you cited evidence of the same "
                         f"finding group: {item.related})" for item in related)
        if found:
            lines.append("Key evidence you found:")
            lines.extend(f"- {item.where()}: {item.why}" for item in found)
        wasted = [c for c in self.citations if c.verdict in ("unrelated", "too-wide")]
        if wasted:
            lines.append(f"Citations that do not support the root cause "
                         f"(-{UNRELATED_CITATION_PENALTY} each):")
            lines.extend(f"- {c.where()}: "
                          + ("too wide to point at anything" if c.verdict == "too-wide"
                             else "noise or a red herring here")
                          for c in wasted)
        linked = [c for c in self.citations if c.verdict == "related"]
        if linked:
            lines.append("Citations of the same finding group as key evidence (credited):")
            lines.extend(f"- {c.where()}" for c in linked)
        supporting = [c for c in self.citations if c.verdict == "supporting"]
        if supporting:
            lines.append("Relevant citations beyond the key items (no points, no penalty):")
            lines.extend(f"- {c.where()}" for c in supporting)
        lines.append("")
        lines.append("The analyzers flag this case with:")
        lines.extend(f"- {rule_id}: {meaning}" if meaning else f"- {rule_id}"
                     for rule_id, meaning in self.rules)
        lines.append("")
        lines.append(f"Answer key: {self.summary}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """What progress keeps of an attempt."""
        return {"scenario": self.scenario, "points": self.points, "passed": self.passed,
                "root_cause": self.chosen.id if self.chosen else None,
                "root_cause_correct": self.root_cause_correct,
                "evidence_found": sum(item.found for item in self.key_evidence),
                "evidence_related": sum(bool(item.related) for item in self.key_evidence),
                "evidence_total": len(self.key_evidence),
                "diagnosis": self.diagnosis_text}


def _line_span(locator: Locator) -> tuple[int, int]:
    assert isinstance(locator, LineLocator)
    return locator.line, locator.end_line or locator.line


def points_at(cited: Evidence, artifact: str, locator: Locator) -> bool:
    """Whether a citation names the same place as ``artifact``/``locator`` (see module doc)."""
    if cited.artifact != artifact:
        return False
    if locator.kind == "artifact":
        return True
    if cited.locator.kind != locator.kind:
        return False
    if locator.kind == "line":
        first, last = _line_span(cited.locator)
        key_first, key_last = _line_span(locator)
        return first <= key_last + LINE_SLACK and last >= key_first - LINE_SLACK
    if locator.kind == "statement":  # the line is a hint that keys may leave out
        return cited.locator.index == locator.index
    return cited.locator == locator


def same_place(first: Evidence, second: Evidence) -> bool:
    """Two pieces of evidence name one place: the same packet, entry or statement, or
    overlapping lines, of the same member (a whole member is no place)."""
    if first.artifact != second.artifact or first.locator.kind != second.locator.kind:
        return False
    if first.locator.kind == "artifact":
        return False
    if first.locator.kind == "line":
        first_start, first_end = _line_span(first.locator)
        second_start, second_end = _line_span(second.locator)
        return first_start <= second_end and second_start <= first_end
    if first.locator.kind == "statement":
        return first.locator.index == second.locator.index
    return first.locator == second.locator


def finding_groups(findings: Sequence[Finding], required: set[str]) -> list[int]:
    """The group of each finding (an index into ``findings`` naming its group): findings
    sharing evidence are one group, and so are all findings of the ``required`` rules."""
    parent = list(range(len(findings)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(first: int, second: int) -> None:
        parent[root(first)] = root(second)

    places: dict[tuple[str, str], list[tuple[int, Evidence]]] = {}
    for index, finding in enumerate(findings):
        for evidence in finding.evidence:
            places.setdefault((evidence.artifact, evidence.locator.kind), []).append(
                (index, evidence))
    for same_kind in places.values():
        for position, (index, evidence) in enumerate(same_kind):
            for other, other_evidence in same_kind[position + 1:]:
                if other != index and same_place(evidence, other_evidence):
                    join(index, other)
    anchors = [index for index, finding in enumerate(findings) if finding.rule in required]
    for index in anchors[1:]:
        join(index, anchors[0])
    return [root(index) for index in range(len(findings))]


def _too_wide(cited: Evidence) -> bool:
    if cited.locator.kind != "line":
        return False
    first, last = _line_span(cited.locator)
    return last - first + 1 > WIDEST_CITATION


def _rule_meaning(rule_id: str) -> str:
    # Rules register when their analyzer is imported: by the composition roots (the CLI,
    # the app) before any scoring happens.
    return REGISTRY.get(rule_id).summary if rule_id in REGISTRY else ""


def _related_evidence(findings: list[Finding], required: set[str],
                      key_places: list[tuple[str, Locator, str]]
                      ) -> list[tuple[int, Evidence, str]]:
    """``(key item, evidence, finding title)``: every piece of evidence of a finding group
    that holds key item ``key item`` (see the module doc)."""
    groups = finding_groups(findings, required)
    holding: dict[int, set[int]] = {}  # group -> the key items its evidence touches
    for index, finding in enumerate(findings):
        for item, (artifact, locator, _why) in enumerate(key_places):
            if locator.kind != "artifact" and any(
                    same_place(evidence, Evidence(artifact, locator))
                    for evidence in finding.evidence):
                holding.setdefault(groups[index], set()).add(item)
    return [(item, evidence, finding.title)
            for index, finding in enumerate(findings)
            for item in sorted(holding.get(groups[index], ()))
            for evidence in finding.evidence if evidence.locator.kind != "artifact"]


def score(scenario: samples.Scenario | str, answer_key: dict[str, Any], diagnosis: Diagnosis,
          *, findings: Iterable[Finding] = ()) -> Score:
    """Score ``diagnosis`` against ``answer_key`` (a scenario's ``answer.json`` content).

    ``findings`` are the analyzers' findings on the scenario's bundle, when known; they let
    related evidence earn credit and relevant citations beyond the key's items go
    unpunished.
    """
    name = scenario if isinstance(scenario, str) else scenario.name
    expected = root_cause_for(name)
    try:
        chosen: RootCause | None = root_cause(diagnosis.root_cause)
    except KeyError:
        chosen = None
    key_places = [(item["artifact"], locator_from_json(item["locator"]), item.get("why", ""))
                  for item in answer_key.get("evidence", [])]
    required = set(answer_key.get("rules", []))
    findings = list(findings)
    supporting_places = [(e.artifact, e.locator) for finding in findings
                         if finding.rule in required for e in finding.evidence]
    related = _related_evidence(findings, required, key_places)

    found = [False] * len(key_places)
    reached = [""] * len(key_places)
    citations = []
    for cited in diagnosis.evidence:
        if _too_wide(cited):
            citations.append(Citation(cited, "too-wide"))
            continue
        hits = [index for index, (artifact, locator, _why) in enumerate(key_places)
                if points_at(cited, artifact, locator)]
        for index in hits:
            found[index] = True
        linked = [(index, title) for index, evidence, title in related
                  if points_at(cited, evidence.artifact, evidence.locator)]
        for index, title in linked:
            reached[index] = reached[index] or title
        if hits:
            verdict = "key"
        elif linked:
            verdict = "related"
        elif any(points_at(cited, artifact, locator)
                 for artifact, locator in supporting_places):
            verdict = "supporting"
        else:
            verdict = "unrelated"
        citations.append(Citation(cited, verdict))

    key_evidence = [KeyEvidence(artifact, locator, why, hit, "" if hit else title)
                    for (artifact, locator, why), hit, title
                    in zip(key_places, found, reached, strict=True)]
    points = ROOT_CAUSE_POINTS if chosen is not None and chosen.id == expected.id else 0
    evidence_points = (int(EVIDENCE_POINTS * sum(item.credit for item in key_evidence)
                           / len(key_evidence)) if key_evidence else EVIDENCE_POINTS)
    penalty = UNRELATED_CITATION_PENALTY * sum(
        c.verdict in ("unrelated", "too-wide") for c in citations)
    points += max(0, evidence_points - penalty)
    return Score(
        scenario=name, points=points,
        passed=points >= PASS_POINTS and chosen is not None and chosen.id == expected.id,
        chosen=chosen, expected=expected, key_evidence=key_evidence,
        citations=citations,
        rules=[(rule_id, _rule_meaning(rule_id)) for rule_id in sorted(required)],
        summary=answer_key.get("summary", ""), diagnosis_text=diagnosis.explanation)
