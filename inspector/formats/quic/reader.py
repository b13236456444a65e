"""QUIC connections followed across a capture's UDP datagrams: which side is the client,
which Initial keys open their packets, and what their Initial packets said.

``QuicReader.datagram`` takes every UDP payload in capture order. A datagram starting with a
long header of a known version (or version negotiation) starts a connection on its UDP
4-tuple, on any port; later datagrams of that 4-tuple, short headers included, belong to it.
The client is the side whose Initial opens with the client keys of its own Destination
Connection ID (else the first sender). Server Initials open with the server keys of the
same ID. After a Retry, or when a client starts over on the same ports, the client's next
Initial names a new ID: its keys are tried when the current ones fail. The CRYPTO streams go
on across the switch, as tshark's do: the ClientHello sent again after a Retry is a
retransmission of the first (RFC 9000 17.2.5.2).

What a datagram showed comes back as a ``QuicDatagram``: its packets, the frames of the
Initials it could open, and the TLS handshake messages those completed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector.formats.quic.frames import (
    MAX_IDLE_TIMEOUT,
    CryptoStream,
    Frame,
    parse_frames,
    transport_parameter,
)
from inspector.formats.quic.packets import QuicPacket, looks_like_quic, split_datagram
from inspector.formats.quic.protection import (
    InitialKeys,
    ProtectionError,
    initial_keys,
    unprotect,
)

Endpoint = tuple[str, int]
_SHORT = QuicPacket("short", 0, b"", b"", b"")
TRANSPORT_PARAMETERS_EXTENSION = 0x39  # quic_transport_parameters (RFC 9001 8.2)
SERVER_NAME_EXTENSION = 0x00


@dataclass
class QuicConnection:
    """One QUIC connection (one UDP 4-tuple) as far as the capture shows it.

    Attributes:
        index: connections in order of first appearance, from 0.
        client, server: their (address, port).
        version: the version of the long headers (0 until one is seen).
        keys: the Initial keys in use, ``None`` until a client Initial opened.
        packets, datagrams: per direction (``True`` from the client): packets and datagrams.
        kinds: per direction, the packet kinds seen (``initial``, ``handshake``, ``short``...).
        first_frame, last_frame, first_time, last_time: the connection's first and last
            datagrams.
        retry: a Retry packet was seen; ``version_negotiation``: the versions a Version
            Negotiation packet offered, ``None`` without one.
        close: the first CONNECTION_CLOSE in an Initial, who sent it (``client``/``server``)
            and its frame.
        server_name, idle_timeout: the SNI of the client's ClientHello and its
            max_idle_timeout transport parameter, in seconds.
        undecryptable: Initial packets no key opened.
    """

    index: int
    client: Endpoint
    server: Endpoint
    version: int = 0
    keys: InitialKeys | None = None
    crypto: dict[bool, CryptoStream] = field(
        default_factory=lambda: {True: CryptoStream(), False: CryptoStream()})
    packets: dict[bool, int] = field(default_factory=lambda: {True: 0, False: 0})
    datagrams: dict[bool, int] = field(default_factory=lambda: {True: 0, False: 0})
    kinds: dict[bool, set[str]] = field(default_factory=lambda: {True: set(), False: set()})
    first_frame: int = 0
    last_frame: int = 0
    first_time: float = 0.0
    last_time: float = 0.0
    retry: bool = False
    version_negotiation: tuple[int, ...] | None = None
    close: tuple[Frame, str, int] | None = None
    server_name: str | None = None
    idle_timeout: float | None = None
    undecryptable: int = 0

    def answered(self) -> bool:
        return bool(self.packets[False])


@dataclass
class QuicDatagram:
    """What one datagram of a connection showed."""

    connection: QuicConnection
    from_client: bool
    packets: list[QuicPacket]
    frames: list[Frame]
    messages: list[tuple[int, bytes]]


class QuicReader:
    """Every QUIC connection of a capture, by UDP 4-tuple.

    Attributes:
        connections: in order of first appearance.
    """

    def __init__(self) -> None:
        self.connections: list[QuicConnection] = []
        self.by_endpoints: dict[tuple[Endpoint, Endpoint], QuicConnection] = {}

    def known(self, source: Endpoint, destination: Endpoint) -> bool:
        return (source, destination) in self.by_endpoints

    def datagram(self, frame: int, time: float, source: Endpoint, destination: Endpoint,
                 payload: bytes) -> QuicDatagram | None:
        """Read one UDP datagram; ``None`` when it is not QUIC."""
        connection = self.by_endpoints.get((source, destination))
        if connection is not None and payload and not payload[0] & 0x80:
            # A short header: nothing more of it is readable; most packets of a busy
            # connection are these, so they are only counted.
            from_client = source == connection.client
            connection.packets[from_client] += 1
            connection.datagrams[from_client] += 1
            connection.kinds[from_client].add("short")
            connection.last_frame, connection.last_time = frame, time
            return QuicDatagram(connection, from_client, [_SHORT], [], [])
        if connection is None:
            if not looks_like_quic(payload):
                return None
            connection = self._new(frame, time, source, destination, payload)
        packets = split_datagram(payload)
        if not packets:
            return None
        from_client = source == connection.client
        connection.datagrams[from_client] += 1
        connection.last_frame, connection.last_time = frame, time
        frames: list[Frame] = []
        messages: list[tuple[int, bytes]] = []
        for packet in packets:
            connection.packets[from_client] += 1
            connection.kinds[from_client].add(packet.kind)
            if packet.version:
                connection.version = packet.version
            if packet.kind == "retry":
                connection.retry = True
            elif packet.kind == "version_negotiation":
                connection.version_negotiation = packet.supported_versions
            elif packet.kind == "initial":
                opened = self._open(connection, packet, from_client)
                if opened is None:
                    connection.undecryptable += 1
                    continue
                for item in opened:
                    frames.append(item)
                    if item.kind == "crypto":
                        messages += connection.crypto[from_client].add(item.offset, item.data)
                    elif item.kind == "close" and connection.close is None:
                        connection.close = (item, "client" if from_client else "server", frame)
        if from_client:
            for message_type, body in messages:
                if message_type == 1 and connection.server_name is None:
                    connection.server_name, connection.idle_timeout = _hello_details(body)
        return QuicDatagram(connection, from_client, packets, frames, messages)

    def _new(self, frame: int, time: float, source: Endpoint, destination: Endpoint,
             payload: bytes) -> QuicConnection:
        client, server = source, destination
        packets = split_datagram(payload)
        first = packets[0] if packets else None
        if first is not None and first.kind == "initial" and _keys_for(first) is None \
                and source[1] < destination[1]:
            client, server = destination, source  # a server Initial whose client was missed
        connection = QuicConnection(len(self.connections), client, server, first_frame=frame,
                                    last_frame=frame, first_time=time, last_time=time)
        self.connections.append(connection)
        self.by_endpoints[(client, server)] = self.by_endpoints[(server, client)] = connection
        return connection

    def _open(self, connection: QuicConnection, packet: QuicPacket,
              from_client: bool) -> list[Frame] | None:
        """The frames of an Initial, trying the connection's keys and, for the client, the
        keys its own Destination Connection ID gives (a new attempt, or after a Retry)."""
        if connection.keys is not None:
            keys = connection.keys.client if from_client else connection.keys.server
            try:
                return parse_frames(unprotect(packet, keys)[1])
            except ProtectionError:
                pass
        if not from_client:
            return None
        fresh = _keys_for(packet)
        if fresh is None:
            return None
        # After a Retry the CRYPTO stream goes on: the client sends its ClientHello again
        # at offset 0, which tshark (and so this reader) takes as a retransmission.
        connection.keys = fresh
        return parse_frames(unprotect(packet, fresh.client)[1])


def _keys_for(packet: QuicPacket) -> InitialKeys | None:
    """The Initial keys a client Initial's own Destination Connection ID gives, if this
    packet opens with them."""
    try:
        keys = initial_keys(packet.destination_id, packet.version)
        unprotect(packet, keys.client)
    except (ProtectionError, KeyError):
        return None
    return keys


def _hello_details(client_hello: bytes) -> tuple[str | None, float | None]:
    """The server name (SNI) and the max_idle_timeout (seconds) of a ClientHello's QUIC
    transport parameters, as far as they are there."""
    server_name = idle_timeout = None
    try:
        position = 2 + 32
        position += 1 + client_hello[position]
        position += 2 + int.from_bytes(client_hello[position:position + 2], "big")
        position += 1 + client_hello[position]
        end = position + 2 + int.from_bytes(client_hello[position:position + 2], "big")
        position += 2
        while position + 4 <= end:
            kind = int.from_bytes(client_hello[position:position + 2], "big")
            length = int.from_bytes(client_hello[position + 2:position + 4], "big")
            data = client_hello[position + 4:position + 4 + length]
            if kind == SERVER_NAME_EXTENSION and len(data) > 5 and data[2] == 0:
                name_length = int.from_bytes(data[3:5], "big")
                server_name = data[5:5 + name_length].decode("ascii", "backslashreplace")
            elif kind == TRANSPORT_PARAMETERS_EXTENSION:
                value = transport_parameter(data, MAX_IDLE_TIMEOUT)
                idle_timeout = None if value is None else value / 1000
            position += 4 + length
    except IndexError:
        pass
    return server_name, idle_timeout
