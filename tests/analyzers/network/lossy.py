"""Captures of TCP on a bad path, generated from a seed, and tshark's reading of them.

``lossy_capture(seed)`` writes connections that go wrong in every way Wireshark's TCP
analysis tells apart (refused and retried with the same initial sequence number, SYNs sent
again, a SYN-ACK captured before its SYN, segments lost before the capture point and sent
again fast or after a timeout, zero windows and their probes, keep-alives, data sent again
after a reset, FINs sent again), then passes every frame through a path that drops,
duplicates and swaps frames. ``stamped`` says what the timestamps do: ``"sent"`` keeps each
frame's own time, as a capture merged from two points does (time then goes backwards at a
swap), ``"captured"`` stamps frames in arrival order, as one capture point does.

``tshark_counts(path)`` reads a capture with the live tshark in one pass and counts what
``stats["network"]`` counts. ``need_tshark()`` finds tshark, or skips, or fails with a clear
message when ``INSPECTOR_REQUIRE_REFERENCE=1`` says the reference tools must be there (CI);
``live_tshark()`` is the same for a test that also holds tshark's answers itself and only
adds the live check (``None`` instead of a skip).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from inspector.training.scenarios.packets import (
    ACK,
    FIN,
    PSH,
    RST,
    SYN,
    Capture,
    Frame,
    TcpFlow,
    syn_options,
)

T0 = 1_794_906_000.0
MSS = 1460

# tcp.analysis.<flag> fields, one column each, and the stats key that counts them.
ANALYSIS_FLAGS = ("retransmission", "fast_retransmission", "spurious_retransmission",
                  "out_of_order", "lost_segment", "ack_lost_segment", "duplicate_ack",
                  "zero_window", "window_full", "keep_alive")
COUNTERS = ("tcp_streams", "syn", "synack", "rst", "rst_streams", *ANALYSIS_FLAGS)


_MISSING = ("tshark is not installed: the live comparison with tshark cannot run "
            "(apt-get install tshark)")


def need_tshark() -> str:
    """The tshark executable; a skip without it, or a failure when the reference tools are
    required (``INSPECTOR_REQUIRE_REFERENCE=1``, as CI sets it)."""
    tshark = live_tshark()
    if tshark is None:
        pytest.skip(_MISSING)
    return tshark


def live_tshark() -> str | None:
    """The tshark executable, or ``None`` for a test whose live comparison only adds to
    answers it holds itself; still a failure under ``INSPECTOR_REQUIRE_REFERENCE=1``."""
    tshark = shutil.which("tshark")
    if tshark is None and os.environ.get("INSPECTOR_REQUIRE_REFERENCE") == "1":
        pytest.fail(_MISSING + "; INSPECTOR_REQUIRE_REFERENCE=1 requires it")
    return tshark


def tshark_counts(tshark: str, path: Path) -> dict[str, int]:
    """What tshark says of every TCP counter of ``stats["network"]``, from one pass."""
    fields = ["tcp.stream", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset",
              *(f"tcp.analysis.{flag}" for flag in ANALYSIS_FLAGS)]
    output = subprocess.run(
        [tshark, "-n", "-r", str(path), "-Y", "tcp", "-T", "fields", "-E", "separator=/t",
         *(argument for field in fields for argument in ("-e", field))],
        capture_output=True, text=True, check=True, timeout=120).stdout
    counts = dict.fromkeys(COUNTERS, 0)
    streams, reset_streams = set(), set()
    for line in output.splitlines():
        stream, syn, ack, reset, *flags = line.split("\t")
        streams.add(stream)
        counts["syn"] += syn == "1" and ack == "0"
        counts["synack"] += syn == "1" and ack == "1"
        if reset == "1":
            counts["rst"] += 1
            reset_streams.add(stream)
        for name, value in zip(ANALYSIS_FLAGS, flags, strict=True):
            counts[name] += bool(value)
    counts["tcp_streams"], counts["rst_streams"] = len(streams), len(reset_streams)
    return counts


def lossy_capture(seed: int, *, stamped: str = "captured", flows: int = 40) -> Capture:
    """Connections that go wrong in every way, over a path that loses, duplicates and
    reorders frames; see the module docstring."""
    rng = random.Random(seed)
    capture = Capture()
    for number in range(flows):
        flow = TcpFlow(capture, "10.0.0.5", 40000 + number,
                       rng.choice(["10.0.0.80", "10.0.0.81"]), rng.choice([443, 8080, 5432]),
                       client_isn=rng.randrange(1 << 32), server_isn=rng.randrange(1 << 32))
        _connection(flow, rng, T0 + number * 0.05)
    frames = sorted(capture.frames, key=lambda frame: frame.time)
    capture.frames = _bad_path(frames, rng, stamped)
    return capture


def _connection(flow: TcpFlow, rng: random.Random, start: float) -> None:
    shape = rng.random()
    if shape < 0.08:
        refused_and_retried(flow, start, rng.randint(1, 3))
        return
    if shape < 0.14:
        ready = syn_sent_again(flow, start, answered=rng.random() < 0.5)
        if ready is None:
            return
    elif shape < 0.2:
        ready = synack_before_syn(flow, start)
    else:
        ready = flow.handshake(start, rtt=rng.uniform(0.001, 0.02))
    for turn in range(rng.randint(1, 4)):
        at = ready + turn * 0.03
        flow.send(at, bytes(rng.randint(1, 400)))
        size = rng.randint(1, 8000)
        roll = rng.random()
        if roll < 0.2 and size > 3 * MSS:
            first_segment_lost(flow, at + 0.002, size, rng.randint(2, 4))
        else:
            before = flow.next_seq[False]
            flow.send(at + 0.002, bytes(size), from_client=False)
            if roll < 0.3:  # no ACK came back in time: sent again after a timeout
                flow.packet(at + 0.025, False, PSH | ACK, bytes(min(size, MSS)), seq=before)
        if rng.random() < 0.15:
            zero_window(flow, at + 0.004)
        flow.ack(at + 0.008)
        if rng.random() < 0.15:
            flow.packet(at + 0.009, True, ACK, seq=flow.next_seq[True] - 1)  # keep-alive
    end = ready + 0.15
    if rng.random() < 0.2:
        reset_with_data_in_flight(flow, end, by_client=rng.random() < 0.5,
                                  resent=rng.random() < 0.5)
    else:
        close_with_fin_sent_again(flow, end, again=rng.random() < 0.3)


def refused_and_retried(flow: TcpFlow, start: float, attempts: int) -> None:
    """SYN answered by RST, tried again with the same initial sequence number (Windows)."""
    isn = flow.next_seq[True]
    for attempt in range(attempts):
        at = start + attempt * 0.5
        flow.next_seq[True] = (isn + 1) & 0xFFFFFFFF  # what the RST acknowledges
        flow.packet(at, True, SYN, seq=isn, options=syn_options())
        flow.packet(at + 0.001, False, RST | ACK, seq=0, window=0)


def syn_sent_again(flow: TcpFlow, start: float, *, answered: bool) -> float | None:
    """A SYN sent three times (1 s, then 2 s later); answered after the third or never.
    Returns when the handshake completed."""
    isn = flow.next_seq[True]
    for delay in (0, 1, 3):
        flow.packet(start + delay, True, SYN, seq=isn, options=syn_options())
    flow.next_seq[True] = (isn + 1) & 0xFFFFFFFF
    if not answered:
        return None
    flow.packet(start + 3.02, False, SYN | ACK, options=syn_options())
    flow.ack(start + 3.0202)
    return start + 3.0202


def synack_before_syn(flow: TcpFlow, start: float) -> float:
    """The SYN-ACK captured before its SYN (two capture points whose clocks disagree)."""
    isn = flow.next_seq[True]
    flow.next_seq[True] = (isn + 1) & 0xFFFFFFFF
    flow.packet(start, False, SYN | ACK, options=syn_options())
    flow.packet(start + 0.0001, True, SYN, seq=isn, options=syn_options())
    flow.ack(start + 0.0002)
    return start + 0.0002


def first_segment_lost(flow: TcpFlow, at: float, size: int, duplicates: int) -> None:
    """The server's first segment is lost before the capture point; every later segment
    makes the client acknowledge the hole again, then the server sends it again fast."""
    hole = flow.next_seq[False]
    segments = [(offset, min(MSS, size - offset)) for offset in range(0, size, MSS)]
    for number, (offset, length) in enumerate(segments[1:duplicates + 2]):
        flow.packet(at + number * 0.0002, False, PSH | ACK, bytes(length), seq=hole + offset)
        flow.packet(at + number * 0.0002 + 0.0001, True, ACK)  # acknowledges the hole
    resend = at + (duplicates + 2) * 0.0002
    flow.packet(resend, False, PSH | ACK, bytes(MSS), seq=hole)
    sent = min(len(segments), duplicates + 2)
    for number, (offset, length) in enumerate(segments[sent:]):
        flow.packet(resend + (number + 1) * 0.0001, False, PSH | ACK, bytes(length),
                    seq=hole + offset)
    flow.next_seq[False] = (hole + size) & 0xFFFFFFFF


def zero_window(flow: TcpFlow, at: float) -> None:
    """The client's buffer fills (window 0); the server probes with one byte."""
    flow.packet(at, True, ACK, window=0)
    flow.packet(at + 0.001, False, PSH | ACK, b"x")
    flow.packet(at + 0.002, True, ACK, window=0)


def reset_with_data_in_flight(flow: TcpFlow, at: float, *, by_client: bool,
                              resent: bool) -> None:
    """One side resets while the other had data on the way, which it may send again."""
    flow.send(at - 0.01, bytes(100), from_client=not by_client)
    sent = (flow.next_seq[not by_client] - 100) & 0xFFFFFFFF
    flow.reset(at, from_client=by_client)
    if resent:
        flow.packet(at + 0.2, not by_client, PSH | ACK, bytes(100), seq=sent)


def close_with_fin_sent_again(flow: TcpFlow, at: float, *, again: bool) -> None:
    fin = flow.next_seq[True]
    flow.packet(at, True, FIN | ACK)
    if again:  # the FIN-ACK was slow: the client sends its FIN again
        flow.packet(at + 0.2, True, FIN | ACK, seq=fin)
    flow.packet(at + 0.21, False, FIN | ACK)
    flow.packet(at + 0.2101, True, ACK)


def _bad_path(frames: list[Frame], rng: random.Random, stamped: str) -> list[Frame]:
    """Drop 3% of the frames, send 4% twice, swap 4% with the next one."""
    out: list[Frame] = []
    index = 0
    while index < len(frames):
        roll = rng.random()
        if roll < 0.03:
            index += 1
            continue
        if roll < 0.07:
            out.append(frames[index])
        if roll < 0.11 and index + 1 < len(frames):
            out.extend([frames[index + 1], frames[index]])
            index += 2
            continue
        out.append(frames[index])
        index += 1
    if stamped == "sent":
        return out
    arrived, last = [], 0.0
    for frame in out:
        last = max(last + 0.000001, frame.time)
        arrived.append(Frame(last, frame.data, frame.linktype, frame.snaplen))
    return arrived
