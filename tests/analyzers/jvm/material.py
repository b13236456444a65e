"""Where the JVM tests find real material (read in place) and how they make their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import CORPUS

REALWORLD = CORPUS / "realworld"
THREADS = REALWORLD / "jvm" / "threads"
GC = REALWORLD / "jvm" / "gc"


def real(path: Path) -> Path:
    """``path`` in the shared corpus, or skip the test when the corpus is not here."""
    if not path.exists():
        pytest.skip("../shared/corpus is not here")
    return path


def thread(name: str, number: int, state: str, frames: list[str], locks: list[str] = (),
           tid: str | None = None, owned: list[str] = ()) -> str:
    """One jstack thread, JDK 17 style."""
    tid = tid or f"0x00007f00000{number:05x}"
    lines = [f'"{name}" #{number} prio=5 os_prio=0 cpu=1.00ms elapsed=10.00s tid={tid} '
             f"nid=0x{number:x} waiting", f"   java.lang.Thread.State: {state}"]
    for index, frame in enumerate(frames):
        lines.append(f"\tat {frame}")
        lines += [f"\t{lock}" for lock in locks if index == 0]
    if owned:
        lines += ["", "   Locked ownable synchronizers:"] + [f"\t- {o}" for o in owned]
    return "\n".join(lines) + "\n"


def dump(threads: list[str], time: str = "2026-11-17 09:00:00") -> str:
    """A whole jstack dump around ``threads``, with the JVM's own threads."""
    jvm = thread("Reference Handler", 2, "RUNNABLE",
                 ["java.lang.ref.Reference.waitForReferencePendingList(Native Method)"],
                 tid="0x00007f0000000100")
    return (f"{time}\nFull thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):\n\n"
            + "\n".join([jvm, *threads]) + "\nJNI global refs: 10, weak refs: 0\n\n")


def cms_failures(count: int = 149) -> str:
    """A JDK 8 CMS log of the shape the issue met: back-to-back ``concurrent mode failure``
    full GCs of about 1.2 s with PermGen at its limit (65535K of 65536K), each split over
    two lines by an interleaved concurrent phase with its own ``[Times: ...]``."""
    lines = []
    uptime = 1000.0
    for n in range(count):
        stamp = f"2026-11-17T09:{(n // 40) % 60:02d}:{(n * 1.5) % 60:06.3f}+0000: {uptime:.3f}"
        lines.append(f"{stamp}: [GC (Allocation Failure) {uptime:.3f}: [ParNew: "
                     "153344K->153344K(153344K), 0.0000220 secs]"
                     f"{uptime:.3f}: [CMS{stamp}: [CMS-concurrent-mark: 0.812/0.950 secs] "
                     "[Times: user=1.80 sys=0.02, real=0.95 secs] ")
        lines.append(" (concurrent mode failure): 3398000K->3396000K(3400000K), 1.2040000 "
                     "secs] 3551344K->3396000K(3553344K), [CMS Perm : 65535K->65535K(65536K)]"
                     ", 1.2042000 secs] [Times: user=1.20 sys=0.00, real=1.21 secs] ")
        uptime += 1.5
    return "\n".join(lines) + "\n"


def unified_g1(collections: int, start_mb: int = 3000, step_mb: int = 0,
               pause_ms: float = 12.0) -> str:
    """``-Xlog:gc*`` G1 lines: young pauses with their CPU lines, heap after rising by
    ``step_mb`` each time."""
    lines = []
    for n in range(collections):
        seconds = 10 + n * 30
        stamp = f"[2026-11-17T09:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000+0000]" \
                f"[{seconds:.3f}s]"
        after = start_mb + n * step_mb
        lines += [f"{stamp}[info][gc,start    ] GC({n}) Pause Young (Normal) (G1 Evacuation "
                  "Pause)",
                  f"{stamp}[info][gc,phases   ] GC({n})   Evacuate Collection Set: 9.1ms",
                  f"{stamp}[info][gc          ] GC({n}) Pause Young (Normal) (G1 Evacuation "
                  f"Pause) {after + 400}M->{after}M(8192M) {pause_ms:.3f}ms",
                  f"{stamp}[info][gc,cpu      ] GC({n}) User=0.04s Sys=0.00s Real=0.01s"]
    return "\n".join(lines) + "\n"
