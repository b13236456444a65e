"""The escalation report: the draft from a real analysis, JSON, and the three renderers."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pypdf
import pytest

from inspector import report as report_module
from inspector.bundle import open_bundle
from inspector.model import Evidence, LineLocator, Severity
from inspector.privacy.redaction import Identifier, RedactionRefused, Redactor
from inspector.report import (
    Attachment,
    EnvironmentItem,
    Report,
    ReportEvidence,
    ReportFinding,
    TimelineEntry,
    detect_environment,
    draft,
    export,
    render_html,
    render_markdown,
    render_pdf,
    render_text,
)
from inspector.rules import REGISTRY
from inspector.training import scenarios
from tests.analyses import analyze


@pytest.fixture(scope="module")
def incident(tmp_path_factory):
    """The cross-source certificate-expiry sample: its bundle path and analysis."""
    bundle, _ = scenarios.build("cert_expiry_incident", tmp_path_factory.mktemp("samples"))
    return bundle, analyze(bundle)


@pytest.fixture(scope="module")
def drafted(incident):
    bundle_path, analysis = incident
    with open_bundle(bundle_path) as bundle:
        return draft(analysis, bundle)


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


# --- the draft -----------------------------------------------------------------------------


def test_draft_leads_with_the_worst_finding_and_its_evidence(incident, drafted):
    _, analysis = incident
    top = analysis.findings[0]
    assert drafted.title == top.title
    assert drafted.severity is analysis.worst_severity()
    assert drafted.findings[0].rule == top.rule
    assert [e.artifact for e in drafted.findings[0].evidence] == \
        [e.artifact for e in top.evidence[:report_module.DRAFT_EVIDENCE]]
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
    assert times == sorted(times)
    assert 0 < len(times) <= report_module.DRAFT_TIMELINE
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
        assert finding.seen.startswith("2026-11-17T09:1"), finding.seen
        assert "(its source writes UTC+01:00; corrected)" in finding.seen
    elsewhere = [f for f in drafted.findings if f not in from_log and f.seen]
    assert elsewhere and not any("corrected" in f.seen for f in elsewhere)


def test_environment_comes_from_stats_and_the_bundle(incident, drafted):
    _, analysis = incident
    found = {(item.label, item.value) for item in drafted.environment}
    assert ("Browser", "Chrome 131") in found
    assert ("Client operating system", "Windows 10.0") in found
    labels = {item.label for item in drafted.environment}
    assert {"TLS servers", "TLS versions negotiated", "HAR exported by",
            "Hosts contacted by the browser"} <= labels
    tls_servers = next(i.value for i in drafted.environment if i.label == "TLS servers")
    assert "api.example.com at 203.0.113.24:443" in tls_servers
    without_bundle = {i.label for i in detect_environment(analysis)}
    assert "Browser" not in without_bundle and "TLS servers" in without_bundle


def test_versions_are_read_from_dump_headers_and_startup_lines(tmp_path):
    from inspector.testing import make_bundle
    path = make_bundle(tmp_path / "b.zip", {
        "db/dump.sql": b"-- MySQL dump 10.13\n-- Server version\t8.0.35-0ubuntu0.22.04.1\n"
                       b"CREATE TABLE t (id int);\n",
        "logs/app.log": b"2026-11-17 09:00:00 INFO Starting OrderSync v4.2.1 using Java 17.0.9 "
                        b"on host01\n2026-11-17 09:00:01 INFO ready\n",
    })
    analysis = analyze(path)
    with open_bundle(path) as bundle:
        found = {(i.label, i.value) for i in detect_environment(analysis, bundle)}
    assert {("MySQL server", "8.0.35-0ubuntu0.22.04.1"), ("OrderSync", "4.2.1"),
            ("Java", "17.0.9")} <= found


def test_an_analysis_without_findings_says_so_plainly(incident):
    _, analysis = incident
    from dataclasses import replace
    empty = replace(analysis, findings=[], timeline=[])
    report = draft(empty)
    assert report.title == "No problem found in the bundle"
    assert report.findings == [] and "found nothing" in report.summary


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


# --- renderers -------------------------------------------------------------------------------


def test_markdown_never_turns_customer_text_into_markup():
    text = render_markdown(hostile_report())
    # Inside code spans markup is inert (shown literally); everywhere else it is escaped.
    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)
    assert "<script>" in text  # the excerpt, in a code span
    assert "<script>" not in outside_code and "<img" not in outside_code
    assert "](http" not in outside_code.replace("\\](http", "")
    table_rows = [line for line in text.splitlines() if line.startswith("| OS")]
    assert len(table_rows) == 1 and table_rows[0].count(" | ") == 2  # the pipe is escaped
    assert "```" not in [line.strip() for line in text.splitlines()]  # fences stay inline


def test_markdown_sections_follow_the_design_and_skip_empty_ones(drafted):
    headings = [line[3:] for line in render_markdown(drafted).splitlines()
                if line.startswith("## ")]
    assert headings == ["Severity and business impact", "Environment", "Summary", "Timeline",
                        "Findings", "Attachments"]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def test_html_is_self_contained_and_escapes_everything():
    page = render_html(hostile_report())
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags and "a" not in parser.tags
    assert not [value for name, value in parser.attributes if name in ("src", "href")]
    assert "default-src 'none'" in page
    assert html.escape(HOSTILE) in page
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert not re.search(r"(?i)url\(|@import|https?:", style)


def test_pdf_renders_unicode_text(tmp_path):
    if report_module._unicode_fonts() is None:
        pytest.skip("DejaVu fonts are not installed here")
    report = hostile_report()
    report.workaround = "Restart 東京 node"
    data = render_pdf(report)
    assert data.startswith(b"%PDF-")
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "Zürich" in text and "Ελλάδα" in text and "Москва" in text
    assert "alert(1)" in text  # customer text is shown as text, not dropped
    assert "Restart \ufffd\ufffd node" in text  # no glyph: a visible stand-in, not a blank


def test_pdf_without_unicode_fonts_says_what_it_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "FONT_FOLDER", tmp_path / "no-fonts")
    path = tmp_path / "r.pdf"
    path.write_bytes(render_pdf(hostile_report()))
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "Zürich" in text  # Latin-1 survives
    assert "Москва" not in text and "??????" in text
    assert "no Unicode font" in text


def test_text_rendering_holds_every_string(drafted):
    text = render_text(drafted)
    for finding in drafted.findings:
        assert finding.title in text
        for evidence in finding.evidence:
            assert evidence.excerpt in text


# --- export --------------------------------------------------------------------------------


def test_export_redacts_then_writes(tmp_path, drafted):
    redactor = Redactor()
    written = export(drafted, "md", tmp_path / "r.md", redactor)
    text = (tmp_path / "r.md").read_text()
    assert "203.0.113.24" not in text and "api.example.com" not in text
    pseudonym = redactor.pseudonyms.known(Identifier.IPV4, "203.0.113.24")
    assert pseudonym is not None and pseudonym in text
    assert written.findings[0].title in text.replace("\\", "")


def test_export_refuses_when_the_gate_flags_the_output(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "redact_report", lambda report, redactor: report)
    report = Report(title="Login fails", summary="Authorization: Bearer abcdefghijklmnop0123")
    for fmt in ("md", "html", "pdf"):
        with pytest.raises(RedactionRefused, match="bearer-token"):
            export(report, fmt, tmp_path / f"r.{fmt}", Redactor())
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="md, html, pdf"):
        export(Report(), "docx", tmp_path / "r.docx", Redactor())


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
    assert first_log.time == "2026-11-17T09:14:01Z"
    assert "written as UTC+01:00, corrected" in first_log.where
    assert first_packet.time == "2026-11-17T09:14:03Z"
    assert "corrected" not in first_packet.where
    assert timeline.index(first_log) < timeline.index(first_packet)
