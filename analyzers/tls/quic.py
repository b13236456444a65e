"""TLS handshakes carried by QUIC: the ClientHello and ServerHello of each QUIC connection's
Initial packets, reported like TLS over TCP.

``inspector.formats.quic.QuicReader`` follows the connections and opens their Initial
packets; here each connection that shows a hello becomes a ``Connection`` with transport
``q`` (JA4's letter for QUIC), numbered by QUIC connection as tshark's
``quic.connection.number``, so stats, findings and events treat it like any other. Its
hellos are counted with TLS over TCP's, by frame, as tshark counts them (tshark dissects the
TLS messages of QUIC CRYPTO frames like those of TCP).

What the capture can tell: the handshake is *established* once both sides sent 1-RTT
packets (only a completed handshake gives their keys); it *failed* when an Initial carries a
CONNECTION_CLOSE with a TLS alert (codes 0x100-0x1ff, RFC 9001 4.8), from whichever side
sent it; a CONNECTION_CLOSE without an alert closes it. Certificates travel in Handshake
packets, whose keys come from the TLS exchange: they are never seen.
"""

from __future__ import annotations

from analyzers.tls.connections import AlertSeen, Connection, ConnectionTracker
from analyzers.tls.handshake import TlsParseError, parse_client_hello, parse_server_hello
from inspector.formats.protocols import HANDSHAKE_CLIENT_HELLO, HANDSHAKE_SERVER_HELLO
from inspector.formats.quic import QuicConnection, QuicReader


class QuicHandshakes:
    """The TLS side of every QUIC connection of a capture.

    Attributes:
        reader: the capture's QUIC connections.
        connections: QUIC connection number -> its ``Connection``, once a hello was seen.
    """

    def __init__(self, tracker: ConnectionTracker) -> None:
        self.tracker = tracker
        self.reader = QuicReader()
        self.connections: dict[int, Connection] = {}

    def datagram(self, index: int, time: float, source: tuple[str, int],
                 destination: tuple[str, int], payload: bytes) -> None:
        """One UDP datagram, in capture order."""
        seen = self.reader.datagram(index, time, source, destination, payload)
        if seen is None:
            return
        quic = seen.connection
        if not seen.messages and not seen.frames:
            connection = self.connections.get(quic.index)
            if (connection is not None and connection.established_packet is None
                    and "short" in quic.kinds[True] and "short" in quic.kinds[False]):
                connection.established_packet = index
            return
        connection = self.connections.get(quic.index)
        for message_type, body in seen.messages:
            if message_type not in (HANDSHAKE_CLIENT_HELLO, HANDSHAKE_SERVER_HELLO):
                continue
            if connection is None:
                connection = self._connection(quic, index, time)
            side = connection.sides[quic.client if seen.from_client else quic.server]
            try:
                if message_type == HANDSHAKE_CLIENT_HELLO:
                    connection.client_hello_seen(side, parse_client_hello(body), index, time)
                else:
                    connection.server_hello_seen(side, parse_server_hello(body), index, time)
            except TlsParseError as error:
                self.tracker.warn(f"packet {index}: malformed hello in a QUIC Initial ({error})")
        if connection is None:
            return
        for frame in seen.frames:
            if frame.kind == "close" and connection.closed_by is None:
                self._close(connection, quic, seen.from_client, frame.error_code, index, time)
        if (connection.established_packet is None and "short" in quic.kinds[True]
                and "short" in quic.kinds[False]):
            connection.established_packet = index

    def _connection(self, quic: QuicConnection, index: int, time: float) -> Connection:
        connection = Connection(self.tracker, quic.index, quic.client, quic.server, index, time)
        connection.transport = "q"
        connection.client = connection.sides[quic.client]
        self.connections[quic.index] = connection
        self.tracker.tls_connections.append(connection)
        return connection

    def _close(self, connection: Connection, quic: QuicConnection, from_client: bool,
               code: int, index: int, time: float) -> None:
        """CONNECTION_CLOSE in an Initial: a TLS alert (0x100 + alert) fails the handshake."""
        side = connection.sides[quic.client if from_client else quic.server]
        if 0x100 <= code <= 0x1FF:
            connection.alert(side, AlertSeen(index, time, side.endpoint, False, 2, code - 0x100))
        connection.closed(side, False, index, time)
