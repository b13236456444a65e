"""Network analyzer: why connections fail, from pcap and pcapng captures (TCP, DNS, ICMP).

It reads the capture once (``inspector.formats.pcap``'s raw reader, no scapy) and follows every TCP
stream with Wireshark's own TCP analysis (``epan/dissectors/packet-tcp.c``,
``tcp_analyze_sequence_number``, as documented in the Wireshark User's Guide, "TCP
Analysis"), so its counts agree with ``tshark -Y tcp.analysis.<flag>``:

- a *retransmission* is a segment with data (or SYN/FIN) whose sequence number is below the
  highest one already seen that way and that is not a keep-alive, checked in Wireshark's
  order: *fast* when it follows two or more duplicate ACKs within 20 ms, *spurious* when the
  receiver had already acknowledged it, else *out-of-order* (not a retransmission) when it
  comes within the initial RTT (3 ms when unknown) of the highest segment and does not
  close a gap exactly. ``retransmission``
  counts all three retransmission kinds, as tshark's filter does.
- *lost segment*: a sequence number above the next expected one (bytes never captured);
  *duplicate ACK*: no data, same window, sequence and ACK as the previous packet that way;
  *zero window*: window 0 on a non SYN/FIN/RST packet; *keep-alive*: 0-1 byte one below
  the next expected sequence number; *window full*: data reaching exactly the right edge of
  the peer's advertised window.
- streams are numbered like ``tcp.stream``: a new 4-tuple, or a SYN with a new initial
  sequence number on a used 4-tuple (ports reused), starts a new stream.

DNS (UDP port 53, mDNS 5353, LLMNR 5355, which tshark counts with the same fields, and DNS
over TCP port 53 reassembled from in-order segments) is parsed by a small bounded parser:
header, first question. A query is answered when a response with the same transaction id
comes back between the same two endpoints.

Stats (``stats["network"]``) hold the issue's counters plus ``conversations``: one entry per
TCP stream (capped at ``MAX_CONVERSATIONS``, first streams first) with endpoints, start,
duration, packets and frame bytes each way, handshake and server timings, and how it ended
(``fin``, ``reset-by-client``, ``reset-by-server``, ``refused``, ``unanswered-syn``,
``open``). The *client* is the side that sent the first SYN, or the first packet's sender.

Findings group by server endpoint (host and port) so that 500 refused attempts are one
finding with a count and the first packets as evidence. Thresholds are module constants.

Speed (``bench/bench_network.py``; the issue asks for 300,000 packets/s end to end) decides
the shape of ``_Run.frames``, the per-packet loop: one function with no calls on the common
path, Ethernet + IPv4 + TCP decoded by a single ``struct`` call, streams found by the raw
address and port bytes, and a first branch for the in-order packet into an open window that
runs only the checks that can apply to it; every other packet takes the full check sequence
in Wireshark's order. The cyclic garbage collector is paused while the loop runs. Per-stream
and rare work (new streams, handshakes, resets, DNS, ICMP) lives in ordinary methods. Any
change here must keep ``tests/analyzers/test_network.py`` (tshark conformance on the
corpus, fast-path vs general-path equivalence) green.

>>> from inspector.training.scenarios.packets import Capture, TcpFlow
>>> from inspector.testing import run_analyzer
>>> capture = Capture()
>>> TcpFlow(capture, "10.0.0.5", 50000, "10.0.0.80", 8080).refuse(1_794_906_000.0, 0.001)
>>> run = run_analyzer(NetworkAnalyzer(), capture.pcap(), name="client.pcap")
>>> run.stats["rst"], sorted(run.rules())
(1, ['tcp.connection-refused'])
"""

from __future__ import annotations

import gc
import struct
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from socket import inet_ntoa as _inet_ntoa
from typing import Any

from inspector.formats.pcap import (
    LINKTYPE_ETHERNET,
    LINKTYPE_RAW,
    CaptureError,
    Frame,
    _frame_batches,
    _network_offset,
    _skip_ipv6_extensions,
)
from inspector.formats.protocols import (
    ACK,
    DNS_RCODES,
    FIN,
    ICMP_UNREACHABLE_CODES,
    ICMPV6_UNREACHABLE_CODES,
    RST,
    SYN,
)
from inspector.model import (
    ArtifactKind,
    Event,
    EventSource,
    Evidence,
    PacketLocator,
    Severity,
    utc_from_epoch,
)
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats
from inspector.rules import rule

CONNECTION_REFUSED = rule("tcp.connection-refused", Severity.HIGH, "connectivity",
                          "A server answered a connection attempt (SYN) with a reset")
NO_RESPONSE = rule("tcp.no-response", Severity.HIGH, "connectivity",
                   "Connection attempts (SYN) were never answered")
RESET = rule("tcp.reset", Severity.MEDIUM, "connectivity",
             "Established connections were reset mid-way")
RETRANSMISSIONS = rule("tcp.retransmissions", Severity.MEDIUM, "performance",
                       "Many segments were retransmitted: packet loss on the path")
ZERO_WINDOW = rule("tcp.zero-window", Severity.MEDIUM, "performance",
                   "A receiver advertised a zero window: it stopped reading")
SLOW_HANDSHAKE = rule("tcp.slow-handshake", Severity.LOW, "performance",
                      "TCP handshakes took long to be answered")
SERVER_LATENCY = rule("net.server-latency", Severity.LOW, "performance",
                      "Slow responses, with where the delay sits: client, network or server")
DNS_NXDOMAIN = rule("dns.nxdomain", Severity.MEDIUM, "dns",
                    "A DNS name does not exist (NXDOMAIN)")
DNS_SERVFAIL = rule("dns.servfail", Severity.HIGH, "dns",
                    "A DNS server failed to resolve names (SERVFAIL)")
DNS_NO_RESPONSE = rule("dns.no-response", Severity.HIGH, "dns",
                       "DNS queries were never answered")
DNS_SLOW = rule("dns.slow", Severity.LOW, "dns", "DNS answers were slow")
ICMP_UNREACHABLE = rule("icmp.unreachable", Severity.MEDIUM, "connectivity",
                        "ICMP destination unreachable or packet too big (MTU) errors")

MAX_CONVERSATIONS = 10_000
MAX_EVENTS = 2_000
EVIDENCE_PACKETS = 10
RETRANSMISSION_RATE = 0.02  # a few percent of loss already hurts TCP throughput badly
RETRANSMISSION_MIN = 3
SLOW_HANDSHAKE_SECONDS = 0.5
SLOW_RESPONSE_SECONDS = 0.5
DNS_SLOW_SECONDS = 0.5

_NOT_DATA_FLAGS = SYN | FIN | RST
_MASK = 0xFFFFFFFF
_HALF = 0x80000000
_DNS_PORTS = frozenset({53, 5353, 5355})
_TCP_HEADER = struct.Struct("!HHIIBBH").unpack_from
# From byte 12 of an Ethernet frame: EtherType, IPv4 version/IHL, total length, fragment
# offset, protocol, then the TCP header (ports, seq, ack, data offset, flags, window) as it
# sits after a 20-byte IPv4 header. Checked before use: see ``_Run.read``.
_FAST_HEADER = struct.Struct("!HBxH2xHxB2x8xHHIIBBH").unpack_from
_U16 = struct.Struct("!H").unpack_from
_COUNTERS = ("packets", "tcp_streams", "syn", "synack", "rst", "rst_streams",
             "retransmission", "fast_retransmission", "spurious_retransmission",
             "out_of_order", "lost_segment", "duplicate_ack", "zero_window", "window_full",
             "keep_alive", "dns_queries", "dns_responses", "dns_nxdomain", "dns_servfail",
             "dns_unanswered")


def _address_text(raw: bytes) -> str:
    if len(raw) == 4:
        return _inet_ntoa(raw)  # dotted quad, like "%d.%d.%d.%d" but five times faster
    import ipaddress

    return str(ipaddress.IPv6Address(raw))


def _utc(seconds: float) -> datetime:
    return utc_from_epoch(seconds)


def _endpoint(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {plural or word + 's'}"


class _Direction:
    """One direction of a TCP stream: Wireshark's ``tcp_flow_t`` and our own tallies."""

    __slots__ = ("bytes", "dns_buffer", "dupacks", "first_data_time",
                 "lastack", "lastacktime", "lastflags", "nextseq", "nextseqtime", "packets",
                 "retransmissions", "scale", "segments", "window", "zero_window_frame",
                 "zero_window_recovered")

    def __init__(self) -> None:
        self.nextseq = 0
        self.nextseqtime = 0.0
        self.lastack = 0
        self.lastacktime = 0.0
        self.window = -1
        self.scale = -1  # -1 unknown (no SYN seen), -2 no scaling, else the shift
        self.dupacks = 0
        self.lastflags = 0
        self.packets = 0
        self.bytes = 0
        self.segments = 0  # what retransmission rates divide by: data, SYN or FIN segments
        self.retransmissions = 0
        self.first_data_time: float | None = None  # also tells whether it sent data at all
        self.zero_window_frame = 0
        self.zero_window_recovered = 0
        self.dns_buffer = b""


_KEEP_ALIVE_FLAG = 1
_ZERO_WINDOW_PROBE_FLAG = 2
_KEEP_ALIVE_ACK_FLAG = 4
_ZERO_WINDOW_PROBE_ACK_FLAG = 8


class _Stream:
    """One TCP stream (``tcp.stream``), ``forward`` being the client's direction."""

    __slots__ = (
        "base_seq",
        "client",
        "client_port",
        "end_frame",
        "end_time",
        "ended",
        "first_rtt",
        "forward",
        "handshake_ack_time",
        "index",
        "request_end_time",
        "reset_frame",
        "response_time",
        "reverse",
        "server",
        "server_port",
        "start_frame",
        "start_time",
        "syn_frame",
        "syn_time",
        "synack_frame",
        "synack_time",
    )

    def __init__(self, index: int, frame: int, time: float, client: str, client_port: int,
                 server: str, server_port: int, seq: int) -> None:
        self.index = index
        self.client, self.client_port = client, client_port
        self.server, self.server_port = server, server_port
        self.forward = _Direction()
        self.reverse = _Direction()
        self.base_seq = seq
        self.start_frame = self.end_frame = frame
        self.start_time = self.end_time = time
        self.syn_frame = self.synack_frame = self.reset_frame = 0
        self.syn_time: float | None = None
        self.synack_time: float | None = None
        self.handshake_ack_time: float | None = None
        self.first_rtt = 0.0
        self.request_end_time: float | None = None
        self.response_time: float | None = None
        self.ended = "open"


class _Dns:
    __slots__ = ("answered", "client", "frame", "name", "record_type", "server", "time")

    def __init__(self, frame: int, time: float, client: str, server: str, name: str,
                 record_type: int) -> None:
        self.frame, self.time = frame, time
        self.client, self.server = client, server
        self.name, self.record_type = name, record_type
        self.answered = False


def _dns_question(message: bytes) -> tuple[str, int] | None:
    """The first question's name and type, or ``None`` when the message is cut short.

    Bounded: at most 128 labels and 16 compression jumps, so crafted loops end quickly.
    """
    if len(message) < 12 or not _U16(message, 4)[0]:
        return None
    labels: list[str] = []
    position = 12
    end_of_name = 0
    jumps = 0
    while len(labels) < 128:
        if position >= len(message):
            return None
        length = message[position]
        if length == 0:
            position += 1
            break
        if length & 0xC0 == 0xC0:
            if position + 1 >= len(message) or jumps >= 16:
                return None
            jumps += 1
            end_of_name = end_of_name or position + 2
            position = ((length & 0x3F) << 8) | message[position + 1]
            continue
        labels.append(message[position + 1:position + 1 + length].decode("ascii", "replace"))
        position += 1 + length
    after = end_of_name or position
    record_type = _U16(message, after)[0] if after + 2 <= len(message) else 0
    return ".".join(labels) or ".", record_type


class NetworkAnalyzer:
    """TCP, DNS and ICMP diagnosis of one capture; see the module docstring."""

    name = "network"
    kinds = frozenset({ArtifactKind.PCAP, ArtifactKind.PCAPNG})
    rules = (CONNECTION_REFUSED, NO_RESPONSE, RESET, RETRANSMISSIONS, ZERO_WINDOW,
             SLOW_HANDSHAKE, SERVER_LATENCY, DNS_NXDOMAIN, DNS_SERVFAIL, DNS_NO_RESPONSE,
             DNS_SLOW, ICMP_UNREACHABLE)

    def analyze(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[AnalyzerItem]:
        run = _Run(source.artifact.path, self.name)
        size = max(source.artifact.size, 1)
        try:
            with source.open() as stream:
                tell = getattr(stream, "tell", None)
                report = tell is not None and not source.artifact.compression

                def checkpoint() -> None:
                    context.check_cancelled()
                    if report:
                        context.progress(min(tell() / size, 0.99))

                run.read(_frame_batches(stream), checkpoint)
        except CaptureError as error:
            context.warn(f"capture ends early: {error} (analyzed {error.packets_read:,} "
                         "packets before it)")
        except (OSError, EOFError, zlib.error) as error:
            context.warn(f"capture could not be read to the end: {error} (analyzed "
                         f"{run.packets:,} packets)")
        yield from run.findings()
        # Findings first: judging the capture as a whole adds events (unanswered SYNs, DNS).
        yield from sorted(run.events, key=Event.sort_key)
        yield Stats(run.stats())
        context.progress(1.0)


class _Run:
    """The state of one analysis: streams, DNS transactions, ICMP errors, counters."""

    def __init__(self, artifact: str, analyzer: str) -> None:
        self.artifact = artifact
        self.analyzer = analyzer
        self.counts = dict.fromkeys(_COUNTERS, 0)
        # raw addresses + ports as sent -> (stream, sent by the client, sender's direction,
        # receiver's direction)
        self.flows: dict[bytes, tuple[_Stream, bool, _Direction, _Direction]] = {}
        self.streams: list[_Stream] = []
        self.rst_streams: set[int] = set()
        self.dns_pending: dict[tuple, list[_Dns]] = {}
        self.dns_queries: list[_Dns] = []
        self.dns_failures: dict[tuple[int, str, str], list[tuple[int, float, str]]] = (
            defaultdict(list))
        self.dns_slow: list[tuple[float, _Dns, int, float]] = []
        self.icmp_errors: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
        self.events: list[Event] = []
        self.packets = 0

    # --- per packet ------------------------------------------------------------------------

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
        handles UDP and ICMP itself and hands TCP back to this loop.
        """
        flows = self.flows
        counts = self.counts
        locate = self.locate
        fast_header = _FAST_HEADER
        tcp_header = _TCP_HEADER
        for index, time, linktype, data, wire_length in batch:
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
            # A SYN with a new initial sequence number on a used 4-tuple: ports reused.
            if found is None or (flags & (SYN | ACK) == SYN and found[1]
                                 and seq != found[0].base_seq):
                found = self.new_stream(key, index, time, src_port, dst_port, seq, flags)
            stream, forward, fwd, rev = found
            stream.end_frame = index
            stream.end_time = time
            fwd.packets += 1
            fwd.bytes += wire_length
            if flags & SYN:
                self.handshake(stream, fwd, rev, flags, data[start + 20:start + header_length],
                               index, time)
            elif (stream.handshake_ack_time is None and forward and flags & ACK
                  and stream.synack_time is not None and stream.syn_time is not None):
                stream.handshake_ack_time = time
                stream.first_rtt = time - stream.syn_time

            # Wireshark's tcp_analyze_sequence_number; (a - b) & _MASK below _HALF is its
            # GT_SEQ, inlined.
            analysis = 0
            nextseq = fwd.nextseq
            if (seq == nextseq != 0 and window and not flags & _NOT_DATA_FLAGS
                    and (seglen != 1 or rev.window)):
                # The common case: the next expected bytes (or a bare ACK) into an open
                # window, no SYN/FIN/RST, not a zero-window probe. Of Wireshark's checks only
                # window full, keep-alive ACK, duplicate ACK and spurious retransmission can
                # apply here (lost segment, zero window, keep-alive, fast retransmission and
                # out-of-order need another sequence number or a zero window); the branch
                # below runs them all, in Wireshark's order, for every other packet.
                if seglen:
                    if (rev.scale != -1 and (seq + seglen) & _MASK == (
                            rev.lastack + (rev.window << (
                                0 if rev.scale == -2 else rev.scale))) & _MASK):
                        counts["window_full"] += 1
                    fwd.dupacks = 0
                    fwd.segments += 1
                    if rev.lastack and not 0 < ((seq + seglen - rev.lastack) & _MASK) < _HALF:
                        counts["spurious_retransmission"] += 1
                        counts["retransmission"] += 1
                        fwd.retransmissions += 1
                    fwd.nextseq = (seq + seglen) & _MASK
                    fwd.nextseqtime = time
                elif window == fwd.window and ack == fwd.lastack:
                    if rev.lastflags & _KEEP_ALIVE_FLAG:
                        analysis = _KEEP_ALIVE_ACK_FLAG
                        fwd.dupacks = 0
                    else:
                        fwd.dupacks += 1
                        counts["duplicate_ack"] += 1
                else:
                    fwd.dupacks = 0
                if fwd.zero_window_frame and fwd.window == 0:
                    fwd.zero_window_recovered = index
            else:
                if seglen == 1 and seq == nextseq and rev.window == 0:
                    # Zero-window probe: one byte at the next sequence number into a
                    # closed window.
                    analysis = _ZERO_WINDOW_PROBE_FLAG
                else:
                    if nextseq and 0 < ((seq - nextseq) & _MASK) < _HALF and not flags & RST:
                        counts["lost_segment"] += 1
                    if flags & _NOT_DATA_FLAGS:
                        fwd.dupacks = 0
                    else:
                        if window == 0:
                            self.zero_window(stream, forward, fwd, index, time)
                        if seglen <= 1 and seq == (nextseq - 1) & _MASK:
                            counts["keep_alive"] += 1
                            analysis = _KEEP_ALIVE_FLAG
                        else:
                            if (seglen > 0 and rev.scale != -1 and (seq + seglen) & _MASK == (
                                    rev.lastack + (rev.window << (
                                        0 if rev.scale == -2 else rev.scale))) & _MASK):
                                counts["window_full"] += 1
                            if seglen == 0 and window == fwd.window and seq == nextseq:
                                # A plain ACK: keep-alive ACK, zero-window probe ACK, or
                                # duplicate ACK.
                                if window and ack == fwd.lastack and \
                                        rev.lastflags & _KEEP_ALIVE_FLAG:
                                    analysis = _KEEP_ALIVE_ACK_FLAG
                                elif (not window and rev.lastflags & _ZERO_WINDOW_PROBE_FLAG
                                      and ack in (fwd.lastack, (fwd.lastack + 1) & _MASK)):
                                    analysis = _ZERO_WINDOW_PROBE_ACK_FLAG
                                elif window and ack == fwd.lastack:
                                    fwd.dupacks += 1
                                    counts["duplicate_ack"] += 1
                                else:
                                    fwd.dupacks = 0
                            else:
                                fwd.dupacks = 0
                if analysis:
                    fwd.dupacks = 0

                if window and fwd.zero_window_frame and fwd.window == 0:
                    fwd.zero_window_recovered = index

                if seglen > 0 or flags & (SYN | FIN):
                    fwd.segments += 1
                    if not analysis & _KEEP_ALIVE_FLAG:
                        seq_not_advanced = nextseq and 0 < ((nextseq - seq) & _MASK) < _HALF
                        if (seq_not_advanced and rev.dupacks >= 2 and rev.lastack == seq
                                and time - rev.lastacktime < 0.02):
                            counts["fast_retransmission"] += 1
                            counts["retransmission"] += 1
                            fwd.retransmissions += 1
                        elif (seglen > 0 and rev.lastack
                              and not 0 < ((seq + seglen - rev.lastack) & _MASK) < _HALF):
                            counts["spurious_retransmission"] += 1
                            counts["retransmission"] += 1
                            fwd.retransmissions += 1
                        elif seq_not_advanced:
                            if (time - fwd.nextseqtime < (stream.first_rtt or 0.003)
                                    and nextseq != (seq + seglen) & _MASK):
                                counts["out_of_order"] += 1
                            else:
                                counts["retransmission"] += 1
                                fwd.retransmissions += 1
                # Every packet moves the highest sequence seen, except zero-window probes.
                next_after = (seq + seglen + (1 if flags & (SYN | FIN) else 0)) & _MASK
                if (not nextseq or 0 < ((next_after - nextseq) & _MASK) < _HALF) and \
                        not analysis & _ZERO_WINDOW_PROBE_FLAG:
                    fwd.nextseq = next_after
                    fwd.nextseqtime = time
            if seglen > 0:
                if (src_port == 53 or dst_port == 53) and seq == nextseq:
                    self.dns_over_tcp(index, time, fwd, data[start + header_length:
                                                             start + header_length + seglen],
                                      key[:-4], src_port, dst_port)
                if fwd.first_data_time is None:
                    fwd.first_data_time = time
                if stream.response_time is None:
                    if forward:
                        stream.request_end_time = time
                    else:
                        stream.response_time = time

            fwd.window = window
            fwd.lastack = ack
            fwd.lastacktime = time
            fwd.lastflags = analysis

            if flags & RST:
                self.reset(stream, forward, index, time)
            elif flags & FIN and stream.ended == "open":
                stream.ended = "fin"

    def locate(self, index: int, time: float, linktype: int, data: bytes,
               tunnelled: bool) -> tuple[bytes, int, int, bytes] | None:
        """Decode any frame: UDP (DNS) and ICMP are handled here; for TCP returns
        ``(data, TCP header offset, IP payload length, flow key)`` for ``frames``' loop."""
        offset, version = _network_offset(linktype, data)
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
            skipped = _skip_ipv6_extensions(data, protocol, start, ip_payload)
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
            if src_port in _DNS_PORTS or dst_port in _DNS_PORTS:
                self.dns(index, time, data[start + 8:start + ip_payload], addresses, src_port,
                         dst_port)
        elif protocol in (1, 58):
            self.icmp(index, time, data[start:start + max(ip_payload, 0)], protocol,
                      addresses)
        return None

    def new_stream(self, key: bytes, index: int, time: float, src_port: int, dst_port: int,
                   seq: int, flags: int) -> tuple[_Stream, bool, _Direction, _Direction]:
        address_size = (len(key) - 4) // 2
        src = _address_text(key[:address_size])
        dst = _address_text(key[address_size:2 * address_size])
        # A SYN-ACK seen first (the SYN was not captured) still tells who the server is.
        client_first = not (flags & SYN and flags & ACK)
        if client_first:
            stream = _Stream(len(self.streams), index, time, src, src_port, dst, dst_port, seq)
        else:
            stream = _Stream(len(self.streams), index, time, dst, dst_port, src, src_port, seq)
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

    def handshake(self, stream: _Stream, fwd: _Direction, rev: _Direction, flags: int,
                  options: bytes, index: int, time: float) -> None:
        """A SYN or SYN-ACK: window scaling, counters, handshake times."""
        self.window_scaling(stream, fwd, rev, flags, options)
        if flags & ACK:
            self.counts["synack"] += 1
            if not stream.synack_frame:
                stream.synack_frame = index
                stream.synack_time = time
        else:
            self.counts["syn"] += 1
            if not stream.syn_frame:
                stream.syn_frame = index
                stream.syn_time = time

    def zero_window(self, stream: _Stream, forward: bool, fwd: _Direction, index: int,
                    time: float) -> None:
        self.counts["zero_window"] += 1
        if not fwd.zero_window_frame:
            fwd.zero_window_frame = index
            self.event(time, index, Severity.MEDIUM,
                       f"{_endpoint(*self.side(stream, forward))} advertised a zero window")

    @staticmethod
    def window_scaling(stream: _Stream, fwd: _Direction, rev: _Direction, flags: int,
                       options: bytes) -> None:
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

    def reset(self, stream: _Stream, forward: bool, index: int, time: float) -> None:
        self.counts["rst"] += 1
        self.rst_streams.add(stream.index)
        if stream.reset_frame:
            return
        stream.reset_frame = index
        client_sent_data = stream.forward.first_data_time is not None
        server_sent_data = stream.reverse.first_data_time is not None
        established = stream.synack_frame or (client_sent_data and server_sent_data)
        if not forward and stream.syn_frame and not stream.synack_frame and not \
                server_sent_data:
            stream.ended = "refused"
            message = (f"{_endpoint(stream.server, stream.server_port)} refused a connection "
                       f"from {stream.client}")
        elif established or client_sent_data or server_sent_data:
            stream.ended = "reset-by-client" if forward else "reset-by-server"
            who = "client" if forward else "server"
            client = _endpoint(stream.client, stream.client_port)
            message = (f"{who} reset the connection {client} -> "
                       f"{_endpoint(stream.server, stream.server_port)}")
        else:
            stream.ended = "reset-by-client" if forward else "reset-by-server"
            message = (f"reset on {_endpoint(stream.client, stream.client_port)} -> "
                       f"{_endpoint(stream.server, stream.server_port)}")
        self.event(time, index, Severity.MEDIUM, message)

    @staticmethod
    def side(stream: _Stream, forward: bool) -> tuple[str, int]:
        if forward:
            return stream.client, stream.client_port
        return stream.server, stream.server_port

    def dns_over_tcp(self, index: int, time: float, direction: _Direction, payload: bytes,
                     addresses: bytes, src_port: int, dst_port: int) -> None:
        """DNS messages over TCP: 2-byte length prefixes, reassembled across in-order segments
        and counted at the segment that completes them, as tshark does."""
        buffer = direction.dns_buffer + payload
        while len(buffer) >= 2:
            length = (buffer[0] << 8) | buffer[1]
            if len(buffer) < 2 + length:
                break
            self.dns(index, time, buffer[2:2 + length], addresses, src_port, dst_port)
            buffer = buffer[2 + length:]
        direction.dns_buffer = buffer

    def dns(self, index: int, time: float, message: bytes, addresses: bytes,
            src_port: int, dst_port: int) -> None:
        """One DNS message; ``addresses`` is the raw source then destination address."""
        if len(message) < 12:
            return
        transaction_id, flags = struct.unpack_from("!HH", message, 0)
        address_size = len(addresses) // 2
        src = _address_text(addresses[:address_size])
        dst = _address_text(addresses[address_size:])
        question = _dns_question(message)
        name, record_type = question if question else ("?", 0)
        counts = self.counts
        if not flags & 0x8000:
            counts["dns_queries"] += 1
            query = _Dns(index, time, src, dst, name, record_type)
            self.dns_queries.append(query)
            self.dns_pending.setdefault((src, src_port, dst, dst_port, transaction_id),
                                        []).append(query)
            return
        counts["dns_responses"] += 1
        rcode = flags & 0x0F
        pending = self.dns_pending.get((dst, dst_port, src, src_port, transaction_id))
        first_query = None
        if pending:
            first_query = pending[0]
            for query in pending:
                query.answered = True
            if name == "?":
                name = first_query.name
        if rcode == 3:
            counts["dns_nxdomain"] += 1
        elif rcode == 2:
            counts["dns_servfail"] += 1
        if rcode in (2, 3, 5) and dst_port != 5353:
            self.dns_failures[(rcode, src, name)].append((index, time, dst))
            self.event(time, index, Severity.MEDIUM,
                       f"DNS {DNS_RCODES[rcode]} for {name} from {src}")
        if first_query is not None and time - first_query.time >= DNS_SLOW_SECONDS:
            self.dns_slow.append((time - first_query.time, first_query, index, time))

    def icmp(self, index: int, time: float, message: bytes, protocol: int,
             addresses: bytes) -> None:
        if len(message) < 8:
            return
        icmp_type, code = message[0], message[1]
        if protocol == 1 and icmp_type == 3:
            reason = ICMP_UNREACHABLE_CODES.get(code, f"unreachable (code {code})")
            mtu = _U16(message, 6)[0] if code == 4 else None
        elif protocol == 58 and icmp_type == 1:
            reason = ICMPV6_UNREACHABLE_CODES.get(code, f"unreachable (code {code})")
            mtu = None
        elif protocol == 58 and icmp_type == 2:
            reason = "packet too big (MTU)"
            mtu = struct.unpack_from("!I", message, 4)[0]
        else:
            return
        reporter = _address_text(addresses[:len(addresses) // 2])
        target, target_port, target_protocol = _embedded_destination(message[8:])
        self.icmp_errors[(reporter, reason, target, target_port, target_protocol, mtu)].append(
            (index, time))
        where = _endpoint(target, target_port) if target_port else target
        self.event(time, index, Severity.MEDIUM, f"ICMP {reason} from {reporter} for {where}")

    def event(self, time: float, index: int, severity: Severity, message: str) -> None:
        if len(self.events) < MAX_EVENTS:
            self.events.append(Event(_utc(time), self.artifact, PacketLocator(index), severity,
                                     EventSource.PACKET, message))

    # --- after the last packet -------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        counts = dict(self.counts)
        counts["packets"] = self.packets
        counts["rst_streams"] = len(self.rst_streams)
        counts["dns_unanswered"] = sum(1 for query in self.dns_queries if not query.answered)
        counts["conversations"] = [self.conversation(stream)
                                   for stream in self.streams[:MAX_CONVERSATIONS]]
        counts["conversations_left_out"] = max(len(self.streams) - MAX_CONVERSATIONS, 0)
        return counts

    def conversation(self, stream: _Stream) -> dict[str, Any]:
        ended = stream.ended
        if ended == "open" and stream.syn_frame and not stream.synack_frame and not \
                stream.reverse.packets:
            ended = "unanswered-syn"
        handshake_rtt = (round(stream.synack_time - stream.syn_time, 6)
                         if stream.synack_time is not None and stream.syn_time is not None
                         else None)
        return {
            "stream": stream.index,
            "client": stream.client, "client_port": stream.client_port,
            "server": stream.server, "server_port": stream.server_port,
            "start": _utc(stream.start_time).isoformat().replace("+00:00", "Z"),
            "duration": round(stream.end_time - stream.start_time, 6),
            "first_packet": stream.start_frame, "last_packet": stream.end_frame,
            "packets_to_server": stream.forward.packets,
            "packets_to_client": stream.reverse.packets,
            "bytes_to_server": stream.forward.bytes, "bytes_to_client": stream.reverse.bytes,
            "handshake_rtt": handshake_rtt,
            "server_response_time": _response_delay(stream),
            "retransmissions": stream.forward.retransmissions + stream.reverse.retransmissions,
            "ended": ended,
        }

    def findings(self) -> Iterator[Any]:
        yield from self.connection_findings()
        yield from self.retransmission_findings()
        yield from self.zero_window_findings()
        yield from self.latency_findings()
        yield from self.dns_findings()
        yield from self.icmp_findings()

    def evidence(self, frames: list[int], excerpt: str) -> list[Evidence]:
        return [Evidence(self.artifact, PacketLocator(frame), excerpt)
                for frame in sorted(set(frames))[:EVIDENCE_PACKETS]]

    def connection_findings(self) -> Iterator[Any]:
        refused: dict[tuple[str, int], list[_Stream]] = defaultdict(list)
        unanswered: dict[tuple[str, int], list[_Stream]] = defaultdict(list)
        resets: dict[tuple[str, int, str], list[_Stream]] = defaultdict(list)
        for stream in self.streams:
            server = (stream.server, stream.server_port)
            if stream.ended == "refused":
                refused[server].append(stream)
            elif (stream.ended == "open" and stream.syn_frame and not stream.synack_frame
                  and not stream.reverse.packets):
                unanswered[server].append(stream)
            elif stream.ended in ("reset-by-client", "reset-by-server"):
                resets[(*server, stream.ended)].append(stream)
        for (server, port), streams in sorted(refused.items()):
            clients = sorted({s.client for s in streams})
            frames = [f for s in streams[:EVIDENCE_PACKETS // 2]
                      for f in (s.syn_frame, s.reset_frame)]
            yield CONNECTION_REFUSED.finding(
                f"{server} refused {_plural(len(streams), 'connection')} on port {port}",
                analyzer=self.analyzer,
                detail=(f"{_plural(len(streams), 'connection attempt')} from "
                        f"{', '.join(clients[:5])}{' and others' if len(clients) > 5 else ''} "
                        f"to {_endpoint(server, port)} got a TCP reset in answer to the SYN: "
                        "the host is reachable but nothing accepts connections on that port, "
                        "or a firewall rejects them."),
                count=len(streams), first_seen=_utc(streams[0].start_time),
                last_seen=_utc(streams[-1].end_time),
                evidence=self.evidence(frames, f"SYN to {_endpoint(server, port)} answered "
                                               "by RST"),
                facts={"server": server, "port": port, "clients": clients[:20],
                       "attempts": len(streams)},
                remediation=(f"Check that the service is running and listening on port {port} "
                             f"of {server} (ss -ltnp), that it listens on the right address "
                             "(not only 127.0.0.1), and that no firewall or load balancer "
                             "rejects the port."))
        for (server, port), streams in sorted(unanswered.items()):
            for stream in streams:
                self.event(stream.start_time, stream.syn_frame, Severity.MEDIUM,
                           f"no answer to SYN {_endpoint(stream.client, stream.client_port)}"
                           f" -> {_endpoint(server, port)}")
            syn_count = sum(s.forward.packets for s in streams)
            frames = [s.syn_frame for s in streams]
            yield NO_RESPONSE.finding(
                f"No answer from {server} on port {port}: "
                f"{_plural(len(streams), 'connection attempt')} got no SYN-ACK",
                analyzer=self.analyzer,
                detail=(f"{_plural(syn_count, 'SYN')} (retransmissions included) to "
                        f"{_endpoint(server, port)} were never answered in the capture: "
                        "the packets are dropped on the way or at the host (firewall, "
                        "routing, host down), or the answer takes another path."),
                count=len(streams), first_seen=_utc(streams[0].start_time),
                last_seen=_utc(streams[-1].end_time),
                evidence=self.evidence(frames, f"SYN to {_endpoint(server, port)}, no answer"),
                facts={"server": server, "port": port, "attempts": len(streams),
                       "syn_packets": syn_count},
                remediation=(f"Check that {server} is up and routable from the client, and "
                             f"whether a firewall silently drops port {port}; capture on the "
                             "server side to see whether the SYNs arrive."))
        for (server, port, ended), streams in sorted(resets.items()):
            by_server = ended == "reset-by-server"
            frames = [s.reset_frame for s in streams]
            who = f"{server} (the server)" if by_server else "the client"
            clients = sorted({s.client for s in streams})
            yield RESET.finding(
                f"{'Server ' + server if by_server else 'Clients'} reset "
                f"{_plural(len(streams), 'connection')} "
                f"{'on port ' + str(port) if by_server else 'to ' + _endpoint(server, port)}",
                analyzer=self.analyzer,
                detail=(f"{_plural(len(streams), 'connection')} between "
                        f"{', '.join(clients[:5])} and {_endpoint(server, port)} were ended by "
                        f"a reset from {who} instead of a normal close."),
                count=len(streams), first_seen=_utc(streams[0].start_time),
                last_seen=_utc(streams[-1].end_time),
                evidence=self.evidence(frames, "RST from the server" if by_server
                                       else "RST from the client"),
                facts={"server": server, "port": port, "reset_by":
                       "server" if by_server else "client", "connections": len(streams)},
                remediation=("Look at the server's logs at these times for crashes, restarts, "
                             "idle or request timeouts, and at any proxy or load balancer in "
                             "between (idle timeouts reset connections)." if by_server else
                             "Check the client's logs for aborted requests or timeouts at "
                             "these times; a client reset often follows its own timeout."))

    def retransmission_findings(self) -> Iterator[Any]:
        by_server: dict[tuple[str, int], list[_Stream]] = defaultdict(list)
        for stream in self.streams:
            if stream.forward.retransmissions or stream.reverse.retransmissions:
                by_server[(stream.server, stream.server_port)].append(stream)
        for (server, port), streams in sorted(by_server.items()):
            retransmitted = sum(s.forward.retransmissions + s.reverse.retransmissions
                                for s in streams)
            # SYNs count: a retransmitted SYN is a segment the path lost as much as data.
            segments = sum(s.forward.segments + s.reverse.segments for s in streams)
            rate = retransmitted / segments
            if retransmitted < RETRANSMISSION_MIN or rate < RETRANSMISSION_RATE:
                continue
            yield RETRANSMISSIONS.finding(
                f"{rate:.0%} of segments with {_endpoint(server, port)} were retransmitted "
                f"({retransmitted:,} of {segments:,})",
                analyzer=self.analyzer,
                detail=(f"Across {_plural(len(streams), 'connection')} with "
                        f"{_endpoint(server, port)}, {retransmitted:,} segments had to be sent "
                        "again: packets are lost between the hosts, which slows every "
                        "transfer and can end in timeouts."),
                count=retransmitted, first_seen=_utc(streams[0].start_time),
                last_seen=_utc(streams[-1].end_time),
                evidence=[Evidence(self.artifact, PacketLocator(s.start_frame),
                                   f"stream {s.index}: "
                                   f"{s.forward.retransmissions + s.reverse.retransmissions} "
                                   "retransmissions") for s in streams[:EVIDENCE_PACKETS]],
                facts={"server": server, "port": port, "retransmissions": retransmitted,
                       "segments": segments, "rate": round(rate, 4),
                       "streams": [s.index for s in streams[:50]]},
                remediation=("Check interface error and drop counters on both hosts and the "
                             "devices in between, duplex/MTU mismatches and congested links; "
                             "capture at both ends to locate where packets are lost."))

    def zero_window_findings(self) -> Iterator[Any]:
        for stream in self.streams:
            for forward, direction in ((True, stream.forward), (False, stream.reverse)):
                if not direction.zero_window_frame:
                    continue
                receiver = _endpoint(*self.side(stream, forward))
                sender = _endpoint(*self.side(stream, not forward))
                recovered = direction.zero_window_recovered
                state = "recovered" if recovered else "never recovered"
                frames = [direction.zero_window_frame] + ([recovered] if recovered else [])
                yield ZERO_WINDOW.finding(
                    f"{receiver} stopped reading data from {sender} (zero window, {state})",
                    analyzer=self.analyzer,
                    severity=Severity.MEDIUM if recovered else Severity.HIGH,
                    detail=(f"{receiver} told {sender} that its receive buffer was full "
                            f"(window 0) in packet {direction.zero_window_frame}: the "
                            "application on that host did not read its socket fast enough. "
                            + (f"It opened the window again in packet {recovered}."
                               if recovered else "It never opened the window again in the "
                               "capture: the connection was stuck.")),
                    first_seen=_utc(stream.start_time), last_seen=_utc(stream.end_time),
                    evidence=self.evidence(frames, "window 0" if len(frames) == 1 else
                                           "window 0, then window opened"),
                    facts={"receiver": receiver, "sender": sender, "stream": stream.index,
                           "recovered": bool(recovered)},
                    remediation=(f"Look at the application on {receiver.rsplit(':', 1)[0]}: "
                                 "is it blocked, busy (CPU, GC pauses) or stuck waiting on "
                                 "something else? Its thread dumps and logs at this time say."))

    def latency_findings(self) -> Iterator[Any]:
        slow_handshakes: dict[tuple[str, int], list[tuple[float, _Stream]]] = defaultdict(list)
        slow_servers: dict[tuple[str, int], list[tuple[float, float, _Stream]]] = (
            defaultdict(list))
        for stream in self.streams:
            if stream.syn_time is not None and stream.synack_time is not None:
                rtt = stream.synack_time - stream.syn_time
                if rtt >= SLOW_HANDSHAKE_SECONDS:
                    slow_handshakes[(stream.server, stream.server_port)].append((rtt, stream))
            delay = _response_delay(stream)
            if delay is not None and delay >= SLOW_RESPONSE_SECONDS:
                rtt = (stream.synack_time - stream.syn_time
                       if stream.synack_time is not None and stream.syn_time is not None
                       else 0.0)
                slow_servers[(stream.server, stream.server_port)].append((delay, rtt, stream))
        for (server, port), items in sorted(slow_handshakes.items()):
            worst, stream = max(items, key=lambda item: item[0])
            yield SLOW_HANDSHAKE.finding(
                f"{_endpoint(server, port)} took up to {worst:.2f} s to answer connection "
                f"attempts ({_plural(len(items), 'slow handshake')})",
                analyzer=self.analyzer,
                detail=("The time from SYN to SYN-ACK is one network round trip plus the "
                         "server's accept; this long means SYNs were lost and retransmitted, "
                         "the path is very long, or the server's accept queue is full."),
                count=len(items), first_seen=_utc(items[0][1].start_time),
                last_seen=_utc(items[-1][1].end_time),
                evidence=self.evidence([stream.syn_frame, stream.synack_frame],
                                       f"SYN to SYN-ACK {worst:.3f} s"),
                facts={"server": server, "port": port, "worst_seconds": round(worst, 6),
                       "slow_handshakes": len(items)},
                remediation=("Look for SYN retransmissions just before the SYN-ACK (loss), "
                             "the server's listen backlog (netstat -s: 'SYNs to LISTEN "
                             "sockets dropped') and its load."))
        for (server, port), items in sorted(slow_servers.items()):
            delay, rtt, stream = max(items, key=lambda item: item[0])
            if rtt and delay < 4 * rtt:
                where, next_step = "network", ("the path between client and server: "
                                               "compare with a ping/traceroute")
            else:
                where, next_step = "server", (f"the application on {server}: its logs, "
                                              "slow queries and the backends it calls at "
                                              "this time")
            yield SERVER_LATENCY.finding(
                f"{_endpoint(server, port)} took {delay:.2f} s to start answering a request: "
                f"the delay is in the {where}",
                analyzer=self.analyzer,
                detail=(f"The network round trip (handshake) was {rtt * 1000:.1f} ms but the "
                        f"first response byte came {delay * 1000:.0f} ms after the request's "
                        f"last byte, on {_plural(len(items), 'connection')}. "
                        + ("Most of the time is spent by the server, not the network."
                           if where == "server" else
                           "The round trip itself is long: the time is spent on the way.")),
                count=len(items), first_seen=_utc(items[0][2].start_time),
                last_seen=_utc(items[-1][2].end_time),
                evidence=self.evidence([f for f in (stream.syn_frame, stream.synack_frame)
                                        if f] + [stream.start_frame],
                                       f"request to first response byte {delay:.3f} s"),
                facts={"server": server, "port": port, "where": where,
                       "response_seconds": round(delay, 6), "rtt_seconds": round(rtt, 6),
                       "stream": stream.index},
                remediation=f"Check {next_step}.")
        client_waits = []
        for stream in self.streams:
            if (stream.handshake_ack_time is not None
                    and stream.forward.first_data_time is not None):
                wait = stream.forward.first_data_time - stream.handshake_ack_time
                if wait >= SLOW_RESPONSE_SECONDS:
                    client_waits.append((wait, stream))
        if client_waits:
            wait, stream = max(client_waits, key=lambda item: item[0])
            yield SERVER_LATENCY.finding(
                f"The client {stream.client} waited {wait:.2f} s after connecting to "
                f"{_endpoint(stream.server, stream.server_port)} before sending its request: "
                "the delay is in the client",
                analyzer=self.analyzer,
                detail=("The connection was ready (handshake done) long before the client "
                        "sent anything: the time is spent on the client side."),
                count=len(client_waits), first_seen=_utc(stream.start_time),
                last_seen=_utc(stream.end_time),
                evidence=self.evidence([stream.start_frame, stream.end_frame],
                                       f"handshake to first request byte {wait:.3f} s"),
                facts={"client": stream.client, "server": stream.server,
                       "port": stream.server_port, "where": "client",
                       "client_wait_seconds": round(wait, 6), "stream": stream.index},
                remediation=("Check the client application: what it does between connecting "
                             "and sending (building the request, waiting on another call, "
                             "CPU or GC pauses)."))

    def dns_findings(self) -> Iterator[Any]:
        nxdomain: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        servfail: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        for (rcode, server, name), answers in sorted(self.dns_failures.items()):
            target = nxdomain if rcode == 3 else servfail
            target[name].extend((frame, time, server, client)
                                for frame, time, client in answers)
        for name, answers in sorted(nxdomain.items()):
            servers = sorted({server for _, _, server, _ in answers})
            yield DNS_NXDOMAIN.finding(
                f"{name} does not exist according to {', '.join(servers)} "
                f"(NXDOMAIN, {_plural(len(answers), 'answer')})",
                analyzer=self.analyzer,
                detail=(f"The DNS server{'s' if len(servers) > 1 else ''} answered that "
                        f"{name} does not exist. A client configured with this name cannot "
                        "connect anywhere."),
                count=len(answers), first_seen=_utc(min(a[1] for a in answers)),
                last_seen=_utc(max(a[1] for a in answers)),
                evidence=self.evidence([a[0] for a in answers], f"NXDOMAIN for {name}"),
                facts={"name": name, "servers": servers,
                       "clients": sorted({a[3] for a in answers})[:20]},
                remediation=(f"Check the spelling of {name} in the client's configuration, "
                             "its DNS search domains, and whether the record exists in the "
                             "zone (dig against the authoritative server)."))
        by_server: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        for name, answers in servfail.items():
            for frame, time, server, client in answers:
                by_server[server].append((frame, time, name, client))
        for server, answers in sorted(by_server.items()):
            answers.sort()
            names = sorted({a[2] for a in answers})
            yield DNS_SERVFAIL.finding(
                f"DNS server {server} failed to resolve {', '.join(names[:3])}"
                f"{' and others' if len(names) > 3 else ''} (SERVFAIL, "
                f"{_plural(len(answers), 'answer')})",
                analyzer=self.analyzer,
                detail=(f"{server} answered SERVFAIL: it could not get an answer itself, "
                        "usually because the authoritative servers are unreachable from it, "
                        "a DNSSEC validation failed, or its forwarder is down."),
                count=len(answers), first_seen=_utc(answers[0][1]),
                last_seen=_utc(answers[-1][1]),
                evidence=self.evidence([a[0] for a in answers], "SERVFAIL"),
                facts={"server": server, "names": names[:20]},
                remediation=(f"Query {server} and another resolver for the same names (dig "
                             f"@{server} NAME); check {server}'s forwarders, its reach to "
                             "the authoritative servers, and DNSSEC for the zone."))
        unanswered: dict[str, list[_Dns]] = defaultdict(list)
        for query in self.dns_queries:
            if not query.answered and query.server not in ("224.0.0.251", "ff02::fb",
                                                           "224.0.0.252", "ff02::1:3"):
                unanswered[query.server].append(query)
        for server, queries in sorted(unanswered.items()):
            for query in queries:
                self.event(query.time, query.frame, Severity.MEDIUM,
                           f"DNS query for {query.name} to {server} never answered")
            names = sorted({q.name for q in queries})
            yield DNS_NO_RESPONSE.finding(
                f"DNS server {server} did not answer {_plural(len(queries), 'query', 'queries')}",
                analyzer=self.analyzer,
                detail=(f"Queries for {', '.join(names[:5])}"
                        f"{' and others' if len(names) > 5 else ''} to {server} got no answer "
                        "in the capture: the server is down, unreachable, or a firewall "
                        "drops DNS."),
                count=len(queries), first_seen=_utc(queries[0].time),
                last_seen=_utc(queries[-1].time),
                evidence=self.evidence([q.frame for q in queries], f"query to {server}, "
                                                                   "no answer"),
                facts={"server": server, "names": names[:20], "queries": len(queries)},
                remediation=(f"Check that {server} is the right resolver for this client "
                             "(resolv.conf, DHCP), that it is up, and that UDP and TCP port "
                             "53 are open to it."))
        slow_by_server: dict[str, list[tuple[float, _Dns, int, float]]] = defaultdict(list)
        for item in self.dns_slow:
            slow_by_server[item[1].server].append(item)
        for server, items in sorted(slow_by_server.items()):
            worst = max(items, key=lambda item: item[0])
            yield DNS_SLOW.finding(
                f"DNS server {server} took up to {worst[0]:.2f} s to answer "
                f"({_plural(len(items), 'slow answer')})",
                analyzer=self.analyzer,
                detail=(f"The answer for {worst[1].name} came {worst[0]:.2f} s after the query; "
                        "every connection to a name waits for this first."),
                count=len(items), first_seen=_utc(items[0][1].time),
                last_seen=_utc(items[-1][3]),
                evidence=self.evidence([worst[1].frame, worst[2]],
                                       f"query to answer {worst[0]:.3f} s"),
                facts={"server": server, "worst_seconds": round(worst[0], 6),
                       "name": worst[1].name},
                remediation=(f"Check {server}'s load and its upstream resolvers; consider a "
                             "closer or caching resolver."))

    def icmp_findings(self) -> Iterator[Any]:
        for key, hits in sorted(self.icmp_errors.items(), key=lambda item: item[1][0]):
            reporter, reason, target, port, target_protocol, mtu = key
            where = _endpoint(target, port) if port else target
            protocol_name = {6: "TCP", 17: "UDP"}.get(target_protocol, "")
            mtu_problem = "MTU" in reason
            if mtu_problem:
                remediation = (f"Packets to {target} are too big for a link on the way"
                               + (f" (next-hop MTU {mtu})" if mtu else "") + ": check MTU "
                               "settings on the path (VPNs, tunnels), that ICMP is not "
                               "filtered (path MTU discovery needs it), or clamp the TCP MSS.")
            else:
                remediation = (f"Check that {where} is the right destination, that the "
                               f"service on it runs, and the routing/firewall at {reporter}.")
            yield ICMP_UNREACHABLE.finding(
                f"{reporter} reports {where} {protocol_name} {reason}".replace("  ", " "),
                analyzer=self.analyzer,
                detail=(f"{reporter} sent {_plural(len(hits), 'ICMP error')} ({reason}) about "
                        f"packets to {where}."),
                count=len(hits), first_seen=_utc(hits[0][1]), last_seen=_utc(hits[-1][1]),
                evidence=self.evidence([frame for frame, _ in hits], f"ICMP {reason}"),
                facts={"reporter": reporter, "target": target, "port": port,
                       "reason": reason, "mtu": mtu},
                remediation=remediation)


def _response_delay(stream: _Stream) -> float | None:
    """Seconds from the client's last request byte to the server's first response byte."""
    if stream.response_time is None or stream.request_end_time is None:
        return None
    return round(stream.response_time - stream.request_end_time, 6)


def _embedded_destination(inner: bytes) -> tuple[str, int, int]:
    """Destination address, port and protocol of the IP packet quoted in an ICMP error."""
    if len(inner) >= 20 and inner[0] >> 4 == 4:
        header_length = (inner[0] & 0x0F) * 4
        protocol = inner[9]
        target = _address_text(inner[16:20])
        transport = inner[header_length:header_length + 4]
    elif len(inner) >= 40 and inner[0] >> 4 == 6:
        protocol = inner[6]
        target = _address_text(inner[24:40])
        transport = inner[40:44]
    else:
        return "?", 0, 0
    port = _U16(transport, 2)[0] if protocol in (6, 17) and len(transport) == 4 else 0
    return target, port, protocol

