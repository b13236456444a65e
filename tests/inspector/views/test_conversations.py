"""Conversations and Follow stream over the rows of a capture."""

from __future__ import annotations

from inspector.training.scenarios.packets import RST, Capture, dns_query, udp
from inspector.views.conversations import (
    conversations,
    follow_packet,
    follow_stream,
    printable,
)
from tests.inspector.views.packet_traffic import (
    T0,
    flow,
    retransmitted_request,
    rows,
    web_exchange,
)
from tests.inspector.views.work import WorkState


def test_each_connection_is_one_conversation_with_its_counts(member):
    capture = Capture()
    ended = web_exchange(capture, 40000)
    refused = flow(capture, 40001)
    refused.syn(ended)
    refused.packet(ended + 0.001, False, RST)
    listed = rows(member, capture)
    web, lost = conversations(listed)
    assert (web.protocol, web.a, web.b) == ("TCP", ("10.0.0.5", 40000), ("10.0.0.80", 80))
    assert web.packets == sum(1 for row in listed if row.stream == 0)
    assert web.bytes == sum(row.length for row in listed if row.stream == 0)
    assert web.packets_ab > 0 and web.packets_ba > 0 and web.rsts == 0
    assert web.display_filter() == "tcp.stream eq 0"
    assert (lost.rsts, lost.packets) == (1, 2)
    assert web.duration > 0


def test_following_a_stream_reads_what_each_side_sent_in_order(member):
    capture = Capture()
    web_exchange(capture, 40000)
    source = member("case.pcap", capture.pcap())
    listed = rows(member, capture)
    followed = follow_stream(WorkState(), source, listed, conversations(listed)[0])
    assert [chunk.from_a for chunk in followed.chunks] == [True, False]
    assert followed.chunks[0].data.startswith(b"GET /a HTTP/1.1")
    assert followed.chunks[1].data == b"HTTP/1.1 200 OK\r\n\r\nhello"
    assert followed.bytes_each_way() == (len(followed.chunks[0].data), 24)


def test_a_retransmission_is_left_out_of_the_stream(member):
    capture = Capture()
    retransmitted_request(capture, 40001)
    source = member("case.pcap", capture.pcap())
    listed = rows(member, capture)
    followed = follow_packet(WorkState(), source, listed, listed[-1])
    assert [chunk.data for chunk in followed.chunks] == [b"POST /pay HTTP/1.1\r\n\r\n"]


def test_udp_and_bytes_as_text(member):
    capture = Capture()
    capture.add_ip(T0, "10.0.0.5", "10.0.0.53", 17, udp("10.0.0.5", "10.0.0.53", 5000, 53,
                                                       dns_query(1, "a.test")))
    [dns] = conversations(rows(member, capture))
    assert dns.protocol == "UDP" and "udp.port == 5000" in dns.display_filter()
    assert printable(b"a\r\nb\x00\tc") == "a\nb.\tc"
