"""analyzers.network.tcp: Wireshark's TCP analysis, against tshark on the corpus and on
generated traffic, by the inline fast path and the general path alike."""

from __future__ import annotations

import re
import struct

import orjson
import pytest

from analyzers.network import NetworkAnalyzer
from analyzers.network.streams import Direction
from analyzers.network.tcp import window_scaling
from inspector.formats.pcap import LINKTYPE_RAW
from inspector.testing import run_analyzer
from inspector.training.scenarios.packets import ACK, PSH, SYN, Capture, TcpFlow, syn_options
from tests.analyzers.network.lossy import (
    ANALYSIS_FLAGS,
    COUNTERS,
    MSS,
    close_with_fin_sent_again,
    first_segment_lost,
    live_tshark,
    lossy_capture,
    need_tshark,
    reset_with_data_in_flight,
    syn_sent_again,
    synack_before_syn,
    tshark_counts,
)
from tests.analyzers.network.traffic import T0, TSHARK_NAMES, analyze, analyze_corpus, client_flow
from tests.corpus import CORPUS

# Every remaining disagreement with tshark 4.0.17, capture by capture: only where the
# analyzer is right and tshark is not, and why.
KNOWN_DIFFERENCES = {
    "nb6-http.pcap": {
        # tshark also counts the DNS response quoted inside the ICMP port-unreachable error
        # of frame 34: a copy of a datagram that never reached an application, so not a
        # response anyone got.
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


@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_names() or ["(corpus absent)"])
def test_counts_agree_with_tshark(name):
    if name == "(corpus absent)":
        pytest.skip("the shared corpus is not available")
    expected = _reference()[name]
    stats = analyze_corpus(name).stats
    known = KNOWN_DIFFERENCES.get(name, set())
    agree = {ours for ours, theirs in TSHARK_NAMES.items() if stats[ours] == expected[theirs]}
    disagree = set(TSHARK_NAMES) - agree
    assert disagree == known, {k: (stats[k], expected[TSHARK_NAMES[k]]) for k in disagree}


@pytest.mark.parametrize("stamped", ["captured", "sent"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lossy_captures_agree_with_live_tshark(seed, stamped, tmp_path):
    """Loss, duplicates and reordering (seeded), one capture point or two merged: every TCP
    counter is tshark's, and the capture exercises each of them."""
    tshark = need_tshark()
    capture = lossy_capture(seed, stamped=stamped)
    path = tmp_path / "lossy.pcap"
    path.write_bytes(capture.pcap())
    stats = analyze(capture).stats
    theirs = tshark_counts(tshark, path)
    assert {name: stats[name] for name in COUNTERS} == theirs
    exercised = set(ANALYSIS_FLAGS) - {"window_full", "spurious_retransmission"}
    if stamped == "sent":  # times going backwards at a swap are never out-of-order
        exercised.discard("out_of_order")
    assert all(stats[name] > 0 for name in exercised), stats


def _flow(capture: Capture) -> TcpFlow:
    return TcpFlow(capture, "10.0.0.5", 50000, "10.0.0.80", 443, client_isn=1000,
                   server_isn=9000)


def _syn_sent_again() -> Capture:
    capture = Capture()
    flow = _flow(capture)
    ready = syn_sent_again(flow, T0, answered=True)
    flow.send(ready + 0.001, b"hello")
    flow.ack(ready + 0.01, from_client=False)
    return capture


def _data_sent_again_after_reset() -> Capture:
    capture = Capture()
    flow = _flow(capture)
    ready = flow.handshake(T0, 0.01)
    flow.send(ready + 0.001, bytes(300))
    flow.ack(ready + 0.02, from_client=False)
    reset_with_data_in_flight(flow, ready + 0.1, by_client=False, resent=True)
    return capture


def _fin_sent_again() -> Capture:
    capture = Capture()
    flow = _flow(capture)
    ready = flow.handshake(T0, 0.01)
    flow.send(ready + 0.001, bytes(300))
    flow.ack(ready + 0.02, from_client=False)
    close_with_fin_sent_again(flow, ready + 0.1, again=True)
    return capture


def _short_tls_session() -> Capture:
    """The SYN was lost and sent again 1 s later; the ClientHello goes in two segments, the
    first sent again 200 ms later. The out-of-order threshold is the RTT from the *latest*
    SYN (30 ms), not from the first (1 s): that segment is a retransmission."""
    capture = Capture()
    flow = _flow(capture)
    flow.packet(T0, True, SYN, seq=1000, options=syn_options())
    flow.packet(T0 + 1, True, SYN, seq=1000, options=syn_options())
    flow.next_seq[True] = 1001
    flow.packet(T0 + 1.03, False, SYN | ACK, options=syn_options())
    flow.ack(T0 + 1.0302)
    hello = bytes([22, 3, 1, 2, 0]) + bytes(512)
    flow.packet(T0 + 1.031, True, PSH | ACK, hello[:300])
    flow.packet(T0 + 1.0311, True, PSH | ACK, hello[300:])
    flow.packet(T0 + 1.231, True, PSH | ACK, hello[:300], seq=1001)
    flow.ack(T0 + 1.26, from_client=False)
    flow.close(T0 + 1.3, rtt=0.03)
    return capture


def _fast_retransmission_duplicated() -> Capture:
    """A lost segment, duplicate ACKs and a fast retransmission, every frame captured
    twice (a SPAN port that mirrors both directions of a link)."""
    capture = Capture()
    flow = _flow(capture)
    ready = flow.handshake(T0, 0.01)
    flow.send(ready + 0.001, bytes(100))
    first_segment_lost(flow, ready + 0.02, 6 * MSS, 4)
    flow.ack(ready + 0.03)
    capture.frames = [frame for frame in capture.frames for _ in range(2)]
    return capture


def _synack_before_syn() -> Capture:
    capture = Capture()
    flow = _flow(capture)
    ready = synack_before_syn(flow, T0)
    flow.send(ready + 0.001, b"hello")
    flow.ack(ready + 0.03, from_client=False)
    return capture


# What tshark 4.0.17 counts in each (counters left out are 0); the live tshark is asked
# too when it is installed.
_CASES = {
    "SYN sent again": (_syn_sent_again, {
        "tcp_streams": 1, "syn": 3, "synack": 1, "retransmission": 2}),
    "data sent again after a reset": (_data_sent_again_after_reset, {
        "tcp_streams": 1, "syn": 1, "synack": 1, "rst": 1, "rst_streams": 1,
        "retransmission": 1, "spurious_retransmission": 1, "window_full": 1}),
    "FIN sent again": (_fin_sent_again, {
        "tcp_streams": 1, "syn": 1, "synack": 1, "retransmission": 1}),
    "short TLS session": (_short_tls_session, {
        "tcp_streams": 1, "syn": 2, "synack": 1, "retransmission": 2}),
    "fast retransmission, frames duplicated": (_fast_retransmission_duplicated, {
        "tcp_streams": 1, "syn": 2, "synack": 2, "retransmission": 10,
        "fast_retransmission": 2, "lost_segment": 1, "duplicate_ack": 12}),
    "SYN-ACK captured before the SYN": (_synack_before_syn, {
        "tcp_streams": 1, "syn": 1, "synack": 1}),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_divergences_seen_on_unseen_captures(case, tmp_path):
    build, expected = _CASES[case]
    capture = build()
    stats = analyze(capture).stats
    assert {name: stats[name] for name in COUNTERS} == {
        name: expected.get(name, 0) for name in COUNTERS}
    tshark = live_tshark()
    if tshark is not None:
        path = tmp_path / "case.pcap"
        path.write_bytes(capture.pcap())
        assert tshark_counts(tshark, path) == {
            name: expected.get(name, 0) for name in COUNTERS}


def test_lost_segment_duplicate_acks_then_fast_retransmission():
    capture = Capture()
    flow = client_flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.01)
    hole = flow.next_seq[False]
    # The server's first segment is lost before the capture point; every later one makes the
    # client repeat its ACK of the hole (the handshake ACK was the first of them).
    for number in range(1, 5):
        flow.packet(ready + number * 0.001, False, PSH | ACK, bytes(1000),
                    seq=hole + 1000 * number)
        flow.packet(ready + number * 0.001 + 0.0001, True, ACK)
    flow.packet(ready + 0.0045, False, PSH | ACK, bytes(1000), seq=hole)
    stats = analyze(capture).stats
    assert (stats["lost_segment"], stats["duplicate_ack"], stats["fast_retransmission"],
            stats["retransmission"], stats["out_of_order"]) == (1, 4, 1, 1, 0)


def test_ipv6_streams_are_followed():
    capture = Capture()
    flow = TcpFlow(capture, "2001:db8::5", 50000, "2001:db8::80", 443)
    flow.refuse(T0, rtt=0.001)
    run = analyze(capture)
    [finding] = run.by_rule("tcp.connection-refused")
    assert finding.facts["server"] == "2001:db8::80"
    assert "[2001:db8::80]:443" in finding.detail


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
    capture = lossy_capture(seed)
    plain = run_analyzer(NetworkAnalyzer(), capture.pcapng(), name="c.pcapng")
    data, extra = _variant(capture, shape)
    other = run_analyzer(NetworkAnalyzer(), data, name="c.pcapng")
    # The capture exercises the analysis, not just the happy path.
    exercised = set(ANALYSIS_FLAGS) - {"window_full"} | {"rst"}
    for counter in sorted(exercised):
        assert plain.stats[counter] > 0, counter
    for conversation in plain.stats["conversations"]:
        conversation["bytes_to_server"] += extra * conversation["packets_to_server"]
        conversation["bytes_to_client"] += extra * conversation["packets_to_client"]
    assert orjson.dumps(other.stats) == orjson.dumps(plain.stats)
    assert [f.to_json() for f in other.findings] == [f.to_json() for f in plain.findings]
    assert [e.to_json() for e in other.events] == [e.to_json() for e in plain.events]


@pytest.mark.parametrize(("syn_shift", "synack_shift", "expected"), [
    (7, 8, (7, 8)), (7, None, (-2, -2)), (None, 8, (-2, -2)), (20, 3, (14, 3))])
def test_window_scaling_needs_the_option_on_both_sides(syn_shift, synack_shift, expected):
    def options(shift: int | None) -> bytes:
        # MSS, then no-operation padding before the window scale option, as stacks send it
        scale = b"" if shift is None else bytes([1, 3, 3, shift])
        return bytes([2, 4, 5, 180]) + scale

    client, server = Direction(), Direction()
    window_scaling(client, server, 0x02, options(syn_shift))
    window_scaling(server, client, 0x12, options(synack_shift))
    assert (client.scale, server.scale) == expected
