"""What a record says once all its lines are in: restarts, stack traces, known issues, events.

The per-line loop (``state``) hands over a ``PendingRecord`` for every record that needs
more than counting; ``RecordInspection.finish`` then parses its stack trace, groups it by
exception signature, matches the knowledge base and makes the timeline's events.

Decisions the next engineer needs:

- Restarts and "is this a known issue" are decided once per template, or per record only
  for records at warning level and above (or without a level). Records below warning level
  are finished only when their template announces a restart or lines were folded into
  them. The knowledge base is asked behind an exact pre-check (``KnownIssues``).
- A record keeps at most ``MAX_EVENT_LINES`` folded lines: enough for its stack trace and
  its example, bounded for a runaway dump.
- Events for the timeline: error-level records (one per template per minute), restarts and
  known issues, at most ``MAX_EVENTS`` per artifact; only records with a time make one.
- In a journal (``host_lines``), the kernel's and systemd's own lines are the ``host``
  analyzer's to judge (an OOM kill is its ``host.oom-kill``, a killed unit its unit
  failure): they are not matched against the known issues, so one cause is one finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analyzers.logs.exceptions import parse_exception
from analyzers.logs.known_issues import KnownIssues
from analyzers.logs.shapes import KNOWN_HINT
from inspector.formats.clipping import clip
from inspector.formats.logformat import ERROR_RANK, WARNING_RANK
from inspector.formats.templates import shape
from inspector.knowledge import Signature
from inspector.model import Event, EventSource, Evidence, LineLocator, Severity

MAX_EVENT_LINES = 80  # lines of a stack trace kept for parsing and the example
MAX_EVENTS = 3000

# A message announcing that the process or service (re)started; asked once per template.
RESTART_MESSAGE = re.compile(
    r"(?i:\bStarting (?:\S+ ){0,4}(?:v\d|version|using Java|with PID|on port|server|service|"
    r"application|up)|\bStarted \S+(?: \S+){0,3} in \d|\bServer startup in|\bapplication "
    r"startup complete|\bBack-off restarting|\bCrashLoopBackOff|\brestarting (?:the )?"
    r"(?:process|service|container|worker)|\bprocess (?:exited|crashed)|\bMain process exited|"
    r"\bJVM (?:is )?(?:starting|restart)|\bBooting (?:Spring|worker|server|application))")
# A journal line written by the kernel or by systemd itself (short, short-iso or JSON output).
HOST_LINE = re.compile(r"^\S+(?: +\d+ [\d:.]+)? \S+ (?:kernel|systemd\[1\]): |"
                       r'^\{.*"(?:_TRANSPORT|SYSLOG_IDENTIFIER)" ?: ?"(?:kernel|systemd)"')


def minute_of(time: datetime) -> int:
    """The minute since the epoch ``time`` falls in: the unit of the per-minute counters."""
    return int(time.timestamp()) // 60


def minute_start(minute: int) -> datetime:
    """The UTC start of a ``minute_of`` minute."""
    return datetime.fromtimestamp(minute * 60, UTC)


def short(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters at a blank, never inside a value."""
    return clip(text, limit)


@dataclass(slots=True)
class PendingRecord:
    """One record whose end matters: its first line and the lines folded into it."""

    line: int
    end_line: int
    time: datetime | None
    rank: int
    message: str
    first_text: str
    template_id: int
    shape_entry: list[Any] | None  # the entry of the line's shape, if it is in the table
    continuation: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Occurrences:
    """Occurrences of one exception signature or known issue."""

    title: str
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)
    worst_rank: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, time: datetime | None, evidence: Evidence, rank: int) -> None:
        self.count += 1
        if time is not None:
            self.first = time if self.first is None or time < self.first else self.first
            self.last = time if self.last is None or time > self.last else self.last
        if len(self.evidence) < 3:
            self.evidence.append(evidence)
        self.worst_rank = max(self.worst_rank, rank)


class RecordInspection:
    """Finishes records of one file and keeps what they said.

    Attributes:
        path: the artifact's path, for evidence and events.
        knowledge: the known-issue signatures, behind their pre-check.
        restart_template: template id -> whether its message announces a (re)start; filled
            by the per-line loop when it mines a template, read here.
        exceptions: exception signature -> its occurrences (``extra`` holds the parsed
            exception and an example).
        exception_count: records that held an exception.
        known: signature id -> its occurrences (``extra["signature"]``).
        restarts: ``(time, line, first line's text)`` of each restart record.
        events: the timeline's events, at most ``MAX_EVENTS``.
        host_lines: whether kernel and systemd lines are left to ``host`` (a journal).
    """

    def __init__(self, path: str, knowledge: KnownIssues,
                 restart_template: dict[int, bool]) -> None:
        self.path = path
        self.host_lines = False
        self.knowledge = knowledge
        self.restart_template = restart_template
        self.exceptions: dict[str, Occurrences] = {}
        self.exception_count = 0
        self.known: dict[str, Occurrences] = {}
        self.restarts: list[tuple[datetime | None, int, str]] = []
        self.events: list[Event] = []
        self._event_keys: set[tuple[Any, ...]] = set()

    def finish(self, record: PendingRecord) -> None:
        """The work a record needs once all its lines are in: restarts, stack traces,
        known issues, events."""
        message = record.message
        newline = message.find("\n")
        first_line = message if newline < 0 else message[:newline]
        template_id = record.template_id
        if self.restart_template[template_id]:
            self.restarts.append((record.time, record.line, first_line))
            self._event(record.time, record, Severity.MEDIUM, f"restart: {short(first_line, 160)}",
                        ("restart", record.line))
        continuation = record.continuation
        if newline >= 0:
            continuation = message[newline + 1:].split("\n") + continuation
        rank = record.rank
        if continuation or rank >= WARNING_RANK or rank < 0:
            self._inspect(record, first_line, continuation, rank, template_id)

    def _inspect(self, record: PendingRecord, first_line: str, continuation: list[str],
                 rank: int, template_id: int) -> None:
        time = record.time
        locator = LineLocator(record.line, record.end_line)
        if continuation or "xception" in first_line or "rror" in first_line or \
                first_line.startswith(("Traceback", "panic:")):
            info = parse_exception(first_line, continuation)
            if info is not None:
                self.exception_count += 1
                signature = info.signature
                group = self.exceptions.get(signature)
                if group is None:
                    example = "\n".join([record.first_text, *continuation[:25]])
                    group = self.exceptions[signature] = Occurrences(
                        info.type, extra={"type": info.type, "message": info.message,
                                          "frames": list(info.frames),
                                          "root_cause": info.root_cause,
                                          "language": info.language,
                                          "example": short(example, 4000)})
                group.add(time, Evidence(self.path, locator, short(record.first_text)),
                          max(rank, 0))
        if (rank < 0 or rank >= WARNING_RANK) \
                and not (self.host_lines and HOST_LINE.match(record.first_text)):
            # The first line and the exception lines of a trace (not its frames).
            causes = [line for line in continuation[:MAX_EVENT_LINES]
                      if line and not line[0].isspace()][:5]
            text = "\n".join([first_line, *causes]) if causes else first_line
            hint = None
            shape_entry = record.shape_entry
            if not causes and shape_entry is not None:
                hint = shape_entry[KNOWN_HINT]
                if hint is None:
                    hint = shape_entry[KNOWN_HINT] = self.knowledge.shape_has_required(
                        shape(first_line))
            signature_match = self.knowledge.match(text, hint)
            if signature_match is not None:
                self._known(signature_match, record, locator)
        if rank >= ERROR_RANK:
            severity = Severity.HIGH if rank > ERROR_RANK else Severity.MEDIUM
            minute = minute_of(time) if time else record.line
            self._event(time, record, severity, short(first_line, 200),
                        ("error", template_id, minute))

    def _known(self, signature: Signature, record: PendingRecord, locator: LineLocator) -> None:
        group = self.known.get(signature.id)
        if group is None:
            group = self.known[signature.id] = Occurrences(signature.title,
                                                           extra={"signature": signature})
        group.add(record.time, Evidence(self.path, locator, short(record.first_text)), 0)
        minute = minute_of(record.time) if record.time else record.line
        self._event(record.time, record, signature.severity,
                    f"{signature.title}: {short(record.message, 160)}",
                    ("known", signature.id, minute))

    def _event(self, time: datetime | None, record: PendingRecord, severity: Severity,
               message: str, key: tuple[Any, ...]) -> None:
        if time is None or len(self.events) >= MAX_EVENTS or key in self._event_keys:
            return
        self._event_keys.add(key)
        self.events.append(Event(time, self.path, LineLocator(record.line, record.end_line),
                                 severity, EventSource.LOG, message))
