"""Wireshark's TCP analysis frame by frame: the flags tshark sets on the reference captures,
relative sequence numbers, stream numbers."""

from __future__ import annotations

import re

import pytest

from inspector.formats.pcap import CaptureError, decode, read_packets
from inspector.training.scenarios.packets import ACK, PSH, SYN, Capture
from inspector.views.tcp_analysis import (
    FLAG_NAMES,
    RETRANSMISSION,
    TcpTracker,
    after,
    info_words,
)
from tests.corpus import CORPUS
from tests.inspector.views.packet_traffic import T0, flow, retransmitted_request, rows

REFERENCE = CORPUS / "reference" / "tshark-4.0.17.txt"
# tshark dissects L2TP tunnels (nb6-http.pcap frames 53-62); the packet list shows the outer
# UDP datagram, so that stream is not a TCP stream here.
KNOWN_DIFFERENCES = {"nb6-http.pcap": {"tcp_streams"}}


def reference() -> dict[str, dict[str, int]]:
    blocks = {}
    for block in REFERENCE.read_text().split("\n\n"):
        name = re.search(r"file=pcap/(\S+)", block)
        if name:
            blocks[name[1]] = {key: int(value) for key, value in
                               re.findall(r"([a-z_]+)=(\d+)", block)}
    return blocks


def counts(path) -> dict[str, int]:
    tracker = TcpTracker()
    found = dict.fromkeys(FLAG_NAMES, 0)
    with path.open("rb") as stream:
        try:
            for packet in read_packets(stream):
                transport = decode(packet)
                if transport is None or transport.protocol != 6:
                    continue
                verdict = tracker.packet(packet.index, packet.time, transport.src,
                                         transport.src_port, transport.dst, transport.dst_port,
                                         transport.tcp_flags, transport.seq, transport.ack,
                                         transport.window, transport.payload_length,
                                         transport.tcp_options)
                for name, bit in FLAG_NAMES.items():
                    found[name] += bool(verdict.flags & bit)
        except CaptureError:
            pass
    return {**found, "tcp_streams": tracker.streams}


@pytest.mark.corpus
def test_every_flag_count_agrees_with_tshark_on_every_reference_capture():
    if not REFERENCE.is_file():
        pytest.skip("the shared corpus is not available")
    disagreements = {}
    for name, expected in reference().items():
        ours = counts(CORPUS / "pcap" / name)
        wrong = {key for key in ours if key in expected and ours[key] != expected[key]}
        if wrong != KNOWN_DIFFERENCES.get(name, set()):
            disagreements[name] = {key: (ours[key], expected[key]) for key in wrong}
    assert not disagreements


def test_relative_numbers_start_at_zero_for_the_syn_and_one_after_it(member):
    capture = Capture()
    connection = flow(capture, 40000)
    ready = connection.handshake(T0, rtt=0.01)
    connection.send(ready + 0.001, b"GET / HTTP/1.1\r\n\r\n")
    syn, synack, ack, data = rows(member, capture)
    assert (syn.seq, synack.seq, synack.ack, ack.seq, ack.ack) == (0, 0, 1, 1, 1)
    assert (data.seq, data.payload_length) == (1, 18)
    assert {syn.stream, data.stream} == {0}


def test_a_capture_that_starts_mid_stream_counts_from_one(member):
    capture = Capture()
    connection = flow(capture, 40000)
    connection.packet(T0, True, PSH | ACK, b"x" * 10)
    connection.packet(T0 + 0.01, False, ACK)
    first, second = rows(member, capture)
    assert (first.seq, first.ack, second.seq, second.ack) == (1, 1, 1, 11)


def test_a_segment_sent_again_is_a_retransmission(member):
    capture = Capture()
    retransmitted_request(capture, 40001)
    *_, original, again = rows(member, capture)
    assert not original.analysis and again.analysis & RETRANSMISSION
    assert again.info.startswith("[TCP Retransmission] ")


def test_a_new_syn_on_a_used_port_pair_is_a_new_stream(member):
    capture = Capture()
    first = flow(capture, 40002)
    first.handshake(T0, rtt=0.01)
    again = flow(capture, 40002)
    again.next_seq[True] += 5000
    again.syn(T0 + 5)
    listed = rows(member, capture)
    assert [row.stream for row in listed] == [0, 0, 0, 1]


def test_sequence_space_wraps_and_the_worst_flag_names_a_packet():
    assert after(5, 0xFFFFFFF0) and not after(0xFFFFFFF0, 5)
    assert info_words(0) == ""
    assert info_words(FLAG_NAMES["duplicate_ack"] | FLAG_NAMES["window_update"]) == \
        "[TCP Dup ACK] "


def test_the_first_packet_of_each_side_sets_its_base():
    tracker = TcpTracker()
    verdict = tracker.packet(1, T0, "10.0.0.1", 1, "10.0.0.2", 2, SYN, 77, 0, 1000, 0, b"")
    assert (verdict.stream, verdict.seq, verdict.ack, verdict.flags) == (0, 0, 0, 0)
    reply = tracker.packet(2, T0, "10.0.0.2", 2, "10.0.0.1", 1, SYN | ACK, 900, 78, 1000, 0,
                           b"")
    assert (reply.stream, reply.seq, reply.ack) == (0, 0, 1)
