from datetime import UTC, datetime, timedelta

from analyzers.timeline import Timeline, TimelineAnalyzer, describe_sequence, infer_clocks
from inspector.model import (
    Artifact,
    ArtifactKind,
    EntryLocator,
    Event,
    EventSource,
    LineLocator,
    PacketLocator,
    Severity,
)
from inspector.plugins import ArtifactResults
from inspector.rules import REGISTRY
from inspector.testing import RecordingContext

T0 = datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)


def result(path, kind, events, zone="explicit", findings=()):
    stats = {"logs": {"time_zone": zone}} if kind == ArtifactKind.LOG else {}
    return ArtifactResults(Artifact(path, kind, 1), list(findings), events, stats)


def events(path, source, times, message, locator=LineLocator):
    return [Event(t, path, locator(i + 1), Severity.HIGH, source, message)
            for i, t in enumerate(times)]


class View:
    def __init__(self, results):
        self._results = results

    def results(self):
        return self._results

    def open(self, artifact_path):
        raise FileNotFoundError(artifact_path)


def incident_bundle(log_shift=timedelta(0)):
    """An app log written in local time (CET when shifted) next to a HAR and a capture."""
    log_times = [T0 + timedelta(seconds=i) + log_shift for i in range(0, 140)]
    har_times = [T0 + timedelta(seconds=1 + i) for i in range(37)]
    pcap_times = [T0 + timedelta(seconds=2)]
    other = [T0 + timedelta(hours=3, minutes=m) for m in range(0, 30, 5)]
    return [
        result("logs/app.log", ArtifactKind.LOG,
               events("logs/app.log", EventSource.LOG, log_times, "SSLHandshakeException"),
               zone="unknown"),
        result("client.har", ArtifactKind.HAR,
               events("client.har", EventSource.HTTP, har_times + other, "status 0",
                      EntryLocator)),
        result("capture.pcap", ArtifactKind.PCAP,
               events("capture.pcap", EventSource.PACKET, pcap_times,
                      "alert certificate_expired from 10.0.0.5:443", PacketLocator)),
    ]


def test_offset_of_a_zoneless_log_is_inferred():
    clocks = infer_clocks(incident_bundle(log_shift=timedelta(hours=1)))
    assert clocks["logs/app.log"].offset == timedelta(hours=1)
    assert clocks["logs/app.log"].how == "inferred"
    assert clocks["client.har"].how == "reference"
    assert clocks["logs/app.log"].to_json()["offset"] == "+01:00"


def test_log_already_in_utc_keeps_zero_and_override_wins():
    clocks = infer_clocks(incident_bundle())
    assert clocks["logs/app.log"].offset == timedelta(0)
    assert clocks["logs/app.log"].how == "assumed-utc"
    overridden = infer_clocks(incident_bundle(), {"logs/app.log": timedelta(hours=-5)})
    assert overridden["logs/app.log"].offset == timedelta(hours=-5)
    assert overridden["logs/app.log"].how == "override"


def test_timeline_is_sorted_and_corrected():
    timeline = Timeline(incident_bundle(log_shift=timedelta(hours=1)))
    times = [e.time for e in timeline.events]
    assert times == sorted(times)
    assert min(e.time for e in timeline.events if e.artifact == "logs/app.log") == T0


def test_cross_source_incident_states_the_sequence():
    analyzer = TimelineAnalyzer()
    findings = list(analyzer.analyze_bundle(View(incident_bundle(timedelta(hours=1))),
                                            RecordingContext()))
    incidents = [f for f in findings if f.rule == "incident.cross-source"]
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident.facts["sequence"] == (
        "09:14:01 app.log SSLHandshakeException x140 -> 09:14:02 client.har status 0 x37 -> "
        "09:14:03 capture.pcap alert certificate_expired from 10.0.0.5:443")
    assert {e.artifact for e in incident.evidence} == {"logs/app.log", "client.har",
                                                       "capture.pcap"}
    assert incident.facts["clocks"]["logs/app.log"]["offset"] == "+01:00"
    offsets = [f for f in findings if f.rule == "timeline.clock-offset"]
    assert [f.facts["artifact"] for f in offsets] == ["logs/app.log"]
    assert "incident.cross-source" in REGISTRY


def test_trouble_in_one_source_alone_is_no_incident():
    only_log = incident_bundle()[:1]
    assert list(TimelineAnalyzer().analyze_bundle(View(only_log), RecordingContext())) == []


def test_info_events_are_context_never_an_incident():
    # An ad-blocked beacon in the HAR a minute before the log's trouble: not an incident,
    # and not the start of one either.
    beacon = [Event(T0 - timedelta(seconds=50), "client.har", EntryLocator(1), Severity.INFO,
                    EventSource.HTTP, "request failed (blocked): POST /collect")]
    log = events("logs/app.log", EventSource.LOG, [T0 + timedelta(seconds=i) for i in range(5)],
                 "SSLHandshakeException")
    results = [result("logs/app.log", ArtifactKind.LOG, log),
               result("client.har", ArtifactKind.HAR, beacon)]
    assert list(TimelineAnalyzer().analyze_bundle(View(results), RecordingContext())) == []
    as_trouble = [Event(e.time, e.artifact, e.locator, Severity.MEDIUM, e.source, e.message)
                  for e in beacon]
    results[1] = result("client.har", ArtifactKind.HAR, as_trouble)
    (incident,) = TimelineAnalyzer().analyze_bundle(View(results), RecordingContext())
    assert incident.rule == "incident.cross-source"


def test_describe_sequence_orders_sources_by_first_event():
    evs = (events("b.log", EventSource.LOG, [T0 + timedelta(seconds=5)], "late")
           + events("a.har", EventSource.HTTP, [T0], "early", EntryLocator))
    assert describe_sequence(evs) == "09:14:01 a.har early -> 09:14:06 b.log late"
