"""Captures cut to their headers: addresses pseudonymized, payloads gone, lengths kept."""

from __future__ import annotations

import io
import struct

import pytest

from inspector.formats.pcap import (
    LINKTYPE_ETHERNET,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_RAW,
    CaptureError,
    decode,
    read_packets,
)
from inspector.privacy.captures import capture_headers
from inspector.privacy.pseudonyms import Identifier
from inspector.privacy.redactor import Redactor
from inspector.training.scenarios.packets import (
    PSH,
    Capture,
    TcpFlow,
    checksum,
    ethernet,
    icmp,
    ipv4,
    udp,
)

T0 = 1_794_906_000.0
REQUEST = b"GET /orders HTTP/1.1\r\nHost: erp01.acme-corp.com\r\n\r\n"


def headers_of(capture: Capture, redactor: Redactor | None = None, **options):
    data, frames = capture_headers(io.BytesIO(capture.pcap(**options)), redactor or Redactor())
    return list(read_packets(io.BytesIO(data))), frames, data


def test_tcp_frames_keep_their_headers_with_pseudonymous_addresses():
    capture = Capture()
    flow = TcpFlow(capture, "2001:db8::17", 50123, "2001:db8::60", 443)
    flow.send(flow.handshake(T0, rtt=0.01) + 0.001, REQUEST)
    redactor = Redactor()
    packets, frames, _ = headers_of(capture, redactor)
    assert frames == len(packets) == 4
    transports = [decode(packet) for packet in packets]
    assert {(t.src, t.dst) for t in transports} == {("100::1", "100::2"), ("100::2", "100::1")}
    assert redactor.pseudonyms.known(Identifier.IPV6, "2001:db8::17") == "100::1"
    request = transports[-1]
    assert request.tcp_flags & PSH and request.payload == b""
    assert request.payload_length == len(REQUEST)  # the IP header still says how much there was
    assert packets[-1].wire_length == len(capture.frames[-1].data)
    assert [p.time for p in packets] == pytest.approx([f.time for f in capture.frames], abs=1e-6)
    assert all(packet.data[:3] == b"\x02\x00\x00" for packet in packets)  # MAC pseudonyms


def test_the_ipv4_header_checksum_is_recomputed_over_the_new_addresses():
    capture = Capture()
    capture.add_ip(T0, "10.0.0.5", "10.0.0.53", 17, udp("10.0.0.5", "10.0.0.53", 5000, 53, b"q"))
    [packet], _, _ = headers_of(capture)
    ip_header = packet.data[14:34]
    assert ip_header[12:16] != bytes([10, 0, 0, 5])
    assert checksum(ip_header) == 0


def test_icmp_keeps_its_ip_header_only_and_arp_and_non_ip_frames_are_left_out():
    capture = Capture()
    quoted = ipv4("10.0.0.5", "10.9.9.9", 17, udp("10.0.0.5", "10.9.9.9", 5000, 53, b"x"))
    capture.add_ip(T0, "10.0.0.1", "10.0.0.5", 1, icmp(3, 3, quoted[:28]))
    capture.add(T0 + 1, ethernet(bytes(28), ethertype=0x0806, dst_mac=b"\xff" * 6))  # ARP
    capture.add(T0 + 2, b"\x01\x02")  # a runt
    packets, frames, _ = headers_of(capture)
    assert frames == 1
    assert len(packets[0].data) == 14 + 20  # the ICMP body quoted the original addresses
    assert b"\x0a\x09\x09\x09" not in packets[0].data


def test_broadcast_multicast_and_loopback_identify_nobody_and_stay():
    capture = Capture()
    capture.add(T0, ethernet(ipv4("10.0.0.5", "224.0.0.251", 17,
                                  udp("10.0.0.5", "224.0.0.251", 5353, 5353, b"m")),
                             dst_mac=b"\xff" * 6))
    capture.add(T0 + 1, ethernet(ipv4("127.0.0.1", "127.0.0.1", 17,
                                      udp("127.0.0.1", "127.0.0.1", 1, 2, b"l"))))
    multicast, loopback = (decode(p) for p in headers_of(capture)[0])
    assert (multicast.src, multicast.dst) == ("240.0.0.1", "224.0.0.251")
    assert (loopback.src, loopback.dst) == ("127.0.0.1", "127.0.0.1")
    assert headers_of(capture)[0][0].data[:6] == b"\xff" * 6


def test_kinds_left_out_of_pseudonymization_keep_their_addresses():
    capture = Capture()
    capture.add_ip(T0, "10.0.0.5", "10.0.0.53", 17, udp("10.0.0.5", "10.0.0.53", 5000, 53, b"q"))
    [packet], _, _ = headers_of(capture, Redactor(pseudonymize=frozenset({Identifier.MAC})))
    assert (decode(packet).src, decode(packet).payload) == ("10.0.0.5", b"")
    assert packet.data[6:9] == b"\x02\x00\x00"


def test_the_first_frame_sets_the_link_type_and_other_link_types_are_left_out():
    raw = Capture()
    raw.add(T0, ipv4("10.0.0.5", "10.0.0.53", 17, udp("10.0.0.5", "10.0.0.53", 1, 2, b"r")),
            linktype=LINKTYPE_RAW)
    [packet], _, _ = headers_of(raw)
    assert packet.linktype == LINKTYPE_RAW and decode(packet).src == "240.0.0.1"

    mixed = Capture()
    sll = struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x0800) + bytes(20)
    mixed.add(T0, sll, linktype=LINKTYPE_LINUX_SLL)
    mixed.add_ip(T0 + 1, "10.0.0.5", "10.0.0.53", 17, udp("10.0.0.5", "10.0.0.53", 1, 2, b"e"))
    data, frames = capture_headers(io.BytesIO(mixed.pcapng()), Redactor())
    assert frames == 1  # cooked frames cannot go in an Ethernet pcap
    assert [p.linktype for p in read_packets(io.BytesIO(data))] == [LINKTYPE_ETHERNET]


def test_an_empty_capture_is_a_pcap_header_and_a_broken_one_raises():
    data, frames = capture_headers(io.BytesIO(Capture().pcap()), Redactor())
    assert frames == 0
    assert data == struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)
    with pytest.raises(CaptureError):
        capture_headers(io.BytesIO(b"not a capture at all"), Redactor())


def test_a_time_that_rounds_up_to_the_next_second_stays_in_its_second():
    capture = Capture()
    capture.add_ip(T0 + 0.9999998, "10.0.0.5", "10.0.0.53", 17,
                   udp("10.0.0.5", "10.0.0.53", 1, 2, b"t"))
    _, _, data = headers_of(capture, nanosecond=True)
    assert struct.unpack_from("<II", data, 24) == (int(T0), 999_999)


def test_a_later_ip_fragment_keeps_no_transport_header():
    # Its bytes are payload: read as a TCP header (offset nibble 0xF0 claims 60 bytes),
    # they once kept 28 characters of a key.
    payload = b"\x00" * 12 + b"\xf0" + b"\x00" * 7 + b"sk_live_" + b"A1b2C3d4" * 5
    packet = bytearray(ipv4("10.20.4.17", "10.20.8.60", 6, payload, ident=7,
                            dont_fragment=False))
    packet[6:8] = struct.pack("!H", 185)  # fragment offset 185 x 8 bytes
    capture = Capture()
    capture.add(T0, ethernet(bytes(packet)))
    [frame], frames, data = headers_of(capture)
    assert frames == 1 and len(frame.data) == 14 + 20 and b"sk_live" not in data


def test_tcp_options_are_kept_only_as_far_as_they_parse():
    capture = Capture()
    flow = TcpFlow(capture, "10.20.4.17", 50123, "10.20.8.60", 8080)
    flow.handshake(T0, rtt=0.01)
    packets, _, _ = headers_of(capture)
    syn = packets[0].data[14 + 20:]
    assert len(syn) > 20 and syn[20:] != bytes(len(syn) - 20)  # real options stay
    # A header claiming 60 bytes whose "options" are text: zeroed from the first bad one.
    segment = bytearray(20) + b"\x01\x01" + b"password=Hunter-22x!!" + b"\x00" * 17
    segment[12] = 0xF0
    capture = Capture()
    capture.add(T0, ethernet(ipv4("10.20.4.17", "10.20.8.60", 6, bytes(segment))))
    [frame], _, data = headers_of(capture)
    assert frame.data[14 + 20 + 20:] == b"\x01\x01" + bytes(38) and b"Hunter" not in data
