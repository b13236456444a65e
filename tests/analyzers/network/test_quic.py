"""analyzers.network.quic: QUIC connections in the network analyzer's one pass, and how each
ended."""

from __future__ import annotations

import random

from inspector.training.scenarios.packets import PROTO_UDP, Capture, udp
from inspector.training.scenarios.quic_flow import QuicFlow
from tests.analyzers.network.traffic import CLIENT, T0, analyze

SERVER = "203.0.113.7"


def test_connections_on_any_port_with_short_headers_counted():
    capture = Capture()
    rng = random.Random(1)
    QuicFlow(capture, rng, CLIENT, 50000, SERVER, 8443).connect(T0, 0.02, "www.example.com")
    QuicFlow(capture, rng, "2001:db8::5", 50001, "2001:db8::80").connect(
        T0 + 1, 0.02, "v6.example.com", exchanges=20)
    run = analyze(capture)
    first, second = run.stats["quic_connections"]
    assert (first["server_port"], first["server_name"], first["version"]) == (
        8443, "www.example.com", "QUIC v1")
    assert first["handshake_done"] and first["ended"] == "open"
    assert (second["server"], second["packets_to_server"], second["packets_to_client"]) == (
        "2001:db8::80", 24, 23)  # coalesced packets count one by one
    assert not run.findings


def test_a_connection_silent_past_its_idle_timeout_ended_by_it():
    capture = Capture()
    rng = random.Random(2)
    QuicFlow(capture, rng, CLIENT, 50000, SERVER).connect(T0, 0.02, "www.example.com")
    # Something else goes on in the capture for another 40 s (the idle timeout is 30 s).
    capture.add_ip(T0 + 40, CLIENT, "10.0.0.53", PROTO_UDP,
                   udp(CLIENT, "10.0.0.53", 40001, 123, bytes(48)))
    [connection] = analyze(capture).stats["quic_connections"]
    assert (connection["idle_timeout"], connection["ended"]) == (30.0, "idle-timeout")


def test_udp_that_is_not_quic_is_not_a_connection():
    capture = Capture()
    for port in (443, 4433, 51820):
        capture.add_ip(T0, CLIENT, SERVER, PROTO_UDP,
                       udp(CLIENT, SERVER, 50000, port, bytes([0x80]) + bytes(60)))
    assert analyze(capture).stats["quic_connections"] == []
