"""analyzers.network.quic_findings: QUIC nobody answered (UDP blocked while TCP works, or
no TCP to tell), and closes with a transport error."""

from __future__ import annotations

import random

from inspector.training.scenarios.packets import Capture
from inspector.training.scenarios.quic_flow import QuicFlow
from tests.analyzers.network.traffic import CLIENT, T0, analyze, client_flow, healthy

SERVER = "10.0.0.80"  # traffic.SERVER, where healthy() connects over TCP


def test_quic_blocked_while_tcp_to_the_same_host_works():
    capture = Capture()
    rng = random.Random(3)
    QuicFlow(capture, rng, CLIENT, 51000, SERVER).unanswered(T0, "shop.example.com")
    QuicFlow(capture, rng, CLIENT, 51001, SERVER).unanswered(T0 + 3, "shop.example.com")
    healthy(capture, T0 + 6, 52000)
    run = analyze(capture)
    [blocked] = run.by_rule("quic.no-response")
    assert blocked.title == ("QUIC to 10.0.0.80:443 (shop.example.com) got no answer while "
                             "TCP to 10.0.0.80 worked: UDP is blocked on the way")
    assert (blocked.count, blocked.facts["initial_packets"], blocked.facts["tcp_answered"]) == (
        2, 8, 1)
    frames = [e.locator.index for e in blocked.evidence]
    assert frames == [1, 5, 10]  # each attempt's first Initial, then TCP's SYN-ACK
    assert "hangs in another" in blocked.detail and "QuicAllowed" in blocked.remediation
    assert [e.message for e in run.events][:2] == [
        "QUIC Initial from 10.0.0.5:51000 to 10.0.0.80:443 never answered",
        "QUIC Initial from 10.0.0.5:51001 to 10.0.0.80:443 never answered"]


def test_quic_unanswered_without_tcp_to_compare():
    capture = Capture()
    QuicFlow(capture, random.Random(4), CLIENT, 51000, "203.0.113.8").unanswered(
        T0, "api.example.com", attempts=2)
    refused = client_flow(capture, 52000, 443, server="203.0.113.9")
    refused.refuse(T0 + 1, rtt=0.001)
    [blocked] = analyze(capture).by_rule("quic.no-response")
    assert blocked.title == "QUIC to 203.0.113.8:443 (api.example.com) got no answer"
    assert blocked.facts["tcp_answered"] == 0 and "No TCP connection" in blocked.detail


def test_a_close_with_a_transport_error_is_a_finding_and_a_tls_alert_is_not():
    capture = Capture()
    rng = random.Random(5)
    refused = QuicFlow(capture, rng, CLIENT, 51000, "203.0.113.9")
    sent = refused.client_initials(T0, "busy.example.com")
    refused.datagram(sent + 0.02, False, refused.initial(
        False, b"\x1c\x02\x00\x0cserver busy!"))
    QuicFlow(capture, rng, CLIENT, 51001, "203.0.113.9").refused_with_alert(
        T0 + 1, 0.02, "h3.example.com", 120)
    run = analyze(capture)
    [closed] = run.by_rule("quic.connection-closed")
    assert closed.title == ("The server closed 1 QUIC connection to 203.0.113.9:443 with "
                            "CONNECTION_REFUSED (0x2)")
    assert closed.facts["reasons"] == ["server busy!"] and closed.evidence[0].locator.index == 2
    closes = [c["close"] for c in run.stats["quic_connections"]]
    assert [c["error"] for c in closes] == ["CONNECTION_REFUSED",
                                            "TLS alert no_application_protocol (120)"]
