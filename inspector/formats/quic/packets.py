"""QUIC packet headers (RFC 8999, RFC 9000 17, RFC 9369 3.2), and the variable-length
integers everything in QUIC is written with.

A UDP datagram holds one or more QUIC packets. A long-header packet (Initial, 0-RTT,
Handshake, Retry, and Version Negotiation) says its version and both connection IDs in the
clear, and its length, so several can be coalesced; a short-header (1-RTT) packet runs to
the end of the datagram and its connection ID's length is known only to the endpoints.
``split_datagram`` reads what is readable without keys; the packet number and payload stay
protected (``protection`` removes Initial protection).

>>> read_varint(bytes.fromhex("c2197c5eff14e88c"), 0), read_varint(bytes.fromhex("9d7f3e7d"), 0)
((151288809941952652, 8), (494878333, 4))
>>> [negotiation] = split_datagram(bytes.fromhex("80" "00000000" "00" "00" "00000001"))
>>> negotiation.kind, negotiation.supported_versions
('version_negotiation', (1,))
"""

from __future__ import annotations

from dataclasses import dataclass

QUIC_V1 = 0x00000001
QUIC_V2 = 0x6B3343CF
QUIC_DRAFT_29 = 0xFF00001D
VERSION_NAMES = {QUIC_V1: "QUIC v1", QUIC_V2: "QUIC v2", QUIC_DRAFT_29: "QUIC draft-29"}

# The two type bits of a long header, per version (RFC 9369 swapped them around).
_TYPES_V1 = {0: "initial", 1: "0rtt", 2: "handshake", 3: "retry"}
_TYPES_V2 = {1: "initial", 2: "0rtt", 3: "handshake", 0: "retry"}
MAX_CONNECTION_ID = 20


def version_name(version: int) -> str:
    """``QUIC v1``, or the version in hex for one this reader does not decrypt."""
    return VERSION_NAMES.get(version, f"0x{version:08x}")


def read_varint(data: bytes, position: int) -> tuple[int, int]:
    """A QUIC variable-length integer at ``position`` and the offset after it; raises
    ``IndexError`` when ``data`` ends first."""
    first = data[position]
    length = 1 << (first >> 6)
    if position + length > len(data):
        raise IndexError("varint runs past the end")
    value = first & 0x3F
    for offset in range(1, length):
        value = (value << 8) | data[position + offset]
    return value, position + length


def encode_varint(value: int) -> bytes:
    """The shortest encoding of ``value`` (below 2^62)."""
    for length, prefix in ((1, 0), (2, 0x40), (4, 0x80), (8, 0xC0)):
        if value < 1 << (8 * length - 2):
            encoded = bytearray(value.to_bytes(length, "big"))
            encoded[0] |= prefix
            return bytes(encoded)
    raise ValueError("a QUIC varint holds at most 2^62 - 1")


@dataclass(frozen=True, slots=True)
class QuicPacket:
    """One packet of a datagram, as far as it is readable without keys.

    Attributes:
        kind: ``initial``, ``0rtt``, ``handshake``, ``retry``, ``version_negotiation`` or
            ``short`` (1-RTT; nothing else of it is readable).
        version: the version field (0 for version negotiation and for short packets).
        destination_id, source_id: the connection IDs (empty for a short packet).
        token: an Initial's address-validation token, or a Retry's token.
        packet: the packet's bytes; ``payload_offset`` is where its protected packet
            number starts (Initial, 0-RTT, Handshake).
        supported_versions: what a Version Negotiation packet offers.
    """

    kind: str
    version: int
    destination_id: bytes
    source_id: bytes
    packet: bytes
    payload_offset: int = 0
    token: bytes = b""
    supported_versions: tuple[int, ...] = ()


def looks_like_quic(datagram: bytes) -> bool:
    """A long header of a version this reader knows (with the fixed bit set): enough to try
    a datagram on any port as the start of a connection. Short headers and Version
    Negotiation (which only answers a client's Initial) are followed on known connections
    only: RTP, for one, starts with 0x80 too."""
    if len(datagram) < 7 or datagram[0] & 0xC0 != 0xC0:
        return False
    return int.from_bytes(datagram[1:5], "big") in VERSION_NAMES


def split_datagram(datagram: bytes) -> list[QuicPacket]:
    """The packets of a datagram, first to last; a packet that cannot be read ends the list
    (what follows cannot be found), so a non-QUIC datagram gives ``[]``."""
    packets: list[QuicPacket] = []
    position = 0
    while position < len(datagram):
        try:
            packet, end = _packet(datagram, position)
        except (IndexError, ValueError):
            break
        packets.append(packet)
        if end <= position:
            break
        position = end
    return packets


def _packet(data: bytes, start: int) -> tuple[QuicPacket, int]:
    first = data[start]
    if not first & 0x80:
        return QuicPacket("short", 0, b"", b"", data[start:]), len(data)
    version = int.from_bytes(data[start + 1:start + 5], "big")
    position = start + 5
    destination_length = data[position]
    if destination_length > MAX_CONNECTION_ID and version in VERSION_NAMES:
        raise ValueError("connection ID too long")
    destination = data[position + 1:position + 1 + destination_length]
    position += 1 + destination_length
    source_length = data[position]
    source = data[position + 1:position + 1 + source_length]
    position += 1 + source_length
    if len(source) != source_length or len(destination) != destination_length:
        raise IndexError("cut in the connection IDs")
    if version == 0:
        offered = tuple(int.from_bytes(data[offset:offset + 4], "big")
                        for offset in range(position, len(data) - 3, 4))
        return QuicPacket("version_negotiation", 0, destination, source, data[start:],
                          supported_versions=offered), len(data)
    if version not in VERSION_NAMES:
        raise ValueError(f"unknown QUIC version 0x{version:08x}")
    kind = (_TYPES_V2 if version == QUIC_V2 else _TYPES_V1)[(first >> 4) & 0x03]
    if kind == "retry":
        return QuicPacket("retry", version, destination, source, data[start:],
                          token=data[position:len(data) - 16]), len(data)
    token = b""
    if kind == "initial":
        token_length, position = read_varint(data, position)
        token = data[position:position + token_length]
        position += token_length
    length, position = read_varint(data, position)
    end = position + length
    if end > len(data) or length < 20:  # packet number and a sample's worth at least
        raise IndexError("packet runs past the datagram")
    return QuicPacket(kind, version, destination, source, data[start:end],
                      payload_offset=position - start, token=token), end
