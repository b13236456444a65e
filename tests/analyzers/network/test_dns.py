"""analyzers.network.dns: the bounded question parser and DNS over TCP."""

from __future__ import annotations

import struct

from analyzers.network.dns import dns_question
from inspector.training.scenarios.packets import NXDOMAIN, Capture, dns_query, dns_response
from tests.analyzers.network.traffic import RESOLVER, T0, analyze, client_flow


def test_dns_over_tcp_is_reassembled_across_segments():
    capture = Capture()
    flow = client_flow(capture, 50000, 53, server=RESOLVER)
    ready = flow.handshake(T0, rtt=0.001)
    query = dns_query(9, "example.com", "TXT")
    flow.send(ready, struct.pack("!H", len(query)) + query)
    answer = dns_response(9, "example.com", "TXT", rcode=NXDOMAIN)
    framed = struct.pack("!H", len(answer)) + answer
    flow.send(ready + 0.01, framed[:1], from_client=False)
    flow.send(ready + 0.02, framed[1:], from_client=False)
    stats = analyze(capture).stats
    assert (stats["dns_queries"], stats["dns_responses"], stats["dns_nxdomain"],
            stats["dns_unanswered"]) == (1, 1, 1, 0)


def test_dns_name_parser_is_bounded_on_crafted_pointers():
    header = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    loop = header + b"\xc0\x0c"  # a pointer to itself
    assert dns_question(loop) is None
    long_name = header + b"\x01a" * 5000 + b"\x00" + struct.pack("!HH", 1, 1)
    # At most 128 labels are read: the name is cut there, never walked to its end.
    assert dns_question(long_name)[0] == ".".join(["a"] * 128)
