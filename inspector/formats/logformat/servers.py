"""The formats servers write with a shape of their own: PostgreSQL, Redis, MongoDB, HAProxy.

(MySQL, Elasticsearch, Kafka, ZooKeeper, nginx and Apache write "timestamp first" logs the
generic header of ``dialects`` reads.)

- PostgreSQL stderr logs: any ``log_line_prefix`` that starts with the time, then
  ``LEVEL:  message``. LOG, NOTICE and INFO are info; FATAL ends one session (a failed
  login, a shutdown refusing connections), so it is an error; PANIC ends the server, so it
  is critical. DETAIL, HINT, STATEMENT, CONTEXT, QUERY and LOCATION lines continue the
  message before them. csvlog rows read the same levels from their ``error_severity``.
- Redis: ``98738:M 30 May 12:23:52.442 * msg`` (3.x and later; the letter is the role),
  ``[2932] 31 May 04:32:08 * msg`` (2.x), and ``5092:signal-handler (1496141844) msg``;
  the level is the symbol: ``.`` debug, ``-`` verbose, ``*`` notice, ``#`` warning.
- MongoDB before 4.4: ``2018-02-05T13:44:56.657+0100 I CONTROL  [initandlisten] msg``, the
  level a letter (``D1``..``D5`` are debug levels). 4.4 and later write JSON lines
  (``jsonlines``).
- HAProxy's HTTP log through syslog: the level is the HTTP status, as for access logs.
"""

from __future__ import annotations

import re

from inspector.formats.logformat.levels import (
    LETTER_LEVELS,
    level_from_status,
    message_level,
)
from inspector.formats.logformat.model import FileClock, LogFormat
from inspector.formats.logformat.times import TIME_FORMAT, TimeFormat

POSTGRES_LEVELS = {"LOG": "info", "NOTICE": "info", "INFO": "info", "WARNING": "warning",
                   "ERROR": "error", "FATAL": "error", "PANIC": "critical"}
_POSTGRES_LEVEL = r"(?P<pglevel>LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG\d?)"


def postgres_level(word: str) -> str | None:
    """PostgreSQL's severity as a level (see the module doc).

    >>> postgres_level("FATAL"), postgres_level("DEBUG2"), postgres_level("LOG")
    ('error', 'debug', 'info')
    """
    return "debug" if word.startswith("DEBUG") else POSTGRES_LEVELS.get(word)


def _postgres_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    return postgres_level(match.group("pglevel")), None, match.group("message")


_CSV_FIELD = r"(?:\"(?:[^\"\n]|\"\"){0,4000}\"|[^,\"\n]{0,4000})"
# The epoch seconds only after ``signal-handler (``.
_REDIS_TIME = TimeFormat(
    "redis", r"(?:" + TIME_FORMAT["day-month-name"].pattern
    + r"|(?<=signal-handler \()(?P<e>\d{10}))")
_REDIS = (r"(?:\d{1,10}:[XCSM] |\[\d{1,10}\] |\d{1,10}:signal-handler \()?(?P<_t>"
          + _REDIS_TIME.pattern + r")\)?(?: (?P<symbol>[.*#-]))? (?P<message>.*)")
_REDIS_LEVELS = {".": "debug", "-": "trace", "*": "info", "#": "warning"}


def _redis_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    symbol = match.group("symbol")
    return _REDIS_LEVELS.get(symbol) if symbol else None, None, match.group("message")


_MONGODB = (r"(?P<_t>" + TIME_FORMAT["iso"].pattern + r") (?P<letter>[FEWI]|D\d?) {1,3}"
            r"(?P<logger>[A-Z_]{1,20}|-) {1,20}\[[^\]\n]{1,200}\] (?P<message>.*)")


def _mongodb_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    return LETTER_LEVELS[match.group("letter")[0]], match.group("logger"), match.group("message")


_HAPROXY = (r"(?:<\d{1,3}>)?(?P<_t>" + TIME_FORMAT["syslog"].pattern + r") \S{1,255} "
            r"(?P<app>haproxy)\[\d{1,10}\]: (?P<message>(?:[0-9A-Fa-f.:]{2,45}:\d{1,5} "
            r"\[[^\]\n]{1,40}\] \S{1,200} \S{1,200} [\d/+-]{1,60} (?P<status>\d{3}) )?.*)")


def _haproxy_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    status = match.group("status")
    message = match.group("message")
    level = level_from_status(int(status)) if status else message_level(message)
    return level, "haproxy", message


def server_formats(time_format: TimeFormat | None, clock: FileClock) -> list[LogFormat]:
    """The server formats to try, most specific first (``time_format``: the one the
    sample's lines lead with, for PostgreSQL's prefix)."""
    formats = [
        LogFormat("redis", _REDIS, _REDIS_TIME, clock, _redis_extract),
        LogFormat("mongodb", _MONGODB, TIME_FORMAT["iso"], clock, _mongodb_extract),
        LogFormat("haproxy", _HAPROXY, TIME_FORMAT["syslog"], clock, _haproxy_extract,
                  variant="status"),
    ]
    if time_format is not None:
        companion = r"(?!(?:DETAIL|STATEMENT|HINT|CONTEXT|QUERY|LOCATION):)"
        stderr = (r"(?P<_t>" + time_format.pattern + r")[^\n]{0,200}?(?<![A-Za-z])" + companion
                  + _POSTGRES_LEVEL + r":  ?(?P<message>.*)")
        formats.append(LogFormat("postgres", stderr, time_format, clock, _postgres_extract))
        csvlog = (r"(?P<_t>" + time_format.pattern + r"),(?:" + _CSV_FIELD + r",){10}"
                  + _POSTGRES_LEVEL + r",[0-9A-Z]{5},\"?(?P<message>.*)")
        formats.append(LogFormat("postgres-csv", csvlog, time_format, clock, _postgres_extract))
    return formats
