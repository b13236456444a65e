"""Build realistic packets and captures deterministically, for samples, tests and benchmarks.

Everything is plain bytes with correct lengths and checksums, so Wireshark and tshark read
the result exactly as they read a real capture:

- header builders: ``ethernet``, ``ipv4``, ``ipv6``, ``ip`` (picks the version from the
  address), ``tcp``, ``udp``, ``icmp``, and DNS messages ``dns_query`` / ``dns_response``;
- ``Capture``: frames with their times, written as classic pcap (``pcap()``, microsecond or
  nanosecond, either byte order, through ``inspector.formats.pcap.PcapWriter``) or pcapng
  (``pcapng()``, one interface per link type);
- ``TcpFlow``: one TCP connection that keeps both sides' sequence numbers, so a scenario
  says "handshake, request, response, reset by the server" instead of counting bytes.

No randomness lives here: callers pass times, ports and initial sequence numbers (from
their own seeded ``random.Random``), so the same calls give the same bytes.

>>> capture = Capture()
>>> flow = TcpFlow(capture, "10.0.0.5", 50123, "10.0.0.80", 443)
>>> after_handshake = flow.handshake(1_794_906_000.0, rtt=0.02)
>>> flow.send(after_handshake + 0.001, b"GET / HTTP/1.1\\r\\n\\r\\n")
>>> len(capture.frames), capture.pcap()[:4].hex()
(4, 'd4c3b2a1')
"""

from __future__ import annotations

import io
import ipaddress
import struct
from dataclasses import dataclass, field

from inspector.formats.pcap import (
    LINKTYPE_ETHERNET,
    PROTO_ICMPV6,
    PROTO_TCP,
    PROTO_UDP,
    PcapWriter,
)

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

CLIENT_MAC = bytes.fromhex("02005e100001")
SERVER_MAC = bytes.fromhex("02005e1000fe")  # the default gateway, as seen from the client


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``."""
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _address(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def _pseudo_header(src: str, dst: str, protocol: int, length: int) -> bytes:
    source, destination = _address(src), _address(dst)
    if len(source) == 4:
        return source + destination + struct.pack("!BBH", 0, protocol, length)
    return source + destination + struct.pack("!IxxxB", length, protocol)


def ethernet(payload: bytes, *, ethertype: int = 0x0800, src_mac: bytes = CLIENT_MAC,
             dst_mac: bytes = SERVER_MAC, vlans: tuple[int, ...] = ()) -> bytes:
    """An Ethernet II frame, with 802.1Q tags (outermost first) when ``vlans`` is given."""
    tags = b"".join(struct.pack("!HH", 0x8100, vlan) for vlan in vlans)
    return dst_mac + src_mac + tags + struct.pack("!H", ethertype) + payload


def ipv4(src: str, dst: str, protocol: int, payload: bytes, *, ttl: int = 64,
         ident: int = 0, dont_fragment: bool = True, options: bytes = b"") -> bytes:
    header_length = 20 + len(options)
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | header_length // 4, 0,
                         header_length + len(payload), ident,
                         0x4000 if dont_fragment else 0, ttl, protocol, 0,
                         _address(src), _address(dst)) + options
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def ipv6(src: str, dst: str, next_header: int, payload: bytes, *, hop_limit: int = 64) -> bytes:
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, hop_limit,
                       _address(src), _address(dst)) + payload


def ip(src: str, dst: str, protocol: int, payload: bytes, **options) -> bytes:
    """IPv4 or IPv6 according to the addresses."""
    if ":" in src:
        return ipv6(src, dst, protocol, payload)
    return ipv4(src, dst, protocol, payload, **options)


def tcp(src: str, dst: str, src_port: int, dst_port: int, *, seq: int, ack: int = 0,
        flags: int = ACK, window: int = 64240, options: bytes = b"",
        payload: bytes = b"") -> bytes:
    """A TCP segment with a correct checksum (``src``/``dst`` feed the pseudo-header)."""
    options += b"\x00" * (-len(options) % 4)
    header = struct.pack("!HHIIBBHHH", src_port, dst_port, seq & 0xFFFFFFFF,
                         ack & 0xFFFFFFFF, (20 + len(options)) // 4 << 4, flags, window, 0,
                         0) + options
    segment = header + payload
    value = checksum(_pseudo_header(src, dst, PROTO_TCP, len(segment)) + segment)
    return segment[:16] + struct.pack("!H", value) + segment[18:]


WINDOW_SCALE = 7


def syn_options(mss: int = 1460, window_scale: int | None = WINDOW_SCALE) -> bytes:
    """MSS, SACK permitted and (optionally) window scale, as Linux sends them."""
    options = struct.pack("!BBH", 2, 4, mss) + b"\x04\x02"
    if window_scale is not None:
        options += b"\x01" + struct.pack("!BBB", 3, 3, window_scale)
    return options


def udp(src: str, dst: str, src_port: int, dst_port: int, payload: bytes) -> bytes:
    datagram = struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0) + payload
    value = checksum(_pseudo_header(src, dst, PROTO_UDP, len(datagram)) + datagram) or 0xFFFF
    return datagram[:6] + struct.pack("!H", value) + datagram[8:]


def icmp(icmp_type: int, code: int, body: bytes, *, rest: int = 0, src: str = "",
         dst: str = "") -> bytes:
    """ICMP (or ICMPv6 when ``src`` is an IPv6 address: its checksum needs the addresses).

    ``rest`` is the 4-byte field after the checksum (the next-hop MTU for fragmentation
    needed); ``body`` is what follows (for errors: the offending IP header + 8 bytes).
    """
    message = struct.pack("!BBHI", icmp_type, code, 0, rest) + body
    if ":" in src:
        value = checksum(_pseudo_header(src, dst, PROTO_ICMPV6, len(message)) + message)
    else:
        value = checksum(message)
    return message[:2] + struct.pack("!H", value) + message[4:]


# --- DNS -------------------------------------------------------------------------------------

DNS_TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
             "AAAA": 28, "SRV": 33}
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5


def _dns_name(name: str) -> bytes:
    return b"".join(bytes([len(label)]) + label.encode("ascii")
                    for label in name.rstrip(".").split(".") if label) + b"\x00"


def dns_query(transaction_id: int, name: str, record_type: str = "A") -> bytes:
    """A recursive query for ``name``."""
    return (struct.pack("!HHHHHH", transaction_id, 0x0100, 1, 0, 0, 0) + _dns_name(name)
            + struct.pack("!HH", DNS_TYPES[record_type], 1))


def dns_response(transaction_id: int, name: str, record_type: str = "A", *,
                 rcode: int = NOERROR, addresses: tuple[str, ...] = (), ttl: int = 300,
                 soa_zone: str | None = None) -> bytes:
    """A recursive resolver's answer: ``addresses`` as A/AAAA records, or an SOA in the
    authority section (what NXDOMAIN answers carry) when ``soa_zone`` is given."""
    answers = b""
    for address in addresses:
        packed = _address(address)
        answers += struct.pack("!HHHIH", 0xC00C, 1 if len(packed) == 4 else 28, 1, ttl,
                               len(packed)) + packed
    authority = b""
    if soa_zone is not None:
        soa = (_dns_name(f"ns1.{soa_zone}") + _dns_name(f"hostmaster.{soa_zone}")
               + struct.pack("!IIIII", 2026111701, 7200, 3600, 1209600, 300))
        authority = _dns_name(soa_zone) + struct.pack("!HHIH", 6, 1, 300, len(soa)) + soa
    flags = 0x8180 | (rcode & 0x0F)
    return (struct.pack("!HHHHHH", transaction_id, flags, 1, len(addresses),
                        1 if authority else 0, 0)
            + _dns_name(name) + struct.pack("!HH", DNS_TYPES[record_type], 1)
            + answers + authority)


# --- captures --------------------------------------------------------------------------------


def _split_time(time: float, scale: int) -> tuple[int, int]:
    """Whole seconds and ticks of ``1/scale``, rounded without float error at epoch size."""
    seconds = int(time)
    fraction = round((time - seconds) * scale)
    if fraction == scale:
        return seconds + 1, 0
    return seconds, fraction


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame to write: epoch seconds, link-layer bytes, link type, optional snaplen cut."""

    time: float
    data: bytes
    linktype: int = LINKTYPE_ETHERNET
    snaplen: int | None = None


@dataclass
class Capture:
    """Frames in the order they are added (callers add them in time order)."""

    frames: list[Frame] = field(default_factory=list)

    def add(self, time: float, data: bytes, *, linktype: int = LINKTYPE_ETHERNET,
            snaplen: int | None = None) -> None:
        self.frames.append(Frame(time, data, linktype, snaplen))

    def add_ip(self, time: float, src: str, dst: str, protocol: int, payload: bytes,
               *, to_client: bool = False) -> None:
        """An IP packet in an Ethernet frame; ``to_client`` swaps the MAC addresses."""
        packet = ip(src, dst, protocol, payload)
        ethertype = 0x86DD if ":" in src else 0x0800
        macs = ({"src_mac": SERVER_MAC, "dst_mac": CLIENT_MAC} if to_client else {})
        self.add(time, ethernet(packet, ethertype=ethertype, **macs))

    def pcap(self, *, nanosecond: bool = False, big_endian: bool = False) -> bytes:
        """Classic pcap; every frame must share one link type (pcap has one per file)."""
        linktypes = {frame.linktype for frame in self.frames} or {LINKTYPE_ETHERNET}
        if len(linktypes) > 1:
            raise ValueError("classic pcap holds one link type; write pcapng instead")
        out = io.BytesIO()
        writer = PcapWriter(out, linktypes.pop(), nanosecond=nanosecond, big_endian=big_endian)
        scale = 1_000_000_000 if nanosecond else 1_000_000
        for frame in self.frames:
            seconds, fraction = _split_time(frame.time, scale)
            captured = frame.data[:frame.snaplen] if frame.snaplen else frame.data
            writer.write(seconds, fraction, captured, len(frame.data))
        return out.getvalue()

    def pcapng(self, *, big_endian: bool = False, nanosecond: bool = False) -> bytes:
        """pcapng with one interface per link type, in order of first appearance."""
        order = ">" if big_endian else "<"

        def block(block_type: int, body: bytes) -> bytes:
            body += b"\x00" * (-len(body) % 4)
            length = len(body) + 12
            return (struct.pack(order + "II", block_type, length) + body
                    + struct.pack(order + "I", length))

        def option(code: int, value: bytes) -> bytes:
            return (struct.pack(order + "HH", code, len(value)) + value
                    + b"\x00" * (-len(value) % 4))

        parts = [block(0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1)
                       + option(4, b"Bundle Inspector samples") + option(0, b""))]
        interfaces: dict[int, int] = {}
        scale = 1_000_000_000 if nanosecond else 1_000_000
        for frame in self.frames:
            if frame.linktype not in interfaces:
                interfaces[frame.linktype] = len(interfaces)
                resolution = option(9, bytes([9 if nanosecond else 6])) + option(0, b"")
                parts.append(block(1, struct.pack(order + "HHI", frame.linktype, 0, 262144)
                                   + resolution))
            seconds, fraction = _split_time(frame.time, scale)
            ticks = seconds * scale + fraction
            captured = frame.data[:frame.snaplen] if frame.snaplen else frame.data
            parts.append(block(6, struct.pack(order + "IIIII", interfaces[frame.linktype],
                                              ticks >> 32, ticks & 0xFFFFFFFF,
                                              len(captured), len(frame.data)) + captured))
        return b"".join(parts)


class TcpFlow:
    """One TCP connection between a client and a server, written into a ``Capture``.

    Sequence and acknowledgement numbers follow what both sides have sent; every method
    takes the time of its first packet. Payload larger than the MSS is split into segments.
    ``window`` is in bytes: SYNs carry it as is, later segments divided by the window scale
    (``WINDOW_SCALE``) both sides announce, as Linux does.
    """

    def __init__(self, capture: Capture, client: str, client_port: int, server: str,
                 server_port: int, *, client_isn: int = 1_000, server_isn: int = 5_000,
                 mss: int = 1460, window: int = 64240) -> None:
        self.capture = capture
        self.client, self.client_port = client, client_port
        self.server, self.server_port = server, server_port
        self.next_seq = {True: client_isn, False: server_isn}  # keyed by "from client"
        self.mss = mss
        self.window = window

    def packet(self, time: float, from_client: bool, flags: int, payload: bytes = b"", *,
               seq: int | None = None, window: int | None = None,
               options: bytes = b"") -> None:
        """One segment; ``seq`` overrides the running sequence number (retransmissions)."""
        src, dst = ((self.client, self.server) if from_client else (self.server, self.client))
        sport, dport = ((self.client_port, self.server_port) if from_client
                        else (self.server_port, self.client_port))
        ack = self.next_seq[not from_client] if flags & ACK else 0
        sequence = self.next_seq[from_client] if seq is None else seq
        window_bytes = self.window if window is None else window
        raw_window = window_bytes if flags & SYN else window_bytes >> WINDOW_SCALE
        segment = tcp(src, dst, sport, dport, seq=sequence, ack=ack, flags=flags,
                      window=raw_window, options=options,
                      payload=payload)
        self.capture.add_ip(time, src, dst, PROTO_TCP, segment, to_client=not from_client)
        if seq is None:
            self.next_seq[from_client] = (sequence + len(payload)
                                          + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF

    def syn(self, time: float) -> None:
        self.packet(time, True, SYN, options=syn_options())

    def handshake(self, time: float, rtt: float, client_delay: float = 0.0002) -> float:
        """SYN, SYN-ACK after ``rtt``, ACK; returns the time of the final ACK."""
        self.syn(time)
        self.packet(time + rtt, False, SYN | ACK, options=syn_options())
        self.packet(time + rtt + client_delay, True, ACK)
        return time + rtt + client_delay

    def send(self, time: float, payload: bytes, *, from_client: bool = True,
             gap: float = 0.00005) -> None:
        """``payload`` in MSS-sized PSH-ACK segments, ``gap`` seconds apart."""
        for offset in range(0, len(payload), self.mss):
            self.packet(time + gap * (offset // self.mss), from_client, PSH | ACK,
                        payload[offset:offset + self.mss])

    def ack(self, time: float, *, from_client: bool = True) -> None:
        self.packet(time, from_client, ACK)

    def close(self, time: float, rtt: float, *, client_first: bool = True) -> None:
        """FIN-ACK each way and the final ACK."""
        self.packet(time, client_first, FIN | ACK)
        self.packet(time + rtt, not client_first, FIN | ACK)
        self.packet(time + rtt + 0.0001, client_first, ACK)

    def reset(self, time: float, *, from_client: bool) -> None:
        self.packet(time, from_client, RST | ACK, window=0)

    def refuse(self, time: float, rtt: float) -> None:
        """A SYN answered by RST-ACK: nothing listens on the server port."""
        self.syn(time)
        self.packet(time + rtt, False, RST | ACK, seq=0, window=0)
