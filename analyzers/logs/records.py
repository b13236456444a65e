"""What a record says once all its lines are in: lifecycle, stack traces, known issues, events.

The per-line loop (``state``) hands over a ``PendingRecord`` for every record that needs
more than counting; ``RecordInspection.finish`` then notes its lifecycle marker
(``lifecycle``), parses its stack trace, groups it by exception signature, matches the
knowledge base and makes the timeline's events.

Decisions the next engineer needs:

- Lifecycle markers are found once per line shape, or per record for shapes read one by
  one; "is this a known issue" is asked only for records at warning level and above (or
  without a level). Records below warning level are finished only when they carry a
  lifecycle marker or lines were folded into them. The knowledge base is asked behind an
  exact pre-check (``KnownIssues``).
- A record whose message is empty takes its marker from the first lines under it
  (RabbitMQ writes its start banner there); the marker's line is that line.
- A record keeps at most ``MAX_EVENT_LINES`` folded lines, blank ones included so that a
  folded line's number is the record's plus its position: enough for its stack trace and
  its example, bounded for a runaway dump.
- An exception's evidence starts at the line that proves it: the record's first line when
  the record itself is a warning or worse (the line that logged it), else the exception's
  own first line (a Go ``panic:`` folded into an unrelated info line).
- Events for the timeline: error-level records (one per template per minute) and known
  issues, at most ``MAX_EVENTS`` per artifact; only records with a time make one. The
  lifecycle's events are made at the end (``availability``).
- ``judge_errors`` off (a PostgreSQL log, whose errors the ``sql`` analyzer judges by
  SQLSTATE and the knowledge analyzer matches) leaves exceptions, known issues and error
  events out; the lifecycle is still followed.
- In a journal (``host_lines``), the kernel's and systemd's own lines are the ``host``
  analyzer's to judge (an OOM kill is its ``host.oom-kill``, a killed unit its unit
  failure): they are not matched against the known issues, so one cause is one finding.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analyzers.logs.exceptions import parse_exception
from analyzers.logs.known_issues import KnownIssues
from analyzers.logs.lifecycle import HOST_PROGRAMS, Lifecycle, Marker, Sighting, lifecycle_marker
from analyzers.logs.shapes import KNOWN_HINT
from inspector.formats.clipping import clip
from inspector.formats.logformat import ERROR_RANK, WARNING_RANK
from inspector.formats.templates import shape
from inspector.knowledge import Signature
from inspector.model import Event, EventSource, Evidence, LineLocator, Severity

MAX_EVENT_LINES = 80  # lines of a stack trace kept for parsing and the example
MAX_EVENTS = 3000
MAX_PROGRAMS = 100
_HOST_START = re.compile(r"(?:Started|Starting) \S")

# A journal line written by the kernel or by systemd itself (short, short-iso or JSON output).
HOST_LINE = re.compile(r"^\S+(?: +\d+ [\d:.]+)? \S+ (?:kernel|systemd\[1\]): |"
                       r'^\{.*"(?:_TRANSPORT|SYSLOG_IDENTIFIER)" ?: ?"(?:kernel|systemd)"')


def _host_program(program: str) -> bool:
    return program in HOST_PROGRAMS or program.startswith("systemd")


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
    marker: Marker | None = None  # its lifecycle marker, if any
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
        program_of: the program that wrote a line, for formats that write it (syslog,
            journals): each program is its own service there; ``None`` elsewhere.
        judge_errors: whether exceptions, known issues and error events are looked for.
        exceptions: exception signature -> its occurrences (``extra`` holds the parsed
            exception and an example).
        exception_count: records that held an exception.
        known: signature id -> its occurrences (``extra["signature"]``).
        lifecycle: the lifecycle markers seen, and at the end the story they tell.
        last_error: ``(time, line, text)`` of the latest error record finished so far.
        error_first: template id -> ``(time, line, text, message)`` of its first error
            record (its line, and its message's first line).
        error_last: template id -> the time of its latest error record.
        error_counts: template id -> its error records.
        said_templates: the templates of records that held an exception or matched a
            known issue: their findings say them.
        host_starts: when the host (systemd, init) started a unit, in a journal or syslog.
        programs: the programs (not the host's) that wrote the records finished, up to
            ``MAX_PROGRAMS``.
        events: the timeline's events, at most ``MAX_EVENTS``.
        host_lines: whether kernel and systemd lines are left to ``host`` (a journal).
    """

    def __init__(self, path: str, knowledge: KnownIssues,
                 program_of: Callable[[str], str | None] | None = None,
                 judge_errors: bool = True) -> None:
        self.path = path
        self.host_lines = False
        self.knowledge = knowledge
        self.program_of = program_of
        self.judge_errors = judge_errors
        self.exceptions: dict[str, Occurrences] = {}
        self.exception_count = 0
        self.known: dict[str, Occurrences] = {}
        self.lifecycle = Lifecycle()
        self.last_error: tuple[datetime | None, int, str] | None = None
        self.error_first: dict[int, tuple[datetime | None, int, str, str]] = {}
        self.error_last: dict[int, datetime] = {}
        self.error_counts: Counter[int] = Counter()
        self.said_templates: set[int] = set()
        self.host_starts: list[datetime] = []
        self.programs: set[str] = set()
        self.events: list[Event] = []
        self._event_keys: set[tuple[Any, ...]] = set()

    def finish(self, record: PendingRecord) -> None:
        """The work a record needs once all its lines are in: its lifecycle marker, stack
        trace, known issues, events."""
        message = record.message
        newline = message.find("\n")
        first_line = message if newline < 0 else message[:newline]
        continuation = record.continuation
        marker, marker_line, marker_text = record.marker, record.line, first_line
        if marker is None and newline < 0 and continuation and not first_line.strip():
            for offset, text in enumerate(continuation[:3], 1):
                if text.strip():
                    marker, marker_line, marker_text = lifecycle_marker(text), \
                        record.line + offset, text
                    break
        program = None
        if self.program_of is not None:
            program = self.program_of(record.first_text)
            if program is not None and _host_program(program):
                if record.time is not None and _HOST_START.match(first_line):
                    self.host_starts.append(record.time)
                marker = None  # the host's (see ``lifecycle``)
            elif program is not None and len(self.programs) < MAX_PROGRAMS:
                self.programs.add(program)
        if marker is not None:
            self.lifecycle.sightings.append(Sighting(
                record.time, marker_line, marker, program, short(marker_text.strip(), 300),
                self.last_error))
        if newline >= 0:
            continuation = message[newline + 1:].split("\n") + continuation
        rank = record.rank
        if self.judge_errors and (continuation or rank >= WARNING_RANK or rank < 0):
            self._inspect(record, first_line, continuation, rank, record.template_id)
        if rank >= ERROR_RANK:
            template_id = record.template_id
            self.last_error = (record.time, record.line, first_line)
            self.error_counts[template_id] += 1
            if template_id not in self.error_first:
                self.error_first[template_id] = (record.time, record.line,
                                                 short(record.first_text), short(first_line))
            if record.time is not None:
                self.error_last[template_id] = record.time

    def _inspect(self, record: PendingRecord, first_line: str, continuation: list[str],
                 rank: int, template_id: int) -> None:
        time = record.time
        locator = LineLocator(record.line, record.end_line)
        if continuation or "xception" in first_line or "rror" in first_line or \
                first_line.startswith(("Traceback", "panic:")):
            info = parse_exception(first_line, continuation)
            if info is not None:
                self.exception_count += 1
                self.said_templates.add(template_id)
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
                proving, text = locator, record.first_text
                if info.first_line and rank < WARNING_RANK and \
                        continuation is record.continuation:
                    # The record itself says nothing wrong: the exception's own line proves it.
                    proving = LineLocator(record.line + info.first_line, record.end_line)
                    text = record.continuation[info.first_line - 1]
                group.add(time, Evidence(self.path, proving, short(text)), max(rank, 0))
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
                self.said_templates.add(template_id)
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
