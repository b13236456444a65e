"""The per-file analysis state and the per-line loop: everything counted while reading.

``FileAnalysis.feed`` takes a file's lines in order: it folds every line that does not
start a record (stack frames, ``Caused by:``, tracebacks, goroutine dumps) into the record
before it, and, per record, counts its level, mines its template
(``inspector.formats.templates.TemplateMiner``), feeds the per-minute counters and hands
the records that need more (``records``) over once their last line is in. ``findings`` and
``stats`` read the state at the end.

Decisions the next engineer needs:

- ``feed`` is the hot loop: a line of a known shape (``shapes``) costs one dict lookup, a
  time-cache lookup and a few counters; everything else (a new shape, a record that needs
  its stack trace parsed or the knowledge base matched) goes through the general methods,
  which do exactly what the slow path always did. Its state lives in locals while it runs.
- Times are kept as integer microseconds since the epoch while reading (exact, cheaper
  than datetimes); datetimes are made for what is kept (findings, events, the range). The
  timestamp text is read once per second (``LogFormat.time_cache``), its fraction digits
  once per distinct fraction (bounded by ``MAX_FRACTIONS``).
- One file is one sequential pass (templates, gaps and events depend on line order), so it
  uses one core; the engine runs artifacts in parallel.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from analyzers.logs.known_issues import KnownIssues
from analyzers.logs.records import (
    MAX_EVENT_LINES,
    RESTART_MESSAGE,
    PendingRecord,
    RecordInspection,
    minute_of,
)
from analyzers.logs.shapes import (
    CONTINUATION_LINE,
    COUNT,
    FINISH,
    LEVEL,
    MAYBE_CONTINUATION,
    RANK,
    SHARED,
    TEMPLATE,
    VARIANTS,
    ShapeTable,
    new_entry,
)
from inspector.formats.logformat import ERROR_RANK, LogFormat, from_micros, to_micros
from inspector.formats.templates import MessageHeader, TemplateMiner

# Below 2**32 seconds since the epoch, ``micros // 60_000_000`` is exactly ``minute_of`` (a
# float timestamp still resolves microseconds there); beyond, and before 1970, ask it.
_FAST_MINUTES = (1 << 32) * 1_000_000
_MINUTE = 60_000_000
_GAP = 60_000_000

_UNREAD = object()  # a time key not in the time cache yet
MAX_FRACTIONS = 100_000


class FileAnalysis:
    """Everything learnt from one file: ``feed`` takes its lines in order, ``close`` ends
    the reading (see the module doc).

    Attributes:
        path: the artifact's path.
        format: the file's detected ``LogFormat``.
        shape_table: the entries of its line shapes.
        miner: its message templates.
        inspection: what finished records said (exceptions, known issues, restarts, events).
        records: records counted.
        levels: level name (``"none"`` without one) -> records.
        template_counts, template_rank, template_first: per template id, its records, its
            highest level rank, and the time and line of its first record.
        restart_template: template id -> whether it announces a (re)start.
        per_minute, errors_per_minute: records, and error records, per ``minute_of``.
        first_time, last_time: the earliest and the latest time (set by ``close``).
        timed, zone_known: records with a time, and those of them whose zone was written.
        gaps: ``(start, end, line)`` of every silence of a minute or more (set by ``close``).
    """

    def __init__(self, path: str, knowledge: KnownIssues, log_format: LogFormat,
                 header: MessageHeader | None = None) -> None:
        self.path = path
        self.format = log_format
        self.shape_table = ShapeTable(log_format)
        self.miner = TemplateMiner(header=header)
        self.records = 0
        self.levels: Counter[str] = Counter()
        self.template_counts: Counter[int] = Counter()
        self.template_rank: dict[int, int] = {}
        self.template_first: dict[int, tuple[datetime | None, int]] = {}
        self.restart_template: dict[int, bool] = {}
        self.inspection = RecordInspection(path, knowledge, self.restart_template)
        self.per_minute: Counter[int] = Counter()
        self.errors_per_minute: Counter[int] = Counter()
        self.first_micros: int | None = None
        self.last_micros: int | None = None
        self.first_time: datetime | None = None
        self.last_time: datetime | None = None
        self.zone_known = 0
        self.timed = 0
        self.gap_micros: list[tuple[int, int, int]] = []
        self.gaps: list[tuple[datetime, datetime, int]] = []
        self._fractions: dict[str, int] = {}  # fraction digits -> microseconds
        # The record being read: its line number, text, time, shape entry and template id
        # (the entry is None before the first record), and its ``PendingRecord`` once it
        # needs finishing (``RecordInspection.finish``).
        self._current: tuple[int, str, int | None, list[Any] | None, int] = (
            0, "", None, None, 0)
        self._pending: PendingRecord | None = None

    def feed(self, number: int, lines: list[str], shapes: list[str]) -> int:
        """Read ``lines`` (numbered from ``number + 1``) whose shapes are ``shapes``; returns
        the last line number."""
        known_shapes = self.shape_table.entries if self.format.memoizable else {}
        new_shape = self.shape_table.new_shape
        finish_record = self.inspection.finish
        times = self.format.time_cache
        fractions = self._fractions
        per_minute = self.per_minute
        errors_per_minute = self.errors_per_minute
        first = self.first_micros
        last = self.last_micros
        timed = zone_known = 0
        # Consecutive lines mostly share their second: its time and minute are reused, and
        # records are counted per minute in runs.
        second_text, second, second_known, second_minute = None, None, False, None
        run_minute, run_count = None, 0
        # The record being read, kept in locals for speed: see ``self._current``.
        current_line, current_text, current_micros, current_entry, current_template = \
            self._current
        pending = self._pending
        for line, line_shape in zip(lines, shapes, strict=True):
            number += 1
            entry = known_shapes.get(line_shape)
            if entry is None:
                entry = new_shape(line, line_shape)
            if entry is CONTINUATION_LINE or (entry[MAYBE_CONTINUATION] and
                                              current_entry is not None):
                if pending is None:
                    if current_entry is None:
                        # No record yet: the line is a record of its own, without a header.
                        pending = self._headless(number, line)
                        current_entry = CONTINUATION_LINE
                        continue
                    pending = self._pending_record(current_line, current_text, current_micros,
                                                   current_entry, current_template)
                pending.end_line = number
                if len(pending.continuation) < MAX_EVENT_LINES and line:
                    pending.continuation.append(line[:2000])
                continue
            (_, rank, _, template_id, finish, key, tail, fraction, _, _, _, _, one_off_time,
             one_off_zone, variant, _, _) = entry
            if variant is not None:
                entry = entry[VARIANTS].get(line[variant]) or \
                    self.shape_table.variant(entry, line)
                (_, rank, _, template_id, finish, key, tail, fraction, _, _, _, _, _, _, _,
                 _, _) = entry
            micros = None
            if key is not None:
                text = line[key] if tail is None else line[key] + line[tail]
                if text != second_text:
                    read = times.get(text, _UNREAD)
                    if read is _UNREAD:
                        read = self.format.read_time(line, text)
                    second_text = text
                    if read is None:
                        second = None
                    else:
                        second, second_known = read
                        second_minute = second // _MINUTE if \
                            0 <= second < _FAST_MINUTES - 1_000_000 else None
                if second is not None:
                    micros = second
                    if fraction is not None:
                        digits = line[fraction]
                        part = fractions.get(digits)
                        micros += part if part is not None else self._fraction(digits)
                    known = second_known
                    minute = second_minute
            elif one_off_time is not None:
                micros, known, minute = to_micros(one_off_time), one_off_zone, None
            if micros is not None:
                timed += 1
                zone_known += known
                if first is None or micros < first:
                    first = micros
                if last is None or micros > last:
                    # Merged or multi-threaded logs go back and forth a little: a gap is
                    # measured from the latest time seen so far.
                    if last is not None and micros - last >= _GAP:
                        self.gap_micros.append((last, micros, number))
                    last = micros
                if minute is None:
                    minute = minute_of(from_micros(micros))
                if minute != run_minute:
                    if run_count:
                        per_minute[run_minute] += run_count
                    run_minute, run_count = minute, 0
                run_count += 1
                if rank >= ERROR_RANK:
                    errors_per_minute[minute] += 1
            if pending is not None:
                finish_record(pending)
                pending = None
            if template_id is None:
                template_id = self._count(entry, line, micros, number)
                finish = finish or self.restart_template[template_id]
            else:
                entry[COUNT] += 1
            current_line, current_text, current_micros, current_entry, current_template = \
                number, line, micros, entry, template_id
            if finish:
                pending = self._pending_record(number, line, micros, entry, template_id)
        if run_count:
            per_minute[run_minute] += run_count
        self._current = (current_line, current_text, current_micros, current_entry,
                         current_template)
        self._pending = pending
        self.first_micros, self.last_micros = first, last
        self.timed += timed
        self.zone_known += zone_known
        return number

    def _fraction(self, digits: str) -> int:
        """Microseconds of a fraction's digits (at most six), remembered."""
        if len(self._fractions) >= MAX_FRACTIONS:
            self._fractions.clear()
        micros = self._fractions[digits] = int(digits) * 10 ** (6 - len(digits))
        return micros

    def _count(self, entry: list[Any], line: str, micros: int | None, number: int) -> int:
        """Count one record whose template the entry does not know yet; returns its id."""
        self.records += 1
        self.levels[entry[LEVEL]] += 1
        message = self.shape_table.message(entry, line)
        newline = message.find("\n")
        first_line = message if newline < 0 else message[:newline]
        masked = self.miner.key(first_line)
        template_id = self.miner.add(masked, masked=True)
        self.template_counts[template_id] += 1
        if template_id not in self.template_first:
            self.template_first[template_id] = (
                None if micros is None else from_micros(micros), number)
            self.restart_template[template_id] = bool(RESTART_MESSAGE.search(first_line, 0, 300))
        rank = entry[RANK]
        if rank > self.template_rank.get(template_id, -2):
            self.template_rank[template_id] = rank
        if entry[SHARED] and self.miner.lookup(masked) == template_id:
            # Every later line of this shape has this template: count them on the entry.
            entry[TEMPLATE] = template_id
            entry[FINISH] = entry[FINISH] or self.restart_template[template_id]
        return template_id

    def _pending_record(self, number: int, line: str, micros: int | None, entry: list[Any],
                        template_id: int) -> PendingRecord:
        message = self.shape_table.message(entry, line)
        time = None if micros is None else from_micros(micros)
        return PendingRecord(number, number, time, entry[RANK], message, line[:2000],
                             template_id, entry if entry[SHARED] else None)

    def _headless(self, number: int, line: str) -> PendingRecord:
        """A first line that continues nothing: a record without a header, level or time."""
        entry = new_entry(None, message=line)
        return PendingRecord(number, number, None, -1, line, line,
                             self._count(entry, line, None, number), None)

    def close(self) -> None:
        """End of the file: finish the last record and fold the shape counters in."""
        if self._pending is not None:
            self.inspection.finish(self._pending)
            self._pending = None
        for entry in self.shape_table.kept_entries():
            if not entry[COUNT]:
                continue
            count, template_id, rank = entry[COUNT], entry[TEMPLATE], entry[RANK]
            self.records += count
            self.levels[entry[LEVEL]] += count
            self.template_counts[template_id] += count
            if rank > self.template_rank.get(template_id, -2):
                self.template_rank[template_id] = rank
        if self.first_micros is not None and self.last_micros is not None:
            self.first_time = from_micros(self.first_micros)
            self.last_time = from_micros(self.last_micros)
        self.gaps = [(from_micros(start), from_micros(end), line)
                     for start, end, line in self.gap_micros]

    def zone_written(self) -> bool:
        """Whether most timed records carry their zone (``stats["time_zone"]``)."""
        return bool(self.timed) and self.zone_known * 2 >= self.timed
