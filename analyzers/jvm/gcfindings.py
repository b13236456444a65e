"""The findings of one GC log, judged from its ``GcSummary.stats()``.

One root cause, one finding: a full collection that a concurrent-mode failure, a
promotion failure, a full Metaspace or thrashing explains is reported there, not again as
"a full GC"; concurrent-mode failures inside thrashing are the thrashing's (its detail
counts them); a long pause the JVM spent not running is reported as that, not as a long
pause. Findings about pause times are ``info`` when the log comes from a debug build of
the JVM (its timings say nothing about production). Thresholds:

- ``jvm.gc-long-pause``: a young/mixed pause of ``LONG_PAUSE`` seconds or more (high from
  ``VERY_LONG_PAUSE``).
- ``jvm.gc-full``: unexplained full collections, when one took ``LONG_PAUSE`` or more, or
  ``FULL_COUNT`` of them took ``FULL_TOTAL`` seconds together. A few short full GCs of a
  small heap are normal.
- ``jvm.gc-overhead``: a thrashing episode (``gcstats``), or a minute with at least
  ``OVERHEAD_SHARE`` of it in GC.
- ``jvm.gc-humongous``: ``HUMONGOUS_COUNT`` or more collections caused by humongous
  allocations.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from analyzers.jvm.rules import (
    ANALYZER,
    GC_CONCURRENT_FAILURE,
    GC_EXPLICIT,
    GC_FULL,
    GC_HEAP_RISING,
    GC_HUMONGOUS,
    GC_LONG_PAUSE,
    GC_METASPACE_FULL,
    GC_NOT_RUNNING,
    GC_OVERHEAD,
    GC_PROMOTION_FAILED,
    GC_TO_SPACE_EXHAUSTED,
)
from inspector.model import Event, EventSource, Evidence, Finding, LineLocator, Severity, parse_time
from inspector.rules import Rule

LONG_PAUSE = 1.0
VERY_LONG_PAUSE = 5.0
FULL_COUNT = 5
FULL_TOTAL = 2.0
OVERHEAD_SHARE = 0.5
HUMONGOUS_COUNT = 3
MAX_EVENTS = 200


def human_bytes(value: int | None) -> str:
    """``human_bytes(4_530_000_000)`` -> ``'4.2 GiB'``."""
    if value is None:
        return "?"
    amount = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{amount:.0f} {unit}" if unit in ("B", "KiB") else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"


def when(brief: dict[str, Any]) -> str:
    """Where a collection sits in time, in the log's own terms."""
    if brief.get("time"):
        return f"{brief['time'][:19].replace('T', ' ')} UTC"
    if brief.get("uptime") is not None:
        return f"uptime {brief['uptime']:.1f} s"
    return f"line {brief['line']}"


def _evidence(path: str, briefs: list[dict[str, Any] | None]) -> list[Evidence]:
    seen, evidence = set(), []
    for brief in briefs:
        if brief and brief["line"] not in seen:
            seen.add(brief["line"])
            evidence.append(Evidence(path, LineLocator(brief["line"], brief["end_line"]),
                                     f"{brief['name']} {brief['pause']:.3f} s"[:200]))
    return evidence


def _times(*briefs: dict[str, Any] | None) -> dict[str, datetime | None]:
    moments = [parse_time(b["time"]) for b in briefs if b and b.get("time")]
    return {"first_seen": min(moments) if moments else None,
            "last_seen": max(moments) if moments else None}


class GcJudge:
    """Turns one log's stats into findings (see the module doc)."""

    def __init__(self, path: str, stats: dict[str, Any], debug_build: bool) -> None:
        self.path = path
        self.stats = stats
        self.kinds = stats["kinds"]
        self.debug_build = debug_build

    def _finding(self, rule: Rule, title: str, briefs: list[dict[str, Any] | None], *,
                 severity: Severity | None = None, timing: bool = True,
                 **fields: Any) -> Finding:
        if timing and self.debug_build:
            severity = Severity.INFO
            fields["detail"] = (fields.get("detail", "") + " The JVM is a debug build "
                                "(its version line says so): its timings are not those of "
                                "a production JVM.").strip()
        return rule.finding(title, analyzer=ANALYZER, severity=severity,
                            evidence=_evidence(self.path, briefs), **_times(*briefs),
                            **fields)

    def findings(self) -> Iterator[Finding]:
        yield from self.failures()
        yield from self.overhead()
        yield from self.metaspace()
        yield from self.full()
        yield from self.not_running()
        yield from self.long_pause()
        yield from self.heap_rising()
        yield from self.humongous()

    def failures(self) -> Iterator[Finding]:
        """Concurrent-mode failures (and their kin), promotion failures, to-space exhausted."""
        kinds = self.kinds
        concurrent = [kinds[k] for k in ("concurrent-mode-failure", "degenerated",
                                         "allocation-stall") if k in kinds]
        marking = kinds.get("concurrent-mark-abort")
        if marking and (marking["worst"] or {}).get("pause"):
            concurrent.append(marking)
        if concurrent and not self.stats["thrashing"]:
            count = sum(group["count"] for group in concurrent)
            worst = max((g["worst"] for g in concurrent), key=lambda b: b["pause"])
            names = sorted({g["worst"]["name"] for g in concurrent})
            yield self._finding(
                GC_CONCURRENT_FAILURE,
                f"The concurrent collector fell behind {count} time(s): {worst['name']} "
                f"stopped the application {worst['pause']:.2f} s at {when(worst)}",
                [worst, *(g["examples"][0] for g in concurrent)], count=count, timing=False,
                detail=(f"{count} collection(s) where concurrent collection could not keep up "
                        f"with allocation and fell back to a stop-the-world collection "
                        f"({', '.join(names)}). Heap after the worst: "
                        f"{human_bytes(worst['heap_after'])} of "
                        f"{human_bytes(worst['heap_capacity'])}."),
                facts={"count": count, "worst": worst, "kinds": names},
                remediation=("Start concurrent collection earlier and give it headroom: a "
                             "larger heap, a lower initiating occupancy "
                             "(-XX:InitiatingHeapOccupancyPercent / "
                             "CMSInitiatingOccupancyFraction), more concurrent GC threads; "
                             "then check whether the live set itself grows "
                             "(jvm.gc-heap-rising)."))
        for flag, rule, what, remedy in (
                ("promotion-failed", GC_PROMOTION_FAILED, "promotion failed",
                 "The old generation is full or fragmented: enlarge it or the heap, and "
                 "look for objects kept too long (a cache, a leak)."),
                ("to-space-exhausted", GC_TO_SPACE_EXHAUSTED, "to-space exhausted",
                 "Give G1 reserve space (-XX:G1ReservePercent), a larger heap, or start "
                 "marking earlier; very large objects and a growing live set cause it.")):
            group = kinds.get(flag)
            if group:
                worst = group["worst"]
                yield self._finding(
                    rule, f"{what.capitalize()} in {group['count']} collection(s); the worst "
                    f"stopped the application {worst['pause']:.2f} s at {when(worst)}",
                    [worst, *group["examples"]], count=group["count"], timing=False,
                    detail=(f"{group['count']} collection(s) say '{what}'; they took "
                            f"{group['total_pause']:.2f} s together."),
                    facts={"count": group["count"], "worst": worst}, remediation=remedy)

    def overhead(self) -> Iterator[Finding]:
        episodes = self.stats["thrashing"]
        minutes = self.stats["worst_minutes"]
        worst_minute = minutes[0] if minutes else None
        if episodes:
            failed = sum(self.kinds[k]["count"] for k in ("concurrent-mode-failure",
                                                          "degenerated") if k in self.kinds)
            episode = episodes[0]
            first, last = episode["first"], episode["last"]
            share = f"; the worst minute ({worst_minute['minute']}) was " \
                f"{worst_minute['share']:.0%} GC" if worst_minute else ""
            yield self._finding(
                GC_OVERHEAD,
                f"GC thrashing: {episode['count']} back-to-back full GCs from {when(first)} "
                f"each freed almost nothing (heap {episode['heap_full']:.0%} full after "
                f"them){share}", [first, last], count=sum(e["count"] for e in episodes),
                timing=False,
                detail=(f"{len(episodes)} episode(s) of full collections freeing less than "
                        f"10% of the heap while it stayed above 80% full; the longest ran "
                        f"{episode['count']} collections ({episode['total_pause']:.1f} s of "
                        f"pauses) from line {first['line']} to line {last['line']}."
                        + (f" {failed} of the log's collections were concurrent-collector "
                           "failures (concurrent mode failure, degenerated GC)." if failed
                           else "") + " This is "
                        "heap exhaustion: the JVM is about to throw OutOfMemoryError (GC "
                        "overhead limit exceeded or Java heap space)."),
                facts={"episodes": episodes, "worst_minutes": minutes},
                remediation=("Find what fills the heap: a heap dump "
                             "(-XX:+HeapDumpOnOutOfMemoryError, jmap -dump) or a class "
                             "histogram (jcmd <pid> GC.class_histogram); raise -Xmx only once "
                             "a leak is ruled out."))
        elif worst_minute and worst_minute["share"] >= OVERHEAD_SHARE:
            yield self._finding(
                GC_OVERHEAD,
                f"{worst_minute['share']:.0%} of the minute {worst_minute['minute']} was "
                "spent in GC pauses", [], facts={"worst_minutes": minutes},
                detail="GC pause time per minute, worst first: " + ", ".join(
                    f"{m['minute']} {m['gc_seconds']:.1f} s" for m in minutes),
                remediation=("Look at what ran in that minute (allocation rate, a batch "
                             "job); see the pause and full-GC findings for the collections."))

    def metaspace(self) -> Iterator[Finding]:
        perm = self.stats["perm_full"]
        metadata = self.kinds.get("metadata")
        metadata_full = metadata and "full-explained" in self.kinds and any(
            brief["name"].startswith(("Full GC", "Pause Full"))
            for brief in (metadata["worst"], *metadata["examples"]))
        if not perm and not metadata_full:
            return
        group = perm or metadata
        worst = group["worst"]
        yield self._finding(
            GC_METASPACE_FULL,
            f"PermGen/Metaspace full: {group['count']} full GC(s), the worst "
            f"{worst['pause']:.2f} s at {when(worst)}", [worst, *group["examples"]],
            count=group["count"], timing=False,
            detail=(f"{group['count']} full collection(s) ran with class metadata at its "
                    "limit (PermGen at 98% or more of its size after the collection, or a "
                    "full GC caused by the Metadata GC Threshold)."),
            facts={"count": group["count"], "worst": worst},
            remediation=("Raise -XX:MaxMetaspaceSize (-XX:MaxPermSize before JDK 8) if the "
                         "application really loads that many classes; if it grows with each "
                         "redeploy or with dynamic proxies/scripts, look for a class-loader "
                         "leak (jcmd <pid> VM.classloader_stats)."))

    def full(self) -> Iterator[Finding]:
        if self.stats["thrashing"]:
            return
        group = self.kinds.get("full")
        if group and (group["worst"]["pause"] >= LONG_PAUSE
                      or (group["count"] >= FULL_COUNT and group["total_pause"] >= FULL_TOTAL)):
            worst = group["worst"]
            severity = Severity.HIGH if worst["pause"] >= VERY_LONG_PAUSE else None
            yield self._finding(
                GC_FULL, f"{group['count']} full GC(s), {group['total_pause']:.1f} s in all; "
                f"the longest {worst['pause']:.2f} s at {when(worst)}",
                [worst, *group["examples"]], count=group["count"], severity=severity,
                detail=(f"Full collections stop the application for the whole heap. The "
                        f"longest: {worst['name']}, heap {human_bytes(worst['heap_before'])}"
                        f" -> {human_bytes(worst['heap_after'])} of "
                        f"{human_bytes(worst['heap_capacity'])}."),
                facts={"count": group["count"], "total_pause": group["total_pause"],
                       "worst": worst},
                remediation=("See what triggers them (the cause in parentheses) and how full "
                             "the heap is after each; size the heap and old generation for "
                             "the live set, or move to a concurrent collector."))
        explicit = self.kinds.get("full-explicit")
        if explicit:
            worst = explicit["worst"]
            yield self._finding(
                GC_EXPLICIT, f"{explicit['count']} full GC(s) requested by System.gc(), "
                f"{explicit['total_pause']:.1f} s in all (longest {worst['pause']:.2f} s)",
                [worst, *explicit["examples"]], count=explicit["count"],
                detail=("These collections were asked for by code (System.gc(), RMI's "
                        "distributed GC every hour by default, a library, jcmd GC.run), "
                        "not forced by heap pressure."),
                facts={"count": explicit["count"], "total_pause": explicit["total_pause"],
                       "worst": worst},
                remediation=("Find the caller (RMI: -Dsun.rmi.dgc.server.gcInterval); "
                             "-XX:+DisableExplicitGC or -XX:+ExplicitGCInvokesConcurrent "
                             "stop the pauses."))

    def not_running(self) -> Iterator[Finding]:
        stalled = self.stats["not_running"]
        if not stalled:
            return
        worst = stalled[0]
        cpu = (worst["user"] or 0) + (worst["sys"] or 0)
        yield self._finding(
            GC_NOT_RUNNING,
            f"A {worst['real']:.2f} s pause used {cpu:.2f} s of CPU at {when(worst)}: the JVM "
            "was not running, not collecting", stalled, count=len(stalled), timing=False,
            detail=(f"{worst['name']} took real={worst['real']} s with user={worst['user']} "
                    f"sys={worst['sys']} s. GC threads waiting rather than working means the "
                    "process was stopped: swapped out, stalled on disk I/O (GC log writes, "
                    "transparent huge pages), or its VM/container was descheduled or "
                    "throttled."),
            facts={"pauses": stalled},
            remediation=("Check the host at that time: swap activity (vmstat si/so), "
                         "I/O wait, CPU steal or cgroup throttling; disable swap for the "
                         "JVM's memory and keep GC logs on a fast local disk."))

    def long_pause(self) -> Iterator[Finding]:
        group = self.kinds.get("young-long")
        if not group:
            return
        stalled = {brief["line"] for brief in self.stats["not_running"]}
        if group["worst"]["line"] in stalled and group["count"] <= len(stalled):
            return
        worst = group["worst"]
        severity = Severity.HIGH if worst["pause"] >= VERY_LONG_PAUSE else None
        pauses = self.stats["pauses"]
        yield self._finding(
            GC_LONG_PAUSE, f"{group['count']} young/mixed GC pause(s) of a second or more; "
            f"the longest {worst['pause']:.2f} s at {when(worst)}", [worst, *group["examples"]],
            count=group["count"], severity=severity,
            detail=(f"Pauses over the log: p50 {pauses.get('p50', 0):.3f} s, p99 "
                    f"{pauses.get('p99', 0):.3f} s, max {pauses.get('max', 0):.3f} s."),
            facts={"count": group["count"], "worst": worst, "pauses": pauses},
            remediation=("Long young pauses come from much surviving data (large young "
                         "generation, many survivors copied) or reference processing; "
                         "check the phase times around the pause and the pause-time goal."))

    def heap_rising(self) -> Iterator[Finding]:
        trend = self.stats["heap_trend"]
        if not trend or not trend["rising"]:
            return
        floors = trend["floors"]
        first, last = floors[0], floors[-1]
        yield GC_HEAP_RISING.finding(
            f"Heap after full GC rose from {human_bytes(first['after'])} to "
            f"{human_bytes(last['after'])} (of {human_bytes(trend['capacity'])}) over the log",
            analyzer=ANALYZER,
            evidence=[Evidence(self.path, LineLocator(f["line"]), human_bytes(f["after"]))
                      for f in floors],
            detail=("What is left after a full collection is what the application keeps "
                    "alive. Its floor in each quarter of the log: "
                    + " -> ".join(human_bytes(f["after"]) for f in floors)
                    + ". A live set that only grows is a leak (or a cache without a bound)."),
            facts=trend,
            remediation=("Take two heap dumps some hours apart (jmap -dump:live or "
                         "jcmd GC.heap_dump) and compare what grew; class histograms "
                         "(jcmd GC.class_histogram) show it cheaper."))

    def humongous(self) -> Iterator[Finding]:
        group = self.kinds.get("humongous")
        if not group or group["count"] < HUMONGOUS_COUNT:
            return
        worst = group["worst"]
        yield self._finding(
            GC_HUMONGOUS, f"{group['count']} G1 collection(s) caused by humongous allocations",
            [worst, *group["examples"]], count=group["count"], timing=False,
            detail=("Objects of half a G1 region or more are allocated straight in the old "
                    "generation and trigger collections of their own."),
            facts={"count": group["count"], "worst": worst},
            remediation=("Raise -XX:G1HeapRegionSize so these objects fit, or avoid "
                         "allocating very large arrays (buffers, big collections) per "
                         "request."))


def gc_events(path: str, findings: list[Finding]) -> Iterator[Event]:
    """One timeline event per finding's evidence that has a wall-clock time."""
    count = 0
    for finding in findings:
        if finding.first_seen is None or not finding.evidence:
            continue
        evidence = finding.evidence[0]
        yield Event(finding.first_seen, path, evidence.locator, finding.severity,
                    EventSource.LOG, finding.title[:200])
        count += 1
        if count >= MAX_EVENTS:
            return
