"""Scoring a trainee's diagnosis against a scenario's answer key, and explaining the score.

The trainee submits a ``Diagnosis``: one root cause (``inspector.training.root_causes``), a
free text write-up, and the evidence relied on (artifact + locator, as ``model.Evidence``).
``score`` compares it with the scenario's answer key and explains, in plain words, what was
right, what was missed and why, using the key's evidence "why" texts and the rules the
analyzers must fire.

Decisions the next engineer needs:

- Points: 60 for the root cause, 40 shared equally by the key evidence items found. Each
  citation that points at nothing relevant (the red herring, healthy noise) costs 5, never
  below zero for the evidence part. A pass needs the right root cause and 70 points.
- A citation finds a key item when it names the same artifact and the same place: the same
  packet, HAR entry or statement (by number); for lines, a range overlapping the key's lines
  give or take ``LINE_SLACK`` (a log header versus its stack trace); a key item that is a
  whole artifact is found by any citation in it. A citation wider than ``WIDEST_CITATION``
  lines points at nothing in particular and finds nothing. When the analyzers' findings are
  passed in, a citation that is part of the evidence of a rule the key requires is
  "supporting": no credit, no penalty (it is relevant, only not what the key singles out).
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
    """One item of the answer key's evidence and whether the trainee cited it."""

    artifact: str
    locator: Locator
    why: str
    found: bool

    def where(self) -> str:
        return f"{self.artifact}, {self.locator.describe()}"


@dataclass(frozen=True)
class Citation:
    """One piece of evidence the trainee cited and what it was worth.

    ``verdict`` is ``key`` (found a key item), ``supporting`` (evidence of a required
    rule's finding), ``unrelated`` (costs points) or ``too-wide`` (also costs points).
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
        missed = [item for item in self.key_evidence if not item.found]
        found = [item for item in self.key_evidence if item.found]
        if missed:
            lines.append("Key evidence you missed:")
            lines.extend(f"- {item.where()}: {item.why}" for item in missed)
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


def _too_wide(cited: Evidence) -> bool:
    if cited.locator.kind != "line":
        return False
    first, last = _line_span(cited.locator)
    return last - first + 1 > WIDEST_CITATION


def _rule_meaning(rule_id: str) -> str:
    # Rules register when their analyzer is imported: by the composition roots (the CLI,
    # the app) before any scoring happens.
    return REGISTRY.get(rule_id).summary if rule_id in REGISTRY else ""


def score(scenario: samples.Scenario | str, answer_key: dict[str, Any], diagnosis: Diagnosis,
          *, findings: Iterable[Finding] = ()) -> Score:
    """Score ``diagnosis`` against ``answer_key`` (a scenario's ``answer.json`` content).

    ``findings`` are the analyzers' findings on the scenario's bundle, when known; they let
    relevant citations beyond the key's items go unpunished.
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
    supporting_places = [(e.artifact, e.locator) for finding in findings
                         if finding.rule in required for e in finding.evidence]

    found = [False] * len(key_places)
    citations = []
    for cited in diagnosis.evidence:
        if _too_wide(cited):
            citations.append(Citation(cited, "too-wide"))
            continue
        hits = [index for index, (artifact, locator, _why) in enumerate(key_places)
                if points_at(cited, artifact, locator)]
        for index in hits:
            found[index] = True
        if hits:
            verdict = "key"
        elif any(points_at(cited, artifact, locator)
                 for artifact, locator in supporting_places):
            verdict = "supporting"
        else:
            verdict = "unrelated"
        citations.append(Citation(cited, verdict))

    points = ROOT_CAUSE_POINTS if chosen is not None and chosen.id == expected.id else 0
    evidence_points = (EVIDENCE_POINTS * sum(found) // len(found) if found
                       else EVIDENCE_POINTS)
    penalty = UNRELATED_CITATION_PENALTY * sum(
        c.verdict in ("unrelated", "too-wide") for c in citations)
    points += max(0, evidence_points - penalty)
    return Score(
        scenario=name, points=points,
        passed=points >= PASS_POINTS and chosen is not None and chosen.id == expected.id,
        chosen=chosen, expected=expected,
        key_evidence=[KeyEvidence(artifact, locator, why, hit)
                      for (artifact, locator, why), hit in zip(key_places, found, strict=True)],
        citations=citations,
        rules=[(rule_id, _rule_meaning(rule_id)) for rule_id in sorted(required)],
        summary=answer_key.get("summary", ""), diagnosis_text=diagnosis.explanation)
