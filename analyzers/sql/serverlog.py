"""Database server logs: PostgreSQL (stderr and csvlog) and the MySQL error log.

Three parsers turn a log into ``LogEntry`` s, one per message:

- ``parse_postgres_stderr`` reads stderr logs with any ``log_line_prefix`` that puts a
  timestamp first. Tab-indented lines continue the message before them, and DETAIL,
  STATEMENT (and HINT, CONTEXT...) lines from the same process attach to it.
- ``parse_postgres_csv`` reads csvlog, whose rows carry the SQLSTATE, detail and query.
- ``parse_mysql_error_log`` reads ``<time> [<thread>] [ERROR|Warning|Note|System]`` lines;
  untimed lines after one belong to it.

``ServerLogFindings`` turns the entries into findings, timeline events and stats: errors
grouped by SQLSTATE (or by message template when there is none), connection exhaustion,
authentication failures and lock timeouts (each by SQLSTATE or by its message),
PostgreSQL's ``deadlock detected`` with the processes, waits and victim statement from its
DETAIL, and ``duration:`` statements grouped like slow-log query classes. InnoDB deadlock
reports are not line-structured; ``deadlock`` reads them.

Times without a zone (MySQL 5.x error logs) are taken as UTC; a PostgreSQL zone
abbreviation not in ``_ZONES`` is taken as UTC with one warning per abbreviation.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

from analyzers.sql.excerpts import MAX_EVENTS, excerpt
from analyzers.sql.fingerprint import fingerprint
from analyzers.sql.query_classes import QueryClass, query_findings, rank_classes
from analyzers.sql.rules import (
    ANALYZER,
    AUTH_FAILED,
    CONNECTIONS_EXHAUSTED,
    DEADLOCK,
    ERRORS,
    LOCK_TIMEOUT,
)
from inspector.model import Event, EventSource, Evidence, Finding, LineLocator, Severity
from inspector.plugins import AnalysisContext
from inspector.privacy.secrets import mask_passwords

# Bytes of one line read; the rest of a longer line is dropped.
LINE_CAP = 64 * 1024

_POSTGRES_LEVELS = ("LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5]?|STATEMENT|DETAIL|"
                    "HINT|CONTEXT|QUERY|LOCATION")
# A PostgreSQL stderr line: any prefix, then ``LEVEL:  message``.
POSTGRES_LINE = re.compile(r"^(?P<prefix>[^\t].{0,300}?)(?<![A-Za-z])(?P<level>"
                           + _POSTGRES_LEVELS + r"):  ?(?P<message>.*)$", re.S)
# A csvlog row: its time, then fields up to the level and a SQLSTATE.
POSTGRES_CSV_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} [\d:.]+(?: [A-Z]{2,5})?,[^\n]*?,(?:"
                               + _POSTGRES_LEVELS + r"),[0-9A-Z]{5},")
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[A-Z]{2,5}\b|[+-]\d{2}(?::?\d{2})?)?")
_PID = re.compile(r"\[(\d+)\]")
_SQLSTATE = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{5})(?::|\s)")
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180,
          "WET": 0, "WEST": 60, "MSK": 180, "IST": 330, "JST": 540, "KST": 540, "AEST": 600,
          "AEDT": 660, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420,
          "MDT": -360, "PST": -480, "PDT": -420, "BST": 60, "HKT": 480, "SGT": 480}
# A MySQL error-log line: 5.7/8.0 ISO times or 5.x ``YYMMDD hh:mm:ss``, then the level.
MYSQL_ERROR_LINE = re.compile(
    r"^(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?|"
    r"\d{6}\s+\d{1,2}:\d{2}:\d{2})\s+(?:\d+\s+)?\[(?P<level>ERROR|Warning|Note|System|"
    r"Warn|Error)\](?:\s+\[(?P<code>MY-\d+)\])?(?:\s+\[\w+\])?\s*(?P<message>.*)$")
_TEMPLATE_LITERALS = re.compile(r"\"[^\"]*\"|'[^']*'|\b0x[0-9a-fA-F]+\b|\b\d+(?:\.\d+)?\b")

_CONNECTION_EXHAUSTED = re.compile(
    r"too many (?:clients|connections)|remaining connection slots are reserved|"
    r"Too many connections|max_connections", re.I)
_AUTH_FAILED = re.compile(
    r"password authentication failed|no pg_hba\.conf entry|authentication failed for user|"
    r"Access denied for user|role \"[^\"]*\" does not exist", re.I)
_LOCK_TIMEOUT = re.compile(r"lock timeout|Lock wait timeout exceeded", re.I)
_DEADLOCK = re.compile(r"deadlock detected|Deadlock found", re.I)
_DURATION = re.compile(
    r"^duration: (?P<ms>\d+(?:\.\d+)?) ms\s+(?:statement|(?:execute|parse|bind) [^:]*):\s"
    r"(?P<query>.*)$", re.S)
_AUTH_STATES = {"28P01", "28000"}
_CONNECTION_STATES = {"53300", "53400"}
_LOCK_TIMEOUT_STATES = {"55P03"}
_DEADLOCK_STATES = {"40P01"}


@dataclass
class LogEntry:
    """One server-log message with its continuation and DETAIL/STATEMENT companions."""

    time: datetime | None
    level: str
    message: str
    line: int
    end_line: int
    pid: str | None = None
    sqlstate: str | None = None
    detail: list[str] = field(default_factory=list)
    statement: str | None = None


def _parse_time(text: str, context: AnalysisContext, warned: set[str]) -> datetime | None:
    match = _TIMESTAMP.search(text)
    if not match:
        short = re.search(r"(\d{2})(\d{2})(\d{2})\s+(\d{1,2}):(\d{2}):(\d{2})", text)
        if short:
            year, month, day, hour, minute, second = (int(g) for g in short.groups())
            try:
                return datetime(2000 + year, month, day, hour, minute, second, tzinfo=UTC)
            except ValueError:
                return None
        return None
    date, clock, fraction, zone = match.groups()
    try:
        value = datetime.fromisoformat(f"{date}T{clock}{fraction or ''}")
    except ValueError:
        return None
    offset = 0
    if zone:
        if zone[0] in "+-":
            digits = zone[1:].replace(":", "")
            offset = int(digits[:2]) * 60 + int(digits[2:4] or 0)
            offset = -offset if zone[0] == "-" else offset
        elif zone in _ZONES:
            offset = _ZONES[zone]
        elif zone not in warned:
            warned.add(zone)
            context.warn(f"unknown time zone {zone!r}; its times are taken as UTC")
    return (value - timedelta(minutes=offset)).replace(tzinfo=UTC)


def text_lines(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    """Numbered lines, at most ``LINE_CAP`` bytes each, as UTF-8 with bad bytes replaced."""
    for number, raw in enumerate(stream, start=1):
        yield number, raw[:LINE_CAP].decode("utf-8", "replace").rstrip("\r\n")


def parse_postgres_stderr(stream: BinaryIO, context: AnalysisContext) -> Iterator[LogEntry]:
    """Entries of a PostgreSQL stderr log; companions (DETAIL, STATEMENT...) attach to the
    message before them from the same process."""
    warned: set[str] = set()
    current: LogEntry | None = None
    last_companion: str | None = None
    for number, text in text_lines(stream):
        if number % 4096 == 0:
            context.check_cancelled()
        if text.startswith("\t") and current is not None:
            addition = "\n" + text[1:]
            if last_companion == "STATEMENT" and current.statement is not None:
                current.statement += addition
            elif last_companion == "DETAIL" and current.detail:
                current.detail[-1] += addition
            elif last_companion is None:
                current.message += addition
            current.end_line = number
            continue
        match = POSTGRES_LINE.match(text)
        if not match:
            continue
        level, message, prefix = match.group("level"), match.group("message"), match.group(
            "prefix")
        pid_match = _PID.search(prefix)
        pid = pid_match.group(1) if pid_match else None
        if (level in ("STATEMENT", "DETAIL", "HINT", "CONTEXT", "QUERY", "LOCATION")
                and current is not None and (pid is None or current.pid in (None, pid))):
                if level == "STATEMENT":
                    current.statement = message
                elif level == "DETAIL":
                    current.detail.append(message)
                current.end_line = number
                last_companion = level
                continue
        if current is not None:
            yield current
        state = _SQLSTATE.search(prefix[-40:])
        current = LogEntry(_parse_time(prefix, context, warned), level, message, number, number,
                           pid, state.group(1) if state and not state.group(1).isalpha()
                           else None)
        last_companion = None
    if current is not None:
        yield current


_CSV_FIELDS = ("log_time", "user_name", "database_name", "process_id", "connection_from",
               "session_id", "session_line_num", "command_tag", "session_start_time",
               "virtual_transaction_id", "transaction_id", "error_severity", "sql_state_code",
               "message", "detail", "hint", "internal_query", "internal_query_pos", "context",
               "query", "query_pos", "location", "application_name")


def parse_postgres_csv(stream: BinaryIO, context: AnalysisContext) -> Iterator[LogEntry]:
    """Entries of a PostgreSQL csvlog; a row that breaks the CSV ends the read, warned."""
    warned: set[str] = set()
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text)
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if len(row) < 14:
                continue
            record = dict(zip(_CSV_FIELDS, row, strict=False))
            yield LogEntry(_parse_time(record["log_time"], context, warned),
                           record["error_severity"], record["message"], start, line - 1,
                           record["process_id"], record["sql_state_code"] or None,
                           [record["detail"]] if record.get("detail") else [],
                           record.get("query") or None)
    except csv.Error as error:
        context.warn(f"csvlog unreadable after line {line}: {error}")


def parse_mysql_error_log(stream: BinaryIO, context: AnalysisContext) -> Iterator[LogEntry]:
    """Entries of a MySQL error log; untimed lines go to the entry's ``detail``."""
    warned: set[str] = set()
    current: LogEntry | None = None
    for number, text in text_lines(stream):
        if number % 4096 == 0:
            context.check_cancelled()
        match = MYSQL_ERROR_LINE.match(text)
        if match:
            if current is not None:
                yield current
            level = match.group("level").upper().replace("WARN", "WARNING").replace(
                "WARNINGING", "WARNING")
            current = LogEntry(_parse_time(match.group("time"), context, warned),
                               "ERROR" if level == "ERROR" else level, match.group("message"),
                               number, number, sqlstate=match.group("code"))
        elif current is not None and text.strip():
            current.detail.append(text)
            current.end_line = number
    if current is not None:
        yield current


MAX_VARIANTS = 20  # distinct messages a group counts for its title's "and N similar"


def _template(message: str) -> str:
    return _TEMPLATE_LITERALS.sub("?", message.split("\n", 1)[0])[:200]


@dataclass
class _Group:
    """Entries grouped by SQLSTATE or message template. ``title`` is the first entry's own
    message (a title never shows the template's ``?`` placeholders); ``messages`` counts the
    distinct messages, up to ``MAX_VARIANTS``, so the title can say there were others."""

    key: str
    title: str
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)
    messages: set[str] = field(default_factory=set)

    def add(self, entry: LogEntry, path: str) -> None:
        if len(self.messages) <= MAX_VARIANTS:
            self.messages.add(entry.message.split("\n", 1)[0][:300])
        self.count += 1
        if entry.time:
            self.first = min(self.first or entry.time, entry.time)
            self.last = max(self.last or entry.time, entry.time)
        if len(self.evidence) < 3:
            self.evidence.append(Evidence(path, LineLocator(entry.line, entry.end_line),
                                          excerpt(entry.message)))


class ServerLogFindings:
    """Turns the entries of one server log into findings, events and stats.

    Attributes:
        path: the log's artifact path, for evidence and events.
        dialect: ``postgresql`` or ``mysql``, in the facts and stats.
        events: timeline events of ERROR and worse entries, at most ``MAX_EVENTS``.
    """

    def __init__(self, path: str, dialect: str) -> None:
        self.path = path
        self.dialect = dialect
        self.errors: dict[str, _Group] = {}
        self.special: dict[str, _Group] = {}
        self.deadlocks: list[Finding] = []
        self.events: list[Event] = []
        self.levels: Counter[str] = Counter()
        self.classes: dict[str, QueryClass] = {}
        self.entries = 0

    def add(self, entry: LogEntry) -> None:
        """Count one entry into its query class, error group or special group."""
        self.entries += 1
        self.levels[entry.level] += 1
        message = entry.message
        duration = _DURATION.match(message) if entry.level == "LOG" else None
        if duration:
            query = duration.group("query")
            key = fingerprint(query)
            query_class = self.classes.get(key)
            if query_class is None:
                query_class = self.classes[key] = QueryClass(key, latin1_bytes=False)
            query_class.add(query, float(duration.group("ms")) / 1000, 0.0, 0, 0, entry.time,
                            entry.line, None, False)
            return
        state = entry.sqlstate or ""
        special = None
        if state in _DEADLOCK_STATES or _DEADLOCK.search(message):
            self._deadlock(entry)
            special = "deadlock"
        elif state in _CONNECTION_STATES or _CONNECTION_EXHAUSTED.search(message):
            special = "connections"
        elif state in _AUTH_STATES or _AUTH_FAILED.search(message):
            special = "auth"
        elif state in _LOCK_TIMEOUT_STATES or _LOCK_TIMEOUT.search(message):
            special = "lock_timeout"
        if special and special != "deadlock":
            group = self.special.setdefault(special, _Group(special, message))
            group.add(entry, self.path)
        if entry.level in ("ERROR", "FATAL", "PANIC"):
            key = state if state and state != "00000" else _template(message)
            group = self.errors.setdefault(
                key, _Group(key, excerpt(message.split("\n", 1)[0], 200)))
            group.add(entry, self.path)
            if entry.time and len(self.events) < MAX_EVENTS:
                self.events.append(Event(
                    entry.time, self.path, LineLocator(entry.line, entry.end_line),
                    Severity.HIGH if entry.level != "ERROR" or special else Severity.MEDIUM,
                    EventSource.SQL, excerpt(f"{entry.level}: {message}", 200)))

    def _deadlock(self, entry: LogEntry) -> None:
        detail = "\n".join(entry.detail)
        processes = sorted(set(re.findall(r"Process (\d+)", detail)))
        statements = re.findall(r"Process \d+: (.*)", detail)
        waits = re.findall(r"Process (\d+) waits for (\w+) on ([^;]+); blocked by process (\d+)",
                           detail)
        self.deadlocks.append(DEADLOCK.finding(
            f"Deadlock between {len(processes) or 2} transactions"
            + (f" (processes {', '.join(processes)})" if processes else ""), analyzer=ANALYZER,
            detail=(f"{entry.message}\n{mask_passwords(detail)}"
                    + (f"\nVictim statement: {excerpt(entry.statement)}" if entry.statement
                       else "")),
            first_seen=entry.time, last_seen=entry.time,
            evidence=[Evidence(self.path, LineLocator(entry.line, entry.end_line),
                               excerpt(f"{entry.message} {detail}"))],
            facts={"processes": processes, "statements": [excerpt(s, 200) for s in statements],
                   "waits": [{"process": p, "lock": lock, "on": target, "blocked_by": by}
                             for p, lock, target, by in waits],
                   "victim_statement": excerpt(entry.statement or "", 200) or None,
                   "victim_pid": entry.pid},
            remediation=("Make the transactions take their row locks in the same order (for "
                         "example sorted by primary key), keep them short, and retry on "
                         "SQLSTATE 40P01 / MySQL error 1213.")))

    def findings(self) -> Iterator[Finding]:
        """Deadlocks, then the special groups, errors by count, and slow statements."""
        yield from self.deadlocks
        labels = {
            "connections": (CONNECTIONS_EXHAUSTED, "connection attempts were refused: no free "
                            "slots", "Raise max_connections only with memory to spare; better, "
                            "put a pooler (PgBouncer, ProxySQL) in front and fix connection "
                            "leaks in the application."),
            "auth": (AUTH_FAILED, "authentication failures",
                     "Check the credentials the clients use, pg_hba.conf / user host grants, "
                     "and whether a password was rotated on one side only."),
            "lock_timeout": (LOCK_TIMEOUT, "statements timed out waiting for a lock",
                             "Find the long transaction holding the lock (pg_locks / "
                             "performance_schema.data_lock_waits); keep transactions short."),
        }
        for key, (rule_object, words, remediation) in labels.items():
            group = self.special.get(key)
            if group is None:
                continue
            yield rule_object.finding(
                f"{group.count:,} {words}", analyzer=ANALYZER,
                detail=f"First: {excerpt(group.title, 200)}", count=group.count,
                first_seen=group.first, last_seen=group.last, evidence=group.evidence,
                facts={"count": group.count, "dialect": self.dialect},
                remediation=remediation)
        for group in sorted(self.errors.values(), key=lambda g: (-g.count, g.key)):
            others = len(group.messages) - 1
            similar = "" if not others else (
                f" (and {others}{'+' if others >= MAX_VARIANTS else ''} similar)")
            yield ERRORS.finding(
                f"{group.count:,} × {group.title}{similar}", analyzer=ANALYZER,
                detail=f"Errors grouped by {'SQLSTATE' if _is_state(group.key) else 'message'}"
                       f" {group.key!r}.", count=group.count, first_seen=group.first,
                last_seen=group.last, evidence=group.evidence,
                facts={"group": group.key, "count": group.count, "dialect": self.dialect})
        yield from query_findings(self.classes, self.path, "statement durations")

    def stats(self) -> dict[str, Any]:
        """Entries by level, errors by group, deadlocks, and every query class."""
        return {"dialect": self.dialect, "entries": self.entries,
                "levels": dict(sorted(self.levels.items())),
                "errors": {g.key: g.count for g in sorted(self.errors.values(),
                                                          key=lambda g: g.key)},
                "deadlocks": len(self.deadlocks),
                "queries": [c.to_stats() for c in rank_classes(self.classes)]}


def _is_state(key: str) -> bool:
    return bool(re.fullmatch(r"[0-9A-Z]{5}|MY-\d+", key))
