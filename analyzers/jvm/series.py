"""Thread dumps judged together, per JVM: deadlocks, contended monitors, the hottest stack,
a growing thread count, virtual threads the dumps cannot show.

``judge_dumps(dumps)`` takes ``(artifact path, dump summary)`` pairs (the ``jvm``
analyzer's ``thread_dumps`` stats, ``dumps``) of the whole bundle. Decisions the next
engineer needs:

- **Which dumps are one JVM**: those whose long-lived JVM threads have the same ``tid``
  (``dumps.jvm_identity``); a dump without one is a JVM of its own. A series is ordered by
  the dumps' times as written (jstack writes local time without a zone), then by place.
- **One root cause, one finding**: a deadlock or a contended monitor seen in five
  consecutive dumps is one finding that says "in 5 of 6 dumps" and whether it was over by
  the last one. A monitor is the same across dumps when its waiters wait at the same code
  with the same lock class (GC may move the object, so its address may change). Contention
  on a lock whose holder is in a deadlock is the deadlock's; BLOCKED threads already
  reported as contention are not reported again as the hottest stack.
- **Thresholds**: contention from ``CONTENTION_WAITERS`` waiters in one dump, or two
  waiters in two dumps; the hottest stack from ``HOT_THREADS`` threads; a thread leak from
  ``LEAK_DUMPS`` dumps whose count rises by ``LEAK_GROWTH`` and ``LEAK_THREADS`` threads,
  never falling by more than a tenth from one dump to the next.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analyzers.jvm.rules import (
    CROSS,
    DEADLOCK,
    HOT_STACK,
    LOCK_CONTENTION,
    THREAD_LEAK,
    VIRTUAL_THREADS,
)
from inspector.model import Evidence, Finding, LineLocator, Severity

CONTENTION_WAITERS = 3
SEVERE_WAITERS = 5
HOT_THREADS = 3
LEAK_DUMPS = 3
LEAK_GROWTH = 1.2
LEAK_THREADS = 20
MAX_EVIDENCE = 8


@dataclass(frozen=True, slots=True)
class Dump:
    """One dump of a series: where it is and what its summary says."""

    path: str
    summary: dict[str, Any]

    @property
    def line(self) -> int:
        return self.summary["line"]

    def where(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        time = self.summary.get("time")
        return f"{name}:{self.line}" + (f" ({time})" if time else "")


def series(dumps: list[tuple[str, dict[str, Any]]]) -> list[list[Dump]]:
    """The dumps grouped per JVM, each group in time order (see the module doc)."""
    groups: dict[str, list[Dump]] = defaultdict(list)
    for path, summary in dumps:
        identity = summary.get("jvm") or f"{path}:{summary['line']}"
        groups[identity].append(Dump(path, summary))
    ordered = [sorted(group, key=lambda d: (d.summary.get("time") or "", d.path, d.line))
               for group in groups.values()]
    return sorted(ordered, key=lambda group: (group[0].path, group[0].line))


def _span(group: list[Dump], indices: list[int]) -> str:
    total = len(group)
    seen = len(indices)
    text = f"in {seen} of {total} dump(s)" if total > 1 else "in the dump"
    if total > 1 and indices and indices[-1] != total - 1:
        text += f"; gone by the last ({group[-1].where()})"
    return text


def judge_dumps(dumps: list[tuple[str, dict[str, Any]]]) -> Iterator[Finding]:
    """Every thread-dump finding of the bundle (see the module doc)."""
    for group in series(dumps):
        deadlocked = yield from _deadlocks(group)
        contended = yield from _contention(group, deadlocked)
        yield from _hot_stacks(group, contended)
        yield from _leak(group)
        yield from _virtual(group)


def _thread_text(thread: dict[str, Any]) -> str:
    text = f"\"{thread['name']}\" ({thread['key']})"
    if thread.get("waits_for"):
        text += (f" waits for <{thread['waits_for']}> ({thread.get('lock') or 'a lock'}) held by "
                 f"\"{thread.get('held_by_name')}\" ({thread.get('held_by')})")
    if thread.get("frame"):
        text += f" at {thread['frame']}"
    return text


def _deadlocks(group: list[Dump]):
    cycles: dict[frozenset[str], tuple[Dump, dict[str, Any], list[int]]] = {}
    for index, dump in enumerate(group):
        for cycle in dump.summary.get("deadlocks", []):
            key = frozenset(t["key"] for t in cycle["threads"])
            if key in cycles:
                cycles[key][2].append(index)
            else:
                cycles[key] = (dump, cycle, [index])
    held: set[str] = set()
    for dump, cycle, indices in cycles.values():
        threads = cycle["threads"]
        held.update(t["key"] for t in threads)
        names = " -> ".join(f"\"{t['name']}\"" for t in threads)
        evidence = []
        if cycle.get("section_line"):
            evidence.append(Evidence(dump.path, LineLocator(cycle["section_line"]),
                                     "Found one Java-level deadlock"))
        evidence += [Evidence(dump.path, LineLocator(t["line"]), _thread_text(t)[:200])
                     for t in threads if t.get("line")]
        how = "reported by the JVM" if cycle["reported_by_jvm"] else \
            "found in the lock graph (the JVM's own report is missing)"
        yield DEADLOCK.finding(
            f"Java-level deadlock of {len(threads)} threads: {names} -> "
            f"\"{threads[0]['name']}\" ({_span(group, indices)})", analyzer=CROSS,
            detail=(f"A cycle {how}, first in {dump.where()}: "
                    + "; ".join(_thread_text(t) for t in threads)
                    + ". None of them can proceed; every thread that needs one of these "
                    "locks will block behind them."),
            count=len(indices), evidence=evidence[:MAX_EVIDENCE],
            facts={"threads": threads, "reported_by_jvm": cycle["reported_by_jvm"],
                   "dumps": len(indices), "of_dumps": len(group), "first": dump.where()},
            remediation=("Restart the JVM to recover. Fix: take these locks in one global "
                         "order everywhere (or use tryLock with a timeout); the frames above "
                         "show where each thread takes them."))
    return held


def _contention(group: list[Dump], deadlocked: set[str]):
    sites: dict[tuple[str, str], list[tuple[int, Dump, dict[str, Any]]]] = defaultdict(list)
    for index, dump in enumerate(group):
        for monitor in dump.summary.get("contended", []):
            holder = monitor.get("holder") or {}
            if holder.get("key") in deadlocked:
                continue
            sites[(monitor["lock"], monitor["site"])].append((index, dump, monitor))
    covered: set[str] = set()
    for (lock, site), seen in sites.items():
        _, worst_dump, worst = max(seen, key=lambda s: (s[2]["waiters"], -s[0]))
        if worst["waiters"] < CONTENTION_WAITERS and len(seen) < 2:
            continue
        indices = [index for index, _, _ in seen]
        covered.add(site)
        holder = worst.get("holder")
        severity = Severity.HIGH if worst["waiters"] >= SEVERE_WAITERS or len(seen) >= 3 \
            else Severity.MEDIUM
        holding = (f" held by \"{holder['name']}\", which is {holder['state']} at "
                   f"{holder['frame']}" if holder else " (its holder is not in the dump)")
        across = ""
        if holder and ("sleeping" in holder["state"] or "WAITING" in holder["state"]):
            across = (" The holder is not running while it holds the lock: work that "
                      "sleeps or waits (I/O, a remote call, Thread.sleep) inside a "
                      "synchronized block.")
        evidence = []
        if holder:
            evidence.append(Evidence(worst_dump.path, LineLocator(holder["line"]),
                                     f"\"{holder['name']}\" {holder['state']} holds "
                                     f"<{worst['monitor']}>"))
        evidence += [Evidence(worst_dump.path, LineLocator(line), f"\"{name}\" BLOCKED")
                     for name, line in zip(worst["waiter_names"], worst["waiter_lines"],
                                           strict=False)]
        yield LOCK_CONTENTION.finding(
            f"{worst['waiters']} threads BLOCKED on <{worst['monitor']}> ({lock or 'a lock'})"
            f"{holding} ({_span(group, indices)})", analyzer=CROSS, severity=severity,
            detail=(f"In {worst_dump.where()}, {worst['waiters']} threads wait to enter the "
                    f"monitor at {site}: " + ", ".join(worst["waiter_names"])
                    + ("..." if worst["waiters"] > len(worst["waiter_names"]) else "")
                    + f".{across} Not a deadlock: the holder waits for nothing they hold."),
            count=len(seen), evidence=evidence[:MAX_EVIDENCE],
            facts={"monitor": worst["monitor"], "lock": lock, "site": site,
                   "waiters": worst["waiters"], "holder": holder, "dumps": len(seen),
                   "of_dumps": len(group), "dump": worst_dump.where(),
                   "ended": bool(indices) and len(group) > 1 and indices[-1] != len(group) - 1},
            remediation=("Shorten what runs under this lock: move I/O, sleeps and remote "
                         "calls out of the synchronized block, or split the lock; the "
                         "holder's stack shows what it does while holding it."))
    return covered


def _hot_stacks(group: list[Dump], contended_sites: set[str]) -> Iterator[Finding]:
    stacks: dict[tuple[str, ...], list[tuple[int, Dump, dict[str, Any]]]] = defaultdict(list)
    for index, dump in enumerate(group):
        hot = dump.summary.get("hot_stack")
        if hot:
            stacks[(hot["state"], *hot["frames"])].append((index, dump, hot))
    if not stacks:
        return
    _, seen = max(stacks.items(), key=lambda item: (max(h["threads"] for _, _, h in
                                                                 item[1]), len(item[1])))
    index, dump, hot = max(seen, key=lambda s: (s[2]["threads"], -s[0]))
    if hot["threads"] < HOT_THREADS or (hot["nature"] == "lock" and contended_sites):
        return
    app_frame = next((f for f in hot["frames"] if not f.startswith(("java.", "jdk.", "sun."))),
                     hot["frames"][0] if hot["frames"] else "?")
    nature = {"cpu": "on the CPU (CPU time close to their age: CPU-bound)",
              "io": "reading from the network or disk (RUNNABLE in a socket read: waiting on "
                    "the other side)",
              "lock": "waiting for a lock", "waiting": "waiting",
              "runnable": "RUNNABLE"}[hot["nature"]]
    indices = [i for i, _, _ in seen]
    yield HOT_STACK.finding(
        f"{hot['threads']} threads {nature.split(' (')[0]} in the same code: {app_frame} "
        f"({_span(group, indices)})", analyzer=CROSS,
        detail=(f"In {dump.where()}, {hot['threads']} threads are {nature}, all in:\n  "
                + "\n  ".join(hot["frames"])
                + f"\nThreads: {', '.join(hot['names'])}"
                + ("..." if hot["threads"] > len(hot["names"]) else "") + "."),
        count=len(seen),
        evidence=[Evidence(dump.path, LineLocator(line), f"\"{name}\" {hot['state']}")
                  for name, line in zip(hot["names"], hot["lines"], strict=False)],
        facts={"threads": hot["threads"], "state": hot["state"], "nature": hot["nature"],
               "cpu_share": hot["cpu_share"], "frames": hot["frames"], "dumps": len(seen),
               "of_dumps": len(group), "dump": dump.where()},
        remediation=("This is where the JVM's threads spend their time: for CPU-bound "
                     "threads profile that code; for socket reads look at the remote side "
                     "and set timeouts; a pool whose every thread is here is saturated."))


def _leak(group: list[Dump]) -> Iterator[Finding]:
    if len(group) < LEAK_DUMPS:
        return
    counts = [d.summary["threads"] for d in group]
    first, last = group[0], group[-1]
    steady = all(b >= 0.9 * a for a, b in itertools.pairwise(counts))
    if not (steady and counts[-1] >= LEAK_GROWTH * counts[0]
            and counts[-1] - counts[0] >= LEAK_THREADS):
        return
    before, after = first.summary.get("groups", {}), last.summary.get("groups", {})
    grown = sorted(((after.get(name, 0) - before.get(name, 0), name) for name in after),
                   reverse=True)[:3]
    yield THREAD_LEAK.finding(
        f"Thread count grew from {counts[0]} to {counts[-1]} over {len(group)} dumps "
        f"({first.where()} to {last.where()})", analyzer=CROSS, count=len(group),
        detail=("Threads per dump: " + " -> ".join(map(str, counts)) + ". Grew most: "
                + ", ".join(f"{name} +{delta}" for delta, name in grown if delta > 0) + "."),
        evidence=[Evidence(d.path, LineLocator(d.line), f"{d.summary['threads']} threads")
                  for d in (first, last)],
        facts={"counts": counts, "grown": [{"group": n, "delta": d} for d, n in grown]},
        remediation=("Find who creates the growing threads (their names above); an executor "
                     "created per request and never shut down is the usual cause. It ends "
                     "in 'unable to create native thread'."))


def _virtual(group: list[Dump]) -> Iterator[Finding]:
    flagged = [d for d in group if d.summary.get("virtual_threads")]
    if not flagged:
        return
    dump = flagged[0]
    yield VIRTUAL_THREADS.finding(
        f"The JVM uses virtual threads, which {dump.where()} does not list", analyzer=CROSS,
        detail=("jstack and jcmd Thread.print show platform threads only; a virtual thread "
                "is listed only while mounted on a carrier. A deadlock or pinning among "
                "virtual threads cannot be proved or ruled out from this dump, and the JVM "
                "does not detect deadlocks among them."),
        evidence=[Evidence(dump.path, LineLocator(dump.line), "thread dump")],
        facts={"dumps": len(flagged)},
        remediation=("Take a dump that lists virtual threads: jcmd <pid> "
                     "Thread.dump_to_file -format=json <file> (JDK 21+)."))
