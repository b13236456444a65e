"""The formats a pattern reads: access logs, syslog, CRI, nginx, IIS (W3C), and the rest.

``candidates`` lists the pattern formats ``detection`` tries, most specific first: CRI
container logs, access logs (Common/Combined Log Format), RFC 5424 and RFC 3164 syslog,
nginx error logs, then "timestamp at the start" (twice: at the very start, and after a
label or sequence number), then Python's default ``LEVEL:logger:message``. IIS's W3C
format is built from the file's own ``#Fields:`` directive (``w3c_format``).

Decisions the next engineer needs:

- The header after a leading timestamp is read by one generic grammar (pid, level,
  ``[thread]`` groups, separators, a dotted ``logger:``) instead of one pattern per
  framework, so log4j, logback, Python logging and the Loghub collection share one path.
  Every alternative of that grammar consumes at least one non-space character and every
  repeat is bounded: it stays linear.
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
from datetime import datetime

from inspector.formats.logformat.levels import (
    LEVEL_PATTERN,
    SYSLOG_SEVERITY,
    level_from_status,
    normalize_level,
    search_level,
)
from inspector.formats.logformat.model import LogFormat
from inspector.formats.logformat.times import TIME_FORMATS, TimeFormat

# After a leading timestamp: any run of pid numbers, levels, ``[bracket]`` groups (one level
# of nesting), and separators; then an optional dotted ``logger:`` or ``logger -``. Every
# alternative consumes at least one non-space character and every repeat is bounded.
_BRACKET = r"\[[^\[\]\n]{0,300}(?:\[[^\[\]\n]{0,300}\][^\[\]\n]{0,300}){0,5}\]"
_HEADER_TAIL = (
    r"(?:\s{0,20}(?:"
    r"(?P<level>" + LEVEL_PATTERN + r")(?![\w.:(])(?::(?=\s))?"
    r"|\[(?P<blevel>" + LEVEL_PATTERN + r")\]"
    r"|\[(?:\w{1,20}:)(?P<clevel>" + LEVEL_PATTERN + r")\]"
    r"|" + _BRACKET +
    r"|\d{1,10}(?:#\d{1,10}:?)?(?=\s)"
    r"|(?:-{1,3}|[|:])(?=\s)"
    r")){0,12}"
    r"\s{0,20}(?:(?P<logger>[A-Za-z_$][\w$]{0,100}(?:\.[\w$]{1,100}){1,30}(?:\[\d{1,10}\])?)"
    r"(?:\s?:|\s{1,5}-)(?:\s|$))?"
    r"(?:\s{0,20}(?P<alevel>" + LEVEL_PATTERN + r")(?:\s{1,5}-|:)(?=\s))?"
    r"\s{0,20}(?P<message>.*)"
)

_ACCESS = (r"(?P<client>[0-9A-Fa-f.:]{2,45}|[\w.-]{1,253}) \S{1,100} \S{1,200} \[(?P<_t>"
           + TIME_FORMATS[7].pattern + r")\] \"(?P<request>[^\"\n]{0,8000})\" (?P<status>\d{3}) "
           r"(?P<message>.*)")


def _access_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    status = int(match.group("status"))
    rest = match.group("message")
    return (level_from_status(status), None,
            f'{match.group("client")} "{match.group("request")}" {status} {rest}')


_SYSLOG = (r"(?:<(?P<pri>\d{1,3})>)?(?P<_t>" + TIME_FORMATS[10].pattern + r") "
           r"(?P<host>\S{1,255}) (?P<app>[^\s:\[]{1,200})(?:\[(?P<pid>[^\]\n]{1,20})\])?:? ?"
           r"(?P<message>.*)")
_SYSLOG_5424 = (r"<(?P<pri>\d{1,3})>1 (?P<_t>" + TIME_FORMATS[0].pattern + r") (?P<host>\S{1,255})"
                r" (?P<app>\S{1,48}) (?P<procid>\S{1,128}) (?P<msgid>\S{1,32}) "
                r"(?P<sd>-|(?:\[[^\]\n]{0,2000}\]){1,20}) ?(?P<message>.*)")


def _syslog_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    priority = match.group("pri")
    message = match.group("message")
    level = SYSLOG_SEVERITY[int(priority) % 8] if priority else search_level(message[:60])
    return level, match.group("app"), message


_CRI = (r"(?P<_t>" + TIME_FORMATS[0].pattern + r") (?P<stream>stdout|stderr) (?P<tag>[FP]) "
        r"(?P<message>.*)")


def _cri_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    message = match.group("message")
    inner = _INNER_LEVEL.match(message)
    level = normalize_level(inner.group(1)) if inner else search_level(message)
    return level, None, message


_INNER_LEVEL = re.compile(r"[^\n]{0,60}?\b(" + LEVEL_PATTERN + r")\b")

_NGINX_ERROR = (r"(?P<_t>" + TIME_FORMATS[1].pattern + r") \[(?P<level>" + LEVEL_PATTERN
                + r")\] (?:\d{1,10}#\d{1,10}: )?(?:\*\d{1,20} )?(?P<message>.*)")
_PYTHON_DEFAULT = (r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?P<logger>[\w.]{1,200}):"
                   r"(?P<message>.*)")

_W3C_FIELDS = re.compile(r"#Fields:[ \t]*(?P<names>[^\n]{1,4000})")
_W3C_GROUPS = {"c-ip": "client", "cs-method": "method", "cs-uri-stem": "uri",
               "cs-uri-query": "query", "sc-status": "status", "time-taken": "taken"}
_W3C_VALUE = r"[^ \n]{1,8000}"


def w3c_format(sample: Sequence[str], default_year: int,
               anchor: datetime | None) -> LogFormat | None:
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
            parts.append(r"(?P<_t>" + TIME_FORMATS[0].pattern + r")")
        elif name == "time" and names[position - 1] == "date":
            continue
        elif group is None or group in named:
            parts.append(_W3C_VALUE)
        else:
            named.add(group)
            value = r"\d{3}" if group == "status" else _W3C_VALUE
            parts.append(f"(?P<{group}>{value})")
    pattern = r"\#(?P<directive>[^\n]{0,8000})|" + " ".join(parts) + r"[ \t]*$"
    return LogFormat("w3c", pattern, TIME_FORMATS[0], default_year, _w3c_extract,
                     variant="status" if "status" in named else None,
                     message_is_suffix=False, anchor=anchor)


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


def candidates(time_format: TimeFormat | None, default_year: int,
               anchor: datetime | None) -> list[LogFormat]:
    """The pattern formats to try, most specific first; the "timestamp at the start" ones
    only when the sample's lines lead with ``time_format``."""
    formats = [
        LogFormat("cri", _CRI, TIME_FORMATS[0], default_year, _cri_extract, anchor=anchor),
        LogFormat("access", _ACCESS, TIME_FORMATS[7], default_year, _access_extract,
                  variant="status", message_is_suffix=False, anchor=anchor),
        LogFormat("syslog", _SYSLOG_5424, TIME_FORMATS[0], default_year, _syslog_extract,
                  variant="pri", anchor=anchor),
        LogFormat("syslog", _SYSLOG, TIME_FORMATS[10], default_year, _syslog_extract,
                  variant="pri", anchor=anchor),
        LogFormat("nginx-error", _NGINX_ERROR, TIME_FORMATS[1], default_year, anchor=anchor),
    ]
    if time_format is not None:
        prefix = r"(?:<\d{1,3}>\d? ?)?[\[(]?(?P<_t>"
        pattern = prefix + time_format.pattern + r")[\])]?" + _HEADER_TAIL
        formats.append(LogFormat("timestamp-first", pattern, time_format, default_year,
                                 anchor=anchor))
        # A label or sequence number before the timestamp (BGL, Thunderbird, HPC).
        loose = (r"(?:\S{1,40} ){1,3}(?P<_t>" + time_format.pattern + r")" + _HEADER_TAIL)
        formats.append(LogFormat("timestamp-first", loose, time_format, default_year,
                                 anchor=anchor))
    formats.append(LogFormat("python-default", _PYTHON_DEFAULT))
    return formats
