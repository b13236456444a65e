"""JVM thread dumps (``jstack``, ``kill -3``, ``jcmd Thread.print``; JDK 7 to 25), read
one dump at a time.

``read_dumps(lines)`` takes ``(line number, text)`` pairs and yields a ``ThreadDump`` per
dump, so a file of thousands of dumps (``kill -3`` appends to the same stdout every time)
is read in constant memory. A dump starts at ``Full thread dump ...`` (or ``Thread dump
from jcmd``), its time is the ``YYYY-MM-DD HH:MM:SS`` line jstack writes just before; an
excerpt without that header (threads pasted into a ticket) is one dump starting at its
first thread.

What a thread says, line by line::

    "pool-6-thread-1" #72 [43539] prio=5 cpu=4.07ms elapsed=4.46s tid=0x.. nid=43539 waiting...
       java.lang.Thread.State: BLOCKED (on object monitor)
    \tat com.acme.Orders.save(Orders.java:102)
    \t- waiting to lock <0x000000057372ee30> (a java.lang.Object)
    \t- locked <0x0000000572800a00> (a com.acme.Cache)

    Locked ownable synchronizers:
    \t- <0x00000005728009f8> (a java.util.concurrent.locks.ReentrantLock$NonfairSync)

Decisions the next engineer needs:

- A thread is keyed by its ``tid`` (the JVM's thread address, unique while the thread
  lives), else ``#N``, else ``nid``; never by its name: two threads may share a name.
- A monitor a thread ``- locked`` but is ``- waiting on`` (``Object.wait()`` released it)
  or ``- waiting to re-lock in wait()`` is not held (``held_monitors``).
- The JVM's own ``Found one Java-level deadlock`` sections are kept as written (names and
  object addresses); which threads they mean is decided by whoever reads them, from the
  addresses (``inspector`` does it in ``analyzers.jvm``).
- Threads without a ``java.lang.Thread.State`` line are the VM's own (GC, compiler);
  ``state`` is None for them.

>>> dump = next(read_dumps(enumerate([
...     '2025-12-22 16:11:19', 'Full thread dump OpenJDK 64-Bit Server VM (25+36-LTS):', '',
...     '"worker" #12 prio=5 tid=0x01 nid=0x2 waiting for monitor entry',
...     '   java.lang.Thread.State: BLOCKED (on object monitor)',
...     '\\tat a.B.c(B.java:3)', '\\t- waiting to lock <0xaa> (a java.lang.Object)'], 1)))
>>> dump.time, dump.threads[0].key, dump.threads[0].state, dump.threads[0].waiting_to_lock.line
('2025-12-22 16:11:19', '0x01', 'BLOCKED', 7)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

DUMP_HEADER = re.compile(r"^(?:Full thread dump |Thread dump from jcmd )")
DUMP_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*$")
# The name is everything up to the last quote that a thread field follows.
THREAD_HEADER = re.compile(
    r'^"(?P<name>.*)" (?=(?:#\d+|daemon|prio=|os_prio=|tid=|cpu=|Thread|\[\d+\]))'
    r"(?:#(?P<number>\d+) )?(?:\[\d+\] )?(?P<daemon>daemon )?")
_FIELD = re.compile(r"\b(tid|nid|cpu|elapsed)=(\S+)")
STATE_LINE = re.compile(r"^\s+java\.lang\.Thread\.State: (?P<state>[A-Z_]+)"
                        r"(?: \((?P<detail>[^)]*)\))?")
FRAME_LINE = re.compile(r"^\s+at (?P<frame>\S.*?)\s*$")
LOCK_LINE = re.compile(
    r"^\s+- (?P<what>waiting to lock|locked|waiting on|parking to wait for|"
    r"waiting to re-lock in wait\(\)|eliminated|<)\s*<?(?P<address>0x[0-9a-fA-F]+)>?"
    r"(?: \(a (?P<lock_class>[^)]+)\))?")
OWNABLE_HEADER = re.compile(r"^\s+Locked ownable synchronizers:")
DEADLOCK_START = re.compile(r"^Found one Java-level deadlock:")
DEADLOCK_END = re.compile(r"^Found (\d+) deadlocks?\.")
DEADLOCK_THREAD = re.compile(r'^"(?P<name>.*)":\s*$')
DEADLOCK_WAIT = re.compile(
    r"^\s+waiting (?:to lock monitor \S+ \(object (?P<object>0x[0-9a-fA-F]+), a "
    r"(?P<monitor_class>[^)]+)\)|for ownable synchronizer (?P<sync>0x[0-9a-fA-F]+), "
    r"\(a (?P<sync_class>[^)]+)\))")
DEADLOCK_HOLDER = re.compile(r'^\s+which is held by "(?P<name>.*)"')
STACK_INFO = re.compile(r"^Java stack information for the threads listed above:")
HEAP_SECTION = re.compile(r"^Heap\s*$")


@dataclass(frozen=True, slots=True)
class Lock:
    """A monitor or synchronizer a thread mentions: its address, class and line."""

    address: str
    lock_class: str
    line: int


@dataclass(slots=True)
class JavaThread:
    """One thread of a dump (see the module doc).

    Attributes:
        name, key, line: its name, its identity (tid, else ``#N``, else nid) and header line.
        state, detail: ``BLOCKED`` and ``on object monitor``; ``state`` is None for VM threads.
        cpu_ms, elapsed_s: CPU time and age, when the JVM prints them (JDK 11+).
        frames: ``pkg.Class.method(File.java:12)``, innermost first.
        waiting_to_lock, parked_on: the monitor it is blocked on, the synchronizer it parks on.
        waiting_on: monitors it waits on (``Object.wait()``), which it does not hold.
        locked, owned: monitors it entered, and ``Locked ownable synchronizers``.
    """

    name: str
    key: str
    line: int
    daemon: bool = False
    state: str | None = None
    detail: str = ""
    cpu_ms: float | None = None
    elapsed_s: float | None = None
    frames: list[str] = field(default_factory=list)
    waiting_to_lock: Lock | None = None
    parked_on: Lock | None = None
    waiting_on: set[str] = field(default_factory=set)
    locked: list[Lock] = field(default_factory=list)
    owned: list[Lock] = field(default_factory=list)

    def held_monitors(self) -> list[Lock]:
        """Monitors and synchronizers this thread holds now (see the module doc)."""
        released = set(self.waiting_on)
        if self.waiting_to_lock is not None:
            released.add(self.waiting_to_lock.address)
        return [lock for lock in self.locked if lock.address not in released] + self.owned


@dataclass(frozen=True, slots=True)
class ReportedWait:
    """One thread of a ``Found one Java-level deadlock`` section, as the JVM wrote it."""

    name: str
    address: str
    lock_class: str
    held_by: str
    line: int


@dataclass(slots=True)
class ThreadDump:
    """One dump: where it is, when it was taken (as written, no zone), its threads and the
    deadlocks the JVM reported in it."""

    line: int
    end_line: int
    time: str | None = None
    header: str = ""
    threads: list[JavaThread] = field(default_factory=list)
    reported_deadlocks: list[list[ReportedWait]] = field(default_factory=list)
    reported_count: int | None = None


def _number(text: str) -> float | None:
    match = re.match(r"[\d.]+", text)
    try:
        return float(match.group()) if match else None
    except ValueError:
        return None


def _thread(match: re.Match[str], text: str, number: int) -> JavaThread:
    fields = dict(_FIELD.findall(text[match.end():]))
    key = fields.get("tid") or (f"#{match['number']}" if match["number"] else None) \
        or fields.get("nid") or f"{match['name']}@{number}"
    cpu = _number(fields["cpu"]) if "cpu" in fields else None
    elapsed = _number(fields["elapsed"]) if "elapsed" in fields else None
    return JavaThread(name=match["name"], key=key, line=number, daemon=bool(match["daemon"]),
                      cpu_ms=cpu, elapsed_s=elapsed)


class _Reader:
    """The line-by-line state of ``read_dumps``."""

    def __init__(self) -> None:
        self.dump: ThreadDump | None = None
        self.thread: JavaThread | None = None
        self.pending_time: str | None = None
        self.mode = "threads"  # threads, owned, deadlock, stacks, ignore
        self.deadlock: list[ReportedWait] = []
        self.waiting: tuple[str, str, str, int] | None = None

    def start(self, number: int, header: str) -> ThreadDump | None:
        finished = self.finish()
        self.dump = ThreadDump(line=number, end_line=number, time=self.pending_time,
                               header=header)
        self.pending_time = None
        self.thread = None
        self.mode = "threads"
        return finished

    def finish(self) -> ThreadDump | None:
        dump, self.dump = self.dump, None
        if dump is not None and self.deadlock:
            dump.reported_deadlocks.append(self.deadlock)
        self.deadlock = []
        return dump

    def feed(self, number: int, text: str) -> ThreadDump | None:
        """Read one line; returns a dump that this line finished, if any."""
        stripped = text.rstrip()
        if DUMP_HEADER.match(stripped):
            return self.start(number, stripped)
        time = DUMP_TIME.match(stripped)
        if time:
            self.pending_time = time.group(1)
            return None
        header = THREAD_HEADER.match(stripped)
        if header and self.mode not in ("deadlock", "stacks"):
            finished = None
            if self.dump is None or self.mode == "ignore":
                finished = self.start(number, "") if self.dump is None else None
                self.mode = "threads"
            assert self.dump is not None
            self.thread = _thread(header, stripped, number)
            self.dump.threads.append(self.thread)
            self.dump.end_line = number
            return finished
        if self.dump is None:
            return None
        if stripped:
            self.dump.end_line = number
        self._line(number, stripped)
        return None

    def _line(self, number: int, text: str) -> None:
        dump = self.dump
        assert dump is not None
        if DEADLOCK_START.match(text):
            if self.deadlock:
                dump.reported_deadlocks.append(self.deadlock)
            self.deadlock, self.mode, self.thread = [], "deadlock", None
            return
        end = DEADLOCK_END.match(text)
        if end:
            if self.deadlock:
                dump.reported_deadlocks.append(self.deadlock)
            self.deadlock, self.mode = [], "ignore"
            dump.reported_count = int(end.group(1))
            return
        if self.mode == "deadlock":
            self._deadlock_line(number, text)
            return
        if self.mode in ("stacks", "ignore"):
            return
        if HEAP_SECTION.match(text) or text.startswith("JNI global refs"):
            self.mode, self.thread = "ignore", None
            return
        thread = self.thread
        if thread is None:
            return
        if OWNABLE_HEADER.match(text):
            self.mode = "owned"
            return
        state = STATE_LINE.match(text)
        if state:
            thread.state, thread.detail = state["state"], state["detail"] or ""
            return
        frame = FRAME_LINE.match(text)
        if frame:
            self.mode = "threads"
            thread.frames.append(frame["frame"])
            return
        lock = LOCK_LINE.match(text)
        if lock:
            self._lock_line(thread, lock, number)

    def _lock_line(self, thread: JavaThread, match: re.Match[str], number: int) -> None:
        held = Lock(match["address"].lower(), match["lock_class"] or "", number)
        what = match["what"]
        if self.mode == "owned" or what == "<":
            thread.owned.append(held)
        elif what == "waiting to lock":
            thread.waiting_to_lock = held
        elif what == "locked":
            thread.locked.append(held)
        elif what in ("waiting on", "waiting to re-lock in wait()"):
            thread.waiting_on.add(held.address)
        elif what == "parking to wait for":
            thread.parked_on = held

    def _deadlock_line(self, number: int, text: str) -> None:
        if STACK_INFO.match(text):
            self.mode = "stacks"
            return
        name = DEADLOCK_THREAD.match(text)
        if name:
            self.waiting = (name["name"], "", "", number)
            return
        wait = DEADLOCK_WAIT.match(text)
        if wait and self.waiting:
            address = (wait["object"] or wait["sync"]).lower()
            lock_class = wait["monitor_class"] or wait["sync_class"] or ""
            self.waiting = (self.waiting[0], address, lock_class, self.waiting[3])
            return
        holder = DEADLOCK_HOLDER.match(text)
        if holder and self.waiting and self.waiting[1]:
            waiter, address, lock_class, line = self.waiting
            self.deadlock.append(ReportedWait(waiter, address, lock_class, holder["name"], line))
            self.waiting = None


def read_dumps(lines: Iterable[tuple[int, str]]) -> Iterator[ThreadDump]:
    """Every dump in ``(line number, text)`` pairs, in order (see the module doc); a header
    with no thread after it is no dump."""
    reader = _Reader()
    for number, text in lines:
        finished = reader.feed(number, text)
        if finished is not None and finished.threads:
            yield finished
    finished = reader.finish()
    if finished is not None and finished.threads:
        yield finished
