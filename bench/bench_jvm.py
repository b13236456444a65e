"""Benchmark the JVM analyzer (``python -m bench.run jvm``).

Generates a unified-logging G1 GC log (``-Xlog:gc*`` at info: eight lines a collection;
1 GB at scale 1) and a file of consecutive jstack dumps (200 MB at scale 1, about 40
threads a dump, some BLOCKED on one monitor), and measures the ``jvm`` analyzer on each in
a child process: time, MB/s and peak RSS. Each input is also measured at a tenth of its
size: the same peak RSS at both sizes is what "flat memory" means. The ``Python floor`` row
reads the same GC log line by line doing nothing, for the share the reading itself takes.
There is no reference tool for either format on this machine (GCViewer and jstack
analyzers are Java GUI/web tools).
"""

from __future__ import annotations

from pathlib import Path

from bench.run import Row, python_command, timed

GC_MB = 1000
DUMPS_MB = 200

_COLLECTION = (
    "[{t}][{u:.3f}s][info][gc,start    ] GC({n}) Pause Young (Normal) (G1 Evacuation Pause)\n"
    "[{t}][{u:.3f}s][info][gc,task     ] GC({n}) Using 4 workers of 4 for evacuation\n"
    "[{t}][{u:.3f}s][info][gc,phases   ] GC({n})   Pre Evacuate Collection Set: 0.1ms\n"
    "[{t}][{u:.3f}s][info][gc,phases   ] GC({n})   Evacuate Collection Set: {e:.1f}ms\n"
    "[{t}][{u:.3f}s][info][gc,phases   ] GC({n})   Post Evacuate Collection Set: 1.5ms\n"
    "[{t}][{u:.3f}s][info][gc,heap     ] GC({n}) Eden regions: 178->0(178)\n"
    "[{t}][{u:.3f}s][info][gc          ] GC({n}) Pause Young (Normal) (G1 Evacuation Pause) "
    "{b}M->{a}M(8192M) {p:.3f}ms\n"
    "[{t}][{u:.3f}s][info][gc,cpu      ] GC({n}) User=0.05s Sys=0.00s Real=0.02s\n")


def write_gc_log(path: Path, megabytes: float) -> int:
    target = int(megabytes * 1_000_000)
    written = 0
    n = 0
    with path.open("w") as out:
        while written < target:
            block = []
            for _ in range(1000):
                seconds = n * 2
                day, rest = divmod(seconds, 86400)
                stamp = (f"2026-11-{17 + day % 10:02d}T{rest // 3600:02d}:{rest // 60 % 60:02d}:"
                         f"{rest % 60:02d}.000+0000")
                after = 2000 + n % 1500
                block.append(_COLLECTION.format(t=stamp, u=seconds + 0.5, n=n, e=5 + n % 20,
                                                b=after + 400, a=after, p=8 + n % 40))
                n += 1
            text = "".join(block)
            out.write(text)
            written += len(text)
    return written


def _thread(name: str, number: int, blocked: bool) -> str:
    state = "BLOCKED (on object monitor)" if blocked else "TIMED_WAITING (parking)"
    lock = ("\t- waiting to lock <0x00000000c0ffee00> (a com.acme.Cache)\n" if blocked
            else "\t- parking to wait for  <0x00000000aa000001> (a java.util.concurrent.locks."
                 "AbstractQueuedSynchronizer$ConditionObject)\n")
    return (f'"{name}" #{number} daemon prio=5 os_prio=0 cpu=12.50ms elapsed=3600.00s '
            f"tid=0x00007f00{number:08x} nid=0x{number:x} waiting\n"
            f"   java.lang.Thread.State: {state}\n"
            "\tat com.acme.cache.Cache.get(Cache.java:88)\n" + lock
            + "\tat com.acme.web.OrderController.show(OrderController.java:41)\n"
            + "".join(f"\tat org.apache.catalina.core.Frame{k}.invoke(Frame{k}.java:{k})\n"
                      for k in range(25))
            + "\tat java.lang.Thread.run(java.base@17/Thread.java:833)\n\n")


def write_thread_dumps(path: Path, megabytes: float) -> int:
    threads = "".join(_thread(f"http-nio-8080-exec-{k}", 40 + k, blocked=k % 5 == 0)
                      for k in range(40))
    reference = ('"Reference Handler" #2 daemon prio=10 tid=0x00007f0000000100 nid=0x2 '
                 "runnable\n   java.lang.Thread.State: RUNNABLE\n"
                 "\tat java.lang.ref.Reference.waitForReferencePendingList(Native Method)\n\n")
    target = int(megabytes * 1_000_000)
    written, n = 0, 0
    with path.open("w") as out:
        while written < target:
            text = (f"2026-11-17 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}\n"
                    "Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):\n\n"
                    + reference + threads + "JNI global refs: 20, weak refs: 0\n\n")
            out.write(text)
            written += len(text)
            n += 1
    return written


ANALYZE = """
import sys
from analyzers.jvm import JvmAnalyzer
from inspector.model import Artifact, ArtifactKind
from inspector.testing import RecordingContext
from pathlib import Path

class FileSource:
    def __init__(self, path, kind):
        self.path = path
        self.artifact = Artifact(str(path), kind, path.stat().st_size)
    def open(self):
        return self.path.open("rb")

path = Path(sys.argv[1])
kind = ArtifactKind(sys.argv[2])
items = list(JvmAnalyzer().analyze(FileSource(path, kind), RecordingContext()))
stats = items[-1].values
print(stats.get("dumps") or stats["gc"]["collections"])
"""
FLOOR = """
import sys
from inspector.formats.textlines import TextLines
with open(sys.argv[1], "rb") as stream:
    print(sum(1 for _ in TextLines(stream)))
"""


def _measure(name: str, path: Path, size: int, kind: str, repeat: int) -> list[Row]:
    seconds, peak = timed([*python_command(ANALYZE), str(path), kind], repeat=repeat)
    return [Row("jvm", f"{name}, {size / 1e6:,.0f} MB", seconds, "s"),
            Row("jvm", f"{name}, {size / 1e6:,.0f} MB: throughput", size / seconds / 1e6, "MB/s"),
            Row("jvm", f"{name}, {size / 1e6:,.0f} MB: peak RSS", peak / 1024, "MiB")]


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for name, writer, megabytes, kind in (("GC log", write_gc_log, GC_MB, "gc_log"),
                                          ("thread dumps", write_thread_dumps, DUMPS_MB,
                                           "thread_dump")):
        for fraction, repeat in ((0.1, 3), (1.0, 1)):
            path = workdir / f"{kind}-{fraction}.txt"
            size = writer(path, megabytes * scale * fraction)
            rows += _measure(name, path, size, kind, repeat)
            if kind == "gc_log" and fraction == 1.0:
                floor, _ = timed([*python_command(FLOOR), str(path)], repeat=1)
                rows.append(Row("jvm", "Python floor: read the GC log's lines, nothing else",
                                floor, "s"))
            path.unlink()
    return rows
