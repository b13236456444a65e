"""Scenario: a Java service slows to a stop as its heap fills, then the kernel kills it.

The checkout service (JDK 17, G1, ``-Xmx4g`` in a 4.5 GB memory cgroup) keeps every
finished cart in an unbounded ``CartSnapshotCache``. The bundle holds one node's files
under ``checkout-01/``:

- ``logs/gc.log`` (``-Xlog:gc*:file=gc.log:time,uptime,level,tags``): young pauses stay
  short while the heap left after each collection climbs; from the second hour G1 falls
  back to full collections whose floor rises from 2.5 GiB to 3.9 GiB, each seconds long,
  and the last ones run back to back freeing almost nothing.
- ``logs/checkout.log``: request times rise from tens of milliseconds to seconds, then
  ``java.lang.OutOfMemoryError: Java heap space`` in the request threads.
- ``dumps/jstack-<time>.txt``: taken a minute after the first error; the request threads
  are BLOCKED on the cache's monitor, held by one thread copying the cache's array.
- ``var/log/kern.log``: the JVM's heap is full and committed, its native memory on top
  crosses the cgroup's limit, and the kernel's OOM killer ends it.

The root cause is the leak (the live set after full GCs only grows), not the GC settings
nor the kernel: the fix is to bound the cache; the kill is its last symptom.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from inspector.training.scenarios import Built, Scenario

FOLDER = "checkout-01"
START = datetime(2026, 11, 17, 8, 0, 0, tzinfo=UTC)
HEAP_MB = 4096
OOM_AT = timedelta(hours=2, minutes=41)  # the first OutOfMemoryError, after the JVM start
CACHE = "0x00000006c1e0a3b8"
_CACHE_CLASS = "com.acme.checkout.cart.CartSnapshotCache"


def _gc_stamp(moment: datetime) -> str:
    uptime = (moment - START).total_seconds()
    return f"[{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000][{uptime:.3f}s]"


def _live_mb(elapsed: float) -> float:
    """What the leak keeps alive ``elapsed`` seconds after the start: 900 MB of working
    set, then the cache growing by about 1.3 GB an hour until the heap is full."""
    return min(HEAP_MB - 60, 900 + elapsed / 3600 * 1300)


def _gc_log(rng: random.Random) -> tuple[str, list[int]]:
    lines = [f"{_gc_stamp(START)}[info][gc,init] Version: 17.0.9+9 (release)",
             f"{_gc_stamp(START)}[info][gc,init] Heap Max Capacity: 4G",
             f"{_gc_stamp(START)}[info][gc     ] Using G1"]
    full_lines: list[int] = []
    moment, number = START + timedelta(seconds=4), 0
    end = START + OOM_AT + timedelta(seconds=20)
    while moment < end:
        elapsed = (moment - START).total_seconds()
        live = _live_mb(elapsed)
        pressure = live / HEAP_MB
        full = pressure > 0.62 and rng.random() < (pressure - 0.55) * 1.6
        stamp = _gc_stamp(moment)
        if full:
            before = rng.randint(HEAP_MB - 40, HEAP_MB - 4)
            after = int(live + rng.uniform(-30, 30))
            millis = 900 + pressure * 3200 + rng.uniform(-200, 400)
            name = "Pause Full (G1 Compaction Pause)"
        else:
            after = int(live * rng.uniform(1.02, 1.10))
            before = min(HEAP_MB - 2, after + rng.randint(400, 700))
            millis = rng.uniform(6, 30) + 40 * pressure
            name = "Pause Young (Normal) (G1 Evacuation Pause)"
        lines.append(f"{stamp}[info][gc,start    ] GC({number}) {name}")
        if not full:
            lines.append(f"{stamp}[info][gc,phases   ] GC({number})   Evacuate Collection Set: "
                         f"{millis * 0.8:.1f}ms")
        lines.append(f"{stamp}[info][gc,metaspace] GC({number}) Metaspace: 118204K(119808K)->"
                     "118204K(119808K) NonClass: 103417K(104448K)->103417K(104448K) Class: "
                     "14787K(15360K)->14787K(15360K)")
        lines.append(f"{stamp}[info][gc          ] GC({number}) {name} {before}M->{after}M"
                     f"({HEAP_MB}M) {millis:.3f}ms")
        if full:
            full_lines.append(len(lines))
        cpu = millis / 1000
        lines.append(f"{stamp}[info][gc,cpu      ] GC({number}) User={cpu * 3.7:.2f}s "
                     f"Sys={cpu * 0.1:.2f}s Real={cpu:.2f}s")
        number += 1
        # Allocation keeps its pace while the free heap shrinks: collections come closer.
        free = max(HEAP_MB - live, 40)
        moment += timedelta(seconds=millis / 1000 + max(0.5, free / 3200 * 35
                                                        * rng.uniform(0.7, 1.3)))
    return "\n".join(lines) + "\n", full_lines


def _app_stamp(moment: datetime) -> str:
    """Spring Boot 3's default: ISO 8601 with milliseconds and the offset."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+00:00"


_OOM_TRACE = (
    "java.lang.OutOfMemoryError: Java heap space\n"
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)\n"
    "\tat java.base/java.util.ArrayList.grow(ArrayList.java:237)\n"
    f"\tat {_CACHE_CLASS}.remember(CartSnapshotCache.java:64)\n"
    "\tat com.acme.checkout.cart.CartService.close(CartService.java:118)\n"
    "\tat com.acme.checkout.web.CheckoutController.pay(CheckoutController.java:77)")


def _app_log(rng: random.Random) -> tuple[str, int]:
    pid = 3117
    lines = [f"{_app_stamp(START)}  INFO {pid} --- [main] c.a.c.CheckoutApplication : Starting "
             f"CheckoutApplication v4.12.0 using Java 17.0.9 with PID {pid}",
             f"{_app_stamp(START + timedelta(seconds=7))}  INFO {pid} --- [main] "
             "c.a.c.CheckoutApplication : Started CheckoutApplication in 6.912 seconds"]
    moment, first_oom = START + timedelta(seconds=10), 0
    end = START + OOM_AT + timedelta(seconds=50)
    while moment < end:
        elapsed = (moment - START).total_seconds()
        pressure = _live_mb(elapsed) / HEAP_MB
        thread = f"http-nio-8080-exec-{rng.randint(1, 40)}"
        if moment >= START + OOM_AT:
            if not first_oom:
                first_oom = len(lines) + 1
            lines.append(f"{_app_stamp(moment)} ERROR {pid} --- [{thread}] "
                         "o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() for "
                         "servlet [dispatcherServlet] threw exception")
            lines.extend(_OOM_TRACE.splitlines())
            moment += timedelta(seconds=rng.uniform(2, 6))
            continue
        # Requests slow down with the heap: more of every second goes to GC.
        millis = int(rng.uniform(20, 90) * (1 + 60 * max(0.0, pressure - 0.6) ** 2 * 10))
        level = " WARN" if millis > 2000 else " INFO"
        lines.append(f"{_app_stamp(moment)} {level} {pid} --- [{thread}] "
                     f"c.a.c.web.CheckoutController : POST /api/checkout/pay cart="
                     f"{rng.randint(10**6, 10**7)} completed in {millis} ms")
        moment += timedelta(seconds=rng.uniform(4, 12))
    return "\n".join(lines) + "\n", first_oom


def _thread(name: str, number: int, state: str, frames: list[str]) -> str:
    return (f'"{name}" #{number} daemon prio=5 os_prio=0 cpu={number * 131.7:.2f}ms '
            f"elapsed=9682.41s tid=0x00007f3a{number:08x} nid=0x{number + 3200:x} "
            + ("waiting for monitor entry" if state == "BLOCKED" else "runnable")
            + f"  [0x00007f39{number:08x}]\n   java.lang.Thread.State: {state}"
            + (" (on object monitor)" if state == "BLOCKED" else "") + "\n"
            + "".join(f"\t{frame}\n" for frame in frames) + "\n")


_REQUEST_TAIL = [
    "at com.acme.checkout.cart.CartService.close(CartService.java:118)",
    "at com.acme.checkout.web.CheckoutController.pay(CheckoutController.java:77)",
    "at java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke("
    "DirectMethodHandleAccessor.java:103)",
    "at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
    "at org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run("
    "ThreadPoolExecutor.java:659)",
    "at java.base/java.lang.Thread.run(Thread.java:840)"]


def _thread_dump(rng: random.Random, taken: datetime) -> tuple[str, int]:
    """A jstack dump: most request threads wait for the cache's monitor, one thread holds
    it; returns the text and the line of the holder's header."""
    header = (f"{taken:%Y-%m-%d %H:%M:%S}\n"
              "Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode, sharing):\n\n")
    threads = [_thread("Reference Handler", 2, "RUNNABLE",
                       ["at java.lang.ref.Reference.waitForReferencePendingList("
                        "java.base@17.0.9/Native Method)"])]
    holder = rng.randint(1, 40)
    holder_text = _thread(f"http-nio-8080-exec-{holder}", 40 + holder, "RUNNABLE", [
        "at java.base/java.util.Arrays.copyOf(Arrays.java:3512)",
        "at java.base/java.util.ArrayList.grow(ArrayList.java:237)",
        f"at {_CACHE_CLASS}.remember(CartSnapshotCache.java:64)",
        f"- locked <{CACHE}> (a {_CACHE_CLASS})", *_REQUEST_TAIL])
    for k in range(1, 41):
        if k == holder:
            threads.append(holder_text)
        elif rng.random() < 0.8:
            threads.append(_thread(f"http-nio-8080-exec-{k}", 40 + k, "BLOCKED", [
                f"at {_CACHE_CLASS}.remember(CartSnapshotCache.java:61)",
                f"- waiting to lock <{CACHE}> (a {_CACHE_CLASS})", *_REQUEST_TAIL]))
        else:
            threads.append(_thread(f"http-nio-8080-exec-{k}", 40 + k, "WAITING", [
                "at java.base/jdk.internal.misc.Unsafe.park(Native Method)",
                "- parking to wait for  <0x00000006c0a11e50> (a java.util.concurrent.locks."
                "AbstractQueuedSynchronizer$ConditionObject)",
                "at org.apache.tomcat.util.threads.TaskQueue.take(TaskQueue.java:141)",
                "at java.base/java.lang.Thread.run(Thread.java:840)"]))
    text = header + "".join(threads) + '"VM Thread" os_prio=0 cpu=81234.11ms ' \
        "elapsed=9682.50s tid=0x00007f3a00001000 nid=0xc87 runnable\n\n" \
        "JNI global refs: 31, weak refs: 0\n"
    return text, text.splitlines().index(holder_text.splitlines()[0]) + 1


def _kern_log(rng: random.Random, moment: datetime) -> tuple[str, int]:
    boot = 86_400 * 3 + rng.randint(0, 3600)
    uptime = boot + (moment - START).total_seconds()
    stamp = f"{moment:%b %d %H:%M:%S} checkout-01 kernel: [{uptime:.6f}]"
    lines = [
        f"{stamp} java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
        "oom_score_adj=0",
        f"{stamp} CPU: 3 PID: 3342 Comm: java Not tainted 5.15.0-89-generic #99-Ubuntu",
        f"{stamp} memory: usage 4718592kB, limit 4718592kB, failcnt 1822",
        f"{stamp} oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
        "mems_allowed=0,oom_memcg=/system.slice/checkout.service,task_memcg=/system.slice/"
        "checkout.service,task=java,pid=3117,uid=1001",
        f"{stamp} Memory cgroup out of memory: Killed process 3117 (java) "
        "total-vm:9262884kB, anon-rss:4689112kB, file-rss:20112kB, shmem-rss:0kB, UID:1001 "
        "pgtables:9876kB oom_score_adj:0",
    ]
    return "\n".join(lines) + "\n", 5


def build(rng: random.Random) -> Built:
    gc_log, full_lines = _gc_log(rng)
    app_log, first_oom = _app_log(rng)
    taken = START + OOM_AT + timedelta(minutes=1)
    dump, holder_line = _thread_dump(rng, taken)
    kern_log, kill_line = _kern_log(rng, START + OOM_AT + timedelta(minutes=3, seconds=12))
    dump_name = f"{FOLDER}/dumps/jstack-{taken:%Y%m%d-%H%M%S}.txt"
    return Built(
        files={f"{FOLDER}/logs/gc.log": gc_log.encode(),
               f"{FOLDER}/logs/checkout.log": app_log.encode(),
               dump_name: dump.encode(),
               f"{FOLDER}/var/log/kern.log": kern_log.encode()},
        rules=["jvm.gc-heap-rising", "jvm.gc-overhead", "jvm.out-of-memory",
               "jvm.lock-contention", "host.oom-kill"],
        # The app log's burst of the same errors: true, secondary. Its other views of them
        # (stack-trace group, signature match, new template) fold into jvm.out-of-memory.
        allowed=["log.error-burst", "incident.cross-source"],
        # Blocked threads behind a busy holder are no deadlock; the pauses are GC work,
        # not a JVM stopped by the host; Metaspace is steady; the clocks are written.
        forbidden=["jvm.deadlock", "jvm.gc-not-running", "jvm.gc-metaspace-full",
                   "timeline.clock-offset"],
        evidence=[
            {"artifact": f"{FOLDER}/logs/gc.log",
             "locator": {"kind": "line", "line": full_lines[0]},
             "why": "the first full GC leaves 2.5 GiB live; the floor rises from there",
             "cited_by": "jvm.gc-heap-rising"},
            {"artifact": f"{FOLDER}/logs/gc.log",
             "locator": {"kind": "line", "line": full_lines[-1]},
             "why": "the last full GCs run back to back, seconds each, freeing almost "
                    "nothing of the 4 GB heap",
             "cited_by": "jvm.gc-overhead"},
            {"artifact": f"{FOLDER}/logs/checkout.log",
             "locator": {"kind": "line", "line": first_oom, "end_line": first_oom + 6},
             "why": "OutOfMemoryError: Java heap space in CartSnapshotCache.remember",
             "cited_by": "jvm.out-of-memory"},
            {"artifact": dump_name, "locator": {"kind": "line", "line": holder_line},
             "why": "request threads BLOCKED on the cache's monitor; its holder is growing "
                    "the cache",
             "cited_by": "jvm.lock-contention"},
            {"artifact": f"{FOLDER}/var/log/kern.log",
             "locator": {"kind": "line", "line": kill_line},
             "why": "the memory cgroup's OOM killer ends the JVM (heap plus native memory "
                    "over 4.5 GB)",
             "cited_by": "host.oom-kill"},
        ])


SCENARIO = Scenario(
    name="jvm_heap_exhaustion",
    title="Checkout slows to a crawl, then the service dies",
    difficulty="medium",
    summary=("CartSnapshotCache keeps every finished cart: the heap left after full GCs "
             "rises from 2.5 to 3.9 GiB of 4 GiB in 90 minutes, full GCs take seconds and "
             "come back to back, requests slow from milliseconds to seconds and block on the "
             "cache's lock, then OutOfMemoryError: Java heap space; the heap plus native "
             "memory crosses the 4.5 GB cgroup and the kernel OOM killer ends the JVM. "
             "Bound the cache (size or age); more heap only delays it."),
    build=build,
    tags=("jvm", "gc", "memory", "threads", "kernel"),
)
