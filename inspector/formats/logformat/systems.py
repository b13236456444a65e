"""The formats operating systems and runtimes write: syslog and journals, klog, the kernel's
ring buffer, JVM GC logs, Android's logcat and Windows event exports.

Each reads its time, zone and level the way its source writes them:

- syslog (RFC 3164 ``<PRI>Nov 17 09:14:01 host app[pid]: msg``, RFC 5424) and what
  ``journalctl`` prints (``short``, ``short-precise``, ``short-iso``, ``short-iso-precise``,
  ``short-full``, ``short-unix``, ``short-monotonic``): the level is the message's own
  header when it has one (a klog line, ``level=error``, ``[WARN]``; journald keeps every
  line a program prints), else the priority. A journal's ``-- Logs begin at Fri 2022-02-04
  09:42:52 UTC, end at ...`` header gives the zone and the year of its lines, and until
  when it watched (``journal_clock``); the program's own header is cut off its message (a
  klog ``E0211 19:12:25.133070 67177 server.go:495]``, a timestamp and level); its ``--
  Subject:`` catalog lines and ``-- Reboot --`` markers continue the entry before them.
- klog and glog (Kubernetes, Go and C++ programs): ``E1002 02:37:18.982345    1128
  file.go:190] msg``, the level is the letter, the year is not written (glog 0.7 writes it).
- dmesg: ``[    5.123456] msg`` (seconds since boot: no wall time), ``dmesg -x``
  (``kern  :err   : [ 5.1] msg``), ``dmesg -r`` (``<3>[ 5.1] msg``) and ``dmesg -T``
  (``[Fri Feb  4 09:42:52 2022] msg``). Plain dmesg has no level: the kernel's text is not
  guessed at.
- JVM GC logs: JDK 9+ unified logging (``[2022-11-10T03:37:29.443-0800][0.017s][info][gc]
  msg``, any decorators, the level in brackets) and JDK 8 (``2017-03-05T07:47:09.123-0500:
  20.010: [GC ...``, or the uptime alone). Read as logs for their times; their analysis is
  the JVM analyzer's.
- Android logcat: ``threadtime`` (``11-17 09:14:01.233  1234  5678 E Tag: msg``),
  ``brief`` and ``time`` (``E/Tag( 1234): msg``); the level is the letter.
- Windows Event Viewer exports (text or CSV: ``Error<TAB>2/25/2019 10:00:00 AM<TAB>Service
  Control Manager<TAB>7000<TAB>...``): the level is the first field, the clock 12-hour.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from inspector.formats.logformat.levels import (
    LETTER_LEVELS,
    LEVEL_PATTERN,
    SYSLOG_SEVERITY,
    message_head,
    normalize_level,
)
from inspector.formats.logformat.model import FileClock, LogFormat
from inspector.formats.logformat.times import (
    KLOG_TIME,
    TIME_FORMAT,
    WEEKDAY_ISO,
    ZONE_NAMES,
    TimeFormat,
)

# After a syslog or journal timestamp: the host, the program and its pid, a colon.
_SYSLOG_TAIL = (r" (?P<host>\S{1,255}) (?P<app>[^\s:\[]{1,200})(?:\[(?P<pid>[^\]\n]{1,20})\])?"
                r":? ?(?P<message>.*)")
# The same, stricter, after an ISO or epoch timestamp that application logs also start
# with: the colon after the program is required, and the host is a host name (no level,
# bracket or colon).
_STRICT_TAIL = (r" (?![\[(])(?!" + LEVEL_PATTERN + r"\b)(?P<host>[^\s:]{1,255}) "
                r"(?P<app>[^\s:\[]{1,200})(?:\[(?P<pid>[^\]\n]{1,20})\])?: (?P<message>.*)")
_PRI = r"(?:<(?P<pri>\d{1,3})>)?"
# ``journalctl -o short-monotonic`` shares dmesg's seconds since boot: the program's pid
# tells it apart.
_MONOTONIC_TAIL = (r" (?P<host>[^\s:]{1,255}) (?P<app>[^\s:\[]{1,200})\[(?P<pid>\d{1,10})\]: "
                   r"(?P<message>.*)")
_SYSLOG_5424 = (r"<(?P<pri>\d{1,3})>1 (?P<_t>" + TIME_FORMAT["iso"].pattern + r") "
                r"(?P<host>\S{1,255}) (?P<app>\S{1,48}) (?P<procid>\S{1,128}) (?P<msgid>\S{1,32}) "
                r"(?P<sd>-|(?:\[[^\]\n]{0,2000}\]){1,20}) ?(?P<message>.*)")
_MONOTONIC = r"\[\s{0,12}\d{1,10}\.\d{1,9}\]"


def _syslog_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    message = match.group("message")
    level, start = message_head(message)
    message = message[start:]
    if level is None and match.group("pri"):
        level = SYSLOG_SEVERITY[int(match.group("pri")) % 8]
    return level, match.group("app"), message


_JOURNAL_HEADER = re.compile(
    r"-- (?:Logs begin at|Journal begins at) (?:\w{3} )?(?P<year>\d{4})-\d{2}-\d{2} "
    r"\d{2}:\d{2}:\d{2} (?P<zone>[A-Z]{1,5}|[+-]\d{2}:?\d{2})\b"
    r"(?:, (?:end at|ends at) (?:\w{3} )?(?P<end>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}))?")


def journal_clock(sample: Sequence[str], clock: FileClock) -> FileClock:
    """``clock`` with the zone, the starting year and the end a journal's header states.

    >>> clock = journal_clock(["-- Logs begin at Fri 2022-02-04 09:42:52 UTC, end at Thu "
    ...                        "2022-02-10 09:39:55 UTC. --"], FileClock(2030))
    >>> clock.zone, clock.start_year, clock.end.isoformat()
    (0, 2022, '2022-02-10T09:39:55+00:00')
    """
    for line in sample[:5]:
        header = _JOURNAL_HEADER.match(line)
        if header is None:
            continue
        zone = header.group("zone")
        if zone[0] in "+-":
            digits = zone[1:].replace(":", "")
            minutes = int(digits[:2]) * 60 + int(digits[2:4])
            offset: int | None = -minutes if zone[0] == "-" else minutes
        else:
            offset = ZONE_NAMES.get(zone)
        end = None
        if header.group("end") and offset is not None:
            local = datetime.fromisoformat(header.group("end"))
            end = (local - timedelta(minutes=offset)).replace(tzinfo=UTC)
        return replace(clock, zone=offset, start_year=int(header.group("year")), end=end)
    return clock


_KLOG = (r"(?P<letter>[IWEF])(?P<_t>" + KLOG_TIME.pattern + r") {1,20}\d{1,10} "
         r"(?P<source>[^\s\]]{1,300}:\d{1,10})\] ?(?P<message>.*)")


def _letter_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    groups = match.groupdict()
    return LETTER_LEVELS[match.group("letter")], groups.get("logger"), match.group("message")


_DMESG = (r"(?:(?P<facility>kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp"
          r"|local\d)\s{0,10}:(?P<level>emerg|alert|crit|err|warn|notice|info|debug)\s{0,10}: )?"
          r"(?:<(?P<pri>\d{1,2})>)?" + _MONOTONIC + r"(?:\[\s{0,6}[CT]\d{1,10}\])? ?"
          r"(?P<message>.*)")


def _dmesg_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    level = normalize_level(match.group("level"))
    if level is None and match.group("pri"):
        level = SYSLOG_SEVERITY[int(match.group("pri")) % 8]
    return level, None, match.group("message")


_DMESG_T = r"\[(?P<_t>" + TIME_FORMAT["ctime"].pattern + r")\] (?!\[)(?P<message>.*)"

_GC_UNIFIED = (r"(?:\[(?P<_t>" + TIME_FORMAT["iso"].pattern + r")\])?"
               r"(?:\[[^\[\]\n]{1,60}\]){0,8}?\[(?P<level>trace|debug|info|warning|error)"
               r"\s{0,8}\]\[(?P<logger>[^\[\]\n]{1,200})\] ?(?P<message>.*)")
_GC_JDK8 = (r"(?:(?P<_t>" + TIME_FORMAT["iso"].pattern + r"): (?:\d{1,10}\.\d{3}: )?"
            r"|\d{1,10}\.\d{3}: )(?P<message>.*)")

_LOGCAT_THREADTIME = (r"(?P<_t>" + TIME_FORMAT["month-day"].pattern + r") {1,5}\d{1,10} {1,5}"
                      r"\d{1,10} (?P<letter>[VDIWEFA]) (?P<logger>[^\n]{0,100}?)\s{0,20}: "
                      r"(?P<message>.*)")
_LOGCAT_BRIEF = (r"(?:(?P<_t>" + TIME_FORMAT["month-day"].pattern + r") )?(?P<letter>[VDIWEFA])/"
                 r"(?P<logger>[^(\n]{1,100})\(\s{0,10}\d{1,10}\): (?P<message>.*)")

_WINDOWS_LEVELS = {"audit failure": "warning", "audit success": "info"}


def _windows_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    word = match.group("wlevel")
    level = _WINDOWS_LEVELS.get(word.lower()) or normalize_level(word)
    return level, match.group("logger"), match.group("message")


def system_formats(time_format: TimeFormat | None, clock: FileClock) -> list[LogFormat]:
    """The system formats to try, most specific first (``time_format``: the one the
    sample's lines lead with, for Windows exports)."""
    syslog = TIME_FORMAT["syslog"]
    formats = [
        LogFormat("syslog", _SYSLOG_5424, TIME_FORMAT["iso"], clock, _syslog_extract,
                  variant="pri"),
        LogFormat("syslog", _PRI + r"(?P<_t>" + syslog.pattern + r")" + _SYSLOG_TAIL, syslog,
                  clock, _syslog_extract, variant="pri"),
        LogFormat("syslog", _PRI + r"(?P<_t>" + TIME_FORMAT["iso"].pattern + r")" + _STRICT_TAIL,
                  TIME_FORMAT["iso"], clock, _syslog_extract, variant="pri"),
        LogFormat("syslog", _PRI + r"(?P<_t>" + WEEKDAY_ISO.pattern + r")" + _STRICT_TAIL,
                  WEEKDAY_ISO, clock, _syslog_extract, variant="pri"),
        LogFormat("syslog", _PRI + r"(?P<_t>" + TIME_FORMAT["epoch"].pattern + r")"
                  + _STRICT_TAIL, TIME_FORMAT["epoch"], clock, _syslog_extract, variant="pri"),
        LogFormat("syslog", _PRI + _MONOTONIC + _MONOTONIC_TAIL, None, clock, _syslog_extract,
                  variant="pri"),
        LogFormat("klog", _KLOG, KLOG_TIME, clock, _letter_extract),
        LogFormat("dmesg", _DMESG, None, clock, _dmesg_extract, variant="pri"),
        LogFormat("dmesg", _DMESG_T, TIME_FORMAT["ctime"], clock),
        LogFormat("jvm-unified", _GC_UNIFIED, TIME_FORMAT["iso"], clock),
        LogFormat("jvm-gc", _GC_JDK8, TIME_FORMAT["iso"], clock),
        LogFormat("logcat", _LOGCAT_THREADTIME, TIME_FORMAT["month-day"], clock,
                  _letter_extract),
        LogFormat("logcat", _LOGCAT_BRIEF, TIME_FORMAT["month-day"], clock, _letter_extract),
    ]
    if time_format is not None:
        windows = (r"(?P<wlevel>Critical|Error|Warning|Information|Verbose|Audit Success|"
                   r"Audit Failure)[\t,](?P<_t>" + time_format.pattern + r")[\t,]"
                   r"\"?(?P<logger>[^\t,\"\n]{1,200})\"?[\t,]\d{1,10}[\t,](?P<message>.*)")
        formats.append(LogFormat("windows-events", windows, time_format, clock,
                                 _windows_extract))
    return formats
