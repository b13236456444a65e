import zipfile
from datetime import UTC, datetime, timedelta

import pytest

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
from tests.analyses import analyze
from tests.corpus import CORPUS

T0 = datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)


TROUBLE = REGISTRY.get("tcp.reset")


def trouble(events, severity=Severity.HIGH):
    """A finding of the source over the span of its events, as an analyzer would report."""
    return TROUBLE.finding("trouble", analyzer="test", severity=severity,
                           first_seen=min(e.time for e in events),
                           last_seen=max(e.time for e in events))


def result(path, kind, events, zone="explicit", findings=None):
    """An artifact's results; unless told otherwise, with a high finding over its events."""
    stats = {"logs": {"time_zone": zone}} if kind == ArtifactKind.LOG else {}
    if findings is None:
        findings = [trouble(events)] if events else []
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


def test_a_few_events_near_a_reference_by_chance_are_no_offset():
    # 13 errors an hour apart; two happen to fall half an hour after a reference's events.
    log_times = [T0 + timedelta(minutes=7 + 60 * i) for i in range(13)]
    reference = [log_times[0] - timedelta(minutes=30), log_times[5] - timedelta(minutes=30)]
    bundle = [result("logs/app.log", ArtifactKind.LOG,
                     events("logs/app.log", EventSource.LOG, log_times, "OutOfMemoryError"),
                     zone="unknown"),
              result("gc.log", ArtifactKind.GC_LOG,
                     events("gc.log", EventSource.LOG, reference, "full GC"))]
    assert infer_clocks(bundle)["logs/app.log"].how == "assumed-utc"
    # The same two events and a third: three of thirteen is still under a quarter.
    bundle[1].events.extend(events("gc.log", EventSource.LOG,
                                   [log_times[9] - timedelta(minutes=30)], "full GC"))
    assert infer_clocks(bundle)["logs/app.log"].how == "assumed-utc"
    bundle[1].events.extend(events("gc.log", EventSource.LOG,
                                   [log_times[11] - timedelta(minutes=30)], "full GC"))
    bundle[1].events.sort(key=lambda event: event.time)
    clock = infer_clocks(bundle)["logs/app.log"]
    assert (clock.how, clock.offset, clock.aligned) == ("inferred", timedelta(minutes=30), 4)


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


def test_a_source_in_trouble_all_along_neither_dates_nor_joins_an_incident():
    def logged(path, times, first, last):
        found = result(path, ArtifactKind.LOG, events(path, EventSource.LOG, times, "retry"))
        found.stats["logs"]["time_range"] = [first.isoformat(), last.isoformat()]
        return found

    # A client retrying every 30 s from its log's first line to its last, beside two sources
    # with one failure each, 4 minutes apart: without it, two separate moments.
    retries = [T0 + timedelta(seconds=30 * i) for i in range(21)]
    chronic = logged("logs/client.log", retries, retries[0], retries[-1])
    one = result("a.har", ArtifactKind.HAR, events("a.har", EventSource.HTTP,
                                                   [T0 + timedelta(minutes=2)], "502",
                                                   EntryLocator))
    other = result("b.pcap", ArtifactKind.PCAP, events("b.pcap", EventSource.PACKET,
                                                       [T0 + timedelta(minutes=6)], "RST",
                                                       PacketLocator))
    assert Timeline([chronic, one, other]).background(timedelta(minutes=2)) == {
        "logs/client.log"}
    found = list(TimelineAnalyzer().analyze_bundle(View([chronic, one, other]),
                                                   RecordingContext()))
    assert [f for f in found if f.rule == "incident.cross-source"] == []
    # The same retries starting mid-log have an onset: they date the incident with the HAR.
    late = logged("logs/client.log", retries, T0 - timedelta(minutes=30), retries[-1])
    assert Timeline([late, one, other]).background(timedelta(minutes=2)) == set()
    found = list(TimelineAnalyzer().analyze_bundle(View([late, one, other]),
                                                   RecordingContext()))
    [incident] = [f for f in found if f.rule == "incident.cross-source"]
    assert set(incident.facts["sources"]) == {"logs/client.log", "a.har", "b.pcap"}


def test_events_near_each_other_without_a_finding_above_low_are_no_incident():
    log = events("logs/deploy.log", EventSource.LOG, [T0], "preload ignored")
    har = events("client.har", EventSource.HTTP, [T0 + timedelta(seconds=40)], "404",
                 EntryLocator)
    quiet = [result("logs/deploy.log", ArtifactKind.LOG, log,
                    findings=[trouble(log, Severity.LOW)]),
             result("client.har", ArtifactKind.HAR, har, findings=[])]
    assert list(TimelineAnalyzer().analyze_bundle(View(quiet), RecordingContext())) == []
    quiet[1] = result("client.har", ArtifactKind.HAR, har,
                      findings=[trouble(har, Severity.MEDIUM)])
    (incident,) = TimelineAnalyzer().analyze_bundle(View(quiet), RecordingContext())
    assert incident.severity is Severity.MEDIUM and len(incident.facts["findings"]) == 2


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


def zoned(path, offset, zone="explicit"):
    return ArtifactResults(Artifact(path, ArtifactKind.LOG, 1), [], [],
                           {"logs": {"time_zone": zone, "utc_offset": offset}})


def test_a_log_without_a_zone_takes_the_offset_its_host_writes():
    broker = result("broker-1/logs/server.log", ArtifactKind.LOG, [], zone="unknown")
    clocks = infer_clocks([broker, zoned("broker-1/logs/kafkaServer-gc.log", "+01:00")])
    clock = clocks["broker-1/logs/server.log"]
    assert (clock.offset, clock.how, clock.basis) == (timedelta(hours=1), "inferred",
                                                      "same-node")
    assert clock.same_node == ("broker-1/logs/kafkaServer-gc.log",)
    # The same host name in another folder is the same node; another host is not.
    clocks = infer_clocks([broker, zoned("broker-1/gc/gc.log", "+01:00"),
                           zoned("broker-2/logs/gc.log", "-05:00")])
    assert clocks["broker-1/logs/server.log"].same_node == ("broker-1/gc/gc.log",)


def test_utc_or_disagreeing_neighbours_say_nothing_about_local_time():
    broker = result("app-01/server.log", ArtifactKind.LOG, [], zone="unknown")
    assert infer_clocks([broker, zoned("app-01/gc.log", "+00:00")])[
        "app-01/server.log"].how == "assumed-utc"
    assert infer_clocks([broker, zoned("app-01/gc.log", "+01:00"),
                         zoned("app-01/gc-old.log", "-05:00")])[
        "app-01/server.log"].how == "assumed-utc"


def test_events_that_line_up_better_elsewhere_beat_the_hosts_offset():
    written = [T0 + timedelta(hours=2, seconds=s) for s in range(5)]
    broker = result("node/app.log", ArtifactKind.LOG,
                    events("node/app.log", EventSource.LOG, written, "refused"),
                    zone="unknown")
    capture = result("node/eth0.pcap", ArtifactKind.PCAP, events(
        "node/eth0.pcap", EventSource.PACKET, [T0 + timedelta(seconds=s) for s in range(5)],
        "RST", PacketLocator))
    clock = infer_clocks([broker, capture, zoned("node/gc.log", "+01:00")])["node/app.log"]
    assert (clock.offset, clock.basis, clock.aligned) == (timedelta(hours=2), "alignment", 5)


def _broker_log(start: datetime) -> bytes:
    """A Kafka broker log in local time without a zone, with an error a minute."""
    lines = []
    for n in range(300):
        moment = start + timedelta(seconds=6 * n)
        stamp = f"[{moment:%Y-%m-%d %H:%M:%S},{n % 1000:03d}]"
        if n % 10 == 3:
            lines.append(f"{stamp} ERROR [ReplicaFetcher replicaId=1, leaderId=2] Error "
                         f"sending fetch request (sessionId={n}) to node 2 "
                         "(kafka.server.ReplicaFetcherThread)")
        else:
            lines.append(f"{stamp} INFO [Log partition=orders-{n % 8}] Rolled new log segment "
                         f"at offset {n * 100} in {n % 9} ms. (kafka.log.Log)")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.corpus
def test_a_broker_log_beside_a_gc_log_stamped_plus_one_is_read_in_local_time(tmp_path):
    gc = CORPUS / "realworld" / "jvm" / "gc" / "preunified-parallel" / "memoryleak2.log"
    if not gc.exists():
        pytest.skip("corpus absent")
    folder = tmp_path / "case" / "broker-1" / "logs"
    folder.mkdir(parents=True)
    (folder / "kafkaServer-gc.log").write_bytes(gc.read_bytes())  # 2011-08-07T18:30+0100
    (folder / "server.log").write_bytes(_broker_log(datetime(2011, 8, 7, 18, 30)))
    analysis = analyze(tmp_path / "case")
    clocks = [f for f in analysis.findings if f.rule == "timeline.clock-offset"]
    assert [(f.facts["artifact"], f.facts["offset"], f.facts["basis"]) for f in clocks] == \
        [("broker-1/logs/server.log", "+01:00", "same-node")]
    assert clocks[0].facts["same_node"] == ["broker-1/logs/kafkaServer-gc.log"]
    # The broker's errors go on the timeline at their true UTC time, not an hour late.
    broker = [e for e in Timeline(
        [ArtifactResults(a, [], [e for e in analysis.timeline if e.artifact == a.path],
                         analysis.stats.get(a.path, {})) for a in analysis.artifacts]).events
        if e.artifact.endswith("server.log")]
    assert broker and broker[0].time.hour == 17


@pytest.mark.corpus
def test_gc_logs_of_two_jvms_that_disagree_lend_no_offset(tmp_path):
    bundle = CORPUS / "realworld" / "bundles" / "jvm-app-hang-support-bundle.zip"
    if not bundle.exists():
        pytest.skip("corpus absent")
    with zipfile.ZipFile(bundle) as source:
        members = {name: source.read(name) for name in source.namelist()
                   if name.startswith("app-01/gc/")}
    assert len(members) == 2  # -0500 (2017) and +0100 (2011): two JVMs, two hosts' clocks
    for name, data in members.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "app-01" / "server.log").write_bytes(_broker_log(datetime(2017, 3, 5, 7, 40)))
    analysis = analyze(tmp_path)
    # A GC log's zone is the jvm analyzer's to say, a server log's the logs analyzer's.
    assert {p: (s.get("logs") or s["jvm"])["utc_offset"]
            for p, s in analysis.stats.items()} == {
        "app-01/gc/gc.log": "-05:00", "app-01/gc/gc-old-node.log": "+01:00",
        "app-01/server.log": None}
    # The GC logs lend no offset; the 22.83 s stall on the timeline (the jvm analyzer's
    # event) may still line up with the server's errors, which is another basis.
    assert not [f for f in analysis.findings if f.rule == "timeline.clock-offset"
                and f.facts["basis"] == "same-node"]
