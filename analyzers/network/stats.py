"""``stats["network"]``: the analysis counters, and one conversation entry per TCP stream.

The counters are tshark's (see the TCP and DNS modules for what each counts) plus
``conversations``: one entry per TCP stream (capped at ``MAX_CONVERSATIONS``, first streams
first, with ``conversations_left_out`` saying how many more) with endpoints, start,
duration, packets and frame bytes each way, handshake and server timings, and how it ended
(``fin``, ``reset-by-client``, ``reset-by-server``, ``refused``, ``unanswered-syn``,
``open``). The *client* is the side that sent the first SYN, or the first packet's sender.
"""

from __future__ import annotations

from typing import Any

from analyzers.network.dns import DnsTracker
from analyzers.network.tcp import Stream, TcpAnalysis
from inspector.model import format_time, utc_from_epoch

MAX_CONVERSATIONS = 10_000


def network_stats(tcp: TcpAnalysis, dns: DnsTracker) -> dict[str, Any]:
    """The stats of a capture read to the end (or as far as it could be read)."""
    counts: dict[str, Any] = {**tcp.counts, **dns.counts}
    counts["packets"] = tcp.packets
    counts["rst_streams"] = len(tcp.rst_streams)
    counts["dns_unanswered"] = dns.unanswered()
    counts["conversations"] = [conversation(stream)
                               for stream in tcp.streams[:MAX_CONVERSATIONS]]
    counts["conversations_left_out"] = max(len(tcp.streams) - MAX_CONVERSATIONS, 0)
    return counts


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
