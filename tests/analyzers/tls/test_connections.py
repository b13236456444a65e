"""analyzers.tls.connections: reassembly, TLS recognized by content, encryption, bad input."""

from __future__ import annotations

import random
import subprocess

import orjson
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.tls.handshake import HELLO_RETRY_RANDOM
from inspector.training.scenarios.packets import Capture, TcpFlow
from tests.analyzers.network.lossy import live_tshark
from tests.analyzers.tls.test_handshake import sslv2_server_hello
from tests.analyzers.tls.traffic import (
    CAPTURE_TIME,
    CLIENT,
    SERVER,
    analyze,
    certificate_message,
    client_hello,
    handshake,
    leaf,
    record,
    server_flight,
    server_hello,
    tls_capture,
    vector,
)


def test_certificate_spanning_reordered_overlapping_segments_is_reassembled(pki):
    names = (*(f"host{i}.example.com" for i in range(150)), "api.example.com")
    big_chain = [leaf(pki, dns_names=names), pki["intermediate"]]
    messages = server_hello() + certificate_message(big_chain) + handshake(14, b"")
    # The Certificate message spans two records, and the records many segments.
    flight = record(22, messages[:2000]) + record(22, messages[2000:])
    rng = random.Random(7)
    pieces = [(offset, 300) for offset in range(0, len(flight), 300)]
    rng.shuffle(pieces)
    # retransmissions and overlapping segments the sender re-cut on the way
    pieces += [(0, 900), (450, 450), (1200, 2), pieces[0]]
    in_order = analyze(tls_capture(record(22, client_hello()), flight, mss=536))
    scrambled = analyze(tls_capture(record(22, client_hello()), flight, segments=pieces))
    for run in (in_order, scrambled):
        stats = run.stats
        assert stats["certificate_messages"] == 1
        assert len(stats["certificates"][0]["dns_names"]) == 151
        assert run.context.warnings == []
    # The Certificate completes in the frame that filled its last gap, as Wireshark says:
    # frames 1-3 are the TCP handshake, 4 the ClientHello, then one frame per piece.
    certificate_end = 10 + len(server_hello()) + len(certificate_message(big_chain))
    covered: set[int] = set()
    completing_frame = None
    for frame, (offset, length) in enumerate(pieces, start=5):
        covered.update(range(offset, min(offset + length, len(flight))))
        if covered.issuperset(range(certificate_end)):
            completing_frame = frame
            break
    assert scrambled.stats["certificates"][0]["packet"] == completing_frame


def test_tls_is_recognized_on_any_port_and_plain_traffic_is_ignored(pki):
    capture = Capture()
    web = TcpFlow(capture, "192.0.2.10", 40000, "198.51.100.9", 443)
    web.send(web.handshake(CAPTURE_TIME.timestamp(), 0.01), b"GET / HTTP/1.1\r\n\r\n")
    tls = TcpFlow(capture, "192.0.2.10", 40001, "198.51.100.9", 5671)
    tls.send(tls.handshake(CAPTURE_TIME.timestamp() + 1, 0.01), record(22, client_hello()))
    stats = analyze(capture.pcap()).stats
    assert stats["connections"] == 1
    assert stats["handshakes"][0]["server"] == "198.51.100.9:5671"
    assert stats["handshakes"][0]["stream"] == 1


def test_reset_mid_handshake_is_aborted_with_an_event(pki):
    run = analyze(tls_capture(record(22, client_hello()), b"", close="rst"))
    [handshake_stats] = run.stats["handshakes"]
    assert handshake_stats["outcome"] == "aborted"
    assert handshake_stats["ended"] == "reset by server"
    [event] = run.events
    assert "reset by server" in event.message


def test_encrypted_alerts_are_never_decoded(pki):
    run = analyze(tls_capture(
        record(22, client_hello()), server_flight(pki),
        after=[(True, record(20, b"\x01")), (False, record(20, b"\x01")),
               (True, record(21, bytes.fromhex("0000000000000001" + "02" * 18)))]))
    [alert] = run.stats["alerts"]
    assert alert["encrypted"] is True
    assert alert["level"] is None and alert["description"] is None
    assert "tls.handshake-failure" not in run.rules()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from([b"\x16\x03\x01", b"\x16\x03\x03\x00\x30\x01",
                                                 b"\x80\x2e\x01\x03\x01", b""]))
def test_garbage_after_a_tls_prefix_never_raises(noise, prefix):
    run = analyze(tls_capture(prefix + noise, prefix + noise[::-1]))
    assert not any("stopped at packet" in w for w in run.context.warnings)
    orjson.dumps(run.stats)


def test_snaplen_cut_segments_stop_that_direction_only(pki):
    capture = Capture()
    flow = TcpFlow(capture, *CLIENT, *SERVER)
    time = flow.handshake(CAPTURE_TIME.timestamp(), 0.01)
    flow.send(time, record(22, client_hello()))
    flow.send(time + 0.01, record(22, server_hello()) + record(
        22, certificate_message([leaf(pki)]) + handshake(14, b"")), from_client=False)
    # The server's flight is cut after its ServerHello, as a short snaplen does.
    cut = 54 + 5 + len(server_hello()) + 10
    capture.frames[-1] = type(capture.frames[-1])(capture.frames[-1].time,
                                                  capture.frames[-1].data, snaplen=cut)
    stats = analyze(capture.pcap()).stats
    assert (stats["client_hellos"], stats["server_hellos"]) == (1, 1)
    assert stats["certificate_messages"] == 0
    assert stats["directions_not_followed"] == 1


def _sslv2_client_hello() -> bytes:
    specs = bytes.fromhex("010080" "0700c0" "000035")
    body = (b"\x01\x00\x02" + len(specs).to_bytes(2, "big") + bytes(2) + (16).to_bytes(2, "big")
            + specs + bytes(16))
    return bytes([0x80, len(body)]) + body


def test_a_server_answering_in_ssl_2_is_read_and_judged(pki):
    """An SSLv2 SERVER-HELLO (tshark: handshake type 4) is the server's hello: counted, its
    version SSL 2.0 and cipher kind reported, its certificate judged, the rest of the SSL 2.0
    conversation left alone without warnings."""
    certificate = leaf(pki).public_bytes(serialization.Encoding.DER)
    master_key = bytes([0x80, 10, 2]) + bytes.fromhex("010080") + bytes(6)
    data = tls_capture(_sslv2_client_hello(), sslv2_server_hello(certificate),
                       after=[(True, master_key), (False, bytes([0x80, 20]) + bytes(20))])
    run = analyze(data)
    assert (run.stats["client_hellos"], run.stats["server_hellos"]) == (1, 1)
    [shown] = run.stats["handshakes"]
    assert (shown["version"], shown["cipher_suite"], shown["cipher_suite_code"]) == (
        "SSL 2.0", "SSL_CK_RC4_128_WITH_MD5", "0x010080")
    assert shown["certificate_subject"] == "CN=api.example.com"
    assert {"tls.deprecated-protocol", "tls.weak-cipher"} <= run.rules()
    [deprecated] = run.by_rule("tls.deprecated-protocol")
    assert deprecated.title.endswith("negotiated deprecated SSL 2.0")
    assert not run.context.warnings


def test_messages_are_counted_by_frame_as_tshark_counts_them(pki):
    """Two alert records in one segment are one frame with an alert for tshark."""
    data = tls_capture(record(22, client_hello()), server_flight(pki),
                       after=[(True, record(21, b"\x01\x00") + record(21, b"\x01\x00"))])
    run = analyze(data)
    assert run.stats["alert_records"] == 1
    assert len(run.stats["alerts"]) == 2


def test_hello_retry_request_then_server_hello_as_tshark_counts_them(tmp_path):
    """A TLS 1.3 HelloRetryRequest is a ServerHello message, and so is the one after the
    second ClientHello: two frames with a ServerHello, for tshark 4.0.17 too; the handshake
    reports the real one."""
    def hello_13(random: bytes) -> bytes:
        supported = (43).to_bytes(2, "big") + vector(b"\x03\x04", 2)
        return handshake(2, b"\x03\x03" + random + vector(bytes(32), 1) + b"\x13\x01\x00"
                         + vector(supported, 2))

    data = tls_capture(record(22, client_hello()), record(22, hello_13(HELLO_RETRY_RANDOM)),
                       after=[(True, record(20, b"\x01") + record(22, client_hello())),
                              (False, record(22, hello_13(bytes(32))) + record(23, bytes(90)))])
    stats = analyze(data).stats
    assert (stats["client_hellos"], stats["server_hellos"]) == (2, 2)
    [shown] = stats["handshakes"]
    assert (shown["version"], shown["server_hello_packet"]) == ("TLS 1.3", 7)
    tshark = live_tshark()
    if tshark is not None:
        path = tmp_path / "hrr.pcap"
        path.write_bytes(data)
        frames = subprocess.run(
            [tshark, "-n", "-r", str(path), "-d", f"tcp.port=={SERVER[1]},tls", "-Y",
             "tls.handshake.type==2", "-T", "fields", "-e", "frame.number"],
            capture_output=True, text=True, check=True).stdout.split()
        assert frames == ["5", "7"]
