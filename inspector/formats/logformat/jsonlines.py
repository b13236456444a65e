"""JSON lines: one JSON object per line (logstash, bunyan/pino, zap, Serilog, Docker,
MongoDB 4.4+, ``journalctl -o json``, CloudNativePG).

No pattern reads them: ``parse_json_line`` looks the time, level, message and logger up
under the keys the common libraries use, first at the top level, then one object down
(``{"log": {"level": ...}}``) and by dotted name (``log.level``).

Decisions the next engineer needs:

- Numeric levels are bunyan's and pino's (10 trace .. 60 fatal); one- and two-letter
  levels are MongoDB's (``"s": "E"``, ``"D2"``).
- Docker's json-file driver wraps the application's own line in ``{"log": ..., "stream":
  ...}``: without a level key, the level is the one the wrapped line's header writes.
- ``journalctl -o json``: the time is ``__REALTIME_TIMESTAMP`` (microseconds), the level
  the syslog ``PRIORITY``, the program ``SYSLOG_IDENTIFIER``.
- A record that wraps a PostgreSQL log record (CloudNativePG: ``{"level": "info", "msg":
  "record", "record": {"error_severity": "ERROR", "message": ...}}``) is read by the
  inner record: the outer level is the operator's, PostgreSQL's is the one that counts.
- An ``error``, ``exception`` or ``stack_trace`` value (a string, or an object with its
  ``stack``) is appended to the message on its own lines, so the ``logs`` analyzer reads
  the stack trace as it reads one folded from continuation lines.
- A JSON line is never ``memoizable``: its parts move with the text of its values.

>>> record = parse_json_line('{"time": 1794906000123, "level": 50, "msg": "pino error"}')
>>> record.time.isoformat(), record.level, record.message
('2026-11-17T09:00:00.123000+00:00', 'error', 'pino error')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from inspector.formats.logformat.levels import (
    LETTER_LEVELS,
    LEVEL_ORDER,
    SYSLOG_SEVERITY,
    message_level,
    normalize_level,
)
from inspector.formats.logformat.model import Record
from inspector.formats.logformat.servers import postgres_level
from inspector.formats.logformat.times import TIME_FORMAT, TimeReader, from_micros

_TIME_KEYS = ("@timestamp", "timestamp", "time", "ts", "datetime", "date", "eventTime",
              "asctime", "created", "t")
_LEVEL_KEYS = ("level", "severity", "levelname", "log.level", "lvl", "loglevel", "@l", "s")
_MESSAGE_KEYS = ("message", "msg", "@m", "@mt", "log", "text", "event", "body", "MESSAGE")
# ISO strings and epoch numbers written as strings: the time formats JSON loggers use.
_JSON_TIME_FORMATS = [TIME_FORMAT[name] for name in ("iso", "epoch-millis", "epoch")]
_JSON_TIME_READERS = [TimeReader(f, 1970) for f in _JSON_TIME_FORMATS]
_JSON_TIME_REGEXES = [f.compiled() for f in _JSON_TIME_FORMATS]


def _lookup(data: dict[str, Any], keys: Sequence[str]) -> Any:
    """The first present key, also one level down (``{"log": {"level": ...}}``) and dotted."""
    for key in keys:
        if key in data:
            return data[key]
        if "." in key:
            outer, inner = key.split(".", 1)
            nested = data.get(outer)
            if isinstance(nested, dict) and inner in nested:
                return nested[inner]
    for value in data.values():
        if isinstance(value, dict):
            for key in keys:
                if key in value and not isinstance(value[key], dict):
                    return value[key]
    return None


def json_time(value: Any) -> tuple[datetime, bool] | None:
    """A JSON time value: an ISO string, epoch seconds or millis (number or string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC), True
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, dict):
        value = value.get("$date") or value.get("date")
    if not isinstance(value, str):
        return None
    for regex, reader in zip(_JSON_TIME_REGEXES, _JSON_TIME_READERS, strict=True):
        match = regex.match(value)
        if match:
            return reader.read(match)
    return None


def _level(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        # bunyan/pino numeric levels: 10 trace .. 60 fatal
        return LEVEL_ORDER[max(0, min(5, value // 10 - 1))] if value >= 10 else None
    if value is None:
        return None
    word = str(value)
    if 1 <= len(word) <= 2 and word[0] in LETTER_LEVELS and (len(word) == 1 or word[1].isdigit()):
        return LETTER_LEVELS[word[0]]  # MongoDB: "E", "W", "D2"
    return normalize_level(word)


def _journal_record(data: dict[str, Any]) -> Record:
    """A ``journalctl -o json`` entry."""
    micros = data.get("__REALTIME_TIMESTAMP")
    time = from_micros(int(micros)) if isinstance(micros, str) and micros.isdigit() \
        and len(micros) <= 17 else None
    priority = data.get("PRIORITY")
    message = data.get("MESSAGE")
    if isinstance(message, list):  # a message that is not valid UTF-8: its bytes
        message = bytes(b for b in message if isinstance(b, int) and 0 <= b < 256).decode(
            "utf-8", "replace")
    text = message if isinstance(message, str) else ""
    level = message_level(text)
    if level is None and isinstance(priority, str) and priority.isdigit():
        level = SYSLOG_SEVERITY[int(priority) % 8]
    logger = data.get("SYSLOG_IDENTIFIER") or data.get("_COMM")
    return Record(time, time is not None, level, logger if isinstance(logger, str) else None,
                  text)


def parse_json_line(line: str) -> Record | None:
    """The record of one JSON line, or ``None`` when the line holds no JSON object."""
    stripped = line.strip()
    if not stripped.startswith("{"):
        return None
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    if "__REALTIME_TIMESTAMP" in data:
        return _journal_record(data)
    read = json_time(_lookup(data, _TIME_KEYS))
    level = _level(_lookup(data, _LEVEL_KEYS))
    message = _lookup(data, _MESSAGE_KEYS)
    inner = data.get("record")
    if isinstance(inner, dict) and isinstance(inner.get("error_severity"), str):
        level = postgres_level(inner["error_severity"]) or level
        if isinstance(inner.get("message"), str):
            message = inner["message"]
    if message is None:
        message = stripped
    elif not isinstance(message, str):
        message = orjson.dumps(message).decode()
    message = message.rstrip("\n")
    if level is None and data.get("stream") in ("stdout", "stderr"):
        # Docker's json-file driver wraps the app's own line: its header has the level.
        level = message_level(message)
    error = data.get("error") or data.get("exception") or data.get("stack_trace")
    if isinstance(error, str) and error:
        message = f"{message}\n{error}"
    elif isinstance(error, dict):
        stack = error.get("stack") or error.get("stack_trace") or error.get("message")
        if isinstance(stack, str):
            message = f"{message}\n{stack}"
    logger = _lookup(data, ("logger", "logger_name", "name", "component", "c"))
    return Record(read[0] if read else None, bool(read and read[1]), level,
                  logger if isinstance(logger, str) else None, message)
