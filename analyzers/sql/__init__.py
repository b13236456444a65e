"""SQL analyzer: schema dumps, MySQL slow-query logs, PostgreSQL and MySQL server logs.

One analyzer, ``sql``, reads four kinds of material and says which queries hurt and why:

- **Dumps** (``sql_dump``): statements come from ``inspector.formats.sqlsplit`` (streaming, dump
  speed); only DDL under ``DDL_PARSE_CAP`` bytes is parsed, with sqlparse's tokenizer, into
  a schema model (tables, columns, primary and foreign keys, indexes, engines, charsets,
  collations) that goes into the stats under ``schema`` for the bundle-level
  ``SqlCrossAnalyzer``. Findings: missing primary key, unindexed foreign key, duplicate
  index, charset mismatch between joined (foreign-key) columns, engine mismatch.
- **Slow-query logs** (``mysql_slow_log``): parsed the way pt-query-digest 3.2.1's
  ``SlowLogParser`` reads them (events end at ``;\\n#``, header lines dropped, ``use`` and
  ``SET timestamp`` lines are attributes) and grouped by ``fingerprint``, a line-by-line
  port of ``QueryRewriter::fingerprint``, so class ids (upper-case hex MD5 of the
  fingerprint) are the ones a Percona report shows. Events whose ``Query_time`` is not a
  number are dropped, as pt-query-digest drops them.
- **PostgreSQL logs** (``postgres_log``; stderr with any ``log_line_prefix`` that puts a
  timestamp first, tab-continued lines, or csvlog) and **MySQL error logs / InnoDB status
  output** (kind ``log`` or ``text``): errors grouped by SQLSTATE or message template,
  connection exhaustion, authentication failures, deadlocks with their detail, lock
  timeouts, and ``duration:`` statements grouped like slow-log classes.

How a ``log``/``text`` artifact is recognized as ours (it costs one 64 KiB head read):
``LATEST DETECTED DEADLOCK``, ``INNODB MONITOR OUTPUT`` or ``Transactions deadlock
detected`` anywhere in the head makes it InnoDB output; two or more MySQL error-log lines
(``<time> [<thread>] [ERROR|Warning|Note|System]``) make it a MySQL error log; two or more
PostgreSQL ``LEVEL:  message`` lines make it a PostgreSQL log the sniffer missed. Anything
else is left to the logs analyzer and yields nothing here.

Times without a zone (slow-log ``# Time:``, MySQL 5.x error logs) are taken as UTC; a
PostgreSQL zone abbreviation we do not know is taken as UTC with a warning.

>>> fingerprint("SELECT * FROM t WHERE id IN (1, 2, 3) LIMIT 5")
'select * from t where id in(?+) limit ?'
>>> query_id("begin")
'8D589AFA4DFAEEED85FFF5AA78E5FF6A'
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

from sqlparse import lexer as sqlparse_lexer
from sqlparse import tokens as sqlparse_tokens

from inspector.formats.sqlsplit import StatementReader
from inspector.model import (
    ArtifactKind,
    Event,
    EventSource,
    Evidence,
    Finding,
    LineLocator,
    Severity,
    StatementLocator,
)
from inspector.plugins import AnalysisContext, ArtifactSource, BundleView, Stats
from inspector.privacy.secrets import mask_passwords
from inspector.rules import rule

ANALYZER = "sql"

MISSING_PRIMARY_KEY = rule("sql.missing-primary-key", Severity.MEDIUM, "schema",
                           "A table has no primary key")
UNINDEXED_FOREIGN_KEY = rule("sql.unindexed-foreign-key", Severity.MEDIUM, "performance",
                             "Foreign-key columns are not the leading columns of any index")
DUPLICATE_INDEX = rule("sql.duplicate-index", Severity.LOW, "performance",
                       "An index is identical to, or a left prefix of, another index")
CHARSET_MISMATCH = rule("sql.charset-mismatch", Severity.MEDIUM, "performance",
                        "Joined columns have different character sets or collations")
ENGINE_MISMATCH = rule("sql.engine-mismatch", Severity.MEDIUM, "schema",
                       "Tables use a different storage engine from the rest of the schema")
SLOW_QUERY = rule("sql.slow-query", Severity.MEDIUM, "performance",
                  "A query class takes much of the database's time")
FULL_SCAN = rule("sql.full-scan", Severity.MEDIUM, "performance",
                 "A query examines far more rows than it returns")
MISSING_INDEX = rule("sql.missing-index-for-slow-query", Severity.HIGH, "performance",
                     "A slow query filters or joins on columns no index covers")
ERRORS = rule("sql.errors", Severity.MEDIUM, "errors", "The database server logged errors")
CONNECTIONS_EXHAUSTED = rule("sql.connection-exhausted", Severity.HIGH, "availability",
                             "The database refused connections: all slots were in use")
AUTH_FAILED = rule("sql.authentication-failed", Severity.MEDIUM, "security",
                   "Clients failed to authenticate to the database")
DEADLOCK = rule("sql.deadlock", Severity.HIGH, "errors",
                "Transactions deadlocked and one was rolled back")
LOCK_TIMEOUT = rule("sql.lock-timeout", Severity.MEDIUM, "errors",
                    "Statements gave up waiting for a lock")

RULES = (MISSING_PRIMARY_KEY, UNINDEXED_FOREIGN_KEY, DUPLICATE_INDEX, CHARSET_MISMATCH,
         ENGINE_MISMATCH, SLOW_QUERY, FULL_SCAN, ERRORS, CONNECTIONS_EXHAUSTED, AUTH_FAILED,
         DEADLOCK, LOCK_TIMEOUT)

DDL_PARSE_CAP = 256 * 1024
EXAMPLE_CHARS = 2000
EXCERPT_CHARS = 300
MAX_EVENTS = 2000
TOP_SLOW_CLASSES = 5
FULL_SCAN_RATIO = 1000
FULL_SCAN_MIN_ROWS = 10_000
HEAD_BYTES = 64 * 1024
LINE_CAP = 64 * 1024

# --- excerpts ---------------------------------------------------------------------------------


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = mask_passwords(text.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- pt-query-digest fingerprints -------------------------------------------------------------
# Ported from QueryRewriter::fingerprint (percona-toolkit 3.2.1). The text is handled as
# latin-1 so each byte stays one character, as in Perl, and regexes are ASCII-only.

_A = re.ASCII
_FP_MYSQLDUMP = re.compile(r"\ASELECT /\*!40001 SQL_NO_CACHE \*/ \* FROM `", _A)
_FP_TOOLKIT = re.compile(r"/\*\w+\.\w+:[0-9]/[0-9]\*/", _A)
_FP_CALL = re.compile(r"\A\s*(call\s+\S+)\(", _A | re.I)
_FP_MULTI_INSERT = re.compile(
    r"\A((?:INSERT|REPLACE)(?: IGNORE)?\s+INTO.+?VALUES\s*\(.*?\))\s*,\s*\(", _A | re.I | re.S)
_FP_MLC = re.compile(r"/\*[^!].*?\*/", _A | re.S)
_FP_OLC = re.compile(r"(?:--|#)[^'\"\r\n]*(?=[\r\n]|\Z)", _A)
_FP_USE = re.compile(r"\Ause \S+(?=\n?\Z)", _A | re.I)
_FP_ESCAPED_QUOTE = re.compile(r"\\[\"']", _A)
_FP_DOUBLE_QUOTED = re.compile(r'".*?"', _A | re.S)
_FP_SINGLE_QUOTED = re.compile(r"'.*?'", _A | re.S)
_FP_BOOLEAN = re.compile(r"\bfalse\b|\btrue\b", _A | re.I)
_FP_NUMBER = re.compile(r"[0-9+-][0-9a-f.xb+-]*", _A)
_FP_NUMBER_PREFIX = re.compile(r"[xb.+-]\?", _A)
_FP_LEADING_SPACE = re.compile(r"\A\s+", _A)
_FP_WHITESPACE = re.compile(r"[ \n\t\r\f]+", _A)
_FP_NULL = re.compile(r"\bnull\b", _A)
_FP_LISTS = re.compile(r"\b(in|values?)(?:[\s,]*\([\s?,]*\))+", _A)
_FP_SELECT = re.compile(r"\bselect\s", _A)
_FP_UNION = re.compile(r"\sunion(?:\sall)?\s", _A)
_FP_LIMIT = re.compile(r"\blimit \?(?:, ?\?| offset \?)?", _A)
_FP_ORDER_BY = re.compile(r"\bORDER BY ", _A | re.I)
_FP_ASC = re.compile(r"(.+?)\s+ASC", _A | re.I)
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


_LOWER_TEXT = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """``text`` with A-Z lowered and nothing else (pt-query-digest's ``lc`` under Perl's
    byte semantics); the byte table is the fast path for Latin-1 text.

    >>> _ascii_lower("SELECT 'ÄÖ' FROM 表 WHERE X = '\ufffd'")
    "select 'ÄÖ' from 表 where x = '\ufffd'"
    """
    try:
        return text.encode("latin-1").translate(_LOWER).decode("latin-1")
    except UnicodeEncodeError:  # any character past U+00FF (CJK names, U+FFFD)
        return text.translate(_LOWER_TEXT)


def _collapse_unions(query: str) -> str:
    """``s/\\b(select\\s.*?)(?:(\\sunion(?:\\sall)?)\\s\\1)+/$1 \\/*repeat$2*\\//g``
    without the regex's cubic backtracking: each UNION after a SELECT, nearest first, is
    tried as the end of the repeated part, as the lazy ``.*?`` would."""
    if "union" not in query:
        return query
    out: list[str] = []
    position = search_from = 0
    while select := _FP_SELECT.search(query, search_from):
        start = select.start()
        line_end = query.find("\n", start)
        limit = len(query) if line_end < 0 else line_end
        replaced = False
        for union in _FP_UNION.finditer(query, select.end(), limit):
            repeated = query[start:union.start()]
            end, joiner = union.start(), None
            while (following := _FP_UNION.match(query, end)) and query.startswith(
                    repeated, following.end()):
                joiner, end = following.group()[:-1], following.end() + len(repeated)
            if joiner is not None:
                out.append(query[position:start] + f"{repeated} /*repeat{joiner}*/")
                position = search_from = end
                replaced = True
                break
        if not replaced:
            search_from = start + 1
    out.append(query[position:])
    return "".join(out)


def _strip_order_by_asc(query: str) -> str:
    anchor = _FP_ORDER_BY.search(query)
    if not anchor:
        return query
    position = anchor.end()
    kept: list[str] = []
    cursor = position
    while True:
        match = _FP_ASC.match(query, cursor)
        if not match:
            break
        kept.append(match.group(1))
        cursor = match.end()
    if cursor == position:
        return query
    return query[:position] + "".join(kept) + query[cursor:]


def fingerprint(query: str) -> str:
    """pt-query-digest's fingerprint of a query (the text of its ``Query`` class)."""
    if _FP_MYSQLDUMP.match(query):
        return "mysqldump"
    if _FP_TOOLKIT.search(query):
        return "percona-toolkit"
    if query.startswith("administrator command: "):
        return query
    call = _FP_CALL.match(query)
    if call:
        return _ascii_lower(call.group(1))
    multi = _FP_MULTI_INSERT.match(query)
    if multi:
        query = multi.group(1)
    query = _FP_MLC.sub("", query)
    query = _FP_OLC.sub("", query)
    used = _FP_USE.subn("use ?", query)
    if used[1]:
        return used[0]
    query = _FP_ESCAPED_QUOTE.sub("", query)
    query = _FP_DOUBLE_QUOTED.sub("?", query)
    query = _FP_SINGLE_QUOTED.sub("?", query)
    query = _FP_BOOLEAN.sub("?", query)
    query = _FP_NUMBER.sub("?", query)
    query = _FP_NUMBER_PREFIX.sub("?", query)
    query = _FP_LEADING_SPACE.sub("", query)
    if query.endswith("\n"):
        query = query[:-1]
    query = _FP_WHITESPACE.sub(" ", query)
    query = _ascii_lower(query)
    query = _FP_NULL.sub("?", query)
    query = _FP_LISTS.sub(r"\1(?+)", query)
    query = _collapse_unions(query)
    query = _FP_LIMIT.sub("limit ?", query, count=1)
    return _strip_order_by_asc(query)


def query_id(fingerprint_text: str) -> str:
    """pt-query-digest's query id: the upper-case hex MD5 of the fingerprint."""
    return hashlib.md5(fingerprint_text.encode("latin-1", "replace")).hexdigest().upper()


# --- query shape: tables and filtered columns, for the missing-index cross-check ----------------

_IDENT = r"(?:`[^`]+`|\"[^\"]+\"|[A-Za-z_][\w$]*)"
_TABLE_REF = re.compile(
    r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(" + _IDENT + r"(?:\s*\.\s*" + _IDENT + r")?)"
    r"(?:\s+(?:AS\s+)?(?!(?:WHERE|ON|USING|SET|JOIN|INNER|LEFT|RIGHT|CROSS|NATURAL|GROUP|ORDER"
    r"|LIMIT|VALUES|SELECT|STRAIGHT_JOIN|FORCE|USE|IGNORE|HAVING|UNION|FOR|WINDOW)\b)"
    r"([A-Za-z_]\w*))?", re.I)
_PREDICATE = re.compile(
    r"(?:(" + _IDENT + r")\s*\.\s*)?(" + _IDENT + r")\s*(?:=|<=>|<=|>=|<|>|\bIN\s*\(|\bLIKE\b"
    r"|\bBETWEEN\b|\bIS\s+(?:NOT\s+)?NULL\b)", re.I)
_CLAUSES = re.compile(r"\b(?:WHERE|ON)\b(.*?)(?=\bGROUP\s+BY\b|\bORDER\s+BY\b|\bLIMIT\b"
                      r"|\bHAVING\b|\bJOIN\b|\bUNION\b|\bFOR\s+UPDATE\b|$)", re.I | re.S)
_LITERALS = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"")
_NOT_COLUMNS = {"and", "or", "not", "null", "true", "false", "select", "exists", "case", "when",
                "then", "else", "end", "interval", "date", "now"}


def _unquote(name: str) -> str:
    return name.strip().strip("`\"[]").lower()


def _bare(name: str) -> str:
    return _unquote(re.split(r"\s*\.\s*", name.strip())[-1])


def query_shape(query: str) -> dict[str, Any]:
    """Tables a query reads (alias -> table) and the columns it filters or joins on.

    >>> query_shape("SELECT * FROM orders o JOIN users u ON u.id = o.user_id "
    ...             "WHERE o.status = 'x'")["predicates"]
    [['u', 'id'], ['o', 'status']]
    """
    head = _LITERALS.sub("''", query[:20000])
    tables: dict[str, str] = {}
    for match in _TABLE_REF.finditer(head):
        table = _bare(match.group(1))
        tables[table] = table
        if match.group(2):
            tables[match.group(2).lower()] = table
    predicates: list[list[str | None]] = []
    for clause in _CLAUSES.finditer(head):
        for match in _PREDICATE.finditer(clause.group(1)):
            column = _unquote(match.group(2))
            if column in _NOT_COLUMNS or column.isdigit():
                continue
            qualifier = _unquote(match.group(1)) if match.group(1) else None
            if [qualifier, column] not in predicates:
                predicates.append([qualifier, column])
    return {"tables": tables, "predicates": predicates}


# --- small helpers ----------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else 0.0
    except ValueError:
        return 0.0


# --- slow-query logs --------------------------------------------------------------------------

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


@dataclass
class QueryClass:
    """Events that share a fingerprint, with the figures a Percona report shows.

    ``latin1_bytes``: the texts hold a slow log's bytes read as Latin-1, as pt-query-digest
    reads them (its id is the MD5 of those bytes; they are shown decoded as UTF-8); False
    for text already decoded (PostgreSQL server logs), shown and hashed as UTF-8.
    """

    fingerprint: str
    count: int = 0
    query_times: list[float] = field(default_factory=list)
    lock_time_total: float = 0.0
    lock_time_max: float = 0.0
    rows_examined_total: int = 0
    rows_examined_max: int = 0
    rows_sent_total: int = 0
    rows_sent_max: int = 0
    full_scans: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    db: str | None = None
    example: str = ""
    example_time: float = -1.0
    example_line: int = 0
    lines: list[int] = field(default_factory=list)
    latin1_bytes: bool = True

    def add(self, query: str, time: float, lock: float, examined: int, sent: int,
            when: datetime | None, line: int, db: str | None, full_scan: bool) -> None:
        self.count += 1
        self.query_times.append(time)
        self.lock_time_total += lock
        self.lock_time_max = max(self.lock_time_max, lock)
        self.rows_examined_total += examined
        self.rows_examined_max = max(self.rows_examined_max, examined)
        self.rows_sent_total += sent
        self.rows_sent_max = max(self.rows_sent_max, sent)
        self.full_scans += full_scan
        if when:
            self.first_seen = min(self.first_seen or when, when)
            self.last_seen = max(self.last_seen or when, when)
        if self.db is None and db:
            self.db = db
        if time > self.example_time:
            self.example, self.example_time, self.example_line = (
                query[:EXAMPLE_CHARS], time, line)
        if len(self.lines) < 5:
            self.lines.append(line)

    @property
    def total_time(self) -> float:
        return sum(self.query_times)

    @property
    def id(self) -> str:
        if self.latin1_bytes:
            return query_id(self.fingerprint)
        return hashlib.md5(self.fingerprint.encode("utf-8", "surrogateescape")).hexdigest().upper()

    def shown(self, text: str) -> str:
        """``text`` (its fingerprint or example) as readable text."""
        if self.latin1_bytes:
            return text.encode("latin-1", "replace").decode("utf-8", "replace")
        return text

    def to_stats(self) -> dict[str, Any]:
        shape = query_shape(self.example)
        return {
            "id": self.id,
            "fingerprint": self.shown(self.fingerprint),
            "count": self.count,
            "query_time": {"total": round(self.total_time, 6),
                           "max": round(max(self.query_times, default=0.0), 6),
                           "p95": round(_percentile(self.query_times, 0.95), 6)},
            "lock_time": {"total": round(self.lock_time_total, 6),
                          "max": round(self.lock_time_max, 6)},
            "rows_examined": {"total": self.rows_examined_total, "max": self.rows_examined_max},
            "rows_sent": {"total": self.rows_sent_total, "max": self.rows_sent_max},
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "db": self.db,
            "example": _excerpt(self.shown(self.example), EXAMPLE_CHARS),
            "example_line": self.example_line,
            "lines": list(self.lines),
            "tables": shape["tables"],
            "predicates": shape["predicates"],
        }


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


def _ranked(classes: dict[str, QueryClass]) -> list[QueryClass]:
    return sorted(classes.values(), key=lambda c: (-c.total_time, -c.count, c.fingerprint))


def _query_findings(classes: dict[str, QueryClass], path: str, source_name: str
                    ) -> Iterator[Finding]:
    ranked = _ranked(classes)
    grand_total = sum(c.total_time for c in ranked) or 1.0
    for rank, query_class in enumerate(ranked[:TOP_SLOW_CLASSES], start=1):
        total = query_class.total_time
        if total <= 0:
            continue
        stats = query_class.to_stats()
        share = total / grand_total
        window = (f" from {stats['first_seen']} to {stats['last_seen']}"
                  if stats["first_seen"] else "")
        yield SLOW_QUERY.finding(
            f"Query class {stats['id'][:16]} (rank {rank}) took {total:,.3f} s over "
            f"{query_class.count:,} executions ({share:.0%} of logged time)",
            analyzer=ANALYZER,
            severity=Severity.HIGH if total >= 60 or (share >= 0.5 and total >= 10) else None,
            detail=(f"{source_name}: fingerprint `{stats['fingerprint'][:300]}`; max "
                    f"{stats['query_time']['max']:.3f} s, p95 {stats['query_time']['p95']:.3f} s"
                    f"{window}; rows examined {query_class.rows_examined_total:,}, rows sent "
                    f"{query_class.rows_sent_total:,}."),
            count=query_class.count, first_seen=query_class.first_seen,
            last_seen=query_class.last_seen,
            evidence=[Evidence(path, LineLocator(query_class.example_line),
                               _excerpt(stats["example"]))],
            facts={"query_id": stats["id"], "fingerprint": stats["fingerprint"],
                   "rank": rank, "total_time": round(total, 6), "share": round(share, 4),
                   "max_time": stats["query_time"]["max"], "p95": stats["query_time"]["p95"],
                   "db": stats["db"]},
            remediation=("Run EXPLAIN on the example; add an index for its WHERE/JOIN "
                         "columns, rewrite it, or cache its result. pt-query-digest shows "
                         "this class under the same query id."),
            references=["https://docs.percona.com/percona-toolkit/pt-query-digest.html"])
        examined, sent = query_class.rows_examined_total, query_class.rows_sent_total
        if (query_class.full_scans or (examined >= FULL_SCAN_MIN_ROWS * query_class.count
                                       and examined >= FULL_SCAN_RATIO * max(sent, 1))):
            yield FULL_SCAN.finding(
                f"Query class {stats['id'][:16]} examines {examined:,} rows to return "
                f"{sent:,}", analyzer=ANALYZER,
                detail=(f"`{stats['fingerprint'][:300]}` reads "
                        f"{examined / max(query_class.count, 1):,.0f} rows per execution on "
                        f"average; {query_class.full_scans} executions were flagged "
                        "Full_scan. The query is not using a selective index."),
                count=query_class.count, first_seen=query_class.first_seen,
                last_seen=query_class.last_seen,
                evidence=[Evidence(path, LineLocator(query_class.example_line),
                                   _excerpt(stats["example"]))],
                facts={"query_id": stats["id"], "rows_examined": examined, "rows_sent": sent},
                remediation="Index the filtered columns, or add a LIMIT / narrower predicate.")


# --- schema model -----------------------------------------------------------------------------


@dataclass
class Table:
    name: str
    schema: str | None
    line: int
    statement: int
    columns: dict[str, dict[str, str | None]] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    indexes: list[dict[str, Any]] = field(default_factory=list)
    engine: str | None = None
    charset: str | None = None
    collation: str | None = None
    partition_of: str | None = None

    def to_stats(self) -> dict[str, Any]:
        return {"name": self.name, "schema": self.schema, "line": self.line,
                "statement": self.statement, "columns": self.columns,
                "primary_key": self.primary_key, "foreign_keys": self.foreign_keys,
                "indexes": self.indexes, "engine": self.engine, "charset": self.charset,
                "collation": self.collation, "partition_of": self.partition_of}


_CREATE_TABLE = re.compile(
    r"^\s*(?:/\*!\d+\s*)?CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMPORARY\s+|TEMP\s+|UNLOGGED\s+)?"
    r"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(" + _IDENT + r"(?:\s*\.\s*" + _IDENT + r")?)", re.I)
_ATTACH_PARTITION = re.compile(r"^\s*ATTACH\s+PARTITION\s+(" + _IDENT + r"(?:\s*\.\s*" + _IDENT
                               + r")?)", re.I)
_PARTITION_OF = re.compile(r"\bPARTITION\s+OF\s+(" + _IDENT + r"(?:\s*\.\s*" + _IDENT + r")?)",
                           re.I)
_ALTER_TABLE = re.compile(
    r"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(" + _IDENT + r"(?:\s*\.\s*" + _IDENT
    + r")?)\s+(.*)$", re.I | re.S)
_CREATE_INDEX = re.compile(
    r"^\s*CREATE\s+(UNIQUE\s+)?(?:FULLTEXT\s+|SPATIAL\s+)?INDEX\s+(?:CONCURRENTLY\s+)?"
    r"(?:IF\s+NOT\s+EXISTS\s+)?(" + _IDENT + r")?\s*ON\s+(?:ONLY\s+)?(" + _IDENT
    + r"(?:\s*\.\s*" + _IDENT + r")?)(?:\s+USING\s+\w+)?\s*\((.*)\)", re.I | re.S)
_TABLE_OPTION = re.compile(
    r"\b(ENGINE|(?:DEFAULT\s+)?(?:CHARSET|CHARACTER\s+SET)|(?:DEFAULT\s+)?COLLATE)\s*=?\s*"
    r"([\w]+)", re.I)
_COLUMN_CHARSET = re.compile(r"\b(?:CHARACTER\s+SET|CHARSET)\s+(\w+)", re.I)
_COLUMN_COLLATE = re.compile(r"\bCOLLATE\s+\"?([\w.-]+)", re.I)
_KEY_COLUMNS = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_REFERENCES = re.compile(
    r"\bREFERENCES\s+(" + _IDENT + r"(?:\s*\.\s*" + _IDENT + r")?)\s*(?:\(([^)]*)\))?", re.I)
_FOREIGN_KEY = re.compile(r"\bFOREIGN\s+KEY\s*(?:" + _IDENT + r"\s*)?\(([^)]*)\)", re.I)
_CONSTRAINT_NAME = re.compile(r"^\s*CONSTRAINT\s+(" + _IDENT + r")", re.I)
_INDEX_LINE = re.compile(
    r"^\s*(UNIQUE\s+)?(?:KEY|INDEX)\s*(" + _IDENT + r")?\s*(?:USING\s+\w+\s*)?\(", re.I)
_UNIQUE_LINE = re.compile(r"^\s*(?:CONSTRAINT\s+(" + _IDENT + r")\s+)?UNIQUE\b", re.I)
_CHARSET_DEFAULT_CHARSET = {"utf8mb4": "utf8mb4", "utf8": "utf8mb3", "utf8mb3": "utf8mb3",
                            "latin1": "latin1"}
_LEADING_COMMENTS = re.compile(r"(?:\s+|--[^\n]*+\n?|#[^\n]*+\n?|/\*(?!!).*?\*/)*+", re.S)
_TEXT_TYPES = re.compile(r"^(?:var)?char|^(?:tiny|medium|long)?text|^enum|^set\b|"
                         r"^character|^citext", re.I)


def _split_top_level(body: str) -> list[str]:
    """Split a parenthesized definition list at its top-level commas, using sqlparse's
    tokenizer so quotes, comments and nested parentheses are respected."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for token_type, value in sqlparse_lexer.tokenize(body):
        if token_type in sqlparse_tokens.Comment:
            continue
        if token_type is sqlparse_tokens.Punctuation:
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            elif value == "," and depth == 0:
                parts.append("".join(current).strip())
                current = []
                continue
        current.append(value)
    tail = "".join(current).strip()
    if tail:
        parts.append(tail)
    return parts


def _column_list(text: str) -> list[str]:
    columns = []
    for part in _split_top_level(text):
        name = re.split(r"[\s(]", part.strip(), maxsplit=1)[0] if part.strip() else ""
        if part.strip().startswith(("`", '"')):
            name = re.match(r"(`[^`]+`|\"[^\"]+\")", part.strip()).group(1)
        if name:
            columns.append(_unquote(name))
    return columns


def _outer_parentheses(text: str) -> tuple[str, str] | None:
    """The text inside the first balanced parentheses, and what follows them."""
    start = text.find("(")
    if start < 0:
        return None
    depth = 0
    for token_type, value in _tokens_with_offsets(text[start:]):
        if token_type is sqlparse_tokens.Punctuation and value[1] == "(":
            depth += 1
        elif token_type is sqlparse_tokens.Punctuation and value[1] == ")":
            depth -= 1
            if depth == 0:
                end = start + value[0]
                return text[start + 1:end], text[end + 1:]
    return None


def _tokens_with_offsets(text: str) -> Iterator[tuple[Any, tuple[int, str]]]:
    offset = 0
    for token_type, value in sqlparse_lexer.tokenize(text):
        yield token_type, (offset, value)
        offset += len(value)


class SchemaBuilder:
    """Accumulates tables from DDL statements of MySQL and PostgreSQL dumps."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.default_charset: str | None = None
        self.unparsed = 0

    def feed(self, text: str, index: int, line: int) -> None:
        try:
            self._feed(text, index, line)
        except (ValueError, AttributeError, IndexError):
            self.unparsed += 1

    def _feed(self, text: str, index: int, line: int) -> None:
        text = text[_LEADING_COMMENTS.match(text).end():]
        create = _CREATE_TABLE.match(text)
        if create:
            self._create_table(create, text, index, line)
            return
        alter = _ALTER_TABLE.match(text)
        if alter:
            table = self.tables.get(_bare(alter.group(1)))
            attach = _ATTACH_PARTITION.search(alter.group(2))
            if table is not None and attach:
                child = self.tables.get(_bare(attach.group(1)))
                if child is not None:
                    child.partition_of = table.name
            elif table is not None:
                for action in _split_top_level(alter.group(2).rstrip("; \n")):
                    action = re.sub(r"^\s*ADD\s+", "", action, flags=re.I)
                    self._constraint(table, action)
            return
        index_match = _CREATE_INDEX.match(text)
        if index_match:
            table = self.tables.get(_bare(index_match.group(3)))
            if table is not None:
                table.indexes.append({
                    "name": _unquote(index_match.group(2) or ""),
                    "columns": _column_list(index_match.group(4)),
                    "unique": bool(index_match.group(1))})

    def _create_table(self, create: re.Match[str], text: str, index: int, line: int) -> None:
        qualified = re.split(r"\s*\.\s*", create.group(1))
        name = _unquote(qualified[-1])
        table = Table(name, _unquote(qualified[0]) if len(qualified) > 1 else None, line, index)
        partition = _PARTITION_OF.search(text[create.end():create.end() + 400])
        if partition:
            table.partition_of = _bare(partition.group(1))
        body = _outer_parentheses(text[create.end():])
        if body is not None:
            inside, options = body
            for key, value in _TABLE_OPTION.findall(options):
                key = key.upper()
                if key == "ENGINE":
                    table.engine = value
                elif "COLLATE" in key:
                    table.collation = value
                else:
                    table.charset = value
            for definition in _split_top_level(inside):
                self._definition(table, definition)
        self.tables[name] = table

    def _definition(self, table: Table, definition: str) -> None:
        upper = definition.lstrip().upper()
        if upper.startswith(("PRIMARY KEY", "CONSTRAINT", "FOREIGN KEY", "UNIQUE", "KEY ",
                             "KEY`", "INDEX", "FULLTEXT", "SPATIAL", "CHECK", "EXCLUDE")):
            self._constraint(table, definition)
            return
        name_match = re.match(r"\s*(" + _IDENT + r")\s*(.*)$", definition, re.S)
        if not name_match:
            return
        column, rest = _unquote(name_match.group(1)), name_match.group(2)
        column_type = re.split(r"[\s(]", rest.strip(), maxsplit=1)[0].lower()
        charset = _COLUMN_CHARSET.search(rest)
        collation = _COLUMN_COLLATE.search(rest)
        table.columns[column] = {
            "type": column_type,
            "charset": charset.group(1) if charset else None,
            "collation": collation.group(1) if collation else None}
        if re.search(r"\bPRIMARY\s+KEY\b", rest, re.I):
            table.primary_key = [column]
        references = _REFERENCES.search(rest)
        if references:
            table.foreign_keys.append({
                "name": None, "columns": [column], "ref_table": _bare(references.group(1)),
                "ref_columns": _column_list(references.group(2) or "")})

    def _constraint(self, table: Table, definition: str) -> None:
        name_match = _CONSTRAINT_NAME.match(definition)
        name = _unquote(name_match.group(1)) if name_match else None
        upper = definition.upper()
        if re.search(r"\bPRIMARY\s+KEY\b", upper):
            columns = _KEY_COLUMNS.search(definition[re.search(r"PRIMARY\s+KEY", upper).end():])
            if columns:
                table.primary_key = _column_list(columns.group(1))
            return
        foreign = _FOREIGN_KEY.search(definition)
        if foreign:
            references = _REFERENCES.search(definition)
            table.foreign_keys.append({
                "name": name, "columns": _column_list(foreign.group(1)),
                "ref_table": _bare(references.group(1)) if references else None,
                "ref_columns": _column_list(references.group(2) or "") if references else []})
            return
        unique = _UNIQUE_LINE.match(definition)
        index_line = _INDEX_LINE.match(definition)
        if unique or index_line:
            columns = _KEY_COLUMNS.search(definition)
            if columns:
                index_name = (index_line.group(2) if index_line and index_line.group(2)
                              else (unique.group(1) if unique and unique.group(1) else name))
                table.indexes.append({"name": _unquote(index_name or ""),
                                      "columns": _column_list(columns.group(1)),
                                      "unique": bool(unique or
                                                     (index_line and index_line.group(1)))})

    def schema(self) -> dict[str, Any]:
        return {name: table.to_stats() for name, table in sorted(self.tables.items())}


def _index_column_lists(table: dict[str, Any]) -> list[list[str]]:
    lists = [index["columns"] for index in table["indexes"]]
    if table["primary_key"]:
        lists.append(table["primary_key"])
    return lists


def _covered(columns: list[str], index_lists: list[list[str]]) -> bool:
    """True when some index's leading columns are exactly ``columns`` (in any order)."""
    wanted = set(columns)
    return any(set(index[: len(columns)]) == wanted for index in index_lists)


def _effective_charset(table: dict[str, Any], column: str) -> tuple[str | None, str | None]:
    info = table["columns"].get(column) or {}
    if not _TEXT_TYPES.match(info.get("type") or ""):
        return None, None
    return (info.get("charset") or table.get("charset"),
            info.get("collation") or (table.get("collation") if not info.get("charset")
                                      else None))


def schema_findings(schema: dict[str, Any], path: str) -> Iterator[Finding]:
    """Findings about the schema model of one dump."""
    tables = schema
    missing = [t for t in tables.values() if not t["primary_key"] and not t["partition_of"]
               and not any(index["unique"] for index in t["indexes"])]
    if missing:
        names = [t["name"] for t in missing]
        yield MISSING_PRIMARY_KEY.finding(
            f"{len(missing)} table(s) without a primary key: {', '.join(names[:10])}"
            + ("…" if len(names) > 10 else ""), analyzer=ANALYZER,
            detail=("Without a primary key InnoDB uses a hidden row id, replication applies "
                    "row events by full scans, and duplicate rows cannot be told apart."),
            count=len(missing),
            evidence=[Evidence(path, StatementLocator(t["statement"], t["line"]),
                               f"CREATE TABLE {t['name']}") for t in missing[:10]],
            facts={"tables": names},
            remediation="Add a primary key (a surrogate AUTO_INCREMENT/identity id if needed).")
    for table in tables.values():
        index_lists = _index_column_lists(table)
        for foreign in table["foreign_keys"]:
            columns = foreign["columns"]
            if not columns or _covered(columns, index_lists):
                continue
            if any(index[: len(columns)] == columns for index in index_lists):
                continue
            suggestion = (f"CREATE INDEX idx_{table['name']}_{'_'.join(columns)} ON "
                          f"{table['name']} ({', '.join(columns)});")
            yield UNINDEXED_FOREIGN_KEY.finding(
                f"Foreign key {table['name']}({', '.join(columns)}) -> "
                f"{foreign['ref_table']} has no index", analyzer=ANALYZER,
                detail=("Deletes and updates on the referenced table, and joins from it, scan "
                        f"{table['name']} and take wider locks."),
                evidence=[Evidence(path, StatementLocator(table["statement"], table["line"]),
                                   f"CREATE TABLE {table['name']}")],
                facts={"table": table["name"], "columns": columns,
                       "references": foreign["ref_table"], "constraint": foreign["name"]},
                remediation=suggestion)
        yield from _duplicate_index_findings(table, path)
    yield from _charset_findings(tables, path)
    engines = Counter(t["engine"].lower() for t in tables.values() if t["engine"])
    if len(engines) > 1:
        majority = engines.most_common(1)[0][0]
        odd = [t for t in tables.values() if t["engine"] and t["engine"].lower() != majority]
        yield ENGINE_MISMATCH.finding(
            f"{len(odd)} table(s) are not {majority}: "
            + ", ".join(f"{t['name']} ({t['engine']})" for t in odd[:10]), analyzer=ANALYZER,
            detail=(f"The schema is mostly {majority}; tables on another engine lose "
                    "transactions, crash safety or row locking (MyISAM locks whole tables)."),
            count=len(odd),
            evidence=[Evidence(path, StatementLocator(t["statement"], t["line"]),
                               f"CREATE TABLE {t['name']} ... ENGINE={t['engine']}")
                      for t in odd[:10]],
            facts={"majority_engine": majority, "tables": {t["name"]: t["engine"] for t in odd}},
            remediation=f"ALTER TABLE <name> ENGINE={majority}; after checking FULLTEXT use.")


def _duplicate_index_findings(table: dict[str, Any], path: str) -> Iterator[Finding]:
    indexes = list(table["indexes"])
    if table["primary_key"]:
        indexes.append({"name": "PRIMARY", "columns": table["primary_key"], "unique": True})
    reported: set[str] = set()
    for first in indexes:
        for second in indexes:
            if first is second or first["name"] in reported or first["name"] == "PRIMARY":
                continue
            shorter, longer = first["columns"], second["columns"]
            if not shorter or len(shorter) > len(longer) or longer[: len(shorter)] != shorter:
                continue
            if first["unique"] and len(shorter) < len(longer):
                continue  # a shorter unique index enforces something the longer one does not
            if len(shorter) == len(longer) and first["unique"] and not second["unique"]:
                continue
            if (len(shorter) == len(longer) and first["unique"] == second["unique"]
                    and second["name"] != "PRIMARY" and first["name"] > second["name"]):
                continue  # report an identical pair once
            reported.add(first["name"])
            kind = "identical to" if len(shorter) == len(longer) else "a left prefix of"
            yield DUPLICATE_INDEX.finding(
                f"Index {table['name']}.{first['name']} is {kind} {second['name']}",
                analyzer=ANALYZER,
                detail=(f"({', '.join(shorter)}) is served by {second['name']} "
                        f"({', '.join(longer)}); the extra index costs writes and memory."),
                evidence=[Evidence(path, StatementLocator(table["statement"], table["line"]),
                                   f"CREATE TABLE {table['name']}")],
                facts={"table": table["name"], "index": first["name"],
                       "covered_by": second["name"], "columns": shorter},
                remediation=f"DROP INDEX {first['name']} ON {table['name']};")


def _charset_findings(tables: dict[str, Any], path: str) -> Iterator[Finding]:
    for table in tables.values():
        for foreign in table["foreign_keys"]:
            target = tables.get(foreign["ref_table"] or "")
            if target is None:
                continue
            for column, ref_column in zip(foreign["columns"], foreign["ref_columns"],
                                          strict=False):
                here = _effective_charset(table, column)
                there = _effective_charset(target, ref_column)
                if None in here[:1] or None in there[:1] or here == there:
                    continue
                yield CHARSET_MISMATCH.finding(
                    f"{table['name']}.{column} ({here[0]}/{here[1] or 'default'}) joins "
                    f"{target['name']}.{ref_column} ({there[0]}/{there[1] or 'default'})",
                    analyzer=ANALYZER,
                    detail=("Comparing columns of different character sets or collations "
                            "converts one side per row, so the index on it cannot be used."),
                    evidence=[Evidence(path, StatementLocator(table["statement"],
                                                              table["line"]),
                                       f"CREATE TABLE {table['name']}")],
                    facts={"column": f"{table['name']}.{column}",
                           "referenced": f"{target['name']}.{ref_column}",
                           "charset": here[0], "collation": here[1],
                           "referenced_charset": there[0], "referenced_collation": there[1]},
                    remediation=(f"ALTER TABLE {table['name']} MODIFY {column} ... CHARACTER "
                                 f"SET {there[0]}" + (f" COLLATE {there[1]}" if there[1]
                                                      else "") + ";"))


# --- server logs ------------------------------------------------------------------------------

_PG_LEVELS = ("LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5]?|STATEMENT|DETAIL|HINT|"
              "CONTEXT|QUERY|LOCATION")
_PG_LINE = re.compile(r"^(?P<prefix>[^\t].{0,300}?)(?<![A-Za-z])(?P<level>" + _PG_LEVELS
                      + r"):  ?(?P<message>.*)$", re.S)
_PG_CSV_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} [\d:.]+(?: [A-Z]{2,5})?,[^\n]*?,(?:" + _PG_LEVELS
                          + r"),[0-9A-Z]{5},")
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[A-Z]{2,5}\b|[+-]\d{2}(?::?\d{2})?)?")
_PID = re.compile(r"\[(\d+)\]")
_SQLSTATE = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{5})(?::|\s)")
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180,
          "WET": 0, "WEST": 60, "MSK": 180, "IST": 330, "JST": 540, "KST": 540, "AEST": 600,
          "AEDT": 660, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420,
          "MDT": -360, "PST": -480, "PDT": -420, "BST": 60, "HKT": 480, "SGT": 480}
_MYSQL_ERROR_LINE = re.compile(
    r"^(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?|"
    r"\d{6}\s+\d{1,2}:\d{2}:\d{2})\s+(?:\d+\s+)?\[(?P<level>ERROR|Warning|Note|System|"
    r"Warn|Error)\](?:\s+\[(?P<code>MY-\d+)\])?(?:\s+\[\w+\])?\s*(?P<message>.*)$")
_INNODB_MARKERS = ("LATEST DETECTED DEADLOCK", "INNODB MONITOR OUTPUT",
                   "Transactions deadlock detected")
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


def _text_lines(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        yield number, raw[:LINE_CAP].decode("utf-8", "replace").rstrip("\r\n")


def parse_postgres_stderr(stream: BinaryIO, context: AnalysisContext) -> Iterator[LogEntry]:
    """Entries of a PostgreSQL stderr log; companions (DETAIL, STATEMENT...) attach to the
    message before them from the same process."""
    warned: set[str] = set()
    current: LogEntry | None = None
    last_companion: str | None = None
    for number, text in _text_lines(stream):
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
        match = _PG_LINE.match(text)
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
    warned: set[str] = set()
    current: LogEntry | None = None
    for number, text in _text_lines(stream):
        if number % 4096 == 0:
            context.check_cancelled()
        match = _MYSQL_ERROR_LINE.match(text)
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


def _template(message: str) -> str:
    return _TEMPLATE_LITERALS.sub("?", message.split("\n", 1)[0])[:200]


@dataclass
class _Group:
    key: str
    title: str
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, entry: LogEntry, path: str) -> None:
        self.count += 1
        if entry.time:
            self.first = min(self.first or entry.time, entry.time)
            self.last = max(self.last or entry.time, entry.time)
        if len(self.evidence) < 3:
            self.evidence.append(Evidence(path, LineLocator(entry.line, entry.end_line),
                                          _excerpt(entry.message)))


class _ServerLogFindings:
    """Turns log entries into findings, events and stats."""

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
            group = self.errors.setdefault(key, _Group(key, _template(message)))
            group.add(entry, self.path)
            if entry.time and len(self.events) < MAX_EVENTS:
                self.events.append(Event(
                    entry.time, self.path, LineLocator(entry.line, entry.end_line),
                    Severity.HIGH if entry.level != "ERROR" or special else Severity.MEDIUM,
                    EventSource.SQL, _excerpt(f"{entry.level}: {message}", 200)))

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
                    + (f"\nVictim statement: {_excerpt(entry.statement)}" if entry.statement
                       else "")),
            first_seen=entry.time, last_seen=entry.time,
            evidence=[Evidence(self.path, LineLocator(entry.line, entry.end_line),
                               _excerpt(f"{entry.message} {detail}"))],
            facts={"processes": processes, "statements": [_excerpt(s, 200) for s in statements],
                   "waits": [{"process": p, "lock": lock, "on": target, "blocked_by": by}
                             for p, lock, target, by in waits],
                   "victim_statement": _excerpt(entry.statement or "", 200) or None,
                   "victim_pid": entry.pid},
            remediation=("Make the transactions take their row locks in the same order (for "
                         "example sorted by primary key), keep them short, and retry on "
                         "SQLSTATE 40P01 / MySQL error 1213.")))

    def findings(self) -> Iterator[Finding]:
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
                detail=f"First: {_excerpt(group.title, 200)}", count=group.count,
                first_seen=group.first, last_seen=group.last, evidence=group.evidence,
                facts={"count": group.count, "dialect": self.dialect},
                remediation=remediation)
        for group in sorted(self.errors.values(), key=lambda g: (-g.count, g.key)):
            yield ERRORS.finding(
                f"{group.count:,} × {group.title}", analyzer=ANALYZER,
                detail=f"Errors grouped by {'SQLSTATE' if _is_state(group.key) else 'message'}"
                       f" {group.key!r}.", count=group.count, first_seen=group.first,
                last_seen=group.last, evidence=group.evidence,
                facts={"group": group.key, "count": group.count, "dialect": self.dialect})
        yield from _query_findings(self.classes, self.path, "statement durations")

    def stats(self) -> dict[str, Any]:
        return {"dialect": self.dialect, "entries": self.entries,
                "levels": dict(sorted(self.levels.items())),
                "errors": {g.key: g.count for g in sorted(self.errors.values(),
                                                          key=lambda g: g.key)},
                "deadlocks": len(self.deadlocks),
                "queries": [c.to_stats() for c in _ranked(self.classes)]}


def _is_state(key: str) -> bool:
    return bool(re.fullmatch(r"[0-9A-Z]{5}|MY-\d+", key))


# --- InnoDB deadlock sections -----------------------------------------------------------------

_INNODB_TRANSACTION = re.compile(r"^\*\*\* \((\d+)\) TRANSACTION:", re.M)
_INNODB_ROLLBACK = re.compile(r"^\*\*\* WE ROLL BACK TRANSACTION \((\d+)\)", re.M)


def innodb_deadlocks(lines: list[tuple[int, str]], path: str) -> Iterator[Finding]:
    """``LATEST DETECTED DEADLOCK`` sections (SHOW ENGINE INNODB STATUS) and the MySQL 8
    error-log dumps written with innodb_print_all_deadlocks."""
    start = None
    for position, (_, text) in enumerate(lines):
        if "LATEST DETECTED DEADLOCK" in text or "Transactions deadlock detected" in text:
            start = position
        elif start is not None and _INNODB_ROLLBACK.match(text.split("] ", 1)[-1]
                                                           if "] " in text[:80] else text):
            yield _innodb_finding(lines[start:position + 1], path)
            start = None


def _innodb_finding(section: list[tuple[int, str]], path: str) -> Finding:
    text = "\n".join(line for _, line in section)
    transactions: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    mode = None
    for raw in text.split("\n"):
        line = re.sub(r"^\S+ \d+ \[\w+\] (?:\[MY-\d+\] )?(?:\[InnoDB\] )?", "", raw)
        header = _INNODB_TRANSACTION.match(line)
        if header:
            current = transactions.setdefault(header.group(1), {"locks_held": [],
                                                                "locks_waited": [],
                                                                "statement": ""})
            mode = "transaction"
            continue
        if current is None:
            continue
        if "HOLDS THE LOCK" in line:
            mode = "held"
        elif "WAITING FOR THIS LOCK" in line:
            mode = "waited"
        elif line.startswith("RECORD LOCKS") or line.startswith("TABLE LOCK"):
            lock = re.sub(r" trx id \d+", "", line)[:200]
            (current["locks_held"] if mode == "held" else current["locks_waited"]).append(lock)
        elif line.startswith("MySQL thread id"):
            current["thread"] = line[:200]
        elif mode == "transaction" and re.match(r"^(?:UPDATE|DELETE|INSERT|SELECT|REPLACE)\b",
                                                line, re.I):
            current["statement"] = _excerpt(line, 300)
    victim = _INNODB_ROLLBACK.search(text)
    victim_id = victim.group(1) if victim else None
    statements = {number: info["statement"] for number, info in sorted(transactions.items())}
    return DEADLOCK.finding(
        f"InnoDB deadlock between {len(transactions) or 2} transactions; transaction "
        f"({victim_id}) rolled back", analyzer=ANALYZER,
        detail="\n".join(f"({n}) {s}" for n, s in statements.items()),
        evidence=[Evidence(path, LineLocator(section[0][0], section[-1][0]),
                           _excerpt(" | ".join(s for s in statements.values() if s), 300))],
        facts={"transactions": {n: {"statement": t["statement"],
                                    "locks_held": t["locks_held"][:5],
                                    "locks_waited": t["locks_waited"][:5]}
                                for n, t in sorted(transactions.items())},
               "victim": victim_id},
        remediation=("Access rows in the same order in every transaction, index the columns "
                     "the UPDATE/DELETE filter on so fewer rows are locked, keep transactions "
                     "short, and retry on error 1213."))


# --- the analyzer -----------------------------------------------------------------------------


def _content_kind(head: bytes) -> str | None:
    """``innodb``, ``mysql_error``, ``postgres`` or None for a log/text artifact."""
    text = head.decode("utf-8", "replace")
    if any(marker in text for marker in _INNODB_MARKERS):
        return "innodb"
    lines = text.splitlines()[:200]
    if sum(1 for line in lines if _MYSQL_ERROR_LINE.match(line)) >= 2:
        return "mysql_error"
    if sum(1 for line in lines if _PG_LINE.match(line[:LINE_CAP])) >= 2:
        return "postgres"
    if sum(1 for line in lines if _PG_CSV_LINE.match(line)) >= 2:
        return "postgres"
    return None


class SqlAnalyzer:
    """Per-artifact SQL analysis (see the module docstring)."""

    name = ANALYZER
    kinds = frozenset({ArtifactKind.SQL_DUMP, ArtifactKind.MYSQL_SLOW_LOG,
                       ArtifactKind.POSTGRES_LOG, ArtifactKind.LOG, ArtifactKind.TEXT})
    rules = RULES

    def analyze(self, source: ArtifactSource, context: AnalysisContext
                ) -> Iterator[Finding | Event | Stats]:
        kind = source.artifact.kind
        if kind is ArtifactKind.SQL_DUMP:
            yield from self._dump(source, context)
        elif kind is ArtifactKind.MYSQL_SLOW_LOG:
            yield from self._slow_log(source, context)
        else:
            with source.open() as stream:
                head = stream.read(HEAD_BYTES)
            content = "postgres" if kind is ArtifactKind.POSTGRES_LOG else _content_kind(head)
            if content is not None:
                yield from self._server_log(source, context, content, head)

    def _dump(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[Any]:
        path = source.artifact.path
        size = max(source.artifact.size, 1)
        kinds: Counter[str] = Counter()
        schema = SchemaBuilder()
        statements = oversized = 0
        with source.open() as stream:
            reader = StatementReader(stream)
            try:
                for statement in reader:
                    statements += 1
                    kinds[statement.kind] += 1
                    if statement.kind.startswith(("CREATE", "ALTER")):
                        if len(statement.raw) <= DDL_PARSE_CAP:
                            # Names and types end up in stats and findings: invalid
                            # UTF-8 is shown replaced, never as unencodable surrogates.
                            schema.feed(statement.raw.decode("utf-8", "replace"),
                                        statement.index, statement.line)
                        else:
                            oversized += 1
                    if statements % 256 == 0:
                        context.check_cancelled()
                        context.progress(min(reader.bytes_consumed / size, 1.0))
            except (OSError, EOFError, ValueError) as error:
                context.warn(f"dump unreadable after statement {statements}: {error}")
            for warning in reader.warnings:
                context.warn(warning)
        if oversized:
            context.warn(f"{oversized} DDL statement(s) over {DDL_PARSE_CAP:,} bytes "
                         "were counted but not parsed")
        if schema.unparsed:
            context.warn(f"{schema.unparsed} DDL statement(s) could not be parsed")
        model = schema.schema()
        yield from schema_findings(model, path)
        yield Stats(statements=statements, tables=len(model),
                    statement_kinds=dict(sorted(kinds.items())), schema=model)

    def _slow_log(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[Any]:
        path = source.artifact.path
        with source.open() as stream:
            try:
                classes, kept, dropped = digest_slow_log(parse_slow_log(stream, context))
            except (OSError, EOFError) as error:
                context.warn(f"slow log unreadable: {error}")
                classes, kept, dropped = {}, 0, 0
        if dropped:
            context.warn(f"{dropped} slow-log event(s) had no numeric Query_time; skipped, as "
                         "pt-query-digest skips them")
        yield from _query_findings(classes, path, "slow log")
        ranked = _ranked(classes)
        for query_class in ranked[:MAX_EVENTS]:
            if query_class.last_seen and query_class.example_time >= 1.0:
                yield Event(query_class.last_seen, path,
                            LineLocator(query_class.example_line), Severity.LOW,
                            EventSource.SQL,
                            _excerpt(f"slow query {query_class.example_time:.1f} s: "
                                     f"{query_class.shown(query_class.fingerprint)}", 200))
        yield Stats(events=kept, skipped_events=dropped, classes=len(classes),
                    queries=[c.to_stats() for c in ranked])

    def _server_log(self, source: ArtifactSource, context: AnalysisContext, content: str,
                    head: bytes) -> Iterator[Any]:
        path = source.artifact.path
        dialect = "postgresql" if content == "postgres" else "mysql"
        collector = _ServerLogFindings(path, dialect)
        innodb_lines: list[tuple[int, str]] = []
        with source.open() as stream:
            if content == "postgres" and _PG_CSV_LINE.match(head.decode("utf-8", "replace")):
                entries: Iterable[LogEntry] = parse_postgres_csv(stream, context)
            elif content == "postgres":
                entries = parse_postgres_stderr(stream, context)
            else:
                entries = self._mysql_entries(stream, context, innodb_lines)
            for entry in entries:
                collector.add(entry)
        findings = list(collector.findings())
        findings.extend(innodb_deadlocks(innodb_lines, path))
        yield from findings
        for finding in findings:
            if finding.rule == DEADLOCK.id and finding.first_seen:
                collector.events.append(Event(finding.first_seen, path,
                                              finding.evidence[0].locator, Severity.HIGH,
                                              EventSource.SQL, finding.title))
        yield from sorted(collector.events, key=Event.sort_key)
        yield Stats(**collector.stats(),
                    innodb_deadlocks=sum(1 for f in findings if f.title.startswith("InnoDB")))

    @staticmethod
    def _mysql_entries(stream: BinaryIO, context: AnalysisContext,
                       innodb_lines: list[tuple[int, str]]) -> Iterator[LogEntry]:
        """MySQL error-log entries; the raw lines are kept for the InnoDB deadlock pass
        (InnoDB status output is not line-structured like the error log)."""
        lines = list(_text_lines(stream))
        innodb_lines.extend(lines)
        encoded = io.BytesIO("\n".join(text for _, text in lines).encode())
        yield from parse_mysql_error_log(encoded, context)


# --- bundle level: slow query x schema --------------------------------------------------------


class SqlCrossAnalyzer:
    """``sql.missing-index-for-slow-query``: slow-query classes (from slow logs and
    PostgreSQL durations) checked against the schema of every dump in the bundle."""

    name = "sql-cross"
    rules = (MISSING_INDEX,)

    def analyze_bundle(self, bundle: BundleView, context: AnalysisContext
                       ) -> Iterator[Finding | Event]:
        tables: dict[str, dict[str, Any]] = {}
        schema_sources: dict[str, str] = {}
        query_sources: list[tuple[str, dict[str, Any]]] = []
        for results in bundle.results():
            stats = results.stats.get(ANALYZER) or {}
            for name, table in (stats.get("schema") or {}).items():
                tables.setdefault(name, table)
                schema_sources.setdefault(name, results.artifact.path)
            for query in stats.get("queries") or []:
                query_sources.append((results.artifact.path, query))
        if not tables:
            return
        reported: set[tuple[str, tuple[str, ...]]] = set()
        for path, query in query_sources:
            context.check_cancelled()
            for table_name, columns in _unindexed_predicates(query, tables).items():
                key = (table_name, tuple(columns))
                if key in reported:
                    continue
                reported.add(key)
                table = tables[table_name]
                index_name = f"idx_{table_name}_{'_'.join(columns)}"[:64]
                statement = f"CREATE INDEX {index_name} ON {table_name} ({', '.join(columns)});"
                total = query["query_time"]["total"]
                yield MISSING_INDEX.finding(
                    f"Slow query {query['id'][:16]} filters {table_name} on "
                    f"({', '.join(columns)}) with no index", analyzer=self.name,
                    detail=(f"`{query['fingerprint'][:300]}` ran {query['count']:,} times for "
                            f"{total:,.3f} s. No index on {table_name} starts with "
                            f"{' or '.join(columns)}; existing: "
                            + (", ".join(f"{i['name']}({', '.join(i['columns'])})"
                                         for i in table["indexes"]) or "none")
                            + (f", PRIMARY({', '.join(table['primary_key'])})"
                               if table["primary_key"] else "") + "."),
                    count=query["count"], first_seen=_parse_iso(query.get("first_seen")),
                    last_seen=_parse_iso(query.get("last_seen")),
                    evidence=[Evidence(path, LineLocator(query.get("example_line") or 1),
                                       _excerpt(query.get("example") or "")),
                              Evidence(schema_sources[table_name],
                                       StatementLocator(table["statement"], table["line"]),
                                       f"CREATE TABLE {table_name}")],
                    facts={"query_id": query["id"], "table": table_name, "columns": columns,
                           "suggested_index": statement, "total_time": total},
                    remediation=f"Consider {statement} (check selectivity with EXPLAIN first).")


def _parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _unindexed_predicates(query: dict[str, Any], tables: dict[str, dict[str, Any]]
                          ) -> dict[str, list[str]]:
    """Per table the query reads: its filtered columns, when no index leads with any."""
    aliases = {alias: table for alias, table in (query.get("tables") or {}).items()
               if table in tables}
    if not aliases:
        return {}
    used = sorted(set(aliases.values()))
    by_table: dict[str, list[str]] = {}
    for qualifier, column in query.get("predicates") or []:
        if qualifier is not None:
            table_name = aliases.get(qualifier)
        else:
            owners = [t for t in used if column in tables[t]["columns"]]
            table_name = owners[0] if len(owners) == 1 else None
        if table_name is None or column not in tables[table_name]["columns"]:
            continue
        columns = by_table.setdefault(table_name, [])
        if column not in columns:
            columns.append(column)
    result = {}
    for table_name, columns in sorted(by_table.items()):
        leading = {index[0] for index in _index_column_lists(tables[table_name]) if index}
        if not leading.intersection(columns):
            result[table_name] = columns
    return result
