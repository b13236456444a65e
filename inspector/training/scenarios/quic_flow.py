"""Build QUIC connections as browsers and servers make them, into a ``Capture``.

``QuicFlow`` is one client's QUIC connection to one server (UDP, any port): the client's
Initial packets carry a browser-like TLS 1.3 ClientHello (SNI, ALPN ``h3``, GREASE, X25519
and optionally a post-quantum key share big enough to need two Initial packets, QUIC
transport parameters with max_idle_timeout), padded to 1,200 bytes; the server's Initial
carries an ACK and its ServerHello, coalesced with a Handshake packet; then 1-RTT traffic.
Initial packets are protected with the real Initial keys (``inspector.formats.quic``), so
tshark decrypts and dissects them as it does a browser's. Handshake and 1-RTT payloads are
random bytes (their keys would come from the TLS handshake, which is not run).

Shapes: ``connect`` (a full handshake and some traffic), ``unanswered`` (Initials sent
again on the RFC 9002 schedule and never answered: UDP blocked), ``refused_with_alert``
(the server closes in its Initial with a TLS alert), ``retry`` and ``version_negotiation``.
Randomness comes from the caller's seeded ``random.Random``.

>>> import random
>>> from inspector.training.scenarios.packets import Capture
>>> capture = Capture()
>>> flow = QuicFlow(capture, random.Random(1), "10.0.0.5", 50000, "203.0.113.7", 443)
>>> flow.connect(1_794_906_000.0, rtt=0.02, sni="www.example.com")
>>> len(capture.frames), len(capture.frames[0].data) - 42  # Ethernet, IPv4, UDP headers
(11, 1200)
"""

from __future__ import annotations

import random

from inspector.formats.quic import QUIC_V1, close_frame, crypto_frame, initial_keys, seal_initial
from inspector.formats.quic.packets import QUIC_V2, encode_varint
from inspector.formats.quic.protection import retry_integrity_tag
from inspector.training.scenarios.packets import PROTO_UDP, Capture, udp

CLIENT_INITIAL_SIZE = 1200
_GREASE = (0x0A0A, 0x1A1A, 0x2A2A, 0x3A3A, 0x4A4A)


def _vector(data: bytes, size: int) -> bytes:
    return len(data).to_bytes(size, "big") + data


def _u16s(values) -> bytes:
    return b"".join(value.to_bytes(2, "big") for value in values)


def _extension(kind: int, data: bytes) -> bytes:
    return kind.to_bytes(2, "big") + _vector(data, 2)


def browser_client_hello(rng: random.Random, sni: str, *, alpn: tuple[bytes, ...] = (b"h3",),
                         post_quantum: bool = False, idle_timeout_ms: int = 30_000,
                         quic: bool = True,
                         ciphers: tuple[int, ...] = (0x1301, 0x1302, 0x1303)) -> bytes:
    """A TLS 1.3 ClientHello handshake message as a browser sends it over QUIC (or, with
    ``quic=False``, over TCP: no transport parameters)."""
    grease = rng.choice(_GREASE)
    groups = ([grease] + ([0x11EC] if post_quantum else []) + [0x001D, 0x0017, 0x0018])
    shares = _u16s([grease]) + _vector(b"\x00", 2)
    if post_quantum:  # X25519MLKEM768: 1,184 bytes of ML-KEM key and 32 of X25519
        shares += _u16s([0x11EC]) + _vector(rng.randbytes(1216), 2)
    shares += _u16s([0x001D]) + _vector(rng.randbytes(32), 2)
    parameters = (encode_varint(0x01) + _vector(encode_varint(idle_timeout_ms), 1)
                  + encode_varint(0x04) + _vector(encode_varint(15_728_640), 1)
                  + encode_varint(0x0F) + _vector(rng.randbytes(8), 1))
    extensions = b"".join([
        _extension(grease, b""),
        _extension(0x0000, _vector(b"\x00" + _vector(sni.encode(), 2), 2)),
        _extension(0x000A, _vector(_u16s(groups), 2)),
        _extension(0x000D, _vector(_u16s([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
                                          0x0806, 0x0601]), 2)),
        _extension(0x0010, _vector(b"".join(_vector(value, 1) for value in alpn), 2)),
        _extension(0x002B, _vector(_u16s([0x0304]), 1)),
        _extension(0x002D, _vector(b"\x01", 1)),
        _extension(0x0033, _vector(shares, 2)),
        *([_extension(0x0039, parameters)] if quic else []),
        _extension(rng.choice(_GREASE) ^ 0x1010, b"\x00"),
    ])
    body = (b"\x03\x03" + rng.randbytes(32) + _vector(b"", 1)
            + _vector(_u16s([rng.choice(_GREASE), *ciphers]), 2)
            + _vector(b"\x00", 1) + _vector(extensions, 2))
    return b"\x01" + _vector(body, 3)


def server_hello(rng: random.Random) -> bytes:
    """The TLS 1.3 ServerHello a QUIC server answers with (TLS_AES_128_GCM_SHA256, X25519)."""
    extensions = (_extension(0x002B, b"\x03\x04")
                  + _extension(0x0033, _u16s([0x001D]) + _vector(rng.randbytes(32), 2)))
    body = (b"\x03\x03" + rng.randbytes(32) + _vector(b"", 1) + b"\x13\x01\x00"
            + _vector(extensions, 2))
    return b"\x02" + _vector(body, 3)


class QuicFlow:
    """One QUIC connection between a client and a server, written into a ``Capture``.

    Attributes:
        original_id: the Destination Connection ID of the client's first Initial, which
            the Initial keys derive from; ``client_id``, ``server_id``: each side's own ID.
    """

    def __init__(self, capture: Capture, rng: random.Random, client: str, client_port: int,
                 server: str, server_port: int = 443, *, version: int = QUIC_V1) -> None:
        self.capture, self.rng = capture, rng
        self.client, self.client_port = client, client_port
        self.server, self.server_port = server, server_port
        self.version = version
        self.original_id = rng.randbytes(8)
        self.client_id = rng.randbytes(8)
        self.server_id = rng.randbytes(8)
        self.keys = initial_keys(self.original_id, version)
        self.numbers = {True: 0, False: 0}
        self.crypto_offset = {True: 0, False: 0}
        self.hello = b""
        self.answered = False

    def datagram(self, time: float, from_client: bool, payload: bytes) -> None:
        src, dst = (self.client, self.server) if from_client else (self.server, self.client)
        sport, dport = ((self.client_port, self.server_port) if from_client
                        else (self.server_port, self.client_port))
        self.capture.add_ip(time, src, dst, PROTO_UDP, udp(src, dst, sport, dport, payload),
                            to_client=not from_client)

    def initial(self, from_client: bool, frames: bytes, *, pad_to: int = 0,
                destination: bytes | None = None, token: bytes = b"") -> bytes:
        """One protected Initial packet (not yet sent)."""
        number = self.numbers[from_client]
        self.numbers[from_client] += 1
        keys = self.keys.client if from_client else self.keys.server
        if destination is None:
            # Once it heard from the server, the client addresses it by the server's own ID
            # (the Initial keys stay those of the original one).
            destination = ((self.server_id if self.answered else self.original_id)
                           if from_client else self.client_id)
        source = self.client_id if from_client else self.server_id
        return seal_initial(self.version, destination, source, number, frames, keys,
                            token=token, pad_to=pad_to)

    def crypto(self, from_client: bool, message: bytes) -> bytes:
        """A CRYPTO frame carrying ``message`` next in that side's handshake stream."""
        frame = crypto_frame(self.crypto_offset[from_client], message)
        self.crypto_offset[from_client] += len(message)
        return frame

    def opaque(self, kind: str, from_client: bool, size: int) -> bytes:
        """A Handshake (long header) or 1-RTT (short header) packet of random content."""
        if kind == "short":
            destination = self.server_id if from_client else self.client_id
            return bytes([0x40 | self.rng.randrange(4)]) + destination + self.rng.randbytes(size)
        handshake_type = 3 if self.version == QUIC_V2 else 2
        source, destination = ((self.client_id, self.server_id) if from_client
                               else (self.server_id, self.client_id))
        body = self.rng.randbytes(size)
        return (bytes([0xC0 | handshake_type << 4 | 0x03]) + self.version.to_bytes(4, "big")
                + bytes([len(destination)]) + destination + bytes([len(source)]) + source
                + encode_varint(len(body)) + body)

    def client_initials(self, time: float, sni: str, *, post_quantum: bool = False,
                        alpn: tuple[bytes, ...] = (b"h3",), hello: bytes | None = None
                        ) -> float:
        """The ClientHello (``hello``, else a new one) in Initial packets of 1,200-byte
        datagrams, two when it does not fit in one; returns the time of the last."""
        if hello is None:
            hello = browser_client_hello(self.rng, sni, alpn=alpn, post_quantum=post_quantum)
        self.hello = hello
        room = 1000
        for start in range(0, len(hello), room):
            self.datagram(time, True, self.initial(True, self.crypto(True, hello[start:start
                                                                           + room]),
                                                   pad_to=CLIENT_INITIAL_SIZE))
            time += 0.0001
        return time - 0.0001

    def connect(self, time: float, rtt: float, sni: str, *, post_quantum: bool = False,
                exchanges: int = 3) -> None:
        """A full handshake, then ``exchanges`` request/response rounds of 1-RTT packets."""
        sent = self.client_initials(time, sni, post_quantum=post_quantum)
        answer = sent + rtt
        ack = b"\x02" + encode_varint(self.numbers[True] - 1) + b"\x00\x00\x00"
        self.datagram(answer, False, self.initial(False, ack + self.crypto(
            False, server_hello(self.rng))) + self.opaque("handshake", False, 1000))
        self.answered = True
        self.datagram(answer + 0.0002, False, self.opaque("handshake", False, 900))
        finished = answer + rtt / 2
        self.datagram(finished, True, self.initial(
            True, b"\x02" + encode_varint(0) + b"\x00\x00\x00", pad_to=CLIENT_INITIAL_SIZE))
        self.datagram(finished + 0.0001, True, self.opaque("handshake", True, 60)
                      + self.opaque("short", True, 80))
        for number in range(exchanges):
            at = finished + 0.01 + number * rtt * 2
            self.datagram(at, True, self.opaque("short", True, self.rng.randrange(60, 400)))
            self.datagram(at + rtt, False, self.opaque("short", False,
                                                       self.rng.randrange(200, 1200)))

    def unanswered(self, time: float, sni: str, *, attempts: int = 4,
                   post_quantum: bool = False) -> float:
        """The client's Initials, sent again after 0.3 s, then twice as long each time
        (RFC 9002's probe timeout), never answered; returns when the client gave up."""
        wait = 0.3
        hello = browser_client_hello(self.rng, sni, post_quantum=post_quantum)
        for _ in range(attempts):
            self.crypto_offset[True] = 0  # each probe carries the same ClientHello again
            self.client_initials(time, sni, hello=hello)
            time += wait
            wait *= 2
        return time

    def refused_with_alert(self, time: float, rtt: float, sni: str, alert: int,
                           reason: str = "") -> None:
        """The server answers the ClientHello with CONNECTION_CLOSE: TLS alert ``alert``."""
        sent = self.client_initials(time, sni)
        self.datagram(sent + rtt, False, self.initial(False, close_frame(0x100 + alert, reason,
                                                                         frame_type=0x06)))

    def retry(self, time: float, rtt: float, sni: str) -> float:
        """The server answers with a Retry; the client starts again with the new ID and the
        token. Returns when the client's second Initial was sent."""
        sent = self.client_initials(time, sni)
        token = self.rng.randbytes(24)
        retry_type = 0 if self.version == QUIC_V2 else 3
        new_id = self.rng.randbytes(8)
        packet = (bytes([0xC0 | retry_type << 4]) + self.version.to_bytes(4, "big")
                  + bytes([len(self.client_id)]) + self.client_id + bytes([len(new_id)])
                  + new_id + token)
        self.datagram(sent + rtt, False, packet + retry_integrity_tag(
            self.version, self.original_id, packet))
        self.original_id = new_id
        self.keys = initial_keys(new_id, self.version)
        self.numbers = {True: 0, False: 0}
        self.crypto_offset = {True: 0, False: 0}
        hello = browser_client_hello(self.rng, sni)
        self.datagram(sent + 2 * rtt, True, self.initial(True, self.crypto(True, hello),
                                                         pad_to=CLIENT_INITIAL_SIZE,
                                                         token=token))
        return sent + 2 * rtt

    def version_negotiation(self, time: float, rtt: float, sni: str,
                            offered: tuple[int, ...] = (0xFF00001D,)) -> None:
        """The server speaks none of the client's versions and says which it does."""
        sent = self.client_initials(time, sni)
        self.datagram(sent + rtt, False, bytes([0x80 | self.rng.randrange(128)]) + bytes(4)
                      + bytes([len(self.client_id)]) + self.client_id
                      + bytes([len(self.original_id)]) + self.original_id
                      + b"".join(v.to_bytes(4, "big") for v in offered))
