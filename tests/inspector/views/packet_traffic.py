"""Captures the packet-list tests build, and reading them into rows."""

from __future__ import annotations

from inspector.training.scenarios.packets import ACK, PSH, Capture, TcpFlow
from inspector.views.packets import PacketRow, load_packets
from tests.inspector.views.work import WorkState

T0 = 1_794_906_000.0
CLIENT, SERVER = "10.0.0.5", "10.0.0.80"


def flow(capture: Capture, port: int, server_port: int = 80) -> TcpFlow:
    return TcpFlow(capture, CLIENT, port, SERVER, server_port, client_isn=port * 1000,
                   server_isn=port * 7000)


def web_exchange(capture: Capture, port: int, time: float = T0) -> float:
    """A connection with one request and its response; returns when it ended."""
    connection = flow(capture, port)
    ready = connection.handshake(time, rtt=0.01)
    connection.send(ready + 0.001, b"GET /a HTTP/1.1\r\nHost: shop.test\r\n\r\n")
    connection.send(ready + 0.02, b"HTTP/1.1 200 OK\r\n\r\nhello", from_client=False)
    connection.packet(ready + 0.03, True, ACK)
    connection.close(ready + 0.04, rtt=0.01)
    return ready + 0.06


def retransmitted_request(capture: Capture, port: int) -> None:
    """A request the client sends twice, 200 ms apart (the first was lost)."""
    connection = flow(capture, port)
    ready = connection.handshake(T0, rtt=0.01)
    seq = connection.next_seq[True]
    connection.packet(ready + 0.001, True, PSH | ACK, b"POST /pay HTTP/1.1\r\n\r\n", seq=seq)
    connection.packet(ready + 0.201, True, PSH | ACK, b"POST /pay HTTP/1.1\r\n\r\n", seq=seq)


def rows(member, capture: Capture) -> list[PacketRow]:
    found: list[PacketRow] = []
    load_packets(WorkState(found.extend), member("case.pcap", capture.pcap()))
    return found
