"""Training scenario: the shop works in one browser and hangs in another (UDP 443 blocked).

A customer's employee reports that shop.example.com loads at once in one browser and hangs
for seconds in another, on the same workstation. The bundle holds the workstation's capture.
Both browsers resolve the shop and its CDN alike. The first speaks TLS over TCP only: every
page load is a handshake and data, fine. The second has learned that the shop speaks HTTP/3:
it sends QUIC Initial packets (UDP 443, a ClientHello asking for h3) and gets nothing back,
sends them again after 0.3, 0.6 and 1.2 s, gives up and falls back to TCP, which works at
once. The firewall drops UDP 443 (not UDP in general: DNS and NTP are answered). Red
herrings: an mDNS query nobody answers (none needed) and an NTP exchange.
"""

from __future__ import annotations

import random

from inspector.training.scenarios import Built, Scenario
from inspector.training.scenarios.packets import (
    ACK,
    PROTO_UDP,
    Capture,
    TcpFlow,
    dns_query,
    dns_response,
    udp,
)
from inspector.training.scenarios.quic_flow import QuicFlow, browser_client_hello, server_hello

START = 1_794_906_000.0 + 2 * 3600 + 12 * 60  # 2026-11-17T11:12:00Z
WORKSTATION = "10.20.30.40"
RESOLVER = "10.20.0.53"
SHOP = ("203.0.113.50", "shop.example.com")
CDN = ("198.51.100.80", "static.shop-cdn.example.net")
NTP = "10.20.0.1"
CAPTURE_PATH = "captures/workstation-wlan0.pcapng"
# What each browser offers (cipher suites in its order): the first over TCP only.
TCP_BROWSER = (0x1301, 0x1303, 0x1302, 0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC02C, 0xC030)


def _tls_over_tcp(capture: Capture, rng: random.Random, port: int, server: tuple[str, str],
                  time: float, ciphers: tuple[int, ...]) -> float:
    """A TLS 1.3 connection over TCP: handshake, a page's worth of records, close."""
    flow = TcpFlow(capture, WORKSTATION, port, server[0], 443,
                   client_isn=rng.randrange(1 << 32), server_isn=rng.randrange(1 << 32))
    rtt = rng.uniform(0.018, 0.025)
    ready = flow.handshake(time, rtt=rtt)
    hello = browser_client_hello(rng, server[1], alpn=(b"h2", b"http/1.1"), quic=False,
                                 ciphers=ciphers)
    flow.send(ready + 0.0005, _record(22, hello))
    answer = (_record(22, server_hello(rng)) + _record(20, b"\x01")
              + _record(23, rng.randbytes(rng.randrange(2500, 4000))))
    flow.send(ready + rtt + 0.002, answer, from_client=False)
    flow.send(ready + rtt + 0.004, _record(20, b"\x01") + _record(23, rng.randbytes(90)))
    end = ready + 2 * rtt + 0.01
    for _ in range(rng.randint(2, 4)):
        flow.send(end, _record(23, rng.randbytes(rng.randrange(200, 600))))
        flow.send(end + rtt, _record(23, rng.randbytes(rng.randrange(1500, 9000))),
                  from_client=False)
        flow.packet(end + rtt + 0.001, True, ACK)
        end += rtt + 0.02
    flow.close(end, rtt=rtt)
    return end + rtt


def _record(content_type: int, body: bytes) -> bytes:
    return bytes([content_type, 3, 3]) + len(body).to_bytes(2, "big") + body


def build(rng: random.Random) -> Built:
    capture = Capture()
    ports = iter(range(49_152 + rng.randrange(2000), 65_000))
    queries = iter(range(rng.randrange(1, 30_000), 65_535))
    blocked_initials: list = []
    fallback_answers: list = []

    def lookup(time: float, server: tuple[str, str]) -> float:
        port, query_id = next(ports), next(queries)
        capture.add_ip(time, WORKSTATION, RESOLVER, PROTO_UDP, udp(
            WORKSTATION, RESOLVER, port, 53, dns_query(query_id, server[1])))
        answered = time + rng.uniform(0.002, 0.006)
        capture.add_ip(answered, RESOLVER, WORKSTATION, PROTO_UDP, udp(
            RESOLVER, WORKSTATION, 53, port, dns_response(query_id, server[1],
                                                          addresses=(server[0],))),
            to_client=True)
        return answered

    time = START
    for _ in range(3):  # the browser that speaks TLS over TCP only: every load is quick
        for server in (SHOP, CDN):
            time = _tls_over_tcp(capture, rng, next(ports), server, lookup(time, server),
                                 TCP_BROWSER) + rng.uniform(0.1, 0.4)
        time += rng.uniform(4, 9)
    capture.add_ip(time, WORKSTATION, NTP, PROTO_UDP, udp(WORKSTATION, NTP, 123, 123,
                                                          b"\x23" + bytes(47)))
    capture.add_ip(time + 0.003, NTP, WORKSTATION, PROTO_UDP,
                   udp(NTP, WORKSTATION, 123, 123, b"\x24\x02" + rng.randbytes(46)),
                   to_client=True)
    capture.add_ip(time + 1, WORKSTATION, "224.0.0.251", PROTO_UDP, udp(
        WORKSTATION, "224.0.0.251", 5353, 5353, dns_query(0, "_googlecast._tcp.local", "PTR")))
    time += 12
    for _ in range(3):  # the browser that tries HTTP/3 first: each load waits 2.1 s
        for server in (SHOP, CDN):
            resolved = lookup(time, server)
            before = len(capture.frames)
            quic = QuicFlow(capture, rng, WORKSTATION, next(ports), server[0])
            gave_up = quic.unanswered(resolved + 0.001, server[1], post_quantum=True)
            blocked_initials.append(capture.frames[before])
            answered_at = len(capture.frames) + 1
            time = _tls_over_tcp(capture, rng, next(ports), server, gave_up,
                                 (0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030))
            fallback_answers.append(capture.frames[answered_at])
            time += rng.uniform(0.1, 0.4)
        time += rng.uniform(4, 9)
    capture.frames.sort(key=lambda frame: frame.time)

    def packet(frame: object) -> int:
        return next(i for i, item in enumerate(capture.frames, 1) if item is frame)

    return Built(
        files={CAPTURE_PATH: capture.pcapng()},
        rules=["quic.no-response"],
        evidence=[
            {"artifact": CAPTURE_PATH,
             "locator": {"kind": "packet", "index": packet(blocked_initials[0])},
             "why": f"the QUIC Initial to {SHOP[0]}:443 ({SHOP[1]}, HTTP/3): it and the three "
                    "sent again after it get no answer",
             "cited_by": "quic.no-response"},
            {"artifact": CAPTURE_PATH,
             "locator": {"kind": "packet", "index": packet(fallback_answers[0])},
             "why": f"the fallback to TCP: {SHOP[0]} answers the SYN at once, 2.1 s after the "
                    "first Initial",
             "cited_by": "quic.no-response"},
        ],
        # The unanswered mDNS query needs no answer; the ClientHellos in unanswered QUIC
        # Initials are no failed TLS handshakes (nothing refused them).
        forbidden=["dns.no-response", "tls.handshake-failure"],
    )


SCENARIO = Scenario(
    name="udp_443_blocked",
    title="The shop works in one browser and hangs in another",
    difficulty="medium",
    summary=("The firewall drops UDP to port 443. One browser tries HTTP/3 first: its QUIC "
             "Initial packets to shop.example.com (203.0.113.50) and its CDN get no answer, "
             "it sends them again for 2.1 s, then falls back to TCP, which works at once, so "
             "every page waits. The other browser speaks TLS over TCP only and is fast. Allow "
             "UDP 443 outbound (or reject it so browsers fall back at once). DNS and NTP are "
             "answered, and the unanswered mDNS query is normal."),
    build=build,
    tags=("network", "quic", "tls", "browser"),
)
