"""The frames of a decrypted Initial packet (RFC 9000 12.4, 19), CRYPTO data put back in
order, the TLS messages it carries, and QUIC's error codes in words.

An Initial packet may hold only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE (transport)
frames; anything else there ends the reading of that packet. CRYPTO frames carry the TLS
handshake at offsets of a per-direction stream: ``CryptoStream`` keeps what arrived out of
order (bounded) and hands over each handshake message once its bytes are contiguous, as a
TCP reassembler would.

>>> frames = parse_frames(bytes.fromhex("06" "00" "05") + b"hello" + bytes(3) + bytes.fromhex(
...     "1c" "4178" "06" "00"))
>>> [(f.kind, f.offset, f.data) for f in frames if f.kind == "crypto"]
[('crypto', 0, b'hello')]
>>> [close] = [f for f in frames if f.kind == "close"]
>>> close.error_code, error_name(close.error_code)
(376, 'TLS alert no_application_protocol (120)')
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.formats.protocols import alert_name
from inspector.formats.quic.packets import encode_varint, read_varint

# Out-of-order CRYPTO bytes kept per direction while waiting for a gap to fill; a
# ClientHello with post-quantum key shares is 2-3 KB, certificates come in Handshake packets.
MAX_PENDING_CRYPTO = 64 * 1024
MAX_HANDSHAKE_MESSAGE = 1 << 16

# RFC 9000 20.1.
TRANSPORT_ERRORS = {
    0x00: "NO_ERROR", 0x01: "INTERNAL_ERROR", 0x02: "CONNECTION_REFUSED",
    0x03: "FLOW_CONTROL_ERROR", 0x04: "STREAM_LIMIT_ERROR", 0x05: "STREAM_STATE_ERROR",
    0x06: "FINAL_SIZE_ERROR", 0x07: "FRAME_ENCODING_ERROR", 0x08: "TRANSPORT_PARAMETER_ERROR",
    0x09: "CONNECTION_ID_LIMIT_ERROR", 0x0A: "PROTOCOL_VIOLATION", 0x0B: "INVALID_TOKEN",
    0x0C: "APPLICATION_ERROR", 0x0D: "CRYPTO_BUFFER_EXCEEDED", 0x0E: "KEY_UPDATE_ERROR",
    0x0F: "AEAD_LIMIT_REACHED", 0x10: "NO_VIABLE_PATH", 0x11: "VERSION_NEGOTIATION_ERROR",
}
# RFC 9000 18.2: the transport parameter that bounds the idle time, in milliseconds.
MAX_IDLE_TIMEOUT = 0x01


def error_name(code: int) -> str:
    """A transport error code in words: codes 0x100-0x1ff carry a TLS alert (RFC 9001 4.8)."""
    if 0x100 <= code <= 0x1FF:
        return f"TLS alert {alert_name(code - 0x100)} ({code - 0x100})"
    return TRANSPORT_ERRORS.get(code, f"error 0x{code:x}")


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame: ``crypto`` (``offset``, ``data``), ``close`` (``error_code``,
    ``frame_type``, ``reason``), ``ack``, ``ping`` or ``padding`` (runs of it are one)."""

    kind: str
    offset: int = 0
    data: bytes = b""
    error_code: int = 0
    frame_type: int = 0
    reason: str = ""


def parse_frames(payload: bytes) -> list[Frame]:
    """The frames of an Initial packet's payload, up to the first one an Initial may not
    hold or that is cut short."""
    frames: list[Frame] = []
    position = 0
    try:
        while position < len(payload):
            kind = payload[position]
            if kind == 0x00:
                # A client Initial is padded to 1,200 bytes: skip the run at C speed.
                position = len(payload) - len(payload[position:].lstrip(b"\0"))
                frames.append(Frame("padding"))
            elif kind == 0x01:
                position += 1
                frames.append(Frame("ping"))
            elif kind in (0x02, 0x03):
                position = _skip_ack(payload, position + 1, kind == 0x03)
                frames.append(Frame("ack"))
            elif kind == 0x06:
                offset, position = read_varint(payload, position + 1)
                length, position = read_varint(payload, position)
                if position + length > len(payload):
                    break
                frames.append(Frame("crypto", offset, payload[position:position + length]))
                position += length
            elif kind in (0x1C, 0x1D):
                code, position = read_varint(payload, position + 1)
                frame_type = 0
                if kind == 0x1C:
                    frame_type, position = read_varint(payload, position)
                length, position = read_varint(payload, position)
                reason = payload[position:position + length].decode("utf-8", "replace")
                position += length
                frames.append(Frame("close", error_code=code, frame_type=frame_type,
                                    reason=reason[:200]))
            else:
                break
    except IndexError:
        pass
    return frames


def _skip_ack(payload: bytes, position: int, with_ecn: bool) -> int:
    _largest, position = read_varint(payload, position)
    _delay, position = read_varint(payload, position)
    ranges, position = read_varint(payload, position)
    _first, position = read_varint(payload, position)
    for _ in range(min(ranges, 256) * 2):
        _value, position = read_varint(payload, position)
    if with_ecn:
        for _ in range(3):
            _value, position = read_varint(payload, position)
    return position


class CryptoStream:
    """One direction's CRYPTO stream: data by offset, handed over in order as complete TLS
    handshake messages (type, body).

    Attributes:
        delivered: bytes handed over so far (the next offset expected).
        overflowed: more than ``MAX_PENDING_CRYPTO`` bytes waited for a gap, or a message
            claimed an impossible length: the rest of this stream is not read.
    """

    def __init__(self) -> None:
        self.delivered = 0
        self.pending: dict[int, bytes] = {}
        self.pending_bytes = 0
        self.buffer = bytearray()
        self.overflowed = False

    def add(self, offset: int, data: bytes) -> list[tuple[int, bytes]]:
        """Take a CRYPTO frame's data; return the handshake messages it completes."""
        if self.overflowed:
            return []
        end = offset + len(data)
        if end <= self.delivered:
            return []  # a retransmission of what was already read
        if offset > self.delivered:
            if len(data) > len(self.pending.get(offset, b"")):
                self.pending_bytes += len(data) - len(self.pending.get(offset, b""))
                self.pending[offset] = data
            if self.pending_bytes > MAX_PENDING_CRYPTO:
                self.overflowed = True
            return []
        self._take(data[self.delivered - offset:])
        while self.pending:
            ready = [start for start in self.pending if start <= self.delivered]
            if not ready:
                break
            for start in sorted(ready):
                chunk = self.pending.pop(start)
                self.pending_bytes -= len(chunk)
                if start + len(chunk) > self.delivered:
                    self._take(chunk[self.delivered - start:])
        return self._messages()

    def _take(self, data: bytes) -> None:
        self.buffer += data
        self.delivered += len(data)

    def _messages(self) -> list[tuple[int, bytes]]:
        messages = []
        buffer = self.buffer
        while len(buffer) >= 4:
            length = int.from_bytes(buffer[1:4], "big")
            if length > MAX_HANDSHAKE_MESSAGE:
                self.overflowed = True
                break
            if len(buffer) < 4 + length:
                break
            messages.append((buffer[0], bytes(buffer[4:4 + length])))
            del buffer[:4 + length]
        return messages


def transport_parameter(parameters: bytes, wanted: int) -> int | None:
    """The integer value of transport parameter ``wanted`` (RFC 9000 18) in the
    ``quic_transport_parameters`` extension's data, or ``None``."""
    position = 0
    try:
        while position < len(parameters):
            identifier, position = read_varint(parameters, position)
            length, position = read_varint(parameters, position)
            if identifier == wanted and length:
                return read_varint(parameters[position:position + length], 0)[0]
            position += length
    except IndexError:
        return None
    return None


def crypto_frame(offset: int, data: bytes) -> bytes:
    """A CRYPTO frame carrying ``data`` at ``offset`` of the handshake stream."""
    return b"\x06" + encode_varint(offset) + encode_varint(len(data)) + data


def close_frame(error_code: int, reason: str = "", frame_type: int = 0) -> bytes:
    """A transport CONNECTION_CLOSE frame (0x1c)."""
    text = reason.encode()
    return (b"\x1c" + encode_varint(error_code) + encode_varint(frame_type)
            + encode_varint(len(text)) + text)
