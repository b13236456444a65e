"""Training scenario: the orders backend went down and came back, and the gateway's calls failed.

The bundle holds the API gateway's capture and its log. Healthy calls to the orders backend
(10.1.7.31:8080) and to the catalogue service (10.1.7.40:443) run all along. At 09:14:02
the backend process dies: two calls in flight are reset by the server, then every new
connection is refused (RST answering the SYN) for about 40 seconds, until it is back.
Red herrings: a WPAD lookup that gets NXDOMAIN (every Windows-managed network has them)
and one client-side reset of a finished catalogue call, which is normal client behaviour.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from inspector.training.scenarios import Built, Scenario
from inspector.training.scenarios.packets import (
    NXDOMAIN,
    PROTO_UDP,
    Capture,
    TcpFlow,
    dns_query,
    dns_response,
    udp,
)

START = 1_794_906_000.0 + 14 * 60 - 60  # 2026-11-17T09:13:00Z
OUTAGE = START + 62.0  # 09:14:02
RECOVERY = OUTAGE + 41.0
GATEWAY = "10.1.4.20"
BACKEND = "10.1.7.31"
CATALOGUE = "10.1.7.40"
RESOLVER = "10.1.0.53"


def _log_time(seconds: float) -> str:
    """Log4j's default layout: local time (UTC here), comma before the milliseconds."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S},{moment.microsecond // 1000:03d}"


def _packet_number(frames: list, frame: object) -> int:
    return next(position for position, item in enumerate(frames, 1) if item is frame)


def build(rng: random.Random) -> Built:
    capture = Capture()
    log: list[tuple[float, str]] = []
    ports = iter(range(41_000 + rng.randrange(1000), 65_000))
    refused, resets = [], []

    def flow_to(server: str, server_port: int) -> TcpFlow:
        return TcpFlow(capture, GATEWAY, next(ports), server, server_port,
                       client_isn=rng.randrange(1 << 32), server_isn=rng.randrange(1 << 32))

    def worker() -> str:
        return f"http-nio-8443-exec-{rng.randrange(1, 40)}"

    def order_call(time: float) -> None:
        flow = flow_to(BACKEND, 8080)
        if OUTAGE <= time < RECOVERY:
            flow.refuse(time, rtt=0.0005)
            refused.append(capture.frames[-1])
            log.append((time + 0.001, f"ERROR [{worker()}] OrdersClient - POST "
                        "http://10.1.7.31:8080/orders failed: java.net.ConnectException: "
                        "Connection refused"))
            return
        ready = flow.handshake(time, rtt=rng.uniform(0.0004, 0.0009))
        flow.send(ready + 0.0003, b"POST /orders HTTP/1.1\r\nHost: orders\r\n\r\n" + bytes(400))
        if time < OUTAGE < time + 0.2:  # in flight when the backend dies
            flow.reset(OUTAGE, from_client=False)
            resets.append(capture.frames[-1])
            log.append((OUTAGE + 0.001, f"ERROR [{worker()}] OrdersClient - POST "
                        "http://10.1.7.31:8080/orders failed: java.net.SocketException: "
                        "Connection reset"))
            return
        flow.send(ready + rng.uniform(0.01, 0.05), b"HTTP/1.1 201 Created\r\n\r\n" + bytes(200),
                  from_client=False)
        flow.close(ready + 0.08, rtt=0.0006)
        log.append((ready + 0.08, f"INFO  [{worker()}] OrdersClient - POST /orders 201"))

    def catalogue_call(time: float) -> None:
        flow = flow_to(CATALOGUE, 443)
        ready = flow.handshake(time, rtt=rng.uniform(0.0004, 0.0009))
        flow.send(ready + 0.0003, bytes(rng.randrange(300, 600)))
        flow.send(ready + 0.02, bytes(rng.randrange(900, 4000)), from_client=False)
        if rng.random() < 0.1:  # the client drops a finished keep-alive connection: normal
            flow.reset(ready + 0.03, from_client=True)
        else:
            flow.close(ready + 0.03, rtt=0.0006)

    time = START
    while time < START + 150:
        if OUTAGE - 0.3 < time < OUTAGE:
            time = OUTAGE + 0.2
        catalogue_call(time) if rng.random() < 0.25 else order_call(time)
        time += rng.uniform(0.3, 1.1)
    order_call(OUTAGE - 0.06)
    order_call(OUTAGE - 0.02)
    wpad = START + 5.0
    capture.add_ip(wpad, GATEWAY, RESOLVER, PROTO_UDP,
                   udp(GATEWAY, RESOLVER, 53001, 53, dns_query(0x1F2E, "wpad.corp.example.com")))
    capture.add_ip(wpad + 0.003, RESOLVER, GATEWAY, PROTO_UDP,
                   udp(RESOLVER, GATEWAY, 53, 53001,
                       dns_response(0x1F2E, "wpad.corp.example.com", rcode=NXDOMAIN,
                                    soa_zone="corp.example.com")), to_client=True)
    capture.frames.sort(key=lambda frame: frame.time)
    log_text = "".join(f"{_log_time(t)} {line}\n" for t, line in sorted(log))
    capture_path = "captures/gateway-eth0.pcapng"
    evidence = [
        {"artifact": capture_path,
         "locator": {"kind": "packet", "index": _packet_number(capture.frames, refused[0])},
         "why": "the backend answers the gateway's SYN with a reset: nothing listens on 8080",
         "cited_by": "tcp.connection-refused"},
        {"artifact": capture_path,
         "locator": {"kind": "packet", "index": _packet_number(capture.frames, resets[0])},
         "why": "the backend resets a call in flight at the moment it dies",
         "cited_by": "tcp.reset"},
    ]
    return Built(files={capture_path: capture.pcapng(), "logs/gateway.log": log_text.encode()},
                 rules=["tcp.connection-refused", "tcp.reset"], evidence=evidence,
                 forbidden=["dns.nxdomain"],
                 allowed=["incident.cross-source", "log.exception", "log.known-issue"])


SCENARIO = Scenario(
    name="backend_refused",
    title="Orders API calls fail for about a minute, then work again",
    difficulty="easy",
    summary=("The orders backend 10.1.7.31 stopped at 09:14:02: calls in flight were reset "
             "by the server, then it refused every connection on port 8080 (RST answering "
             "SYN) for about 40 seconds until it came back. The network path is fine "
             "(handshakes to other services succeed); the backend process was not running."),
    build=build,
    tags=("network", "tcp"),
)
