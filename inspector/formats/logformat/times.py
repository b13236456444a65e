"""Timestamps: the ways logs write them, zones, and the year of timestamps that have none.

Decisions the next engineer needs:

- Times are returned as aware UTC datetimes. A timestamp without a zone is read as UTC and
  the record says ``zone_known=False``; the timeline infers the real offset later. Zone
  names are the ones logs actually print (``ZONE_NAMES``); ambiguous ones take their most
  common meaning.
- A timestamp without a year (RFC 3164 syslog ``Nov 17 09:14:01``, Android ``11-17
  09:14:01``) is placed as lnav places it: on an ``anchor``, the time its file was last
  modified (``Artifact.modified``), because a log cannot be written after that. The first
  such timestamp of a file takes the anchor's year, or the year before when its month, day
  and time would fall more than one day after the anchor (the day absorbs the zone of a
  log written in local time and of a zip's local DOS time). Later ones follow it, rolling
  over to the next year when the month goes backwards (December -> January). Without an
  anchor the first one takes ``default_year``. The choice is never the year *after* the
  anchor: a file modified on 31 December whose first line reads ``Jan 1`` (a log in a
  zone ahead of UTC) is placed a year early, which is the price of placing right a log
  that starts on 1 January and was written all year. ``TimeReader.year_source`` says
  which rule placed a file (``anchor`` or ``default``).
- Reading is cached: ``TimeReader`` converts each distinct timestamp once without its
  fraction, and ``TimeReader.by_text`` maps the timestamp's text (without the fraction) to
  integer microseconds since the epoch (``to_micros``), exact and cheaper than datetimes,
  for the ``logs`` analyzer's per-line loop. Both caches are bounded (``TIME_CACHE_SIZE``).
- Every ``TimeFormat`` delimits its parts with fixed widths or separators, so a timestamp's
  text without its fraction determines its value; only the two epoch formats hold a
  literal digit (``1\\d{9}``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH = r"(?P<b>(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))"
_WEEKDAY = r"(?i:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_CLOCK = r"(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})"
_FRACTION = r"(?:[.,](?P<f>\d{1,9}))?"
# Zone names logs actually print; ambiguous ones take their most common meaning.
ZONE_NAMES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "WEST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "JST": 540, "AEST": 600, "AEDT": 660,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420,
}
_ZONE = (r"(?P<z>Z|\s?[+-]\d{2}:?\d{2}\b|\s(?:" + "|".join(k for k in ZONE_NAMES if k != "Z")
         + r")\b)?")


@dataclass(frozen=True)
class TimeFormat:
    """One way of writing a timestamp: a regex with named parts (``Y``/``y`` year, ``m``
    month number or ``b`` month name, ``d``, ``H``, ``M``, ``S``, ``f`` fraction, ``z`` zone,
    ``e`` epoch seconds, ``ems`` epoch millis)."""

    name: str
    pattern: str

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


TIME_FORMATS: tuple[TimeFormat, ...] = (
    TimeFormat("iso", r"(?P<Y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[T ]" + _CLOCK + _FRACTION + _ZONE),
    TimeFormat("ymd-slash", r"(?P<Y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})[ T:]" + _CLOCK + _FRACTION
               + _ZONE),
    TimeFormat("bgl", r"(?P<Y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})-(?P<H>\d{2})\.(?P<M>\d{2})\."
               r"(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?"),
    TimeFormat("yy-slash", r"(?P<y>\d{2})/(?P<m>\d{2})/(?P<d>\d{2}) " + _CLOCK + _FRACTION),
    TimeFormat("mdy-slash", r"(?P<m>\d{2})/(?P<d>\d{2})/(?P<Y>\d{4})[ ,]{1,2}" + _CLOCK
               + _FRACTION + _ZONE),
    TimeFormat("compact", r"(?P<y>\d{2})(?P<m>\d{2})(?P<d>\d{2}) (?P<H>\d{2})(?P<M>\d{2})"
               r"(?P<S>\d{2})\b"),
    TimeFormat("ymd-dash-clock", r"(?P<Y>\d{4})(?P<m>\d{2})(?P<d>\d{2})-" + _CLOCK
               + r"(?::(?P<f>\d{1,3}))?"),
    TimeFormat("apache-access", r"(?P<d>\d{2})/" + _MONTH + r"/(?P<Y>\d{4}):" + _CLOCK
               + _FRACTION + r"(?: (?P<z>[+-]\d{4}))?"),
    TimeFormat("dmy-name", r"(?P<d>\d{2})-" + _MONTH + r"-(?P<Y>\d{4}) " + _CLOCK + _FRACTION),
    TimeFormat("ctime", _WEEKDAY + r" " + _MONTH + r" {1,2}(?P<d>\d{1,2}) " + _CLOCK
               + _FRACTION + r" (?P<Y>\d{4})"),
    TimeFormat("syslog", _MONTH + r" {1,2}(?P<d>\d{1,2}) (?:(?P<Y>\d{4}) )?" + _CLOCK
               + _FRACTION),
    TimeFormat("month-day", r"(?P<m>\d{2})-(?P<d>\d{2}) " + _CLOCK + _FRACTION),
    TimeFormat("epoch-millis", r"(?P<ems>1\d{12})\b"),
    TimeFormat("epoch", r"(?P<e>1\d{9})(?:\.(?P<f>\d{1,9}))?\b"),
)


def _zone_minutes(zone: str | None) -> int | None:
    if not zone:
        return None
    zone = zone.strip()
    if zone in ZONE_NAMES:
        return ZONE_NAMES[zone]
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4]))


def build_time(parts: dict[str, str | None], default_year: int) -> tuple[datetime, bool] | None:
    """An aware UTC datetime and whether the zone was known, from a ``TimeFormat`` match.

    >>> build_time({"Y": "2000", "b": "Oct", "d": "10", "H": "13", "M": "55", "S": "36",
    ...             "z": "-0700"}, 2026)
    (datetime.datetime(2000, 10, 10, 20, 55, 36, tzinfo=datetime.timezone.utc), True)
    """
    try:
        if parts.get("ems"):
            return datetime.fromtimestamp(int(parts["ems"]) / 1000, UTC), True
        if parts.get("e"):
            value = datetime.fromtimestamp(int(parts["e"]), UTC)
            fraction = parts.get("f")
            if fraction:
                value += timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
            return value, True
        if parts.get("Y"):
            year = int(parts["Y"])
        elif parts.get("y"):
            year = 2000 + int(parts["y"])
        else:
            year = default_year
        month = int(parts["m"]) if parts.get("m") else _MONTHS[str(parts["b"]).lower()]
        fraction = parts.get("f") or ""
        value = datetime(year, month, int(parts["d"]), int(parts["H"]), int(parts["M"]),
                         min(int(parts["S"]), 59), int(fraction[:6].ljust(6, "0") or 0))
    except (ValueError, KeyError, OverflowError, OSError):
        return None
    offset = _zone_minutes(parts.get("z"))
    if offset is None:
        return value.replace(tzinfo=UTC), False
    if not -24 * 60 < offset < 24 * 60:
        return None  # "+9959": no zone is a day or more away from UTC
    try:
        return value.replace(tzinfo=timezone(timedelta(minutes=offset))).astimezone(UTC), True
    except OverflowError:  # year 1 or 9999 moved across the calendar's edge
        return None


# The parts of a timestamp that are not the fraction: the cache key of a conversion.
_TIME_PARTS = ("Y", "y", "m", "b", "d", "H", "M", "S", "z", "e", "ems")
TIME_CACHE_SIZE = 200_000  # a long file has many distinct seconds: the caches are bounded
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(time: datetime) -> int:
    """Microseconds since the epoch of an aware datetime, exactly (no float on the way).

    >>> to_micros(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC))
    1000005
    """
    return (time - EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """The aware UTC datetime of ``to_micros``: ``from_micros(to_micros(t)) == t``."""
    return EPOCH + timedelta(microseconds=micros)


class TimeReader:
    """Reads one ``TimeFormat`` fast: caches the conversion of everything but the fraction.

    Keeps the year of timestamps without one (see the module doc), so use one reader per
    file, in line order.

    Attributes:
        default_year: the year of the first timestamp without one, when there is no anchor.
        anchor: when the file was last modified, if known: places timestamps without a year.
        year_source: ``None`` until a timestamp without a year is read, then ``"anchor"``
            or ``"default"``: what its year came from.
        offsets: the UTC offsets (minutes) written in the timestamps read, each counted once
            per distinct timestamp (without its fraction): what local time the source keeps,
            which the timeline lends to sources of the same host that write no zone.
        by_text: timestamp text without its fraction -> ``read_text`` of it.

    >>> syslog = next(f for f in TIME_FORMATS if f.name == "syslog")
    >>> reader = TimeReader(syslog, 2027, anchor=datetime(2026, 1, 5, 7, 30, tzinfo=UTC))
    >>> [reader.read(syslog.compiled().match(text))[0].date().isoformat()
    ...  for text in ("Dec 30 23:59:58", "Jan  4 08:00:00")]
    ['2025-12-30', '2026-01-04']
    >>> reader.year_source
    'anchor'
    """

    def __init__(self, time_format: TimeFormat, default_year: int,
                 anchor: datetime | None = None) -> None:
        self.format = time_format
        self.default_year = default_year
        # Compared field by field with timestamps read as UTC: the anchor must be UTC too.
        self.anchor = anchor.astimezone(UTC) if anchor and anchor.tzinfo else anchor
        self.year_source: str | None = None
        self.offsets: Counter[int] = Counter()
        self._base_year: int | None = None
        self._cache: dict[tuple[Any, ...], tuple[datetime, bool] | None] = {}
        # Timestamp text without its fraction -> (microseconds since the epoch, zone known);
        # the fast path looks it up directly, ``read_text`` fills it.
        self.by_text: dict[str, tuple[int, bool] | None] = {}
        self._last_month = 0
        self._year_shift = 0
        self._names: dict[re.Pattern[str], tuple[str, ...]] = {}

    def read(self, match: re.Match[str]) -> tuple[datetime, bool] | None:
        names = self._names.get(match.re)
        if names is None:
            names = self._names[match.re] = tuple(
                name for name in _TIME_PARTS if name in match.re.groupindex)
        key = match.group(*names) if len(names) > 1 else (match.group(names[0]),)
        cached = self._cache.get(key, False)
        if cached is False:
            if len(self._cache) > TIME_CACHE_SIZE:
                self._cache.clear()
                self.by_text.clear()
            parts = dict(zip(names, key, strict=True))
            offset = _zone_minutes(parts.get("z"))
            if offset is not None:
                self.offsets[offset] += 1
            if not (parts.get("Y") or parts.get("y") or parts.get("e") or parts.get("ems")):
                cached = self._without_year(parts)
            else:
                cached = build_time(parts, self.default_year)
            self._cache[key] = cached
        if cached is None or "f" not in match.re.groupindex:
            return cached
        fraction = match.group("f")
        if not fraction:
            return cached
        value, known = cached
        return value + timedelta(microseconds=int(fraction[:6].ljust(6, "0"))), known

    def read_text(self, text: str, match: re.Match[str]) -> tuple[int, bool] | None:
        """``read(match)`` without its fraction, in microseconds, remembered under ``text``.

        ``text`` is the timestamp's text without its fraction digits: every ``TimeFormat``
        delimits its parts with fixed widths or separators, so the text determines them.
        """
        read = self.read(match)
        if read is not None:
            fraction = match.group("f") if "f" in match.re.groupindex else None
            value, known = read
            micros = to_micros(value)
            if fraction:
                micros -= int(fraction[:6].ljust(6, "0"))
            read = micros, known
        if len(self.by_text) > TIME_CACHE_SIZE:
            self.by_text.clear()
        self.by_text[text] = read
        return read

    def _without_year(self, parts: dict[str, str | None]) -> tuple[datetime, bool] | None:
        month = int(parts["m"]) if parts.get("m") else _MONTHS.get(str(parts.get("b")).lower(), 0)
        if not 1 <= month <= 12:
            return None  # not a date: it must not move the year of the lines around it
        if self._base_year is None:
            self._base_year = self._first_year(month, parts)
        if self._last_month and month < self._last_month - 6:
            self._year_shift += 1  # December -> January: the log went into a new year
        self._last_month = month
        return build_time(parts, self._base_year + self._year_shift)

    def _first_year(self, month: int, parts: dict[str, str | None]) -> int:
        """The year of the file's first timestamp without one (see the module doc)."""
        anchor = self.anchor
        if anchor is None:
            self.year_source = "default"
            return self.default_year
        self.year_source = "anchor"
        if (anchor.month, anchor.day) == (12, 31):
            return anchor.year  # one day after the anchor is already next year
        latest = anchor + timedelta(days=1)
        try:
            when = (month, int(parts["d"] or 0), int(parts["H"] or 0), int(parts["M"] or 0),
                    int(parts["S"] or 0))
        except (KeyError, ValueError):
            return anchor.year
        limit = (latest.month, latest.day, latest.hour, latest.minute, latest.second)
        return anchor.year if when <= limit else anchor.year - 1
