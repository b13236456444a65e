"""The first draft of a report, from a real analysis and from a hand-made one."""

from __future__ import annotations

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.model import LineLocator, Severity
from inspector.report.document import DRAFT_EVIDENCE
from inspector.report.drafting import DRAFT_TIMELINE, draft
from inspector.rules import Rule


def test_draft_leads_with_the_worst_finding_and_its_evidence(incident, drafted):
    _, analysis = incident
    top = analysis.findings[0]
    assert drafted.title == top.title
    assert drafted.severity is analysis.worst_severity()
    assert drafted.findings[0].rule == top.rule
    assert [e.artifact for e in drafted.findings[0].evidence] == \
        [e.artifact for e in top.evidence[:DRAFT_EVIDENCE]]
    assert all(f.severity >= Severity.LOW for f in drafted.findings)
    # the engineer's parts are left for the engineer, not filled with boilerplate
    assert (drafted.customer, drafted.reproduction, drafted.workaround, drafted.ask) == \
        ("", "", "", "")


def test_draft_summary_and_impact_cite_the_evidence(incident, drafted):
    _, analysis = incident
    incident_finding = next(f for f in analysis.findings if f.rule == "incident.cross-source")
    assert drafted.summary.startswith(incident_finding.title)
    high = [f for f in analysis.findings
            if f.severity >= Severity.MEDIUM and f.rule != "incident.cross-source"]
    cited = f"({high[0].evidence[0].artifact}, {high[0].evidence[0].locator.describe()})"
    assert cited in drafted.summary
    assert f"{sum(f.severity >= Severity.HIGH for f in analysis.findings)} high or critical" \
        in drafted.business_impact


def test_draft_timeline_is_notable_events_in_time_order(incident, drafted):
    _, analysis = incident
    times = [entry.time for entry in drafted.timeline]
    # Times a person reads: the date on the first entry, then the time of day.
    assert times[0].startswith("2026-11-17 ") and all(len(t) == 8 for t in times[1:])
    assert [t[-8:] for t in times] == sorted(t[-8:] for t in times)
    assert 0 < len(times) <= DRAFT_TIMELINE
    notable = {e.message[:60] for e in analysis.timeline if e.severity >= Severity.MEDIUM}
    assert all(entry.message[:60] in notable for entry in drafted.timeline)
    # A log record that is both an error and a known issue is one entry, not two.
    places = [(entry.artifact, entry.where) for entry in drafted.timeline]
    assert len(places) == len(set(places))


def test_findings_of_a_source_in_local_time_are_drafted_on_utc(drafted):
    # The sample's sync log is written in CET without a zone: 10:14 there is 09:14 UTC.
    from_log = [f for f in drafted.findings
                if f.evidence and {e.artifact for e in f.evidence} == {"logs/order-sync.log"}]
    assert from_log
    for finding in from_log:
        assert finding.seen.startswith("2026-11-17 09:1"), finding.seen
        assert "(its source writes UTC+01:00; corrected)" in finding.seen
    elsewhere = [f for f in drafted.findings if f not in from_log and f.seen]
    assert elsewhere and not any("corrected" in f.seen for f in elsewhere)


def test_an_analysis_without_findings_says_so_plainly(incident):
    _, analysis = incident
    from dataclasses import replace
    empty = replace(analysis, findings=[], timeline=[])
    report = draft(empty)
    assert report.title == "No problem found in the bundle"
    assert report.findings == [] and "found nothing" in report.summary


def test_draft_timeline_corrects_a_local_time_log_with_the_inferred_clock():
    """An app log written in CET without a zone, next to a UTC capture: the report's
    sequence must be the true one (the log's 10:14 is 09:14 UTC), and say it was corrected."""
    from datetime import UTC, datetime, timedelta

    from analyzers.timeline import TimelineAnalyzer
    from inspector.analysis import Analysis
    from inspector.bundle import BundleInfo
    from inspector.model import Artifact, ArtifactKind, Event, EventSource, PacketLocator
    from inspector.plugins import ArtifactResults
    from inspector.testing import RecordingContext

    start = datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)
    cet = timedelta(hours=1)
    log = [Event(start + timedelta(seconds=i) + cet, "logs/app.log", LineLocator(i + 1),
                 Severity.HIGH, EventSource.LOG, f"SSLHandshakeException {i}")
           for i in range(40)]
    capture = [Event(start + timedelta(seconds=2 + i), "capture.pcap", PacketLocator(7 + i),
                     Severity.HIGH, EventSource.PACKET, "alert certificate_expired")
               for i in range(5)]
    results = [ArtifactResults(Artifact("logs/app.log", ArtifactKind.LOG, 1), [], log,
                               {"logs": {"time_zone": "unknown"}}),
               ArtifactResults(Artifact("capture.pcap", ArtifactKind.PCAP, 1), [], capture, {})]

    class View:
        def results(self):
            return results

    findings = list(TimelineAnalyzer().analyze_bundle(View(), RecordingContext()))
    analysis = Analysis(BundleInfo("b.zip", "0" * 64, 1), findings=findings,
                        timeline=sorted(log + capture, key=Event.sort_key))
    timeline = draft(analysis).timeline
    first_log = next(entry for entry in timeline if entry.artifact == "logs/app.log")
    first_packet = next(entry for entry in timeline if entry.artifact == "capture.pcap")
    assert timeline[0].time == "2026-11-17 09:14:01"  # the date once, then the time of day
    assert first_log.time in ("2026-11-17 09:14:01", "09:14:01")
    assert "written as UTC+01:00, corrected" in first_log.where
    assert first_packet.time == "09:14:03"
    assert "corrected" not in first_packet.where
    assert timeline.index(first_log) < timeline.index(first_packet)


def test_a_report_is_never_titled_after_a_timestamp(incident):
    _, analysis = incident
    from dataclasses import replace

    incident_first = sorted(analysis.findings, key=lambda f: f.rule != "incident.cross-source")
    assert incident_first[0].title.startswith("Incident ")
    report = draft(replace(analysis, findings=incident_first))
    assert report.title == next(f.title for f in incident_first
                                if not f.rule.startswith(("incident.", "timeline.")))
    assert not any(character.isdigit() for character in report.title[:2])


def test_a_bundle_with_only_handling_warnings_is_no_outage():
    leak = Rule("demo.leak", Severity.CRITICAL, "security", "x", concern="handling")
    analysis = Analysis(BundleInfo("case.zip", "0" * 64, 1),
                        findings=[leak.finding("The HAR carries credentials", analyzer="d")])
    report = draft(analysis)
    assert report.title == "No problem found in the bundle"
    assert report.severity is Severity.INFO
    assert "Handle with care: The HAR carries credentials" in report.summary
