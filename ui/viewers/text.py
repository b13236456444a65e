"""The log and text viewer: any size of file, never loaded whole, never blocking.

How it stays fast and small (lnav's approach, on a stream):

- ``index_lines`` reads the member once, off the GUI thread, and records a *checkpoint*
  (line number, byte offset) at the first line start after every ``CHECKPOINT_BYTES``
  (64 KiB): about 16,000 pairs for 1 GB, counted with ``bytes.count``/``find`` at C speed.
  It reports the line count as it goes, so the first screen shows at once and the scroll
  bar grows while the rest is indexed.
- ``LineReader`` answers "lines 1,000,000 to 1,000,511": seek to the checkpoint at or
  before the first line, skip at most 64 KiB of lines, read the block. It keeps one stream
  open and only reopens to go backwards, so reading on through a gzip member is cheap.
- ``LogModel`` shows blocks of ``BLOCK_LINES`` lines from a small LRU cache; a block not in
  the cache is asked of a loader thread and the rows fill in when it arrives. Memory is
  the cache, not the file.
- ``find_line`` searches (plain or regex, optionally case-sensitive) in 1 MB chunks of
  whole lines decoded to text, off the GUI thread, cancellable, with progress.

Line numbers are 0-based inside this module and 1-based on screen, as in evidence.
Lines are shown as plain text; very long lines are cut at ``MAX_LINE_CHARS`` in the cache
(the detail pane says so).

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
import queue
import re
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.model import LineLocator, Locator, OffsetLocator
from ui.viewers import MemberSource
from ui.worker import Task, TaskState

CHECKPOINT_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024
BLOCK_LINES = 512
CACHE_BLOCKS = 64  # 32,768 lines at most in memory
MAX_LINE_CHARS = 10_000
REPORT_SECONDS = 0.05

LEVEL = re.compile(r"\b(FATAL|CRIT(?:ICAL)?|EMERG|ALERT|SEVERE|ERROR|ERR|WARN(?:ING)?|"
                   r"INFO|NOTICE|DEBUG|TRACE)\b")
LEVEL_GROUPS = {"FATAL": "error", "CRIT": "error", "CRITICAL": "error", "EMERG": "error",
                "ALERT": "error", "SEVERE": "error", "ERROR": "error", "ERR": "error",
                "WARN": "warning", "WARNING": "warning", "INFO": "info", "NOTICE": "info",
                "DEBUG": "debug", "TRACE": "debug"}


def level_of(line: str) -> str | None:
    """``error``, ``warning``, ``info`` or ``debug`` from the first level word of a line.

    >>> level_of("2024-05-01 12:00:01 WARN pool nearly exhausted")
    'warning'
    """
    match = LEVEL.search(line, 0, 300)
    return LEVEL_GROUPS[match.group(1)] if match else None


def decode_line(raw: bytes) -> str:
    text = raw.rstrip(b"\r\n")[: MAX_LINE_CHARS * 4].decode("utf-8", "replace")
    return text[:MAX_LINE_CHARS].expandtabs(4)


# --- the index (Qt-free) -------------------------------------------------------------------


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
    """A partial result of ``index_lines``."""

    checkpoints: list[tuple[int, int]]
    lines: int
    bytes_read: int
    done: bool = False


def index_lines(state: TaskState, source: MemberSource) -> IndexProgress:
    """Count lines and record checkpoints, emitting ``IndexProgress`` about 20 times a second."""
    with source.open() as stream:
        lines = 0
        offset = 0
        next_checkpoint = CHECKPOINT_BYTES
        pending: list[tuple[int, int]] = [(0, 0)]
        last_byte = b"\n"
        reported = time.monotonic()
        while not state.cancelled:
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                break
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
            lines += chunk.count(b"\n")
            offset += len(chunk)
            last_byte = chunk[-1:]
            if time.monotonic() - reported >= REPORT_SECONDS:
                state.emit(IndexProgress(pending, lines, offset))
                pending = []
                reported = time.monotonic()
    total = lines + (1 if last_byte != b"\n" else 0)
    final = IndexProgress(pending, total, offset, done=not state.cancelled)
    state.emit(final)
    return final


class LineReader:
    """Reads blocks of lines from one open stream, seeking through the checkpoints."""

    def __init__(self, stream: BinaryIO, index: LineIndex) -> None:
        self._raw = stream
        self._stream = io.BufferedReader(stream, READ_CHUNK) if not hasattr(
            stream, "peek") else stream  # type: ignore[arg-type]
        self._index = index

    def _seek_line(self, line: int) -> None:
        checkpoint_line, offset = self._index.locate(line)
        self._stream.seek(offset)
        for _ in range(line - checkpoint_line):
            if not self._stream.readline():
                break

    def read(self, first: int, count: int) -> list[str]:
        self._seek_line(first)
        lines = []
        for _ in range(count):
            raw = self._stream.readline()
            if not raw:
                break
            lines.append(decode_line(raw))
        return lines

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


def serve_blocks(state: TaskState, source: MemberSource, index: LineIndex,
                 requests: Any) -> None:
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


@dataclass(frozen=True)
class SearchQuery:
    text: str
    regex: bool = False
    match_case: bool = False

    def compile(self) -> re.Pattern[str]:
        """Raises ``re.error`` for a bad regular expression."""
        pattern = self.text if self.regex else re.escape(self.text)
        return re.compile(pattern, 0 if self.match_case else re.IGNORECASE)


def find_line(state: TaskState, source: MemberSource, index: LineIndex, query: SearchQuery,
              first: int, stop: int | None = None, last: bool = False) -> int | None:
    """The first (or ``last``) line in ``[first, stop)`` matching ``query``, or None.

    Emits the line reached (an int) now and then, for progress.
    """
    pattern = query.compile()
    with source.open() as stream:
        reader = LineReader(stream, index)
        reader._seek_line(first)
        buffered = reader._stream
        line = first
        found: int | None = None
        carry = b""
        reported = time.monotonic()
        while not state.cancelled and (stop is None or line < stop):
            chunk = buffered.read(READ_CHUNK)
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


# --- the model -----------------------------------------------------------------------------

LEVEL_COLOURS_LIGHT = {"error": QColor("#c62828"), "warning": QColor("#a15c00"),
                       "debug": QColor("#757575")}
LEVEL_COLOURS_DARK = {"error": QColor("#ff8a80"), "warning": QColor("#ffd180"),
                      "debug": QColor("#9e9e9e")}
EVIDENCE_LIGHT, EVIDENCE_DARK = QColor("#fff3b0"), QColor("#5c4b00")
MATCH_LIGHT, MATCH_DARK = QColor("#c8e6c9"), QColor("#1b5e20")


def is_dark() -> bool:
    palette = QApplication.palette()
    return palette.window().color().lightnessF() < 0.5


class LogModel(QAbstractTableModel):
    """Line number and text of every indexed line, read on demand in blocks.

    Signals:
        block_wanted(int): a block is needed; the viewer asks the loader for it.
    """

    block_wanted = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.line_index = LineIndex()
        self._cache: OrderedDict[int, list[str]] = OrderedDict()
        self._asked: set[int] = set()
        self.evidence: tuple[int, int] | None = None
        self.search: re.Pattern[str] | None = None

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.line_index.lines

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Line", "Text")[section] if 0 <= section < 2 else None
        return None

    def line_text(self, line: int) -> str | None:
        """The text of ``line`` if its block is cached; else asks for it and returns None."""
        block = line // BLOCK_LINES
        lines = self._cache.get(block)
        if lines is None:
            if block not in self._asked:
                self._asked.add(block)
                self.block_wanted.emit(block)
            return None
        self._cache.move_to_end(block)
        offset = line - block * BLOCK_LINES
        return lines[offset] if offset < len(lines) else None

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.line_index.lines:
            return None
        line = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return str(line + 1)
            text = self.line_text(line)
            return text if text is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            dark = is_dark()
            if self.evidence and self.evidence[0] <= line <= self.evidence[1]:
                return EVIDENCE_DARK if dark else EVIDENCE_LIGHT
            if self.search is not None and index.column() == 1:
                text = self.line_text(line)
                if text and self.search.search(text):
                    return MATCH_DARK if dark else MATCH_LIGHT
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            text = self.line_text(line)
            level = level_of(text) if text else None
            colours = LEVEL_COLOURS_DARK if is_dark() else LEVEL_COLOURS_LIGHT
            return colours.get(level) if level else None
        return None

    def add_block(self, block: int, lines: list[str]) -> None:
        self._asked.discard(block)
        self._cache[block] = lines
        while len(self._cache) > CACHE_BLOCKS:
            self._cache.popitem(last=False)
        first = block * BLOCK_LINES
        last = min(first + len(lines), self.line_index.lines) - 1
        if last >= first:
            self.dataChanged.emit(self.createIndex(first, 0), self.createIndex(last, 1))

    def grow(self, progress: IndexProgress) -> None:
        self.line_index.add(progress.checkpoints)
        old = self.line_index.lines
        if progress.lines > old:
            # The block holding the old last line may have been read short: read it again.
            if old:
                self._cache.pop((old - 1) // BLOCK_LINES, None)
            self.beginInsertRows(QModelIndex(), old, progress.lines - 1)
            self.line_index.lines = progress.lines
            self.endInsertRows()
        self.line_index.done = progress.done

    def refresh(self) -> None:
        if self.line_index.lines:
            self.dataChanged.emit(self.createIndex(0, 0),
                                  self.createIndex(self.line_index.lines - 1, 1))


# --- the widget ----------------------------------------------------------------------------


def monospace_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class TextViewer(QWidget):
    """A virtualized text and log viewer with go-to-line and search.

    Signals:
        status(str): a one-line message for the status bar.
        search_finished(object): the line found (0-based) or None.
    """

    status = Signal(str)
    search_finished = Signal(object)
    indexed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: MemberSource | None = None
        self.model = LogModel(self)
        self._tasks: list[Task] = []
        self._requests: Any = None
        self._pending_line: int | None = None
        self._pending_last = 0
        self._pending_offset: int | None = None
        self._search_task: Task | None = None

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.find_box = QLineEdit(placeholderText="Find in file (Enter: next, Shift+Enter: "
                                                  "previous)")
        self.find_box.setClearButtonEnabled(True)
        self.regex = QCheckBox("Regex")
        self.match_case = QCheckBox("Match case")
        self.previous_button = QToolButton(text="▲", toolTip="Find previous (Shift+F3)")
        self.next_button = QToolButton(text="▼", toolTip="Find next (F3)")
        self.go_to = QLineEdit(placeholderText="Line (Ctrl+G)")
        self.go_to.setMaximumWidth(110)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setFont(monospace_font())
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 2)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, self.table.fontMetrics().horizontalAdvance("0") * 10)
        self.line_detail = QPlainTextEdit(readOnly=True)
        self.line_detail.setFont(monospace_font())
        self.line_detail.setPlaceholderText("The selected lines, in full")

        bar = QHBoxLayout()
        for widget in (self.find_box, self.regex, self.match_case, self.previous_button,
                       self.next_button, self.go_to):
            bar.addWidget(widget)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.line_detail)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.info)

        self.model.block_wanted.connect(self._ask_block)
        self.find_box.returnPressed.connect(self._find_from_box)
        self.next_button.clicked.connect(lambda: self.find(backwards=False))
        self.previous_button.clicked.connect(lambda: self.find(backwards=True))
        self.go_to.returnPressed.connect(self._go_to_from_box)
        self.table.selectionModel().selectionChanged.connect(self._show_selected_lines)
        for keys, slot in ((QKeySequence.StandardKey.FindNext, lambda: self.find(False)),
                           (QKeySequence.StandardKey.FindPrevious, lambda: self.find(True)),
                           (QKeySequence("Ctrl+G"), self._focus_go_to)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- loading --------------------------------------------------------------------------

    def show_evidence(self, source: MemberSource, locator: Locator | None = None) -> None:
        if self.source is None or self.source != source:
            self.load(source)
        if isinstance(locator, LineLocator):
            self.go_to_line(locator.line - 1, (locator.end_line or locator.line) - 1)
        elif isinstance(locator, OffsetLocator):
            self._pending_offset = locator.offset
            self._ask_offset()

    def load(self, source: MemberSource) -> None:
        self.close_source()
        self.source = source
        self.model.beginResetModel()
        self.model.line_index = LineIndex()
        self.model._cache.clear()
        self.model._asked.clear()
        self.model.evidence = None
        self.model.endResetModel()
        self.line_detail.clear()
        self.title.setText(source.path)
        self._requests = queue.Queue()
        indexer = Task(index_lines, source, name="index", parent=self)
        indexer.partial.connect(self._on_index_progress)
        indexer.failed.connect(lambda message: self.info.setText(f"Cannot read: {message}"))
        loader = Task(serve_blocks, source, self.model.line_index, self._requests, name="lines",
                      parent=self)
        loader.partial.connect(self._on_block)
        loader.failed.connect(lambda message: self.info.setText(f"Cannot read: {message}"))
        self._tasks = [indexer.start(), loader.start()]

    def close_source(self) -> None:
        for task in [*self._tasks, *([self._search_task] if self._search_task else [])]:
            task.cancel()
        self._tasks = []
        self._search_task = None
        self.source = None

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Join background threads (shutdown, tests)."""
        for task in [*self._tasks, *([self._search_task] if self._search_task else [])]:
            task.cancel()
            task.wait(timeout)

    def _ask_block(self, block: int) -> None:
        if self._requests is not None:
            self._requests.put(block)

    def _ask_offset(self) -> None:
        if self._pending_offset is not None and self._requests is not None and (
                self.model.line_index.done or (self.model.line_index.offsets
                and self.model.line_index.offsets[-1] > self._pending_offset)):
            self._requests.put(("offset", self._pending_offset))
            self._pending_offset = None

    def _on_index_progress(self, progress: IndexProgress) -> None:
        self.model.grow(progress)
        state = "" if progress.done else "indexing… "
        self.info.setText(f"{state}{progress.lines:,} lines, {progress.bytes_read:,} bytes")
        if self._pending_line is not None and (progress.done
                                               or progress.lines > self._pending_line):
            self._apply_go_to()
        self._ask_offset()
        if progress.done:
            self.indexed.emit(progress.lines)

    def _on_block(self, item: tuple) -> None:
        if item[0] == "offset":
            self.go_to_line(item[2])
            return
        block, lines = item
        self.model.add_block(block, lines)
        self._show_selected_lines()

    # -- navigation -----------------------------------------------------------------------

    def go_to_line(self, first: int, last: int | None = None) -> None:
        """Select lines ``first..last`` (0-based), centre them, and mark them as evidence."""
        self._pending_line = first
        self._pending_last = last if last is not None else first
        self.model.evidence = (first, self._pending_last) if last is not None else None
        if first < self.model.line_index.lines or self.model.line_index.done:
            self._apply_go_to()

    def _apply_go_to(self) -> None:
        first = min(self._pending_line or 0, max(0, self.model.line_index.lines - 1))
        last = min(self._pending_last, max(0, self.model.line_index.lines - 1))
        self._pending_line = None
        if not self.model.line_index.lines:
            return
        selection = self.table.selectionModel()
        top = self.model.index(first, 0)
        selection.select(
            QItemSelection(top, self.model.index(last, 1)),
            selection.SelectionFlag.ClearAndSelect)
        selection.setCurrentIndex(top, selection.SelectionFlag.NoUpdate)
        self.table.scrollTo(top, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.model.refresh()

    def current_line(self) -> int:
        current = self.table.currentIndex()
        return current.row() if current.isValid() else -1

    def _focus_go_to(self) -> None:
        self.go_to.setFocus()
        self.go_to.selectAll()

    def _go_to_from_box(self) -> None:
        text = self.go_to.text().replace(",", "").strip()
        if text.isdigit() and int(text) > 0:
            self.go_to_line(int(text) - 1)
            self.table.setFocus()
        else:
            self.status.emit(f"Not a line number: {text[:40]}")

    def _show_selected_lines(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        texts = [self.model.line_text(row) for row in rows[:200]]
        if texts and all(text is not None for text in texts):
            body = "\n".join(t for t in texts if t is not None)
            if any(len(t or "") >= MAX_LINE_CHARS for t in texts):
                body += f"\n[line cut at {MAX_LINE_CHARS:,} characters]"
            if self.line_detail.toPlainText() != body:
                self.line_detail.setPlainText(body)

    # -- search ---------------------------------------------------------------------------

    def _find_from_box(self) -> None:
        backwards = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.find(backwards)

    def find(self, backwards: bool = False) -> None:
        """Search from the current line for the find box's text, wrapping at the ends."""
        if self.source is None or not self.find_box.text():
            return
        query = SearchQuery(self.find_box.text(), self.regex.isChecked(),
                            self.match_case.isChecked())
        try:
            self.model.search = query.compile()
        except re.error as exc:
            self.status.emit(f"Invalid regular expression: {exc}")
            self.info.setText(f"Invalid regular expression: {exc}")
            return
        if self._search_task is not None:
            self._search_task.cancel()
        task = Task(_search_with_wrap, self.source, self.model.line_index, query,
                    self.current_line(), backwards, name="search", parent=self)
        task.partial.connect(lambda line: self.info.setText(f"searching… line {line + 1:,}"))
        task.finished.connect(self._on_found)
        task.failed.connect(lambda message: self.info.setText(f"Search failed: {message}"))
        self._search_task = task.start()
        self.model.refresh()

    def _on_found(self, line: int | None) -> None:
        if self.sender() is not self._search_task:
            return  # a search the user has since replaced
        self._search_task = None
        if line is None:
            self.info.setText(f"Not found: {self.find_box.text()[:80]}")
        else:
            self.info.setText(f"Found on line {line + 1:,}")
            self.go_to_line(line)
        self.search_finished.emit(line)


def _search_with_wrap(state: TaskState, source: MemberSource, index: LineIndex,
                      query: SearchQuery, current: int, backwards: bool) -> int | None:
    if backwards:
        found = find_line(state, source, index, query, 0, max(current, 0), last=True)
        if found is None and not state.cancelled:
            found = find_line(state, source, index, query, max(current, 0), None, last=True)
        return found
    found = find_line(state, source, index, query, current + 1)
    if found is None and not state.cancelled and current >= 0:
        found = find_line(state, source, index, query, 0, current + 1)
    return found

