"""The ``logs`` analyzer: formats, levels, stack traces, templates, bursts, known issues.

For one log artifact it detects the format from the first lines (``inspector.logformat``),
folds every line that does not start a record (stack frames, ``Caused by:``, tracebacks,
goroutine dumps) into the record before it, and then, per record: counts its level, mines
its template (``inspector.templates``), parses its stack trace, matches the knowledge base
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
- Restarts and "is this a known issue" are decided once per template, or per record only
  for records at warning level and above (or without a level), which keeps the hot loop
  to a header match, a dict lookup and a few counters per line.
- Times without a zone are kept as UTC and ``stats["time_zone"]`` says ``"unknown"``; the
  timeline (``inspector.timeline``) infers the offset. A syslog timestamp without a year
  takes the current year (``default_year`` overrides it, tests pin it).
- The analyzer runs per artifact; the order of rotated files (``app.log.2.gz``,
  ``app.log.1``, ``app.log``) is ``inspector.logformat.stitch_order``.
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

from inspector.knowledge import KnowledgeBase, Signature
from inspector.logformat import LEVEL_ORDER, LEVEL_RANK, LogFormat, Record, detect
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
from inspector.templates import TemplateMiner, mask

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


# --- per-file state -------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One record being assembled: its first line and the lines folded into it."""

    line: int
    end_line: int
    record: Record
    first_text: str
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


def _at(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _FileAnalysis:
    """Everything learnt from one file; ``add`` takes records in order, ``results`` ends."""

    def __init__(self, path: str, knowledge: KnowledgeBase, log_format: LogFormat) -> None:
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
        self.first_time: datetime | None = None
        self.last_time: datetime | None = None
        self.previous_time: datetime | None = None
        self.zone_known = 0
        self.timed = 0
        self.gaps: list[tuple[datetime, datetime, int]] = []
        self.exceptions: dict[str, _Group] = {}
        self.exception_count = 0
        self.known: dict[str, _Group] = {}
        self.restarts: list[tuple[datetime | None, int, str]] = []
        self.events: list[Event] = []
        self._event_keys: set[tuple[Any, ...]] = set()

    def add(self, entry: _Entry) -> None:
        record = entry.record
        self.records += 1
        level = record.level
        rank = LEVEL_RANK[level] if level else -1
        self.levels[level or "none"] += 1
        time = record.time
        if time is not None:
            self.timed += 1
            self.zone_known += record.zone_known
            if self.first_time is None or time < self.first_time:
                self.first_time = time
            if self.last_time is None or time > self.last_time:
                self.last_time = time
            # Merged or multi-threaded logs go back and forth a little: a gap is measured
            # from the latest time seen so far.
            previous = self.previous_time
            if previous is None or time > previous:
                if previous is not None and (time - previous).total_seconds() >= 60:
                    self.gaps.append((previous, time, entry.line))
                self.previous_time = time
            minute = _minute(time)
            self.per_minute[minute] += 1
            if rank >= ERROR_RANK:
                self.errors_per_minute[minute] += 1
        message = record.message
        newline = message.find("\n")
        first_line = message if newline < 0 else message[:newline]
        template_id = self.miner.add(first_line)
        self.template_counts[template_id] += 1
        if template_id not in self.template_first:
            self.template_first[template_id] = (time, entry.line)
            self.restart_template[template_id] = bool(_RESTART.search(first_line, 0, 300))
        if rank > self.template_rank.get(template_id, -2):
            self.template_rank[template_id] = rank
        if self.restart_template[template_id]:
            self.restarts.append((time, entry.line, first_line))
            self._event(time, entry, Severity.MEDIUM, f"restart: {_short(first_line, 160)}",
                        ("restart", entry.line))
        continuation = entry.continuation
        if newline >= 0:
            continuation = message[newline + 1:].split("\n") + continuation
        if continuation or rank >= WARNING_RANK or rank < 0:
            self._inspect(entry, first_line, continuation, rank, template_id)

    def _inspect(self, entry: _Entry, first_line: str, continuation: list[str], rank: int,
                 template_id: int) -> None:
        record = entry.record
        time = record.time
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
            signature_match = self.knowledge.match(text)
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
        group.add(entry.record.time, Evidence(self.path, locator, _short(entry.first_text)),
                  0)
        minute = _minute(entry.record.time) if entry.record.time else entry.line
        self._event(entry.record.time, entry, signature.severity,
                    f"{signature.title}: {_short(entry.record.message, 160)}",
                    ("known", signature.id, minute))

    def _event(self, time: datetime | None, entry: _Entry, severity: Severity, message: str,
               key: tuple[Any, ...]) -> None:
        if time is None or len(self.events) >= MAX_EVENTS or key in self._event_keys:
            return
        self._event_keys.add(key)
        self.events.append(Event(time, self.path, LineLocator(entry.line, entry.end_line),
                                 severity, EventSource.LOG, message))

    # --- findings -----------------------------------------------------------------------

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
                f"{start:%H:%M} UTC ({peak}/min vs {baseline:.1f}/min baseline)",
                analyzer="logs",
                detail=(f"Between {format_time(start)} and {format_time(end)} the log has "
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
                f"New error since {first_time:%Y-%m-%d %H:%M} UTC: {_short(template, 120)}",
                analyzer="logs",
                detail=(f"This error message never appears in the first "
                        f"{(first_time - self.first_time)} of the log, then {count} time(s) "
                        f"from {format_time(first_time)}: something changed then (a deploy, "
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
                    + (f"from {format_time(times[0])} to {format_time(times[-1])}"
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
                f"Log silent for {silence / 60:.0f} min from {start:%Y-%m-%d %H:%M} UTC",
                analyzer="logs",
                detail=(f"About {rate:.0f} records per minute before, then nothing from "
                        f"{format_time(start)} to {format_time(end)}: the process may have "
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

    def stats(self, lines: int, problems: dict[str, int]) -> dict[str, Any]:
        levels = {name: self.levels[name] for name in (*LEVEL_ORDER, "none")
                  if self.levels.get(name)}
        top = [{"id": tid, "template": _short(self.miner.template(tid), 300), "count": count,
                "level": LEVEL_ORDER[self.template_rank[tid]]
                if self.template_rank.get(tid, -1) >= 0 else None}
               for tid, count in sorted(self.template_counts.items(),
                                        key=lambda item: (-item[1], item[0]))[:20]]
        zone = "none" if not self.timed else (
            "explicit" if self.zone_known * 2 >= self.timed else "unknown")
        return {
            "lines": lines,
            "events": self.records,
            "format": self.format.name,
            "timestamp_format": self.format.time_format.name if self.format.time_format
            else None,
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
        default_year: the year of timestamps that carry none.
    """

    name = "logs"
    kinds = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT})
    rules = (EXCEPTION, ERROR_BURST, NEW_ERROR, RESTART, GAP, KNOWN_ISSUE)

    def __init__(self, knowledge: KnowledgeBase | None = None,
                 default_year: int | None = None) -> None:
        self._knowledge = knowledge
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
        problems = {"invalid_utf8_lines": 0, "binary_lines": 0, "long_lines": 0}
        lines = 0
        analysis: _FileAnalysis | None = None
        pending: list[tuple[int, str]] = []
        current: _Entry | None = None
        read_bytes = 0
        try:
            with source.open() as stream:
                while True:
                    raw = stream.readline(MAX_LINE)
                    if not raw:
                        break
                    lines += 1
                    read_bytes += len(raw)
                    if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
                        problems["long_lines"] += 1
                        read_bytes += _skip_rest_of_line(stream)
                    if b"\0" in raw:
                        problems["binary_lines"] += 1
                        continue
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        problems["invalid_utf8_lines"] += 1
                        text = raw.decode("utf-8", "replace")
                    text = text.rstrip("\r\n")
                    if analysis is None:
                        pending.append((lines, text))
                        if len(pending) < SAMPLE_LINES:
                            continue
                        analysis = self._start(path, pending, year)
                        for number, sample in pending:
                            current = _feed(analysis, current, number, sample)
                        pending = []
                        continue
                    current = _feed(analysis, current, lines, text)
                    if lines % 65536 == 0:
                        context.check_cancelled()
                        context.progress(min(1.0, read_bytes / size))
        except (OSError, EOFError, ValueError) as exc:
            # A truncated gzip member or an unreadable stream: keep what was read.
            context.warn(f"{path}: reading stopped at line {lines}: {type(exc).__name__}: "
                         f"{exc}")
        if analysis is None:
            analysis = self._start(path, pending, year)
            for number, sample in pending:
                current = _feed(analysis, current, number, sample)
        if current is not None:
            analysis.add(current)
        for key, what in (("invalid_utf8_lines", "lines with invalid UTF-8 (replaced)"),
                          ("binary_lines", "lines with binary data (NUL bytes, skipped)"),
                          ("long_lines", f"lines longer than {MAX_LINE:,} bytes (cut)")):
            if problems[key]:
                context.warn(f"{path}: {problems[key]:,} {what}")
        context.progress(1.0)
        yield from analysis.findings()
        yield from analysis.events
        yield Stats(analysis.stats(lines, problems))

    def _start(self, path: str, sample: list[tuple[int, str]], year: int) -> _FileAnalysis:
        return _FileAnalysis(path, self.knowledge, detect([t for _, t in sample], year))


def _skip_rest_of_line(stream: Any) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(MAX_LINE)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _feed(analysis: _FileAnalysis, current: _Entry | None, number: int,
          text: str) -> _Entry | None:
    """Add one line: it starts a new record, or is folded into the current one."""
    log_format = analysis.format
    record = log_format.parse(text) if text else None
    if record is not None and log_format.name == "plain" and current is not None and \
            _CONTINUATION.match(text):
        record = None  # no headers to go by: a frame-looking line continues the record
    if record is None:
        if current is None:
            return _Entry(number, number, Record(None, False, None, None, text), text)
        current.end_line = number
        if len(current.continuation) < MAX_EVENT_LINES and text:
            current.continuation.append(text[:2000])
        return current
    if current is not None:
        analysis.add(current)
    return _Entry(number, number, record, text[:2000])
