"""JVM garbage-collection logs, JDK 8 and unified logging, read into one ``GcEvent`` per
collection, streaming.

``GcLogReader().feed(number, text)`` takes the lines in order and returns the events they
finish; ``close()`` returns the rest. Two dialects, told apart line by line:

- **Unified logging** (JDK 9+, ``-Xlog:gc*``): ``[decorators] message``, any subset of the
  ``time``/``utctime``, ``uptime``/``uptimemillis``, ``level`` and ``tags`` decorators, in
  any order. A collection is the summary line ``GC(7) Pause Young (Normal) (G1 Evacuation
  Pause) 4320M->4109M(8192M) 428.033ms`` plus what the same ``GC(7)`` says around it
  (``User=0.88s Sys=0.00s Real=0.43s``, ``To-space exhausted``, Metaspace). G1, Parallel,
  Serial, Shenandoah (``Pause Degenerated GC``) and ZGC (``Pause Mark Start``, ``Allocation
  Stall``) write the same shape.
- **JDK 8** (``-XX:+PrintGCDetails``, ``-verbose:gc``; CMS, Parallel, Serial, G1): a
  collection starts at ``[GC`` or ``[Full GC`` after the optional date and uptime stamps
  and ends where its brackets close. Concurrent phases (``[CMS-concurrent-mark: ...]``,
  ``[GC concurrent-mark-start]``) interleave with a collection's lines and are taken out
  of it first, with the ``[Times: ...]`` that follows them; G1's detail lines (``[Eden:
  ... Heap: 9260.1M(29.9G)->9212.2M(29.9G)]``, ``[Times: ...]``) after the close belong
  to the collection.

Times: a date stamp (``2017-03-05T07:47:09.680-0500``, the ``time`` decorator) is UTC once
its offset is applied; without one an event has only its ``uptime`` (seconds since the JVM
started) and no wall-clock time.

Speed (``bench/bench_jvm.py``): most lines of a unified log are phases, heap regions and
worker counts that say nothing about a collection, so once the log is known to be unified
a line is looked at only when it holds one of the words a collection's lines hold
(``_unified_may_matter``: a handful of substring tests, no regular expression); a JDK 8
line is searched for inner stamps (``123.456: [``) only when it holds ``: [``. Everything
else runs per collection, not per line.

>>> reader = GcLogReader()
>>> events = reader.feed(1, "2011-08-08T23:50:00.122+0100: 105598.383: [Full GC (System) "
...     "[PSYoungGen: 0K->0K(524224K)] [PSOldGen: 4928830K->2451709K(20447232K)] "
...     "4928830K->2451709K(20971456K) [PSPermGen: 113251K->113251K(262144K)], 2.6828330 "
...     "secs] [Times: user=2.68 sys=0.00, real=2.68 secs]") + reader.close()
>>> e = events[0]
>>> e.full, e.pause, e.heap_after // 1024, e.perm_after // 1024, sorted(e.flags), e.time.hour
(True, 2.682833, 2451709, 113251, ['system-gc'], 22)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

_UNITS = {"B": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}

# --- JDK 8 --------------------------------------------------------------------------------------
_STAMPS = re.compile(r"^(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d{4}): )?"
                     r"(?:(\d+[.,]\d+): )?")
_INNER_STAMPS = re.compile(r"(?:\d{4}-\d\d-\d\dT[\d:.]+[+-]\d{4}: )?\d+[.,]\d+: (?=\[)|"
                           r"\d{4}-\d\d-\d\dT[\d:.]+[+-]\d{4}: (?=\[)")
_CONCURRENT = re.compile(r"\[(?:GC concurrent-|CMS-concurrent-)([\w-]+)[^\[\]]*\]"
                         r"(?:\s*\[Times: [^\]]*\])?")
_EVENT_START = re.compile(r"^\[(?:Full GC|GC)\b")
_HEADER = re.compile(r"^\[(?P<what>Full GC|GC)(?: pause)?\s*(?P<causes>(?:\([^)]*\)\s*)*)")
_TIMES = re.compile(r"\[Times: user=([\d.]+) sys=([\d.]+), real=([\d.]+) secs\]")
_SIZES = re.compile(r"(\d+(?:\.\d+)?)([BKMG])->(\d+(?:\.\d+)?)([BKMG])\((\d+(?:\.\d+)?)([BKMG])\)")
_SIZE_NO_ARROW = re.compile(r"\[GC[^\[\]]*? (\d+)K\((\d+)K\)")
_GENERATION = re.compile(r"\[(?P<name>[A-Za-z][\w ]*?)\s*: (\d+)K->(\d+)K\((\d+)K\)")
_G1_HEAP = re.compile(r"Heap: ([\d.]+)([BKMG])\([\d.]+[BKMG]\)->"
                      r"([\d.]+)([BKMG])\(([\d.]+)([BKMG])\)")
_PERM_NAMES = frozenset({"Perm", "PermGen", "PSPermGen", "CMS Perm", "Metaspace"})
_OLD_NAMES = frozenset({"PSOldGen", "ParOldGen", "CMS", "Tenured", "OldGen"})
MAX_EVENT_CHARS = 16_384

# --- unified logging ------------------------------------------------------------------------------
_DECORATORS = re.compile(r"^((?:\[[^\[\]]*\])+)\s?")
_GC_ID = re.compile(r"^(?:[YO]: )?GC\((\d+)\) (?:[YO]: )?")
# The heap of a pause line, its last word but the time: ``4320M->4109M(8192M)``, ZGC's
# ``1234M(15%)->456M(5%)(8192M)``.
_PAUSE_HEAP = re.compile(r"(?P<before>[\d.]+[BKMGT])(?:\(\d+%\))?->(?P<after>[\d.]+[BKMGT])"
                         r"(?:\(\d+%\))?\((?P<capacity>[\d.]+[BKMGT])\)")
_CPU = re.compile(r"^User=([\d.]+)s Sys=([\d.]+)s Real=([\d.]+)s")
_METASPACE = re.compile(r"^Metaspace: (\d+)K(?:\(\d+K\))?->(\d+)K\((\d+)K\)")
_STALL = re.compile(r"Allocation Stall \(([^)]*)\) ([\d.]+)ms")


@dataclass(slots=True)
class GcEvent:
    """One collection (or one stall) and what the log says about it.

    Attributes:
        line, end_line: where it is written (the unified summary line; JDK 8's whole record).
        time: wall-clock time in UTC, when the log writes a date; ``uptime``: seconds since
            the JVM started, when it writes that.
        name: as written (``Pause Young (Normal) (G1 Evacuation Pause)``, ``Full GC (System)``).
        full: a stop-the-world collection of the whole heap.
        pause: seconds the application was stopped (0 for concurrent trouble markers).
        heap_before, heap_after, heap_capacity: bytes, when written.
        old_after, old_capacity: the old generation after a collection, when written.
        perm_after, perm_capacity: PermGen or Metaspace, when written.
        user, sys, real: CPU and wall-clock seconds (``[Times: ...]``, ``User=... Real=...``).
        flags: ``system-gc``, ``metadata``, ``concurrent-mode-failure``, ``promotion-failed``,
            ``to-space-exhausted``, ``humongous``, ``degenerated``, ``allocation-stall``,
            ``concurrent-mark-abort``, ``gc-overhead``.
    """

    line: int
    end_line: int
    time: datetime | None = None
    uptime: float | None = None
    name: str = ""
    full: bool = False
    pause: float = 0.0
    heap_before: int | None = None
    heap_after: int | None = None
    heap_capacity: int | None = None
    old_after: int | None = None
    old_capacity: int | None = None
    perm_after: int | None = None
    perm_capacity: int | None = None
    user: float | None = None
    sys: float | None = None
    real: float | None = None
    flags: set[str] = field(default_factory=set)


def size(number: str, unit: str) -> int:
    """Bytes of a GC log size: ``size("4320", "M")``."""
    return int(float(number) * _UNITS[unit])


def _size_text(text: str) -> int:
    return size(text[:-1], text[-1])


def parse_offset_time(text: str) -> datetime | None:
    """A GC log's date stamp in UTC: ``2017-03-05T07:47:09.680-0500``, ``...+01:00``, ``...Z``."""
    try:
        moment = datetime.fromisoformat(text.replace(",", ".").replace("Z", "+00:00"))
    except ValueError:
        if len(text) > 5 and text[-5] in "+-":
            try:
                moment = datetime.fromisoformat(f"{text[:-2]}:{text[-2:]}")
            except ValueError:
                return None
        else:
            return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def written_offset(stamp: str) -> str | None:
    """The UTC offset a date stamp is written in, as ``+01:00``.

    >>> written_offset("2017-03-05T07:47:09.680-0500"), written_offset("2026-11-17T08:00:00Z")
    ('-05:00', '+00:00')
    """
    if stamp.endswith("Z"):
        return "+00:00"
    tail = (stamp[-6:] if len(stamp) >= 6 and stamp[-3] == ":" else stamp[-5:]).replace(":", "")
    if len(tail) != 5 or tail[0] not in "+-" or not tail[1:].isdigit():
        return None
    return f"{tail[:3]}:{tail[3:]}"


def _flags_from(text: str) -> set[str]:
    lowered = text.lower()
    flags = set()
    if "system.gc()" in lowered or "(system)" in lowered:
        flags.add("system-gc")
    if "metadata gc" in lowered or "last ditch" in lowered:
        flags.add("metadata")
    if "concurrent mode failure" in lowered:
        flags.add("concurrent-mode-failure")
    if "promotion failed" in lowered:
        flags.add("promotion-failed")
    if "to-space exhausted" in lowered or "to-space overflow" in lowered \
            or "evacuation failure" in lowered:
        flags.add("to-space-exhausted")
    if "humongous" in lowered:
        flags.add("humongous")
    if "degenerated" in lowered:
        flags.add("degenerated")
    if "gc overhead" in lowered:
        flags.add("gc-overhead")
    return flags


class GcLogReader:
    """Lines in, ``GcEvent`` out (see the module doc). One reader per file.

    Attributes:
        dialect: ``unified``, ``jdk8`` or None until a collection is recognised.
        debug_build: the log says the JVM is a debug build (its timings mean little).
        lines: lines read.
        offsets: the last six characters of each collection's date stamp (where its offset
            is written) -> how many; ``utc_offset`` reads them.
    """

    def __init__(self) -> None:
        self.dialect: str | None = None
        self.debug_build = False
        self.lines = 0
        self.offsets: Counter[str] = Counter()
        self._open: GcEvent | None = None
        self._text: list[str] = []
        self._depth = 0
        self._closed: GcEvent | None = None
        self._unified: dict[int, GcEvent] = {}
        self._unified_flags: dict[int, set[str]] = {}

    # -- the line loop ---------------------------------------------------------------------------

    def read(self, lines: Iterable[tuple[int, str]]) -> Iterator[GcEvent]:
        """Every collection of ``lines`` (``(number, text)`` in order), the last ones
        included (``close``)."""
        number = self.lines
        for number, text in lines:
            if self.dialect != "unified":
                yield from self.feed(number, text)
            elif _unified_may_matter(text):
                decorators = _DECORATORS.match(text)
                if decorators:
                    yield from self._unified_line(number, text, decorators)
        self.lines = number
        yield from self.close()

    def feed(self, number: int, text: str) -> list[GcEvent]:
        """Read one line; returns the collections it finished."""
        self.lines = number
        if text.startswith("[") and self.dialect != "jdk8" \
                and not (text.startswith(("[GC", "[Full")) and _EVENT_START.match(text)):
            decorators = _DECORATORS.match(text)
            if decorators:
                return self._unified_line(number, text, decorators)
        return self._jdk8_line(number, text)

    def close(self) -> list[GcEvent]:
        done = []
        if self._closed is not None:
            done.append(self._closed)
        if self._open is not None:
            event = self._parse_jdk8(self._open, "".join(self._text))
            if event.pause:
                done.append(event)
        done.extend(self._unified[key] for key in sorted(self._unified))
        self._closed = self._open = None
        self._unified.clear()
        return done

    # -- JDK 8 -------------------------------------------------------------------------------------

    def _jdk8_line(self, number: int, text: str) -> list[GcEvent]:
        done: list[GcEvent] = []
        stamps = _STAMPS.match(text)
        rest = text[stamps.end():] if stamps else text
        timed = bool(stamps and stamps.end())
        aborted, cleaned = self._take_concurrent(_INNER_STAMPS.sub("", rest) if ": [" in rest
                                                 else rest)
        if self._closed is not None:
            if aborted:
                self._closed.flags.add("concurrent-mark-abort")
            if not cleaned.strip() or (not timed and rest.startswith((" ", "\t", "[Times",
                                                                      ","))):
                self._detail(self._closed, rest, number)
                return done
            done.append(self._closed)
            self._closed = None
        if self._open is None:
            if not _EVENT_START.match(cleaned):
                lowered = text.lower()
                if "debug" in lowered and "version" in lowered:
                    self.debug_build = True
                return done
            self.dialect = self.dialect or "jdk8"
            time = self._stamp(stamps.group(1)) if stamps and stamps.group(1) else None
            uptime = _float(stamps.group(2)) if stamps and stamps.group(2) else None
            self._open = GcEvent(line=number, end_line=number, time=time, uptime=uptime)
            self._text, self._depth = [], 0
        elif _EVENT_START.match(cleaned) and timed:
            # A new collection while the last never closed: the log was cut or garbled.
            event = self._parse_jdk8(self._open, "".join(self._text))
            if event.pause:
                done.append(event)
            self._open = None
            return done + self._jdk8_line(number, text)
        open_event = self._open
        if aborted:
            open_event.flags.add("concurrent-mark-abort")
        self._text.append(cleaned)
        self._depth += cleaned.count("[") - cleaned.count("]")
        open_event.end_line = number
        if self._depth <= 0 or sum(map(len, self._text)) > MAX_EVENT_CHARS:
            self._closed = self._parse_jdk8(open_event, "".join(self._text))
            self._open = None
        return done

    @staticmethod
    def _take_concurrent(text: str) -> tuple[bool, str]:
        """The line without its concurrent-phase records, and whether one was an abort."""
        if "concurrent" not in text:
            return False, text
        aborted = any(match.group(1).endswith("abort") for match in _CONCURRENT.finditer(text))
        return aborted, _CONCURRENT.sub("", text)

    def _detail(self, event: GcEvent, text: str, number: int) -> None:
        event.end_line = number
        heap = _G1_HEAP.search(text)
        if heap:
            event.heap_before = size(heap.group(1), heap.group(2))
            event.heap_after = size(heap.group(3), heap.group(4))
            event.heap_capacity = size(heap.group(5), heap.group(6))
        times = _TIMES.search(text)
        if times:
            event.user, event.sys, event.real = (float(v) for v in times.groups())

    def _parse_jdk8(self, event: GcEvent, text: str) -> GcEvent:
        header = _HEADER.match(text)
        if header:
            event.full = header.group("what") == "Full GC"
            event.name = f"{header.group('what')} {header.group('causes').strip()}".strip()
        times = _TIMES.search(text) if "[Times" in text else None
        event.pause = _last_seconds(_TIMES.sub("", text) if times else text)
        event.flags |= _flags_from(text)
        if "concurrent-mode-failure" in event.flags or "promotion-failed" in event.flags:
            event.full = True
        depth, position, whole_heap = 0, 0, None
        for match in _SIZES.finditer(text):
            depth += text.count("[", position, match.start()) - text.count("]", position,
                                                                           match.start())
            position = match.start()
            if depth == 1:
                whole_heap = match
        if whole_heap is not None:
            before, before_unit, after, after_unit, capacity, capacity_unit = whole_heap.groups()
            event.heap_before = size(before, before_unit)
            event.heap_after = size(after, after_unit)
            event.heap_capacity = size(capacity, capacity_unit)
        if event.heap_after is None:
            only = _SIZE_NO_ARROW.search(text)
            if only:
                event.heap_before = int(only.group(1)) * 1024
                event.heap_capacity = int(only.group(2)) * 1024
        for generation in _GENERATION.finditer(text):
            name = generation.group("name").strip()
            if name in _PERM_NAMES:
                event.perm_after = int(generation.group(3)) * 1024
                event.perm_capacity = int(generation.group(4)) * 1024
            elif name in _OLD_NAMES:
                event.old_after = int(generation.group(3)) * 1024
                event.old_capacity = int(generation.group(4)) * 1024
        if times:
            event.user, event.sys, event.real = (float(v) for v in times.groups())
        return event

    # -- unified logging ---------------------------------------------------------------------------

    def _stamp(self, text: str) -> datetime | None:
        """A date stamp in UTC; the offset it was written in is counted (``offsets``)."""
        time = parse_offset_time(text)
        if time is not None:
            self.offsets[text[-6:]] += 1  # read once per distinct tail, not per collection
        return time

    def utc_offset(self) -> str | None:
        """The UTC offset most date stamps are written in (``+01:00``), or None."""
        written: Counter[str] = Counter()
        for tail, count in self.offsets.items():
            written[written_offset(tail) or ""] += count
        best = written.most_common(1)
        return best[0][0] or None if best else None

    def _clock(self, decorators: str) -> tuple[datetime | None, float | None]:
        """The ``time`` and ``uptime`` decorators; read only for the lines that need them."""
        time, uptime = None, None
        for decorator in decorators[1:-1].split("]["):
            value = decorator.strip()
            if not value[:1].isdigit():
                continue  # level, tags
            if len(value) >= 19 and value[10] == "T":
                time = self._stamp(value) or time
            elif value.endswith("ms"):
                seconds = _float(value[:-2])
                uptime = seconds / 1000 if seconds is not None else uptime
            elif value.endswith("s") and value[-2].isdigit():
                uptime = _float(value[:-1]) if value[:-1] else uptime
        return time, uptime

    def _unified_line(self, number: int, text: str, decorators: re.Match[str]) -> list[GcEvent]:
        message = text[decorators.end():]
        if "gc" not in decorators.group(1) and not message.startswith("GC("):
            return []  # another tag's line (safepoint, os...); without tags, GC(n) says it
        self.dialect = self.dialect or "unified"
        gc_id = _GC_ID.match(message)
        if gc_id is None:
            if "Allocation Stall" in message or "Version:" in message:
                return self._unified_other(number, message, *self._clock(decorators.group(1)))
            return []
        key = int(gc_id.group(1))
        body = message[gc_id.end():]
        if body.startswith("Pause ") and body.endswith("ms"):
            pause = _pause(body)
            if pause:
                return self._unified_pause(number, key, *pause,
                                           *self._clock(decorators.group(1)))
        if body.startswith("User="):
            cpu = _CPU.match(body)
            event = self._unified.get(key)
            if cpu and event is not None:
                event.user, event.sys, event.real = (float(v) for v in cpu.groups())
        elif body.startswith("Metaspace:"):
            meta = _METASPACE.match(body)
            event = self._unified.get(key)
            if meta and event is not None:
                event.perm_after = int(meta.group(2)) * 1024
                event.perm_capacity = int(meta.group(3)) * 1024
        elif "To-space exhausted" in body or "Concurrent Mark Abort" in body \
                or "Evacuation Failure" in body:
            flag = "concurrent-mark-abort" if "Abort" in body else "to-space-exhausted"
            self._unified_flags.setdefault(key, set()).add(flag)
        elif body.startswith("Version:") and "debug" in body:
            self.debug_build = True
        return []

    def _unified_pause(self, number: int, key: int, name: str, millis: float,
                       heap: re.Match[str] | None, time: datetime | None,
                       uptime: float | None) -> list[GcEvent]:
        event = GcEvent(line=number, end_line=number, time=time, uptime=uptime, name=name,
                        full=name.startswith(("Pause Full", "Pause Degenerated")),
                        pause=millis / 1000,
                        flags=_flags_from(name) | self._unified_flags.pop(key, set()))
        if heap is not None:
            event.heap_before = _size_text(heap.group("before"))
            event.heap_after = _size_text(heap.group("after"))
            event.heap_capacity = _size_text(heap.group("capacity"))
        done = [self._unified.pop(old) for old in sorted(self._unified) if old < key - 1]
        previous = self._unified.get(key)
        if previous is not None:  # a second pause of the same cycle (Remark, Cleanup)
            done.append(self._unified.pop(key))
        self._unified[key] = event
        if len(self._unified_flags) > 64:
            for old in sorted(self._unified_flags)[:-8]:
                del self._unified_flags[old]
        return done

    def _unified_other(self, number: int, message: str, time: datetime | None,
                       uptime: float | None) -> list[GcEvent]:
        if "Version:" in message and "debug" in message:
            self.debug_build = True
        stall = _STALL.search(message)
        if stall:
            return [GcEvent(line=number, end_line=number, time=time, uptime=uptime,
                            name=f"Allocation Stall ({stall.group(1)})",
                            flags={"allocation-stall"})]
        return []


def _last_seconds(text: str) -> float:
    """The number before the last ``secs]`` of a JDK 8 record: the collection's pause."""
    end = text.rfind(" secs]")
    while end > 0:
        start = end
        while start and (text[start - 1].isdigit() or text[start - 1] == "."):
            start -= 1
        if start < end:
            return _float(text[start:end]) or 0.0
        end = text.rfind(" secs]", 0, end)
    return 0.0


def _pause(body: str) -> tuple[str, float, re.Match[str] | None] | None:
    """A unified pause line's name, milliseconds and heap: ``Pause Young (Normal) (G1
    Evacuation Pause) 4320M->4109M(8192M) 428.033ms``; None when it is not one (the
    ``gc,start`` line that opens a pause has no time)."""
    head, _, last = body.rpartition(" ")
    if not head or not last.endswith("ms") or not last[:1].isdigit():
        return None
    millis = _float(last[:-2])
    if millis is None:
        return None
    name, _, word = head.rpartition(" ")
    heap = _PAUSE_HEAP.fullmatch(word)
    if heap is None:
        name = head
    return (name, millis, heap) if name.startswith("Pause ") else None


def _unified_may_matter(text: str) -> bool:
    """Whether a unified line can say something about a collection (see the module doc):
    its pause, CPU, Metaspace, trouble, a ZGC stall, the JVM's version."""
    return (("Pause" in text and text.endswith("ms")) or "User=" in text or "Metaspace:" in text
            or "Garbage Collection" in text or "To-space" in text or "Abort" in text
            or "Evacuation Failure" in text or "Allocation Stall" in text
            or "Version:" in text)


def _float(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
