"""inspector.training.scenarios.quic_flow: QUIC connections as browsers make them, the same
bytes for the same seed (tshark reads them: tests/analyzers/tls/test_quic.py)."""

from __future__ import annotations

import random

from inspector.formats.quic import split_datagram
from inspector.training.scenarios.packets import Capture
from inspector.training.scenarios.quic_flow import QuicFlow, browser_client_hello

T0 = 1_794_906_000.0


def _build(seed: int) -> Capture:
    capture = Capture()
    flow = QuicFlow(capture, random.Random(seed), "10.0.0.5", 50000, "203.0.113.7")
    flow.unanswered(T0, "www.example.com", post_quantum=True)
    return capture


def test_the_same_seed_gives_the_same_bytes():
    assert _build(1).pcap() == _build(1).pcap()
    assert _build(1).pcap() != _build(2).pcap()


def test_unanswered_initials_follow_the_probe_timeout_and_are_padded():
    capture = _build(1)
    times = sorted({round(frame.time - T0, 4) for frame in capture.frames})
    assert times == [0.0, 0.0001, 0.3, 0.3001, 0.9, 0.9001, 2.1, 2.1001]
    assert {len(frame.data) - 42 for frame in capture.frames} == {1200}
    kinds = {p.kind for frame in capture.frames for p in split_datagram(frame.data[42:])}
    assert kinds == {"initial"}


def test_browser_client_hello_is_big_with_a_post_quantum_share():
    small = browser_client_hello(random.Random(1), "a.example.com")
    large = browser_client_hello(random.Random(1), "a.example.com", post_quantum=True)
    assert small[0] == 1 and len(small) < 1000 < 1200 < len(large)


def test_after_the_server_answered_the_client_addresses_its_id():
    capture = Capture()
    flow = QuicFlow(capture, random.Random(3), "10.0.0.5", 50000, "203.0.113.7")
    flow.connect(T0, rtt=0.02, sni="www.example.com")
    first = split_datagram(capture.frames[0].data[42:])[0]
    later = split_datagram(capture.frames[3].data[42:])[0]
    assert (first.destination_id, later.destination_id) == (flow.original_id, flow.server_id)
