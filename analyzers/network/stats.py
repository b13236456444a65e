"""``stats["network"]``: the analysis counters, and one conversation entry per TCP stream.

The counters are tshark's (see the TCP and DNS modules for what each counts) plus
``conversations``: one entry per TCP stream (capped at ``MAX_CONVERSATIONS``, first streams
first, with ``conversations_left_out`` saying how many more) with endpoints, start,
duration, packets and frame bytes each way, handshake and server timings, and how it ended
(``fin``, ``reset-by-client``, ``reset-by-server``, ``refused``, ``unanswered-syn``,
``open``). The *client* is the side that sent the first SYN, or the first packet's sender.

``quic_connections`` (capped the same way, ``quic_connections_left_out``) has one entry per
QUIC connection: endpoints, the SNI, version, packets each way, Retry, the versions a
Version Negotiation offered, whether the handshake is done (1-RTT both ways), the
CONNECTION_CLOSE seen in an Initial with its error in words (codes 0x100-0x1ff are TLS
alerts), the client's idle timeout and how it ended (``unanswered``, ``closed``,
``idle-timeout``, ``open``; see ``analyzers.network.quic``).
"""

from __future__ import annotations

from typing import Any

from analyzers.network.dns import DnsTracker
from analyzers.network.quic import QuicTracker
from analyzers.network.streams import Stream
from analyzers.network.tcp import TcpAnalysis
from inspector.formats.quic import QuicConnection, error_name, version_name
from inspector.model import format_time, utc_from_epoch

MAX_CONVERSATIONS = 10_000


def network_stats(tcp: TcpAnalysis, dns: DnsTracker, quic: QuicTracker) -> dict[str, Any]:
    """The stats of a capture read to the end (or as far as it could be read)."""
    counts: dict[str, Any] = {**tcp.counts, **dns.counts}
    counts["packets"] = tcp.packets
    counts["rst_streams"] = len(tcp.rst_streams)
    counts["dns_unanswered"] = dns.unanswered()
    counts["conversations"] = [conversation(stream)
                               for stream in tcp.streams[:MAX_CONVERSATIONS]]
    counts["conversations_left_out"] = max(len(tcp.streams) - MAX_CONVERSATIONS, 0)
    counts["quic_connections"] = [quic_connection(connection, tcp.end_time)
                                  for connection in quic.connections[:MAX_CONVERSATIONS]]
    counts["quic_connections_left_out"] = max(len(quic.connections) - MAX_CONVERSATIONS, 0)
    return counts


def quic_connection(connection: QuicConnection, capture_end: float) -> dict[str, Any]:
    """One QUIC connection's entry in ``quic_connections``."""
    close = None
    if connection.close is not None:
        frame, sender, packet = connection.close
        close = {"by": sender, "packet": packet, "code": frame.error_code,
                 "error": error_name(frame.error_code), "reason": frame.reason or None}
    return {
        "connection": connection.index,
        "client": connection.client[0], "client_port": connection.client[1],
        "server": connection.server[0], "server_port": connection.server[1],
        "server_name": connection.server_name,
        "version": version_name(connection.version) if connection.version else None,
        "start": format_time(utc_from_epoch(connection.first_time)),
        "duration": round(connection.last_time - connection.first_time, 6),
        "first_packet": connection.first_frame, "last_packet": connection.last_frame,
        "packets_to_server": connection.packets[True],
        "packets_to_client": connection.packets[False],
        "retry": connection.retry,
        "version_negotiation": ([version_name(v) for v in connection.version_negotiation]
                                if connection.version_negotiation is not None else None),
        "handshake_done": QuicTracker.handshake_done(connection),
        "close": close,
        "idle_timeout": connection.idle_timeout,
        "ended": QuicTracker.ended(connection, capture_end),
    }


def conversation(stream: Stream) -> dict[str, Any]:
    """One stream's entry in ``conversations``."""
    handshake_rtt = (round((stream.synack_ns - stream.syn_ns) / 1e9, 6)
                     if stream.synack_ns is not None and stream.syn_ns is not None
                     else None)
    return {
        "stream": stream.index,
        "client": stream.client, "client_port": stream.client_port,
        "server": stream.server, "server_port": stream.server_port,
        "start": format_time(utc_from_epoch(stream.start_time)),
        "duration": round((stream.end_ns - stream.start_ns) / 1e9, 6),
        "first_packet": stream.start_frame, "last_packet": stream.end_frame,
        "packets_to_server": stream.forward.packets,
        "packets_to_client": stream.reverse.packets,
        "bytes_to_server": stream.forward.bytes, "bytes_to_client": stream.reverse.bytes,
        "handshake_rtt": handshake_rtt,
        "server_response_time": stream.response_delay(),
        "retransmissions": stream.forward.retransmissions + stream.reverse.retransmissions,
        "ended": "unanswered-syn" if stream.unanswered_syn() else stream.ended,
    }
