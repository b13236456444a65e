"""analyzers.tls.stats: what each handshake showed, and the caps."""

from __future__ import annotations

import orjson

from inspector.training.scenarios.packets import Capture, TcpFlow
from tests.analyzers.tls.traffic import (
    CAPTURE_TIME,
    CLIENT,
    SERVER,
    analyze,
    client_hello,
    record,
    server_flight,
    tls_capture,
)


def test_healthy_handshake_gives_stats_and_no_findings(pki):
    run = analyze(tls_capture(record(22, client_hello()), server_flight(pki),
                              after=[(True, record(20, b"\x01")), (False, record(20, b"\x01")),
                                     (True, record(23, bytes(40)))]))
    stats = run.stats
    assert (stats["client_hellos"], stats["server_hellos"]) == (1, 1)
    [connection] = stats["handshakes"]
    assert connection["client"] == "192.0.2.10:51000"
    assert connection["server"] == "198.51.100.20:8443"
    assert connection["sni"] == "api.example.com"
    assert connection["alpn_offered"] == ["h2", "http/1.1"]
    assert connection["version"] == "TLS 1.2"
    assert connection["cipher_suite"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert connection["outcome"] == "established"
    assert [c["subject"] for c in stats["certificates"]] == ["CN=api.example.com",
                                                             "CN=Test Issuing CA"]
    assert stats["certificates"][0]["dns_names"] == ["api.example.com"]
    assert stats["certificates"][0]["key_type"] == "EC"
    assert run.findings == [] and run.events == [] and run.context.warnings == []
    orjson.dumps(stats)


def test_handshakes_are_capped_with_a_count_of_the_rest(monkeypatch):
    monkeypatch.setattr("analyzers.tls.stats.MAX_LISTED_HANDSHAKES", 1)
    capture = Capture()
    for port in (51000, 51001):
        flow = TcpFlow(capture, CLIENT[0], port, *SERVER)
        flow.send(flow.handshake(CAPTURE_TIME.timestamp(), 0.01), record(22, client_hello()))
    stats = analyze(capture.pcap()).stats
    assert stats["connections"] == 2
    assert [h["client"] for h in stats["handshakes"]] == ["192.0.2.10:51000"]
    assert stats["handshakes_not_listed"] == 1
