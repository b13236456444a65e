"""Conversations and Follow stream: Wireshark's Statistics > Conversations and Analyze >
Follow > TCP/UDP Stream, over the packet list's rows.

``conversations(rows)`` groups the rows by their two endpoints and protocol: packets and
bytes each way, resets, when it started and how long it lasted. Side A is the one that sent
the conversation's first packet (the client, for a connection whose SYN was captured). It
reads nothing: the rows hold what it needs.

``follow_stream(state, source, rows, key)`` reads the capture again for the payloads of one
conversation (a TCP stream by ``tcp.stream``, a UDP exchange by its endpoints) and returns
them in capture order as ``Chunk``\\ s, each from A or from B, consecutive payloads of one side
joined. Retransmitted segments are left out, as Wireshark leaves them out, so the text reads
as the application sent it; at most ``MAX_FOLLOW_BYTES`` are kept and the result says when
it was cut. ``printable`` shows bytes as text the way Wireshark's ASCII view does.

>>> printable(b"GET / HTTP/1.1\\r\\nHost: a\\r\\n\\x00\\x01")
'GET / HTTP/1.1\\nHost: a\\n..'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from inspector.formats.pcap import CaptureError, read_packets
from inspector.formats.protocols import RST
from inspector.views.packets import PacketRow, transport_of
from inspector.views.source import MemberSource, State
from inspector.views.tcp_analysis import RETRANSMISSION

MAX_FOLLOW_BYTES = 4 * 1024 * 1024


@dataclass
class Conversation:
    """One conversation: two endpoints and a protocol.

    Attributes:
        key: ``("tcp", stream)`` for TCP, else ``(protocol, endpoint, endpoint)``;
            what ``follow_stream`` and the display filter select it by.
        a, b: ``(address, port)`` of each side; A sent the first packet.
        rsts: TCP segments with RST set, either way.
    """

    key: tuple
    protocol: str
    a: tuple[str, int]
    b: tuple[str, int]
    first: float
    last: float
    packets_ab: int = 0
    packets_ba: int = 0
    bytes_ab: int = 0
    bytes_ba: int = 0
    rsts: int = 0

    @property
    def packets(self) -> int:
        return self.packets_ab + self.packets_ba

    @property
    def bytes(self) -> int:
        return self.bytes_ab + self.bytes_ba

    @property
    def duration(self) -> float:
        return self.last - self.first

    def display_filter(self) -> str:
        """The display filter that shows this conversation's packets."""
        if self.key[0] == "tcp":
            return f"tcp.stream eq {self.key[1]}"
        family = "ipv6" if ":" in self.a[0] else "ip"
        ends = f"{family}.addr == {self.a[0]} && {family}.addr == {self.b[0]}"
        if self.protocol == "UDP":
            return f"{ends} && udp.port == {self.a[1]} && udp.port == {self.b[1]}"
        return ends


def conversation_key(row: PacketRow) -> tuple | None:
    """What ``conversations`` groups ``row`` under; None when it is not IP."""
    if row.ip_proto == 6:
        return ("tcp", row.stream)
    if not row.ip_version:
        return None
    ends = sorted([(row.src, row.src_port), (row.dst, row.dst_port)])
    return (row.ip_proto, *ends)


def conversations(rows: Iterable[PacketRow]) -> list[Conversation]:
    """Every conversation of the rows, in the order each began."""
    found: dict[tuple, Conversation] = {}
    for row in rows:
        key = conversation_key(row)
        if key is None:
            continue
        conversation = found.get(key)
        if conversation is None:
            protocol = {6: "TCP", 17: "UDP"}.get(row.ip_proto, row.protocol)
            conversation = found[key] = Conversation(key, protocol, (row.src, row.src_port),
                                                     (row.dst, row.dst_port), row.time,
                                                     row.time)
        conversation.last = max(conversation.last, row.time)
        if (row.src, row.src_port) == conversation.a:
            conversation.packets_ab += 1
            conversation.bytes_ab += row.length
        else:
            conversation.packets_ba += 1
            conversation.bytes_ba += row.length
        if row.ip_proto == 6 and row.tcp_flags & RST:
            conversation.rsts += 1
    return list(found.values())


@dataclass(frozen=True)
class Chunk:
    """Payload bytes one side sent, in a row of segments."""

    from_a: bool
    data: bytes


@dataclass
class FollowedStream:
    """A conversation's payloads in order (see the module doc).

    Attributes:
        frames: the frame numbers the payloads came from.
        cut: the payloads went beyond ``MAX_FOLLOW_BYTES`` and the rest was left out.
    """

    conversation: Conversation
    chunks: list[Chunk] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)
    cut: bool = False

    def bytes_each_way(self) -> tuple[int, int]:
        sent = [0, 0]
        for chunk in self.chunks:
            sent[0 if chunk.from_a else 1] += len(chunk.data)
        return sent[0], sent[1]


def follow_stream(state: State, source: MemberSource, rows: Sequence[PacketRow],
                  conversation: Conversation) -> FollowedStream:
    """The payloads of ``conversation`` (see the module doc); what came before a cancel."""
    wanted = {row.number: (row.src, row.src_port) == conversation.a for row in rows
              if conversation_key(row) == conversation.key and row.payload_length
              and not row.analysis & RETRANSMISSION}
    followed = FollowedStream(conversation)
    if not wanted:
        return followed
    last = max(wanted)
    total = 0
    runs: list[tuple[bool, list[bytes]]] = []  # joined once at the end: no quadratic copies
    with source.open() as stream:
        try:
            for packet in read_packets(stream):
                if state.cancelled or packet.index > last:
                    break
                from_a = wanted.get(packet.index)
                if from_a is None:
                    continue
                transport = transport_of(packet)
                payload = transport.payload if transport is not None else b""
                if not payload:
                    continue
                if total + len(payload) > MAX_FOLLOW_BYTES:
                    followed.cut = True
                    break
                total += len(payload)
                followed.frames.append(packet.index)
                if runs and runs[-1][0] == from_a:
                    runs[-1][1].append(payload)
                else:
                    runs.append((from_a, [payload]))
        except CaptureError:
            pass  # the payloads before the bad record are what there is
    followed.chunks = [Chunk(from_a, b"".join(parts)) for from_a, parts in runs]
    return followed


def follow_packet(state: State, source: MemberSource, rows: Sequence[PacketRow],
                  row: PacketRow) -> FollowedStream | None:
    """Follow the conversation ``row`` belongs to (Analyze > Follow on a selected packet);
    None when the packet is not IP."""
    key = conversation_key(row)
    if key is None:
        return None
    found = conversations(other for other in rows if conversation_key(other) == key)
    return follow_stream(state, source, rows, found[0])


def printable(data: bytes) -> str:
    """Bytes as text: printable ASCII as is, line breaks as line breaks, the rest as dots."""
    text = data.replace(b"\r\n", b"\n")
    return "".join(chr(b) if 32 <= b < 127 or b in (9, 10) else "." for b in text)
