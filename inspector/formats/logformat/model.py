"""The model of a log format: ``LogFormat`` reads a line into a ``Record``, or a ``Layout``.

``LogFormat.parse(line)`` splits a line into time, level, logger and message, or returns
``None`` for a line that does not start a record (a stack frame, a continuation). The
formats themselves (their patterns and how their parts become a record) are in
``dialects`` and ``jsonlines``; which one a file is written in is ``detection``.

Decisions the next engineer needs:

- Every pattern is linear (bounded repeats, no nested unbounded quantifiers), and a line
  longer than ``MAX_HEADER`` characters is parsed on its head only: a crafted line costs
  linear time.
- The fast path for big files (used by the ``logs`` analyzer) rests on ``digit_blind``:
  when a format's pattern treats all digits alike, every line of the same shape has the
  same ``LogFormat.layout`` (level, where the message and the timestamp are), so it is
  computed once per shape and only the timestamp text is read per line, through a
  text-keyed cache (``LogFormat.time_cache``, see ``TimeReader.by_text``).
  ``LogFormat.memoizable`` says whether a format qualifies: JSON lines and patterns with
  literal digits (epoch timestamps ``1\\d{9}``, RFC 5424 syslog) do not. A format whose
  level depends on digits (the syslog priority, the HTTP status of an access log) names
  that group its ``variant``: its layout holds for lines of the same shape and the same
  text there.
- A pattern names its timestamp ``_t`` (the whole timestamp, for ``Layout``) and its
  message ``message``; a pattern without an ``extract`` function is read by the group names
  of the generic header grammar (``level``, ``blevel``, ``clevel``, ``alevel``, ``logger``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from inspector.formats.logformat.digits import digit_blind
from inspector.formats.logformat.levels import normalize_level, search_level
from inspector.formats.logformat.times import TimeFormat, TimeReader

MAX_HEADER = 4096  # a header never needs more; parsing the head keeps long lines cheap


@dataclass(slots=True)
class Record:
    """The parsed head of one log record."""

    time: datetime | None
    zone_known: bool
    level: str | None
    logger: str | None
    message: str


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


# What a format's ``extract`` makes of a match: level, logger and message.
Extract = Callable[[re.Match[str]], tuple[str | None, str | None, str]]


class LogFormat:
    """A detected format: ``parse(line)`` gives a ``Record`` or ``None`` for a continuation.

    A format is a pattern, or a ``parse_line`` function for formats no pattern reads (JSON
    lines), or neither: plain text, where every line is a record and the level is searched
    in its first words.

    Attributes:
        name: ``json``, ``cri``, ``access``, ``w3c`` (IIS), ``syslog``, ``nginx-error``,
            ``apache-error``, ``timestamp-first``, ``python-default`` or ``plain``.
        time_format: the ``TimeFormat`` of its timestamps, when it has them.
        has_time: whether records carry a time.
        memoizable: whether lines of one shape share one ``layout`` (see the module doc).
    """

    def __init__(self, name: str, pattern: str | None, time_format: TimeFormat | None = None,
                 default_year: int = 1970, extract: Extract | None = None,
                 variant: str | None = None, message_is_suffix: bool = True,
                 anchor: datetime | None = None,
                 parse_line: Callable[[str], Record | None] | None = None) -> None:
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
        self._parse_line = parse_line
        self.memoizable = parse_line is None and (pattern is None or digit_blind(pattern))

    def __repr__(self) -> str:
        time_name = self.time_format.name if self.time_format else "none"
        return f"LogFormat({self.name!r}, time={time_name!r})"

    def parse(self, line: str) -> Record | None:
        head = line if len(line) <= MAX_HEADER else line[:MAX_HEADER]
        if self._parse_line is not None:
            return self._parse_line(line)
        if self._regex is None:
            return Record(None, False, search_level(head), None, line)
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
                level = search_level(message)
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

        >>> from inspector.formats.logformat.detection import detect
        >>> fmt = detect(["2026-11-17 09:14:01,233 WARN [main] c.a.Pool - slow"])
        >>> layout = fmt.layout("2026-11-17 09:14:01,233 WARN [main] c.a.Pool - slow")
        >>> layout.level, layout.time_key("2026-11-17 09:14:01,233 WARN [main] c.a.Pool - slow")
        ('warning', '2026-11-17 09:14:01,')
        """
        if self._regex is None:
            return Layout(search_level(line), 0)
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
                level = search_level(groups["message"])
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
    def utc_offset(self) -> int | None:
        """The UTC offset in minutes most of the timestamps read so far write, ``None``
        when none writes one (``TimeReader.offsets``)."""
        if self._times is None or not self._times.offsets:
            return None
        return self._times.offsets.most_common(1)[0][0]

    @property
    def time_cache(self) -> dict[str, tuple[int, bool] | None]:
        """``Layout.time_key`` text -> what ``read_time`` gave for it (see ``TimeReader``)."""
        return self._times.by_text if self._times is not None else {}
