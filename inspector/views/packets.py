"""The packet list's rows, read off the GUI thread: one ``PacketRow`` per frame with what
the columns show and what the display filter tests.

Rows come from ``inspector.formats.pcap`` (``read_packets``/``decode``: plain ``struct``
parsing at hundreds of thousands of frames a second); ``load_packets`` emits them in
batches, so the first rows show while the rest load. Each frame is also followed by
Wireshark's TCP analysis (``inspector.views.tcp_analysis``: stream numbers, relative
sequence numbers, ``[TCP Retransmission]``) and its payload is named from its bytes
(``inspector.views.dissect``: TLS, DNS, HTTP), never from its port, so a SYN to 443 is
"TCP" and its Info says what Wireshark's says. QUIC datagrams are read by
``inspector.formats.quic`` across the list (a server's Initial needs its client's first) and
named as tshark names them (``quic_summary``): each packet with its connection IDs, then
the hellos of the Initials it could open and a close in words. IPv4 and IPv6 tunnelled in
IP are shown as their inner packet, one level deep, as Wireshark does.

A row keeps no payload: the decoded fields of a selected frame are read again from the
capture (``inspector.views.packet_tree``). Beyond ``MAX_ROWS`` frames the list stops and
says so; memory stays bounded whatever the capture's size, and the addresses of a
capture's rows are interned, so 200,000 rows between a few hosts share a few strings.

Frame numbers are Wireshark's (1-based, every frame, IP or not), as in ``PacketLocator``.

>>> row = PacketRow(1, 0.0, 60, 60, 1, "TCP", None, 4, "10.0.0.1", "10.0.0.2", 6, 40000, 443,
...                 0x12, 0, 1, 64240, 64240, 0, 0, 0, None)
>>> row.info
'40000 → 443 [SYN, ACK] Seq=0 Ack=1 Win=64240 Len=0'
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

from inspector.formats.pcap import CaptureError, Packet, Transport, decode, read_packets
from inspector.formats.protocols import ACK, HANDSHAKE_NAMES, tcp_flag_names
from inspector.formats.quic import QuicDatagram, QuicReader, error_name
from inspector.views.dissect import AppLayer, application
from inspector.views.source import MemberSource, State
from inspector.views.tcp_analysis import TcpTracker, info_words

MAX_ROWS = 1_000_000
BATCH_SECONDS = 0.05
SHARED_LIMIT = 65_536
LINKTYPE_RAW = 101
IP_PROTOCOLS = {6: "TCP", 17: "UDP", 1: "ICMP", 58: "ICMPv6", 2: "IGMP", 47: "GRE",
                50: "ESP", 132: "SCTP"}
ICMP_TYPES = {0: "Echo (ping) reply", 3: "Destination unreachable", 5: "Redirect",
              8: "Echo (ping) request", 11: "Time-to-live exceeded"}
ICMPV6_TYPES = {1: "Destination Unreachable", 3: "Time Exceeded", 128: "Echo (ping) request",
                129: "Echo (ping) reply", 135: "Neighbor Solicitation",
                136: "Neighbor Advertisement"}


@dataclass(frozen=True, slots=True)
class PacketRow:
    """What the list shows and the display filter tests of one frame.

    Attributes:
        length, captured: bytes on the wire, and as captured.
        protocol: the Protocol column, from the dissection.
        app_info: the Info of the application layer (TLS, DNS, HTTP), or None.
        ip_version: 4 or 6, 0 when the frame is not IP (or its headers are cut short).
        ip_proto: the IP protocol number (6 TCP, 17 UDP...), -1 when not IP.
        seq, ack: relative TCP numbers (``inspector.views.tcp_analysis``).
        window, window_size: the raw TCP window field, and in bytes after scaling.
        payload_length: TCP or UDP payload bytes according to the IP header.
        stream: ``tcp.stream``, -1 unless TCP.
        analysis: the ``tcp.analysis`` bits.
        fields: the application layer's display-filter fields (``dns.qry.name``...), and
            ICMP's type and code, or None.
    """

    number: int
    time: float
    length: int
    captured: int
    linktype: int
    protocol: str
    app_info: str | None
    ip_version: int
    src: str
    dst: str
    ip_proto: int
    src_port: int
    dst_port: int
    tcp_flags: int
    seq: int
    ack: int
    window: int
    window_size: int
    payload_length: int
    stream: int
    analysis: int
    fields: dict[str, Any] | None

    @property
    def info(self) -> str:
        """The Info column, as Wireshark writes it."""
        prefix = info_words(self.analysis) if self.analysis else ""
        if self.app_info is not None:
            return prefix + self.app_info
        if self.ip_proto == 6:
            ack = f" Ack={self.ack}" if self.tcp_flags & ACK else ""
            return (f"{prefix}{self.src_port} → {self.dst_port} "
                    f"[{tcp_flag_names(self.tcp_flags)}] Seq={self.seq}{ack} "
                    f"Win={self.window_size} Len={self.payload_length}")
        if self.ip_proto == 17:
            return f"{self.src_port} → {self.dst_port} Len={self.payload_length}"
        if self.ip_proto in (1, 58) and self.fields:
            names = ICMP_TYPES if self.ip_proto == 1 else ICMPV6_TYPES
            kind = self.fields.get("icmp.type", -1)
            return names.get(kind, f"Type {kind}") + f" (code {self.fields.get('icmp.code', 0)})"
        if self.ip_version:
            return f"{IP_PROTOCOLS.get(self.ip_proto, f'IP protocol {self.ip_proto}')}, " \
                   f"Len={self.payload_length}"
        return f"Not IP (link type {self.linktype}), or its headers are cut short"

    @property
    def conversation(self) -> tuple | None:
        """The two endpoints and the protocol, order-independent; None when not IP."""
        if not self.ip_version:
            return None
        ends = sorted([(self.src, self.src_port), (self.dst, self.dst_port)])
        return (self.ip_proto, *ends)


class RowBuilder:
    """Turns frames into rows in capture order (the TCP analysis needs every frame, in order).

    Attributes:
        tcp: the TCP analysis state.
    """

    def __init__(self) -> None:
        self.tcp = TcpTracker()
        self.quic = QuicReader()
        self._names: dict[str, str] = {}
        self._shared: dict[tuple, tuple[str, dict[str, Any]]] = {}
        self._tls_versions: dict[int, str] = {}

    def _name(self, text: str) -> str:
        return self._names.setdefault(text, sys.intern(text))

    def _app(self, app: AppLayer) -> tuple[str, dict[str, Any]]:
        """The layer's Info and fields, shared with every earlier row that had the same (a
        capture repeats the same requests and responses): rows stay small."""
        key = (app.info, *((name, tuple(value) if isinstance(value, list) else value)
                           for name, value in app.fields.items()))
        shared = self._shared.get(key)
        if shared is None:
            shared = (app.info, app.fields)
            if len(self._shared) < SHARED_LIMIT:
                self._shared[key] = shared
        return shared

    def row(self, packet: Packet) -> PacketRow:
        transport = transport_of(packet)
        if transport is None:
            return PacketRow(packet.index, packet.time, packet.wire_length, len(packet.data),
                             packet.linktype, f"link {packet.linktype}", None, 0, "", "", -1,
                             0, 0, 0, 0, 0, 0, 0, 0, -1, 0, None)
        protocol = transport.protocol
        src, dst = self._name(transport.src), self._name(transport.dst)
        ports = (transport.src_port, transport.dst_port)
        app = application(transport.payload, protocol, ports) if protocol in (6, 17) else None
        if protocol == 17 and app is None:
            seen = self.quic.datagram(packet.index, packet.time, (src, transport.src_port),
                                      (dst, transport.dst_port), transport.payload)
            if seen is not None:
                app = AppLayer("QUIC", quic_summary(seen))
        stream = -1
        seq = ack = analysis = 0
        window_size = transport.window
        app_info, fields = self._app(app) if app is not None else (None, None)
        if protocol == 6:
            verdict = self.tcp.packet(packet.index, packet.time, src, transport.src_port, dst,
                                      transport.dst_port, transport.tcp_flags, transport.seq,
                                      transport.ack, transport.window,
                                      transport.payload_length, transport.tcp_options)
            stream, seq, ack = verdict.stream, verdict.seq, verdict.ack
            analysis, window_size = verdict.flags, verdict.window
        elif protocol in (1, 58) and transport.payload:
            fields = {"icmp.type": transport.payload[0],
                      "icmp.code": transport.payload[1] if len(transport.payload) > 1 else 0}
        name = app.protocol if app is not None else \
            IP_PROTOCOLS.get(protocol, f"IP proto {protocol}")
        if app is not None and stream >= 0 and name.startswith("TLS"):
            # As Wireshark, a stream's records carry the version its hellos settled on.
            name = max(name, self._tls_versions.get(stream, ""), key=_tls_rank)
            self._tls_versions[stream] = name
        return PacketRow(packet.index, packet.time, packet.wire_length, len(packet.data),
                         packet.linktype, name, app_info,
                         transport.ip_version, src, dst, protocol, transport.src_port,
                         transport.dst_port, transport.tcp_flags, seq, ack, transport.window,
                         window_size, transport.payload_length, stream, analysis, fields)


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


def _tls_rank(name: str) -> tuple[int, str]:
    return (len(name) > 3, name)  # "TLS" (version unknown) < "TLSv1" < "TLSv1.2" < "TLSv1.3"


def transport_of(packet: Packet) -> Transport | None:
    """``decode(packet)``, looking inside IPv4/IPv6 carried in IP (one level, as tshark)."""
    transport = decode(packet)
    if transport is not None and transport.protocol in (4, 41) and transport.payload:
        inner = decode(Packet(packet.index, packet.time, LINKTYPE_RAW, transport.payload,
                              len(transport.payload)))
        return inner if inner is not None else transport
    return transport


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
    builder = RowBuilder()
    frames = 0
    reported = time.monotonic()
    error = None
    truncated = False
    with source.open() as stream:
        try:
            for packet in read_packets(stream):
                if state.cancelled:
                    break
                if frames >= limit:
                    truncated = True
                    break
                batch.append(builder.row(packet))
                frames += 1
                if time.monotonic() - reported >= BATCH_SECONDS:
                    state.emit(batch)
                    batch = []
                    reported = time.monotonic()
        except (CaptureError, OSError) as exc:
            error = str(exc)
    state.emit(batch)
    return LoadResult(frames, truncated, error)
