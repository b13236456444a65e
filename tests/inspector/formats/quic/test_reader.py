"""inspector.formats.quic.reader: connections followed over a capture's datagrams, built by
the training scenarios' QuicFlow (real Initial protection, fixed seed)."""

from __future__ import annotations

import io
import random

from inspector.formats.pcap import decode, read_packets
from inspector.formats.quic import QUIC_V2, QuicReader
from inspector.training.scenarios.packets import Capture
from inspector.training.scenarios.quic_flow import QuicFlow

T0 = 1_794_906_000.0
CLIENT = "10.0.0.5"


def read(capture: Capture) -> tuple[QuicReader, list]:
    reader = QuicReader()
    seen = []
    for packet in read_packets(io.BytesIO(capture.pcap())):
        fields = decode(packet)
        result = reader.datagram(packet.index, packet.time, (fields.src, fields.src_port),
                                 (fields.dst, fields.dst_port), fields.payload)
        seen.append(result)
    return reader, seen


def test_a_connection_from_initial_to_1_rtt():
    capture = Capture()
    QuicFlow(capture, random.Random(1), CLIENT, 50000, "203.0.113.7").connect(
        T0, rtt=0.02, sni="www.example.com", post_quantum=True)
    reader, seen = read(capture)
    [connection] = reader.connections
    assert (connection.client, connection.server) == ((CLIENT, 50000), ("203.0.113.7", 443))
    # the post-quantum ClientHello needs two Initials: it is complete in the second
    assert [m[0] for m in seen[0].messages] == [] and [m[0] for m in seen[1].messages] == [1]
    assert [m[0] for m in seen[2].messages] == [2]
    assert connection.kinds[True] >= {"initial", "handshake", "short"}
    assert connection.kinds[False] >= {"initial", "handshake", "short"}
    assert connection.answered() and connection.idle_timeout == 30.0
    assert connection.close is None and connection.undecryptable == 0


def test_unanswered_initials_and_a_close_with_an_alert():
    capture = Capture()
    rng = random.Random(2)
    QuicFlow(capture, rng, CLIENT, 50000, "203.0.113.8").unanswered(T0, "blocked.example.com")
    QuicFlow(capture, rng, CLIENT, 50001, "203.0.113.9", 4433).refused_with_alert(
        T0 + 5, 0.02, "h3.example.com", 120, "no h3")
    reader, seen = read(capture)
    blocked, refused = reader.connections
    assert not blocked.answered() and blocked.packets[True] == 4
    assert sum(len(item.messages) for item in seen[:4]) == 1  # the same ClientHello, resent
    frame, sender, index = refused.close
    assert (frame.error_code, frame.reason, sender, index) == (0x178, "no h3", "server", 6)


def test_retry_version_negotiation_and_version_2():
    capture = Capture()
    rng = random.Random(3)
    QuicFlow(capture, rng, CLIENT, 50000, "203.0.113.9").retry(T0, 0.02, "retry.example.com")
    QuicFlow(capture, rng, CLIENT, 50001, "203.0.113.9").version_negotiation(
        T0 + 1, 0.02, "vn.example.com")
    QuicFlow(capture, rng, CLIENT, 50002, "203.0.113.9", version=QUIC_V2).connect(
        T0 + 2, 0.02, "v2.example.com")
    reader, seen = read(capture)
    retried, negotiated, version_2 = reader.connections
    assert retried.retry and retried.undecryptable == 0
    assert [m[0] for item in seen[:3] for m in item.messages] == [1]  # the resent one repeats
    assert negotiated.version_negotiation == (0xFF00001D,)
    assert version_2.version == QUIC_V2 and version_2.answered()


def test_datagrams_that_are_not_quic_are_left_alone():
    reader = QuicReader()
    assert reader.datagram(1, T0, (CLIENT, 5353), ("224.0.0.251", 5353), bytes(40)) is None
    assert reader.connections == [] and not reader.known((CLIENT, 5353), ("224.0.0.251", 5353))


def test_a_server_initial_whose_client_initial_was_missed():
    """No key opens its Initials (they come from the client's first Initial, and the
    client's later ones are addressed to the server's own ID), but the server is still told
    from the client by their ports."""
    capture = Capture()
    QuicFlow(capture, random.Random(4), CLIENT, 50000, "203.0.113.7").connect(
        T0, rtt=0.02, sni="www.example.com")
    capture.frames = capture.frames[1:]
    reader, _seen = read(capture)
    [connection] = reader.connections
    assert connection.client == (CLIENT, 50000) and connection.keys is None
    assert connection.undecryptable == 2 and connection.answered()


def test_short_header_datagrams_are_counted_without_being_split():
    capture = Capture()
    QuicFlow(capture, random.Random(5), CLIENT, 50000, "203.0.113.7").connect(
        T0, rtt=0.02, sni="www.example.com", exchanges=4)
    reader, seen = read(capture)
    [connection] = reader.connections
    short = [item for item in seen if [p.kind for p in item.packets] == ["short"]]
    # four rounds of one datagram each way; the client's first 1-RTT packet rides coalesced
    # behind a Handshake packet and counts with that datagram
    assert len(short) == 8 and all(not item.frames and not item.messages for item in short)
    assert sum(item.from_client for item in short) == 4
    # client: the ClientHello's Initial, the ACK's Initial, Handshake + 1-RTT, four 1-RTT;
    # server: Initial + Handshake, Handshake, four 1-RTT
    assert connection.packets == {True: 1 + 1 + 2 + 4, False: 2 + 1 + 4}
    assert connection.last_frame == len(seen)
