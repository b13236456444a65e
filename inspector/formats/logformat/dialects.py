"""The formats a generic header reads: "timestamp first" logs, access logs, CRI, nginx, IIS.

Most application logs start with a timestamp and then a header of a few fields (pid,
level, ``[thread]`` groups, a logger) in an order each framework picks. One grammar
(``HEADER_TAIL``) reads them all instead of one pattern per framework, so log4j and
logback (``[2016-12-19 19:27:47,123] ERROR ...``), Kafka, Elasticsearch (``[INFO ]``),
Python logging (``... - name - ERROR - ...``), Monolog/Laravel (``local.ERROR:``), Icinga
(``information/Notification:``), RabbitMQ (Lager's Erlang ``<0.267.0>``), OpenStack's
oslo.log, Spring Boot, MySQL (``[Note]``,
``[System]``, ``InnoDB: Error:``), Apache's error log (``[core:error]``) and the Loghub
collection share one path. The formats with a fixed shape of their own are in
``systems`` (syslog, journals, klog, dmesg, JVM GC, Android, Windows) and ``servers``
(PostgreSQL, Redis, MongoDB, HAProxy).

Decisions the next engineer needs:

- Every alternative of the header grammar consumes at least one non-space character and
  every repeat is bounded: it stays linear. No digit is literal: it stays ``digit_blind``.
- A level word standing alone after the timestamp is a level in any case; after one or two
  other header words (a host, a component) only in capitals (``ulevel``).
- A format whose message is rebuilt from parts (access logs, W3C) says so with
  ``message_is_suffix=False``; one whose level depends on digits (the syslog priority, the
  HTTP status) names that group its ``variant`` (see ``model``).
- W3C: "#" directives, then space-separated fields in the order "#Fields:" lists. Values
  never hold spaces (IIS writes "+"). Times are UTC by the format's definition, but nothing
  in a line says so: they are read like any zoneless time and the timeline checks the
  offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from inspector.formats.logformat.levels import (
    LEVEL_PATTERN,
    UPPER_LEVEL_PATTERN,
    level_from_status,
    message_head,
)
from inspector.formats.logformat.model import FileClock, LogFormat
from inspector.formats.logformat.times import TIME_FORMAT, TimeFormat

# After a leading timestamp: any run of pid numbers, levels, ``[bracket]`` groups (one level
# of nesting), and separators; then an optional dotted ``logger:`` or ``logger -``. Every
# alternative consumes at least one non-space character and every repeat is bounded.
_BRACKET = r"\[[^\[\]\n]{0,300}(?:\[[^\[\]\n]{0,300}\][^\[\]\n]{0,300}){0,5}\]"
HEADER_TAIL = (
    r"(?:\s{0,20}(?:"
    r"(?P<level>" + LEVEL_PATTERN + r")(?:/[\w.-]{1,60})?(?::(?=\s)|(?![\w.:(]))"
    r"|\[\s{0,5}(?P<blevel>" + LEVEL_PATTERN + r"|System)\s{0,5}\]"
    r"|\[(?:\w{1,20}:)(?P<clevel>" + LEVEL_PATTERN + r")\]"
    r"|[\w-]{1,60}\.(?P<mlevel>" + LEVEL_PATTERN + r"):(?=\s)"
    r"|" + _BRACKET +
    r"|\d{1,10}(?:#\d{1,10}:?)?(?=\s)"
    r"|<\d{1,10}\.\d{1,10}\.\d{1,10}>(?=\s|$)"
    r"|(?:-{1,3}|[|:,])(?=\s)"
    r")){0,12}"
    r"(?:\s{1,20}(?:[\w.@/-]{1,60}\s{1,5}){1,2}(?P<ulevel>" + UPPER_LEVEL_PATTERN
    + r")(?::|\s{1,5}-)?(?=\s))?"
    r"\s{0,20}(?:(?P<logger>[A-Za-z_$][\w$]{0,100}(?:\.[\w$]{1,100}){1,30}(?:\[\d{1,10}\])?)"
    r"(?:\s?:|\s{1,5}-|(?=\s\[))(?:\s|$))?"
    r"(?:\s{0,20}(?P<alevel>" + LEVEL_PATTERN + r")(?:\s{1,5}-|:)(?=\s))?"
    r"(?:(?=InnoDB: (?P<ilevel>Error|Warning|Note):))?"
    r"\s{0,20}(?P<message>.*)"
)

_ACCESS = (r"(?P<client>[0-9A-Fa-f.:]{2,45}|[\w.-]{1,253}) \S{1,100} \S{1,200} \[(?P<_t>"
           + TIME_FORMAT["apache-access"].pattern + r")\] \"(?P<request>[^\"\n]{0,8000})\" "
           r"(?P<status>\d{3}) (?P<message>.*)")


def _access_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    status = int(match.group("status"))
    rest = match.group("message")
    return (level_from_status(status), None,
            f'{match.group("client")} "{match.group("request")}" {status} {rest}')


_CRI = (r"(?P<_t>" + TIME_FORMAT["iso"].pattern + r") (?P<stream>stdout|stderr) (?P<tag>[FP]) "
        r"(?P<message>.*)")


def _cri_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    message = match.group("message")
    level, start = message_head(message)
    return level, None, message[start:]


_NGINX_ERROR = (r"(?P<_t>" + TIME_FORMAT["ymd-slash"].pattern + r") \[(?P<level>"
                + LEVEL_PATTERN + r")\] (?:\d{1,10}#\d{1,10}: )?(?:\*\d{1,20} )?"
                r"(?P<message>.*)")
_PYTHON_DEFAULT = (r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?P<logger>[\w.]{1,200}):"
                   r"(?P<message>.*)")

_W3C_FIELDS = re.compile(r"#Fields:[ \t]*(?P<names>[^\n]{1,4000})")
_W3C_GROUPS = {"c-ip": "client", "cs-method": "method", "cs-uri-stem": "uri",
               "cs-uri-query": "query", "sc-status": "status", "time-taken": "taken"}
_W3C_VALUE = r"[^ \n]{1,8000}"


def w3c_format(sample: Sequence[str], clock: FileClock) -> LogFormat | None:
    """The W3C format of a file whose ``#Fields:`` directive is in ``sample``, when its
    ``date`` and ``time`` fields come together (as IIS writes them)."""
    names = next((found.group("names").split() for line in sample
                  if (found := _W3C_FIELDS.match(line))), None)
    if not names or "date" not in names or names.index("date") + 1 >= len(names) \
            or names[names.index("date") + 1] != "time" or len(names) > 60:
        return None
    parts = []
    named: set[str] = set()  # a field listed twice is named once
    for position, name in enumerate(names):
        group = _W3C_GROUPS.get(name)
        if name == "date":
            parts.append(r"(?P<_t>" + TIME_FORMAT["iso"].pattern + r")")
        elif name == "time" and names[position - 1] == "date":
            continue
        elif group is None or group in named:
            parts.append(_W3C_VALUE)
        else:
            named.add(group)
            value = r"\d{3}" if group == "status" else _W3C_VALUE
            parts.append(f"(?P<{group}>{value})")
    pattern = r"\#(?P<directive>[^\n]{0,8000})|" + " ".join(parts) + r"[ \t]*$"
    return LogFormat("w3c", pattern, TIME_FORMAT["iso"], clock, _w3c_extract,
                     variant="status" if "status" in named else None,
                     message_is_suffix=False)


def _w3c_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    groups = match.groupdict()
    if groups["directive"] is not None:
        return None, None, "#" + groups["directive"]
    status = groups.get("status")
    uri = groups.get("uri") or ""
    if groups.get("query") not in (None, "-"):
        uri += "?" + groups["query"]
    message = " ".join(part for part in (groups.get("client"), groups.get("method"), uri,
                                         status, groups.get("taken") and
                                         f"{groups['taken']} ms") if part)
    return (level_from_status(int(status)) if status else None), None, message


def early_formats(clock: FileClock) -> list[LogFormat]:
    """The generic formats with a fixed shape: CRI container logs, access logs (Common and
    Combined Log Format), nginx's error log."""
    return [
        LogFormat("cri", _CRI, TIME_FORMAT["iso"], clock, _cri_extract),
        LogFormat("access", _ACCESS, TIME_FORMAT["apache-access"], clock, _access_extract,
                  variant="status", message_is_suffix=False),
        LogFormat("nginx-error", _NGINX_ERROR, TIME_FORMAT["ymd-slash"], clock),
    ]


def timestamp_formats(time_format: TimeFormat | None, clock: FileClock) -> list[LogFormat]:
    """"Timestamp at the start" with the generic header (at the very start, and after a
    label or sequence number), when the sample's lines lead with ``time_format``; then
    Python's default ``LEVEL:logger:message``."""
    formats = []
    if time_format is not None:
        prefix = r"(?:<\d{1,3}>\d? ?)?[\[(]?(?P<_t>"
        pattern = prefix + time_format.pattern + r")[\])]?" + HEADER_TAIL
        formats.append(LogFormat("timestamp-first", pattern, time_format, clock))
        # A label or sequence number before the timestamp (BGL, Thunderbird, HPC).
        loose = (r"(?:\S{1,40} ){1,3}(?P<_t>" + time_format.pattern + r")" + HEADER_TAIL)
        formats.append(LogFormat("timestamp-first", loose, time_format, clock, time_first=False))
    formats.append(LogFormat("python-default", _PYTHON_DEFAULT))
    return formats
