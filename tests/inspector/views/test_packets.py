"""Packet rows and details over a sample capture; what TLS, DNS and QUIC payloads start with."""

from __future__ import annotations

import random

from inspector.model import ArtifactKind
from inspector.training.scenarios.packets import Capture
from inspector.training.scenarios.quic_flow import QuicFlow
from inspector.views.packets import (
    dns_summary,
    hexdump,
    load_packets,
    packet_details,
    protocol_name,
    tls_summary,
)
from tests.inspector.views.work import WorkState


def test_rows_number_every_frame_like_wireshark(sample_member):
    rows = []
    capture = sample_member("tls_expired_certificate", ArtifactKind.PCAPNG)
    result = load_packets(WorkState(rows.extend), capture)
    assert result.frames == len(rows) > 50 and result.error is None
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    assert any(row.protocol == "TLS" for row in rows)
    assert all(row.conversation is not None for row in rows if row.protocol == "TLS")
    syn = next(row for row in rows if "[SYN]" in row.summary)
    assert syn.summary.startswith(syn.source.rsplit(":", 1)[1])


def test_the_list_stops_at_its_limit_and_says_so(sample_member):
    rows = []
    capture = sample_member("tls_expired_certificate", ArtifactKind.PCAPNG)
    result = load_packets(WorkState(rows.extend), capture, limit=10)
    assert result.truncated and result.frames == len(rows) == 10


def test_details_of_a_frame_and_of_one_that_is_not_there(sample_member):
    capture = sample_member("tls_expired_certificate", ArtifactKind.PCAPNG)
    detail = packet_details(WorkState(), capture, 3)
    assert detail.startswith("Frame 3:") and "IPv4 " in detail and "0000  " in detail
    assert packet_details(WorkState(), capture, 10**6) == "Frame 1000000 is not in the capture."


def test_helpers():
    assert protocol_name(17, 5353, 53) == "DNS"
    assert protocol_name(6, 40000, 40001) == "TCP"
    assert protocol_name(47, 0, 0) == "IP proto 47"
    assert hexdump(bytes(20)).splitlines()[1].startswith("0010  00 00 00 00")
    assert hexdump(bytes(40), limit=16).endswith("… 24 more bytes")


def test_tls_records_and_handshake_messages_are_named_as_the_analyzers_name_them():
    hello = bytes([22, 3, 1, 0, 8, 1, 0, 0, 0, 2, 0, 0, 0])  # a record of two messages
    assert tls_summary(hello) == "Client Hello, Server Hello"
    encrypted = bytes([22, 3, 3, 0, 3, 0x9F, 1, 2])
    assert tls_summary(encrypted) == "Encrypted Handshake Message"
    both = bytes([20, 3, 3, 0, 1, 1, 21, 3, 3, 0, 2, 1, 0])
    assert tls_summary(both) == "Change Cipher Spec, Alert (warning, close_notify)"
    assert tls_summary(bytes([21, 3, 3, 0, 2, 2, 250])) == "Alert (fatal, alert_250)"
    assert tls_summary(b"GET / HTTP/1.1\r\n") == ""


def test_dns_messages_in_one_line():
    name = b"\x03api\x04test\x00\x00\x01\x00\x01"
    response = bytes.fromhex("beef81830001000000000000") + name
    assert dns_summary(response) == "DNS response 0xbeef api.test NXDOMAIN answers=0"
    assert dns_summary(b"\x00\x01") == "DNS (truncated)"


def test_quic_initials_are_named_with_their_hellos(member):
    """QUIC rows read like tshark's: the packets with their IDs, then the hellos of the
    Initials (the server's opened with its client's keys) and a close in words."""
    capture = Capture()
    QuicFlow(capture, random.Random(8), "10.0.0.5", 50000, "203.0.113.7").connect(
        1_794_906_000.0, 0.02, "www.example.com", exchanges=1)
    QuicFlow(capture, random.Random(9), "10.0.0.5", 50001, "203.0.113.9").refused_with_alert(
        1_794_906_001.0, 0.02, "h3.example.com", 120)
    rows = []
    load_packets(WorkState(rows.extend), member("quic.pcap", capture.pcap()))
    assert {row.protocol for row in rows} == {"QUIC"}
    assert rows[0].summary.startswith("Initial DCID=")
    assert rows[0].summary.endswith(", Client Hello")
    server = rows[1].summary
    assert server.startswith("Initial DCID=") and ", Handshake DCID=" in server
    assert server.endswith(", Server Hello")
    assert rows[4].summary.startswith("Handshake ") and "Protected Payload" in rows[4].summary
    assert rows[-1].summary.endswith(
        "CONNECTION_CLOSE TLS alert no_application_protocol (120)")
