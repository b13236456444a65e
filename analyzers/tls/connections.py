"""TCP connections followed byte by byte: reassembly, TLS record parsing, and what each
connection's handshake showed.

How it works, and the decisions behind it:

- Packets come from ``inspector.formats.pcap`` (fast header decoding, no scapy). Every TCP
  flow gets a stream number in order of first appearance, the way Wireshark's
  ``tcp.stream`` counts; a SYN with a new initial sequence number on a used 4-tuple (ports
  reused) starts a new connection.
- TLS is recognized by content, on any port: the first bytes a side sends must look like a
  TLS record header (type 20-24, version 3.x, a sane length) or an SSLv2 ClientHello. A flow
  whose bytes do not is dropped at once, so plain traffic costs one dict lookup per packet.
- Each direction is reassembled in sequence order: retransmitted and overlapping bytes are
  trimmed, early segments wait (bounded by ``MAX_PENDING_BYTES``) for the gap to fill.
  Records, and handshake messages spanning records, are parsed from the reassembled bytes;
  a record or message is attributed to the frame that completed it, as Wireshark does.
  Application data is counted and skipped, never buffered. A gap that never fills, bytes
  cut by the snaplen, or bytes that stop looking like TLS end parsing of that direction
  only.
- A side's handshake and alert records are encrypted after its ChangeCipherSpec (TLS 1.2)
  and after the ServerHello (TLS 1.3, where encrypted records even pose as application
  data). Encrypted alerts are recorded as encrypted, never decoded; so a TLS 1.3
  certificate is invisible, and a TLS 1.3 client rejecting one ends as "aborted", not
  "failed".
- The client is whichever is seen first: the sender of a SYN, the sender of the
  ClientHello, or the peer of the ServerHello's sender. With none of them, ``endpoints``
  takes the side with the higher port as the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.tls.handshake import (
    SSL2_SERVER_HELLO,
    ClientHello,
    ServerHello,
    TlsParseError,
    parse_client_hello,
    parse_server_hello,
    parse_sslv2_client_hello,
    parse_sslv2_server_hello,
    split_certificate_list,
)
from inspector.formats.pcap import Transport
from inspector.formats.protocols import (
    ACK,
    CONTENT_ALERT,
    CONTENT_APPLICATION_DATA,
    CONTENT_CHANGE_CIPHER_SPEC,
    CONTENT_HANDSHAKE,
    CONTENT_HEARTBEAT,
    FIN,
    HANDSHAKE_CERTIFICATE,
    HANDSHAKE_CERTIFICATE_REQUEST,
    HANDSHAKE_CLIENT_HELLO,
    HANDSHAKE_SERVER_HELLO,
    RST,
    SYN,
    TLS13,
)
from inspector.plugins import AnalysisContext

# Ciphertext may exceed the 2^14 plaintext limit by up to 2048 bytes (RFC 5246, 6.2.3).
MAX_RECORD_LENGTH = 16384 + 2048
# A handshake message longer than this is corruption, not a certificate chain.
MAX_HANDSHAKE_MESSAGE = 1 << 20
# Out-of-order bytes kept per direction while waiting for a gap to fill.
MAX_PENDING_BYTES = 1 << 20


def endpoint(address: str, port: int) -> str:
    """``address:port``, the address in brackets when it is IPv6."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


@dataclass(slots=True)
class AlertSeen:
    """One alert record; ``level`` and ``description`` are ``None`` when it was encrypted."""

    packet: int
    time: float
    sender: str  # "client" or "server" (or an endpoint when roles are unknown)
    encrypted: bool
    level: int | None = None
    description: int | None = None

    @property
    def fatal(self) -> bool:
        return self.level == 2


@dataclass(slots=True)
class CertificateMessage:
    """One Certificate message: the packet that completed it, who sent it, the DER chain."""

    packet: int
    time: float
    sender_endpoint: str
    chain: list[bytes]


class Direction:
    """One side of a TCP connection: reassembly in sequence order, then TLS record parsing."""

    __slots__ = ("buffer", "connection", "encrypted", "endpoint", "handshake_buffer",
                 "initial_seq", "next_seq", "pending", "pending_bytes",
                 "sent_change_cipher_spec", "skip", "state")

    def __init__(self, connection: Connection, endpoint: str) -> None:
        self.connection = connection
        self.endpoint = endpoint
        self.initial_seq: int | None = None
        self.next_seq: int | None = None
        self.pending: dict[int, bytes] = {}
        self.pending_bytes = 0
        self.buffer = bytearray()
        self.handshake_buffer = bytearray()
        self.skip = 0
        # "unknown" until the first bytes are judged, then "tls", "other" or "lost".
        self.state = "unknown"
        self.encrypted = False
        self.sent_change_cipher_spec = False

    def segment(self, seq: int, payload: bytes, complete: bool, syn: bool, packet: int,
                time: float) -> None:
        if syn:
            seq = (seq + 1) & 0xFFFFFFFF  # the SYN itself takes one sequence number
            if self.initial_seq is None:
                self.initial_seq = seq
                self.next_seq = seq
        if not payload or self.state in ("other", "lost", "sslv2"):
            return
        if self.next_seq is None:
            self.next_seq = seq
        offset = (seq - self.next_seq) & 0xFFFFFFFF
        if offset >= 0x80000000:  # starts before what we have: a retransmission or overlap
            overlap = 0x100000000 - offset
            if overlap >= len(payload):
                return
            payload = payload[overlap:]
            seq = self.next_seq
            offset = 0
        if not complete:
            # The snaplen cut this segment: what follows its captured bytes is unknowable.
            if offset == 0:
                self._deliver(payload, packet, time)
            self.give_up()
            return
        if offset:
            if seq not in self.pending or len(self.pending[seq]) < len(payload):
                self.pending_bytes += len(payload) - len(self.pending.get(seq, b""))
                self.pending[seq] = payload
            if self.pending_bytes > MAX_PENDING_BYTES:
                self.give_up()  # a gap that never filled: the capture missed bytes
                self.pending.clear()
            return
        self._deliver(payload, packet, time)
        while self.pending and self.state == "tls":
            for pending_seq in list(self.pending):
                pending_offset = (pending_seq - self.next_seq) & 0xFFFFFFFF
                if pending_offset == 0 or pending_offset >= 0x80000000:
                    data = self.pending.pop(pending_seq)
                    self.pending_bytes -= len(data)
                    overlap = 0 if pending_offset == 0 else 0x100000000 - pending_offset
                    if overlap < len(data):
                        self._deliver(data[overlap:], packet, time)
                    break
            else:
                return

    def give_up(self) -> None:
        """Stop parsing this direction: its bytes can no longer be followed."""
        if self.state != "lost":
            self.state = "lost"
            self.connection.tracker.directions_given_up += 1

    def _deliver(self, data: bytes, packet: int, time: float) -> None:
        assert self.next_seq is not None
        self.next_seq = (self.next_seq + len(data)) & 0xFFFFFFFF
        if self.skip:
            skipped = min(self.skip, len(data))
            self.skip -= skipped
            data = data[skipped:]
        self.buffer += data
        if self.state == "unknown":
            self.state = _judge_first_bytes(self.buffer)
            if self.state == "unknown":
                return
            if self.state == "other":
                self.buffer.clear()
                self.connection.not_tls(self)
                return
            if self.buffer[0] & 0x80:
                self._sslv2_hello(packet, time)
                return
        self._records(packet, time)

    def _sslv2_hello(self, packet: int, time: float) -> None:
        length = ((self.buffer[0] & 0x7F) << 8) | self.buffer[1]
        if len(self.buffer) < 2 + length:
            self.state = "unknown"  # wait for the rest of the hello
            return
        record = bytes(self.buffer[:2 + length])
        del self.buffer[:2 + length]
        try:
            if record[2] == HANDSHAKE_CLIENT_HELLO:
                client_hello = parse_sslv2_client_hello(record)
            else:
                server_hello = parse_sslv2_server_hello(record)
        except TlsParseError as error:
            self.connection.tracker.warn(f"packet {packet}: unreadable SSLv2 hello ({error})")
            self.give_up()
            return
        if record[2] != HANDSHAKE_CLIENT_HELLO:
            # The server answered in SSL 2.0: the rest of both sides is SSL 2.0 records,
            # encrypted after the client's master key, and is not followed.
            self.connection.server_hello_seen(self, server_hello, packet, time)
            for side in self.connection.sides.values():
                side.state = "sslv2"
                side.buffer.clear()
            return
        self.state = "tls"
        self.connection.client_hello_seen(self, client_hello, packet, time)
        self._records(packet, time)

    def _records(self, packet: int, time: float) -> None:
        buffer = self.buffer
        while self.state == "tls":
            if self.skip:
                skipped = min(self.skip, len(buffer))
                del buffer[:skipped]
                self.skip -= skipped
                if self.skip:
                    return
            if len(buffer) < 5:
                return
            content_type = buffer[0]
            length = (buffer[3] << 8) | buffer[4]
            if not _plausible_header(buffer[0], buffer[1], buffer[2], length):
                self.connection.tracker.warn(
                    f"packet {packet}: {self.endpoint} stopped sending valid TLS records "
                    f"(type {content_type}, length {length}); rest of that direction skipped")
                self.give_up()
                buffer.clear()
                return
            if content_type == CONTENT_APPLICATION_DATA:
                # Skipped, never buffered: only its arrival matters (it ends handshakes).
                self.connection.application_data(self, packet, time)
                del buffer[:5]
                self.skip = length
                continue
            if len(buffer) < 5 + length:
                return
            body = bytes(buffer[5:5 + length])
            del buffer[:5 + length]
            self._record(content_type, body, packet, time)

    def _record(self, content_type: int, body: bytes, packet: int, time: float) -> None:
        connection = self.connection
        if content_type == CONTENT_CHANGE_CIPHER_SPEC:
            self.sent_change_cipher_spec = True
            if not connection.tls13:
                self.encrypted = True
            connection.change_cipher_spec(self, packet, time)
        elif content_type == CONTENT_ALERT:
            plaintext = len(body) == 2 and not self.encrypted and body[0] in (1, 2)
            if plaintext:
                connection.alert(self, AlertSeen(packet, time, self.endpoint, False,
                                                 body[0], body[1]))
            else:
                connection.alert(self, AlertSeen(packet, time, self.endpoint, True))
        elif content_type == CONTENT_HANDSHAKE:
            if self.encrypted:
                connection.encrypted_handshake(self, packet, time)
                return
            self.handshake_buffer += body
            self._handshake_messages(packet, time)

    def _handshake_messages(self, packet: int, time: float) -> None:
        buffer = self.handshake_buffer
        while len(buffer) >= 4 and not self.encrypted:
            message_type = buffer[0]
            length = int.from_bytes(buffer[1:4], "big")
            if length > MAX_HANDSHAKE_MESSAGE:
                self.connection.tracker.warn(
                    f"packet {packet}: handshake message of {length:,} bytes from "
                    f"{self.endpoint}; rest of that direction skipped")
                self.give_up()
                buffer.clear()
                return
            if len(buffer) < 4 + length:
                return
            body = bytes(buffer[4:4 + length])
            del buffer[:4 + length]
            try:
                self.connection.handshake_message(self, message_type, body, packet, time)
            except TlsParseError as error:
                self.connection.tracker.warn(
                    f"packet {packet}: malformed handshake message type {message_type} from "
                    f"{self.endpoint} ({error})")


def _plausible_header(content_type: int, major: int, minor: int, length: int) -> bool:
    return (CONTENT_CHANGE_CIPHER_SPEC <= content_type <= CONTENT_HEARTBEAT and major == 3
            and minor <= 4 and 0 < length <= MAX_RECORD_LENGTH)


def _judge_first_bytes(buffer: bytearray) -> str:
    """"tls", "other", or "unknown" (too few bytes yet) for the first bytes a side sent."""
    if len(buffer) < 3:
        return "unknown"
    if buffer[0] & 0x80:  # SSLv2 record header: 15-bit length, then the message type
        length = ((buffer[0] & 0x7F) << 8) | buffer[1]
        if buffer[2] == HANDSHAKE_CLIENT_HELLO and length >= 9:
            if len(buffer) < 5:
                return "unknown"
            return "tls" if buffer[3] in (0, 3) else "other"
        if buffer[2] == SSL2_SERVER_HELLO and length >= 11:  # then hit, type, version 0.2
            if len(buffer) < 7:
                return "unknown"
            return "tls" if buffer[5:7] == b"\x00\x02" else "other"
        return "other"
    if len(buffer) < 5:
        return "unknown"
    length = (buffer[3] << 8) | buffer[4]
    return "tls" if _plausible_header(buffer[0], buffer[1], buffer[2], length) else "other"


class Connection:
    """One TCP connection and what its TLS handshake showed."""

    def __init__(self, tracker: ConnectionTracker, stream: int, first: tuple[str, int],
                 second: tuple[str, int], packet: int, time: float) -> None:
        self.tracker = tracker
        self.stream = stream
        self.first_packet = packet
        self.start = time
        self.sides: dict[tuple[str, int], Direction] = {
            first: Direction(self, endpoint(*first)),
            second: Direction(self, endpoint(*second)),
        }
        self.is_tls = False
        self.dropped = False
        self.client: Direction | None = None
        self.client_hello: ClientHello | None = None
        self.client_hello_packet: int | None = None
        self.server_hello: ServerHello | None = None
        self.server_hello_packet: int | None = None
        self.certificates: list[CertificateMessage] = []
        self.alerts: list[AlertSeen] = []
        self.client_certificate_requested = False
        self.closed_by: str | None = None
        self.reset_packet: int | None = None
        self.reset_time: float | None = None
        self.client_data_after_handshake = False
        self.established_packet: int | None = None
        # JA4's transport letter: "t" for TLS over TCP ("q" for QUIC, see quic.py).
        self.transport = "t"

    # -- roles

    @property
    def tls13(self) -> bool:
        return self.server_hello is not None and self.server_hello.version == TLS13

    def other(self, side: Direction) -> Direction:
        first, second = self.sides.values()
        return second if side is first else first

    @property
    def server(self) -> Direction | None:
        return None if self.client is None else self.other(self.client)

    def role(self, side: Direction) -> str:
        if self.client is None:
            return side.endpoint
        return "client" if side is self.client else "server"

    # -- called by the directions

    def not_tls(self, side: Direction) -> None:
        if not self.is_tls:
            self.dropped = True

    def client_hello_seen(self, side: Direction, hello: ClientHello, packet: int,
                          time: float) -> None:
        self.is_tls = True
        self.tracker.count("client_hellos", packet)
        if self.client is None:
            self.client = side
        if self.client_hello is None:
            self.client_hello = hello
            self.client_hello_packet = packet

    def server_hello_seen(self, side: Direction, hello: ServerHello, packet: int,
                          time: float) -> None:
        """A ServerHello, a TLS 1.3 HelloRetryRequest (followed by the real one), or an
        SSLv2 SERVER-HELLO, whose certificate is judged like a Certificate message's."""
        self.is_tls = True
        self.tracker.count("server_hellos", packet)
        if self.client is None:
            self.client = self.other(side)
        if self.server_hello is None or self.server_hello.hello_retry_request:
            self.server_hello = hello
            self.server_hello_packet = packet
        if hello.version == TLS13 and not hello.hello_retry_request:
            side.encrypted = True  # everything after a TLS 1.3 ServerHello is encrypted
        if hello.certificate:
            self.certificates.append(CertificateMessage(packet, time, side.endpoint,
                                                        [hello.certificate]))

    def handshake_message(self, side: Direction, message_type: int, body: bytes,
                          packet: int, time: float) -> None:
        self.is_tls = True
        if message_type == HANDSHAKE_CLIENT_HELLO:
            self.client_hello_seen(side, parse_client_hello(body), packet, time)
        elif message_type == HANDSHAKE_SERVER_HELLO:
            self.server_hello_seen(side, parse_server_hello(body), packet, time)
        elif message_type == HANDSHAKE_CERTIFICATE:
            self.tracker.count("certificate_messages", packet)
            chain = split_certificate_list(body, tls13=self.tls13)
            self.certificates.append(CertificateMessage(packet, time, side.endpoint, chain))
        elif message_type == HANDSHAKE_CERTIFICATE_REQUEST:
            self.client_certificate_requested = True

    def change_cipher_spec(self, side: Direction, packet: int, time: float) -> None:
        self.is_tls = True
        if (not self.tls13 and self.server_hello is not None
                and all(s.sent_change_cipher_spec for s in self.sides.values())
                and self.established_packet is None):
            self.established_packet = packet

    def encrypted_handshake(self, side: Direction, packet: int, time: float) -> None:
        self.is_tls = True

    def application_data(self, side: Direction, packet: int, time: float) -> None:
        self.is_tls = True
        if self.established_packet is not None or not self.tls13:
            if (self.established_packet is None and self.server_hello is not None
                    and side.sent_change_cipher_spec):
                # Abbreviated or unusual TLS 1.2 flows: data after this side's CCS.
                self.established_packet = packet
            return
        # TLS 1.3: the client's first encrypted record is its Finished; the handshake
        # succeeded once the server sends something after it (a ticket or data).
        if side is self.client:
            self.client_data_after_handshake = True
        elif self.client_data_after_handshake:
            self.established_packet = packet

    def alert(self, side: Direction, alert: AlertSeen) -> None:
        self.is_tls = True
        alert.sender = self.role(side)
        self.alerts.append(alert)
        self.tracker.count("alert_records", alert.packet)

    def closed(self, side: Direction, reset: bool, packet: int, time: float) -> None:
        if reset and self.reset_packet is None:
            self.reset_packet = packet
            self.reset_time = time
            self.closed_by = f"reset by {self.role(side)}"
        elif self.closed_by is None:
            self.closed_by = f"closed by {self.role(side)}"

    # -- results

    def fatal_alert(self) -> AlertSeen | None:
        return next((a for a in self.alerts if a.fatal), None)

    def outcome(self) -> str:
        """established, failed (fatal alert), aborted (closed first) or incomplete."""
        fatal = self.fatal_alert()
        if fatal is not None and (self.established_packet is None
                                  or fatal.packet <= self.established_packet):
            return "failed"
        if self.established_packet is not None:
            return "established"
        if self.closed_by is not None:
            return "aborted"
        return "incomplete"

    def resumed(self) -> bool:
        """A TLS 1.2 session resumption: the server echoed the client's session id."""
        return bool(self.client_hello and self.server_hello and not self.tls13
                    and self.client_hello.session_id
                    and self.client_hello.session_id == self.server_hello.session_id)

    def endpoints(self) -> tuple[str, str]:
        """(client, server) endpoints; when unknown, the higher port is taken as the client."""
        if self.client is not None:
            return self.client.endpoint, self.other(self.client).endpoint
        first, second = self.sides.items()
        if first[0][1] >= second[0][1]:
            return first[1].endpoint, second[1].endpoint
        return second[1].endpoint, first[1].endpoint


class ConnectionTracker:
    """Every TCP flow of one capture, keyed by its two endpoints, and capture-wide counts.

    Attributes:
        connections: (endpoint, endpoint), the lower one first -> its current connection.
        tls_connections: the connections that turned out to be TLS, in the order they did.
        streams: connections started so far (the next stream number).
        client_hellos, server_hellos, certificate_messages, alert_records: tshark's counts:
            the frames that hold one or more such messages (an SSLv2 SERVER-HELLO, which
            tshark shows as handshake type 4, is counted with the server hellos).
        directions_given_up: directions whose bytes could no longer be followed.
        warnings: warnings so far; only the first 20 reach the context.
    """

    def __init__(self, context: AnalysisContext) -> None:
        self.context = context
        self.connections: dict[tuple[tuple[str, int], tuple[str, int]], Connection] = {}
        self.tls_connections: list[Connection] = []
        self.streams = 0
        self.client_hellos = 0
        self.server_hellos = 0
        self.certificate_messages = 0
        self.alert_records = 0
        self.directions_given_up = 0
        self.warnings = 0
        # counter -> the last frame counted in it
        self.counted: dict[str, int] = {}

    def count(self, counter: str, packet: int) -> None:
        """Count a message in ``counter`` as tshark counts it: the frames that hold one."""
        if self.counted.get(counter) != packet:
            self.counted[counter] = packet
            setattr(self, counter, getattr(self, counter) + 1)

    def warn(self, message: str) -> None:
        self.warnings += 1
        if self.warnings <= 20:
            self.context.warn(message)

    def packet(self, index: int, time: float, transport: Transport) -> None:
        """One TCP packet, in capture order."""
        source = (transport.src, transport.src_port)
        destination = (transport.dst, transport.dst_port)
        key = (source, destination) if source <= destination else (destination, source)
        flags = transport.tcp_flags
        connection = self.connections.get(key)
        syn_only = flags & (SYN | ACK) == SYN
        if connection is not None and syn_only:
            side = connection.sides[source]
            if (side.initial_seq is not None
                    and side.initial_seq != (transport.seq + 1) & 0xFFFFFFFF):
                connection = None  # the ports were reused for a new connection
            elif side.initial_seq is None and side.next_seq is not None:
                connection = None
        if connection is None:
            connection = Connection(self, self.streams, source, destination, index, time)
            self.streams += 1
            self.connections[key] = connection
        if connection.dropped:
            return
        side = connection.sides[source]
        if syn_only and connection.client is None:
            connection.client = side
        was_tls = connection.is_tls
        side.segment(transport.seq, transport.payload,
                     len(transport.payload) >= transport.payload_length,
                     bool(flags & SYN), index, time)
        if connection.is_tls and not was_tls:
            self.tls_connections.append(connection)
        if flags & RST:
            connection.closed(side, True, index, time)
        elif flags & FIN:
            connection.closed(side, False, index, time)
        if connection.dropped:
            for direction in connection.sides.values():
                direction.pending.clear()
                direction.buffer.clear()

