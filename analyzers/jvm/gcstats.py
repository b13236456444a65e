"""Everything one GC log adds up to, in memory that does not grow with the log.

``GcSummary.add(event)`` takes every ``GcEvent`` of one log; ``stats()`` is what the
analyzer reports and what ``gcfindings`` judges. Decisions the next engineer needs:

- Pause percentiles come from an HdrHistogram (microseconds, three significant digits):
  exact enough for p50/p99/max, constant memory for a log of any length. Pauses are
  counted by value first and recorded in bulk (a log repeats the same few thousand
  microsecond values), because recording one value at a time is most of the cost of a
  collection (``bench/bench_jvm.py``).
- GC time per minute is kept per minute of the log's clock (wall clock when written,
  else uptime): bounded by the log's span, not its size.
- The heap *after* full collections is the live set; it is kept as at most
  ``MAX_POINTS`` points (every other one dropped when full, so the points stay spread over
  the whole log) to judge whether it rises (a leak) over the log.
- Thrashing is a run of at least ``THRASH_RUN`` full collections, each freeing less than
  ``THRASH_FREED`` of the heap while it stays above ``THRASH_FULL`` of its capacity, none
  more than ``THRASH_GAP`` seconds after the one before; every such episode is kept (at
  most ``MAX_EPISODES``, the longest).
- A pause whose wall time is far above its CPU time (``real >= 1 s`` and ``user + sys <=
  real / 4``) was not GC work: the JVM was not running (swapped out, stalled on I/O, or its
  VM was descheduled).
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from hdrh.histogram import HdrHistogram

from analyzers.jvm.gclog import GcEvent

MAX_POINTS = 4096
MAX_UNRECORDED = 4096
TOP_PAUSES = 5
THRASH_FREED = 0.10
THRASH_FULL = 0.80
THRASH_RUN = 5
THRASH_GAP = 60.0
MAX_EPISODES = 5
NOT_RUNNING_REAL = 1.0
MAX_EXAMPLES = 3
EXPLAINED = frozenset({"concurrent-mode-failure", "promotion-failed", "to-space-exhausted",
                       "degenerated", "metadata", "system-gc", "concurrent-mark-abort"})


def event_brief(event: GcEvent) -> dict[str, Any]:
    """What a finding quotes about one collection."""
    return {"line": event.line, "end_line": event.end_line, "name": event.name,
            "pause": round(event.pause, 6),
            "time": event.time.isoformat().replace("+00:00", "Z") if event.time else None,
            "uptime": event.uptime, "heap_before": event.heap_before,
            "heap_after": event.heap_after, "heap_capacity": event.heap_capacity,
            "user": event.user, "sys": event.sys, "real": event.real}


class _Group:
    """Collections of one kind: count, pause total and maximum, first and worst examples
    (the events themselves, briefed only when the stats are made)."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.worst: GcEvent | None = None
        self.examples: list[GcEvent] = []
        self.last: GcEvent | None = None

    def add(self, event: GcEvent) -> None:
        self.count += 1
        self.total += event.pause
        if self.worst is None or event.pause > self.worst.pause:
            self.worst = event
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(event)
        self.last = event

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "total_pause": round(self.total, 3),
                "worst": event_brief(self.worst) if self.worst else None,
                "examples": [event_brief(event) for event in self.examples],
                "last": event_brief(self.last) if self.last else None}


class GcSummary:
    """The running totals of one GC log (see the module doc)."""

    def __init__(self) -> None:
        self.histogram = HdrHistogram(1, 3_600_000_000, 3)
        self._unrecorded: dict[int, int] = {}  # microseconds -> pauses not yet recorded
        self.events = 0
        self.pauses = 0
        self.total_pause = 0.0
        self.first: GcEvent | None = None
        self.last: GcEvent | None = None
        self.per_minute: dict[int, float] = defaultdict(float)
        self.minute_clock: str | None = None
        self.top: list[tuple[float, int, dict[str, Any]]] = []
        self.groups: dict[str, _Group] = defaultdict(_Group)
        self.not_running: list[tuple[float, int, dict[str, Any]]] = []
        self.after_full: list[tuple[float, int, int, int]] = []  # clock, after, capacity, line
        self.heap_capacity = 0
        self.perm_full = _Group()
        self._streak: list[tuple[GcEvent, float | None]] = []
        self.episodes: list[dict[str, Any]] = []

    def add(self, event: GcEvent) -> None:
        self.events += 1
        self.first = self.first or event
        self.last = event
        if event.heap_capacity:
            self.heap_capacity = max(self.heap_capacity, event.heap_capacity)
        for flag in event.flags:
            self.groups[flag].add(event)
        if event.pause <= 0:
            return
        self.pauses += 1
        self.total_pause += event.pause
        micros = max(1, min(int(event.pause * 1e6), 3_600_000_000))
        unrecorded = self._unrecorded
        unrecorded[micros] = unrecorded.get(micros, 0) + 1
        if len(unrecorded) >= MAX_UNRECORDED:
            self._record()
        clock = self._clock(event)
        if clock is not None:
            self.per_minute[int(clock // 60)] += event.pause
        brief = None
        if len(self.top) < TOP_PAUSES or event.pause > self.top[0][0]:
            brief = event_brief(event)
            item = (event.pause, -event.line, brief)
            if len(self.top) < TOP_PAUSES:
                heapq.heappush(self.top, item)
            else:
                heapq.heapreplace(self.top, item)
        if event.real is not None and event.real >= NOT_RUNNING_REAL \
                and (event.user or 0) + (event.sys or 0) <= event.real / 4:
            item = (event.real, -event.line, brief or event_brief(event))
            if len(self.not_running) < TOP_PAUSES:
                heapq.heappush(self.not_running, item)
            elif event.real > self.not_running[0][0]:
                heapq.heapreplace(self.not_running, item)
        if event.full:
            self._full(event, clock)
        elif not event.flags & EXPLAINED:
            self.groups["young-long" if event.pause >= 1 else "young"].add(event)

    def _record(self) -> None:
        for micros, count in self._unrecorded.items():
            self.histogram.record_value(micros, count)
        self._unrecorded.clear()

    def _clock(self, event: GcEvent) -> float | None:
        """Seconds on the log's one clock: epoch seconds when it writes dates, else uptime."""
        if self.minute_clock is None:
            self.minute_clock = "time" if event.time else "uptime" if event.uptime is not None \
                else None
        if self.minute_clock == "time" and event.time is not None:
            return event.time.timestamp()
        if self.minute_clock == "uptime":
            return event.uptime
        return None

    def _full(self, event: GcEvent, clock: float | None) -> None:
        kind = "full-explicit" if "system-gc" in event.flags else \
            "full-explained" if event.flags & EXPLAINED else "full"
        self.groups[kind].add(event)
        if event.perm_after and event.perm_capacity \
                and event.perm_after >= 0.98 * event.perm_capacity:
            self.perm_full.add(event)
        if event.heap_after is None or not event.heap_capacity:
            return
        self.after_full.append((clock if clock is not None else float(event.line),
                                event.heap_after, event.heap_capacity, event.line))
        if len(self.after_full) > MAX_POINTS:
            self.after_full = self.after_full[::2]
        freed = (event.heap_before or event.heap_after) - event.heap_after
        thrashing = freed < THRASH_FREED * event.heap_capacity \
            and event.heap_after >= THRASH_FULL * event.heap_capacity
        previous = self._streak[-1][1] if self._streak else None
        if self._streak and (not thrashing or clock is None or previous is None
                             or clock - previous > THRASH_GAP):
            self._end_streak()
        if thrashing:
            self._streak.append((event, clock))

    def _end_streak(self) -> None:
        streak, self._streak = [event for event, _ in self._streak], []
        if len(streak) < THRASH_RUN:
            return
        first, last = streak[0], streak[-1]
        self.episodes.append({
            "count": len(streak), "first": event_brief(first), "last": event_brief(last),
            "total_pause": round(sum(e.pause for e in streak), 3),
            "heap_full": round(last.heap_after / last.heap_capacity, 3)
            if last.heap_after and last.heap_capacity else None})
        self.episodes.sort(key=lambda episode: (-episode["count"], episode["first"]["line"]))
        del self.episodes[MAX_EPISODES:]

    def heap_trend(self) -> dict[str, Any] | None:
        """The live set's floor in each quarter of the log's full collections, and whether
        it rose from the first quarter to the last (see the module doc)."""
        points = self.after_full
        if len(points) < 4:
            return None
        quarter = len(points) / 4
        floors = [min(points[int(i * quarter):max(int((i + 1) * quarter), int(i * quarter) + 1)],
                      key=lambda p: p[1]) for i in range(4)]
        first, last = floors[0], floors[-1]
        capacity = max(p[2] for p in points)
        rises = sum(1 for a, b in itertools.pairwise(floors) if b[1] >= a[1])
        return {"floors": [{"after": p[1], "capacity": p[2], "line": p[3]} for p in floors],
                "growth": last[1] - first[1], "ratio": round(last[1] / first[1], 3)
                if first[1] else None, "capacity": capacity, "rising": first[1] > 0
                and last[1] >= 1.2 * first[1] and last[1] - first[1] >= 0.05 * capacity
                and rises == 3}

    def worst_minutes(self) -> list[dict[str, Any]]:
        """The minutes with the most GC time, worst first (at most five)."""
        ranked = sorted(self.per_minute.items(), key=lambda item: (-item[1], item[0]))[:5]
        out = []
        for minute, seconds in ranked:
            start = (datetime.fromtimestamp(minute * 60, UTC).isoformat().replace("+00:00", "Z")
                     if self.minute_clock == "time" else f"uptime {minute * 60} s")
            out.append({"minute": start, "gc_seconds": round(seconds, 3),
                        "share": round(min(1.0, seconds / 60), 3)})
        return out

    def stats(self) -> dict[str, Any]:
        """The log's numbers: pauses (p50, p99, max), time in GC, collections by kind."""
        self._end_streak()
        self._record()
        histogram = self.histogram
        span = None
        if self.first and self.last:
            if self.first.time and self.last.time:
                span = (self.last.time - self.first.time).total_seconds() + self.last.pause
            elif self.first.uptime is not None and self.last.uptime is not None:
                span = self.last.uptime - self.first.uptime + self.last.pause
        pauses = {"count": self.pauses, "total": round(self.total_pause, 3)}
        if self.pauses:
            pauses.update(p50=histogram.get_value_at_percentile(50) / 1e6,
                          p99=histogram.get_value_at_percentile(99) / 1e6,
                          max=histogram.get_max_value() / 1e6)
        return {
            "collections": self.events, "pauses": pauses,
            "span_seconds": round(span, 3) if span is not None else None,
            "throughput": round(max(0.0, 1 - self.total_pause / span), 4)
            if span and span >= 60 else None,
            "clock": self.minute_clock,
            "first": event_brief(self.first) if self.first else None,
            "last": event_brief(self.last) if self.last else None,
            "heap_capacity": self.heap_capacity or None,
            "longest": [brief for _, _, brief in sorted(self.top, reverse=True)],
            "not_running": [brief for _, _, brief in sorted(self.not_running, reverse=True)],
            "kinds": {kind: group.to_json() for kind, group in sorted(self.groups.items())},
            "perm_full": self.perm_full.to_json() if self.perm_full.count else None,
            "thrashing": self.episodes, "heap_trend": self.heap_trend(),
            "worst_minutes": self.worst_minutes(),
        }
