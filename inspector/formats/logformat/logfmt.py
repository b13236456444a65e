"""logfmt: ``key=value`` pairs, one record a line (logrus, go-kit, Prometheus, Heroku, Docker).

``time="2025-01-02T03:04:05Z" level=fatal msg="cannot start"``. The time, level and message
are the values of the keys the common libraries use (``time``/``ts``/``t``, ``level``/
``lvl``/``severity``, ``msg``/``message``); a line counts as a record when it has at least
two pairs, one of them a time or a level. A line may start with a timestamp of its own
(``kubectl logs --timestamps``): the record's time is then the ``time`` pair's, or that one.

Like JSON lines, logfmt is read by a function, not a pattern, and is never ``memoizable``.

>>> record = parse_logfmt_line('time="2025-01-02T03:04:05Z" level=fatal msg="cannot start"')
>>> record.time.isoformat(), record.level, record.message
('2025-01-02T03:04:05+00:00', 'critical', 'cannot start')
"""

from __future__ import annotations

import re

from inspector.formats.logformat.jsonlines import json_time
from inspector.formats.logformat.levels import normalize_level
from inspector.formats.logformat.model import MAX_HEADER, Record

_PAIR = re.compile(r"(?:^|(?<=\s))(?P<key>[A-Za-z_@][\w.@-]{0,100})="
                   r"(?P<value>\"(?:[^\"\\\n]|\\.){0,8000}\"|[^\s\"]{0,8000})")
_LEADING_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\S{0,30}\s")
_TIME_KEYS = ("time", "ts", "t", "timestamp", "@timestamp", "date")
_LEVEL_KEYS = ("level", "lvl", "severity", "loglevel")
_MESSAGE_KEYS = ("msg", "message")
_LOGGER_KEYS = ("logger", "component", "caller")


def _value(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def parse_logfmt_line(line: str) -> Record | None:
    """The record of one logfmt line, or ``None`` when it holds no logfmt record."""
    head = line[:MAX_HEADER]
    leading = _LEADING_TIME.match(head)
    pairs = {found.group("key"): found.group("value")
             for found in _PAIR.finditer(head, leading.end() if leading else 0)}
    if len(pairs) < 2:
        return None
    time_text = next((pairs[key] for key in _TIME_KEYS if key in pairs), None)
    level_text = next((pairs[key] for key in _LEVEL_KEYS if key in pairs), None)
    if time_text is None and level_text is None:
        return None
    read = json_time(_value(time_text)) if time_text is not None else None
    if read is None and leading is not None:
        read = json_time(leading.group().strip())
    message_text = next((pairs[key] for key in _MESSAGE_KEYS if key in pairs), None)
    message = _value(message_text) if message_text is not None else line
    logger = next((_value(pairs[key]) for key in _LOGGER_KEYS if key in pairs), None)
    return Record(read[0] if read else None, bool(read and read[1]),
                  normalize_level(_value(level_text)) if level_text else None, logger,
                  message)
