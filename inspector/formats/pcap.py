"""Read pcap and pcapng captures and decode packets down to the transport layer, fast;
write classic pcap.

Two reading layers, both plain ``struct`` code with no scapy on the path (scapy dissects a
few thousand packets a second; this reads several hundred thousand):

- ``read_packets(stream)`` yields every frame of a classic pcap (microsecond or nanosecond
  timestamps, either byte order, and the Kuznetzov "modified" variant) or a pcapng file
  (SHB/IDB/EPB/SPB/OPB blocks, several interfaces with their own link type, ``if_tsresol`` and
  ``if_tsoffset``, either byte order, several sections). Frames are numbered from 1 across
  the whole file, the same number Wireshark shows. Other block types (name resolution,
  statistics, secrets, custom) are skipped. When a record is truncated or malformed the
  reader raises ``CaptureError`` *after* yielding every good frame before it, so callers keep
  the results so far.
- ``decode(packet)`` peels the link layer (Ethernet, stacked 802.1Q/802.1ad tags, PPPoE
  sessions, Linux cooked SLL and SLL2, raw IP, BSD null/loopback) and IPv4 (with options;
  non-first fragments are not decoded) or IPv6 (extension headers skipped) and returns a
  ``Transport`` with the TCP/UDP/ICMP header fields, or ``None`` for anything else.

``PcapWriter`` writes classic pcap: the one writer behind the training scenarios' captures
and the header-only captures of a redacted bundle.

``Transport.payload_length`` comes from the IP length fields, so it stays right when the
capture's snaplen cut the bytes short (``len(payload)`` is what was captured). For ICMP and
ICMPv6, ``payload`` is the whole ICMP message starting at its type byte.

The network analyzer's hot loop uses the lower level directly: ``frame_batches`` (lists of
plain ``Frame`` tuples, one list per buffer-full), ``network_offset`` and
``skip_ipv6_extensions``; they are public for that one fast consumer, and their tuple shapes
change together with it. A ``Frame`` carries its time as integer nanoseconds since the epoch,
as Wireshark keeps it (``nstime_t``): a float of epoch seconds holds only about a quarter of
a microsecond today, too coarse to compare two timestamps a microsecond apart the way
Wireshark's TCP analysis does. ``Packet.time`` is that time in float seconds.

Speed decisions, measured (``bench/bench_network.py``): the stream is read in 1 MiB chunks
and a record cut by a chunk's end is completed by reading just its missing bytes (never by joining
the rest onto the whole next chunk, which copied the capture a second time); whole records in
the buffer are read in a tight loop and handed over as a list, since resuming a generator per
frame costs about as much as reading the record.

>>> import io, struct
>>> header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
>>> frame = bytes(12) + b"\\x08\\x00" + bytes.fromhex("4500001c000040004011") + bytes(18)
>>> record = struct.pack("<IIII", 1_700_000_000, 250_000, len(frame), len(frame)) + frame
>>> [packet] = read_packets(io.BytesIO(header + record))
>>> (packet.index, packet.time, packet.linktype, packet.wire_length)
(1, 1700000000.25, 1, 42)
>>> decode(packet).protocol
17
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["L2TP_PORT", "CaptureError", "Frame", "Packet", "PcapWriter", "Transport", "decode",
           "frame_batches", "l2tp_inner", "network_offset", "read_packets",
           "skip_ipv6_extensions"]

# Link types (https://www.tcpdump.org/linktypes.html); DLT 12 and 14 are raw IP on some OSes.
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_DLT_RAW1 = 12
LINKTYPE_DLT_RAW2 = 14
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_UDP = 17
PROTO_ICMPV6 = 58

_CHUNK = 1 << 20
_SECOND = 1_000_000_000  # nanoseconds
# A frame or block larger than this is corruption, not data (pcapng's own readers cap at 16 MiB).
_MAX_RECORD = 16 << 20

_ETHERTYPE_IPV4 = 0x0800
_ETHERTYPE_IPV6 = 0x86DD
_ETHERTYPE_PPPOE_SESSION = 0x8864
_VLAN_TAGS = frozenset({0x8100, 0x88A8, 0x9100, 0x9200})
# BSD AF_INET6 differs per OS (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS); AF_INET is 2.
_BSD_INET6 = frozenset({24, 28, 30})
_IPV6_EXTENSIONS = frozenset({0, 43, 60, 135, 139, 140})


class CaptureError(Exception):
    """A truncated or malformed capture record.

    Attributes:
        packets_read: how many frames were yielded before the bad record.
    """

    def __init__(self, message: str, packets_read: int) -> None:
        super().__init__(message)
        self.packets_read = packets_read


@dataclass(slots=True)
class Packet:
    """One captured frame.

    Attributes:
        index: 1-based frame number, as Wireshark numbers frames.
        time: epoch seconds (UTC); nanosecond captures keep what a float can hold.
        linktype: LINKTYPE of the frame's interface.
        data: the captured bytes (shorter than ``wire_length`` when the snaplen cut them).
        wire_length: the frame's length on the wire.
    """

    index: int
    time: float
    linktype: int
    data: bytes
    wire_length: int


@dataclass(slots=True)
class Transport:
    """The IP and transport header fields of one packet.

    Attributes:
        ip_version: 4 or 6.
        src, dst: addresses in their usual text form.
        protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 (any other IP protocol number is kept).
        src_port, dst_port: 0 unless TCP or UDP.
        tcp_flags: the 8 TCP flag bits (FIN 0x01 ... CWR 0x80), 0 unless TCP.
        seq, ack: raw TCP sequence and acknowledgement numbers.
        window: raw TCP window field; the caller applies the scale from the handshake.
        payload: captured TCP/UDP payload, or the whole ICMP message.
        payload_length: the payload's length according to the IP header.
        tcp_options: raw TCP option bytes.
    """

    ip_version: int
    src: str
    dst: str
    protocol: int
    src_port: int
    dst_port: int
    tcp_flags: int
    seq: int
    ack: int
    window: int
    payload: bytes
    payload_length: int
    tcp_options: bytes


# --- reading ---------------------------------------------------------------------------------


class _Buffer:
    """Sequential reads over a stream in 1 MiB chunks: ``data[position:]`` is what is unread."""

    __slots__ = ("data", "position", "stream")

    def __init__(self, stream: BinaryIO, head: bytes) -> None:
        self.stream = stream
        self.data = head
        self.position = 0

    def fill(self, size: int) -> bool:
        """Make ``size`` bytes available from ``position``; False if the stream ends first.

        A used-up buffer is replaced by the next chunk as it is; a record cut by the chunk's
        end gets only its missing bytes read and joined to it. (Joining the rest onto a whole
        new chunk would copy every byte of the capture once more: a third of the time the
        reader takes.)
        """
        available = len(self.data) - self.position
        if available >= size:
            return True
        if available:
            parts = [self.data[self.position:]]
        else:
            chunk = self.stream.read(max(_CHUNK, size))
            self.data = chunk
            self.position = 0
            available = len(chunk)
            if available >= size or not chunk:
                return available >= size
            parts = [chunk]
        while available < size:
            chunk = self.stream.read(size - available)
            if not chunk:
                break
            parts.append(chunk)
            available += len(chunk)
        self.data = b"".join(parts)
        self.position = 0
        return available >= size


def read_packets(stream: BinaryIO) -> Iterator[Packet]:
    """Every frame of a pcap or pcapng stream, in file order.

    Raises ``CaptureError`` for an unknown file header, or after the last good frame when a
    record is truncated or malformed.
    """
    for batch in frame_batches(stream):
        for index, time_ns, linktype, data, wire_length in batch:
            yield Packet(index, time_ns / _SECOND, linktype, data, wire_length)


Frame = tuple[int, int, int, bytes, int]


def frame_batches(stream: BinaryIO) -> Iterator[list[Frame]]:
    """``read_packets`` as plain ``(index, time_ns, linktype, data, wire_length)`` tuples,
    ``time_ns`` in integer nanoseconds since the epoch, in lists: the frames of one
    buffer-full (about 1 MiB) at a time.

    A consumer looping over lists skips one generator resume per frame, which costs about as
    much as reading the record itself. Every good frame is handed over before a
    ``CaptureError``.
    """
    head = stream.read(24)
    if len(head) < 4:
        raise CaptureError("not a capture: the file is shorter than any capture header", 0)
    if head[:4] == b"\x0a\x0d\x0d\x0a":
        return _pcapng_batches(_Buffer(stream, head))
    return _pcap_batches(_Buffer(stream, head))


_PCAP_MAGICS = {
    # magic as read little-endian -> (byte order, nanoseconds per fraction unit, extra
    # record bytes)
    0xA1B2C3D4: ("<", 1000, 0),
    0xD4C3B2A1: (">", 1000, 0),
    0xA1B23C4D: ("<", 1, 0),
    0x4D3CB2A1: (">", 1, 0),
    0xA1B2CD34: ("<", 1000, 8),  # Kuznetzov's modified pcap: ifindex, protocol, pkt_type
    0x34CDB2A1: (">", 1000, 8),
}


def _pcap_batches(buffer: _Buffer) -> Iterator[list[Frame]]:
    (magic,) = struct.unpack_from("<I", buffer.data, 0)
    if magic not in _PCAP_MAGICS:
        raise CaptureError(f"not a pcap or pcapng capture (magic {magic:#010x})", 0)
    order, unit, extra = _PCAP_MAGICS[magic]
    if not buffer.fill(24):
        raise CaptureError("the pcap file header is truncated", 0)
    # The upper bits of the link-type field carry FCS information, not the link type.
    linktype = struct.unpack_from(order + "I", buffer.data, 20)[0] & 0xFFFF
    buffer.position = 24
    record = struct.Struct(order + "IIII")
    record_size = 16 + extra
    unpack = record.unpack_from
    index = 0
    while True:
        # Every whole record already in the buffer, then one refill.
        data = buffer.data
        position = buffer.position
        available = len(data)
        batch: list[Frame] = []
        append = batch.append
        while position + record_size <= available:
            seconds, fraction_count, captured, wire_length = unpack(data, position)
            start = position + record_size
            end = start + captured
            if end > available or captured > _MAX_RECORD:
                break
            index += 1
            append((index, seconds * _SECOND + fraction_count * unit, linktype,
                    data[start:end], wire_length))
            position = end
        buffer.position = position
        if batch:
            yield batch
        if not buffer.fill(record_size):
            if len(buffer.data) - buffer.position:
                raise CaptureError(f"record header after frame {index} is truncated", index)
            return
        captured = unpack(buffer.data, buffer.position)[2]
        if captured > _MAX_RECORD:
            raise CaptureError(f"frame {index + 1} claims {captured:,} captured bytes", index)
        if not buffer.fill(record_size + captured):
            raise CaptureError(f"frame {index + 1} is truncated", index)


# Per byte order: a block's (type, total length), and an enhanced packet block's (interface,
# timestamp high, timestamp low, captured length, wire length).
_PCAPNG_HEADERS = {order: (struct.Struct(order + "II").unpack_from,
                           struct.Struct(order + "IIIII").unpack_from) for order in "<>"}


def _pcapng_batches(buffer: _Buffer) -> Iterator[list[Frame]]:
    order = "<"
    block_header, packet_header = _PCAPNG_HEADERS[order]
    # per interface of the current section: (linktype, nanoseconds = ticks * multiplier //
    # divisor, offset nanoseconds)
    interfaces: list[tuple[int, int, int, int]] = []
    index = 0
    while True:
        # Enhanced packet blocks wholly in the buffer, nearly every block of a capture, in a
        # tight loop; anything else, or anything wrong, is left to the block-by-block code
        # below, which reports errors.
        data = buffer.data
        position = buffer.position
        available = len(data)
        batch: list[Frame] = []
        append = batch.append
        while position + 12 <= available:
            block_type, block_length = block_header(data, position)
            end = position + block_length
            if (block_type != 6 or end > available or block_length < 32 or block_length % 4
                    or block_length > _MAX_RECORD):
                break
            interface, high, low, captured, wire_length = packet_header(data, position + 8)
            start = position + 28
            if start + captured > end - 4 or interface >= len(interfaces):
                break
            linktype, multiplier, divisor, offset = interfaces[interface]
            index += 1
            append((index, offset + ((high << 32) | low) * multiplier // divisor, linktype,
                    data[start:start + captured], wire_length))
            position = end
        buffer.position = position
        if batch:
            yield batch

        if not buffer.fill(12):
            if len(buffer.data) - buffer.position:
                raise CaptureError(f"block header after frame {index} is truncated", index)
            return
        data = buffer.data
        position = buffer.position
        block_type = block_header(data, position)[0]
        if block_type == 0x0A0D0D0A:
            magic = data[position + 8:position + 12]
            if magic == b"\x4d\x3c\x2b\x1a":
                order = "<"
            elif magic == b"\x1a\x2b\x3c\x4d":
                order = ">"
            else:
                raise CaptureError(f"section header after frame {index} has a bad "
                                   "byte-order magic", index)
            block_header, packet_header = _PCAPNG_HEADERS[order]
            interfaces = []
        block_length = block_header(data, position)[1]
        if block_length < 12 or block_length % 4 or block_length > _MAX_RECORD:
            raise CaptureError(f"block after frame {index} has an impossible length "
                               f"({block_length:,})", index)
        if not buffer.fill(block_length):
            raise CaptureError(f"block after frame {index} is truncated", index)
        data = buffer.data
        position = buffer.position
        buffer.position = position + block_length
        body = position + 8
        body_end = position + block_length - 4
        if block_type == 6:  # enhanced packet block
            if body_end - body < 20:
                raise CaptureError(f"frame {index + 1}: packet block too short", index)
            interface, high, low, captured, wire_length = packet_header(data, body)
            start = body + 20
        elif block_type == 3:  # simple packet block: interface 0, no timestamp
            if body_end - body < 4:
                raise CaptureError(f"frame {index + 1}: packet block too short", index)
            (wire_length,) = struct.unpack_from(order + "I", data, body)
            interface, high, low = 0, 0, 0
            start = body + 4
            captured = min(wire_length, body_end - start)
        elif block_type == 2:  # obsolete packet block
            if body_end - body < 20:
                raise CaptureError(f"frame {index + 1}: packet block too short", index)
            interface, _drops, high, low, captured, wire_length = struct.unpack_from(
                order + "HHIIII", data, body)
            start = body + 20
        else:
            if block_type == 1:
                interfaces.append(_interface(data, body, body_end, order, index))
            continue
        if start + captured > body_end:
            raise CaptureError(f"frame {index + 1} claims more bytes than its block holds",
                               index)
        if interface >= len(interfaces):
            raise CaptureError(f"frame {index + 1} names interface {interface}, which the "
                               "capture never described", index)
        linktype, multiplier, divisor, offset = interfaces[interface]
        index += 1
        yield [(index, offset + ((high << 32) | low) * multiplier // divisor, linktype,
                data[start:start + captured], wire_length)]


def _interface(data: bytes, body: int, body_end: int, order: str,
               index: int) -> tuple[int, int, int, int]:
    """An interface description block: (linktype, multiplier, divisor, offset), a timestamp
    of ``ticks`` being ``offset + ticks * multiplier // divisor`` nanoseconds."""
    if body_end - body < 8:
        raise CaptureError(f"interface block after frame {index} is too short", index)
    linktype = struct.unpack_from(order + "H", data, body)[0]
    multiplier, divisor = 1000, 1  # microseconds unless if_tsresol says otherwise
    offset = 0
    position = body + 8
    while position + 4 <= body_end:
        code, length = struct.unpack_from(order + "HH", data, position)
        value = position + 4
        if code == 0:
            break
        if code == 9 and length >= 1:  # if_tsresol: 10^-n, or 2^-n when the top bit is set
            resolution = data[value]
            exponent = resolution & 0x7F
            if resolution & 0x80:
                multiplier, divisor = _SECOND, 1 << exponent
            elif exponent <= 9:
                multiplier, divisor = 10 ** (9 - exponent), 1
            else:
                multiplier, divisor = 1, 10 ** (exponent - 9)
        elif code == 14 and length >= 8:  # if_tsoffset: seconds added to every timestamp
            offset = struct.unpack_from(order + "q", data, value)[0] * _SECOND
        position = value + ((length + 3) & ~3)
    return linktype, multiplier, divisor, offset


# --- decoding --------------------------------------------------------------------------------

_inet_ntop = socket.inet_ntop
_AF_INET6 = socket.AF_INET6
_u16 = struct.Struct("!H").unpack_from
_TCP = struct.Struct("!HHIIBBH").unpack_from
_UDP = struct.Struct("!HH").unpack_from


def _ipv4_text(raw: bytes) -> str:
    return "%d.%d.%d.%d" % (raw[0], raw[1], raw[2], raw[3])  # noqa: UP031 - fastest form


def network_offset(linktype: int, data: bytes) -> tuple[int, int]:
    """(offset of the IP header, IP version 4/6) for a frame; version 0 when not IP."""
    if linktype == LINKTYPE_ETHERNET:
        offset = 12
        if len(data) < 14:
            return 0, 0
        ethertype = (data[12] << 8) | data[13]
        while ethertype in _VLAN_TAGS:
            offset += 4
            if len(data) < offset + 2:
                return 0, 0
            ethertype = (data[offset] << 8) | data[offset + 1]
        offset += 2
        if ethertype == _ETHERTYPE_PPPOE_SESSION:
            # PPPoE header (6 bytes), then the 2-byte PPP protocol: 0x21 IPv4, 0x57 IPv6.
            if len(data) < offset + 8:
                return 0, 0
            ppp_protocol = (data[offset + 6] << 8) | data[offset + 7]
            offset += 8
            if ppp_protocol == 0x0021:
                return offset, 4
            if ppp_protocol == 0x0057:
                return offset, 6
            return 0, 0
    elif linktype == LINKTYPE_LINUX_SLL:
        if len(data) < 16:
            return 0, 0
        ethertype = (data[14] << 8) | data[15]
        offset = 16
    elif linktype == LINKTYPE_LINUX_SLL2:
        if len(data) < 20:
            return 0, 0
        ethertype = (data[0] << 8) | data[1]
        offset = 20
    elif linktype in (LINKTYPE_RAW, LINKTYPE_DLT_RAW1, LINKTYPE_DLT_RAW2, LINKTYPE_IPV4,
                      LINKTYPE_IPV6):
        if not data:
            return 0, 0
        version = data[0] >> 4
        return 0, version if version in (4, 6) else 0
    elif linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
        if len(data) < 4:
            return 0, 0
        # NULL stores the family in the capturing host's byte order, LOOP in network order.
        family = data[0] | data[3]
        if family == 2:
            return 4, 4
        if family in _BSD_INET6:
            return 4, 6
        return 0, 0
    else:
        return 0, 0
    if ethertype == _ETHERTYPE_IPV4:
        return offset, 4
    if ethertype == _ETHERTYPE_IPV6:
        return offset, 6
    return 0, 0


def skip_ipv6_extensions(data: bytes, protocol: int, start: int,
                          ip_payload: int) -> tuple[int, int, int] | None:
    """Walk IPv6 extension headers: ``(upper protocol, its offset, payload left)``, or
    ``None`` when the packet is cut short or is a non-first fragment (no ports)."""
    while protocol in _IPV6_EXTENSIONS or protocol in (44, 51):
        if len(data) < start + 8:
            return None
        if protocol == 44:  # fragment header: only the first fragment has ports
            if (_u16(data, start + 2)[0] >> 3) != 0:
                return None
            length = 8
        elif protocol == 51:  # authentication header counts 4-byte words
            length = (data[start + 1] + 2) * 4
        else:
            length = (data[start + 1] + 1) * 8
        protocol = data[start]
        start += length
        ip_payload -= length
    return protocol, start, ip_payload


L2TP_PORT = 1701


def l2tp_inner(payload: bytes) -> bytes | None:
    """The IPv4 or IPv6 packet an L2TPv2 data message (RFC 2661, UDP port 1701) carries in
    PPP, or ``None`` for a control message or anything else.

    >>> l2tp_inner(bytes.fromhex("0002" "05f7" "206a" "ff03" "0057") + b"\x60" + bytes(39))[:1]
    b'`'
    """
    if len(payload) < 6:
        return None
    flags = (payload[0] << 8) | payload[1]
    if flags & 0x8000 or flags & 0x000F != 2:  # a control message, or not version 2
        return None
    position = 2 + (2 if flags & 0x4000 else 0) + 4 + (4 if flags & 0x0800 else 0)
    if flags & 0x0200:  # an offset field, then that many bytes of padding
        if len(payload) < position + 2:
            return None
        position += 2 + ((payload[position] << 8) | payload[position + 1])
    ppp = payload[position:]
    if ppp[:2] == b"\xff\x03":  # address and control, unless compressed away
        ppp = ppp[2:]
    if ppp[:1] and ppp[0] & 1:  # protocol field compressed to one byte
        protocol, inner = ppp[0], ppp[1:]
    else:
        protocol, inner = (ppp[0] << 8) | ppp[1] if len(ppp) >= 2 else 0, ppp[2:]
    if (protocol == 0x21 and inner[:1] and inner[0] >> 4 == 4) or (
            protocol == 0x57 and inner[:1] and inner[0] >> 4 == 6):
        return inner
    return None


def _decode_fields(linktype: int, data: bytes) -> tuple | None:
    """``decode`` as a tuple in ``Transport`` field order, or ``None``."""
    offset, version = network_offset(linktype, data)
    if version == 4:
        if len(data) < offset + 20 or data[offset] >> 4 != 4:
            return None
        header_length = (data[offset] & 0x0F) * 4
        if header_length < 20:
            return None
        # A non-first fragment carries no transport header.
        if ((data[offset + 6] & 0x1F) << 8) | data[offset + 7]:
            return None
        total_length = (data[offset + 2] << 8) | data[offset + 3]
        protocol = data[offset + 9]
        src = _ipv4_text(data[offset + 12:offset + 16])
        dst = _ipv4_text(data[offset + 16:offset + 20])
        start = offset + header_length
        # Length 0 means TCP segmentation offload handed the frame up before IP filled it in.
        ip_payload = (total_length - header_length if total_length
                      else len(data) - start)
    elif version == 6:
        if len(data) < offset + 40 or data[offset] >> 4 != 6:
            return None
        payload_field = (data[offset + 4] << 8) | data[offset + 5]
        protocol = data[offset + 6]
        src = _inet_ntop(_AF_INET6, data[offset + 8:offset + 24])
        dst = _inet_ntop(_AF_INET6, data[offset + 24:offset + 40])
        start = offset + 40
        ip_payload = payload_field if payload_field else len(data) - start
        skipped = skip_ipv6_extensions(data, protocol, start, ip_payload)
        if skipped is None:
            return None
        protocol, start, ip_payload = skipped
    else:
        return None
    if protocol == PROTO_TCP:
        if len(data) < start + 20:
            return None
        src_port, dst_port, seq, ack, data_offset, flags, window = _TCP(data, start)
        tcp_header = (data_offset >> 4) * 4
        if tcp_header < 20:
            return None
        payload_start = start + tcp_header
        ip_end = start + ip_payload
        return (version, src, dst, protocol, src_port, dst_port, flags, seq, ack, window,
                data[payload_start:ip_end], max(ip_payload - tcp_header, 0),
                data[start + 20:payload_start])
    if protocol == PROTO_UDP:
        if len(data) < start + 8:
            return None
        src_port, dst_port = _UDP(data, start)
        return (version, src, dst, protocol, src_port, dst_port, 0, 0, 0, 0,
                data[start + 8:start + ip_payload], max(ip_payload - 8, 0), b"")
    return (version, src, dst, protocol, 0, 0, 0, 0, 0, 0,
            data[start:start + max(ip_payload, 0)], max(ip_payload, 0), b"")


def decode(packet: Packet) -> Transport | None:
    """The IP and TCP/UDP/ICMP fields of ``packet``, or ``None`` when it is not IP or the
    headers are cut short (or it is a non-first IPv4/IPv6 fragment)."""
    fields = _decode_fields(packet.linktype, packet.data)
    return None if fields is None else Transport(*fields)


# --- writing ---------------------------------------------------------------------------------

# tcpdump's default snapshot length: no frame is cut.
DEFAULT_SNAPLEN = 262144
PCAP_MAGIC_MICROSECONDS = 0xA1B2C3D4
PCAP_MAGIC_NANOSECONDS = 0xA1B23C4D


class PcapWriter:
    """A classic pcap file written to a binary stream: the file header as soon as the writer
    is made, then one record per ``write``.

    A record's time is given as the two fields pcap stores, whole seconds and the fraction
    in micro- or nanoseconds, so the writer never rounds: a float epoch time holds about a
    quarter of a microsecond at today's dates, and whether a fraction that rounds up to a
    whole second carries into the next second is the caller's decision.

    >>> import io
    >>> out = io.BytesIO()
    >>> writer = PcapWriter(out, LINKTYPE_ETHERNET, snaplen=65535)
    >>> frame = bytes(12) + b"\\x08\\x00" + bytes.fromhex("4500001c000040004011") + bytes(18)
    >>> writer.write(1_700_000_000, 250_000, frame[:20], wire_length=len(frame))
    >>> [packet] = read_packets(io.BytesIO(out.getvalue()))
    >>> (packet.time, len(packet.data), packet.wire_length)
    (1700000000.25, 20, 42)

    Attributes:
        linktype: the one link type of every frame in the file (pcap has one per file).
        nanosecond: fractions are nanoseconds (magic ``a1b23c4d``), else microseconds.
    """

    def __init__(self, stream: BinaryIO, linktype: int = LINKTYPE_ETHERNET, *,
                 snaplen: int = DEFAULT_SNAPLEN, nanosecond: bool = False,
                 big_endian: bool = False) -> None:
        self.linktype = linktype
        self.nanosecond = nanosecond
        self._stream = stream
        order = ">" if big_endian else "<"
        self._record = struct.Struct(order + "IIII").pack
        magic = PCAP_MAGIC_NANOSECONDS if nanosecond else PCAP_MAGIC_MICROSECONDS
        stream.write(struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))

    def write(self, seconds: int, fraction: int, captured: bytes,
              wire_length: int | None = None) -> None:
        """One frame: ``captured`` is what the file keeps of it, ``wire_length`` (default:
        all of ``captured``) its length on the wire."""
        length = len(captured) if wire_length is None else wire_length
        self._stream.write(self._record(seconds, fraction, len(captured), length))
        self._stream.write(captured)
