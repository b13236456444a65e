"""analyzers.tls.quic: TLS in QUIC Initial packets, on a capture generated with real Initial
protection (fixed seed), against tshark 4.0, which decrypts QUIC Initials by itself."""

from __future__ import annotations

import random
import subprocess

import pytest

from inspector.formats.quic import QUIC_V2
from inspector.training.scenarios.packets import Capture
from inspector.training.scenarios.quic_flow import QuicFlow
from tests.analyzers.network.lossy import need_tshark
from tests.analyzers.tls.traffic import analyze, client_hello, record, server_flight, tls_capture

T0 = 1_794_906_000.0
CLIENT = "10.0.0.5"


def quic_capture() -> Capture:
    """Seven QUIC connections, one of each shape a browser's traffic shows."""
    capture = Capture()
    rng = random.Random(17)

    def flow(port: int, server: str, server_port: int = 443, **options) -> QuicFlow:
        return QuicFlow(capture, rng, CLIENT, port, server, server_port, **options)

    flow(50000, "203.0.113.7").connect(T0, 0.02, "www.example.com")
    flow(50001, "203.0.113.7").connect(T0 + 1, 0.02, "pq.example.com", post_quantum=True)
    flow(50002, "203.0.113.8").unanswered(T0 + 2, "blocked.example.com")
    flow(50003, "203.0.113.9", 4433).refused_with_alert(T0 + 10, 0.02, "h3.example.com", 120,
                                                         "no h3")
    flow(50004, "203.0.113.9").retry(T0 + 11, 0.02, "retry.example.com")
    flow(50005, "203.0.113.9").version_negotiation(T0 + 12, 0.02, "vn.example.com")
    flow(50006, "203.0.113.9", version=QUIC_V2).connect(T0 + 13, 0.02, "v2.example.com")
    return capture


@pytest.fixture(scope="module")
def quic():
    capture = quic_capture()
    return capture, analyze(capture.pcap(), name="quic.pcap")


def test_quic_handshakes_are_reported_like_tls_over_tcp(quic):
    _capture, run = quic
    stats = run.stats
    # tshark counts the frames holding a hello: the resent ClientHellos (probes, after the
    # Retry) are retransmissions at offset 0 and are not counted again.
    assert (stats["client_hellos"], stats["server_hellos"]) == (7, 3)
    shown = {h["sni"]: h for h in stats["handshakes"]}
    assert [h["transport"] for h in stats["handshakes"]] == ["quic"] * 7
    assert {sni: h["outcome"] for sni, h in shown.items()} == {
        "www.example.com": "established", "pq.example.com": "established",
        "blocked.example.com": "incomplete", "h3.example.com": "failed",
        "retry.example.com": "incomplete", "vn.example.com": "incomplete",
        "v2.example.com": "established"}
    www = shown["www.example.com"]
    assert (www["alpn_offered"], www["version"], www["cipher_suite"]) == (
        ["h3"], "TLS 1.3", "TLS_AES_128_GCM_SHA256")
    assert www["ja4"].startswith("q13d0308h3_") and www["ja4s"].startswith("q130200_1301_")
    [failure] = run.by_rule("tls.handshake-failure")
    assert "over QUIC" in failure.title and "no_application_protocol" in failure.title
    assert "0x178" in failure.detail
    assert not run.context.warnings


def test_quic_and_tcp_handshakes_share_the_counts(pki):
    tcp = tls_capture(record(22, client_hello()), server_flight(pki))
    run = analyze(tcp)
    assert (run.stats["client_hellos"], run.stats["server_hellos"]) == (1, 1)
    assert run.stats["handshakes"][0]["transport"] == "tcp"
    assert run.stats["handshakes"][0]["ja4"].startswith("t13d0305h2_")


def _tshark(path, display_filter: str, *fields: str) -> list[list[str]]:
    output = subprocess.run(
        [need_tshark(), "-n", "-r", str(path), "-Y", display_filter, "-T", "fields",
         *(argument for field in fields for argument in ("-e", field))],
        capture_output=True, text=True, check=True, timeout=120).stdout
    return [line.split("\t") for line in output.splitlines()]


def test_quic_decoding_agrees_with_live_tshark(quic, tmp_path):
    capture, run = quic
    path = tmp_path / "quic.pcap"
    path.write_bytes(capture.pcap())
    stats = run.stats
    hellos = _tshark(path, "tls.handshake.type==1", "frame.number", "quic.connection.number",
                     "tls.handshake.extensions_server_name", "tls.handshake.ja3")
    assert len(hellos) == stats["client_hellos"]
    assert hellos == [[str(h["client_hello_packet"]), str(h["stream"]), h["sni"], h["ja3_hash"]]
                      for h in stats["handshakes"]]
    servers = _tshark(path, "tls.handshake.type==2", "frame.number", "quic.connection.number",
                      "tls.handshake.ciphersuite")
    assert servers == [[str(h["server_hello_packet"]), str(h["stream"]), h["cipher_suite_code"]]
                       for h in stats["handshakes"] if h["server_hello_packet"]]
    closes = _tshark(path, "quic.cc.error_code", "frame.number", "quic.cc.error_code")
    assert closes == [[str(a["packet"]), str(0x100 + a["code"])] for a in stats["alerts"]]
