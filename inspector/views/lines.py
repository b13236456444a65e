"""The lines of a member, Qt-free: index, block reads, search, and stack-trace folds.

The text viewer (``ui.viewers.text``) is built on these. Indexing and searching scan the
whole member, so they run in a child process (``ui.viewers.child.in_child``, which needs
them in a module that does not import Qt: this one); block reads are short and run on a
loader thread.

How it stays fast and small (lnav's approach, on a stream):

- ``index_lines`` reads the member once and records a *checkpoint* (line number, byte
  offset) at the first line start after every ``CHECKPOINT_BYTES`` (64 KiB): about 16,000
  pairs for 1 GB, counted with ``bytes.count``/``find`` at C speed. It reports the line count
  as it goes (``IndexProgress``), so the first screen shows at once and the scroll bar grows
  while the rest is indexed. The same pass finds the multi-line records (``Fold``).
- ``LineReader`` answers "lines 1,000,000 to 1,000,511": seek to the checkpoint at or
  before the first line, skip at most 64 KiB of lines, read the block. It keeps one stream
  open and only reopens to go backwards, so reading on through a gzip member is cheap.
- ``find_line`` searches (plain or regex, optionally case-sensitive) in 1 MB chunks of
  whole lines decoded to text, with progress.
- Folds: ``ContinuationFinder`` decides which lines continue the record above them (stack
  frames, ``Caused by:``, tracebacks) with ``inspector.formats.logformat``, the logs analyzer's own
  format detection: a line the file's format does not parse as a record is a continuation.
  ``Folds`` holds the folds and maps the viewer's rows to lines when some are collapsed.

Line numbers are 0-based here and 1-based on screen, as in evidence. Very long lines are
cut at ``MAX_LINE_CHARS`` when read for display.

>>> import io
>>> checkpoints = LineIndex()
>>> checkpoints.add([(0, 0)]); checkpoints.lines = 3
>>> reader = LineReader(io.BytesIO(b"one\\ntwo\\nthree"), checkpoints)
>>> reader.read(1, 5)
['two', 'three']
"""

from __future__ import annotations

import bisect
import io
import itertools
import queue
import re
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from inspector.formats.logformat import MAX_HEADER, detect

if TYPE_CHECKING:
    from inspector.views.source import MemberSource, State

CHECKPOINT_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024
BLOCK_LINES = 512
MAX_LINE_CHARS = 10_000
REPORT_SECONDS = 0.05
SAMPLE_LINES = 200  # what format detection looks at, as the logs analyzer does
PREFIX_BYTES = 12  # how much of a record's start the continuation screen compares
MAX_PREFIXES = 64
MAX_RECORD_BYTES = 1024 * 1024  # a longer line is taken for a record without parsing it


def decode_line(raw: bytes) -> str:
    text = raw.rstrip(b"\r\n")[: MAX_LINE_CHARS * 4].decode("utf-8", "replace")
    return text[:MAX_LINE_CHARS].expandtabs(4)


# --- the index --------------------------------------------------------------------------------


class LineIndex:
    """Checkpoints ``(first line number, byte offset)`` and the lines known so far.

    Attributes:
        lines: lines counted so far; final once ``done``.
        done: the whole member has been read.
    """

    def __init__(self) -> None:
        self.first_lines = array("q")
        self.offsets = array("q")
        self.lines = 0
        self.done = False

    def add(self, checkpoints: Iterable[tuple[int, int]]) -> None:
        for line, offset in checkpoints:
            self.first_lines.append(line)
            self.offsets.append(offset)

    def locate(self, line: int) -> tuple[int, int]:
        """The checkpoint ``(line, offset)`` at or before ``line``."""
        position = max(0, bisect.bisect_right(self.first_lines, line) - 1)
        if not self.offsets:
            return 0, 0
        return self.first_lines[position], self.offsets[position]

    def locate_offset(self, offset: int) -> tuple[int, int]:
        """The checkpoint ``(line, offset)`` at or before byte ``offset``."""
        position = max(0, bisect.bisect_right(self.offsets, offset) - 1)
        if not self.offsets:
            return 0, 0
        return self.first_lines[position], self.offsets[position]


@dataclass(frozen=True)
class IndexProgress:
    """A partial result of ``index_lines``: new checkpoints and folds since the last one."""

    checkpoints: list[tuple[int, int]]
    lines: int
    bytes_read: int
    done: bool = False
    folds: list[tuple[int, int]] = field(default_factory=list)
    log_format: str = ""


def _digit_runs_as_classes(prefix: bytes) -> bytes:
    """A pattern for lines starting like ``prefix``, any number in place of its numbers.

    >>> _digit_runs_as_classes(b"2024-05-01 1")
    b'[0-9]{1,20}\\\\-[0-9]{1,20}\\\\-[0-9]{1,20}\\\\ [0-9]{1,20}'
    """
    parts = re.split(rb"([0-9]+)", prefix)
    return b"".join(b"[0-9]{1,20}" if part[:1].isdigit() else re.escape(part)
                    for part in parts if part)


class ContinuationFinder:
    """Which lines continue the record above them (stack frames, tracebacks, ``Caused by:``).

    The format is detected from the member's first lines (``inspector.formats.logformat.detect``);
    a line it does not parse as a record continues the previous one. Plain text has no
    records, so nothing in it folds. Parsing costs about 7 us a line (90 s for a 1 GB log),
    so lines are screened first at C speed: a line starting like a record already seen
    (its first ``PREFIX_BYTES`` bytes, numbers as any numbers) is taken for a record, and
    only the others are parsed.

    >>> finder = ContinuationFinder(["2024-05-01 10:00:00,001 ERROR boom"])
    >>> finder.continuations(b"2024-05-01 10:00:00,002 ERROR failed\\n"
    ...                      b"java.lang.IllegalStateException: pool\\n"
    ...                      b"\\tat com.acme.Pool.get(Pool.java:12)\\n"
    ...                      b"2024-05-01 10:00:01,000 INFO ok\\n", first_line=10)
    [11, 12]
    """

    def __init__(self, sample: Sequence[str]) -> None:
        self.format = detect(sample)
        self.enabled = self.format.name != "plain"
        self._prefixes: list[bytes] = []
        self._screen = re.compile(rb"\n")
        if self.enabled:
            for line in sample:
                if self.format.parse(line) is not None:
                    self._learn(line.encode("utf-8", "replace"))

    def _learn(self, record: bytes) -> None:
        if len(self._prefixes) >= MAX_PREFIXES:
            return
        prefix = _digit_runs_as_classes(record[:PREFIX_BYTES])
        if prefix and prefix not in self._prefixes:
            self._prefixes.append(prefix)
            self._screen = re.compile(rb"\n(?!" + b"|".join(self._prefixes) + rb")")

    def continuations(self, data: bytes, first_line: int) -> list[int]:
        """The continuation lines in ``data`` (whole lines; its first is ``first_line``)."""
        if not self.enabled or not data:
            return []
        found = []
        line, counted = first_line, 0
        screen = self._screen  # a prefix learned below applies from the next chunk
        # The leading newline lets the screen see the first line too; in ``data`` a match at
        # ``m.start()`` is the start of the line it screened.
        for match in screen.finditer(b"\n" + data):
            start = match.start()
            if start >= len(data):
                break
            line += data.count(b"\n", counted, start)
            counted = start
            end = data.find(b"\n", start)
            raw = data[start:end if end >= 0 else len(data)]
            if len(raw) > MAX_RECORD_BYTES:
                continue
            text = raw[: MAX_HEADER * 4].decode("utf-8", "replace").rstrip("\r")
            if self.format.parse(text) is None:
                found.append(line)
            else:
                self._learn(raw)
        return found


class _FoldCollector:
    """Turns runs of continuation lines into folds ``(header line, last line)``."""

    def __init__(self) -> None:
        self.first: int | None = None
        self.last = -1
        self.folds: list[tuple[int, int]] = []

    def add(self, continuation_lines: Iterable[int]) -> None:
        for line in continuation_lines:
            if self.first is not None and line == self.last + 1:
                self.last = line
                continue
            self.close()
            self.first = self.last = line

    def close(self, before: int | None = None) -> None:
        """End the open run, unless ``before`` says the next line may still continue it."""
        if self.first is None or (before is not None and self.last >= before - 1):
            return
        if self.first > 0:  # continuation lines at the very top have no record to fold under
            self.folds.append((self.first - 1, self.last))
        self.first = None

    def take(self) -> list[tuple[int, int]]:
        folds, self.folds = self.folds, []
        return folds


def index_lines(state: State, source: MemberSource) -> IndexProgress:
    """Count lines, record checkpoints and find folds, emitting ``IndexProgress`` about 20
    times a second (run it through ``in_child``)."""
    with source.open() as stream:
        lines = 0
        offset = 0
        next_checkpoint = CHECKPOINT_BYTES
        pending: list[tuple[int, int]] = [(0, 0)]
        last_byte = b"\n"
        reported = time.monotonic()
        finder: ContinuationFinder | None = None
        collector = _FoldCollector()
        carry = b""  # the partial last line of the previous chunk, for the finder
        while not state.cancelled:
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                break
            if finder is None:
                sample = chunk.split(b"\n", SAMPLE_LINES)[:SAMPLE_LINES]
                finder = ContinuationFinder([line.decode("utf-8", "replace").rstrip("\r")
                                             for line in sample])
            counted_to = 0
            running = lines
            while next_checkpoint < offset + len(chunk):
                newline = chunk.find(b"\n", max(0, next_checkpoint - offset))
                if newline < 0:
                    break
                running += chunk.count(b"\n", counted_to, newline + 1)
                counted_to = newline + 1
                pending.append((running, offset + newline + 1))
                next_checkpoint = offset + newline + 1 + CHECKPOINT_BYTES
            whole = chunk.rfind(b"\n") + 1
            carry_line = lines  # the line ``carry`` starts
            if whole:
                collector.add(finder.continuations(carry + chunk[:whole], carry_line))
                carry = chunk[whole:]
            else:
                carry = carry + chunk if len(carry) < MAX_RECORD_BYTES else carry
            lines += chunk.count(b"\n")
            collector.close(before=lines)
            offset += len(chunk)
            last_byte = chunk[-1:]
            if time.monotonic() - reported >= REPORT_SECONDS:
                state.emit(IndexProgress(pending, lines, offset, folds=collector.take(),
                                         log_format=finder.format.name))
                pending = []
                reported = time.monotonic()
        if finder is not None and carry and not state.cancelled:
            collector.add(finder.continuations(carry, lines))
    total = lines + (1 if last_byte != b"\n" else 0)
    collector.close()
    final = IndexProgress(pending, total, offset, done=not state.cancelled,
                          folds=collector.take(),
                          log_format=finder.format.name if finder else "")
    state.emit(final)
    return final


# --- reading ----------------------------------------------------------------------------------


class LineReader:
    """Reads blocks of lines from one open stream, seeking through the checkpoints."""

    def __init__(self, stream: BinaryIO, index: LineIndex) -> None:
        self._stream = io.BufferedReader(stream, READ_CHUNK) if not hasattr(
            stream, "peek") else stream  # type: ignore[arg-type]
        self._index = index

    def seek_line(self, line: int) -> None:
        checkpoint_line, offset = self._index.locate(line)
        self._stream.seek(offset)
        for _ in range(line - checkpoint_line):
            if not self._stream.readline():
                break

    def read(self, first: int, count: int) -> list[str]:
        self.seek_line(first)
        lines = []
        for _ in range(count):
            raw = self._stream.readline()
            if not raw:
                break
            lines.append(decode_line(raw))
        return lines

    def read_chunk(self) -> bytes:
        """The next ``READ_CHUNK`` bytes from where the last read or seek stopped."""
        return self._stream.read(READ_CHUNK)

    def line_at_offset(self, offset: int) -> int:
        line, position = self._index.locate_offset(offset)
        self._stream.seek(position)
        while position < offset:
            raw = self._stream.readline()
            if not raw:
                break
            position += len(raw)
            if position > offset:
                break
            line += 1
        return line


def serve_blocks(state: Any, source: MemberSource, index: LineIndex, requests: Any) -> None:
    """Loader loop: read each requested ``(block number)`` and emit ``(block, lines)``.

    ``requests`` is a ``queue.Queue`` filled by the GUI; ``("offset", n)`` asks for the line
    holding byte ``n`` and emits ``("offset", n, line)``.
    """
    with source.open() as stream:
        reader = LineReader(stream, index)
        while not state.cancelled:
            try:
                request = requests.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(request, tuple):
                state.emit(("offset", request[1], reader.line_at_offset(request[1])))
            else:
                state.emit((request, reader.read(request * BLOCK_LINES, BLOCK_LINES)))


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str
    regex: bool = False
    match_case: bool = False

    def compile(self) -> re.Pattern[str]:
        """Raises ``re.error`` for a bad regular expression."""
        pattern = self.text if self.regex else re.escape(self.text)
        return re.compile(pattern, 0 if self.match_case else re.IGNORECASE)


def find_line(state: State, source: MemberSource, index: LineIndex, query: SearchQuery,
              first: int, stop: int | None = None, last: bool = False) -> int | None:
    """The first (or ``last``) line in ``[first, stop)`` matching ``query``, or None.

    Emits the line reached (an int) now and then, for progress.
    """
    pattern = query.compile()
    with source.open() as stream:
        reader = LineReader(stream, index)
        reader.seek_line(first)
        line = first
        found: int | None = None
        carry = b""
        reported = time.monotonic()
        while not state.cancelled and (stop is None or line < stop):
            chunk = reader.read_chunk()
            if not chunk and not carry:
                break
            data = carry + chunk
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            text = data[:cut].decode("utf-8", "replace")
            limit = len(text)
            if stop is not None and stop - line < text.count("\n") + 1:
                limit = _position_of_line(text, stop - line)
            matches = pattern.finditer(text, 0, limit) if last else [pattern.search(text, 0, limit)]
            for match in matches:
                if match is None:
                    continue
                found = line + text.count("\n", 0, match.start())
                if not last:
                    return found
            line += text.count("\n") + (0 if chunk else 1)
            if time.monotonic() - reported >= REPORT_SECONDS:
                state.emit(line)
                reported = time.monotonic()
    return found


def _position_of_line(text: str, line: int) -> int:
    position = 0
    for _ in range(line):
        position = text.find("\n", position) + 1
        if position == 0:
            return len(text)
    return position


def search_with_wrap(state: State, source: MemberSource, index: LineIndex,
                     query: SearchQuery, current: int, backwards: bool) -> int | None:
    """The next (or previous) match after (before) line ``current``, wrapping at the ends."""
    if backwards:
        found = find_line(state, source, index, query, 0, max(current, 0), last=True)
        if found is None and not state.cancelled:
            found = find_line(state, source, index, query, max(current, 0), None, last=True)
        return found
    found = find_line(state, source, index, query, current + 1)
    if found is None and not state.cancelled and current >= 0:
        found = find_line(state, source, index, query, 0, current + 1)
    return found


# --- folds ------------------------------------------------------------------------------------


class Folds:
    """Multi-line records that collapse to their first line, and the row <-> line mapping.

    A fold is ``(header, last)``: lines ``header + 1 .. last`` continue the record on line
    ``header``. The viewer's rows are the lines without the continuation lines of collapsed
    folds. Folds arrive in line order from the index; mapping is two bisections over the
    collapsed folds, so memory and time depend on the number of folds, never of lines.

    >>> folds = Folds(); folds.add([(2, 5), (9, 10)])
    [0, 1]
    >>> folds.set_collapsed(0, True); folds.hidden, folds.row_of(6), folds.line_of(3)
    (3, 3, 6)
    >>> folds.row_of(4), folds.line_of(2)  # a hidden line shows as its fold's first line
    (2, 2)
    """

    def __init__(self) -> None:
        self.headers = array("q")
        self.lasts = array("q")
        self.collapsed: set[int] = set()
        self.hidden = 0
        self._rebuild()

    def __len__(self) -> int:
        return len(self.headers)

    def add(self, folds: Iterable[tuple[int, int]]) -> list[int]:
        """Append folds found further down (expanded); their indexes."""
        first = len(self.headers)
        for header, last in folds:
            self.headers.append(header)
            self.lasts.append(last)
        return list(range(first, len(self.headers)))

    def at(self, line: int) -> int | None:
        """The fold holding ``line`` (as its first line or a continuation), or None."""
        position = bisect.bisect_right(self.headers, line) - 1
        if position >= 0 and line <= self.lasts[position]:
            return position
        return None

    def size(self, fold: int) -> int:
        """How many continuation lines the fold hides when collapsed."""
        return self.lasts[fold] - self.headers[fold]

    def set_collapsed(self, fold: int, collapsed: bool) -> None:
        if collapsed:
            self.collapsed.add(fold)
        else:
            self.collapsed.discard(fold)
        self._rebuild()

    def set_all(self, collapsed: bool) -> None:
        self.collapsed = set(range(len(self.headers))) if collapsed else set()
        self._rebuild()

    def _rebuild(self) -> None:
        order = sorted(self.collapsed)
        sizes = array("q", (self.lasts[i] - self.headers[i] for i in order))
        self._headers = array("q", (self.headers[i] for i in order))
        self._sizes = sizes
        self._before = array("q", itertools.accumulate(sizes[:-1], initial=0)) if order \
            else array("q")
        self._rows = array("q", (h - b for h, b in zip(self._headers, self._before,
                                                        strict=True)))
        self.hidden = sum(sizes)

    def row_of(self, line: int) -> int:
        """The row showing ``line`` (its fold's first line's row when it is hidden)."""
        k = bisect.bisect_right(self._headers, line) - 1
        if k < 0:
            return line
        if line <= self._headers[k] + self._sizes[k]:
            return self._rows[k]
        return line - self._before[k] - self._sizes[k]

    def line_of(self, row: int) -> int:
        k = bisect.bisect_right(self._rows, row) - 1
        if k < 0:
            return row
        if row == self._rows[k]:
            return self._headers[k]
        return row + self._before[k] + self._sizes[k]
