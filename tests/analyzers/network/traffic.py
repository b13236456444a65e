"""Traffic the network analyzer's tests share: hosts, flows, DNS exchanges, and running it."""

from __future__ import annotations

from analyzers.network import NetworkAnalyzer
from inspector.testing import AnalyzerRun, run_analyzer
from inspector.training.scenarios.packets import Capture, TcpFlow, dns_query, dns_response, udp
from tests.corpus import CORPUS

T0 = 1_794_906_000.0
CLIENT, SERVER, RESOLVER = "10.0.0.5", "10.0.0.80", "10.0.0.53"

# Our stat -> the name tshark_reference.sh prints.
TSHARK_NAMES = {
    "packets": "frames", "tcp_streams": "tcp_streams", "syn": "syn", "synack": "synack",
    "rst": "rst", "rst_streams": "rst_streams", "retransmission": "retransmission",
    "fast_retransmission": "fast_retransmission",
    "spurious_retransmission": "spurious_retransmission", "out_of_order": "out_of_order",
    "lost_segment": "lost_segment", "ack_lost_segment": "ack_lost_segment",
    "duplicate_ack": "duplicate_ack",
    "zero_window": "zero_window", "window_full": "window_full", "keep_alive": "keep_alive",
    "dns_queries": "queries", "dns_responses": "responses", "dns_nxdomain": "nxdomain",
    "dns_servfail": "servfail", "dns_unanswered": "unanswered(-2)",
}


def analyze_corpus(name: str) -> AnalyzerRun:
    return run_analyzer(NetworkAnalyzer(), (CORPUS / "pcap" / name).read_bytes(), name=name)


def client_flow(capture: Capture, port: int, server_port: int = 443,
                server: str = SERVER) -> TcpFlow:
    """A flow from ``CLIENT``'s ``port``, with initial sequence numbers derived from it."""
    return TcpFlow(capture, CLIENT, port, server, server_port, client_isn=port * 1000,
                   server_isn=port * 7000)


def healthy(capture: Capture, time: float, port: int) -> None:
    """A connection that goes right: handshake, request, response, ACK, close."""
    connection = client_flow(capture, port)
    ready = connection.handshake(time, rtt=0.01)
    connection.send(ready + 0.001, b"GET / HTTP/1.1\r\n\r\n")
    connection.send(ready + 0.02, b"HTTP/1.1 200 OK\r\n\r\n" + bytes(3000), from_client=False)
    connection.ack(ready + 0.03)
    connection.close(ready + 0.04, rtt=0.01)


def analyze(capture: Capture, **kwargs) -> AnalyzerRun:
    return run_analyzer(NetworkAnalyzer(), capture.pcap(), name="case.pcap", **kwargs)


def dns_exchange(capture: Capture, time: float, transaction_id: int, name: str, *,
                 rcode: int | None, delay: float = 0.002, server: str = RESOLVER) -> None:
    """A query from ``CLIENT`` and, unless ``rcode`` is ``None``, its answer after ``delay``."""
    capture.add_ip(time, CLIENT, server, 17, udp(CLIENT, server, 40000 + transaction_id, 53,
                                                 dns_query(transaction_id, name)))
    if rcode is not None:
        capture.add_ip(time + delay, server, CLIENT, 17, udp(
            server, CLIENT, 53, 40000 + transaction_id,
            dns_response(transaction_id, name, rcode=rcode, addresses=() if rcode else
                         ("192.0.2.1",))), to_client=True)
