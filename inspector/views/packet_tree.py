"""A frame as Wireshark's packet details show it: a tree of layers and fields, each knowing
the bytes it was read from, and the hex dump those bytes are highlighted in.

``packet_detail(state, source, row)`` reads frame ``row.number`` again from the capture (rows
keep no payload) and returns a ``PacketDetail``: the tree (``Field``: label, first byte,
length, children) and the frame's bytes. Every header the capture reader decodes is laid out
here field by field with its exact offsets (Ethernet with VLAN tags, Linux cooked, loopback,
IPv4, IPv6, TCP with its flags and options, UDP, ICMP), then the application layer the packet
list named (``inspector.views.dissect``): TLS records with their handshake messages, the
server name and alerts; DNS header, questions and answers; HTTP header lines. What is not
dissected stays one "Data" field, so every byte belongs to some field.

Reading frame 200,000 again means reading the capture up to it; ``FrameCache`` keeps the
frames around the last one read, so stepping through neighbours with the arrow keys does not
read the capture again.

``hex_dump`` lays the bytes out 16 to a line, and ``hex_spans`` says which characters of it a
field covers (its hex digits and its characters), for the bytes pane to highlight.

>>> hex_dump(b"GET / HTTP/1.1")
'0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31        GET / HTTP/1.1'
>>> hex_spans(4, 3)
[(0, 18, 26), (0, 59, 62)]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from inspector.formats.pcap import CaptureError, Packet, network_offset, read_packets
from inspector.formats.protocols import HANDSHAKE_NAMES, RECORD_NAMES, TCP_FLAG_BITS, alert_name
from inspector.views.dissect import DNS_PORTS, DNS_TYPES, TLS_VERSIONS, client_hello_sni, dns_name
from inspector.views.packets import IP_PROTOCOLS, PacketRow
from inspector.views.source import MemberSource, State
from inspector.views.tcp_analysis import FLAG_NAMES

HEX_WIDTH = 16
MAX_DUMP_BYTES = 65_536
CACHE_FRAMES = 256
LINK_NAMES = {0: "Null/Loopback", 1: "Ethernet II", 101: "Raw IP", 108: "Loopback",
              113: "Linux cooked capture v1", 276: "Linux cooked capture v2"}


@dataclass
class Field:
    """One line of the details tree: what it says, the bytes it was read from, its children.

    ``length`` 0 means the field is computed (a relative sequence number, an analysis
    verdict), not read from bytes of its own.
    """

    label: str
    start: int = 0
    length: int = 0
    children: list[Field] = field(default_factory=list)

    def add(self, label: str, start: int = 0, length: int = 0) -> Field:
        child = Field(label, start, length)
        self.children.append(child)
        return child


@dataclass(frozen=True)
class PacketDetail:
    """A frame decoded: the details tree and the frame's bytes."""

    number: int
    tree: list[Field]
    data: bytes


def _u16(data: bytes, at: int) -> int:
    return (data[at] << 8) | data[at + 1] if at + 2 <= len(data) else 0


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "big") if at + 4 <= len(data) else 0


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _ipv4(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)


def _ipv6(raw: bytes) -> str:
    import ipaddress

    return str(ipaddress.IPv6Address(raw)) if len(raw) == 16 else raw.hex()


def build_tree(packet: Packet, row: PacketRow | None = None) -> list[Field]:
    """The details tree of ``packet``; ``row`` (its list row) adds the TCP analysis."""
    data = packet.data
    when = datetime.fromtimestamp(packet.time, UTC)
    frame = Field(f"Frame {packet.index}: {packet.wire_length} bytes on wire, {len(data)} bytes "
                  f"captured", 0, len(data))
    frame.add(f"Arrival Time: {when:%Y-%m-%d %H:%M:%S.%f} UTC")
    frame.add(f"Epoch Time: {packet.time:.6f} seconds")
    frame.add(f"Frame Number: {packet.index}")
    frame.add(f"Encapsulation: {LINK_NAMES.get(packet.linktype, packet.linktype)}")
    tree = [frame]
    offset, version = network_offset(packet.linktype, data)
    link = _link_layer(packet.linktype, data, offset)
    if link is not None:
        tree.append(link)
    end = offset
    if version == 4:
        end = _ipv4_layer(tree, data, offset, row)
    elif version == 6:
        end = _ipv6_layer(tree, data, offset, row)
    if end < len(data):
        tree.append(Field(f"Data ({len(data) - end} bytes)", end, len(data) - end))
    return tree


def _link_layer(linktype: int, data: bytes, offset: int) -> Field | None:
    if linktype == 1 and len(data) >= 14:
        layer = Field(f"Ethernet II, Src: {_mac(data[6:12])}, Dst: {_mac(data[0:6])}", 0,
                      offset or 14)
        layer.add(f"Destination: {_mac(data[0:6])}", 0, 6)
        layer.add(f"Source: {_mac(data[6:12])}", 6, 6)
        at = 12
        while at + 4 <= len(data) and _u16(data, at) in (0x8100, 0x88A8, 0x9100):
            tag = _u16(data, at + 2)
            layer.add(f"802.1Q Virtual LAN, PRI: {tag >> 13}, DEI: {(tag >> 12) & 1}, "
                      f"ID: {tag & 0x0FFF}", at, 4)
            at += 4
        layer.add(f"Type: 0x{_u16(data, at):04x}", at, 2)
        if offset > at + 2:
            layer.add("PPPoE and PPP headers", at + 2, offset - at - 2)
        return layer
    if linktype == 113 and len(data) >= 16:
        layer = Field("Linux cooked capture v1", 0, 16)
        layer.add(f"Packet type: {_u16(data, 0)}", 0, 2)
        layer.add(f"Link-layer address type: {_u16(data, 2)}", 2, 2)
        layer.add(f"Source: {_mac(data[6:6 + min(data[5], 8)])}", 6, 8)
        layer.add(f"Protocol: 0x{_u16(data, 14):04x}", 14, 2)
        return layer
    if linktype == 276 and len(data) >= 20:
        layer = Field("Linux cooked capture v2", 0, 20)
        layer.add(f"Protocol: 0x{_u16(data, 0):04x}", 0, 2)
        layer.add(f"Interface index: {_u32(data, 4)}", 4, 4)
        layer.add(f"Packet type: {data[10]}", 10, 1)
        layer.add(f"Source: {_mac(data[12:12 + min(data[11], 8)])}", 12, 8)
        return layer
    if linktype in (0, 108) and len(data) >= 4:
        layer = Field(LINK_NAMES[linktype], 0, 4)
        layer.add(f"Family: {data[0] | data[3]}", 0, 4)
        return layer
    return None


def _ipv4_layer(tree: list[Field], data: bytes, o: int, row: PacketRow | None) -> int:
    if len(data) < o + 20:
        return o
    header = (data[o] & 0x0F) * 4
    total = _u16(data, o + 2)
    protocol = data[o + 9]
    src, dst = _ipv4(data[o + 12:o + 16]), _ipv4(data[o + 16:o + 20])
    layer = Field(f"Internet Protocol Version 4, Src: {src}, Dst: {dst}", o,
                  min(header, len(data) - o))
    tree.append(layer)
    layer.add(f"Version: 4, Header Length: {header} bytes", o, 1)
    layer.add(f"Differentiated Services Field: 0x{data[o + 1]:02x}", o + 1, 1)
    layer.add(f"Total Length: {total}", o + 2, 2)
    layer.add(f"Identification: 0x{_u16(data, o + 4):04x} ({_u16(data, o + 4)})", o + 4, 2)
    fragment = _u16(data, o + 6)
    flags = layer.add(f"Flags: 0x{fragment >> 13:x}", o + 6, 2)
    flags.add(f"Don't fragment: {'Set' if fragment & 0x4000 else 'Not set'}", o + 6, 2)
    flags.add(f"More fragments: {'Set' if fragment & 0x2000 else 'Not set'}", o + 6, 2)
    layer.add(f"Fragment Offset: {(fragment & 0x1FFF) * 8}", o + 6, 2)
    layer.add(f"Time to Live: {data[o + 8]}", o + 8, 1)
    layer.add(f"Protocol: {IP_PROTOCOLS.get(protocol, 'unknown')} ({protocol})", o + 9, 1)
    layer.add(f"Header Checksum: 0x{_u16(data, o + 10):04x}", o + 10, 2)
    layer.add(f"Source Address: {src}", o + 12, 4)
    layer.add(f"Destination Address: {dst}", o + 16, 4)
    if header > 20:
        layer.add(f"Options ({header - 20} bytes)", o + 20, header - 20)
    if fragment & 0x1FFF:
        return o + header
    end = min(len(data), o + total) if total else len(data)
    return _transport(tree, data, protocol, o + header, end, row)


def _ipv6_layer(tree: list[Field], data: bytes, o: int, row: PacketRow | None) -> int:
    if len(data) < o + 40:
        return o
    src, dst = _ipv6(data[o + 8:o + 24]), _ipv6(data[o + 24:o + 40])
    layer = Field(f"Internet Protocol Version 6, Src: {src}, Dst: {dst}", o, 40)
    tree.append(layer)
    word = _u32(data, o)
    layer.add(f"Version: 6, Traffic Class: 0x{(word >> 20) & 0xFF:02x}, Flow Label: "
              f"0x{word & 0xFFFFF:05x}", o, 4)
    payload = _u16(data, o + 4)
    layer.add(f"Payload Length: {payload}", o + 4, 2)
    protocol = data[o + 6]
    layer.add(f"Next Header: {IP_PROTOCOLS.get(protocol, protocol)} ({protocol})", o + 6, 1)
    layer.add(f"Hop Limit: {data[o + 7]}", o + 7, 1)
    layer.add(f"Source Address: {src}", o + 8, 16)
    layer.add(f"Destination Address: {dst}", o + 24, 16)
    at = o + 40
    while protocol in (0, 43, 60, 135, 139, 140, 44, 51) and at + 8 <= len(data):
        size = 8 if protocol == 44 else ((data[at + 1] + 2) * 4 if protocol == 51
                                         else (data[at + 1] + 1) * 8)
        layer.add(f"Extension header {protocol} ({size} bytes)", at, size)
        if protocol == 44 and _u16(data, at + 2) >> 3:
            return min(at + size, len(data))
        protocol = data[at]
        at += size
    end = min(len(data), o + 40 + payload) if payload else len(data)
    return _transport(tree, data, protocol, at, end, row)


def _transport(tree: list[Field], data: bytes, protocol: int, t: int, end: int,
               row: PacketRow | None) -> int:
    if protocol == 6 and end >= t + 20:
        return _tcp_layer(tree, data, t, end, row)
    if protocol == 17 and end >= t + 8:
        sport, dport = _u16(data, t), _u16(data, t + 2)
        layer = Field(f"User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}", t, 8)
        tree.append(layer)
        layer.add(f"Source Port: {sport}", t, 2)
        layer.add(f"Destination Port: {dport}", t + 2, 2)
        layer.add(f"Length: {_u16(data, t + 4)}", t + 4, 2)
        layer.add(f"Checksum: 0x{_u16(data, t + 6):04x}", t + 6, 2)
        _application(tree, data, t + 8, end, 17, (sport, dport), row)
        return end
    if protocol in (1, 58) and end >= t + 4:
        name = "Internet Control Message Protocol" + ("v6" if protocol == 58 else "")
        layer = Field(name, t, end - t)
        tree.append(layer)
        layer.add(f"Type: {data[t]}", t, 1)
        layer.add(f"Code: {data[t + 1]}", t + 1, 1)
        layer.add(f"Checksum: 0x{_u16(data, t + 2):04x}", t + 2, 2)
        if end > t + 4:
            layer.add(f"Rest ({end - t - 4} bytes)", t + 4, end - t - 4)
        return end
    if protocol in (4, 41):
        inner = _ipv4_layer if protocol == 4 else _ipv6_layer
        return inner(tree, data, t, row)
    return t


def _tcp_layer(tree: list[Field], data: bytes, t: int, end: int, row: PacketRow | None) -> int:
    sport, dport = _u16(data, t), _u16(data, t + 2)
    header = (data[t + 12] >> 4) * 4
    payload = max(0, end - t - header)
    seq = f"{row.seq} (relative), raw {_u32(data, t + 4)}" if row else str(_u32(data, t + 4))
    ack = f"{row.ack} (relative), raw {_u32(data, t + 8)}" if row else str(_u32(data, t + 8))
    layer = Field(f"Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}, "
                  f"Len: {payload}", t, min(header, end - t))
    tree.append(layer)
    layer.add(f"Source Port: {sport}", t, 2)
    layer.add(f"Destination Port: {dport}", t + 2, 2)
    if row is not None:
        layer.add(f"[Stream index: {row.stream}]")
    layer.add(f"Sequence Number: {seq}", t + 4, 4)
    layer.add(f"Acknowledgment Number: {ack}", t + 8, 4)
    layer.add(f"Header Length: {header} bytes", t + 12, 1)
    flags = data[t + 13]
    names = [name for name, bit in TCP_FLAG_BITS if flags & bit]
    node = layer.add(f"Flags: 0x{flags:03x} ({', '.join(names) or 'none'})", t + 12, 2)
    for name, bit in TCP_FLAG_BITS:
        node.add(f"{name}: {'Set' if flags & bit else 'Not set'}", t + 13, 1)
    window = _u16(data, t + 14)
    layer.add(f"Window: {window}", t + 14, 2)
    if row is not None and row.window_size != window:
        layer.add(f"[Calculated window size: {row.window_size}]")
    layer.add(f"Checksum: 0x{_u16(data, t + 16):04x}", t + 16, 2)
    layer.add(f"Urgent Pointer: {_u16(data, t + 18)}", t + 18, 2)
    if header > 20:
        layer.add(f"Options ({header - 20} bytes)", t + 20, min(header - 20, end - t - 20))
    if row is not None and row.analysis:
        verdicts = layer.add("[SEQ/ACK analysis]")
        for name, bit in FLAG_NAMES.items():
            if row.analysis & bit:
                verdicts.add(f"tcp.analysis.{name}")
    if payload:
        layer.add(f"TCP payload ({payload} bytes)", t + header, payload)
        _application(tree, data, t + header, end, 6, (sport, dport), row)
    return end


def _application(tree: list[Field], data: bytes, start: int, end: int, transport: int,
                 ports: tuple[int, int], row: PacketRow | None) -> None:
    protocol = row.protocol if row is not None else ""
    payload = data[start:end]
    if protocol.startswith(("TLS", "SSL")):
        _tls(tree, payload, start)
    elif protocol == "DNS" and (ports[0] in DNS_PORTS or ports[1] in DNS_PORTS):
        skip = 2 if transport == 6 else 0
        _dns(tree, payload[skip:], start + skip)
    elif protocol == "HTTP":
        _http(tree, payload, start)


def _tls(tree: list[Field], payload: bytes, base: int) -> None:
    position = 0
    while position + 5 <= len(payload) and payload[position] in RECORD_NAMES:
        kind, version = payload[position], _u16(payload, position + 1)
        length = _u16(payload, position + 3)
        body = payload[position + 5:position + 5 + length]
        at = base + position
        name = TLS_VERSIONS.get(version, f"0x{version:04x}")
        record = Field(f"{name} Record Layer: {RECORD_NAMES[kind]} Protocol", at,
                       5 + len(body))
        tree.append(record)
        record.add(f"Content Type: {RECORD_NAMES[kind]} ({kind})", at, 1)
        record.add(f"Version: {name} (0x{version:04x})", at + 1, 2)
        record.add(f"Length: {length}", at + 3, 2)
        if kind == 21 and len(body) == 2:
            record.add(f"Level: {'Fatal' if body[0] == 2 else 'Warning'} ({body[0]})", at + 5, 1)
            record.add(f"Description: {alert_name(body[1])} ({body[1]})", at + 6, 1)
        elif kind == 22:
            _handshakes(record, body, at + 5)
        position += 5 + length


def _handshakes(record: Field, body: bytes, at: int) -> None:
    offset = 0
    if not body or body[0] not in HANDSHAKE_NAMES:
        record.add("Encrypted Handshake Message", at, len(body))
        return
    while offset + 4 <= len(body) and body[offset] in HANDSHAKE_NAMES:
        kind = body[offset]
        length = int.from_bytes(body[offset + 1:offset + 4], "big")
        message = record.add(f"Handshake Protocol: {HANDSHAKE_NAMES[kind]}", at + offset,
                             min(4 + length, len(body) - offset))
        message.add(f"Handshake Type: {HANDSHAKE_NAMES[kind]} ({kind})", at + offset, 1)
        message.add(f"Length: {length}", at + offset + 1, 3)
        content = body[offset + 4:offset + 4 + length]
        if kind in (1, 2) and len(content) >= 34:
            version = _u16(content, 0)
            message.add(f"Version: {TLS_VERSIONS.get(version, hex(version))}", at + offset + 4, 2)
            message.add("Random (32 bytes)", at + offset + 6, 32)
        if kind == 1:
            sni = client_hello_sni(content)
            if sni:
                where = content.find(sni.encode("ascii", "replace"))
                start = at + offset + 4 + where if where >= 0 else at + offset
                message.add(f"Server Name Indication: {sni}", start,
                            len(sni) if where >= 0 else 0)
        offset += 4 + length


def _dns(tree: list[Field], message: bytes, base: int) -> None:
    if len(message) < 12:
        return
    flags = _u16(message, 2)
    kind = "response" if flags & 0x8000 else "query"
    layer = Field(f"Domain Name System ({kind})", base, len(message))
    tree.append(layer)
    layer.add(f"Transaction ID: 0x{_u16(message, 0):04x}", base, 2)
    node = layer.add(f"Flags: 0x{flags:04x}", base + 2, 2)
    node.add(f"Response: {'Message is a response' if flags & 0x8000 else 'Message is a query'}",
             base + 2, 2)
    node.add(f"Opcode: {(flags >> 11) & 0xF}", base + 2, 2)
    if flags & 0x8000:
        node.add(f"Reply code: {flags & 0xF}", base + 2, 2)
    counts = [_u16(message, 4 + 2 * i) for i in range(4)]
    for index, name in enumerate(("Questions", "Answer RRs", "Authority RRs",
                                  "Additional RRs")):
        layer.add(f"{name}: {counts[index]}", base + 4 + 2 * index, 2)
    at = 12
    if counts[0]:
        queries = layer.add("Queries", base + at, 0)
        for _ in range(min(counts[0], 32)):
            name, after = dns_name(message, at)
            if after < 0 or after + 4 > len(message):
                return
            qtype = _u16(message, after)
            queries.add(f"{name}: type {DNS_TYPES.get(qtype, qtype)}", base + at,
                        after + 4 - at)
            at = after + 4
    if counts[1]:
        answers = layer.add("Answers", base + at, 0)
        for _ in range(min(counts[1], 64)):
            name, after = dns_name(message, at)
            if after < 0 or after + 10 > len(message):
                return
            rtype, length = _u16(message, after), _u16(message, after + 8)
            data = message[after + 10:after + 10 + length]
            value = _ipv4(data) if rtype == 1 and length == 4 else (
                _ipv6(data) if rtype == 28 and length == 16 else f"{length} bytes")
            answers.add(f"{name}: type {DNS_TYPES.get(rtype, rtype)}, TTL "
                        f"{_u32(message, after + 4)}, {value}", base + at,
                        after + 10 + length - at)
            at = after + 10 + length


def _http(tree: list[Field], payload: bytes, base: int) -> None:
    head_end = payload.find(b"\r\n\r\n")
    head = payload[:head_end if head_end >= 0 else len(payload)]
    layer = Field("Hypertext Transfer Protocol", base, len(payload))
    tree.append(layer)
    at = 0
    for line in head.split(b"\r\n")[:200]:
        layer.add(line[:300].decode("latin-1"), base + at, len(line) + 2)
        at += len(line) + 2
    if head_end >= 0 and head_end + 4 < len(payload):
        layer.add(f"File Data: {len(payload) - head_end - 4} bytes", base + head_end + 4,
                  len(payload) - head_end - 4)


# --- reading a frame again, and its bytes ------------------------------------------------------


class FrameCache:
    """The frames around the last one read from one capture (see the module doc)."""

    def __init__(self, size: int = CACHE_FRAMES) -> None:
        self.size = size
        self.frames: dict[int, Packet] = {}
        # Two detail reads can overlap (the user moved on; the first is being cancelled).
        self._lock = threading.Lock()

    def get(self, state: State, source: MemberSource, number: int) -> Packet | None:
        with self._lock:
            if number in self.frames:
                return self.frames[number]
            low = number - self.size // 2
            frames: dict[int, Packet] = {}
            with source.open() as stream:
                try:
                    for packet in read_packets(stream):
                        if state.cancelled or packet.index >= low + self.size:
                            break
                        if packet.index >= low:
                            frames[packet.index] = packet
                except CaptureError:
                    pass  # the frames before the bad record are what there is
            if not state.cancelled:
                self.frames = frames
            return frames.get(number)


def packet_detail(state: State, source: MemberSource, row: PacketRow,
                  cache: FrameCache | None = None) -> PacketDetail | None:
    """Frame ``row.number`` decoded; None when it is no longer in the capture, or cancelled."""
    packet = (cache or FrameCache(1)).get(state, source, row.number)
    if packet is None or state.cancelled:
        return None
    return PacketDetail(row.number, build_tree(packet, row), packet.data)


def hex_dump(data: bytes, limit: int = MAX_DUMP_BYTES) -> str:
    """Offset, 16 bytes in hex, the same bytes as characters (``.`` when not printable)."""
    lines = []
    for offset in range(0, min(len(data), limit), HEX_WIDTH):
        chunk = data[offset:offset + HEX_WIDTH]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:04x}  {chunk.hex(' '):<47}  {text}")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes")
    return "\n".join(lines)


def hex_spans(start: int, length: int) -> list[tuple[int, int, int]]:
    """``(line, first column, end column)`` of ``hex_dump``'s text covering bytes
    ``start .. start + length``: the hex digits, then the characters, line by line."""
    spans = []
    end = start + length
    position = start
    while position < end:
        line, first = divmod(position, HEX_WIDTH)
        last = min(end, (line + 1) * HEX_WIDTH) - line * HEX_WIDTH  # exclusive, in the line
        spans.append((line, 6 + 3 * first, 6 + 3 * last - 1))
        spans.append((line, 6 + 47 + 2 + first, 6 + 47 + 2 + last))
        position = (line + 1) * HEX_WIDTH
    return spans
