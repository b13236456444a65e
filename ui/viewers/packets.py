"""The packet list, as Wireshark's users expect it: a display filter that never freezes the
window, "Displayed N of M", the selected frame as a details tree beside its bytes,
Conversations and Follow stream.

The rows (``inspector.views.packets``) are read in batches off the GUI thread and shown as
they come. The display filter is Wireshark's language (``inspector.views.display_filter``;
its docstring lists what it does not support): typing checks the syntax at once (the box
turns green or red and says what is wrong), and the filter runs ``FILTER_DELAY_MS`` after
the last keystroke, or at once on Return, on a ``ui.worker.Task`` thread over the rows
already read; the table then shows the kept rows with one model reset
(``ui.viewers.packet_table``). Rows that arrive while a filter is set are filtered as they
come. Sorting by a column also runs in the background. The selected packet stays selected
across filters when it is still shown.

The selected frame is read again from the capture and decoded into a tree
(``inspector.views.packet_tree``) shown with its bytes (``ui.viewers.packet_detail``).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QWidget,
)

from inspector.model import Evidence, PacketLocator
from inspector.views.conversations import conversations, follow_packet, follow_stream
from inspector.views.display_filter import DisplayFilter, FilterError, compile_filter, run_filter
from inspector.views.packet_fields import FIELDS
from inspector.views.packet_tree import FrameCache, PacketDetail, packet_detail
from inspector.views.packets import MAX_ROWS, LoadResult, PacketRow, load_packets
from inspector.views.source import MemberSource
from ui import theme
from ui.models import ROW_ROLE
from ui.viewers.base import (
    MemberViewer,
    calm_table,
    plain_label,
    status_label,
    vertical_split,
    viewer_layout,
)
from ui.viewers.conversations import ConversationsView, FollowView
from ui.viewers.packet_detail import PacketDetailView
from ui.viewers.packet_table import PacketTableModel, sort_order
from ui.worker import Task

FILTER_DELAY_MS = 250


def shown_rows(state: Any, rows: Sequence[PacketRow], display: DisplayFilter | None,
               source: MemberSource | None, sort: tuple[int, bool] | None) -> array | None:
    """The rows to show (indexes into ``rows``): filtered, then sorted; None if cancelled."""
    kept = run_filter(state, rows, display, source)
    if state.cancelled:
        return None
    if sort is None or sort == (0, False):
        return kept
    return sort_order(state, rows, kept, *sort)


class PacketViewer(MemberViewer):
    """Packet list, display filter, details tree and bytes (see the module doc).

    Attributes:
        display: the display filter applied, or None.

    Signals:
        loaded(int): every frame is listed (the count).
        details_shown(int): the selected frame's tree is shown (its number).
        filtered(int, int): a filter (or sort) was applied: rows shown, rows read.
        evidence_chosen(object): the user asked to add this ``Evidence`` to the report.
    """

    loaded = Signal(int)
    details_shown = Signal(int)
    filtered = Signal(int, int)
    evidence_chosen = Signal(object)
    LOCATOR = PacketLocator
    ITEM, PLACE = "Packet", "the capture"
    EMPTY = ("No capture is open.\n\nSelect a finding whose evidence is a packet and press F4, "
             "or double-click a capture (.pcap, .pcapng) in the Bundle tree.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PacketTableModel(self)
        self.model.sort_requested.connect(self._sort)
        self.display: DisplayFilter | None = None
        self.sort: tuple[int, bool] | None = None
        self._shown_task: Task | None = None
        self._detail_task: Task | None = None
        self._frames = FrameCache()
        self._load: LoadResult | None = None

        self.title = status_label()
        self.filter_box = QLineEdit(placeholderText="Display filter, as in Wireshark: "
                                                    "tcp.port == 443 && tls (Ctrl+/)")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setCompleter(self._completer())
        self.filter_box.textChanged.connect(self._filter_edited)
        self.filter_box.returnPressed.connect(self.apply_filter)
        theme.style(self.filter_box)
        self.filter_error = plain_label(wrap=True)
        self.filter_error.setProperty("message", "error")
        theme.style(self.filter_error)
        self.filter_error.hide()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.conversations_button = QPushButton("Conversations")
        self.conversations_button.clicked.connect(self.show_conversations)
        self.follow_button = QPushButton("Follow stream")
        self.follow_button.clicked.connect(self.follow_selected)
        self.info = status_label()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.table.setWordWrap(False)
        calm_table(self.table)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((44, 86, 96, 96, 58, 44)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.detail = PacketDetailView()
        focus = QShortcut(QKeySequence("Ctrl+/"), self)
        focus.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus.activated.connect(self.focus_filter)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.conversations_button)
        bar.addWidget(self.follow_button)
        viewer_layout(self, self.title, bar, self.filter_error,
                      body=vertical_split(self.table, self.detail, (3, 2)), footer=self.info)

    @staticmethod
    def _completer() -> QCompleter:
        completer = QCompleter(QStringListModel(sorted(FIELDS)))
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        return completer

    # -- loading ----------------------------------------------------------------------------

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.model.reset()
        self.detail.clear()
        self._frames = FrameCache()
        self._load = None
        self.title.setText(source.path)
        self.info.setText("reading…")
        if self.display is not None:
            self.model.set_shown(array("i"))
        self.run(load_packets, source, name="packets", partial=self._on_rows,
                 finished=self._on_loaded, failed=self._on_failed)

    def clear_view(self) -> None:
        self.model.reset()
        self.detail.clear()
        self.title.clear()
        self.info.clear()
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        self.filter_box.blockSignals(False)
        self._set_filter_state(None)
        self.display = None
        self.sort = None
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)

    def row_count(self) -> int:
        return len(self.model.rows)

    def _on_rows(self, rows: list[PacketRow]) -> None:
        display = self.display
        if display is not None and not display.needs_frame and self.model.shown is not None:
            first = len(self.model.rows)
            kept = array("i", (first + i for i, row in enumerate(rows)
                               if display.matches(row, None)))
            self.model.append(rows, kept)
        else:
            self.model.append(rows)
        self._show_counts()
        self.select_pending()

    def _on_failed(self, message: str) -> None:
        self.info.setText(f"Cannot read: {message}")
        self.show_placeholder(f"{self.source.path if self.source else 'The capture'} cannot "
                              f"be read: {message}")

    def _on_loaded(self, result: LoadResult) -> None:
        self._load = result
        if result.frames == 0:
            why = result.error or "the capture holds no frame"
            self.show_placeholder(f"No packet could be read from "
                                  f"{self.source.path if self.source else 'the capture'}: "
                                  f"{why}.")
        self._show_counts()
        if self.display is not None and (self.display.needs_frame or self.sort is not None):
            self.apply_filter()
        self.finish_loading()
        self.loaded.emit(result.frames)

    def _show_counts(self) -> None:
        total = len(self.model.rows)
        shown = self.model.rowCount()
        text = (f"Displayed {shown:,} of {total:,} packets ({shown / total:.1%})"
                if self.display is not None and total else f"{total:,} packets")
        result = self._load
        if result is None:
            text += " · reading…"
        else:
            if result.truncated:
                text += f" · the list stops at {MAX_ROWS:,}"
            if result.error:
                text += f" · reading stopped at a bad record: {result.error}"
        self.info.setText(text)

    # -- the display filter ----------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def set_filter(self, text: str) -> None:
        """Type ``text`` in the filter box and apply it at once."""
        self.filter_box.setText(text)
        self.apply_filter()

    def _filter_edited(self, text: str) -> None:
        if not text.strip():
            self._set_filter_state(None)
        else:
            try:
                compile_filter(text)
            except FilterError as exc:
                self._set_filter_state(str(exc))
            else:
                self._set_filter_state("")
        self._debounce.start()

    def _set_filter_state(self, error: str | None) -> None:
        """None: empty box; "": a valid filter; else what is wrong with it."""
        state = "" if error is None else ("valid" if not error else "invalid")
        self.filter_box.setProperty("filter", state)
        self.filter_box.style().unpolish(self.filter_box)
        self.filter_box.style().polish(self.filter_box)
        self.filter_error.setText(error or "")
        self.filter_error.setVisible(bool(error))

    def apply_filter(self) -> None:
        """Run the filter in the box over the rows read (off the GUI thread)."""
        self._debounce.stop()
        text = self.filter_box.text().strip()
        try:
            display = compile_filter(text) if text else None
        except FilterError as exc:
            self._set_filter_state(str(exc))
            self.status.emit(f"Display filter: {exc}")
            return
        self.display = display
        self._start_shown()

    def _sort(self, column: int, descending: bool) -> None:
        self.sort = (column, descending)
        self._start_shown()

    def _start_shown(self) -> None:
        if self._shown_task is not None:
            self._shown_task.cancel()
        if self.display is None and self.sort in (None, (0, False)):
            self._shown_task = None
            self._apply_shown(None)
            return
        self.info.setText(f"Filtering {len(self.model.rows):,} packets…")
        self._shown_task = self.run(shown_rows, list(self.model.rows), self.display,
                                    self.source, self.sort, name="packet-filter",
                                    finished=self._on_shown,
                                    failed=lambda message: self.status.emit(
                                        f"Display filter failed: {message}"))

    def _on_shown(self, shown: array | None) -> None:
        if self.sender() is not self._shown_task or shown is None:
            return  # a filter or sort the user has since replaced
        self._shown_task = None
        self._apply_shown(shown)

    def _apply_shown(self, shown: array | None) -> None:
        current = self.current_row()
        self.model.set_shown(shown)
        if current is not None:
            position = self.model.position_of(current.number)
            if position is not None:
                self.table.selectRow(position)
                self.table.scrollTo(self.model.index(position, 0),
                                    QAbstractItemView.ScrollHint.PositionAtCenter)
        self._show_counts()
        self.filtered.emit(self.model.rowCount(), len(self.model.rows))

    # -- selection ---------------------------------------------------------------------------

    def current_row(self) -> PacketRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_number(self, number: int) -> None:
        if self.model.position_of(number) is None:
            # The filter hides the evidence: show everything rather than nothing.
            self.filter_box.blockSignals(True)
            self.filter_box.clear()
            self.filter_box.blockSignals(False)
            self._set_filter_state(None)
            self.display = None
            self.sort = None
            self.model.set_shown(None)
            self._show_counts()
        position = self.model.position_of(number)
        if position is None:
            return
        self.table.selectRow(position)
        self.table.scrollTo(self.model.index(position, 0),
                            QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: PacketRow | None = current.data(ROW_ROLE) if current.isValid() else None
        if row is None or self.source is None:
            return
        if self._detail_task is not None:
            self._detail_task.cancel()
        self.detail.show_message(f"Decoding frame {row.number}…")
        self._detail_task = self.run(
            packet_detail, self.source, row, self._frames, name="packet-detail",
            finished=lambda detail, number=row.number: self._show_detail(number, detail),
            failed=lambda message: self.detail.show_message(f"Cannot decode: {message}"))

    def _show_detail(self, number: int, detail: PacketDetail | None) -> None:
        current = self.current_row()
        if detail is None or current is None or current.number != number:
            return
        self.detail.show_detail(detail)
        self.details_shown.emit(number)

    def selected_evidence(self) -> list[Evidence]:
        """The selected packets as evidence (what "add to report" and citations take)."""
        if self.source is None:
            return []
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        chosen = [self.model.row_at(position) for position in rows[:50]]
        return [Evidence(self.source.path, PacketLocator(row.number),
                         f"{row.src} → {row.dst} {row.protocol} {row.info}") for row in chosen]

    def _menu(self, position: Any) -> None:
        row = self.current_row()
        if row is None:
            return
        menu = QMenu(self)
        menu.addAction("Add to report", lambda: [self.evidence_chosen.emit(e)
                                                 for e in self.selected_evidence()])
        menu.addAction("Follow stream", self.follow_selected)
        if row.ip_proto == 6:
            menu.addAction("Filter on this TCP stream",
                           lambda: self.set_filter(f"tcp.stream eq {row.stream}"))
        menu.addAction("Conversations", self.show_conversations)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # -- conversations and streams -------------------------------------------------------------

    def show_conversations(self) -> ConversationsView:
        view = ConversationsView(self)
        view.filter_requested.connect(self.set_filter)
        view.follow_requested.connect(self._follow_conversation)
        view.show()
        self.run(lambda _state, rows: conversations(rows), list(self.model.rows),
                 name="conversations", finished=view.show_conversations)
        return view

    def follow_selected(self) -> FollowView | None:
        row = self.current_row()
        if row is None or self.source is None:
            self.status.emit("Select a packet of the stream to follow")
            return None
        view = FollowView(self)
        view.show()
        self.run(follow_packet, self.source, list(self.model.rows), row, name="follow",
                 finished=lambda followed: view.show_stream(followed) if followed else
                 view.text.setPlainText("This packet is not IP: there is no stream to follow."))
        return view

    def _follow_conversation(self, conversation: Any) -> None:
        if self.source is None:
            return
        view = FollowView(self)
        view.show()
        self.run(follow_stream, self.source, list(self.model.rows), conversation,
                 name="follow", finished=view.show_stream)
