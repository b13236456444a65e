"""JSON lines: one JSON object per line (logstash, bunyan/pino, zap, Serilog, Docker).

No pattern reads them: ``parse_json_line`` looks the time, level, message and logger up
under the keys the common libraries use, first at the top level, then one object down
(``{"log": {"level": ...}}``) and by dotted name (``log.level``).

Decisions the next engineer needs:

- Numeric levels are bunyan's and pino's (10 trace .. 60 fatal).
- Docker's json-file driver wraps the application's own line in ``{"log": ..., "stream":
  ...}``: without a level key, the level is searched in the wrapped line's header.
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

from inspector.formats.logformat.levels import LEVEL_ORDER, normalize_level, search_level
from inspector.formats.logformat.model import Record
from inspector.formats.logformat.times import TIME_FORMATS, TimeReader

_TIME_KEYS = ("@timestamp", "timestamp", "time", "ts", "datetime", "date", "eventTime",
              "asctime", "created", "t")
_LEVEL_KEYS = ("level", "severity", "levelname", "log.level", "lvl", "loglevel", "@l", "s")
_MESSAGE_KEYS = ("message", "msg", "@m", "@mt", "log", "text", "event", "body", "MESSAGE")
# ISO strings and epoch numbers written as strings: the time formats JSON loggers use.
_JSON_TIME_READERS = [TimeReader(f, 1970) for f in TIME_FORMATS[:1] + TIME_FORMATS[-2:]]
_JSON_TIME_REGEXES = [f.compiled() for f in TIME_FORMATS[:1] + TIME_FORMATS[-2:]]


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
    read = json_time(_lookup(data, _TIME_KEYS))
    level_value = _lookup(data, _LEVEL_KEYS)
    if isinstance(level_value, int) and not isinstance(level_value, bool):
        # bunyan/pino numeric levels: 10 trace .. 60 fatal
        level = LEVEL_ORDER[max(0, min(5, level_value // 10 - 1))] if level_value >= 10 else None
    else:
        level = normalize_level(str(level_value)) if level_value is not None else None
    message = _lookup(data, _MESSAGE_KEYS)
    if message is None:
        message = stripped
    elif not isinstance(message, str):
        message = orjson.dumps(message).decode()
    message = message.rstrip("\n")
    if level is None and data.get("stream") in ("stdout", "stderr"):
        # Docker's json-file driver wraps the app's own line: its header has the level.
        level = search_level(message)
    error = data.get("error") or data.get("exception") or data.get("stack_trace")
    if isinstance(error, str) and error:
        message = f"{message}\n{error}"
    elif isinstance(error, dict):
        stack = error.get("stack") or error.get("stack_trace") or error.get("message")
        if isinstance(stack, str):
            message = f"{message}\n{stack}"
    logger = _lookup(data, ("logger", "logger_name", "name", "component"))
    return Record(read[0] if read else None, bool(read and read[1]), level,
                  logger if isinstance(logger, str) else None, message)
