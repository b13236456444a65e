"""JVM thread dumps as the thread viewer shows them: the dumps of a file, and one dump's
threads grouped by stack.

Forty request threads with one stack are one row to read, not forty: ``load_dump`` groups a
dump's threads by their state and every frame (the way jstack.review and fastThread show
them), the biggest group first, and keeps each thread's lines as written (its lock lines in
place, at most ``MAX_THREAD_LINES``) for the detail pane.

A file may hold thousands of dumps (``kill -3`` appends to the same stdout every time), so
nothing holds more than one dump: ``index_dumps`` lists every dump (where, when, threads by
state) in one pass, and ``load_dump`` reads again up to the one asked for. Both read with
``inspector.formats.threaddump``, the analyzer's reader, so a finding's line falls in the
same thread here as in the finding. ``dump_at`` and ``DumpDetail.thread_at`` find the dump
and the thread a line of the file belongs to: how evidence opens at its thread.

>>> from inspector.testing import BytesSource
>>> from inspector.model import Artifact, ArtifactKind
>>> data = (b'2026-11-17 10:42:00\\nFull thread dump OpenJDK (17.0.9):\\n\\n'
...         + b''.join(b'"exec-%d" #%d prio=5 tid=0x%02x nid=0x%d waiting for monitor entry\\n'
...                    b'   java.lang.Thread.State: BLOCKED (on object monitor)\\n'
...                    b'\\tat a.Cache.get(Cache.java:9)\\n'
...                    b'\\t- waiting to lock <0xaa> (a a.Cache)\\n\\n' % (k, k, k, k)
...                    for k in range(3)))
>>> source = BytesSource(Artifact("jstack.txt", ArtifactKind.THREAD_DUMP, len(data)), data)
>>> index = index_dumps(None, source)
>>> [(d.number, d.line, d.time, d.states) for d in index.dumps]
[(1, 2, '2026-11-17 10:42:00', {'BLOCKED': 3})]
>>> detail = load_dump(None, source, index.dumps[0])
>>> [(g.title, len(g.threads)) for g in detail.groups]
[('BLOCKED at a.Cache.get(Cache.java:9)', 3)]
>>> detail.thread_at(15), detail.groups[0].threads[2].text.splitlines()[-1]
((0, 2), '\\t- waiting to lock <0xaa> (a a.Cache)')
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from inspector.formats.textlines import TextLines
from inspector.formats.threaddump import JavaThread, ThreadDump, read_dumps
from inspector.views.source import State

MAX_THREAD_LINES = 400
MAX_DUMPS = 100_000  # dumps listed; a file of more says how many it left out
CANCEL_EVERY = 50_000  # lines between looks at ``State.cancelled``


class Readable(Protocol):
    """What a dump file is read through: a ``MemberSource``, or an ``ArtifactSource``."""

    def open(self) -> AbstractContextManager[BinaryIO]: ...


@dataclass(frozen=True)
class DumpEntry:
    """One dump of the file: its number (from 1), lines, time as written, threads by state
    (``VM`` for the JVM's own threads, which have no state line)."""

    number: int
    line: int
    end_line: int
    time: str | None
    threads: int
    states: dict[str, int]

    @property
    def label(self) -> str:
        busiest = ", ".join(f"{count} {state}" for state, count in
                            sorted(self.states.items(), key=lambda item: -item[1])[:3])
        return (f"Dump {self.number} · line {self.line}"
                + (f" · {self.time}" if self.time else "") + f" · {self.threads} threads"
                + (f" ({busiest})" if busiest else ""))


@dataclass(frozen=True)
class DumpIndex:
    """Every dump of the file; ``more``: dumps past ``MAX_DUMPS``; ``error``: why reading
    stopped early, or None."""

    dumps: list[DumpEntry]
    more: int = 0
    error: str | None = None


@dataclass(frozen=True)
class ThreadEntry:
    """One thread: name, state (``VM`` when it has none), its lines and their text, and
    ``note``: the monitor it waits for and who holds it, or the monitors others wait for
    that it holds (empty when neither)."""

    name: str
    state: str
    line: int
    end_line: int
    text: str
    note: str = ""


@dataclass(frozen=True)
class StackGroup:
    """Threads in one state with the same frames (innermost first)."""

    state: str
    frames: tuple[str, ...]
    threads: list[ThreadEntry]

    @property
    def title(self) -> str:
        top = f"at {self.frames[0]}" if self.frames else "· no Java frames"
        return f"{self.state} {top}"


@dataclass(frozen=True)
class DumpDetail:
    """One dump's threads grouped by stack, the biggest group first."""

    dump: DumpEntry
    groups: list[StackGroup]

    def thread_at(self, line: int) -> tuple[int, int] | None:
        """``(group, thread)`` indexes of the thread whose lines hold ``line``, or None."""
        for group_index, group in enumerate(self.groups):
            for thread_index, thread in enumerate(group.threads):
                if thread.line <= line <= thread.end_line:
                    return group_index, thread_index
        return None


def _state(thread: JavaThread) -> str:
    return thread.state or "VM"


def _cancelled(state: State | None) -> bool:
    return state is not None and state.cancelled


def _numbered(state: State | None, lines: TextLines) -> Iterator[tuple[int, str]]:
    for number, text in lines:
        if number % CANCEL_EVERY == 0 and _cancelled(state):
            return
        yield number, text


def _entry(number: int, dump: ThreadDump) -> DumpEntry:
    return DumpEntry(number, dump.line, dump.end_line, dump.time, len(dump.threads),
                     dict(Counter(_state(thread) for thread in dump.threads)))


def index_dumps(state: State | None, source: Readable) -> DumpIndex:
    """Every dump of ``source`` (see the module doc); ``state`` may be None (tests)."""
    dumps: list[DumpEntry] = []
    more = 0
    with source.open() as stream:
        lines = TextLines(stream)
        for number, dump in enumerate(read_dumps(_numbered(state, lines)), 1):
            if len(dumps) < MAX_DUMPS:
                dumps.append(_entry(number, dump))
            else:
                more += 1
    return DumpIndex(dumps, more, lines.error)


def dump_at(dumps: Sequence[DumpEntry], line: int) -> DumpEntry | None:
    """The dump holding ``line``; a line before a dump's header (its time) or between two
    dumps belongs to the next one."""
    return next((dump for dump in dumps if line <= dump.end_line), None)


def load_dump(state: State | None, source: Readable, entry: DumpEntry) -> DumpDetail:
    """The threads of dump ``entry`` grouped by stack (see the module doc)."""
    kept: list[str] = []
    with source.open() as stream:
        wanted = ((number, text) for number, text in _numbered(state, TextLines(stream))
                  if number >= entry.line)
        window = itertools.takewhile(lambda pair: pair[0] <= entry.end_line, wanted)

        def keep(pairs: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
            for pair in pairs:
                kept.append(pair[1])
                yield pair

        dump = next(read_dumps(keep(window)), None)
    if dump is None:
        return DumpDetail(entry, [])
    starts = [thread.line for thread in dump.threads] + [dump.end_line + 1]
    notes = _notes(dump)
    groups: dict[tuple[str, tuple[str, ...]], list[ThreadEntry]] = defaultdict(list)
    for thread, end in zip(dump.threads, starts[1:], strict=True):
        end_line = _thread_end(kept, entry.line, thread.line, end - 1)
        text = kept[thread.line - entry.line:
                    min(end_line, thread.line + MAX_THREAD_LINES - 1) - entry.line + 1]
        groups[(_state(thread), tuple(thread.frames))].append(
            ThreadEntry(thread.name, _state(thread), thread.line, end_line, "\n".join(text),
                        notes.get(thread.key, "")))
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0].line))
    return DumpDetail(entry, [StackGroup(state_name, frames, threads)
                              for (state_name, frames), threads in ordered])


def _notes(dump: ThreadDump) -> dict[str, str]:
    """Thread key -> who holds the monitor it is blocked on, or how many wait for the
    monitors it holds."""
    holders = {lock.address: thread for thread in dump.threads
               for lock in thread.held_monitors()}
    waiters = Counter(thread.waiting_to_lock.address for thread in dump.threads
                      if thread.waiting_to_lock is not None)
    notes: dict[str, str] = {}
    for thread in dump.threads:
        wanted = thread.waiting_to_lock
        if wanted is not None:
            holder = holders.get(wanted.address)
            notes[thread.key] = f"waits for <{wanted.address}> held by " + (
                f'"{holder.name}"' if holder is not None else "no thread of the dump")
            continue
        held = [f"<{lock.address}> ({waiters[lock.address]} waiting)"
                for lock in thread.held_monitors() if waiters[lock.address]]
        if held:
            notes[thread.key] = "holds " + ", ".join(held)
    return notes


def _thread_end(kept: list[str], first: int, start: int, end: int) -> int:
    """The last line of the thread whose header is ``start``: its own lines are indented
    (state, frames, locks, synchronizers); a blank line may sit among them, and what is not
    indented (``JNI global refs``, the heap, a deadlock report) is the dump's."""
    last = start
    for number in range(start + 1, end + 1):
        text = kept[number - first]
        if text.strip():
            if not text[0].isspace():
                break
            last = number
    return last
