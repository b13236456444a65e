"""The state Wireshark's TCP analysis keeps: one ``Direction`` per side of a stream, one
``Stream`` per ``tcp.stream``, with the tallies the findings and stats read.

Times are integer nanoseconds, as the capture's frames carry them; the ``*_time``
properties give them in float seconds for the findings and stats.
"""

from __future__ import annotations

from analyzers.network.addresses import endpoint

_SECOND = 1_000_000_000


def _seconds(time_ns: int | None) -> float | None:
    return None if time_ns is None else time_ns / _SECOND


class Direction:
    """One direction of a TCP stream: Wireshark's ``tcp_flow_t`` and our own tallies.

    Attributes:
        nextseq, nextseqtime, maxseqtobeacked, lastack, lastacktime, window, dupacknum,
            lastflags, base_seq: Wireshark's fields of the same names. ``dupacknum`` is -1
            after the other side acknowledged bytes this side was never seen sending, where
            Wireshark's unsigned counter wraps (it then counts as "two or more" for fast
            retransmissions, as tshark's does); ``base_seq`` is ``None`` until known.
        scale: the window scale shift; -1 unknown (no SYN seen), -2 no scaling.
        packets, bytes: frames and frame bytes sent this way.
        segments: what retransmission rates divide by: data, SYN or FIN segments.
        retransmissions: segments counted as retransmissions of any kind.
        first_data_ns: when this side first sent data, ``None`` if it never did;
            ``first_data_time`` in seconds.
        zero_window_frame, zero_window_recovered: the first zero window this side
            advertised and the frame that opened it again (0 when none).
        dns_buffer: DNS-over-TCP bytes waiting for the rest of their message.
    """

    __slots__ = ("base_seq", "bytes", "dns_buffer", "dupacknum", "first_data_ns",
                 "lastack", "lastacktime", "lastflags", "maxseqtobeacked", "nextseq",
                 "nextseqtime", "packets", "retransmissions", "scale", "segments", "window",
                 "zero_window_frame", "zero_window_recovered")

    def __init__(self) -> None:
        self.base_seq: int | None = None
        self.nextseq = 0
        self.nextseqtime = 0
        self.maxseqtobeacked = 0
        self.lastack = 0
        self.lastacktime = 0
        self.window = -1
        self.scale = -1
        self.dupacknum = 0
        self.lastflags = 0
        self.packets = 0
        self.bytes = 0
        self.segments = 0
        self.retransmissions = 0
        self.first_data_ns: int | None = None
        self.zero_window_frame = 0
        self.zero_window_recovered = 0
        self.dns_buffer = b""

    @property
    def first_data_time(self) -> float | None:
        return _seconds(self.first_data_ns)


class Stream:
    """One TCP stream (``tcp.stream``), ``forward`` being the client's direction.

    ``ended`` says how it ended: ``fin``, ``reset-by-client``, ``reset-by-server``,
    ``refused`` or ``open``; the ``*_frame`` attributes are 0 and the ``*_ns`` ones (integer
    nanoseconds, as the capture's frames carry them) ``None`` until that packet is seen;
    the ``*_time`` properties give them in float seconds. ``first_rtt`` is Wireshark's
    ``ts_first_rtt`` in nanoseconds: from the latest SYN to the first packet with ACK and
    without SYN (0 until then), the out-of-order threshold; ``rtt_from`` is that latest
    SYN's time while it is pending.
    """

    __slots__ = (
        "client",
        "client_port",
        "end_frame",
        "end_ns",
        "ended",
        "first_rtt",
        "forward",
        "handshake_ack_ns",
        "index",
        "request_end_ns",
        "reset_frame",
        "response_ns",
        "reverse",
        "rtt_from",
        "server",
        "server_port",
        "start_frame",
        "start_ns",
        "syn_frame",
        "syn_ns",
        "synack_frame",
        "synack_ns",
    )

    def __init__(self, index: int, frame: int, time_ns: int, client: str, client_port: int,
                 server: str, server_port: int) -> None:
        self.index = index
        self.client, self.client_port = client, client_port
        self.server, self.server_port = server, server_port
        self.forward = Direction()
        self.reverse = Direction()
        self.start_frame = self.end_frame = frame
        self.start_ns = self.end_ns = time_ns
        self.syn_frame = self.synack_frame = self.reset_frame = 0
        self.syn_ns: int | None = None
        self.synack_ns: int | None = None
        self.handshake_ack_ns: int | None = None
        self.rtt_from: int | None = None
        self.first_rtt = 0
        self.request_end_ns: int | None = None
        self.response_ns: int | None = None
        self.ended = "open"

    @property
    def start_time(self) -> float:
        return self.start_ns / _SECOND

    @property
    def end_time(self) -> float:
        return self.end_ns / _SECOND

    @property
    def syn_time(self) -> float | None:
        return _seconds(self.syn_ns)

    @property
    def synack_time(self) -> float | None:
        return _seconds(self.synack_ns)

    @property
    def handshake_ack_time(self) -> float | None:
        return _seconds(self.handshake_ack_ns)

    def side(self, forward: bool) -> tuple[str, int]:
        """Host and port of the client (``forward``) or of the server."""
        if forward:
            return self.client, self.client_port
        return self.server, self.server_port

    def unanswered_syn(self) -> bool:
        """Still open after a SYN that got no SYN-ACK and no packet at all back."""
        return (self.ended == "open" and bool(self.syn_frame) and not self.synack_frame
                and not self.reverse.packets)

    def reset_by(self, forward: bool, frame: int) -> str:
        """The stream's first RST, from the client (``forward``) or the server, in ``frame``:
        how it ended (refused, or reset by whom), and the event's words for it."""
        self.reset_frame = frame
        client_sent_data = self.forward.first_data_ns is not None
        server_sent_data = self.reverse.first_data_ns is not None
        established = self.synack_frame or (client_sent_data and server_sent_data)
        server = endpoint(self.server, self.server_port)
        if not forward and self.syn_frame and not self.synack_frame and not server_sent_data:
            self.ended = "refused"
            return f"{server} refused a connection from {self.client}"
        self.ended = "reset-by-client" if forward else "reset-by-server"
        client = endpoint(self.client, self.client_port)
        if established or client_sent_data or server_sent_data:
            return f"{'client' if forward else 'server'} reset the connection {client} -> {server}"
        return f"reset on {client} -> {server}"

    def response_delay(self) -> float | None:
        """Seconds from the client's last request byte to the server's first response byte."""
        if self.response_ns is None or self.request_end_ns is None:
            return None
        return round((self.response_ns - self.request_end_ns) / _SECOND, 6)
