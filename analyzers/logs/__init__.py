"""The ``logs`` analyzer: formats, levels, stack traces, templates, bursts, known issues.

For one log artifact it detects the format from the first lines (``inspector.formats.logformat``),
folds every line that does not start a record (stack frames, ``Caused by:``, tracebacks,
goroutine dumps) into the record before it, and then, per record: counts its level, mines
its template (``inspector.formats.templates``), parses its stack trace, matches the knowledge base
(``inspector.knowledge``) and feeds per-minute counters. Findings come at the end:
``log.exception`` (one per exception signature), ``log.error-burst``, ``log.new-error``,
``log.restart``, ``log.gap`` and ``log.known-issue``. Stats: ``lines``, ``events``,
``format``, ``time_range``, ``levels``, ``templates``, ``exceptions`` and more.

Decisions the next engineer needs:

- Exceptions are grouped as Sentry does: by type plus the normalized top frames (function
  names, no line numbers, lambda and generated-class numbers removed), never by message;
  an exception without frames is grouped by type plus its message template.
- Bad input is survived: invalid UTF-8 is replaced and counted, lines holding NUL bytes are
  counted as binary junk and skipped, a line longer than ``MAX_LINE`` bytes is cut there
  (the rest is skipped unread into memory). Each becomes one ``context.warn``.
- Speed comes from reading by line *shape* (every ASCII digit turned into ``0``): the file
  is read in ``BLOCK``-sized blocks, each decoded, shaped and split in one call
  (``_LineReader``); a shape seen before gives its ``LogFormat.layout`` (level, message
  and timestamp offsets) and its template id from one dict lookup (``_FileAnalysis.shapes``,
  bounded by ``MAX_SHAPES`` and ``MAX_SHAPE_CHARS``), because the header grammar and the
  masks treat all digits alike (see ``inspector.formats.logformat.digit_blind`` and
  ``inspector.formats.templates.shape``). Per line, the hot loop then only reads the timestamp
  text (cached per second) and bumps counters. A level that depends on digits (syslog
  priority, HTTP status) gets one entry per ``Layout`` variant. Formats that are not
  digit-blind (JSON lines, RFC 5424 syslog, epoch times), lines over ``MAX_HEADER``
  characters and the first line of each shape go through ``LogFormat.parse`` as before;
  tests check that both paths give identical results. One file is one sequential pass
  (templates, gaps and events depend on line order), so it uses one core; the engine runs
  artifacts in parallel.
- Restarts and "is this a known issue" are decided once per template, or per record only
  for records at warning level and above (or without a level). The knowledge base is
  asked behind an exact pre-check (``KnownIssues``): most warnings hold none of the
  strings its patterns need.
- Times are kept as integer microseconds since the epoch while reading (exact, cheaper
  than datetimes); datetimes are made for what is kept (findings, events, the range).
- Times without a zone are kept as UTC and ``stats["time_zone"]`` says ``"unknown"``; the
  timeline (``inspector.timeline``) infers the offset.
- Timestamps without a year (RFC 3164 syslog, Android) are placed on the artifact's
  modification time (``Artifact.modified``), as lnav does: a bundle collected last year,
  or around New Year, keeps its syslog in the year it was written, so the timeline lines
  it up with the capture and the HAR (rules in ``inspector.formats.logformat``). Without that
  time they start in ``default_year`` when the analyzer was given one (tests, benchmarks),
  else in the current year. ``stats["year_from"]`` says which (``"file-modified"``,
  ``"default-year"``, ``"current-year"``), and only for a file that had such timestamps.
  Rotated files are separate artifacts, each placed on its own time.
- The analyzer runs per artifact; the order of rotated files (``app.log.2.gz``,
  ``app.log.1``, ``app.log``) is ``inspector.formats.logformat.stitch_order``.
- Events for the timeline: error-level records (one per template per minute), restarts and
  known issues, at most ``MAX_EVENTS`` per artifact.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from inspector.formats.logformat import (
    LEVEL_ORDER,
    LEVEL_RANK,
    MAX_HEADER,
    Layout,
    LogFormat,
    detect,
    from_micros,
    to_micros,
)
from inspector.formats.regex import required_literals
from inspector.formats.templates import TemplateMiner, mask, shape, shape_decides_mask
from inspector.knowledge import KnowledgeBase, Signature
from inspector.model import (
    ArtifactKind,
    Event,
    EventSource,
    Evidence,
    Finding,
    LineLocator,
    Severity,
    format_time,
)
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats
from inspector.rules import rule

EXCEPTION = rule("log.exception", Severity.MEDIUM, "errors",
                 "An exception (one stack-trace signature) logged, with its count and example")
ERROR_BURST = rule("log.error-burst", Severity.HIGH, "errors",
                   "The error rate rose far above the log's baseline for a while")
NEW_ERROR = rule("log.new-error", Severity.MEDIUM, "errors",
                 "An error message that first appears after the log's start (e.g. a deploy)")
RESTART = rule("log.restart", Severity.MEDIUM, "availability",
               "The process or service restarted during the log")
GAP = rule("log.gap", Severity.LOW, "availability",
           "The log went silent for a while where it was busy")
KNOWN_ISSUE = rule("log.known-issue", Severity.HIGH, "errors",
                   "A line matches a known-issue signature of the knowledge base")

MAX_LINE = 1 << 20
BLOCK = 1 << 19  # bytes read at a time; a block is decoded, shaped and split in one go
PROGRESS_BYTES = 8 << 20  # progress is reported this often (it may cross processes)
MAX_EVENT_LINES = 80  # lines of a stack trace kept for parsing and the example
MAX_EVENTS = 3000
MAX_FINDINGS_PER_RULE = 50
SAMPLE_LINES = 200
ERROR_RANK = LEVEL_RANK["error"]
WARNING_RANK = LEVEL_RANK["warning"]

# --- stack traces ---------------------------------------------------------------------------

_EXCEPTION_LINE = re.compile(
    r"\s{0,20}(?:Caused by:\s|Suppressed:\s|Exception in thread \"[^\"\n]{0,200}\"\s|"
    r"Unhandled [Ee]xception[.:]\s|-{0,3}>\s|Uncaught\s)?"
    r"(?P<type>(?:[A-Za-z_$][\w$]{0,100}\.){0,20}[A-Z][\w$]{0,100}"
    r"(?:Exception|Error|Fault|Failure|Throwable|Interrupt|Exit))(?::\s?(?P<message>.*))?$")
_EXCEPTION_IN_TEXT = re.compile(
    r"\b(?P<type>(?:[a-z_$][\w$]{0,100}\.){1,20}[A-Z][\w$]{0,100}(?:Exception|Error))"
    r"(?::\s?(?P<message>.{0,500}))?")
_JAVA_FRAME = re.compile(r"\s+at\s+(?P<frame>[\w$.<>/`\[\]-]{1,500})\s?\(")
_NODE_FRAME = re.compile(r"\s+at\s+(?:(?P<func>[^\s(]{1,300}) \()?(?P<file>[^\s()]{1,500}):\d+:\d+")
_PYTHON_FRAME = re.compile(r'\s+File "(?P<file>[^"\n]{1,500})", line \d+, in (?P<func>\S{1,200})')
_GO_FRAME = re.compile(r"(?P<func>[\w./*()\[\]-]{1,300})\([^\n]{0,500}\)$")
_GO_PANIC = re.compile(r"(?:panic|fatal error): (?P<message>.{0,500})")
_GENERATED = re.compile(r"\$\$Lambda\$?[\d/x]*[0-9a-fA-F]*|\$\d+|\d+")
_CONTINUATION = re.compile(
    r"\s|Caused by:|Suppressed:|Traceback \(most recent|During handling of|The above exception|"
    r"goroutine \d|\.\.\. \d+ more|--- End of|[\w.$]+(?:Exception|Error)(?::|$)|panic: |\}|\]")

_RESTART = re.compile(
    r"(?i:\bStarting (?:\S+ ){0,4}(?:v\d|version|using Java|with PID|on port|server|service|"
    r"application|up)|\bStarted \S+(?: \S+){0,3} in \d|\bServer startup in|\bapplication "
    r"startup complete|\bBack-off restarting|\bCrashLoopBackOff|\brestarting (?:the )?"
    r"(?:process|service|container|worker)|\bprocess (?:exited|crashed)|\bMain process exited|"
    r"\bJVM (?:is )?(?:starting|restart)|\bBooting (?:Spring|worker|server|application))")


@dataclass(slots=True)
class ExceptionInfo:
    type: str
    message: str
    frames: tuple[str, ...]
    root_cause: str | None
    language: str

    @property
    def signature(self) -> str:
        key = "|".join((self.type, *self.frames)) if self.frames else \
            f"{self.type}|{mask(self.message)}"
        return hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:12]


def _normalize_frame(frame: str) -> str:
    return _GENERATED.sub("", frame)


def parse_exception(message: str, continuation: list[str]) -> ExceptionInfo | None:
    """The exception of one record: its first line's message plus the lines folded into it.

    >>> info = parse_exception("request failed", [
    ...     "java.lang.IllegalStateException: pool closed",
    ...     "\\tat com.acme.Pool.get(Pool.java:42)",
    ...     "\\tat com.acme.Api.handle(Api.java:7)"])
    >>> (info.type, info.frames, info.language)
    ('java.lang.IllegalStateException', ('com.acme.Pool.get', 'com.acme.Api.handle'), 'java')
    """
    if any(line.startswith("Traceback (most recent") for line in continuation) or \
            message.startswith("Traceback (most recent"):
        return _python_exception(continuation)
    if any(line.startswith("goroutine ") for line in continuation) or \
            _GO_PANIC.match(message):
        return _go_exception(message, continuation)
    found = _EXCEPTION_LINE.match(message) or _EXCEPTION_IN_TEXT.search(message)
    start = 0
    if found is None:
        for index, line in enumerate(continuation[:10]):
            found = _EXCEPTION_LINE.match(line)
            if found:
                start = index + 1
                break
    if found is None:
        return None
    frames: list[str] = []
    root_cause = None
    language = "java"
    for line in continuation[start:]:
        if line.lstrip().startswith(("Caused by:", "---> ")) or " ---> " in line:
            cause = _EXCEPTION_LINE.match(line.replace(" ---> ", "---> ", 1))
            if cause:
                root_cause = cause.group("type")
            continue
        if len(frames) >= 5 or root_cause:
            continue
        frame = _JAVA_FRAME.match(line)
        node = _NODE_FRAME.match(line)
        if node and (frame is None or (":" in line.rsplit("(", 1)[-1] and ".js" in line)):
            language = "javascript"
            name = node.group("func") or node.group("file").rsplit("/", 1)[-1]
            frames.append(_normalize_frame(name))
        elif frame:
            if " in " in line and ":line " in line:
                language = "dotnet"
            frames.append(_normalize_frame(frame.group("frame")))
    return ExceptionInfo(found.group("type"), (found.group("message") or "").strip(),
                         tuple(frames), root_cause, language)


def _python_exception(lines: list[str]) -> ExceptionInfo | None:
    last_traceback = max((i for i, line in enumerate(lines)
                          if line.startswith("Traceback (most recent")), default=0)
    frames: list[str] = []
    found = None
    for line in lines[last_traceback:]:
        frame = _PYTHON_FRAME.match(line)
        if frame:
            frames.append(f"{frame.group('file').rsplit('/', 1)[-1]}:{frame.group('func')}")
            continue
        if not line.startswith((" ", "\t")):
            candidate = _EXCEPTION_LINE.match(line)
            if candidate:
                found = candidate
    if found is None:
        return None
    # The innermost frames are last in a Python traceback; they say the most.
    return ExceptionInfo(found.group("type"), (found.group("message") or "").strip(),
                         tuple(frames[-5:]), None, "python")


def _go_exception(message: str, lines: list[str]) -> ExceptionInfo:
    panic = _GO_PANIC.match(message)
    text = panic.group("message") if panic else ""
    if panic is None:
        for line in lines:
            panic = _GO_PANIC.match(line)
            if panic:
                text = panic.group("message")
                break
    frames: list[str] = []
    in_goroutine = False
    for line in lines:
        if line.startswith("goroutine "):
            if in_goroutine:
                break  # only the first goroutine is the one that panicked
            in_goroutine = True
            continue
        frame = _GO_FRAME.match(line)
        if in_goroutine and frame and not line.startswith("\t"):
            frames.append(_normalize_frame(frame.group("func")))
            if len(frames) >= 5:
                break
    error_type = text.split(":", 1)[0] if text.startswith("runtime error") else "panic"
    return ExceptionInfo(error_type, text, tuple(frames), None, "go")


# --- known issues --------------------------------------------------------------------------

class KnownIssues:
    """``KnowledgeBase.match`` behind an exact pre-check: an ASCII text holding none of the
    strings every signature pattern needs (``required_literals``) matches no signature, which a
    few substring searches tell ten times faster than the combined regex.

    The pre-check is off when a pattern has no required string. It looks only at ASCII
    texts, where ignoring case is plain ASCII lower-casing (``re`` also folds a few
    non-ASCII letters, such as the Kelvin sign, onto ASCII ones).
    """

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        needed: set[str] = set()
        for signature in knowledge.signatures:
            for pattern in signature.patterns:
                strings = required_literals(pattern, ascii_only=True)
                if not strings:
                    self.required: tuple[str, ...] | None = None
                    self._digitless = self._with_digits = ()
                    return
                needed |= {text.lower() for text in strings}
        self.required = tuple(sorted(needed))
        self._digitless = tuple(t for t in self.required if not any(c.isdigit() for c in t))
        self._with_digits = tuple(t for t in self.required if t not in self._digitless)

    def match(self, text: str, shape_has_required: bool | None = None) -> Signature | None:
        """``KnowledgeBase.match(text)``. ``shape_has_required`` may pass what
        ``shape_has_required(shape(text))`` gave for another text of the same shape."""
        required = self.required
        if required is not None and text.isascii():
            lowered = text.lower()
            if shape_has_required is None:
                shape_has_required = any(strings in lowered for strings in self._digitless)
            if not shape_has_required and not any(strings in lowered
                                                  for strings in self._with_digits):
                return None
        return self.knowledge.match(text)

    def shape_has_required(self, text_shape: str) -> bool:
        """Whether a required string without digits is in the text of this shape: a string
        without digits is in a text exactly when it is in the text's shape."""
        lowered = text_shape.lower()
        return any(strings in lowered for strings in self._digitless)


# --- per-file state -------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
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
class _Group:
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


def _minute(time: datetime) -> int:
    return int(time.timestamp()) // 60


# Below 2**32 seconds since the epoch, ``micros // 60_000_000`` is exactly ``_minute`` (a
# float timestamp still resolves microseconds there); beyond, and before 1970, ask it.
_FAST_MINUTES = (1 << 32) * 1_000_000
_MINUTE = 60_000_000
_GAP = 60_000_000


def _at(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# A line shape's entry: what every line of that shape has in common (a list, for speed).
# LEVEL: the level counter key; RANK: the level's rank (-1 without one); START: the message
# offset; TEMPLATE: the template id once known for the shape (None: mined per record);
# FINISH: records of this shape need ``_finish`` (warnings and up, no level, restarts);
# KEY and KEY_TAIL: slices of the timestamp text without its fraction (None: no time);
# FRACTION: the slice of the fraction's first six digits (``_fraction`` reads them);
# COUNT: records counted through the entry; SHARED: kept in the shape table (its
# template id may be cached); MAYBE_CONTINUATION: a plain-text line that looks like a frame;
# MESSAGE, TIME and ZONE: the parsed message and time of a one-off entry (slow path);
# VARIANT: the slice of the digits the level depends on (syslog priority, HTTP status), and
# VARIANTS: the entry of each text found there, which is the one that counts;
# KNOWN_HINT: ``KnownIssues.shape_has_required`` of the shape's message, once asked.
(LEVEL, RANK, START, TEMPLATE, FINISH, KEY, KEY_TAIL, FRACTION, COUNT, SHARED,
 MAYBE_CONTINUATION, MESSAGE, TIME, ZONE, VARIANT, VARIANTS, KNOWN_HINT) = range(17)
_CONTINUATION_LINE: list[Any] = []  # the entry of lines that continue a record


def _new_entry(level: str | None, message_start: int = 0, *, message: str | None = None,
               time: datetime | None = None, zone_known: bool = False,
               maybe_continuation: bool = False) -> list[Any]:
    """An entry without a timestamp layout (``_FileAnalysis._layout_entry`` adds one)."""
    rank = LEVEL_RANK[level] if level else -1
    finish = rank >= WARNING_RANK or rank < 0 or (message is not None and "\n" in message)
    return [level or "none", rank, message_start, None, finish, None, None, None, 0, False,
            maybe_continuation, message, time, zone_known, None, None, None]


_UNREAD = object()  # a time key not in the time cache yet
# Bounded: a log whose every line has its own shape must not eat memory (keys are lines).
MAX_SHAPES = 200_000
MAX_SHAPE_CHARS = 32 << 20
MAX_FRACTIONS = 100_000


class _FileAnalysis:
    """Everything learnt from one file: ``feed`` takes its lines in order, ``findings`` and
    ``stats`` end.

    The hot loop of ``feed`` handles a line of a known shape (see the module doc) with one
    dict lookup, a time-cache lookup and a few counters; everything else (a new shape, a
    record that needs its stack trace parsed or the knowledge base matched) goes through the
    general methods, which do exactly what the slow path always did.
    """

    def __init__(self, path: str, knowledge: KnownIssues, log_format: LogFormat) -> None:
        self.path = path
        self.knowledge = knowledge
        self.format = log_format
        self.miner = TemplateMiner()
        self.records = 0
        self.levels: Counter[str] = Counter()
        self.template_counts: Counter[int] = Counter()
        self.template_rank: dict[int, int] = {}
        self.template_first: dict[int, tuple[datetime | None, int]] = {}
        self.restart_template: dict[int, bool] = {}
        self.per_minute: Counter[int] = Counter()
        self.errors_per_minute: Counter[int] = Counter()
        self.first_micros: int | None = None
        self.last_micros: int | None = None
        self.first_time: datetime | None = None
        self.last_time: datetime | None = None
        self.zone_known = 0
        self.timed = 0
        self.gap_micros: list[tuple[int, int, int]] = []
        self.gaps: list[tuple[datetime, datetime, int]] = []
        self.exceptions: dict[str, _Group] = {}
        self.exception_count = 0
        self.known: dict[str, _Group] = {}
        self.restarts: list[tuple[datetime | None, int, str]] = []
        self.events: list[Event] = []
        self._event_keys: set[tuple[Any, ...]] = set()
        self.shapes: dict[str, list[Any]] = {"": _CONTINUATION_LINE}
        self._fractions: dict[str, int] = {}  # fraction digits -> microseconds
        self._shape_chars = 0
        # The record being read: its line number, text, time, shape entry and template id
        # (the entry is None before the first record), and its ``_Entry`` once it needs
        # finishing (``_finish``).
        self._current: tuple[int, str, int | None, list[Any] | None, int] = (
            0, "", None, None, 0)
        self._pending: _Entry | None = None

    # --- reading ------------------------------------------------------------------------

    def feed(self, number: int, lines: list[str], shapes: list[str]) -> int:
        """Read ``lines`` (numbered from ``number + 1``) whose shapes are ``shapes``; returns
        the last line number."""
        known_shapes = self.shapes if self.format.memoizable else {}
        times = self.format.time_cache
        fractions = self._fractions
        per_minute = self.per_minute
        errors_per_minute = self.errors_per_minute
        first = self.first_micros
        last = self.last_micros
        timed = zone_known = 0
        # Consecutive lines mostly share their second: its time and minute are reused, and
        # records are counted per minute in runs.
        second_text, second, second_known, second_minute = None, None, False, None
        run_minute, run_count = None, 0
        # The record being read, kept in locals for speed: see ``self._current``.
        current_line, current_text, current_micros, current_entry, current_template = \
            self._current
        pending = self._pending
        for line, line_shape in zip(lines, shapes, strict=True):
            number += 1
            entry = known_shapes.get(line_shape)
            if entry is None:
                entry = self._new_shape(line, line_shape)
            if entry is _CONTINUATION_LINE or (entry[MAYBE_CONTINUATION] and
                                               current_entry is not None):
                if pending is None:
                    if current_entry is None:
                        # No record yet: the line is a record of its own, without a header.
                        pending = self._headless(number, line)
                        current_entry = _CONTINUATION_LINE
                        continue
                    pending = self._pending_entry(current_line, current_text, current_micros,
                                                  current_entry, current_template)
                pending.end_line = number
                if len(pending.continuation) < MAX_EVENT_LINES and line:
                    pending.continuation.append(line[:2000])
                continue
            (_, rank, _, template_id, finish, key, tail, fraction, _, _, _, _, one_off_time,
             one_off_zone, variant, _, _) = entry
            if variant is not None:
                entry = entry[VARIANTS].get(line[variant]) or self._variant(entry, line)
                (_, rank, _, template_id, finish, key, tail, fraction, _, _, _, _, _, _, _,
                 _, _) = entry
            micros = None
            if key is not None:
                text = line[key] if tail is None else line[key] + line[tail]
                if text != second_text:
                    read = times.get(text, _UNREAD)
                    if read is _UNREAD:
                        read = self.format.read_time(line, text)
                    second_text = text
                    if read is None:
                        second = None
                    else:
                        second, second_known = read
                        second_minute = second // _MINUTE if \
                            0 <= second < _FAST_MINUTES - 1_000_000 else None
                if second is not None:
                    micros = second
                    if fraction is not None:
                        digits = line[fraction]
                        part = fractions.get(digits)
                        micros += part if part is not None else self._fraction(digits)
                    known = second_known
                    minute = second_minute
            elif one_off_time is not None:
                micros, known, minute = to_micros(one_off_time), one_off_zone, None
            if micros is not None:
                timed += 1
                zone_known += known
                if first is None or micros < first:
                    first = micros
                if last is None or micros > last:
                    # Merged or multi-threaded logs go back and forth a little: a gap is
                    # measured from the latest time seen so far.
                    if last is not None and micros - last >= _GAP:
                        self.gap_micros.append((last, micros, number))
                    last = micros
                if minute is None:
                    minute = _minute(from_micros(micros))
                if minute != run_minute:
                    if run_count:
                        per_minute[run_minute] += run_count
                    run_minute, run_count = minute, 0
                run_count += 1
                if rank >= ERROR_RANK:
                    errors_per_minute[minute] += 1
            if pending is not None:
                self._finish(pending)
                pending = None
            if template_id is None:
                template_id = self._count(entry, line, micros, number)
                finish = finish or self.restart_template[template_id]
            else:
                entry[COUNT] += 1
            current_line, current_text, current_micros, current_entry, current_template = \
                number, line, micros, entry, template_id
            if finish:
                pending = self._pending_entry(number, line, micros, entry, template_id)
        if run_count:
            per_minute[run_minute] += run_count
        self._current = (current_line, current_text, current_micros, current_entry,
                         current_template)
        self._pending = pending
        self.first_micros, self.last_micros = first, last
        self.timed += timed
        self.zone_known += zone_known
        return number

    def _fraction(self, digits: str) -> int:
        """Microseconds of a fraction's digits (at most six), remembered."""
        if len(self._fractions) >= MAX_FRACTIONS:
            self._fractions.clear()
        micros = self._fractions[digits] = int(digits) * 10 ** (6 - len(digits))
        return micros

    def _new_shape(self, line: str, line_shape: str) -> list[Any]:
        """The entry of a shape seen for the first time (kept when the table has room)."""
        if len(line) > MAX_HEADER or not self.format.memoizable:
            return self._one_off(line)
        layout = self.format.layout(line)
        if layout is None:
            entry = _CONTINUATION_LINE
        else:
            entry = self._layout_entry(layout)
            entry[MAYBE_CONTINUATION] = self.format.name == "plain" and bool(
                _CONTINUATION.match(line))
            # A rebuilt message is made of the line's parts: its shape is the line's too.
            message_shape = line_shape[layout.message_start:] if layout.message_start >= 0 \
                else shape(self._message(entry, line))
            entry[SHARED] = shape_decides_mask(message_shape)
            if layout.variant_start >= 0:
                entry[VARIANT] = slice(layout.variant_start, layout.variant_end)
                entry[VARIANTS] = {}
        if len(self.shapes) < MAX_SHAPES and self._shape_chars < MAX_SHAPE_CHARS:
            self.shapes[line_shape] = entry
            self._shape_chars += len(line_shape)
        elif entry is not _CONTINUATION_LINE:
            entry[SHARED] = False
        return entry

    @staticmethod
    def _layout_entry(layout: Layout) -> list[Any]:
        entry = _new_entry(layout.level, layout.message_start)
        if layout.time_start >= 0:
            start, end = layout.time_start, layout.time_end
            if layout.fraction_start < 0:
                entry[KEY] = slice(start, end)
            else:
                fraction_start, fraction_end = layout.fraction_start, layout.fraction_end
                entry[KEY] = slice(start, fraction_start)
                if fraction_end < end:
                    entry[KEY_TAIL] = slice(fraction_end, end)
                entry[FRACTION] = slice(fraction_start, min(fraction_end, fraction_start + 6))
        return entry

    def _variant(self, base: list[Any], line: str) -> list[Any]:
        """The entry of the lines of ``base``'s shape with ``line``'s variant digits."""
        record = self.format.parse(line)
        assert record is not None  # same shape: the same path through the pattern
        entry = _new_entry(record.level, base[START])
        entry[KEY:FRACTION + 1] = base[KEY:FRACTION + 1]
        entry[SHARED] = base[SHARED]
        base[VARIANTS][line[base[VARIANT]]] = entry
        return entry

    def _message(self, entry: list[Any], line: str) -> str:
        if entry[MESSAGE] is not None:
            return entry[MESSAGE]
        if entry[START] >= 0:
            return line[entry[START]:]
        record = self.format.parse(line)  # a message rebuilt from parts (access logs)
        assert record is not None
        return record.message

    def _one_off(self, line: str) -> list[Any]:
        """The entry of one line read by ``LogFormat.parse`` (JSON, long lines...)."""
        record = self.format.parse(line) if line else None
        if record is None:
            return _CONTINUATION_LINE
        return _new_entry(record.level, message=record.message, time=record.time,
                          zone_known=record.zone_known, maybe_continuation=(
                              self.format.name == "plain" and bool(_CONTINUATION.match(line))))

    def _count(self, entry: list[Any], line: str, micros: int | None, number: int) -> int:
        """Count one record whose template the entry does not know yet; returns its id."""
        self.records += 1
        self.levels[entry[LEVEL]] += 1
        message = self._message(entry, line)
        newline = message.find("\n")
        first_line = message if newline < 0 else message[:newline]
        masked = mask(first_line)
        template_id = self.miner.add(masked, masked=True)
        self.template_counts[template_id] += 1
        if template_id not in self.template_first:
            self.template_first[template_id] = (
                None if micros is None else from_micros(micros), number)
            self.restart_template[template_id] = bool(_RESTART.search(first_line, 0, 300))
        rank = entry[RANK]
        if rank > self.template_rank.get(template_id, -2):
            self.template_rank[template_id] = rank
        if entry[SHARED] and self.miner.lookup(masked) == template_id:
            # Every later line of this shape has this template: count them on the entry.
            entry[TEMPLATE] = template_id
            entry[FINISH] = entry[FINISH] or self.restart_template[template_id]
        return template_id

    def _pending_entry(self, number: int, line: str, micros: int | None, entry: list[Any],
                       template_id: int) -> _Entry:
        message = self._message(entry, line)
        time = None if micros is None else from_micros(micros)
        return _Entry(number, number, time, entry[RANK], message, line[:2000], template_id,
                      entry if entry[SHARED] else None)

    def _headless(self, number: int, line: str) -> _Entry:
        """A first line that continues nothing: a record without a header, level or time."""
        entry = _new_entry(None, message=line)
        return _Entry(number, number, None, -1, line, line,
                      self._count(entry, line, None, number), None)

    def close(self) -> None:
        """End of the file: finish the last record and fold the shape counters in."""
        if self._pending is not None:
            self._finish(self._pending)
            self._pending = None
        entries = [entry for entry in self.shapes.values() if entry is not _CONTINUATION_LINE]
        entries += [variant for entry in entries if entry[VARIANTS]
                    for variant in entry[VARIANTS].values()]
        for entry in entries:
            if not entry[COUNT]:
                continue
            count, template_id, rank = entry[COUNT], entry[TEMPLATE], entry[RANK]
            self.records += count
            self.levels[entry[LEVEL]] += count
            self.template_counts[template_id] += count
            if rank > self.template_rank.get(template_id, -2):
                self.template_rank[template_id] = rank
        if self.first_micros is not None and self.last_micros is not None:
            self.first_time = from_micros(self.first_micros)
            self.last_time = from_micros(self.last_micros)
        self.gaps = [(from_micros(start), from_micros(end), line)
                     for start, end, line in self.gap_micros]

    def _finish(self, entry: _Entry) -> None:
        """The work a record needs once all its lines are in: restarts, stack traces,
        known issues, events."""
        message = entry.message
        newline = message.find("\n")
        first_line = message if newline < 0 else message[:newline]
        template_id = entry.template_id
        if self.restart_template[template_id]:
            self.restarts.append((entry.time, entry.line, first_line))
            self._event(entry.time, entry, Severity.MEDIUM, f"restart: {_short(first_line, 160)}",
                        ("restart", entry.line))
        continuation = entry.continuation
        if newline >= 0:
            continuation = message[newline + 1:].split("\n") + continuation
        rank = entry.rank
        if continuation or rank >= WARNING_RANK or rank < 0:
            self._inspect(entry, first_line, continuation, rank, template_id)

    def _inspect(self, entry: _Entry, first_line: str, continuation: list[str], rank: int,
                 template_id: int) -> None:
        time = entry.time
        locator = LineLocator(entry.line, entry.end_line)
        if continuation or "xception" in first_line or "rror" in first_line or \
                first_line.startswith(("Traceback", "panic:")):
            info = parse_exception(first_line, continuation)
            if info is not None:
                self.exception_count += 1
                signature = info.signature
                group = self.exceptions.get(signature)
                if group is None:
                    example = "\n".join([entry.first_text, *continuation[:25]])
                    group = self.exceptions[signature] = _Group(
                        info.type, extra={"type": info.type, "message": info.message,
                                          "frames": list(info.frames),
                                          "root_cause": info.root_cause,
                                          "language": info.language,
                                          "example": _short(example, 4000)})
                group.add(time, Evidence(self.path, locator, _short(entry.first_text)),
                          max(rank, 0))
        if rank < 0 or rank >= WARNING_RANK:
            # The first line and the exception lines of a trace (not its frames).
            causes = [line for line in continuation[:MAX_EVENT_LINES]
                      if line and not line[0].isspace()][:5]
            text = "\n".join([first_line, *causes]) if causes else first_line
            hint = None
            shape_entry = entry.shape_entry
            if not causes and shape_entry is not None:
                hint = shape_entry[KNOWN_HINT]
                if hint is None:
                    hint = shape_entry[KNOWN_HINT] = self.knowledge.shape_has_required(
                        shape(first_line))
            signature_match = self.knowledge.match(text, hint)
            if signature_match is not None:
                self._known(signature_match, entry, locator)
        if rank >= ERROR_RANK:
            severity = Severity.HIGH if rank > ERROR_RANK else Severity.MEDIUM
            minute = _minute(time) if time else entry.line
            self._event(time, entry, severity, _short(first_line, 200),
                        ("error", template_id, minute))

    def _known(self, signature: Signature, entry: _Entry, locator: LineLocator) -> None:
        group = self.known.get(signature.id)
        if group is None:
            group = self.known[signature.id] = _Group(signature.title,
                                                      extra={"signature": signature})
        group.add(entry.time, Evidence(self.path, locator, _short(entry.first_text)), 0)
        minute = _minute(entry.time) if entry.time else entry.line
        self._event(entry.time, entry, signature.severity,
                    f"{signature.title}: {_short(entry.message, 160)}",
                    ("known", signature.id, minute))

    def _event(self, time: datetime | None, entry: _Entry, severity: Severity, message: str,
               key: tuple[Any, ...]) -> None:
        if time is None or len(self.events) >= MAX_EVENTS or key in self._event_keys:
            return
        self._event_keys.add(key)
        self.events.append(Event(time, self.path, LineLocator(entry.line, entry.end_line),
                                 severity, EventSource.LOG, message))

    # --- findings -----------------------------------------------------------------------

    def _zone_written(self) -> bool:
        """Whether most timed records carry their zone (``stats["time_zone"]``)."""
        return bool(self.timed) and self.zone_known * 2 >= self.timed

    def _when(self, moment: datetime, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
        """A time for a finding's title or detail: UTC when the log writes its zone, else
        as the log writes it and said so (the timeline infers the real offset)."""
        suffix = " UTC" if self._zone_written() else " (log time, no zone)"
        return f"{moment:{pattern}}{suffix}"

    def findings(self) -> Iterator[Finding]:
        yield from self._exception_findings()
        yield from self._burst_findings()
        yield from self._new_error_findings()
        yield from self._restart_findings()
        yield from self._gap_findings()
        yield from self._known_findings()

    def _exception_findings(self) -> Iterator[Finding]:
        ranked = sorted(self.exceptions.items(), key=lambda item: (-item[1].count, item[0]))
        for signature, group in ranked[:MAX_FINDINGS_PER_RULE]:
            extra = group.extra
            cause = f", caused by {extra['root_cause']}" if extra["root_cause"] else ""
            severity = Severity.HIGH if group.count >= 10 or group.worst_rank > ERROR_RANK \
                else None
            frames = extra["frames"]
            yield EXCEPTION.finding(
                f"{extra['type']} x{group.count}{cause}", analyzer="logs", severity=severity,
                detail=(f"{group.count} occurrence(s) of {extra['type']}"
                        + (f" at {frames[0]}" if frames else "")
                        + f". Example:\n{extra['example']}"),
                count=group.count, first_seen=group.first, last_seen=group.last,
                evidence=group.evidence,
                facts={"signature": signature, "type": extra["type"],
                       "message": _short(extra["message"]), "frames": frames,
                       "root_cause": extra["root_cause"], "language": extra["language"]})

    def _span_minutes(self) -> int:
        if not self.per_minute:
            return 0
        return max(self.per_minute) - min(self.per_minute) + 1

    def _burst_findings(self) -> Iterator[Finding]:
        span = self._span_minutes()
        total = sum(self.errors_per_minute.values())
        if span < 10 or total < 10:
            return
        baseline = total / span
        threshold = max(10.0, 5 * baseline)
        windows: list[list[int]] = []
        for minute in sorted(self.errors_per_minute):
            if self.errors_per_minute[minute] < threshold:
                continue
            if windows and minute - windows[-1][-1] <= 1:
                windows[-1].append(minute)
            else:
                windows.append([minute])
        # A "burst" covering most of the log is the log's normal state, not a burst.
        windows = [w for w in windows if len(w) <= max(1, span // 3)]
        for window in windows[:MAX_FINDINGS_PER_RULE]:
            count = sum(self.errors_per_minute[m] for m in window)
            peak = max(self.errors_per_minute[m] for m in window)
            start, end = _at(window[0]), _at(window[-1] + 1)
            yield ERROR_BURST.finding(
                f"Error burst: {count} errors in {len(window)} min from "
                f"{self._when(start, '%H:%M')} ({peak}/min vs {baseline:.1f}/min baseline)",
                analyzer="logs",
                detail=(f"Between {self._when(start)} and {self._when(end)} the log has "
                        f"{count} error records, peaking at {peak} per minute, against an "
                        f"average of {baseline:.2f} per minute over the whole log."),
                count=count, first_seen=start, last_seen=end,
                evidence=self._evidence_in(start, end),
                facts={"window_start": format_time(start), "window_end": format_time(end),
                       "errors": count, "peak_per_minute": peak,
                       "baseline_per_minute": round(baseline, 3)})

    def _evidence_in(self, start: datetime, end: datetime) -> list[Evidence]:
        found = [Evidence(e.artifact, e.locator, e.message) for e in self.events
                 if start <= e.time < end and e.severity >= Severity.MEDIUM]
        return found[:3]

    def _new_error_findings(self) -> Iterator[Finding]:
        if self.first_time is None or self.last_time is None:
            return
        span = self.last_time - self.first_time
        if span < timedelta(minutes=10):
            return
        settle = self.first_time + max(span / 10, timedelta(minutes=5))
        new = []
        for template_id, rank in self.template_rank.items():
            first_time, line = self.template_first[template_id]
            if rank >= ERROR_RANK and first_time is not None and first_time > settle:
                new.append((first_time, template_id, line))
        new.sort(key=lambda item: (-self.template_counts[item[1]], item[0], item[1]))
        for first_time, template_id, line in new[:MAX_FINDINGS_PER_RULE]:
            template = self.miner.template(template_id)
            count = self.template_counts[template_id]
            yield NEW_ERROR.finding(
                f"New error since {self._when(first_time, '%Y-%m-%d %H:%M')}: "
                f"{_short(template, 120)}",
                analyzer="logs",
                detail=(f"This error message never appears in the first "
                        f"{(first_time - self.first_time)} of the log, then {count} time(s) "
                        f"from {self._when(first_time)}: something changed then (a deploy, "
                        f"a configuration change, a dependency failing)."),
                count=count, first_seen=first_time,
                evidence=[Evidence(self.path, LineLocator(line), _short(template))],
                facts={"template_id": template_id, "template": _short(template, 500),
                       "first_seen": format_time(first_time)})

    def _restart_findings(self) -> Iterator[Finding]:
        # "Starting..." and "Started in 5 s" a few seconds apart are one start.
        restarts: list[tuple[datetime | None, int, str]] = []
        for time, line, text in self.restarts:
            previous = restarts[-1][0] if restarts else None
            if previous is not None and time is not None and \
                    timedelta(0) <= time - previous < timedelta(minutes=2):
                continue
            restarts.append((time, line, text))
        # A start announced at the very beginning is the process starting, not restarting.
        if restarts and restarts[0][1] <= 20:
            restarts = restarts[1:]
        if not restarts:
            return
        times = [t for t, _, _ in restarts if t is not None]
        crash_loop = len(restarts) >= 3
        severity = Severity.HIGH if crash_loop else None
        yield RESTART.finding(
            f"{len(restarts)} restart(s)" + (" (crash loop)" if crash_loop else ""),
            analyzer="logs", severity=severity,
            detail=("The log shows the process starting again "
                    + (f"from {self._when(times[0])} to {self._when(times[-1])}"
                       if times else "")
                    + ". Look at what was logged just before each start."),
            count=len(restarts), first_seen=times[0] if times else None,
            last_seen=times[-1] if times else None,
            evidence=[Evidence(self.path, LineLocator(line), _short(text))
                      for _, line, text in restarts[:5]],
            facts={"restarts": len(restarts),
                   "times": [format_time(t) for t in times[:20]],
                   "crash_loop": crash_loop})

    def _gap_findings(self) -> Iterator[Finding]:
        reported = 0
        for start, end, line in self.gaps:
            silence = (end - start).total_seconds()
            if silence < 300:
                continue
            start_minute = _minute(start)
            before = sum(self.per_minute.get(m, 0) for m in range(start_minute - 9,
                                                                  start_minute + 1))
            rate = before / 10
            # Busy: two records a minute or more, and the silence is worth a hundred of them
            # and twenty of the log's usual intervals.
            if rate < 2 or rate * silence / 60 < 100 or silence < 20 * 60 / rate:
                continue
            reported += 1
            if reported > MAX_FINDINGS_PER_RULE:
                return
            yield GAP.finding(
                f"Log silent for {silence / 60:.0f} min from "
                f"{self._when(start, '%Y-%m-%d %H:%M')}",
                analyzer="logs",
                detail=(f"About {rate:.0f} records per minute before, then nothing from "
                        f"{self._when(start)} to {self._when(end)}: the process may have "
                        f"hung, stopped, or lost its log."),
                first_seen=start, last_seen=end,
                evidence=[Evidence(self.path, LineLocator(max(1, line - 1), line),
                                   f"{silence:.0f} s without a record")],
                facts={"silence_seconds": int(silence), "from": format_time(start),
                       "to": format_time(end), "rate_before_per_minute": round(rate, 2)})

    def _known_findings(self) -> Iterator[Finding]:
        for _, group in sorted(self.known.items(), key=lambda item: (-item[1].count, item[0])):
            signature: Signature = group.extra["signature"]
            yield KNOWN_ISSUE.finding(
                f"{signature.title} x{group.count}", analyzer="logs",
                severity=signature.severity,
                detail=f"{group.count} line(s) match the known issue {signature.id}.",
                count=group.count, first_seen=group.first, last_seen=group.last,
                evidence=group.evidence, remediation=signature.remediation,
                references=list(signature.references),
                facts={"signature": signature.id, "title": signature.title,
                       "remediation": signature.remediation})

    def stats(self, lines: int, problems: dict[str, int],
              default_year_from: str = "current-year") -> dict[str, Any]:
        """The ``logs`` stats; ``default_year_from`` names where ``default_year`` came from,
        for ``year_from`` when no modification time placed the timestamps without a year."""
        levels = {name: self.levels[name] for name in (*LEVEL_ORDER, "none")
                  if self.levels.get(name)}
        top = [{"id": tid, "template": _short(self.miner.template(tid), 300), "count": count,
                "level": LEVEL_ORDER[self.template_rank[tid]]
                if self.template_rank.get(tid, -1) >= 0 else None}
               for tid, count in sorted(self.template_counts.items(),
                                        key=lambda item: (-item[1], item[0]))[:20]]
        year_source = self.format.year_source
        zone = "none" if not self.timed else ("explicit" if self._zone_written() else "unknown")
        return {
            "lines": lines,
            "events": self.records,
            "format": self.format.name,
            "timestamp_format": self.format.time_format.name if self.format.time_format
            else None,
            **({"year_from": "file-modified" if year_source == "anchor" else default_year_from}
               if year_source else {}),
            "time_range": [format_time(self.first_time), format_time(self.last_time)]
            if self.first_time else None,
            "time_zone": zone,
            "levels": levels,
            "templates": len(self.miner),
            "exceptions": self.exception_count,
            "exception_signatures": len(self.exceptions),
            "restarts": len(self.restarts),
            "known_issues": {k: g.count for k, g in sorted(self.known.items())},
            "top_templates": top,
            **problems,
        }


class LogAnalyzer:
    """The ``logs`` analyzer (see the module doc).

    Attributes:
        knowledge: the known-issue signatures matched against records.
        default_year: the year of timestamps that carry none, when the artifact's
            modification time is unknown; ``None``: the current year.
    """

    name = "logs"
    kinds = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT})
    rules = (EXCEPTION, ERROR_BURST, NEW_ERROR, RESTART, GAP, KNOWN_ISSUE)

    def __init__(self, knowledge: KnowledgeBase | None = None,
                 default_year: int | None = None) -> None:
        self._knowledge = knowledge
        self._known_issues: KnownIssues | None = None
        self.default_year = default_year

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            self._knowledge = KnowledgeBase.load()
        return self._knowledge

    def analyze(self, source: ArtifactSource,
                context: AnalysisContext) -> Iterator[AnalyzerItem]:
        path = source.artifact.path
        size = max(1, source.artifact.size)
        year = self.default_year or datetime.now(UTC).year
        anchor = source.artifact.modified
        reader = _LineReader()
        analysis: _FileAnalysis | None = None
        sample: list[tuple[int, list[str], list[str]]] = []
        sampled = 0
        next_progress = PROGRESS_BYTES
        try:
            with source.open() as stream:
                for number, lines, shapes in reader.blocks(stream):
                    if analysis is None:
                        sample.append((number, lines, shapes))
                        sampled += len(lines)
                        if sampled < SAMPLE_LINES:
                            continue
                        analysis = self._start(path, sample, year, anchor)
                        sample = []
                    else:
                        analysis.feed(number, lines, shapes)
                    context.check_cancelled()
                    if reader.bytes_read >= next_progress:
                        context.progress(min(1.0, reader.bytes_read / size))
                        next_progress = reader.bytes_read + PROGRESS_BYTES
        except (OSError, EOFError, ValueError) as exc:
            # A truncated gzip member or an unreadable stream: keep what was read.
            context.warn(f"{path}: reading stopped at line {reader.lines}: "
                         f"{type(exc).__name__}: {exc}")
        if analysis is None:
            analysis = self._start(path, sample, year, anchor)
        analysis.close()
        problems = reader.problems
        for key, what in (("invalid_utf8_lines", "lines with invalid UTF-8 (replaced)"),
                          ("binary_lines", "lines with binary data (NUL bytes, skipped)"),
                          ("long_lines", f"lines longer than {MAX_LINE:,} bytes (cut)")):
            if problems[key]:
                context.warn(f"{path}: {problems[key]:,} {what}")
        context.progress(1.0)
        yield from analysis.findings()
        yield from analysis.events
        yield Stats(analysis.stats(reader.lines, problems,
                                   "default-year" if self.default_year else "current-year"))

    def _start(self, path: str, sample: list[tuple[int, list[str], list[str]]],
               year: int, anchor: datetime | None) -> _FileAnalysis:
        """Detect the format from the first ``SAMPLE_LINES`` lines, then read them."""
        first_lines = [line for _, lines, _ in sample for line in lines][:SAMPLE_LINES]
        if self._known_issues is None or self._known_issues.knowledge is not self.knowledge:
            self._known_issues = KnownIssues(self.knowledge)
        analysis = _FileAnalysis(path, self._known_issues,
                                 detect(first_lines, year, anchor=anchor))
        for number, lines, shapes in sample:
            analysis.feed(number, lines, shapes)
        return analysis


class _LineReader:
    """Reads a stream in blocks and hands out runs of decoded lines with their shapes.

    A block of whole lines that is valid UTF-8, has no NUL byte, no carriage return and no
    line of ``MAX_LINE`` bytes or more is decoded, shaped and split in one call each. Any
    other block is read line by line with exactly the old rules: invalid UTF-8 is replaced
    and counted, a line with a NUL byte is counted and skipped (it still has its number), a
    line of ``MAX_LINE`` bytes or more is cut there, and line ends (``\\r\\n``) are dropped.

    Attributes:
        lines: lines read so far (the number of the last one).
        bytes_read: bytes read so far.
        problems: ``invalid_utf8_lines``, ``binary_lines``, ``long_lines`` counts.
    """

    def __init__(self) -> None:
        self.lines = 0
        self.bytes_read = 0
        self.problems = {"invalid_utf8_lines": 0, "binary_lines": 0, "long_lines": 0}

    def blocks(self, stream: Any) -> Iterator[tuple[int, list[str], list[str]]]:
        """``(number of the line before the run, lines, their shapes)``."""
        # ``read1`` returns what one read of the stream gave: when a truncated gzip member
        # raises, only that read is lost, not a whole block.
        read = getattr(stream, "read1", stream.read)
        carry = b""
        skipping = False  # inside the unread rest of a long line
        while True:
            data = read(BLOCK)
            if not data:
                break
            self.bytes_read += len(data)
            if skipping:
                end = data.find(b"\n")
                if end < 0:
                    continue
                data = data[end + 1:]
                skipping = False
            cut = data.rfind(b"\n")
            if cut < 0:
                carry += data
                if len(carry) >= MAX_LINE:
                    yield from self._slow(carry[:MAX_LINE] + b"\n")
                    carry = b""
                    skipping = True
                continue
            block = carry + data[:cut + 1] if carry else data[:cut + 1]
            carry = data[cut + 1:]
            yield from self._block(block)
        if carry and not skipping:
            yield from self._slow(carry + b"\n")

    def _block(self, block: bytes) -> Iterator[tuple[int, list[str], list[str]]]:
        if len(block) >= MAX_LINE or b"\0" in block:
            yield from self._slow(block)
            return
        try:
            text = block[:-1].decode("utf-8")
        except UnicodeDecodeError:
            yield from self._slow(block)
            return
        lines = text.split("\n")
        if "\r" in text:
            lines = [line.rstrip("\r") for line in lines]
            text = "\n".join(lines)
        number = self.lines
        self.lines += len(lines)
        yield number, lines, shape(text).split("\n")

    def _slow(self, block: bytes) -> Iterator[tuple[int, list[str], list[str]]]:
        """Line by line; ``block`` ends with a line end."""
        run: list[str] = []
        number = self.lines
        for raw in block[:-1].split(b"\n"):
            self.lines += 1
            if len(raw) >= MAX_LINE:
                self.problems["long_lines"] += 1
                raw = raw[:MAX_LINE]
            if b"\0" in raw:
                self.problems["binary_lines"] += 1
                if run:
                    yield number, run, shape("\n".join(run)).split("\n")
                run, number = [], self.lines
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.problems["invalid_utf8_lines"] += 1
                text = raw.decode("utf-8", "replace")
            run.append(text.rstrip("\r"))
        if run:
            yield number, run, shape("\n".join(run)).split("\n")
