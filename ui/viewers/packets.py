"""The packet list: number, time, source, destination, protocol, length and a summary per
frame, filterable by conversation and text, with the selected frame decoded.

The rows, the details and the loading (in batches, off the GUI thread, so the first rows
show while the rest load) are ``inspector.views.packets``; this module is their table, the
conversation filter and the widget.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from inspector.model import PacketLocator
from inspector.views.packets import (
    MAX_ROWS,
    LoadResult,
    PacketRow,
    load_packets,
    packet_details,
)
from inspector.views.source import MemberSource
from ui.models import ROW_ROLE, SORT_ROLE, Column, RowsModel
from ui.viewers.base import MemberViewer, monospace_font, vertical_split, viewer_layout
from ui.worker import Task

PACKET_COLUMNS = (
    Column("No.", lambda p: str(p.number), lambda p: p.number, align_right=True),
    Column("Time", lambda p: datetime.fromtimestamp(p.time, UTC).strftime("%H:%M:%S.%f"),
           lambda p: p.time),
    Column("Source", lambda p: p.source),
    Column("Destination", lambda p: p.destination),
    Column("Protocol", lambda p: p.protocol),
    Column("Length", lambda p: str(p.length), lambda p: p.length, align_right=True),
    Column("Info", lambda p: p.summary),
)


class PacketFilter(QSortFilterProxyModel):
    """Keeps one conversation's frames, and/or frames whose columns contain a text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conversation: tuple | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, conversation: tuple | None, text: str) -> None:
        self.beginFilterChange()
        self.conversation = conversation
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        row: PacketRow = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if row is None:
            return False
        if self.conversation is not None and row.conversation != self.conversation:
            return False
        if self.text:
            haystack = f"{row.source} {row.destination} {row.protocol} {row.summary}".casefold()
            return self.text in haystack
        return True


class PacketViewer(MemberViewer):
    """Packet list over decoded fields and bytes of the selected frame.

    Signals:
        loaded(int): every frame is listed (the count).
        details_shown(int): the selected frame's fields are shown (its number).
    """

    loaded = Signal(int)
    details_shown = Signal(int)
    LOCATOR = PacketLocator
    ITEM, PLACE = "Packet", "the capture"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsModel(PACKET_COLUMNS, self)
        self.proxy = PacketFilter(self)
        self.proxy.setSourceModel(self.model)
        self._detail_task: Task | None = None

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_box = QLineEdit(placeholderText="Filter: address, port, protocol, flags")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._apply_filter)
        self.follow = QPushButton("Follow conversation")
        self.follow.setCheckable(True)
        self.follow.toggled.connect(self._apply_filter)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((70, 120, 180, 180, 80, 70)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.detail = QPlainTextEdit(readOnly=True)
        self.detail.setFont(monospace_font())
        self.detail.setPlaceholderText("Select a packet to decode it")

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.follow)
        viewer_layout(self, self.title, bar,
                      body=vertical_split(self.table, self.detail, (3, 2)), footer=self.info)

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.model.reset()
        self.detail.clear()
        self.follow.setChecked(False)
        self.title.setText(source.path)
        self.info.setText("reading…")
        self.run(load_packets, source, name="packets", partial=self._on_rows,
                 finished=self._on_loaded,
                 failed=lambda message: self.info.setText(f"Cannot read: {message}"))

    def row_count(self) -> int:
        return self.model.rowCount()

    def _on_rows(self, rows: list[PacketRow]) -> None:
        self.model.append(rows)
        self.info.setText(f"reading… {self.model.rowCount():,} frames")
        self.select_pending()

    def _on_loaded(self, result: LoadResult) -> None:
        text = f"{result.frames:,} frames"
        if result.truncated:
            text += f" (list stops at {MAX_ROWS:,})"
        if result.error:
            text += f"; stopped at a bad record: {result.error}"
        self.info.setText(text)
        self.finish_loading()
        self.loaded.emit(result.frames)

    def select_number(self, number: int) -> None:
        if self.proxy.rowCount() < self.model.rowCount():
            self.follow.setChecked(False)
            self.filter_box.clear()
        source_index = self.model.index(number - 1, 0)
        index = self.proxy.mapFromSource(source_index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _apply_filter(self) -> None:
        conversation = None
        if self.follow.isChecked():
            current = self.table.currentIndex()
            row = current.data(ROW_ROLE) if current.isValid() else None
            conversation = row.conversation if row is not None else None
            if conversation is None:
                self.follow.setChecked(False)
        self.proxy.set_filter(conversation, self.filter_box.text())
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: PacketRow | None = current.data(ROW_ROLE) if current.isValid() else None
        if row is None or self.source is None:
            return
        if self._detail_task is not None:
            self._detail_task.cancel()
        self.detail.setPlainText(f"Decoding frame {row.number}…")
        self._detail_task = self.run(
            packet_details, self.source, row.number, name="packet-detail",
            finished=lambda text, number=row.number: self._show_detail(number, text),
            failed=lambda message: self.detail.setPlainText(f"Cannot decode: {message}"))

    def _show_detail(self, number: int, text: str) -> None:
        current = self.table.currentIndex().data(ROW_ROLE)
        if current is not None and current.number == number:
            self.detail.setPlainText(text)
            self.details_shown.emit(number)
