"""The report document: JSON, adding findings, rewriting every string."""

from __future__ import annotations

from inspector.model import Evidence, LineLocator, Severity
from inspector.report.document import (
    MAX_EXCERPT,
    Attachment,
    EnvironmentItem,
    Report,
    ReportEvidence,
    ReportFinding,
    TimelineEntry,
    clip,
    map_text,
)
from inspector.rules import REGISTRY

HOSTILE = '<script>alert(1)</script> | *bold* [x](http://evil.test) `tick` & <img src=x>'


def hostile_report() -> Report:
    return Report(
        title=f"Title {HOSTILE}", severity=Severity.HIGH, business_impact=HOSTILE,
        customer="Zürich — Ελλάδα — Москва", summary=f"- item {HOSTILE}\n1. first",
        environment=[EnvironmentItem("OS", HOSTILE, "logs/a|b.log")],
        timeline=[TimelineEntry("2026-11-17T09:14:01Z", "log", HOSTILE, "logs/app.log",
                                "line 3")],
        findings=[ReportFinding("tls.certificate-expired", Severity.HIGH, HOSTILE, HOSTILE,
                                "2026-11-17T09:14:01Z", [ReportEvidence(
                                    "logs/app.log", "line 3", "```\n" + HOSTILE)],
                                HOSTILE)],
        reproduction=HOSTILE, workaround="", ask=HOSTILE,
        attachments=[Attachment("logs/<app>.log", HOSTILE)])


def test_json_round_trip_is_lossless(drafted):
    again = Report.loads(drafted.dumps())
    assert again == drafted
    assert Report.from_json(hostile_report().to_json()) == hostile_report()


def test_add_finding_adds_new_evidence_once():
    rule = next(iter(REGISTRY))
    finding = rule.finding("Pool exhausted", analyzer="logs",
                           evidence=[Evidence("logs/a.log", LineLocator(3), "pool exhausted")])
    report = Report()
    assert report.add_finding(finding)
    assert not report.add_finding(finding, finding.evidence)
    more = Evidence("logs/a.log", LineLocator(9), "pool exhausted again")
    assert report.add_finding(finding, [more])
    assert [e.where for e in report.findings[0].evidence] == ["line 3", "line 9"]


def test_map_text_reaches_every_string_and_says_where_it_is():
    seen: dict[str, str] = {}

    def record(text: str, where: str) -> str:
        seen[where] = text
        return text.replace("Zürich", "Zurich")

    changed = map_text(hostile_report(), record)
    assert changed.customer.startswith("Zurich") and changed.severity is Severity.HIGH
    assert seen["customer"] == hostile_report().customer
    assert seen["environment[0].source"] == "logs/a|b.log"
    assert seen["findings[0].evidence[0].excerpt"].startswith("```")
    assert seen["attachments[0].path"] == "logs/<app>.log"


def test_long_excerpts_are_clipped_visibly():
    assert clip("short") == "short"
    clipped = clip("word " * MAX_EXCERPT)
    assert len(clipped) <= MAX_EXCERPT and clipped.endswith("word…")
    # Never inside a value: a token crossing the limit goes whole, not cut in two.
    token = "ghp_" + "a1B2" * 9
    assert clip("x" * (MAX_EXCERPT - 20) + " " + token) == "x" * (MAX_EXCERPT - 20) + " …"
    evidence = ReportEvidence.of(Evidence("logs/a.log", LineLocator(3), "y " * 1000))
    assert evidence.excerpt == clip("y " * 1000) and evidence.where == "line 3"
