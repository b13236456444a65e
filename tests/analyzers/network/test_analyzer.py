"""analyzers.network.analyzer: the plugin end to end: broken captures, determinism, the
training scenarios, progress, cancellation and the garbage collector."""

from __future__ import annotations

import gc

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analyzers.network import NetworkAnalyzer
from inspector.model import Finding
from inspector.plugins import Cancelled
from inspector.rules import REGISTRY
from inspector.testing import RecordingContext, run_analyzer
from inspector.training.scenarios import backend_refused, dns_misconfiguration
from inspector.training.scenarios.packets import NXDOMAIN, Capture
from tests.analyzers.network.traffic import T0, TSHARK_NAMES, client_flow, dns_exchange, healthy


def test_truncated_capture_keeps_results_and_warns():
    capture = Capture()
    for attempt in range(4):
        client_flow(capture, 50100 + attempt, 8080).refuse(T0 + attempt, rtt=0.001)
    data = capture.pcapng()[:-20]
    context = RecordingContext()
    run = run_analyzer(NetworkAnalyzer(), data, name="cut.pcapng", context=context)
    assert run.stats["packets"] == 7
    # The last RST was cut off: its SYN now looks unanswered.
    assert run.by_rule("tcp.connection-refused")[0].count == 3
    assert run.by_rule("tcp.no-response")[0].count == 1
    assert len(context.warnings) == 1 and "7 packets" in context.warnings[0]


def test_not_a_capture_warns_and_reports_zero():
    run = run_analyzer(NetworkAnalyzer(), b"\xd4\xc3\xb2\xa1" + bytes(10), name="x.pcap")
    assert run.stats["packets"] == 0
    assert run.context.warnings


def test_output_is_deterministic_and_json_serializable():
    built = backend_refused.SCENARIO.build(backend_refused.SCENARIO.rng())
    data = built.files["captures/gateway-eth0.pcapng"]
    first = run_analyzer(NetworkAnalyzer(), data, name="c.pcapng")
    second = run_analyzer(NetworkAnalyzer(), data, name="c.pcapng")
    assert orjson.dumps(first.stats) == orjson.dumps(second.stats)
    assert [f.to_json() for f in first.findings] == [f.to_json() for f in second.findings]
    for finding in first.findings:
        assert Finding.from_json(orjson.loads(orjson.dumps(finding.to_json()))) == finding
    assert all(event.time.tzinfo is not None for event in first.events)


def test_rules_are_registered_and_declared():
    analyzer = NetworkAnalyzer()
    assert {rule.id for rule in analyzer.rules} == {
        "tcp.connection-refused", "tcp.no-response", "tcp.reset", "tcp.retransmissions",
        "tcp.zero-window", "tcp.slow-handshake", "net.server-latency", "dns.nxdomain",
        "dns.servfail", "dns.no-response", "dns.slow", "icmp.unreachable",
        "quic.no-response", "quic.connection-closed"}
    assert all(rule.id in REGISTRY for rule in analyzer.rules)


@pytest.mark.parametrize("scenario", [backend_refused.SCENARIO,
                                      dns_misconfiguration.SCENARIO])
def test_scenarios_fire_their_answer_key(scenario):
    built = scenario.build(scenario.rng())
    assert built == scenario.build(scenario.rng())
    captures = {path: data for path, data in built.files.items()
                if path.endswith((".pcap", ".pcapng"))}
    fired: set[str] = set()
    for path, data in captures.items():
        run = run_analyzer(NetworkAnalyzer(), data, name=path)
        fired |= run.rules()
        evidence = {(e.artifact, e.locator.index) for f in run.findings for e in f.evidence}
        for key in built.evidence:
            if key["artifact"] == path:
                assert (path, key["locator"]["index"]) in evidence
    assert set(built.rules) <= fired


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0, max_value=3000))
@example(b"\x00\x00\x04", 105)  # found in CI: a timestamp in the year 11103
def test_corrupted_captures_never_raise(noise, position):
    capture = Capture()
    healthy(capture, T0, 50000)
    dns_exchange(capture, T0 + 1, 1, "api.example.com", rcode=NXDOMAIN)
    data = bytearray(capture.pcapng())
    position = min(position, len(data) - 1)
    data[position:position + len(noise)] = noise
    run = run_analyzer(NetworkAnalyzer(), bytes(data), name="fuzz.pcapng")
    orjson.dumps(run.stats)
    assert set(TSHARK_NAMES) <= set(run.stats)


def _over_a_mebibyte() -> bytes:
    capture = Capture()
    for number in range(120):
        healthy(capture, T0 + number * 0.1, 30000 + number)
        flow = client_flow(capture, 35000 + number)
        ready = flow.handshake(T0 + number * 0.1 + 0.05, rtt=0.01)
        flow.send(ready + 0.01, bytes(10_000), from_client=False)
    data = capture.pcap()
    assert len(data) > 1 << 20
    return data


def test_progress_cancellation_and_garbage_collector_state():
    data = _over_a_mebibyte()
    context = RecordingContext()
    run = run_analyzer(NetworkAnalyzer(), data, name="big.pcap", context=context)
    assert run.stats["tcp_streams"] == 240
    assert context.checks >= 2
    assert context.progress_reports == sorted(context.progress_reports)
    assert context.progress_reports[-1] == 1.0 and context.progress_reports[0] < 1.0
    assert gc.isenabled()
    with pytest.raises(Cancelled):
        run_analyzer(NetworkAnalyzer(), data, name="big.pcap",
                     context=RecordingContext(cancel_after_checks=1))
    assert gc.isenabled()
    gc.disable()
    try:
        run_analyzer(NetworkAnalyzer(), data, name="big.pcap")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
