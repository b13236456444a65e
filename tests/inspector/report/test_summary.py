from __future__ import annotations

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.model import Artifact, ArtifactKind, Evidence, LineLocator, Severity
from inspector.report.summary import escape, inline_code, render
from inspector.rules import Rule

RULE = Rule("demo.thing", Severity.HIGH, "demo", "demo")


def test_customer_text_cannot_become_markup():
    hostile = "<img src=x onerror=alert(1)> [click](http://evil) **bold** # heading"
    escaped = escape(hostile)
    assert "<img" not in escaped and "[click](" not in escaped and "**" not in escaped
    assert inline_code("uses ``double`` ticks").startswith("```")


def test_render_lists_findings_with_evidence_and_artifacts():
    analysis = Analysis(
        bundle=BundleInfo("case.zip", "0" * 64, 42),
        artifacts=[Artifact("logs/app.log", ArtifactKind.LOG, 42)],
        findings=[RULE.finding("Pool exhausted <b>", analyzer="logs", count=143,
                               evidence=[Evidence("logs/app.log", LineLocator(12, 14),
                                                  "ERROR pool `x`")],
                               remediation="Raise the pool size")])
    text = render(analysis)
    assert "### HIGH: Pool exhausted &lt;b&gt;" in text
    assert "count 143" in text
    assert "- `logs/app.log`, lines 12-14: `` ERROR pool `x` ``" in text
    assert "Next step: Raise the pool size" in text
    assert "| `logs/app.log` | log | 42 | analyzed |" in text


def test_render_puts_a_local_time_source_on_utc_and_says_so():
    from datetime import UTC, datetime, timedelta

    from inspector.timeline import CLOCK_OFFSET, SourceClock

    written = datetime(2026, 11, 17, 10, 14, 2, tzinfo=UTC)
    clock = SourceClock("logs/app.log", timedelta(hours=1), "inferred", 8)
    analysis = Analysis(
        bundle=BundleInfo("case.zip", "0" * 64, 42),
        findings=[RULE.finding("SSLHandshakeException", analyzer="logs", count=3,
                               first_seen=written, last_seen=written + timedelta(minutes=2),
                               evidence=[Evidence("logs/app.log", LineLocator(90))]),
                  CLOCK_OFFSET.finding("app.log: clock read as UTC+01:00", analyzer="timeline",
                                       facts=clock.to_json())])
    text = render(analysis)
    assert ("2026-11-17 09:14:02 to 09:16:02 UTC (its source writes "
            "UTC\\+01:00; corrected)") in text
    assert "10:14:02" not in text


def test_render_names_what_a_finding_took_from_other_rules():
    folded = RULE.finding("java.lang.OutOfMemoryError x14 <i>", analyzer="logs", count=14)
    analysis = Analysis(
        bundle=BundleInfo("case.zip", "0" * 64, 42),
        findings=[RULE.finding("Java heap space x14", analyzer="jvm-cross", count=14,
                               facts={"also_reported_as": [folded.to_json()]})])
    assert "Also reported as: `demo.thing` java.lang.OutOfMemoryError x14 &lt;i&gt;\n" in \
        render(analysis)
