"""analyzers.tls.events: fatal alerts and handshakes cut off by a reset, on the timeline."""

from __future__ import annotations

from inspector.model import PacketLocator, Severity
from inspector.training.scenarios.packets import Capture, TcpFlow
from tests.analyzers.tls.traffic import (
    CAPTURE_TIME,
    CLIENT,
    FATAL_ALERT,
    SERVER,
    analyze,
    client_hello,
    record,
    server_flight,
    tls_capture,
)


def test_a_fatal_alert_is_an_event_at_its_packet(pki):
    run = analyze(tls_capture(record(22, client_hello()), server_flight(pki),
                              after=[(True, FATAL_ALERT["unknown_ca"])]))
    [event] = run.events
    assert event.severity is Severity.HIGH
    assert event.locator == PacketLocator(run.stats["alerts"][0]["packet"])
    assert event.message == ("TLS 192.0.2.10:51000 -> 198.51.100.20:8443: client sent fatal "
                             "alert unknown_ca")


def test_events_are_capped_first_connections_first(monkeypatch):
    monkeypatch.setattr("analyzers.tls.events.MAX_EVENTS", 1)
    capture = Capture()
    for port in (51000, 51001):
        flow = TcpFlow(capture, CLIENT[0], port, *SERVER)
        ready = flow.handshake(CAPTURE_TIME.timestamp() + port - 51000, 0.01)
        flow.send(ready, record(22, client_hello()))
        flow.reset(ready + 0.01, from_client=False)
    run = analyze(capture.pcap())
    assert run.stats["outcomes"] == {"aborted": 2}
    [event] = run.events
    assert event.severity is Severity.MEDIUM
    assert event.message == ("TLS 192.0.2.10:51000 -> 198.51.100.20:8443: handshake reset by "
                             "server before it completed")
