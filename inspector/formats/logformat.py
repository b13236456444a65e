"""Log formats, timestamps and levels, detected from content without configuration.

Used by the ``logs`` analyzer and by the UI's log viewer. ``detect(lines)`` looks at a
sample of a file's first lines and returns the ``LogFormat`` that explains most of them;
``LogFormat.parse(line)`` then splits each line into time, level, logger and message, or
returns ``None`` for a line that does not start a record (a stack frame, a continuation).

Decisions the next engineer needs:

- Formats are tried most specific first (JSON lines, CRI container logs, access logs,
  syslog, nginx/Apache error logs, "timestamp at the start", a plain-text fallback). A
  format wins when it parses at least half of the sample; the plain-text fallback always
  works (every line is a record, the level is searched in its first words).
- The header after a leading timestamp is read by one generic grammar (pid, level,
  ``[thread]`` groups, separators, a dotted ``logger:``) instead of one pattern per
  framework, so log4j, logback, Python logging and the Loghub collection share one path.
- Times are returned as aware UTC datetimes. A timestamp without a zone is read as UTC and
  the record says ``zone_known=False``; the timeline infers the real offset later.
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
- Every pattern is linear: bounded repeats, no nested unbounded quantifiers; lines longer
  than ``MAX_HEADER`` characters are parsed on their head only.
- The fast path for big files (used by the ``logs`` analyzer) rests on one fact: when a
  format's pattern treats all ASCII digits alike (``digit_blind``: no literal digit, no class
  holding some digits but not others), two lines of the same ``shape`` (every ASCII digit
  turned into ``0``, see ``inspector.formats.templates.shape``) take exactly the same path through
  it. So ``LogFormat.layout`` (level, where the message and the timestamp are) is computed
  once per shape, and only the timestamp text is read per line, through a text-keyed cache
  (``TimeReader.by_text``). ``LogFormat.memoizable`` says whether a format qualifies: JSON
  lines and patterns with literal digits (epoch timestamps ``1\\d{9}``, RFC 5424 syslog)
  do not. A format whose level depends on digits (the syslog priority, the HTTP status of
  an access log) names that group its ``variant``: its layout holds for lines of the same
  shape and the same text there.

>>> fmt = detect(["2026-11-17 09:14:01,233 ERROR [main] com.acme.Pool - pool exhausted"])
>>> fmt.name
'timestamp-first'
>>> rec = fmt.parse("2026-11-17 09:14:01,233 ERROR [main] com.acme.Pool - pool exhausted")
>>> (rec.time.isoformat(), rec.level, rec.logger, rec.message)
('2026-11-17T09:14:01.233000+00:00', 'error', 'com.acme.Pool', 'pool exhausted')
>>> normalize_level("WARN"), normalize_level("severe"), normalize_level("notice")
('warning', 'error', 'info')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from re import _constants as sre_constants  # the parsed-pattern opcodes of ``re``
from re import _parser as sre_parse
from typing import Any

import orjson

MAX_HEADER = 4096  # a header never needs more; parsing the head keeps long lines cheap

# --- levels ------------------------------------------------------------------------------------

LEVEL_ORDER = ("trace", "debug", "info", "warning", "error", "critical")
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVEL_ORDER)}

_LEVEL_WORDS = {
    "trace": "trace", "finest": "trace", "finer": "trace", "verbose": "trace",
    "debug": "debug", "fine": "debug", "dbg": "debug",
    "info": "info", "information": "info", "informational": "info", "notice": "info",
    "config": "info",
    "warn": "warning", "warning": "warning",
    "error": "error", "err": "error", "severe": "error", "fail": "error", "failure": "error",
    "fatal": "critical", "critical": "critical", "crit": "critical", "alert": "critical",
    "emerg": "critical", "emergency": "critical", "panic": "critical",
}
LEVEL_PATTERN = (r"(?i:TRACE|FINEST|FINER|VERBOSE|DEBUG|FINE|DBG|INFO|INFORMATION|"
                 r"INFORMATIONAL|NOTICE|CONFIG|WARN|WARNING|ERROR|ERR|SEVERE|FAIL|FATAL|"
                 r"CRITICAL|CRIT|ALERT|EMERG|EMERGENCY|PANIC)")
_LEVEL_SEARCH = re.compile(r"\b(" + LEVEL_PATTERN.replace("(?i:", "(?:") + r")\b")
# Syslog severities 0-7 (RFC 5424 section 6.2.1).
_SYSLOG_SEVERITY = ("critical", "critical", "critical", "error", "warning", "info", "info",
                    "debug")


def normalize_level(word: str | None) -> str | None:
    """One of ``LEVEL_ORDER`` for a level word in any common spelling, else ``None``."""
    if not word:
        return None
    return _LEVEL_WORDS.get(word.strip().strip("[]<>:").lower())


def level_from_status(status: int) -> str:
    """HTTP status as a level: 5xx is an error, 4xx a warning."""
    return "error" if status >= 500 else "warning" if status >= 400 else "info"


# --- timestamps --------------------------------------------------------------------------------

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


# --- records and formats --------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """The parsed head of one log record."""

    time: datetime | None
    zone_known: bool
    level: str | None
    logger: str | None
    message: str


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


class LogFormat:
    """A detected format: ``parse(line)`` gives a ``Record`` or ``None`` for a continuation.

    Attributes:
        name: ``json``, ``cri``, ``access``, ``w3c`` (IIS), ``syslog``, ``nginx-error``,
            ``apache-error``, ``timestamp-first``, ``python-default`` or ``plain``.
        time_format: the ``TimeFormat`` of its timestamps, when it has them.
        has_time: whether records carry a time.
    """

    def __init__(self, name: str, pattern: str | None, time_format: TimeFormat | None = None,
                 default_year: int = 1970,
                 extract: Callable[[re.Match[str]], tuple[str | None, str | None, str]]
                 | None = None, variant: str | None = None, message_is_suffix: bool = True,
                 anchor: datetime | None = None) -> None:
        self.name = name
        self.time_format = time_format
        self.has_time = time_format is not None
        self._regex = re.compile(pattern) if pattern else None
        self._times = TimeReader(time_format, default_year, anchor) if time_format else None
        self._extract = extract
        # ``extract`` reads digits only in the ``variant`` group (a syslog priority, an HTTP
        # status); its message is the line's end unless ``message_is_suffix`` is false.
        self._variant = variant
        self._message_is_suffix = message_is_suffix
        self.memoizable = name != "json" and (pattern is None or digit_blind(pattern))

    def __repr__(self) -> str:
        time_name = self.time_format.name if self.time_format else "none"
        return f"LogFormat({self.name!r}, time={time_name!r})"

    def parse(self, line: str) -> Record | None:
        head = line if len(line) <= MAX_HEADER else line[:MAX_HEADER]
        if self.name == "json":
            return _parse_json(line)
        if self._regex is None:
            return Record(None, False, _search_level(head), None, line)
        match = self._regex.match(head)
        if match is None:
            return None
        time, zone_known = None, False
        if self._times is not None:
            read = self._times.read(match)
            if read is not None:
                time, zone_known = read
        if self._extract is not None:
            level, logger, message = self._extract(match)
        else:
            groups = match.groupdict()
            level = normalize_level(groups.get("level") or groups.get("blevel")
                                    or groups.get("clevel") or groups.get("alevel"))
            logger = groups.get("logger")
            message = groups["message"]
            if level is None:
                level = _search_level(message)
        if len(line) > MAX_HEADER:
            message = message + line[MAX_HEADER:]
        return Record(time, zone_known, level, logger, message)

    def layout(self, line: str) -> Layout | None:
        """Where ``parse(line)`` finds its parts, for a ``memoizable`` format and a line of
        at most ``MAX_HEADER`` characters; ``None`` for a continuation line.

        Every line of the same shape has the same layout. ``parse(line).message`` is
        ``line[layout.message_start:]`` (when that is ``-1``, the message is rebuilt from
        several parts: ask ``parse``); ``parse(line).time`` is ``read_time`` of the text
        ``layout.time_key(line)`` plus the fraction ``layout.fraction(line)``. When the
        layout has a variant span, the level holds only for lines with the same text there.

        >>> fmt = detect(["2026-11-17 09:14:01,233 WARN [main] c.a.Pool - slow"])
        >>> layout = fmt.layout("2026-11-17 09:14:01,233 WARN [main] c.a.Pool - slow")
        >>> layout.level, layout.time_key("2026-11-17 09:14:01,233 WARN [main] c.a.Pool - slow")
        ('warning', '2026-11-17 09:14:01,')
        """
        if self._regex is None:
            return Layout(_search_level(line), 0)
        match = self._regex.match(line)
        if match is None:
            return None
        groups = match.groupdict()
        if self._extract is not None:
            level = self._extract(match)[0]
        else:
            level = normalize_level(groups.get("level") or groups.get("blevel")
                                    or groups.get("clevel") or groups.get("alevel"))
            if level is None:
                level = _search_level(groups["message"])
        message_start = match.start("message") if self._message_is_suffix else -1
        variant_start, variant_end = match.span(self._variant) if self._variant else (-1, -1)
        if self._times is None:
            return Layout(level, message_start, variant_start=variant_start,
                          variant_end=variant_end)
        time_start, time_end = match.span("_t")
        fraction_start, fraction_end = match.span("f") if "f" in groups else (-1, -1)
        return Layout(level, message_start, time_start, time_end, fraction_start,
                      fraction_end, variant_start, variant_end)

    def read_time(self, line: str, text: str) -> tuple[int, bool] | None:
        """Microseconds since the epoch (without the fraction) and whether the zone was
        known, of ``line``'s timestamp whose ``Layout.time_key`` is ``text``."""
        assert self._regex is not None and self._times is not None
        match = self._regex.match(line)
        assert match is not None
        return self._times.read_text(text, match)

    @property
    def year_source(self) -> str | None:
        """What placed timestamps without a year so far: ``"anchor"`` (the file's
        modification time), ``"default"`` (``default_year``), or ``None`` when none was read
        (see ``TimeReader``)."""
        return self._times.year_source if self._times is not None else None

    @property
    def time_cache(self) -> dict[str, tuple[int, bool] | None]:
        """``Layout.time_key`` text -> what ``read_time`` gave for it (see ``TimeReader``)."""
        return self._times.by_text if self._times is not None else {}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where one shape of line keeps its parts (see ``LogFormat.layout``).

    Attributes:
        level: the normalized level, or ``None``.
        message_start: the offset of the message.
        time_start, time_end: the span of the timestamp, ``-1`` when there is none.
        fraction_start, fraction_end: the span of its fraction digits, ``-1`` when none.
        variant_start, variant_end: the span of the digits the level depends on (a syslog
            priority, an HTTP status), ``-1`` when none.
    """

    level: str | None
    message_start: int
    time_start: int = -1
    time_end: int = -1
    fraction_start: int = -1
    fraction_end: int = -1
    variant_start: int = -1
    variant_end: int = -1

    def time_key(self, line: str) -> str:
        """The timestamp's text without its fraction digits."""
        if self.fraction_start < 0:
            return line[self.time_start:self.time_end]
        return line[self.time_start:self.fraction_start] + line[self.fraction_end:self.time_end]

    def fraction(self, line: str) -> int:
        """The fraction of a second in microseconds (digits past the sixth are dropped)."""
        if self.fraction_start < 0:
            return 0
        digits = line[self.fraction_start:min(self.fraction_end, self.fraction_start + 6)]
        return int(digits) * 10 ** (6 - len(digits))


_SOME_DIGITS = {sre_constants.CATEGORY_DIGIT: True, sre_constants.CATEGORY_NOT_DIGIT: False,
                sre_constants.CATEGORY_WORD: True, sre_constants.CATEGORY_NOT_WORD: False,
                sre_constants.CATEGORY_SPACE: False, sre_constants.CATEGORY_NOT_SPACE: True}
_DIGIT_CODES = range(ord("0"), ord("9") + 1)


def digit_blind(pattern: str) -> bool:
    """Whether ``pattern`` treats all ASCII digits alike, so that replacing digits by other
    digits in a text never changes which path a match takes, nor any span.

    >>> digit_blind(r"\\d{4}-\\w+ [^0-9]"), digit_blind(r"0x[0-9a-f]+"), digit_blind(r"[0-5]")
    (True, False, False)
    """
    def blind(items: Any) -> bool:
        for op, arg in items:
            if op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
                return False  # a back-reference compares the digits themselves
            if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
                if arg in _DIGIT_CODES:
                    return False
            elif op == sre_constants.IN:
                if len({_in_class(arg, code) for code in _DIGIT_CODES}) > 1:
                    return False
            elif not all(blind(inner) for inner in _inner_patterns(op, arg)):
                return False
        return True

    return blind(sre_parse.parse(pattern))


def _inner_patterns(op: Any, arg: Any) -> list[Any]:
    """The sub-patterns of one parsed-pattern item (repeats, groups, branches, lookarounds)."""
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
              getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)):
        return [arg[2]]
    if op == sre_constants.SUBPATTERN:
        return [arg[-1]]
    if op == sre_constants.BRANCH:
        return list(arg[1])
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [arg[1]]
    if op == getattr(sre_constants, "ATOMIC_GROUP", None):
        return [arg]
    return []


def _in_class(items: Any, code: int) -> bool:
    inside = False
    negate = False
    for op, arg in items:
        if op == sre_constants.NEGATE:
            negate = True
        elif op == sre_constants.LITERAL:
            inside |= arg == code
        elif op == sre_constants.RANGE:
            inside |= arg[0] <= code <= arg[1]
        elif op == sre_constants.CATEGORY:
            inside |= _SOME_DIGITS.get(arg, True)
    return inside != negate


def _search_level(text: str) -> str | None:
    match = _LEVEL_SEARCH.search(text, 0, 80)
    return normalize_level(match.group(1)) if match else None


def _time_groups(time_format: TimeFormat) -> str:
    return r"(?P<_t>" + time_format.pattern + r")"


# --- JSON lines --------------------------------------------------------------------------------

_TIME_KEYS = ("@timestamp", "timestamp", "time", "ts", "datetime", "date", "eventTime",
              "asctime", "created", "t")
_LEVEL_KEYS = ("level", "severity", "levelname", "log.level", "lvl", "loglevel", "@l", "s")
_MESSAGE_KEYS = ("message", "msg", "@m", "@mt", "log", "text", "event", "body", "MESSAGE")
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


def _parse_json(line: str) -> Record | None:
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
        level = _search_level(message)
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


# --- the specific formats ---------------------------------------------------------------------

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
    level = _SYSLOG_SEVERITY[int(priority) % 8] if priority else _search_level(message[:60])
    return level, match.group("app"), message


_CRI = (r"(?P<_t>" + TIME_FORMATS[0].pattern + r") (?P<stream>stdout|stderr) (?P<tag>[FP]) "
        r"(?P<message>.*)")


def _cri_extract(match: re.Match[str]) -> tuple[str | None, str | None, str]:
    message = match.group("message")
    inner = _INNER_LEVEL.match(message)
    level = normalize_level(inner.group(1)) if inner else _search_level(message)
    return level, None, message


_INNER_LEVEL = re.compile(r"[^\n]{0,60}?\b(" + LEVEL_PATTERN + r")\b")

_NGINX_ERROR = (r"(?P<_t>" + TIME_FORMATS[1].pattern + r") \[(?P<level>" + LEVEL_PATTERN
                + r")\] (?:\d{1,10}#\d{1,10}: )?(?:\*\d{1,20} )?(?P<message>.*)")
_PYTHON_DEFAULT = (r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?P<logger>[\w.]{1,200}):"
                   r"(?P<message>.*)")


# The W3C extended log format (IIS, and proxies that copy it): "#" directives, then
# space-separated fields in the order its "#Fields:" directive lists. Values never hold
# spaces (IIS writes "+"). Times are UTC by the format's definition, but nothing in a line
# says so: they are read like any zoneless time and the timeline checks the offset.
_W3C_FIELDS = re.compile(r"#Fields:[ \t]*(?P<names>[^\n]{1,4000})")
_W3C_GROUPS = {"c-ip": "client", "cs-method": "method", "cs-uri-stem": "uri",
               "cs-uri-query": "query", "sc-status": "status", "time-taken": "taken"}
_W3C_VALUE = r"[^ \n]{1,8000}"


def _w3c_format(sample: Sequence[str], default_year: int,
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


def _candidates(time_format: TimeFormat | None, default_year: int,
                anchor: datetime | None) -> list[LogFormat]:
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


_LIKELY_CONTINUATION = re.compile(
    r"\s|Caused by:|Suppressed:|Traceback \(most recent|During handling of|The above exception|"
    r"goroutine \d|panic: |\.\.\. \d+ more|--- End of|(?:[\w$]{1,100}\.){0,20}[\w$]{0,100}"
    r"(?:Exception|Error)(?::|$)")
_TIME_SEARCH = [(f, re.compile(r"^[^\n]{0,40}?\b" + f.pattern)) for f in TIME_FORMATS]


def _leading_time_format(lines: Sequence[str]) -> TimeFormat | None:
    """The ``TimeFormat`` found near the start of the most sample lines."""
    best, best_hits = None, 0
    for time_format, regex in _TIME_SEARCH:
        hits = sum(1 for line in lines if regex.match(line[:200]))
        if hits > best_hits:
            best, best_hits = time_format, hits
    return best if best_hits else None


def detect(lines: Iterable[str], default_year: int = 1970,
           anchor: datetime | None = None) -> LogFormat:
    """The format that parses most of ``lines`` (a sample of a file's first lines).

    Timestamps that carry no year (syslog, Android) are placed on ``anchor``, the file's
    modification time, when it is known, else start in ``default_year`` (see the module
    doc). The returned format has read ``lines`` already: it keeps their year.
    """
    sample = [line for line in lines if line.strip()][:200]
    if not sample:
        return LogFormat("plain", None)
    json_hits = sum(1 for line in sample if line.lstrip().startswith("{")
                    and _parse_json(line) is not None)
    if json_hits * 2 >= len(sample):
        return LogFormat("json", None)
    w3c = _w3c_format(sample, default_year, anchor)
    if w3c is not None and sum(1 for line in sample if w3c.parse(line)) * 2 >= len(sample):
        return w3c
    time_format = _leading_time_format(sample)
    # Stack frames and tracebacks never carry a header; they do not vote.
    voters = [line for line in sample if not _LIKELY_CONTINUATION.match(line)] or sample
    best, best_hits = None, 0
    for candidate in _candidates(time_format, default_year, anchor):
        hits = sum(1 for line in voters if candidate.parse(line) is not None)
        if hits > best_hits:
            best, best_hits = candidate, hits
    if best is not None and best_hits * 2 >= len(voters):
        return best
    return LogFormat("plain", None)


# --- rotated files --------------------------------------------------------------------------

_ROTATION = re.compile(
    r"^(?P<base>.+?)(?:[.-](?P<index>\d{1,4})|[.-](?P<date>\d{4}-?\d{2}-?\d{2}(?:[-_T]?\d{2,6})?))?"
    r"(?P<compression>\.gz|\.bz2|\.xz|\.zst)?$")


def rotation_key(path: str) -> tuple[str, tuple[int, str]]:
    """``(base name, position)`` of a possibly rotated log file.

    Files with the same base belong to one log; sorting by position gives the oldest first:
    numbered rotations count down (``app.log.3`` is older than ``app.log.1``, which is older
    than ``app.log``), dated rotations count up and come before the live file.

    >>> rotation_key("logs/app.log.2.gz")
    ('logs/app.log', (-2, ''))
    >>> sorted(["app.log", "app.log.1", "app.log.2.gz"], key=rotation_key)
    ['app.log.2.gz', 'app.log.1', 'app.log']
    """
    match = _ROTATION.match(path)
    if match is None:
        return path, (0, "")
    if match.group("index"):
        return match.group("base"), (-int(match.group("index")), "")
    if match.group("date"):
        return match.group("base"), (-1, match.group("date"))
    return match.group("base"), (0, "")


def stitch_order(paths: Iterable[str]) -> list[list[str]]:
    """Group rotated files of the same log and order each group oldest first.

    >>> stitch_order(["a/app.log", "a/app.log.1", "a/db.log", "a/app.log.2.gz"])
    [['a/app.log.2.gz', 'a/app.log.1', 'a/app.log'], ['a/db.log']]
    """
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(rotation_key(path)[0], []).append(path)
    return [sorted(members, key=lambda p: rotation_key(p)[1]) for _, members in
            sorted(groups.items())]
