"""analyzers.network.tcp: Wireshark's TCP analysis, against tshark on the corpus and on
generated traffic, by the inline fast path and the general path alike."""

from __future__ import annotations

import random
import re
import struct

import orjson
import pytest

from analyzers.network import NetworkAnalyzer
from analyzers.network.tcp import Direction, window_scaling
from inspector.formats.pcap import LINKTYPE_RAW
from inspector.testing import run_analyzer
from inspector.training.scenarios.packets import ACK, PSH, Capture, TcpFlow
from tests.analyzers.network.traffic import T0, TSHARK_NAMES, analyze, analyze_corpus, client_flow
from tests.corpus import CORPUS

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


def _busy_capture(seed: int, flows: int = 60) -> Capture:
    """Many connections with every TCP event the analysis tells apart, then a lossy,
    reordering path: frames dropped, duplicated and swapped at random (seeded)."""
    rng = random.Random(seed)
    capture = Capture()
    for number in range(flows):
        start = T0 + number * 0.05
        flow = client_flow(capture, 40000 + number, rng.choice([443, 53, 8080]))
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
