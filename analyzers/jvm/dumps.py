"""What one thread dump says, as a small JSON-able summary: states, deadlocks, contended
monitors, the hottest stack, thread-name groups and the JVM it came from.

The per-artifact analyzer puts one summary per dump in its stats (``summarize``); the
bundle-level ``jvm-cross`` analyzer (``series``) judges the dumps of one JVM together,
whether they sit in one file or one file each. Decisions the next engineer needs:

- **Deadlocks** are cycles in the wait-for graph: a thread waiting to lock a monitor (or
  parked on a ``ReentrantLock``-style synchronizer) points at the thread holding it.
  Threads are keyed by ``tid``, never by name (two threads may share one). The JVM's own
  ``Found one Java-level deadlock`` sections name threads only; each name is resolved to
  the thread of that name waiting on the section's object address, so the three deadlocks
  of a dump with two ``"DeadlockThread-A"`` threads stay three. A cycle the JVM did not
  report (its section cut off) still counts, flagged ``reported_by_jvm: false``.
- **Contention**: BLOCKED threads grouped by the monitor they wait for, with the holder
  and what it is doing (a holder ``TIMED_WAITING (sleeping)`` holds a lock across a sleep).
- **Idle** threads are left out of the hottest stack: workers parked waiting for a task
  (``ThreadPoolExecutor.getTask``, ``ForkJoinPool.awaitWork``), selector and accept loops,
  sleeping threads, reference and cleaner threads, threads running only JDK code. Hundreds
  of threads parked in a connection pool's ``getConnection`` are *not* idle: they are the
  finding.
- **Virtual threads**: ``jstack``/``Thread.print`` do not list unmounted virtual threads, so
  a dump whose carriers (``ForkJoinPool-*-worker``, ``VirtualThread-unblocker``) show them
  in use cannot prove or rule out a deadlock among them; ``virtual_threads`` says so.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from inspector.formats.threaddump import JavaThread, ThreadDump

MAX_NAMES = 5
MAX_CONTENDED = 5
MAX_GROUPS = 10
HOT_FRAMES = 8

_IDLE_FRAMES = (
    "ThreadPoolExecutor.getTask", "ForkJoinPool.awaitWork", "ForkJoinPool.runWorker",
    "DelayedWorkQueue.take", "ReferenceQueue.remove", "Reference.waitForReferencePendingList",
    "TimerThread.mainLoop", "CleanerImpl.run", "Reference$ReferenceHandler.run",
)
_SELECTOR_FRAMES = re.compile(
    r"(?:EPoll\.wait|EPollArrayWrapper\.epollWait|KQueue\.(?:poll|kevent0)|\.poll0\(|"
    r"\.accept0\(|socketAccept|Net\.accept|WindowsSelectorImpl|Signal Dispatcher|"
    r"takeVirtualThreadListToUnblock)")
_IO_FRAMES = re.compile(r"socketRead|SocketInputStream|NioSocketImpl\.(?:read|timedRead)|"
                        r"SocketDispatcher\.read|\.recv|FileInputStream\.read")
_JDK_FRAME = re.compile(r"^(?:java|javax|jdk|sun|com\.sun)\.")
_DIGITS = re.compile(r"\d+")
_JVM_THREADS = ("Reference Handler", "Signal Dispatcher", "Finalizer", "VM Thread", "main")
_CARRIERS = re.compile(r"^VirtualThread-unblocker$")


def name_group(name: str) -> str:
    """Threads named alike: ``pool-6-thread-12`` -> ``pool-#-thread-#``.

    >>> name_group("http-nio-8080-exec-17")
    'http-nio-#-exec-#'
    """
    return _DIGITS.sub("#", name)


def is_idle(thread: JavaThread) -> bool:
    """A thread waiting for work, not for something it needs (see the module doc)."""
    frames = thread.frames
    if not frames or thread.state is None:
        return True
    if thread.state in ("WAITING", "TIMED_WAITING"):
        if thread.detail == "sleeping" or any(marker in frame for frame in frames
                                              for marker in _IDLE_FRAMES):
            return True
        return all(_JDK_FRAME.match(frame) for frame in frames)
    return thread.state == "RUNNABLE" and bool(_SELECTOR_FRAMES.search(frames[0]))


def _brief(thread: JavaThread) -> dict[str, Any]:
    frame = next((f for f in thread.frames if not _JDK_FRAME.match(f)),
                 thread.frames[0] if thread.frames else "")
    state = thread.state or "VM"
    return {"key": thread.key, "name": thread.name, "line": thread.line,
            "state": f"{state} ({thread.detail})" if thread.detail else state, "frame": frame}


def _owners(threads: list[JavaThread]) -> dict[str, JavaThread]:
    owners: dict[str, JavaThread] = {}
    for thread in threads:
        for lock in thread.held_monitors():
            owners.setdefault(lock.address, thread)
    return owners


def _awaited(thread: JavaThread, owners: dict[str, JavaThread]):
    """The monitor or owned synchronizer ``thread`` is blocked on, if someone holds it."""
    for lock in (thread.waiting_to_lock, thread.parked_on):
        if lock is not None and lock.address in owners:
            return lock
    return None


def deadlocks(dump: ThreadDump) -> list[dict[str, Any]]:
    """Cycles in the wait-for graph, and the JVM's own reports resolved to threads."""
    threads = [t for t in dump.threads if t.state is not None]
    owners = _owners(threads)
    waits = {}
    for thread in threads:
        lock = _awaited(thread, owners)
        if lock is not None and owners[lock.address] is not thread:
            waits[thread.key] = (thread, lock, owners[lock.address])
    cycles: dict[frozenset[str], list[str]] = {}
    for start in waits:
        path: list[str] = []
        key: str | None = start
        while key in waits and key not in path:
            path.append(key)
            key = waits[key][2].key
        if key in path:
            cycle = path[path.index(key):]
            cycles.setdefault(frozenset(cycle), cycle)
    reported = []
    for section in dump.reported_deadlocks:
        keys = []
        for wait in section:
            match = next((t for t in threads if t.name == wait.name and wait.address in
                          {lock.address for lock in (t.waiting_to_lock, t.parked_on) if lock}),
                         None)
            keys.append(match.key if match else f"{wait.name} (not in the dump)")
        reported.append((frozenset(keys), section))
    by_key = {t.key: t for t in threads}
    found = []
    for keys, section in reported:
        cycle = cycles.pop(keys, None) or list(dict.fromkeys(
            k for k in (next((t.key for t in threads if t.name == w.name), w.name)
                        for w in section)))
        found.append(_cycle(cycle, waits, by_key, True, section[0].line))
    found.extend(_cycle(cycle, waits, by_key, False, None) for cycle in cycles.values())
    return found


def _cycle(cycle: list[str], waits, by_key, reported: bool, line: int | None) -> dict[str, Any]:
    members = []
    for key in cycle:
        thread = by_key.get(key)
        entry = _brief(thread) if thread else {"key": key, "name": key, "line": None}
        if key in waits:
            _, lock, holder = waits[key]
            entry.update(waits_for=lock.address, lock=lock.lock_class, lock_line=lock.line,
                         held_by=holder.key, held_by_name=holder.name)
        members.append(entry)
    return {"threads": members, "reported_by_jvm": reported, "section_line": line}


def contended(dump: ThreadDump) -> list[dict[str, Any]]:
    """Monitors (and owned synchronizers) two or more threads are blocked on."""
    threads = [t for t in dump.threads if t.state is not None]
    owners = _owners(threads)
    waiting: dict[str, list[JavaThread]] = defaultdict(list)
    for thread in threads:
        lock = thread.waiting_to_lock if thread.state == "BLOCKED" else _awaited(thread, owners)
        if lock is not None:
            waiting[lock.address].append(thread)
    monitors = []
    for address, waiters in waiting.items():
        if len(waiters) < 2:
            continue
        lock = next(t.waiting_to_lock or t.parked_on for t in waiters)
        holder = owners.get(address)
        monitors.append({
            "monitor": address, "lock": lock.lock_class if lock else "",
            "waiters": len(waiters), "waiter_names": [t.name for t in waiters[:MAX_NAMES]],
            "waiter_lines": [t.line for t in waiters[:MAX_NAMES]],
            "site": _brief(waiters[0])["frame"],
            "holder": _brief(holder) if holder else None})
    monitors.sort(key=lambda m: (-m["waiters"], m["monitor"]))
    return monitors[:MAX_CONTENDED]


def hot_stack(dump: ThreadDump) -> dict[str, Any] | None:
    """The largest group of busy threads sharing their innermost frames, if three or more."""
    groups: dict[tuple[str, ...], list[JavaThread]] = defaultdict(list)
    for thread in dump.threads:
        if not is_idle(thread):
            groups[(thread.state or "", *thread.frames[:HOT_FRAMES])].append(thread)
    if not groups:
        return None
    signature, members = max(groups.items(), key=lambda item: (len(item[1]), item[0]))
    if len(members) < 3:
        return None
    state = signature[0]
    timed = [t for t in members if t.cpu_ms is not None and t.elapsed_s]
    cpu_share = (sum(t.cpu_ms / 1000 / t.elapsed_s for t in timed) / len(timed)  # type: ignore[operator]
                 if timed else None)
    if state == "BLOCKED" or any(t.parked_on for t in members):
        nature = "lock"
    elif state == "RUNNABLE" and _IO_FRAMES.search(signature[1]):
        nature = "io"
    elif state == "RUNNABLE":
        nature = "cpu" if cpu_share is None or cpu_share >= 0.5 else "runnable"
    else:
        nature = "waiting"
    return {"threads": len(members), "state": state, "nature": nature,
            "cpu_share": round(cpu_share, 2) if cpu_share is not None else None,
            "frames": list(signature[1:]), "names": [t.name for t in members[:MAX_NAMES]],
            "lines": [t.line for t in members[:MAX_NAMES]],
            "keys": sorted(t.key for t in members)}


def jvm_identity(dump: ThreadDump) -> str | None:
    """What tells this JVM from another: the tid of a thread every JVM has for its whole
    life (the Reference Handler), or None when the dump lists none of them."""
    by_name = {t.name: t for t in dump.threads}
    for name in _JVM_THREADS:
        thread = by_name.get(name)
        if thread is not None and thread.key.startswith("0x"):
            return f"{name}={thread.key}"
    return None


def summarize(dump: ThreadDump) -> dict[str, Any]:
    """The JSON-able summary of one dump (see the module doc); empty parts are left out."""
    java = [t for t in dump.threads if t.state is not None]
    groups = Counter(name_group(t.name) for t in java)
    summary: dict[str, Any] = {
        "line": dump.line, "end_line": dump.end_line, "time": dump.time,
        "jvm": jvm_identity(dump), "threads": len(java),
        "vm_threads": len(dump.threads) - len(java),
        "states": dict(sorted(Counter(t.state for t in java).items())),
        "groups": dict(groups.most_common(MAX_GROUPS)),
    }
    found = deadlocks(dump)
    if found:
        summary["deadlocks"] = found
    if dump.reported_count is not None:
        summary["jvm_reported_deadlocks"] = dump.reported_count
    monitors = contended(dump)
    if monitors:
        summary["contended"] = monitors
    hot = hot_stack(dump)
    if hot:
        summary["hot_stack"] = hot
    carriers = [t for t in dump.threads if _CARRIERS.match(t.name)
                or any("java.lang.VirtualThread" in f or "jdk.internal.vm.Continuation" in f
                                    for f in t.frames)]
    if carriers:
        summary["virtual_threads"] = True
    return summary
