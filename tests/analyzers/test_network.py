"""analyzers.network: Wireshark conformance on real captures, every rule on generated traffic."""

from __future__ import annotations

import gc
import random
import re
import struct

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analyzers.network import NetworkAnalyzer, _dns_question
from inspector.formats.pcap import LINKTYPE_RAW
from inspector.model import Finding, PacketLocator
from inspector.plugins import Cancelled
from inspector.rules import REGISTRY
from inspector.testing import RecordingContext, run_analyzer
from inspector.training.scenarios import backend_refused, dns_misconfiguration
from inspector.training.scenarios.packets import (
    ACK,
    NXDOMAIN,
    PSH,
    SERVFAIL,
    Capture,
    TcpFlow,
    dns_query,
    dns_response,
    icmp,
    ipv4,
    tcp,
    udp,
)
from tests.corpus import CORPUS

T0 = 1_794_906_000.0
CLIENT, SERVER, RESOLVER = "10.0.0.5", "10.0.0.80", "10.0.0.53"

# Our stat -> the name tshark_reference.sh prints.
TSHARK_NAMES = {
    "packets": "frames", "tcp_streams": "tcp_streams", "syn": "syn", "synack": "synack",
    "rst": "rst", "rst_streams": "rst_streams", "retransmission": "retransmission",
    "fast_retransmission": "fast_retransmission",
    "spurious_retransmission": "spurious_retransmission", "out_of_order": "out_of_order",
    "lost_segment": "lost_segment", "duplicate_ack": "duplicate_ack",
    "zero_window": "zero_window", "window_full": "window_full", "keep_alive": "keep_alive",
    "dns_queries": "queries", "dns_responses": "responses", "dns_nxdomain": "nxdomain",
    "dns_servfail": "servfail", "dns_unanswered": "unanswered(-2)",
}

# Every remaining disagreement with tshark 4.0.17, capture by capture, and why.
KNOWN_DIFFERENCES = {
    "nb6-http.pcap": {
        # Frames 53-62 are an IPv6 connection carried in PPP over L2TP (UDP port 1701);
        # tshark dissects L2TP tunnels, we stop at the outer UDP datagram: one stream, its
        # SYN and its SYN-ACK fewer.
        "tcp_streams", "syn", "synack",
        # tshark also counts the DNS response quoted inside the ICMP port-unreachable error
        # of frame 34; that response never reached an application, so we do not count it.
        "dns_responses",
    },
}


def _reference() -> dict[str, dict[str, int]]:
    text = (CORPUS / "reference" / "tshark-4.0.17.txt").read_text()
    blocks = {}
    for block in text.split("\n\n"):
        name = re.search(r"file=pcap/(\S+)", block)
        if name:
            blocks[name.group(1)] = {key: int(value) for key, value in
                                     re.findall(r"([a-z_()0-9!-]+)=(\d+)", block)}
    return blocks


def _corpus_names() -> list[str]:
    if not (CORPUS / "reference" / "tshark-4.0.17.txt").is_file():
        return []
    return sorted(_reference())


def _analyze_corpus(name: str):
    return run_analyzer(NetworkAnalyzer(), (CORPUS / "pcap" / name).read_bytes(), name=name)


@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_names() or ["(corpus absent)"])
def test_counts_agree_with_tshark(name):
    if name == "(corpus absent)":
        pytest.skip("the shared corpus is not available")
    expected = _reference()[name]
    stats = _analyze_corpus(name).stats
    known = KNOWN_DIFFERENCES.get(name, set())
    agree = {ours for ours, theirs in TSHARK_NAMES.items() if stats[ours] == expected[theirs]}
    disagree = set(TSHARK_NAMES) - agree
    assert disagree == known, {k: (stats[k], expected[TSHARK_NAMES[k]]) for k in disagree}


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "rule_id", "words"), [
    ("tcp_refuseconnection.pcapng", "tcp.connection-refused", "refused"),
    ("nowebaccess2.pcapng", "tcp.connection-refused", "refused"),
    ("nowebaccess3.pcapng", "tcp.no-response", "No answer"),
    ("tcp_retransmissions.pcapng", "tcp.retransmissions", "retransmitted"),
    ("tcp_zerowindowdead.pcapng", "tcp.zero-window", "never recovered"),
    ("tcp_zerowindowrecovery.pcapng", "tcp.zero-window", "recovered"),
    ("dns_query_nonexistent.pcapng", "dns.nxdomain", "does not exist"),
    ("stranded_branchdns.pcapng", "dns.servfail", "SERVFAIL"),
    ("nowebaccess1.pcapng", "dns.no-response", "did not answer"),
    ("http_content_length.pcap", "tcp.reset", "reset"),
    ("nb6-http.pcap", "icmp.unreachable", "port unreachable"),
])
def test_textbook_captures_give_their_finding(name, rule_id, words):
    if not (CORPUS / "pcap" / name).is_file():
        pytest.skip("the shared corpus is not available")
    [finding, *_] = _analyze_corpus(name).by_rule(rule_id)
    assert words in finding.title
    assert finding.evidence and all(isinstance(e.locator, PacketLocator)
                                    for e in finding.evidence)
    assert finding.remediation


@pytest.mark.corpus
def test_healthy_corpus_captures_raise_no_connectivity_findings():
    names = ["tcp_handshake.pcapng", "tcp_teardown.pcapng", "http_google.pcapng",
             "dns_query_response.pcapng", "latency1.pcapng"]
    if not (CORPUS / "pcap").is_dir():
        pytest.skip("the shared corpus is not available")
    for name in names:
        assert not _analyze_corpus(name).rules() & {
            "tcp.connection-refused", "tcp.no-response", "tcp.reset", "dns.nxdomain",
            "dns.servfail", "dns.no-response"}, name


# --- generated traffic -------------------------------------------------------------------


def _flow(capture: Capture, port: int, server_port: int = 443, server: str = SERVER) -> TcpFlow:
    return TcpFlow(capture, CLIENT, port, server, server_port, client_isn=port * 1000,
                   server_isn=port * 7000)


def _healthy(capture: Capture, time: float, port: int) -> None:
    flow = _flow(capture, port)
    ready = flow.handshake(time, rtt=0.01)
    flow.send(ready + 0.001, b"GET / HTTP/1.1\r\n\r\n")
    flow.send(ready + 0.02, b"HTTP/1.1 200 OK\r\n\r\n" + bytes(3000), from_client=False)
    flow.ack(ready + 0.03)
    flow.close(ready + 0.04, rtt=0.01)


def _run(capture: Capture, **kwargs):
    return run_analyzer(NetworkAnalyzer(), capture.pcap(), name="case.pcap", **kwargs)


def test_healthy_connection_stats_and_conversation():
    capture = Capture()
    _healthy(capture, T0, 50000)
    run = _run(capture)
    stats = run.stats
    # handshake 3, request 1, response 3 segments, ACK 1, close 3
    assert (stats["packets"], stats["tcp_streams"], stats["syn"], stats["synack"]) == (
        11, 1, 1, 1)
    assert stats["retransmission"] == stats["duplicate_ack"] == stats["rst"] == 0
    [conversation] = stats["conversations"]
    assert conversation["client"] == CLIENT and conversation["server_port"] == 443
    assert conversation["handshake_rtt"] == pytest.approx(0.01)
    assert conversation["ended"] == "fin"
    assert conversation["packets_to_server"] + conversation["packets_to_client"] == 11
    assert conversation["start"] == "2026-11-17T09:00:00Z"
    assert not run.findings and not run.events


def test_refused_and_unanswered_connections_name_host_port_and_packets():
    capture = Capture()
    _healthy(capture, T0, 50000)
    for attempt in range(3):
        _flow(capture, 50100 + attempt, 8080).refuse(T0 + 1 + attempt, rtt=0.001)
    silent = _flow(capture, 50200, 9000, server="10.0.0.99")
    silent.syn(T0 + 5)
    silent.packet(T0 + 6, True, 0x02, seq=silent.next_seq[True] - 1)  # SYN retransmitted
    run = _run(capture)
    [refused] = run.by_rule("tcp.connection-refused")
    assert refused.title == "10.0.0.80 refused 3 connections on port 8080"
    assert refused.count == 3
    assert [e.locator.index for e in refused.evidence] == [12, 13, 14, 15, 16, 17]
    [silence] = run.by_rule("tcp.no-response")
    assert "10.0.0.99" in silence.title and "9000" in silence.title
    assert silence.facts["syn_packets"] == 2
    assert run.stats["retransmission"] == 1
    ended = [c["ended"] for c in run.stats["conversations"]]
    assert ended == ["fin", "refused", "refused", "refused", "unanswered-syn"]
    assert [event.message for event in run.events] == [
        "10.0.0.80:8080 refused a connection from 10.0.0.5"] * 3 + [
        "no answer to SYN 10.0.0.5:50200 -> 10.0.0.99:9000"]
    assert [event.locator.index for event in run.events] == [13, 15, 17, 18]


def test_reset_mid_connection_says_which_side():
    capture = Capture()
    flow = _flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.01)
    flow.send(ready + 0.001, b"POST /orders HTTP/1.1\r\n\r\n")
    flow.reset(ready + 0.2, from_client=False)
    run = _run(capture)
    [reset] = run.by_rule("tcp.reset")
    assert reset.title == "Server 10.0.0.80 reset 1 connection on port 443"
    assert reset.facts["reset_by"] == "server"
    assert reset.evidence[0].locator.index == 5
    assert run.stats["conversations"][0]["ended"] == "reset-by-server"
    assert run.stats["rst_streams"] == 1


def test_lost_segment_duplicate_acks_then_fast_retransmission():
    capture = Capture()
    flow = _flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.01)
    hole = flow.next_seq[False]
    # The server's first segment is lost before the capture point; every later one makes the
    # client repeat its ACK of the hole (the handshake ACK was the first of them).
    for number in range(1, 5):
        flow.packet(ready + number * 0.001, False, PSH | ACK, bytes(1000),
                    seq=hole + 1000 * number)
        flow.packet(ready + number * 0.001 + 0.0001, True, ACK)
    flow.packet(ready + 0.0045, False, PSH | ACK, bytes(1000), seq=hole)
    stats = _run(capture).stats
    assert (stats["lost_segment"], stats["duplicate_ack"], stats["fast_retransmission"],
            stats["retransmission"], stats["out_of_order"]) == (1, 4, 1, 1, 0)


def test_retransmission_rate_above_threshold_is_a_finding():
    capture = Capture()
    for number in range(5):
        flow = _flow(capture, 50000 + number)
        ready = flow.handshake(T0 + number, rtt=0.01)
        seq = flow.next_seq[False]
        flow.send(ready + 0.001, bytes(4000), from_client=False)
        flow.packet(ready + 0.3, False, PSH | ACK, bytes(1460), seq=seq)  # timeout resend
        flow.ack(ready + 0.31)
    _healthy(capture, T0 + 10, 51000)
    run = _run(capture)
    [finding] = run.by_rule("tcp.retransmissions")
    assert finding.count == 5 == run.stats["retransmission"]
    assert finding.facts["segments"] == 5 * (4 + 2)  # data with the resend, SYN, SYN-ACK
    assert "10.0.0.80:443" in finding.title
    assert run.stats["spurious_retransmission"] == 0


def _zero_window(recover: bool) -> Capture:
    capture = Capture()
    flow = _flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.01)
    flow.send(ready + 0.001, bytes(2000), from_client=False)
    flow.packet(ready + 0.002, True, ACK, window=0)
    if recover:
        flow.packet(ready + 0.5, True, ACK, window=65536)
    return capture


@pytest.mark.parametrize("recover", [False, True])
def test_zero_window_dead_or_recovered(recover):
    run = _run(_zero_window(recover))
    [finding] = run.by_rule("tcp.zero-window")
    assert finding.facts["receiver"] == "10.0.0.5:50000"
    assert finding.facts["recovered"] is recover
    assert ("never recovered" in finding.title) is not recover
    assert finding.severity.value == ("medium" if recover else "high")
    assert [e.locator.index for e in finding.evidence] == ([6, 7] if recover else [6])
    assert run.stats["zero_window"] == 1


def test_slow_handshake_and_server_side_latency():
    capture = Capture()
    flow = _flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.8)
    flow.send(ready + 0.001, b"GET /report HTTP/1.1\r\n\r\n")
    other = _flow(capture, 50001, 8443)
    ready2 = other.handshake(T0 + 2, rtt=0.002)
    other.send(ready2 + 0.001, b"GET /report HTTP/1.1\r\n\r\n")
    other.send(ready2 + 3.001, b"HTTP/1.1 200 OK\r\n\r\n", from_client=False)
    run = _run(capture)
    [slow] = run.by_rule("tcp.slow-handshake")
    assert "10.0.0.80:443" in slow.title and slow.facts["worst_seconds"] == pytest.approx(0.8)
    [latency] = run.by_rule("net.server-latency")
    assert latency.facts["where"] == "server"
    assert latency.facts["response_seconds"] == pytest.approx(3.0)
    assert "10.0.0.80:8443" in latency.title


def _dns_exchange(capture: Capture, time: float, transaction_id: int, name: str, *,
                  rcode: int | None, delay: float = 0.002, server: str = RESOLVER) -> None:
    capture.add_ip(time, CLIENT, server, 17, udp(CLIENT, server, 40000 + transaction_id, 53,
                                                 dns_query(transaction_id, name)))
    if rcode is not None:
        capture.add_ip(time + delay, server, CLIENT, 17, udp(
            server, CLIENT, 53, 40000 + transaction_id,
            dns_response(transaction_id, name, rcode=rcode, addresses=() if rcode else
                         ("192.0.2.1",))), to_client=True)


def test_dns_failures_each_have_their_finding():
    capture = Capture()
    _dns_exchange(capture, T0, 1, "api.example.com", rcode=0)
    _dns_exchange(capture, T0 + 1, 2, "apii.example.com", rcode=NXDOMAIN)
    _dns_exchange(capture, T0 + 2, 3, "apii.example.com", rcode=NXDOMAIN)
    _dns_exchange(capture, T0 + 3, 4, "broken.example.org", rcode=SERVFAIL)
    _dns_exchange(capture, T0 + 4, 5, "api.example.com", rcode=None, server="10.0.0.54")
    _dns_exchange(capture, T0 + 5, 6, "cdn.example.net", rcode=0, delay=1.5)
    run = _run(capture)
    stats = run.stats
    assert (stats["dns_queries"], stats["dns_responses"], stats["dns_nxdomain"],
            stats["dns_servfail"], stats["dns_unanswered"]) == (6, 5, 2, 1, 1)
    [nxdomain] = run.by_rule("dns.nxdomain")
    assert nxdomain.title.startswith("apii.example.com does not exist")
    assert nxdomain.count == 2 and [e.locator.index for e in nxdomain.evidence] == [4, 6]
    [servfail] = run.by_rule("dns.servfail")
    assert "broken.example.org" in servfail.title and RESOLVER in servfail.title
    [silent] = run.by_rule("dns.no-response")
    assert silent.facts["server"] == "10.0.0.54" and silent.evidence[0].locator.index == 9
    [slow] = run.by_rule("dns.slow")
    assert slow.facts["worst_seconds"] == pytest.approx(1.5)


def test_dns_over_tcp_is_reassembled_across_segments():
    capture = Capture()
    flow = _flow(capture, 50000, 53, server=RESOLVER)
    ready = flow.handshake(T0, rtt=0.001)
    query = dns_query(9, "example.com", "TXT")
    flow.send(ready, struct.pack("!H", len(query)) + query)
    answer = dns_response(9, "example.com", "TXT", rcode=NXDOMAIN)
    framed = struct.pack("!H", len(answer)) + answer
    flow.send(ready + 0.01, framed[:1], from_client=False)
    flow.send(ready + 0.02, framed[1:], from_client=False)
    stats = _run(capture).stats
    assert (stats["dns_queries"], stats["dns_responses"], stats["dns_nxdomain"],
            stats["dns_unanswered"]) == (1, 1, 1, 0)


def test_icmp_fragmentation_needed_names_the_mtu():
    capture = Capture()
    big = ipv4(CLIENT, SERVER, 6, tcp(CLIENT, SERVER, 50000, 443, seq=1, payload=bytes(1460)))
    capture.add_ip(T0, CLIENT, SERVER, 6, big[20:])
    capture.add_ip(T0 + 0.01, "10.0.0.1", CLIENT, 1, icmp(3, 4, big[:28], rest=1400),
                   to_client=True)
    [finding] = _run(capture).by_rule("icmp.unreachable")
    assert finding.facts == {"reporter": "10.0.0.1", "target": SERVER, "port": 443,
                             "reason": "fragmentation needed (MTU)", "mtu": 1400}
    assert "MTU 1400" in finding.remediation
    assert finding.evidence[0].locator.index == 2


def test_ipv6_streams_are_followed():
    capture = Capture()
    flow = TcpFlow(capture, "2001:db8::5", 50000, "2001:db8::80", 443)
    flow.refuse(T0, rtt=0.001)
    run = _run(capture)
    [finding] = run.by_rule("tcp.connection-refused")
    assert finding.facts["server"] == "2001:db8::80"
    assert "[2001:db8::80]:443" in finding.detail


def test_truncated_capture_keeps_results_and_warns():
    capture = Capture()
    for attempt in range(4):
        _flow(capture, 50100 + attempt, 8080).refuse(T0 + attempt, rtt=0.001)
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
        "dns.servfail", "dns.no-response", "dns.slow", "icmp.unreachable"}
    assert all(rule.id in REGISTRY for rule in analyzer.rules)


def test_dns_name_parser_is_bounded_on_crafted_pointers():
    header = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    loop = header + b"\xc0\x0c"  # a pointer to itself
    assert _dns_question(loop) is None
    long_name = header + b"\x01a" * 5000 + b"\x00" + struct.pack("!HH", 1, 1)
    assert _dns_question(long_name) is None or len(_dns_question(long_name)[0]) <= 256


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
    _healthy(capture, T0, 50000)
    _dns_exchange(capture, T0 + 1, 1, "api.example.com", rcode=NXDOMAIN)
    data = bytearray(capture.pcapng())
    position = min(position, len(data) - 1)
    data[position:position + len(noise)] = noise
    run = run_analyzer(NetworkAnalyzer(), bytes(data), name="fuzz.pcapng")
    orjson.dumps(run.stats)
    assert set(TSHARK_NAMES) <= set(run.stats)


def _busy_capture(seed: int, flows: int = 60) -> Capture:
    """Many connections with every TCP event the analysis tells apart, then a lossy,
    reordering path: frames dropped, duplicated and swapped at random (seeded)."""
    rng = random.Random(seed)
    capture = Capture()
    for number in range(flows):
        start = T0 + number * 0.05
        flow = _flow(capture, 40000 + number, rng.choice([443, 53, 8080]))
        shape = rng.random()
        if shape < 0.1:
            flow.refuse(start, rtt=0.001)
            continue
        ready = flow.handshake(start, rtt=rng.uniform(0.001, 0.02))
        for turn in range(rng.randint(1, 3)):
            at = ready + turn * 0.01
            flow.send(at, bytes(rng.randint(1, 300)))
            flow.send(at + 0.002, bytes(rng.randint(1, 5000)), from_client=False)
            if rng.random() < 0.2:
                flow.packet(at + 0.004, True, ACK, window=0)
                flow.packet(at + 0.005, False, PSH | ACK, b"x")  # zero-window probe
            flow.ack(at + 0.006)
            if rng.random() < 0.2:
                flow.packet(at + 0.007, True, ACK, seq=flow.next_seq[True] - 1)  # keep-alive
        if shape < 0.3:
            flow.reset(ready + 0.05, from_client=rng.random() < 0.5)
        else:
            flow.close(ready + 0.05, rtt=0.001)
    frames = capture.frames
    messy: list = []
    index = 0
    while index < len(frames):
        roll = rng.random()
        if roll < 0.03:
            index += 1
            continue
        if roll < 0.06:
            messy.append(frames[index])
        if roll < 0.1 and index + 1 < len(frames):
            messy.extend([frames[index + 1], frames[index]])
            index += 2
            continue
        messy.append(frames[index])
        index += 1
    capture.frames = messy
    return capture


def _variant(capture: Capture, shape: str) -> tuple[bytes, int]:
    """The same packets framed another way, and the bytes that adds to each frame."""
    other = Capture()
    for frame in capture.frames:
        data = frame.data
        if shape == "vlan":
            other.add(frame.time, data[:12] + b"\x81\x00\x00\x07" + data[12:])
        elif shape == "raw":
            other.add(frame.time, data[14:], linktype=LINKTYPE_RAW)
        else:  # IPv4 options: four no-operation bytes, so the header is 24 bytes long
            ip_header = bytearray(data[14:34])
            ip_header[0] += 1
            struct.pack_into("!H", ip_header, 2, struct.unpack_from("!H", ip_header, 2)[0] + 4)
            other.add(frame.time, data[:14] + bytes(ip_header) + b"\x01" * 4 + data[34:])
    return other.pcapng(), {"vlan": 4, "raw": -14, "ip-options": 4}[shape]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("shape", ["vlan", "raw", "ip-options"])
def test_fast_and_general_decoding_give_the_same_analysis(seed, shape):
    """Ethernet + IPv4 + TCP is decoded inline; any other framing goes the general way.
    Both must feed the TCP analysis the same fields."""
    capture = _busy_capture(seed)
    plain = run_analyzer(NetworkAnalyzer(), capture.pcapng(), name="c.pcapng")
    data, extra = _variant(capture, shape)
    other = run_analyzer(NetworkAnalyzer(), data, name="c.pcapng")
    # The capture exercises the analysis, not just the happy path.
    for counter in ("retransmission", "out_of_order", "lost_segment", "duplicate_ack",
                    "zero_window", "keep_alive", "rst", "dns_queries"):
        assert plain.stats[counter] > 0, counter
    for conversation in plain.stats["conversations"]:
        conversation["bytes_to_server"] += extra * conversation["packets_to_server"]
        conversation["bytes_to_client"] += extra * conversation["packets_to_client"]
    assert orjson.dumps(other.stats) == orjson.dumps(plain.stats)
    assert [f.to_json() for f in other.findings] == [f.to_json() for f in plain.findings]
    assert [e.to_json() for e in other.events] == [e.to_json() for e in plain.events]


def _over_a_mebibyte() -> bytes:
    capture = Capture()
    for number in range(120):
        _healthy(capture, T0 + number * 0.1, 30000 + number)
        flow = _flow(capture, 35000 + number)
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
