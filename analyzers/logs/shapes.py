"""The shape table: what every line of one shape has in common, learnt once per shape.

Decisions the next engineer needs:

- Speed comes from reading by line *shape* (every ASCII digit turned into ``0``): a shape
  seen before gives its ``LogFormat.layout`` (level, message and timestamp offsets) and,
  once known, its template id from one dict lookup (``ShapeTable.entries``), because the
  header grammar and the masks treat all digits alike (see
  ``inspector.formats.logformat.digit_blind`` and ``inspector.formats.templates.shape``).
  Per line, the hot loop (``state``) then only reads the timestamp text and bumps counters.
- A level that depends on digits (syslog priority, HTTP status) gets one entry per
  ``Layout`` variant (``ShapeTable.variant``).
- Formats that are not digit-blind (JSON lines, RFC 5424 syslog, epoch times), lines over
  ``MAX_HEADER`` characters and the first line of each shape go through ``LogFormat.parse``
  as before; a line of those gets a one-off entry holding its parsed message and time.
  Tests check that both paths give identical results.
- The table is bounded by ``MAX_SHAPES`` entries and ``MAX_SHAPE_CHARS`` characters of keys:
  a log whose every line has its own shape must not eat memory. A shape past the bound
  gets an entry that is not kept, so its template is mined per record.
- An entry is a list, not an object, for speed: the hot loop unpacks it in one statement.
  Its fields are the indices below, in this order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from analyzers.logs.exceptions import TRACE_CONTINUATION
from inspector.formats.logformat import LEVEL_RANK, MAX_HEADER, WARNING_RANK, Layout, LogFormat
from inspector.formats.templates import shape, shape_decides_mask

# A line shape's entry: what every line of that shape has in common (a list, for speed).
# LEVEL: the level counter key; RANK: the level's rank (-1 without one); START: the message
# offset; TEMPLATE: the template id once known for the shape (None: mined per record);
# FINISH: records of this shape need finishing (``records``: warnings and up, no level,
# lifecycle markers); KEY and KEY_TAIL: slices of the timestamp text without its fraction (None: no
# time); FRACTION: the slice of the fraction's first six digits (the per-line loop reads
# them); COUNT: records counted through the entry; SHARED: kept in the shape table
# (its template id may be cached); MAYBE_CONTINUATION: a plain-text line that looks like a
# frame; MESSAGE, TIME and ZONE: the parsed message and time of a one-off entry (slow path);
# VARIANT: the slice of the digits the level depends on (syslog priority, HTTP status), and
# VARIANTS: the entry of each text found there, which is the one that counts;
# KNOWN_HINT: ``KnownIssues.shape_has_required`` of the shape's message, once asked;
# MARKER: the shape's lifecycle marker (``lifecycle``), set with TEMPLATE.
(LEVEL, RANK, START, TEMPLATE, FINISH, KEY, KEY_TAIL, FRACTION, COUNT, SHARED,
 MAYBE_CONTINUATION, MESSAGE, TIME, ZONE, VARIANT, VARIANTS, KNOWN_HINT, MARKER) = range(18)
CONTINUATION_LINE: list[Any] = []  # the entry of lines that continue a record

MAX_SHAPES = 200_000
MAX_SHAPE_CHARS = 32 << 20


def new_entry(level: str | None, message_start: int = 0, *, message: str | None = None,
              time: datetime | None = None, zone_known: bool = False,
              maybe_continuation: bool = False) -> list[Any]:
    """An entry without a timestamp layout (``ShapeTable`` adds one from a ``Layout``)."""
    rank = LEVEL_RANK[level] if level else -1
    finish = rank >= WARNING_RANK or rank < 0 or (message is not None and "\n" in message)
    return [level or "none", rank, message_start, None, finish, None, None, None, 0, False,
            maybe_continuation, message, time, zone_known, None, None, None, None]


class ShapeTable:
    """The entries of one file's line shapes, and the entries of lines read one by one.

    Attributes:
        format: the file's ``LogFormat``.
        entries: line shape -> its entry; ``""`` (an empty line) continues a record.
    """

    def __init__(self, log_format: LogFormat) -> None:
        self.format = log_format
        self.entries: dict[str, list[Any]] = {"": CONTINUATION_LINE}
        self._shape_chars = 0
        # One slice object per span: entries of different shapes mostly share their spans,
        # and every slice is an object the cyclic garbage collector walks.
        self._slices: dict[tuple[int, int], slice] = {}

    def new_shape(self, line: str, line_shape: str) -> list[Any]:
        """The entry of a shape seen for the first time (kept when the table has room)."""
        if len(line) > MAX_HEADER or not self.format.memoizable:
            return self._one_off(line)
        layout = self.format.layout(line)
        if layout is None:
            entry = CONTINUATION_LINE
        else:
            entry = self._layout_entry(layout)
            entry[MAYBE_CONTINUATION] = self.format.name == "plain" and bool(
                TRACE_CONTINUATION.match(line))
            # A rebuilt message is made of the line's parts: its shape is the line's too.
            message_shape = line_shape[layout.message_start:] if layout.message_start >= 0 \
                else shape(self.message(entry, line))
            entry[SHARED] = shape_decides_mask(message_shape)
            if layout.variant_start >= 0:
                entry[VARIANT] = self._slice(layout.variant_start, layout.variant_end)
                entry[VARIANTS] = {}
        if len(self.entries) < MAX_SHAPES and self._shape_chars < MAX_SHAPE_CHARS:
            self.entries[line_shape] = entry
            self._shape_chars += len(line_shape)
        elif entry is not CONTINUATION_LINE:
            entry[SHARED] = False
        return entry

    def _slice(self, start: int, end: int) -> slice:
        span = self._slices.get((start, end))
        if span is None:
            span = self._slices[(start, end)] = slice(start, end)
        return span

    def _layout_entry(self, layout: Layout) -> list[Any]:
        entry = new_entry(layout.level, layout.message_start)
        if layout.time_start >= 0:
            start, end = layout.time_start, layout.time_end
            if layout.fraction_start < 0:
                entry[KEY] = self._slice(start, end)
            else:
                fraction_start, fraction_end = layout.fraction_start, layout.fraction_end
                entry[KEY] = self._slice(start, fraction_start)
                if fraction_end < end:
                    entry[KEY_TAIL] = self._slice(fraction_end, end)
                entry[FRACTION] = self._slice(fraction_start,
                                              min(fraction_end, fraction_start + 6))
        return entry

    def variant(self, base: list[Any], line: str) -> list[Any]:
        """The entry of the lines of ``base``'s shape with ``line``'s variant digits."""
        record = self.format.parse(line)
        assert record is not None  # same shape: the same path through the pattern
        entry = new_entry(record.level, base[START])
        entry[KEY:FRACTION + 1] = base[KEY:FRACTION + 1]
        entry[SHARED] = base[SHARED]
        base[VARIANTS][line[base[VARIANT]]] = entry
        return entry

    def message(self, entry: list[Any], line: str) -> str:
        """The message of ``line``, a line of ``entry``."""
        if entry[MESSAGE] is not None:
            return entry[MESSAGE]
        if entry[START] >= 0:
            return line[entry[START]:]
        record = self.format.parse(line)  # a message rebuilt from parts (access logs)
        assert record is not None
        return record.message

    def _one_off(self, line: str) -> list[Any]:
        """The entry of one line read by ``LogFormat.parse`` (JSON, long lines...)."""
        record = self.format.parse(line) if line else None
        if record is None:
            return CONTINUATION_LINE
        return new_entry(record.level, message=record.message, time=record.time,
                         zone_known=record.zone_known, maybe_continuation=(
                             self.format.name == "plain" and bool(TRACE_CONTINUATION.match(line))))

    def kept_entries(self) -> list[Any]:
        """Every entry of the table, and their variants' entries: those whose ``COUNT``
        counts records."""
        entries = [entry for entry in self.entries.values() if entry is not CONTINUATION_LINE]
        entries += [variant for entry in entries if entry[VARIANTS]
                    for variant in entry[VARIANTS].values()]
        return entries
