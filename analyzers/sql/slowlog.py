"""MySQL slow-query logs (Percona Server and MariaDB too), read as pt-query-digest reads them.

``parse_slow_log`` splits the log the way pt-query-digest 3.2.1's ``SlowLogParser`` does:
an event ends at ``;\\n#``, server start-up header lines are dropped, and ``use`` and ``SET
timestamp`` lines are attributes of the event, not queries. ``digest_slow_log`` groups the
events into ``QueryClass`` es by ``fingerprint``, so the classes, counts and ids match a
Percona report of the same log (the corpus holds pt-query-digest's own output to check
against). Events whose ``Query_time`` is not a number are dropped, as pt-query-digest drops
them; the caller says how many. The log is read as Latin-1, byte for byte, as Perl reads
it. ``# Time:`` stamps carry no zone and are taken as UTC; ``SET timestamp`` wins over them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from analyzers.sql.fingerprint import fingerprint
from analyzers.sql.query_classes import QueryClass
from inspector.plugins import AnalysisContext

_A = re.ASCII  # as Perl's byte-oriented regexes: \w, \s and \b know ASCII only
_SLOW_TS = re.compile(r"^# Time: ((?:[0-9: ]{15})|(?:[-0-9: T]{19}))", _A)
_SLOW_UH = re.compile(r"# User@Host: ([^\[]+|\[[^\[]+\]).*?@ (\S*) \[(.*)\]\s*(?:Id:\s*(\d+))?", _A)
_SLOW_HEADER = re.compile(
    r"^(?:T[cC][pP]\s[pP]ort:\s+\d+|[/A-Z].*mysqld,\sVersion.*(?:started\swith:|embedded\s"
    r"library)|Time\s+Id\s+Command).*\n", _A | re.M)
_SLOW_META = re.compile(r"^(?:#|use |SET (?:last_insert_id|insert_id|timestamp))", _A)
_SLOW_ADMIN = re.compile(r"^# (?:administrator command:.*)$", _A)
_SLOW_PROPERTIES = re.compile(r"^# +[A-Z][A-Za-z_]+: \S+", _A)
_SLOW_PAIR = re.compile(r"(\w+):\s+(\S+|\Z)", _A)
_SLOW_USE = re.compile(r"^use ([^;]+)", _A)
_SLOW_SET = re.compile(r"^SET\s+([^;]*)", _A)
_SLOW_SET_SPLIT = re.compile(r",|\s*=\s*", _A)
_SLOW_END = re.compile(r";\n#?(?=\n?\Z)", _A)
_SLOW_NULL_QUERY = re.compile(r"^\s*[A-Z][a-z_]+: ", _A)
_NUMERIC = re.compile(r"^\d+(?:\.\d+)?$", _A)
_RECORD_SEPARATOR = ";\n#"


class _RecordReader:
    """Reads a latin-1 text stream record by record, Perl ``$/``-style."""

    def __init__(self, stream: BinaryIO, chunk: int = 1 << 20) -> None:
        self._stream = stream
        self._chunk = chunk
        self._buffer = ""
        self._position = 0
        self._eof = False
        self.lines_before = 0  # lines in everything returned so far

    def read(self, separator: str) -> str | None:
        while True:
            found = self._buffer.find(separator, self._position)
            if found >= 0:
                return self._take(found + len(separator))
            if self._eof:
                return self._take(len(self._buffer)) if self._position < len(
                    self._buffer) else None
            data = self._stream.read(self._chunk)
            if not data:
                self._eof = True
            else:
                self._buffer = self._buffer[self._position:] + data.decode("latin-1")
                self._position = 0

    def _take(self, end: int) -> str:
        record = self._buffer[self._position:end]
        self._position = end
        self.lines_before += record.count("\n")
        return record


@dataclass
class SlowEvent:
    """One slow-log event as pt-query-digest's SlowLogParser sees it."""

    arg: str
    attributes: dict[str, str]
    line: int
    time: datetime | None


def _slow_time(attributes: dict[str, str], previous: datetime | None) -> datetime | None:
    stamp = attributes.get("timestamp")
    if stamp and stamp.isascii() and stamp.isdigit():  # str.isdigit also takes "³"
        try:
            return datetime.fromtimestamp(int(stamp), UTC)
        except (OverflowError, OSError, ValueError):
            return previous
    text = attributes.get("ts")
    if text:
        for layout in ("%y%m%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text.strip().replace("  ", " 0", 1)
                                         if layout.startswith("%y") else text.strip(),
                                         layout).replace(tzinfo=UTC)
            except ValueError:
                continue
    return previous


def parse_slow_log(stream: BinaryIO, context: AnalysisContext | None = None
                   ) -> Iterator[SlowEvent]:
    """Slow-log events, in file order, exactly as pt-query-digest 3.2.1 splits them."""
    reader = _RecordReader(stream)
    pending: list[tuple[str, int]] = []
    previous_time: datetime | None = None
    while True:
        if pending:
            record, first_line = pending.pop(0)
        else:
            first_line = reader.lines_before + 1
            record = reader.read(_RECORD_SEPARATOR)
            if record is None:
                return
        if context is not None:
            context.check_cancelled()
        stripped, removed = _SLOW_HEADER.subn("", record)
        if removed:
            chunks = stripped.split(_RECORD_SEPARATOR)
            while chunks and not chunks[-1]:
                chunks.pop()  # Perl's split drops trailing empty fields
            if len(chunks) > 1:
                record = chunks[0]
                pending[:0] = [(chunk, first_line) for chunk in chunks[1:]]
            else:
                record = stripped
        if not record.startswith("#"):
            record = "#" + record
        record = _SLOW_END.sub("", record, count=1)
        event = _parse_slow_record(record, reader, pending, first_line)
        if event is None:
            continue
        event.time = _slow_time(event.attributes, previous_time)
        previous_time = event.time or previous_time
        yield event


def _parse_slow_record(record: str, reader: _RecordReader, pending: list[tuple[str, int]],
                       first_line: int) -> SlowEvent | None:
    attributes: dict[str, str] = {}
    got_ts = got_uh = got_ac = got_db = got_set = False
    arg: str | None = None
    arg_line = first_line
    length = len(record)
    offset = 0
    line_number = first_line - 1
    for line_text in record.split("\n"):
        line_number += 1
        line_start = offset
        offset += len(line_text) + 1
        end_of_line = line_start + len(line_text)
        if not _SLOW_META.match(line_text):
            arg = record[line_start:]
            arg_line = line_number
            break
        uh = None
        ts = None if got_ts else _SLOW_TS.match(line_text)
        if ts:
            attributes["ts"] = ts.group(1)
            got_ts = True
            uh = None if got_uh else _SLOW_UH.search(line_text)
        elif not got_uh and (uh := _SLOW_UH.search(line_text)):
            pass
        elif not got_ac and _SLOW_ADMIN.match(line_text):
            arg = re.sub(r"^#\s+", "", line_text)
            arg_line = line_number
            got_ac = True
        elif _SLOW_PROPERTIES.match(line_text):
            cleaned = line_text
            if re.search(r"Schema:\s+\w+: ", cleaned):
                cleaned = re.sub(r"Schema:\s+", "", cleaned, count=1)
            for key, value in _SLOW_PAIR.findall(cleaned):
                attributes[key] = value
        elif not got_db and (use := _SLOW_USE.match(line_text)):
            attributes["db"] = use.group(1)
            got_db = True
        elif not got_set and (setting := _SLOW_SET.match(line_text)):
            parts = _SLOW_SET_SPLIT.split(setting.group(1))
            attributes.update(zip(parts[0::2], parts[1::2], strict=False))
            got_set = True
        if uh:
            user, host, ip = uh.group(1), uh.group(2), uh.group(3)
            attributes.update(user=user, host=host or ip, ip=ip)
            if uh.group(4):
                attributes["Thread_id"] = uh.group(4)
            got_uh = True
        if arg is None and end_of_line == length:
            following = reader.read(";\n")
            if following is None:
                return None
            if _SLOW_NULL_QUERY.match(following):
                rest = reader.read(_RECORD_SEPARATOR) or ""
                pending.append((following + rest, reader.lines_before + 1))
                arg = "/* No query */"
            else:
                arg = following.removesuffix(";\n").lstrip()
            arg_line = line_number + 1
    if not arg:
        return None
    return SlowEvent(arg, attributes, arg_line, None)


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else 0.0
    except ValueError:
        return 0.0


def _int(text: str | None) -> int:
    try:
        return int(float(text)) if text else 0
    except (ValueError, OverflowError):  # not a number, or inf/nan
        return 0


def digest_slow_log(events: Iterable[SlowEvent]) -> tuple[dict[str, QueryClass], int, int]:
    """Group events into classes; returns (classes by fingerprint, events kept, dropped)."""
    classes: dict[str, QueryClass] = {}
    kept = dropped = 0
    for event in events:
        query_time = event.attributes.get("Query_time", "0")
        if not _NUMERIC.match(query_time):
            dropped += 1
            continue
        kept += 1
        key = fingerprint(event.arg)
        query_class = classes.get(key)
        if query_class is None:
            query_class = classes[key] = QueryClass(key)
        attributes = event.attributes
        administrative = event.arg.startswith("administrator")
        query_class.add(
            event.arg, float(query_time), _number(attributes.get("Lock_time")),
            0 if administrative else _int(attributes.get("Rows_examined")),
            0 if administrative else _int(attributes.get("Rows_sent")),
            event.time, event.line, attributes.get("db") or attributes.get("Schema"),
            attributes.get("Full_scan") == "Yes")
    return classes, kept, dropped
