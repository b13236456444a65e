"""Wireshark's TCP analysis for the packet list: every frame's ``tcp.analysis.*`` flags, its
``tcp.stream`` number and its relative sequence and acknowledgement numbers.

The network analyzer (``analyzers/network/tcp.py``) runs the same analysis over a whole
capture in one optimized loop, but it counts; the packet list needs the verdict of each
frame (to show ``[TCP Retransmission]`` in Info and to filter on
``tcp.analysis.retransmission``), and the core may not import an analyzer. So this is the
readable, per-frame form of the same rules (Wireshark's ``tcp_analyze_sequence_number`` in
``epan/dissectors/packet-tcp.c``), checked in Wireshark's order:

- *zero-window probe*: one byte at the next sequence number into a closed window;
- *lost segment*: a sequence number above the next expected one;
- *zero window*, *keep-alive* (0-1 byte one below the next expected sequence number),
  *window update* (no data, same sequence and ACK, a new window), *window full* (data
  reaching the right edge of the peer's window), *keep-alive ACK*, *zero-window-probe ACK*,
  *duplicate ACK* (no data, same window, sequence and ACK as the last packet that way);
- then for a segment with data, SYN or FIN below the highest sequence seen: *fast
  retransmission* (after two or more duplicate ACKs within 20 ms), *spurious
  retransmission* (already acknowledged), *out-of-order* (within the initial RTT of the
  highest segment, not closing the gap exactly), else a plain *retransmission*. As in
  tshark, ``retransmission`` is set for all three retransmission kinds.

Streams are numbered like ``tcp.stream``: a new 4-tuple, or a SYN with a new initial sequence
number on a used one, starts a stream. ``tests/inspector/views/test_tcp_analysis.py`` holds
the counts to tshark's on the reference captures.

>>> tracker = TcpTracker()
>>> syn = tracker.packet(1, 0.0, "10.0.0.1", 40000, "10.0.0.2", 443, SYN, 1000, 0, 64240, 0, b"")
>>> (syn.stream, syn.seq, syn.flags)
(0, 0, 0)
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.formats.protocols import ACK, FIN, RST, SYN

RETRANSMISSION = 1 << 0
FAST_RETRANSMISSION = 1 << 1
SPURIOUS_RETRANSMISSION = 1 << 2
OUT_OF_ORDER = 1 << 3
LOST_SEGMENT = 1 << 4
DUPLICATE_ACK = 1 << 5
ZERO_WINDOW = 1 << 6
ZERO_WINDOW_PROBE = 1 << 7
ZERO_WINDOW_PROBE_ACK = 1 << 8
KEEP_ALIVE = 1 << 9
KEEP_ALIVE_ACK = 1 << 10
WINDOW_UPDATE = 1 << 11
WINDOW_FULL = 1 << 12

# display-filter name (after ``tcp.analysis.``) -> bit; Info's words for the worst one.
FLAG_NAMES = {
    "retransmission": RETRANSMISSION, "fast_retransmission": FAST_RETRANSMISSION,
    "spurious_retransmission": SPURIOUS_RETRANSMISSION, "out_of_order": OUT_OF_ORDER,
    "lost_segment": LOST_SEGMENT, "duplicate_ack": DUPLICATE_ACK, "zero_window": ZERO_WINDOW,
    "zero_window_probe": ZERO_WINDOW_PROBE, "zero_window_probe_ack": ZERO_WINDOW_PROBE_ACK,
    "keep_alive": KEEP_ALIVE, "keep_alive_ack": KEEP_ALIVE_ACK,
    "window_update": WINDOW_UPDATE, "window_full": WINDOW_FULL,
}
INFO_WORDS = (
    (SPURIOUS_RETRANSMISSION, "TCP Spurious Retransmission"),
    (FAST_RETRANSMISSION, "TCP Fast Retransmission"),
    (RETRANSMISSION, "TCP Retransmission"), (OUT_OF_ORDER, "TCP Out-Of-Order"),
    (LOST_SEGMENT, "TCP Previous segment not captured"), (DUPLICATE_ACK, "TCP Dup ACK"),
    (ZERO_WINDOW_PROBE, "TCP ZeroWindowProbe"), (ZERO_WINDOW_PROBE_ACK, "TCP ZeroWindowProbeAck"),
    (ZERO_WINDOW, "TCP ZeroWindow"), (KEEP_ALIVE, "TCP Keep-Alive"),
    (KEEP_ALIVE_ACK, "TCP Keep-Alive ACK"), (WINDOW_FULL, "TCP Window Full"),
    (WINDOW_UPDATE, "TCP Window Update"),
)
_MASK = 0xFFFFFFFF
_HALF = 0x80000000
_ANY_SYN_FIN_RST = SYN | FIN | RST
FAST_RETRANSMISSION_SECONDS = 0.02
DEFAULT_RTT = 0.003


def after(a: int, b: int) -> bool:
    """``a`` is after ``b`` in 32-bit sequence space (Wireshark's ``GT_SEQ``)."""
    return 0 < ((a - b) & _MASK) < _HALF


def info_words(flags: int) -> str:
    """``[TCP Retransmission] `` style prefix for Info: the first (worst) flag set."""
    for bit, words in INFO_WORDS:
        if flags & bit:
            return f"[{words}] "
    return ""


class _Direction:
    """One side of a stream: Wireshark's ``tcp_flow_t`` fields of the same names."""

    __slots__ = ("base", "dupacks", "lastack", "lastacktime", "lastflags", "nextseq",
                 "nextseqtime", "scale", "window")

    def __init__(self) -> None:
        self.base: int | None = None
        self.nextseq = 0
        self.nextseqtime = 0.0
        self.lastack = 0
        self.lastacktime = 0.0
        self.window = -1
        self.scale = -1  # -1 unknown (no SYN seen), -2 no scaling
        self.dupacks = 0
        self.lastflags = 0


class _Stream:
    __slots__ = ("client_sends", "first_rtt", "index", "isn", "syn_time", "synack_seen")

    def __init__(self, index: int, isn: int) -> None:
        self.index = index
        self.isn = isn
        self.first_rtt = 0.0
        self.syn_time: float | None = None
        self.synack_seen = False
        self.client_sends: tuple[str, int] | None = None


@dataclass(frozen=True, slots=True)
class TcpVerdict:
    """What the analysis says of one TCP frame.

    Attributes:
        stream: ``tcp.stream``.
        seq, ack: relative to each side's initial sequence number (``ack`` is raw until
            the other side has been seen), as Wireshark shows them.
        flags: the ``tcp.analysis`` bits set (``FLAG_NAMES``).
        window: the window in bytes, scaled when both SYNs agreed on scaling.
    """

    stream: int
    seq: int
    ack: int
    flags: int
    window: int


def _window_shift(options: bytes) -> int:
    """The window-scale option's shift, or -2 when the SYN carries none."""
    position = 0
    while position < len(options):
        kind = options[position]
        if kind == 1:
            position += 1
            continue
        if kind == 0 or position + 1 >= len(options):
            break
        length = options[position + 1]
        if length < 2:
            break
        if kind == 3 and length == 3 and position + 2 < len(options):
            return min(options[position + 2], 14)
        position += length
    return -2


class TcpTracker:
    """Follows every TCP stream of a capture, frame by frame, in capture order."""

    def __init__(self) -> None:
        self._flows: dict[tuple[str, int, str, int], tuple[_Stream, _Direction, _Direction]] = {}
        self.streams = 0

    def packet(self, frame: int, time: float, src: str, src_port: int, dst: str, dst_port: int,
               flags: int, seq: int, ack: int, window: int, seglen: int, options: bytes
               ) -> TcpVerdict:
        """Analyze one TCP segment (``seglen``: payload bytes according to the IP header)."""
        key = (src, src_port, dst, dst_port)
        found = self._flows.get(key)
        if found is None or (flags & (SYN | ACK) == SYN and found[0].client_sends == key[:2]
                             and seq != found[0].isn):
            found = self._new_stream(key, seq, flags)
        stream, fwd, rev = found
        # Relative numbers as Wireshark counts them: from the SYN's sequence number, or as
        # if one had been seen just before when the capture starts mid-stream.
        if fwd.base is None:
            fwd.base = seq if flags & SYN else (seq - 1) & _MASK
        if rev.base is None and flags & ACK:
            rev.base = (ack - 1) & _MASK
        if flags & SYN:
            self._handshake(stream, fwd, rev, flags, options, time)
        elif (stream.syn_time is not None and stream.synack_seen and not stream.first_rtt
              and flags & ACK and stream.client_sends == key[:2]):
            stream.first_rtt = time - stream.syn_time
        analysis, window_update = self._analyze(stream, fwd, rev, flags, seq, ack, window,
                                                seglen, time)
        fwd.window = window
        fwd.lastack = ack
        fwd.lastacktime = time
        fwd.lastflags = analysis
        scaled = window << fwd.scale if fwd.scale >= 0 and not flags & SYN else window
        relative_ack = (ack - rev.base) & _MASK if rev.base is not None and flags & ACK else 0
        return TcpVerdict(stream.index, (seq - fwd.base) & _MASK, relative_ack,
                          analysis | window_update, scaled)

    def _new_stream(self, key: tuple[str, int, str, int], seq: int, flags: int
                    ) -> tuple[_Stream, _Direction, _Direction]:
        stream = _Stream(self.streams, seq)
        self.streams += 1
        # A SYN-ACK seen first (the SYN was not captured) still tells who the client is.
        synack = flags & SYN and flags & ACK
        stream.client_sends = key[2:] if synack else key[:2]
        fwd, rev = _Direction(), _Direction()
        self._flows[key] = (stream, fwd, rev)
        self._flows[(key[2], key[3], key[0], key[1])] = (stream, rev, fwd)
        return stream, fwd, rev

    @staticmethod
    def _handshake(stream: _Stream, fwd: _Direction, rev: _Direction, flags: int,
                   options: bytes, time: float) -> None:
        shift = _window_shift(options)
        if shift == -2:
            fwd.scale = rev.scale = -2  # scaling only when both SYNs carry the option
        elif fwd.scale == -1 or not flags & ACK or rev.scale != -2:
            fwd.scale = shift
        if flags & ACK:
            stream.synack_seen = True
        elif stream.syn_time is None:
            stream.syn_time = time

    @staticmethod
    def _analyze(stream: _Stream, fwd: _Direction, rev: _Direction, flags: int, seq: int,
                 ack: int, window: int, seglen: int, time: float) -> tuple[int, int]:
        """The analysis bits, and the window-update bit apart (it never affects the others)."""
        analysis = 0
        window_update = 0
        nextseq = fwd.nextseq
        if seglen == 1 and seq == nextseq and rev.window == 0:
            analysis = ZERO_WINDOW_PROBE
        else:
            if nextseq and after(seq, nextseq) and not flags & RST:
                analysis |= LOST_SEGMENT
            if flags & _ANY_SYN_FIN_RST:
                fwd.dupacks = 0
            else:
                if window == 0:
                    analysis |= ZERO_WINDOW
                if seglen <= 1 and seq == (nextseq - 1) & _MASK:
                    analysis |= KEEP_ALIVE
                else:
                    if (seglen == 0 and window and window != fwd.window and seq == nextseq
                            and ack == fwd.lastack):
                        window_update = WINDOW_UPDATE
                    if seglen > 0 and rev.scale != -1 and (seq + seglen) & _MASK == (
                            rev.lastack + (rev.window << max(rev.scale, 0))) & _MASK:
                        analysis |= WINDOW_FULL
                    if seglen == 0 and window == fwd.window and seq == nextseq:
                        if window and ack == fwd.lastack and rev.lastflags & KEEP_ALIVE:
                            analysis |= KEEP_ALIVE_ACK
                        elif (not window and rev.lastflags & ZERO_WINDOW_PROBE
                              and ack in (fwd.lastack, (fwd.lastack + 1) & _MASK)):
                            analysis |= ZERO_WINDOW_PROBE_ACK
                        elif window and ack == fwd.lastack:
                            fwd.dupacks += 1
                            analysis |= DUPLICATE_ACK
                        else:
                            fwd.dupacks = 0
                    else:
                        fwd.dupacks = 0
        if analysis & ~(DUPLICATE_ACK | WINDOW_FULL | LOST_SEGMENT | ZERO_WINDOW):
            fwd.dupacks = 0
        if (seglen > 0 or flags & (SYN | FIN)) and not analysis & KEEP_ALIVE:
            analysis |= _retransmission(stream, fwd, rev, seq, seglen, time)
        next_after = (seq + seglen + (1 if flags & (SYN | FIN) else 0)) & _MASK
        if (not nextseq or after(next_after, nextseq)) and not analysis & ZERO_WINDOW_PROBE:
            fwd.nextseq = next_after
            fwd.nextseqtime = time
        return analysis, window_update


def _retransmission(stream: _Stream, fwd: _Direction, rev: _Direction, seq: int,
                    seglen: int, time: float) -> int:
    """The retransmission bits of a segment with data, SYN or FIN, in Wireshark's order."""
    nextseq = fwd.nextseq
    seq_not_advanced = bool(nextseq) and after(nextseq, seq)
    if (seq_not_advanced and rev.dupacks >= 2 and rev.lastack == seq
            and time - rev.lastacktime < FAST_RETRANSMISSION_SECONDS):
        return FAST_RETRANSMISSION | RETRANSMISSION
    if seglen > 0 and rev.lastack and not after((seq + seglen) & _MASK, rev.lastack):
        return SPURIOUS_RETRANSMISSION | RETRANSMISSION
    if seq_not_advanced:
        if (time - fwd.nextseqtime < (stream.first_rtt or DEFAULT_RTT)
                and nextseq != (seq + seglen) & _MASK):
            return OUT_OF_ORDER
        return RETRANSMISSION
    return 0
