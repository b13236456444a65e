"""Threads: a JVM thread dump's threads grouped by stack, opened at the thread a finding
names.

The dumps of the file, each dump's groups and each thread's lines are
``inspector.views.threads``'s, read off the GUI thread: the file's dumps are listed first
(a ``kill -3`` log may hold thousands), then the dump shown is read on its own. A line
locator (every thread-dump finding's evidence) picks the dump and the thread holding that
line; the group opens and the thread's stack shows below, its lock lines in place.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QTreeWidget, QTreeWidgetItem

from inspector.model import LineLocator, Locator
from inspector.views.source import MemberSource
from inspector.views.threads import (
    DumpDetail,
    DumpEntry,
    DumpIndex,
    dump_at,
    index_dumps,
    load_dump,
)
from ui.viewers.base import MemberViewer, monospace_font, vertical_split, viewer_layout

_THREAD_ROLE = Qt.ItemDataRole.UserRole + 1


class ThreadDumpViewer(MemberViewer):
    """Dumps in a list, the shown dump's threads grouped by stack, the selected thread's
    lines (see the module doc).

    Signals:
        loaded(int): the file's dumps are listed (the count).
        dump_shown(int): a dump's threads are shown (its number).
    """

    loaded = Signal(int)
    dump_shown = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.index: DumpIndex | None = None
        self.detail: DumpDetail | None = None
        self.pending_line: int | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.dumps = QComboBox()
        self.dumps.currentIndexChanged.connect(self._on_dump_chosen)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Threads", "Stack", "Line"])
        self.tree.setColumnWidth(0, 90)
        self.tree.setColumnWidth(1, 620)
        self.tree.currentItemChanged.connect(self._on_selected)
        self.stack = QPlainTextEdit(readOnly=True)
        self.stack.setFont(monospace_font())
        self.stack.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.stack.setPlaceholderText("Select a group or a thread to see its stack")
        viewer_layout(self, self.title, self.dumps,
                      body=vertical_split(self.tree, self.stack, (3, 2)))

    # -- loading ---------------------------------------------------------------------------

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.title.setText(f"{source.path} · reading…")
        self.run(index_dumps, source, name="thread-dumps", finished=self._on_index,
                 failed=self._on_failed)

    def clear_view(self) -> None:
        self.index, self.detail, self.pending_line = None, None, None
        self.dumps.blockSignals(True)
        self.dumps.clear()
        self.dumps.blockSignals(False)
        self.tree.clear()
        self.stack.clear()
        self.title.clear()

    def locate(self, locator: Locator | None) -> None:
        if isinstance(locator, LineLocator):
            self.pending_line = locator.line
        if self.index is not None:
            self._show_pending()

    def row_count(self) -> int:
        return self.dumps.count()

    def select_number(self, number: int) -> None:
        self.dumps.setCurrentIndex(number - 1)

    def _on_failed(self, message: str) -> None:
        self.title.setText(f"{self.source.path if self.source else ''} · cannot read: {message}")
        self.status.emit(f"Cannot read the thread dump: {message}")

    def _on_index(self, index: DumpIndex) -> None:
        self.index = index
        self.dumps.blockSignals(True)
        self.dumps.addItems([entry.label for entry in index.dumps])
        self.dumps.blockSignals(False)
        text = f"{self.source.path if self.source else ''} · {len(index.dumps):,} dump(s)"
        if index.more:
            text += f", {index.more:,} more not listed"
        if index.error:
            text += f" · reading stopped early: {index.error}"
        self.title.setText(text)
        self.finish_loading()
        self.loaded.emit(len(index.dumps))
        if not index.dumps:
            self.status.emit("No thread dump in this member")
            return
        if self.pending_line is None or not self._show_pending():
            self._show_dump(index.dumps[0])

    def _show_pending(self) -> bool:
        """Open the dump and the thread ``pending_line`` names; False when it names none."""
        assert self.index is not None
        line, self.pending_line = self.pending_line, None
        entry = dump_at(self.index.dumps, line) if line is not None else None
        if entry is None:
            if line is not None:
                self.status.emit(f"Line {line} is in no thread dump of this member")
            return False
        if self.detail is not None and self.detail.dump == entry:
            self._select_line(line)
        else:
            self._show_dump(entry, line)
        return True

    def _on_dump_chosen(self, position: int) -> None:
        if self.index is not None and 0 <= position < len(self.index.dumps):
            self._show_dump(self.index.dumps[position])

    def _show_dump(self, entry: DumpEntry, line: int | None = None) -> None:
        if self.source is None:
            return
        self.dumps.blockSignals(True)
        self.dumps.setCurrentIndex(entry.number - 1)
        self.dumps.blockSignals(False)
        self.run(load_dump, self.source, entry, name="thread-dump",
                 finished=lambda detail: self._on_dump(detail, line), failed=self._on_failed)

    def _on_dump(self, detail: DumpDetail, line: int | None) -> None:
        if self.index is None or self.dumps.currentIndex() != detail.dump.number - 1:
            return  # another dump was chosen meanwhile
        self.detail = detail
        self.tree.clear()
        self.stack.clear()
        for group in detail.groups:
            item = QTreeWidgetItem([f"{len(group.threads)}", group.title,
                                    str(group.threads[0].line)])
            item.setData(0, _THREAD_ROLE, group.threads[0])
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight)
            for thread in group.threads:
                name = f"{thread.name} · {thread.note}" if thread.note else thread.name
                child = QTreeWidgetItem(["", name, str(thread.line)])
                child.setData(0, _THREAD_ROLE, thread)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.dump_shown.emit(detail.dump.number)
        if line is not None:
            self._select_line(line)

    def _select_line(self, line: int) -> None:
        assert self.detail is not None
        found = self.detail.thread_at(line)
        if found is None:
            self.status.emit(f"Line {line} is in dump {self.detail.dump.number}, outside its "
                             "threads (a deadlock report or the heap)")
            return
        group = self.tree.topLevelItem(found[0])
        group.setExpanded(True)
        self.tree.setCurrentItem(group.child(found[1]))
        self.tree.scrollToItem(self.tree.currentItem())

    def _on_selected(self, current: QTreeWidgetItem | None, _previous=None) -> None:
        thread = current.data(0, _THREAD_ROLE) if current is not None else None
        self.stack.setPlainText(thread.text if thread is not None else "")
