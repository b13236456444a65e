"""Wireshark's TCP analysis, frame by frame.

``TcpAnalysis`` reads the capture once (``inspector.formats.pcap``'s raw reader, no scapy)
and follows every TCP stream with Wireshark's own TCP analysis
(``epan/dissectors/packet-tcp.c``, ``tcp_analyze_sequence_number``, as documented in the
Wireshark User's Guide, "TCP Analysis"), so its counts agree with
``tshark -Y tcp.analysis.<flag>`` (tshark 4.0; the state it keeps is in ``streams``):

- a *retransmission* is a segment with data (or SYN/FIN) whose sequence number is below the
  highest one already seen that way, that is not a keep-alive nor new data one byte below it
  (after a zero-window probe), checked in Wireshark's order: *spurious* when the receiver
  had already acknowledged it; *fast* when this sequence number is what the receiver's last
  ACK asked for, after two or more duplicate ACKs (or after the receiver acknowledged bytes
  the capture missed, where Wireshark's unsigned counter wraps from -1), within 20 ms; else
  *out-of-order* (not a retransmission) when it comes within the initial RTT (3 ms when
  unknown) of the highest segment and does not end exactly there (SYN and FIN count one).
  ``retransmission`` counts all three retransmission kinds, as tshark's filter does.
- *lost segment*: a sequence number above the next expected one (bytes never captured);
  *ACKed lost segment*: an ACK beyond every byte seen from the other side, counted once
  per gap; *duplicate ACK*: no data, same window, sequence and ACK as the previous packet
  that way, its count restarting only when the ACK changes; *zero window*: window 0 on a
  non SYN/FIN/RST packet; *keep-alive*: 0-1 byte one below the next expected sequence
  number; *window full*: data reaching exactly the right edge of the peer's window.
- times compare as Wireshark's do, in unsigned nanoseconds: a frame stamped before the one it
  is compared with (a capture merged from two points) is never within a threshold. Frame
  times are integer nanoseconds for that reason.
- the initial RTT (the out-of-order threshold) runs from the latest SYN to the first packet
  with ACK and without SYN, from either side.
- streams are numbered like ``tcp.stream``: a new 4-tuple, or a SYN whose sequence number is
  not where that side started (its first segment, or the other side's first ACK of it:
  ports reused), starts a new stream; a SYN-ACK captured before its SYN is the same stream.
- the *client* of a stream is the side that sent the first SYN, or the first packet's
  sender; a SYN-ACK seen first (the SYN was not captured) still tells who the server is.

The same pass decodes every other frame: UDP to the DNS ports goes to ``DnsTracker``, other
UDP to ``QuicTracker``, ICMP errors to ``IcmpTracker``, and IPv4/IPv6 tunnelled in IP
(6in4) or in PPP over L2TP (UDP 1701) is analyzed as its inner packet, one level deep, as
tshark does.

Speed (``bench/bench_network.py``; the issue asks for 300,000 packets/s end to end) decides
the shape of ``TcpAnalysis.frames``, the per-packet loop: one function with no calls on the
common path, Ethernet + IPv4 + TCP decoded by a single ``struct`` call, streams found by the
raw address and port bytes, and a first branch for the in-order packet into an open window
that runs only the checks that can apply to it; every other packet takes the full check
sequence in Wireshark's order. The cyclic garbage collector is paused while the loop runs.
Per-stream and rare work (new streams, handshakes, resets) lives in ordinary methods, DNS,
ICMP and QUIC in their trackers. Any change here must keep
``tests/analyzers/network/test_tcp.py`` (tshark conformance on the corpus and, live, on
generated lossy captures; fast-path vs general-path equivalence) green.
"""

from __future__ import annotations

import gc
import struct
from collections.abc import Callable, Iterator

from analyzers.network.addresses import address_text, endpoint
from analyzers.network.dns import DNS_PORTS, DnsTracker
from analyzers.network.events import EventLog
from analyzers.network.icmp import IcmpTracker
from analyzers.network.quic import QuicTracker
from analyzers.network.streams import Direction, Stream
from inspector.formats.pcap import (
    L2TP_PORT,
    LINKTYPE_ETHERNET,
    LINKTYPE_RAW,
    Frame,
    l2tp_inner,
    network_offset,
    skip_ipv6_extensions,
)
from inspector.formats.protocols import ACK, FIN, RST, SYN
from inspector.model import Severity

# The counters this pass keeps, in the order ``stats["network"]`` lists them; ``packets``
# and ``rst_streams`` are filled in when the stats are written.
TCP_COUNTERS = ("packets", "tcp_streams", "syn", "synack", "rst", "rst_streams",
                "retransmission", "fast_retransmission", "spurious_retransmission",
                "out_of_order", "lost_segment", "ack_lost_segment", "duplicate_ack",
                "zero_window", "window_full", "keep_alive")

_NOT_DATA_FLAGS = SYN | FIN | RST
_SECOND = 1_000_000_000  # frame times are integer nanoseconds
_MASK = 0xFFFFFFFF
_HALF = 0x80000000
_TCP_HEADER = struct.Struct("!HHIIBBH").unpack_from
# From byte 12 of an Ethernet frame: EtherType, IPv4 version/IHL, total length, fragment
# offset, protocol, then the TCP header (ports, seq, ack, data offset, flags, window) as it
# sits after a 20-byte IPv4 header. Checked before use: see ``TcpAnalysis.frames``.
_FAST_HEADER = struct.Struct("!HBxH2xHxB2x8xHHIIBBH").unpack_from

# What Wireshark's analysis remembers of a direction's last packet (``lastflags``).
_KEEP_ALIVE_FLAG = 1
_ZERO_WINDOW_PROBE_FLAG = 2
_KEEP_ALIVE_ACK_FLAG = 4
_ZERO_WINDOW_PROBE_ACK_FLAG = 8


def window_scaling(fwd: Direction, rev: Direction, flags: int, options: bytes) -> None:
    """Wireshark's rule: scaling is on only when both SYN and SYN-ACK carry the option."""
    shift = -2
    position = 0
    end = len(options)
    while position < end:
        kind = options[position]
        if kind == 1:  # no-operation padding
            position += 1
            continue
        if kind == 0 or position + 1 >= end:  # end of options, or cut short
            break
        length = options[position + 1]
        if length < 2:
            break
        if kind == 3 and length == 3 and position + 2 < end:
            shift = min(options[position + 2], 14)
        position += length
    if shift == -2:
        fwd.scale = rev.scale = -2
    elif fwd.scale == -1 or not flags & ACK or rev.scale != -2:
        fwd.scale = shift


class TcpAnalysis:
    """One pass over a capture's frames: TCP streams, their analysis counters and events.

    Attributes:
        counts: ``TCP_COUNTERS`` -> count.
        streams: every stream, numbered like ``tcp.stream``.
        rst_streams: the indexes of streams that saw a reset.
        packets: frames read so far.
        dns, icmp, quic, events: where DNS messages, ICMP errors, QUIC datagrams and
            timeline events go.
        end_time: the capture's last time (of each batch's last frame), in seconds.
    """

    def __init__(self, dns: DnsTracker, icmp: IcmpTracker, quic: QuicTracker,
                 events: EventLog) -> None:
        self.dns = dns
        self.icmp = icmp
        self.quic = quic
        self.events = events
        self.end_time = 0.0
        self.counts = dict.fromkeys(TCP_COUNTERS, 0)
        # raw addresses + ports as sent -> (stream, sent by the client, sender's direction,
        # receiver's direction)
        self.flows: dict[bytes, tuple[Stream, bool, Direction, Direction]] = {}
        self.streams: list[Stream] = []
        self.rst_streams: set[int] = set()
        self.packets = 0

    def read(self, batches: Iterator[list[Frame]], checkpoint: Callable[[], None]) -> None:
        """Analyze every frame; ``checkpoint`` runs after each batch (about 1 MiB of capture)
        to check for cancellation and report progress.

        The cyclic garbage collector is paused meanwhile: every frame allocates tuples, which
        trigger a collection every few hundred frames that walks the ever-growing stream
        table (7-9% of the time), and nothing made here forms a reference cycle. It is
        switched back on (if it was on) before returning, also on error.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            for batch in batches:
                self.frames(batch)
                self.packets = batch[-1][0]
                self.end_time = max(self.end_time, batch[-1][1] / _SECOND)
                checkpoint()
        finally:
            if collecting:
                gc.enable()

    def frames(self, batch: list[Frame]) -> None:
        """Analyze frames in capture order.

        This is the hot loop, kept in one function on purpose: a call costs as much as a
        dozen of the checks below, so Ethernet + IPv4 (no options) + TCP, nearly every frame
        of a real capture, is decoded here with one ``struct`` call and goes through
        Wireshark's TCP analysis inline. Every other frame goes through ``locate``, which
        hands UDP and ICMP to their trackers and TCP back to this loop.
        """
        flows = self.flows
        counts = self.counts
        locate = self.locate
        fast_header = _FAST_HEADER
        tcp_header = _TCP_HEADER
        for index, time, linktype, data, wire_length in batch:  # time in nanoseconds
            if linktype == LINKTYPE_ETHERNET and len(data) >= 54:
                (ethertype, version_length, total_length, fragment, protocol, src_port,
                 dst_port, seq, ack, data_offset, flags, window) = fast_header(data, 12)
                fast = (ethertype == 0x0800 and version_length == 0x45 and protocol == 6
                        and not fragment & 0x1FFF)
            else:
                fast = False
            if fast:
                start = 34
                key = data[26:38]  # source and destination address, then both ports
                # Length 0: TCP segmentation offload handed the frame up before IP
                # filled it in.
                ip_payload = total_length - 20 if total_length else len(data) - 34
            else:
                located = locate(index, time, linktype, data, False)
                if located is None:
                    continue
                data, start, ip_payload, key = located
                src_port, dst_port, seq, ack, data_offset, flags, window = tcp_header(
                    data, start)
            header_length = (data_offset >> 4) * 4
            seglen = ip_payload - header_length
            if seglen < 0 or header_length < 20:
                seglen = 0

            found = flows.get(key)
            # A SYN with another initial sequence number than the one this side started
            # with (``base_seq``): the ports were reused for a new connection.
            if found is None or (flags & (SYN | ACK) == SYN and found[2].base_seq is not None
                                 and seq != found[2].base_seq):
                found = self.new_stream(key, index, time, src_port, dst_port, flags)
            stream, forward, fwd, rev = found
            stream.end_frame = index
            stream.end_ns = time
            fwd.packets += 1
            fwd.bytes += wire_length
            if flags & SYN:
                self.handshake(stream, fwd, rev, flags, data[start + 20:start + header_length],
                               index, time)
            elif stream.rtt_from is not None and flags & ACK:
                self.first_ack(stream, forward, time)

            # Wireshark's tcp_analyze_sequence_number; (a - b) & _MASK below _HALF is its
            # GT_SEQ, inlined.
            analysis = 0
            nextseq = fwd.nextseq
            if (seq == nextseq != 0 and window and not flags & _NOT_DATA_FLAGS
                    and (seglen != 1 or rev.window)):
                # The common case: the next expected bytes (or a bare ACK) into an open
                # window, no SYN/FIN/RST, not a zero-window probe. Of Wireshark's checks only
                # window full, keep-alive ACK, duplicate ACK, ACKed-unseen and spurious
                # retransmission can apply here (lost segment, zero window, keep-alive,
                # fast retransmission and out-of-order need another sequence number or a
                # zero window); the branch below runs them all, in Wireshark's order, for
                # every other packet.
                if seglen:
                    if (rev.scale != -1 and (seq + seglen) & _MASK == (
                            rev.lastack + (rev.window << (
                                0 if rev.scale == -2 else rev.scale))) & _MASK):
                        counts["window_full"] += 1
                    fwd.segments += 1
                    if rev.lastack and not 0 < ((seq + seglen - rev.lastack) & _MASK) < _HALF:
                        counts["spurious_retransmission"] += 1
                        counts["retransmission"] += 1
                        fwd.retransmissions += 1
                    next_after = (seq + seglen) & _MASK
                    fwd.nextseq = next_after
                    fwd.nextseqtime = time
                    if seq == fwd.maxseqtobeacked:
                        fwd.maxseqtobeacked = next_after
                elif window == fwd.window and ack == fwd.lastack:
                    if rev.lastflags & _KEEP_ALIVE_FLAG:
                        analysis = _KEEP_ALIVE_ACK_FLAG
                    else:
                        fwd.dupacknum = fwd.dupacknum + 1 if fwd.dupacknum >= 0 else 1
                        counts["duplicate_ack"] += 1
                if ack != fwd.lastack:  # a new ACK: Wireshark's duplicate count restarts
                    fwd.dupacknum = 0
                    fwd.lastack = ack
                # ACKed unseen: beyond all the other side was seen sending (usually equal
                # to it, or below it while data is in flight: one comparison).
                acked = rev.maxseqtobeacked
                if ack != acked and ((ack - acked) & _MASK) < _HALF and acked and flags & ACK:
                    self.acked_unseen(rev)
                if fwd.zero_window_frame and fwd.window == 0:
                    fwd.zero_window_recovered = index
            else:
                # Where relative sequence numbers start: the first segment this side sent,
                # or the first acknowledgement the other side sent of it. A direction's first
                # segment always comes this way (its nextseq is 0); an acknowledgement taking
                # the fast path can leave the other side's base unset only while that side
                # has sent nothing, and a base matters for its SYN alone.
                if fwd.base_seq is None:
                    fwd.base_seq = seq if flags & SYN else (seq - 1) & _MASK
                if rev.base_seq is None and flags & ACK:
                    rev.base_seq = (ack - 1) & _MASK
                if seglen == 1 and seq == nextseq and rev.window == 0:
                    # Zero-window probe: one byte at the next sequence number into a
                    # closed window; Wireshark skips the checks up to the duplicate ACK.
                    analysis = _ZERO_WINDOW_PROBE_FLAG
                else:
                    if nextseq and 0 < ((seq - nextseq) & _MASK) < _HALF and not flags & RST:
                        counts["lost_segment"] += 1
                    # Zero window, keep-alive, window full and the repeated ACKs are never
                    # SYN, FIN or RST segments.
                    if not flags & _NOT_DATA_FLAGS:
                        if window == 0:
                            self.zero_window(stream, forward, fwd, index, time)
                        if seglen <= 1 and seq == (nextseq - 1) & _MASK:
                            counts["keep_alive"] += 1
                            analysis = _KEEP_ALIVE_FLAG
                        if seglen:
                            if rev.scale != -1 and (seq + seglen) & _MASK == (
                                    rev.lastack + (rev.window << (
                                        0 if rev.scale == -2 else rev.scale))) & _MASK:
                                counts["window_full"] += 1
                        elif window == fwd.window and seq == nextseq and ack == fwd.lastack:
                            # A plain ACK repeating the last one: keep-alive ACK,
                            # zero-window probe ACK, or duplicate ACK.
                            if window and rev.lastflags & _KEEP_ALIVE_FLAG:
                                analysis = _KEEP_ALIVE_ACK_FLAG
                            elif not window and rev.lastflags & _ZERO_WINDOW_PROBE_FLAG:
                                analysis = _ZERO_WINDOW_PROBE_ACK_FLAG
                            elif window:
                                fwd.dupacknum = fwd.dupacknum + 1 if fwd.dupacknum >= 0 else 1
                                counts["duplicate_ack"] += 1
                if ack != fwd.lastack:
                    fwd.dupacknum = 0
                    fwd.lastack = ack
                acked = rev.maxseqtobeacked
                if ack != acked and ((ack - acked) & _MASK) < _HALF and acked and flags & ACK:
                    self.acked_unseen(rev)

                if window and fwd.zero_window_frame and fwd.window == 0:
                    fwd.zero_window_recovered = index

                # The next sequence number after this segment (SYN and FIN take one).
                next_after = (seq + seglen + (1 if flags & (SYN | FIN) else 0)) & _MASK
                if seglen > 0 or flags & (SYN | FIN):
                    fwd.segments += 1
                    if not analysis & _KEEP_ALIVE_FLAG:
                        # Below the highest sequence number seen; one byte below with more
                        # than one byte is new data after a zero-window probe.
                        seq_not_advanced = (nextseq and 0 < ((nextseq - seq) & _MASK) < _HALF
                                            and not (seglen > 1 and seq == (nextseq - 1) & _MASK))
                        # Times compare as Wireshark's unsigned nanoseconds: a packet stamped
                        # before the one it is compared with (merged or reordered captures) is
                        # never within a threshold.
                        if (seglen > 0 and rev.lastack
                                and not 0 < ((seq + seglen - rev.lastack) & _MASK) < _HALF):
                            counts["spurious_retransmission"] += 1
                            counts["retransmission"] += 1
                            fwd.retransmissions += 1
                        elif (seq_not_advanced and (rev.dupacknum >= 2 or rev.dupacknum < 0)
                              and rev.lastack == seq
                              and 0 <= time - rev.lastacktime < 20_000_000):
                            counts["fast_retransmission"] += 1
                            counts["retransmission"] += 1
                            fwd.retransmissions += 1
                        elif seq_not_advanced:
                            # Out-of-order within the handshake's RTT (3 ms when unknown;
                            # a negative one is a huge unsigned value to Wireshark).
                            threshold = stream.first_rtt or 3_000_000
                            if (nextseq != next_after and 0 <= time - fwd.nextseqtime
                                    < (threshold if threshold > 0 else _HALF)):
                                counts["out_of_order"] += 1
                            else:
                                counts["retransmission"] += 1
                                fwd.retransmissions += 1
                # Every packet moves the highest sequence seen, except zero-window probes.
                if not analysis & _ZERO_WINDOW_PROBE_FLAG:
                    if not nextseq or 0 < ((next_after - nextseq) & _MASK) < _HALF:
                        fwd.nextseq = next_after
                        fwd.nextseqtime = time
                    if seq == fwd.maxseqtobeacked or not fwd.maxseqtobeacked:
                        fwd.maxseqtobeacked = fwd.nextseq
            if seglen > 0:
                if (src_port == 53 or dst_port == 53) and seq == nextseq:
                    payload = data[start + header_length:start + header_length + seglen]
                    fwd.dns_buffer = self.dns.over_tcp(index, time / _SECOND,
                                                       fwd.dns_buffer + payload, key[:-4],
                                                       src_port, dst_port)
                if fwd.first_data_ns is None:
                    fwd.first_data_ns = time
                if stream.response_ns is None:
                    if forward:
                        stream.request_end_ns = time
                    else:
                        stream.response_ns = time

            fwd.window = window
            fwd.lastacktime = time
            fwd.lastflags = analysis

            if flags & RST:
                self.reset(stream, forward, index, time)
            elif flags & FIN and stream.ended == "open":
                stream.ended = "fin"

    def locate(self, index: int, time: int, linktype: int, data: bytes,
               tunnelled: bool) -> tuple[bytes, int, int, bytes] | None:
        """Decode any frame: UDP (DNS) and ICMP are handled here; for TCP returns
        ``(data, TCP header offset, IP payload length, flow key)`` for ``frames``' loop."""
        offset, version = network_offset(linktype, data)
        if version == 4:
            if len(data) < offset + 20:
                return None
            header_length = (data[offset] & 0x0F) * 4
            if header_length < 20 or (((data[offset + 6] & 0x1F) << 8) | data[offset + 7]):
                return None
            total_length = (data[offset + 2] << 8) | data[offset + 3]
            protocol = data[offset + 9]
            addresses = data[offset + 12:offset + 20]
            start = offset + header_length
            ip_payload = total_length - header_length if total_length else len(data) - start
        elif version == 6:
            if len(data) < offset + 40:
                return None
            payload_field = (data[offset + 4] << 8) | data[offset + 5]
            protocol = data[offset + 6]
            addresses = data[offset + 8:offset + 40]
            start = offset + 40
            ip_payload = payload_field if payload_field else len(data) - start
            skipped = skip_ipv6_extensions(data, protocol, start, ip_payload)
            if skipped is None:
                return None
            protocol, start, ip_payload = skipped
        else:
            return None
        if protocol in (4, 41) and not tunnelled:
            # IPv4 or IPv6 carried in IPv4/IPv6 (6in4 tunnels): tshark analyzes the inner
            # packet, so do we; one level only, as a bound against crafted nesting.
            return self.locate(index, time, LINKTYPE_RAW, data[start:start + ip_payload], True)
        if protocol == 6:
            if len(data) < start + 20:
                return None
            return data, start, ip_payload, addresses + data[start:start + 4]
        if protocol == 17:
            if len(data) < start + 8:
                return None
            src_port, dst_port = struct.unpack_from("!HH", data, start)
            if L2TP_PORT in (src_port, dst_port) and not tunnelled:
                # PPP in L2TP (VPNs, DSL): tshark analyzes the inner packet, so do we.
                inner = l2tp_inner(data[start + 8:start + ip_payload])
                if inner is not None:
                    return self.locate(index, time, LINKTYPE_RAW, inner, True)
            if src_port in DNS_PORTS or dst_port in DNS_PORTS:
                self.dns.message(index, time / _SECOND, data[start + 8:start + ip_payload],
                                 addresses, src_port, dst_port)
            else:
                self.quic.datagram(index, time / _SECOND, addresses, src_port, dst_port,
                                   data[start + 8:start + ip_payload])
        elif protocol in (1, 58):
            self.icmp.message(index, time / _SECOND, data[start:start + max(ip_payload, 0)],
                              protocol, addresses)
        return None

    def new_stream(self, key: bytes, index: int, time: int, src_port: int, dst_port: int,
                   flags: int) -> tuple[Stream, bool, Direction, Direction]:
        """Start a stream and file it under the flow keys of both its directions."""
        address_size = (len(key) - 4) // 2
        src = address_text(key[:address_size])
        dst = address_text(key[address_size:2 * address_size])
        # A SYN-ACK seen first (the SYN was not captured) still tells who the server is.
        client_first = not (flags & SYN and flags & ACK)
        if client_first:
            stream = Stream(len(self.streams), index, time, src, src_port, dst, dst_port)
        else:
            stream = Stream(len(self.streams), index, time, dst, dst_port, src, src_port)
        self.streams.append(stream)
        self.counts["tcp_streams"] += 1
        reverse_key = (key[address_size:2 * address_size] + key[:address_size]
                       + key[-2:] + key[-4:-2])
        client, server = stream.forward, stream.reverse
        found = ((stream, True, client, server) if client_first
                 else (stream, False, server, client))
        self.flows[key] = found
        self.flows[reverse_key] = (stream, not client_first, found[3], found[2])
        return found

    def handshake(self, stream: Stream, fwd: Direction, rev: Direction, flags: int,
                  options: bytes, index: int, time: int) -> None:
        """A SYN or SYN-ACK: window scaling, counters, handshake times."""
        window_scaling(fwd, rev, flags, options)
        if flags & ACK:
            self.counts["synack"] += 1
            if not stream.synack_frame:
                stream.synack_frame = index
                stream.synack_ns = time
        else:
            self.counts["syn"] += 1
            if not stream.syn_frame:
                stream.syn_frame = index
                stream.syn_ns = time
            if not stream.first_rtt:
                stream.rtt_from = time

    def first_ack(self, stream: Stream, forward: bool, time: int) -> None:
        """The first packet with ACK and without SYN after a SYN: Wireshark's initial RTT
        (kept waiting while it would be 0), and the end of the client's handshake."""
        assert stream.rtt_from is not None
        if time != stream.rtt_from:
            stream.first_rtt = time - stream.rtt_from
            stream.rtt_from = None
        if forward and stream.synack_ns is not None and stream.handshake_ack_ns is None:
            stream.handshake_ack_ns = time

    def acked_unseen(self, sender: Direction) -> None:
        """An ACK beyond every byte seen from ``sender`` (Wireshark's "ACKed segment that
        wasn't captured"): the capture missed what it sent. Counted once per gap, and the
        sender's duplicate-ACK count is set to Wireshark's wrapped -1."""
        if sender.maxseqtobeacked < sender.nextseq:  # unsigned, as Wireshark compares
            sender.maxseqtobeacked = sender.nextseq
            self.counts["ack_lost_segment"] += 1
        else:
            if sender.dupacknum == 0:
                self.counts["ack_lost_segment"] += 1
            sender.dupacknum = -1

    def zero_window(self, stream: Stream, forward: bool, fwd: Direction, index: int,
                    time: int) -> None:
        self.counts["zero_window"] += 1
        if not fwd.zero_window_frame:
            fwd.zero_window_frame = index
            self.events.add(time / _SECOND, index, Severity.MEDIUM,
                            f"{endpoint(*stream.side(forward))} advertised a zero window")

    def reset(self, stream: Stream, forward: bool, index: int, time: int) -> None:
        """A RST: the first one of a stream says how it ended (refused, or reset by whom)."""
        self.counts["rst"] += 1
        self.rst_streams.add(stream.index)
        if not stream.reset_frame:
            message = stream.reset_by(forward, index)
            self.events.add(time / _SECOND, index, Severity.MEDIUM, message)
