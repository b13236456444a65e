"""What the packet list and the training text say about frames: rows, details, summaries.

Rows come from ``inspector.formats.pcap`` (``read_packets``/``decode``: plain ``struct``
parsing at hundreds of thousands of frames a second); ``load_packets`` emits them in
batches, so the first rows show while the rest load. A row keeps only the columns (no
payload): the decoded fields of a selected frame are read again from the capture by
``packet_details``, and dissected by scapy there (one packet, so its speed does not
matter). Beyond ``MAX_ROWS`` frames the list stops and says so; memory stays bounded
whatever the capture's size.

Frame numbers are Wireshark's (1-based, every frame, IP or not), as in ``PacketLocator``.
Protocol values are named by ``inspector.formats.protocols`` (TCP flags, TLS records,
handshake messages and alerts, DNS response codes), so a packet is described in the same
words as the analyzers' findings; QUIC datagrams are read by ``inspector.formats.quic``
across the list (a server's Initial needs its client's first), their hellos named as TLS's
(``quic_summary``); ``tls_summary`` and ``dns_summary`` name what a payload
starts with, for the one-line-per-packet text of training mode.

>>> protocol_name(6, 51514, 443)
'TLS'
>>> tls_summary(bytes([21, 3, 3, 0, 2, 2, 45]))
'Alert (fatal, certificate_expired)'
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inspector.formats.pcap import CaptureError, Packet, decode, read_packets
from inspector.formats.protocols import (
    CONTENT_ALERT,
    CONTENT_HANDSHAKE,
    HANDSHAKE_NAMES,
    RECORD_NAMES,
    alert_name,
    dns_rcode_name,
    tcp_flag_names,
)
from inspector.formats.quic import QuicDatagram, QuicReader, error_name
from inspector.views.source import MemberSource, State

MAX_ROWS = 1_000_000
BATCH_SECONDS = 0.05
WELL_KNOWN = {443: "TLS", 80: "HTTP", 8080: "HTTP", 53: "DNS", 3306: "MySQL",
              5432: "PostgreSQL", 22: "SSH", 25: "SMTP", 123: "NTP", 6379: "Redis",
              8443: "TLS", 5353: "mDNS", 67: "DHCP", 68: "DHCP"}
IP_PROTOCOLS = {6: "TCP", 17: "UDP", 1: "ICMP", 58: "ICMPv6"}


def protocol_name(protocol: int, source_port: int, destination_port: int) -> str:
    """The application protocol a well-known port suggests, else the IP protocol's name."""
    for port in (min(source_port, destination_port), max(source_port, destination_port)):
        if port in WELL_KNOWN and protocol in (6, 17):
            return WELL_KNOWN[port]
    return IP_PROTOCOLS.get(protocol, f"IP proto {protocol}")


@dataclass(frozen=True, slots=True)
class PacketRow:
    """What the list shows of one frame.

    Attributes:
        conversation: the two endpoints and the protocol, order-independent, or None.
    """

    number: int
    time: float
    source: str
    destination: str
    protocol: str
    length: int
    summary: str
    conversation: tuple | None


def packet_row(packet: Packet, quic: QuicReader | None = None) -> PacketRow:
    """One frame's row; ``quic`` follows QUIC connections across the list (the Initial keys
    of a server's packets come from its client's first Initial)."""
    transport = decode(packet)
    if transport is None:
        return PacketRow(packet.index, packet.time, "", "", f"link {packet.linktype}",
                         packet.wire_length, "not IP, or headers cut short", None)
    ports = transport.protocol in (6, 17)
    source = f"{transport.src}:{transport.src_port}" if ports else transport.src
    destination = f"{transport.dst}:{transport.dst_port}" if ports else transport.dst
    if transport.protocol == 6:
        summary = (f"{transport.src_port} → {transport.dst_port} "
                   f"[{tcp_flag_names(transport.tcp_flags)}] Seq={transport.seq} "
                   f"Ack={transport.ack} Win={transport.window} Len={transport.payload_length}")
    elif transport.protocol == 17:
        summary = f"{transport.src_port} → {transport.dst_port} Len={transport.payload_length}"
        seen = None if quic is None else quic.datagram(
            packet.index, packet.time, (transport.src, transport.src_port),
            (transport.dst, transport.dst_port), transport.payload)
        if seen is not None:
            endpoints = sorted([(transport.src, transport.src_port),
                                (transport.dst, transport.dst_port)])
            return PacketRow(packet.index, packet.time, source, destination, "QUIC",
                             packet.wire_length, quic_summary(seen), (17, *endpoints))
    elif transport.protocol in (1, 58) and transport.payload:
        summary = f"type {transport.payload[0]}" + (
            f" code {transport.payload[1]}" if len(transport.payload) > 1 else "")
    else:
        summary = f"Len={transport.payload_length}"
    endpoints = sorted([(transport.src, transport.src_port), (transport.dst, transport.dst_port)])
    return PacketRow(packet.index, packet.time, source, destination,
                     protocol_name(transport.protocol, transport.src_port, transport.dst_port),
                     packet.wire_length, summary, (transport.protocol, *endpoints))


@dataclass(frozen=True)
class LoadResult:
    """How listing a capture ended.

    Attributes:
        frames: how many frames were listed.
        truncated: the list stopped at its limit (``MAX_ROWS``).
        error: the bad record reading stopped at, or None.
    """

    frames: int
    truncated: bool = False
    error: str | None = None


def load_packets(state: State, source: MemberSource, limit: int = MAX_ROWS) -> LoadResult:
    """Emit ``list[PacketRow]`` batches; return how it ended (a bad record keeps what came)."""
    batch: list[PacketRow] = []
    frames = 0
    reported = time.monotonic()
    error = None
    truncated = False
    quic = QuicReader()
    with source.open() as stream:
        try:
            for packet in read_packets(stream):
                if state.cancelled:
                    break
                if frames >= limit:
                    truncated = True
                    break
                batch.append(packet_row(packet, quic))
                frames += 1
                if time.monotonic() - reported >= BATCH_SECONDS:
                    state.emit(batch)
                    batch = []
                    reported = time.monotonic()
        except (CaptureError, OSError) as exc:
            error = str(exc)
    state.emit(batch)
    return LoadResult(frames, truncated, error)


def hexdump(data: bytes, limit: int = 4096) -> str:
    """
    >>> hexdump(b"GET / HTTP/1.1")
    '0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31        GET / HTTP/1.1'
    """
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset:offset + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:04x}  {chunk.hex(' '):<47}  {text}")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes")
    return "\n".join(lines)


def packet_details(state: State, source: MemberSource, number: int) -> str:
    """The decoded fields of frame ``number``: our header fields, scapy's dissection, hex."""
    with source.open() as stream:
        for packet in read_packets(stream):
            if state.cancelled:
                return ""
            if packet.index == number:
                break
        else:
            return f"Frame {number} is not in the capture."
    when = datetime.fromtimestamp(packet.time, UTC).isoformat()
    parts = [f"Frame {number}: {packet.wire_length} bytes on wire, {len(packet.data)} captured,"
             f" link type {packet.linktype}, {when}"]
    transport = decode(packet)
    if transport is not None:
        flags = f", flags {tcp_flag_names(transport.tcp_flags)}" if transport.protocol == 6 \
            else ""
        parts.append(f"IPv{transport.ip_version} {transport.src} → {transport.dst}, "
                     f"{IP_PROTOCOLS.get(transport.protocol, transport.protocol)} "
                     f"{transport.src_port} → {transport.dst_port}{flags}, payload "
                     f"{transport.payload_length} bytes")
    parts += ["", _dissect(packet), "", hexdump(packet.data)]
    return "\n".join(parts)


def _dissect(packet: Any) -> str:
    try:
        from scapy.config import conf
        from scapy.layers import dns, inet, inet6, l2  # noqa: F401 - registers the layers
        from scapy.layers.tls import all as tls  # noqa: F401

        layer = conf.l2types.get(packet.linktype)
        if layer is None:
            return f"(no dissector for link type {packet.linktype})"
        return layer(packet.data).show(dump=True)
    except Exception as exc:  # a dissector bug must not lose the rest of the detail
        return f"(dissection failed: {type(exc).__name__}: {exc})"


def tls_summary(payload: bytes) -> str:
    """Wireshark-like names of the TLS records and handshake messages a payload starts with.

    A handshake whose first byte names no message is encrypted (after ChangeCipherSpec).
    """
    names, position = [], 0
    while position + 5 <= len(payload) and payload[position] in RECORD_NAMES \
            and payload[position + 1] == 3:
        kind = payload[position]
        length = int.from_bytes(payload[position + 3:position + 5], "big")
        body = payload[position + 5:position + 5 + length]
        if kind == CONTENT_ALERT and length == 2 and len(body) == 2:
            level = "fatal" if body[0] == 2 else "warning"
            names.append(f"Alert ({level}, {alert_name(body[1])})")
        elif kind == CONTENT_HANDSHAKE and body[:1] and body[0] in HANDSHAKE_NAMES:
            offset = 0
            while offset + 4 <= len(body) and body[offset] in HANDSHAKE_NAMES:
                names.append(HANDSHAKE_NAMES[body[offset]])
                offset += 4 + int.from_bytes(body[offset + 1:offset + 4], "big")
        elif kind == CONTENT_HANDSHAKE:
            names.append("Encrypted Handshake Message")
        else:
            names.append(RECORD_NAMES[kind])
        position += 5 + length
    return ", ".join(names)


def quic_summary(seen: QuicDatagram) -> str:
    """A QUIC datagram as tshark's Info column shows it: each packet with its connection
    IDs, then what its opened Initials hold (the hellos named as in TLS, the close in words).
    """
    names = {"initial": "Initial", "0rtt": "0-RTT", "handshake": "Handshake",
             "retry": "Retry", "version_negotiation": "Version Negotiation",
             "short": "Protected Payload"}
    parts = []
    for packet in seen.packets:
        ids = (f" DCID={packet.destination_id.hex()}, SCID={packet.source_id.hex()}"
               if packet.kind != "short" else "")
        parts.append(names[packet.kind] + ids)
    parts += [HANDSHAKE_NAMES.get(kind, f"Handshake {kind}") for kind, _ in seen.messages]
    parts += [f"CONNECTION_CLOSE {error_name(frame.error_code)}" for frame in seen.frames
              if frame.kind == "close"]
    return ", ".join(parts)


def dns_summary(payload: bytes) -> str:
    """A DNS message in one line: query or response, id, the first name, the answer count.

    >>> query = bytes.fromhex("1a2b01000001000000000000") + b"\\x03api\\x04test\\x00"
    >>> dns_summary(query)
    'DNS query 0x1a2b api.test'
    """
    if len(payload) < 12:
        return "DNS (truncated)"
    ident, flags = int.from_bytes(payload[:2], "big"), int.from_bytes(payload[2:4], "big")
    labels, position = [], 12
    while position < len(payload) and 0 < payload[position] < 64 and len(labels) < 64:
        length = payload[position]
        labels.append(payload[position + 1:position + 1 + length].decode("ascii", "replace"))
        position += 1 + length
    name = ".".join(labels)
    if flags & 0x8000:
        answers = int.from_bytes(payload[6:8], "big")
        return f"DNS response 0x{ident:04x} {name} {dns_rcode_name(flags & 0xF)} answers={answers}"
    return f"DNS query 0x{ident:04x} {name}"
