"""QUIC connections in the network analyzer's pass: who tried, who answered, how it ended.

Every UDP datagram that is not DNS comes here from ``TcpAnalysis.locate``. A datagram of a
known connection (by its raw addresses and ports, like TCP flows) that starts with a short
header is only counted: nothing more of it can be read, and video over QUIC makes them
nearly every packet of some captures. Long headers go to
``inspector.formats.quic.QuicReader``, which opens Initial packets (their keys are public)
and tells client from server; an unknown 4-tuple is tried only when its datagram looks like
QUIC (a long header of a known version), on any port.

How a connection ended (``QuicTracker.ended``): ``unanswered`` (the server never sent a
packet back: UDP blocked on the path, or nothing listens), ``closed`` (a CONNECTION_CLOSE
in an Initial; later ones are encrypted), ``idle-timeout`` (silent for longer than the
client's max_idle_timeout before the capture ends, with no close seen: RFC 9000 10.1 ends
it silently), else ``open``. The handshake is ``done`` once both sides sent 1-RTT packets.
"""

from __future__ import annotations

from analyzers.network.addresses import address_text
from inspector.formats.quic import QuicConnection, QuicReader, looks_like_quic

# Where the flow key's fields sit: raw source then destination address, then both ports.
_Flow = tuple[QuicConnection, bool, tuple[str, int], tuple[str, int]]


class QuicTracker:
    """The QUIC connections of one capture.

    Attributes:
        reader: the connections, with what their Initial packets said.
        flows: raw addresses and ports as sent -> (connection, sent by the client, source
            endpoint, destination endpoint), both directions of each connection.
    """

    def __init__(self) -> None:
        self.reader = QuicReader()
        self.flows: dict[bytes, _Flow] = {}

    @property
    def connections(self) -> list[QuicConnection]:
        return self.reader.connections

    def datagram(self, index: int, time: float, addresses: bytes, src_port: int,
                 dst_port: int, payload: bytes) -> None:
        """One UDP datagram (``addresses``: raw source then destination address)."""
        key = addresses + src_port.to_bytes(2, "big") + dst_port.to_bytes(2, "big")
        flow = self.flows.get(key)
        if flow is not None and payload and not payload[0] & 0x80:
            connection, from_client = flow[0], flow[1]
            connection.packets[from_client] += 1
            connection.datagrams[from_client] += 1
            connection.kinds[from_client].add("short")
            connection.last_frame, connection.last_time = index, time
            return
        if flow is None:
            if not looks_like_quic(payload):
                return
            size = len(addresses) // 2
            source = (address_text(addresses[:size]), src_port)
            destination = (address_text(addresses[size:]), dst_port)
        else:
            source, destination = flow[2], flow[3]
        seen = self.reader.datagram(index, time, source, destination, payload)
        if seen is not None and flow is None:
            connection = seen.connection
            size = len(addresses) // 2
            back = (addresses[size:] + addresses[:size] + dst_port.to_bytes(2, "big")
                    + src_port.to_bytes(2, "big"))
            self.flows[key] = (connection, seen.from_client, source, destination)
            self.flows[back] = (connection, not seen.from_client, destination, source)

    @staticmethod
    def handshake_done(connection: QuicConnection) -> bool:
        return "short" in connection.kinds[True] and "short" in connection.kinds[False]

    @staticmethod
    def ended(connection: QuicConnection, capture_end: float) -> str:
        """``unanswered``, ``closed``, ``idle-timeout`` or ``open``; see the module."""
        if not connection.answered():
            return "unanswered"
        if connection.close is not None:
            return "closed"
        if (connection.idle_timeout
                and capture_end - connection.last_time > connection.idle_timeout):
            return "idle-timeout"
        return "open"
