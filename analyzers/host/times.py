"""The prefix of a kernel or journal line: its time, and who wrote it.

``split_line(text, year)`` takes one line of dmesg (``[ 1052.080846][ T41] msg``), ``dmesg
-T`` (``[Thu Feb 10 09:39:52 2022] msg``), syslog / ``journalctl`` short format (``Feb 11
19:03:12 host ident[pid]: msg``, the year given), short-iso (``2022-02-11T19:03:12+0000
host ident: msg``) or a bare message (console excerpts), and returns a ``Prefix``.

dmesg's times are seconds since boot. ``BootClock`` turns them into UTC from anchors the
ring buffer itself carries: an audit record's epoch (``audit(1644446368.366:294)``) on a
line stamped 80.327891 s says the machine booted at 1644446368.366 - 80.327891; the
``PM: RTC time: 22:38:07, date: 2022-02-09`` line of early boot says it too (the RTC is
UTC on Linux servers). Without an anchor, dmesg times stay relative: findings say "1052 s
after boot" and put nothing on the timeline.

>>> p = split_line("Feb 11 19:03:14 node-4 systemd[1]: x.service: Failed with result "
...                "'exit-code'.", 2022)
>>> p.time.isoformat(), p.ident, p.message[:9]
('2022-02-11T19:03:14+00:00', 'systemd', 'x.service')
>>> split_line("[  281.646907] watchdog: BUG: soft lockup", 2022).uptime
281.646907
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_DMESG = re.compile(r"^(?:<\d>)?\[\s*(?P<uptime>\d+\.\d+)\](?:\[\s*[CT]\d+\])? ?(?P<message>.*)")
_DMESG_T = re.compile(r"^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?P<month>\w{3}) +(?P<day>\d+) "
                      r"(?P<clock>\d\d:\d\d:\d\d) (?P<year>\d{4})\] ?(?P<message>.*)")
_SYSLOG = re.compile(r"^(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +"
                     r"(?P<day>\d+) (?P<clock>\d\d:\d\d:\d\d)(?:\.\d+)? (?P<host>\S+) "
                     r"(?P<ident>[^\s\[:]+)(?:\[(?P<pid>\d+)\])?: ?(?P<message>.*)")
_ISO = re.compile(r"^(?P<stamp>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?"
                  r"(?:Z|[+-]\d\d:?\d\d)?) (?P<host>\S+) (?P<ident>[^\s\[:]+)"
                  r"(?:\[(?P<pid>\d+)\])?: ?(?P<message>.*)")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"), 1)}
_AUDIT = re.compile(r"audit\((\d{9,11}\.\d{3}):\d+\)")
_RTC = re.compile(r"RTC time: (\d\d:\d\d:\d\d), date: (\d{4}-\d\d-\d\d)")


@dataclass(frozen=True, slots=True)
class Prefix:
    """A line's prefix: its wall-clock ``time`` (UTC as written) or ``uptime`` (seconds
    since boot), who wrote it (``ident``: ``kernel``, ``systemd``...; None for dmesg) and
    the ``message`` after it."""

    message: str
    time: datetime | None = None
    uptime: float | None = None
    ident: str | None = None
    host: str | None = None


def _syslog_time(month: str, day: str, clock: str, year: int) -> datetime | None:
    try:
        hour, minute, second = (int(part) for part in clock.split(":"))
        return datetime(year, _MONTHS[month], int(day), hour, minute, second, tzinfo=UTC)
    except (KeyError, ValueError):
        return None


def split_line(text: str, year: int) -> Prefix:
    """The prefix of one line (see the module doc)."""
    if text.startswith(("[", "<")):
        dmesg = _DMESG.match(text)
        if dmesg:
            return _kernel_prefix(Prefix(dmesg["message"], uptime=float(dmesg["uptime"])))
        tee = _DMESG_T.match(text)
        if tee:
            return Prefix(tee["message"], _syslog_time(tee["month"], tee["day"], tee["clock"],
                                                       int(tee["year"])))
    syslog = _SYSLOG.match(text)
    if syslog:
        prefix = Prefix(syslog["message"], _syslog_time(syslog["month"], syslog["day"],
                                                        syslog["clock"], year),
                        ident=syslog["ident"], host=syslog["host"])
        return _kernel_prefix(prefix)
    iso = _ISO.match(text)
    if iso:
        stamp = iso["stamp"].replace(",", ".")
        if len(stamp) > 5 and stamp[-5] in "+-" and stamp[-3] != ":":
            stamp = f"{stamp[:-2]}:{stamp[-2:]}"
        try:
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        return _kernel_prefix(Prefix(iso["message"], moment, ident=iso["ident"],
                                     host=iso["host"]))
    return Prefix(text)


def _kernel_prefix(prefix: Prefix) -> Prefix:
    """kern.log and the journal keep dmesg's ``[ 123.456]`` inside a kernel message."""
    if prefix.ident in (None, "kernel") and prefix.message.startswith("["):
        inner = _DMESG.match(prefix.message)
        if inner:
            return Prefix(inner["message"], prefix.time, float(inner["uptime"]),
                          prefix.ident, prefix.host)
    return prefix


class BootClock:
    """When the machine booted, from the anchors a ring buffer carries (module doc)."""

    def __init__(self) -> None:
        self._boots: list[float] = []
        self.how: str | None = None

    def observe(self, message: str, uptime: float | None) -> None:
        if uptime is None or len(self._boots) >= 64:
            return
        audit = _AUDIT.search(message)
        if audit:
            self._boots.append(float(audit.group(1)) - uptime)
            self.how = "audit records"
            return
        rtc = _RTC.search(message)
        if rtc and not self._boots:
            try:
                moment = datetime.fromisoformat(f"{rtc.group(2)}T{rtc.group(1)}+00:00")
            except ValueError:
                return
            self._boots.append(moment.timestamp() - uptime)
            self.how = "the RTC time at boot"

    @property
    def boot(self) -> datetime | None:
        if not self._boots:
            return None
        return datetime.fromtimestamp(statistics.median(self._boots), UTC)

    def at(self, uptime: float | None) -> datetime | None:
        boot = self.boot
        if boot is None or uptime is None:
            return None
        return boot + timedelta(seconds=uptime)
