"""The log and text viewer: any size of file, never loaded whole, never blocking.

The Qt-free machinery (index, block reads, search, folds) is ``inspector.views.lines``; this
module is its model and widget:

- ``LogModel`` shows blocks of ``BLOCK_LINES`` lines from a small LRU cache; a block not in
  the cache is asked of a loader thread and the rows fill in when it arrives. Memory is
  the cache, not the file. Its rows are the lines minus the continuation lines of collapsed
  folds (``Folds``); a fold's first line carries a ▸/▾ marker in the line-number column.
- ``TextViewer`` indexes and searches in a child process (``ui.viewers.child.in_child``,
  through a ``ui.worker.Task`` thread that only waits on it), so neither a 1 GB scan nor a
  catastrophic user regex can hold the GIL the GUI needs, and Cancel (Esc, or a new search)
  kills a runaway search at once. Views are updated, never reset, on a search or a jump.
  Matches on screen are highlighted for plain-text searches only: that matching runs on the
  GUI thread, where a user's regex must never run.

Folding (as in an IDE): click a ▸/▾ marker or press Ctrl+Shift+[ / Ctrl+Shift+] to fold or
unfold the trace at the cursor; Ctrl+Alt+[ / Ctrl+Alt+] fold or unfold every trace found
so far. A search hit or evidence inside a folded trace unfolds it.

Lines are shown as plain text; very long lines are cut at ``MAX_LINE_CHARS`` in the cache
(the detail pane says so). Level colours and the evidence and match highlights are the
palette's (``ui.theme``: ``level`` and ``highlight``, light or dark).
"""

from __future__ import annotations

import queue
import re
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QToolButton,
    QWidget,
)

from inspector.model import Evidence, LineLocator, Locator, OffsetLocator
from inspector.views.lines import (
    BLOCK_LINES,
    MAX_LINE_CHARS,
    Folds,
    IndexProgress,
    LineIndex,
    SearchQuery,
    index_lines,
    search_with_wrap,
    serve_blocks,
)
from inspector.views.source import MemberSource
from ui.theme import colour, level_colour
from ui.viewers.base import (
    MemberViewer,
    calm_table,
    monospace_font,
    status_label,
    vertical_split,
    viewer_layout,
)
from ui.viewers.child import in_child
from ui.worker import Task

CACHE_BLOCKS = 64  # 32,768 lines at most in memory
DETAIL_LINES = 200  # the detail pane shows at most this many selected lines

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


# --- the model -----------------------------------------------------------------------------

FOLDED, UNFOLDED = "▸", "▾"

class LogModel(QAbstractTableModel):
    """Line number and text of every indexed line, read on demand in blocks.

    Rows are lines, except that a collapsed fold shows only its first line: ``line_of`` and
    ``row_of`` translate.

    Signals:
        block_wanted(int): a block is needed; the viewer asks the loader for it.
    """

    block_wanted = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.line_index = LineIndex()
        self.folds = Folds()
        self._cache: OrderedDict[int, list[str]] = OrderedDict()
        self._asked: set[int] = set()
        self.evidence: tuple[int, int] | None = None
        self.search: re.Pattern[str] | None = None
        # The folds whose marker shows folded: it changes after the rows do, with its own
        # dataChanged, so the row above inserted or removed rows never changes under a view.
        self._markers_folded: set[int] = set()

    def clear(self) -> None:
        self.beginResetModel()
        self.line_index = LineIndex()
        self.folds = Folds()
        self._markers_folded = set()
        self._cache.clear()
        self._asked.clear()
        self.evidence = None
        self.endResetModel()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.line_index.lines - self.folds.hidden

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Line", "Text")[section] if 0 <= section < 2 else None
        return None

    def line_of(self, row: int) -> int:
        return self.folds.line_of(row)

    def row_of(self, line: int) -> int:
        return self.folds.row_of(line)

    def fold_headed_by(self, line: int) -> int | None:
        """The fold whose first line is ``line``, or None."""
        fold = self.folds.at(line)
        return fold if fold is not None and self.folds.headers[fold] == line else None

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
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        line = self.line_of(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                fold = self.fold_headed_by(line)
                if fold is None:
                    return str(line + 1)
                marker = FOLDED if fold in self._markers_folded else UNFOLDED
                return f"{marker} {line + 1}"
            text = self.line_text(line)
            return text if text is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            fold = self.fold_headed_by(line)
            if fold is not None:
                state = "folded" if fold in self.folds.collapsed else "shown"
                return (f"{self.folds.size(fold):,} continuation lines {state}; click to "
                        "fold or unfold")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.evidence and self.evidence[0] <= line <= self.evidence[1]:
                return colour("highlight.evidence")
            if self.search is not None and index.column() == 1:
                text = self.line_text(line)
                if text and self.search.search(text):
                    return colour("highlight.match")
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            text = self.line_text(line)
            level = level_of(text) if text else None
            return level_colour(level) if level else None
        return None

    def add_block(self, block: int, lines: list[str]) -> None:
        self._asked.discard(block)
        self._cache[block] = lines
        while len(self._cache) > CACHE_BLOCKS:
            self._cache.popitem(last=False)
        first = block * BLOCK_LINES
        last = min(first + len(lines), self.line_index.lines) - 1
        if last >= first:
            # Text, level colour and search highlight all come from the block's text.
            self.dataChanged.emit(self.createIndex(self.row_of(first), 0),
                                  self.createIndex(self.row_of(last), 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                                   Qt.ItemDataRole.BackgroundRole])

    def grow(self, progress: IndexProgress) -> None:
        """Take an index report: more lines (appended rows) and more folds (shown unfolded)."""
        self.line_index.add(progress.checkpoints)
        old = self.line_index.lines
        if progress.lines > old:
            # The block holding the old last line may have been read short: read it again.
            if old:
                self._cache.pop((old - 1) // BLOCK_LINES, None)
                self._asked.discard((old - 1) // BLOCK_LINES)
            rows = self.rowCount()
            self.beginInsertRows(QModelIndex(), rows, rows + progress.lines - old - 1)
            self.line_index.lines = progress.lines
            self.endInsertRows()
        self.line_index.done = progress.done
        if progress.folds:
            # One ranged signal for every fold this report added (a report can carry
            # thousands): their markers changed, nothing else.
            rows = [self.row_of(self.folds.headers[fold])
                    for fold in self.folds.add(progress.folds)]
            if rows:
                self._markers_changed(min(rows), max(rows))

    def set_folded(self, fold: int, folded: bool) -> None:
        """Fold or unfold one fold, removing or inserting its continuation rows."""
        if (fold in self.folds.collapsed) == folded:
            return
        row = self.row_of(self.folds.headers[fold])
        size = self.folds.size(fold)
        if folded:
            self.beginRemoveRows(QModelIndex(), row + 1, row + size)
            self.folds.set_collapsed(fold, True)
            self.endRemoveRows()
        else:
            self.beginInsertRows(QModelIndex(), row + 1, row + size)
            self.folds.set_collapsed(fold, False)
            self.endInsertRows()
        self._markers_folded = set(self.folds.collapsed)
        self._markers_changed(row, row)

    def _markers_changed(self, first_row: int, last_row: int) -> None:
        """The fold markers (line-number column) of rows ``first_row..last_row`` changed."""
        self.dataChanged.emit(self.createIndex(first_row, 0), self.createIndex(last_row, 0),
                              [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole])

    def set_all_folded(self, folded: bool) -> None:
        self.beginResetModel()
        self.folds.set_all(folded)
        self._markers_folded = set(self.folds.collapsed)
        self.endResetModel()


# --- the widget ----------------------------------------------------------------------------


class TextViewer(MemberViewer):
    """A virtualized text and log viewer with go-to-line, search and folding.

    Signals:
        search_finished(object): the line found (0-based) or None.
        indexed(int): the whole member is indexed (its line count).
        signature_requested(str): the user asked for a signature from this line's text.
    """

    search_finished = Signal(object)
    indexed = Signal(int)
    signature_requested = Signal(str)
    evidence_chosen = Signal(object)
    EMPTY = ("No log or text file is open.\n\nSelect a finding and press F4 to open its "
             "evidence, or double-click a member in the Bundle tree.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LogModel(self)
        self._requests: Any = None
        self._pending_line: int | None = None
        self._pending_last = 0
        self._pending_offset: int | None = None
        self._search_task: Task | None = None

        self.title = status_label()
        self.find_box = QLineEdit(placeholderText="Find in file (Enter: next, Shift+Enter: "
                                                  "previous, Esc: stop)")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setMinimumWidth(90)
        self.regex = QCheckBox(".*")
        self.regex.setToolTip("Regular expression (run in a separate process; Esc stops it)")
        self.match_case = QCheckBox("Aa")
        self.match_case.setToolTip("Match case")
        self.previous_button = QToolButton(text="▲", toolTip="Find previous (Shift+F3)")
        self.next_button = QToolButton(text="▼", toolTip="Find next (F3)")
        self.fold_all_button = QToolButton(text=FOLDED,
                                           toolTip="Fold every stack trace (Ctrl+Alt+[)")
        self.unfold_all_button = QToolButton(text=UNFOLDED,
                                             toolTip="Unfold every stack trace (Ctrl+Alt+])")
        self.go_to = QLineEdit(placeholderText="Line (Ctrl+G)")
        self.go_to.setMaximumWidth(100)
        self.go_to.setMinimumWidth(60)
        self.info = status_label()

        self.table = QTableView()
        self.table.setModel(self.model)
        calm_table(self.table)
        self.table.setFont(monospace_font())
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.verticalHeader().hide()
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 2)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, self.table.fontMetrics().horizontalAdvance("0") * 12)
        self.line_detail = QPlainTextEdit(readOnly=True)
        self.line_detail.setFont(monospace_font())
        self.line_detail.setPlaceholderText("The selected lines, in full")

        bar = QHBoxLayout()
        for widget in (self.find_box, self.regex, self.match_case, self.previous_button,
                       self.next_button, self.fold_all_button, self.unfold_all_button,
                       self.go_to):
            bar.addWidget(widget)
        viewer_layout(self, self.title, bar,
                      body=vertical_split(self.table, self.line_detail, (5, 1)), footer=self.info)

        self.model.block_wanted.connect(self._ask_block)
        self.find_box.returnPressed.connect(self._find_from_box)
        self.next_button.clicked.connect(lambda: self.find(backwards=False))
        self.previous_button.clicked.connect(lambda: self.find(backwards=True))
        self.fold_all_button.clicked.connect(lambda: self.fold_all(True))
        self.unfold_all_button.clicked.connect(lambda: self.fold_all(False))
        self.go_to.returnPressed.connect(self._go_to_from_box)
        self.table.clicked.connect(self._on_clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._show_selected_lines)
        for keys, slot in ((QKeySequence.StandardKey.FindNext, lambda: self.find(False)),
                           (QKeySequence.StandardKey.FindPrevious, lambda: self.find(True)),
                           (QKeySequence("Ctrl+G"), self._focus_go_to),
                           (QKeySequence("Escape"), self.stop_search),
                           (QKeySequence("Ctrl+Shift+["), lambda: self.fold_current(True)),
                           (QKeySequence("Ctrl+Shift+]"), lambda: self.fold_current(False)),
                           (QKeySequence("Ctrl+Alt+["), lambda: self.fold_all(True)),
                           (QKeySequence("Ctrl+Alt+]"), lambda: self.fold_all(False))):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- loading --------------------------------------------------------------------------

    def locate(self, locator: Locator | None) -> None:
        if isinstance(locator, LineLocator):
            self.go_to_line(locator.line - 1, (locator.end_line or locator.line) - 1)
        elif isinstance(locator, OffsetLocator):
            self._pending_offset = locator.offset
            self._ask_offset()

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.model.clear()
        self.line_detail.clear()
        self.title.setText(source.path)
        self._requests = queue.Queue()
        self.run(in_child, index_lines, source, name="index", partial=self._on_index_progress,
                 failed=lambda message: self.info.setText(f"Cannot read: {message}"))
        self.run(serve_blocks, source, self.model.line_index, self._requests, name="lines",
                 partial=self._on_block,
                 failed=lambda message: self.info.setText(f"Cannot read: {message}"))

    def close_source(self) -> None:
        super().close_source()
        self._search_task = None

    def clear_view(self) -> None:
        self.model.clear()
        self.model.search = None
        self._requests = None
        self._pending_line = None
        self._pending_offset = None
        self.line_detail.clear()
        self.title.clear()
        self.info.clear()
        for box in (self.find_box, self.go_to):
            box.clear()
        self.regex.setChecked(False)
        self.match_case.setChecked(False)

    def selected_evidence(self) -> list[Evidence]:
        """The selected lines as one piece of evidence (a range), with their first line."""
        lines = self.selected_lines()
        if self.source is None or not lines:
            return []
        excerpt = next((text for text in (self.model.line_text(line) for line in lines)
                        if text and text.strip()), "")
        return [Evidence(self.source.path, LineLocator(lines[0] + 1, lines[-1] + 1),
                         excerpt or "")]

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
        folds = len(self.model.folds)
        traces = f", {folds:,} multi-line records (Ctrl+Alt+[ folds them)" if folds else ""
        self.info.setText(f"{state}{progress.lines:,} lines, {progress.bytes_read:,} bytes"
                          f"{traces}")
        if progress.done and progress.lines == 0 and self.source is not None:
            self.show_placeholder(f"{self.source.path} is empty: it holds no byte to show.")
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
        lines = self.model.line_index.lines
        first = min(self._pending_line or 0, max(0, lines - 1))
        last = min(self._pending_last, max(0, lines - 1))
        self._pending_line = None
        if not lines:
            return
        for line in (first, last):  # what is asked for is never hidden in a fold
            fold = self.model.folds.at(line)
            if fold is not None and line != self.model.folds.headers[fold]:
                self.model.set_folded(fold, False)
        selection = self.table.selectionModel()
        top = self.model.index(self.model.row_of(first), 0)
        selection.select(
            QItemSelection(top, self.model.index(self.model.row_of(last), 1)),
            selection.SelectionFlag.ClearAndSelect)
        selection.setCurrentIndex(top, selection.SelectionFlag.NoUpdate)
        self.table.scrollTo(top, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.table.viewport().update()

    def current_line(self) -> int:
        current = self.table.currentIndex()
        return self.model.line_of(current.row()) if current.isValid() else -1

    def selected_lines(self) -> list[int]:
        """The selected lines, a folded record's continuation lines included."""
        lines: list[int] = []
        for row in sorted({index.row() for index in self.table.selectionModel().selectedRows()}):
            line = self.model.line_of(row)
            fold = self.model.fold_headed_by(line)
            last = (self.model.folds.lasts[fold] if fold is not None
                    and fold in self.model.folds.collapsed else line)
            lines.extend(range(line, last + 1))
            if len(lines) >= DETAIL_LINES:
                return lines[:DETAIL_LINES]
        return lines

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
        texts = [self.model.line_text(line) for line in self.selected_lines()]
        if texts and all(text is not None for text in texts):
            body = "\n".join(t for t in texts if t is not None)
            if any(len(t or "") >= MAX_LINE_CHARS for t in texts):
                body += f"\n[line cut at {MAX_LINE_CHARS:,} characters]"
            if self.line_detail.toPlainText() != body:
                self.line_detail.setPlainText(body)

    # -- folding --------------------------------------------------------------------------

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == 0:
            fold = self.model.fold_headed_by(self.model.line_of(index.row()))
            if fold is not None:
                self.model.set_folded(fold, fold not in self.model.folds.collapsed)

    def fold_current(self, folded: bool) -> None:
        """Fold or unfold the multi-line record holding the current line."""
        line = self.current_line()
        fold = self.model.folds.at(line) if line >= 0 else None
        if fold is None:
            self.status.emit("The current line is not part of a multi-line record")
            return
        self.model.set_folded(fold, folded)
        self._select_line(self.model.folds.headers[fold])

    def fold_all(self, folded: bool) -> None:
        """Fold or unfold every multi-line record found so far, keeping the current line."""
        line = self.current_line()
        self.model.set_all_folded(folded)
        if line >= 0:
            self._select_line(line)
        count = len(self.model.folds)
        self.status.emit(f"{'Folded' if folded else 'Unfolded'} {count:,} multi-line records")

    def _select_line(self, line: int) -> None:
        row = self.model.row_of(line)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        text = self.selected_text()
        cite = menu.addAction("Add to report")
        cite.triggered.connect(lambda: [self.evidence_chosen.emit(evidence)
                                        for evidence in self.selected_evidence()])
        create = menu.addAction("Create signature from this line…")
        create.setEnabled(text is not None)
        create.triggered.connect(lambda: self.signature_requested.emit(text or ""))
        menu.addSeparator()
        line = self.current_line()
        fold = self.model.folds.at(line) if line >= 0 else None
        if fold is not None:
            folded = fold in self.model.folds.collapsed
            menu.addAction("Unfold this record" if folded else "Fold this record",
                           lambda: self.fold_current(not folded))
        menu.addAction("Fold all multi-line records", lambda: self.fold_all(True))
        menu.addAction("Unfold all", lambda: self.fold_all(False))
        menu.popup(self.table.viewport().mapToGlobal(position))

    def selected_text(self) -> str | None:
        """The first non-blank selected line (what a signature is drafted from), if read."""
        for line in self.selected_lines():
            text = self.model.line_text(line)
            if text and text.strip():
                return text
        return None

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
            pattern = query.compile()
        except re.error as exc:
            self.status.emit(f"Invalid regular expression: {exc}")
            self.info.setText(f"Invalid regular expression: {exc}")
            return
        # Visible matches are highlighted on the GUI thread, so only for plain text: a
        # user's regex may backtrack for hours, and only the child process may run it.
        self.model.search = None if query.regex else pattern
        if self._search_task is not None:
            self._search_task.cancel()
        self._search_task = self.run(
            in_child, search_with_wrap, self.source, self.model.line_index, query,
            self.current_line(), backwards, name="search",
            partial=lambda line: self.info.setText(f"searching… line {line + 1:,} (Esc stops)"),
            finished=self._on_found,
            failed=lambda message: self.info.setText(f"Search failed: {message}"))
        self.table.viewport().update()

    def stop_search(self) -> None:
        """Stop a running search (its process is killed, whatever its regex is doing)."""
        if self._search_task is not None:
            self._search_task.cancel()
            self._search_task = None
            self.info.setText("Search stopped")

    def _on_found(self, line: int | None) -> None:
        if self.sender() is not self._search_task:
            return  # a search the user has since replaced or stopped
        self._search_task = None
        if line is None:
            self.info.setText(f"Not found: {self.find_box.text()[:80]}")
        else:
            self.info.setText(f"Found on line {line + 1:,}")
            self.go_to_line(line)
        self.search_finished.emit(line)
