"""Packet rows over a sample capture and a hand-built one: numbering, protocol from the
dissection, Wireshark's Info, tunnels, and the list's limit."""

from __future__ import annotations

import io
import random

from inspector.formats.pcap import PcapWriter
from inspector.model import ArtifactKind
from inspector.training.scenarios.packets import (
    ACK,
    PSH,
    SYN,
    Capture,
    dns_query,
    ethernet,
    ipv4,
    syn_options,
    tcp,
    udp,
)
from inspector.training.scenarios.quic_flow import QuicFlow
from inspector.views.packets import load_packets
from tests.inspector.views.work import WorkState


def capture(frames: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    writer = PcapWriter(buffer)
    for number, frame in enumerate(frames):
        writer.write(1_700_000_000 + number, 0, frame)
    return buffer.getvalue()


def rows_of(member, frames: list[bytes]) -> list:
    rows: list = []
    load_packets(WorkState(rows.extend), member("c.pcap", capture(frames)))
    return rows


def test_rows_number_every_frame_like_wireshark(sample_member):
    rows = []
    source = sample_member("tls_expired_certificate", ArtifactKind.PCAPNG)
    result = load_packets(WorkState(rows.extend), source)
    assert result.frames == len(rows) > 50 and result.error is None
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    assert any(row.protocol.startswith("TLS") for row in rows)
    alert = next(row for row in rows if "certificate_expired" in row.info)
    assert alert.info.startswith("Alert (Level: Fatal")
    hello = next(row for row in rows if row.info.startswith("Client Hello"))
    assert hello.info.startswith("Client Hello (SNI=") and hello.protocol.startswith("TLSv1")


def test_a_syn_to_443_is_tcp_not_tls(member):
    syn = ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(
        "10.0.0.1", "10.0.0.2", 51514, 443, seq=1000, flags=SYN, options=syn_options())))
    [row] = rows_of(member, [syn])
    assert row.protocol == "TCP"
    assert row.info == "51514 → 443 [SYN] Seq=0 Win=64240 Len=0"


def test_http_on_any_port_and_dns_by_its_content(member):
    request = b"GET /orders?id=7 HTTP/1.1\r\nHost: shop.test\r\n\r\n"
    http = ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(
        "10.0.0.1", "10.0.0.2", 40000, 9999, seq=1, ack=1, flags=PSH | ACK, payload=request)))
    dns = ethernet(ipv4("10.0.0.1", "10.0.0.53", 17, udp(
        "10.0.0.1", "10.0.0.53", 5000, 53, dns_query(0x1a2b, "api.example.com"))))
    noise = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(
        "10.0.0.1", "10.0.0.2", 5000, 53, b"not dns at all")))
    first, second, third = rows_of(member, [http, dns, noise])
    assert (first.protocol, first.info) == ("HTTP", "GET /orders?id=7 HTTP/1.1")
    assert first.fields["http.host"] == "shop.test"
    assert (second.protocol, second.info) == ("DNS", "Standard query 0x1a2b A api.example.com")
    assert third.protocol == "UDP"  # port 53, but it does not parse as DNS


def test_ip_in_ip_is_shown_as_its_inner_packet(member):
    inner = ipv4("192.168.1.1", "192.168.1.2", 17, udp("192.168.1.1", "192.168.1.2", 5000, 53,
                                                        dns_query(7, "inner.test")))
    outer = ethernet(ipv4("10.0.0.1", "10.0.0.2", 4, inner))
    [row] = rows_of(member, [outer])
    assert (row.src, row.dst, row.protocol) == ("192.168.1.1", "192.168.1.2", "DNS")


def test_a_frame_that_is_not_ip_keeps_its_number(member):
    arp = ethernet(bytes(28), ethertype=0x0806)
    [row] = rows_of(member, [arp])
    assert row.number == 1 and row.ip_version == 0 and "Not IP" in row.info
    assert row.conversation is None


def test_the_list_stops_at_its_limit_and_says_so(sample_member):
    rows = []
    source = sample_member("tls_expired_certificate", ArtifactKind.PCAPNG)
    result = load_packets(WorkState(rows.extend), source, limit=10)
    assert result.truncated and result.frames == len(rows) == 10


def test_repeated_requests_share_their_text(member):
    request = b"GET / HTTP/1.1\r\nHost: a.test\r\n\r\n"
    frames = [ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(
        "10.0.0.1", "10.0.0.2", 40000 + n, 80, seq=1, ack=1, flags=PSH | ACK,
        payload=request))) for n in range(3)]
    rows = rows_of(member, frames)
    assert rows[0].fields is rows[1].fields is rows[2].fields


def test_quic_initials_are_named_with_their_hellos(member):
    """QUIC rows read like tshark's: the packets with their IDs, then the hellos of the
    Initials (the server's opened with its client's keys) and a close in words."""
    flows = Capture()
    QuicFlow(flows, random.Random(8), "10.0.0.5", 50000, "203.0.113.7").connect(
        1_794_906_000.0, 0.02, "www.example.com", exchanges=1)
    QuicFlow(flows, random.Random(9), "10.0.0.5", 50001, "203.0.113.9").refused_with_alert(
        1_794_906_001.0, 0.02, "h3.example.com", 120)
    rows = []
    load_packets(WorkState(rows.extend), member("quic.pcap", flows.pcap()))
    assert {row.protocol for row in rows} == {"QUIC"}
    assert rows[0].info.startswith("Initial DCID=")
    assert rows[0].info.endswith(", Client Hello")
    server = rows[1].info
    assert server.startswith("Initial DCID=") and ", Handshake DCID=" in server
    assert server.endswith(", Server Hello")
    assert rows[4].info.startswith("Handshake ") and "Protected Payload" in rows[4].info
    assert rows[-1].info.endswith("CONNECTION_CLOSE TLS alert no_application_protocol (120)")
