"""A frame as a details tree whose every field knows its bytes, and the hex dump it marks."""

from __future__ import annotations

import ipaddress

from inspector.model import ArtifactKind
from inspector.training.scenarios.packets import Capture
from inspector.views.packet_tree import FrameCache, build_tree, hex_dump, hex_spans, packet_detail
from inspector.views.packets import PacketRow, load_packets
from tests.inspector.views.packet_traffic import flow, rows, web_exchange
from tests.inspector.views.work import WorkState


def find(fields, label_start):
    for field in fields:
        if field.label.startswith(label_start):
            return field
        found = find(field.children, label_start)
        if found is not None:
            return found
    return None


def test_every_header_field_points_at_the_bytes_it_was_read_from(member):
    capture = Capture()
    web_exchange(capture, 40000)
    listed = rows(member, capture)
    request = next(row for row in listed if row.protocol == "HTTP")
    source = member("case.pcap", capture.pcap())
    detail = packet_detail(WorkState(), source, request)
    data = detail.data
    source_address = find(detail.tree, "Source Address:")
    raw = data[source_address.start:source_address.start + source_address.length]
    assert str(ipaddress.ip_address(raw)) == request.src
    port = find(detail.tree, "Destination Port:")
    assert int.from_bytes(data[port.start:port.start + 2], "big") == request.dst_port == 80
    assert find(detail.tree, "Sequence Number: 1 (relative)") is not None
    assert find(detail.tree, "[Stream index: 0]") is not None
    host = find(detail.tree, "Host: shop.test")
    assert data[host.start:host.start + host.length].startswith(b"Host: shop.test")
    # Every byte of the frame belongs to a top-level layer.
    covered = set()
    for layer in detail.tree[1:]:
        covered.update(range(layer.start, layer.start + layer.length))
    assert covered >= set(range(len(data)))


def test_a_tls_alert_and_a_client_hello_are_laid_out(sample_member):
    source = sample_member("tls_expired_certificate", ArtifactKind.PCAPNG)
    listed: list[PacketRow] = []
    load_packets(WorkState(listed.extend), source)
    alert = next(row for row in listed if "certificate_expired" in row.info)
    detail = packet_detail(WorkState(), source, alert)
    description = find(detail.tree, "Description: certificate_expired")
    assert detail.data[description.start] == 45
    hello = next(row for row in listed if row.info.startswith("Client Hello"))
    sni = find(packet_detail(WorkState(), source, hello).tree, "Server Name Indication:")
    assert sni is not None and sni.length > 0


def test_a_frame_no_longer_there_and_neighbours_from_the_cache(member):
    capture = Capture()
    connection = flow(capture, 40000)
    connection.handshake(1_794_906_000.0, rtt=0.01)
    source = member("case.pcap", capture.pcap())
    listed = rows(member, capture)
    cache = FrameCache(size=8)
    assert packet_detail(WorkState(), source, listed[1], cache).number == 2
    assert set(cache.frames) == {1, 2, 3}
    gone = PacketRow(99, 0.0, 0, 0, 1, "TCP", None, 4, "", "", 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                     None)
    assert packet_detail(WorkState(), source, gone, cache) is None


def test_the_hex_dump_and_the_characters_a_field_covers():
    data = bytes(range(40))
    dump = hex_dump(data).splitlines()
    assert dump[1].startswith("0010  10 11 12")
    for line, first, end in hex_spans(14, 4):  # bytes 14..17 cross a line
        assert first < end <= len(dump[line])
    assert hex_spans(14, 4)[0] == (0, 6 + 3 * 14, 6 + 3 * 16 - 1)
    assert hex_dump(bytes(40), limit=16).endswith("… 24 more bytes")


def test_a_frame_that_is_not_ip_is_one_frame_and_its_data():
    from inspector.formats.pcap import Packet

    tree = build_tree(Packet(1, 0.0, 1, bytes(14) + b"\x08\x06" + bytes(28), 44))
    assert tree[0].label.startswith("Frame 1: 44 bytes on wire")
    assert tree[-1].label.startswith("Data (")
