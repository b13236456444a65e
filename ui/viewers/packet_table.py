"""The packet list's table model: every row of the capture, and the ones the display filter
keeps, in the order the user sorted them.

A ``QSortFilterProxyModel`` asks Python about every row on the GUI thread (1.6 s per
keystroke on 200,000 frames). Here the filtering and sorting run off the GUI thread
(``inspector.views.display_filter.run_filter``, ``sort_order``) and give an array of row
indexes; ``set_shown`` swaps it in with one reset, and the view asks only for the rows it
draws. While a capture loads, new rows are appended (``append``) and, under a filter, the
ones it keeps among them (``append_shown``).

Sorting: a click on a header calls ``sort``; the model emits ``sort_requested`` and the
viewer computes the order in the background, then ``set_shown``.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from inspector.views.packets import PacketRow
from inspector.views.tcp_analysis import KEEP_ALIVE, KEEP_ALIVE_ACK, WINDOW_UPDATE
from ui.models import ROW_ROLE, escape_tooltip
from ui.theme import colour

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("No.", "Time", "Source", "Destination", "Protocol", "Length", "Info")
RIGHT = (0, 5)
# Wireshark's "Bad TCP" colouring rule: any analysis flag but these three.
BAD_TCP = ~(WINDOW_UPDATE | KEEP_ALIVE | KEEP_ALIVE_ACK)


def _time(row: PacketRow) -> str:
    """Time of day (UTC), to the millisecond; the details tree has the microseconds."""
    return datetime.fromtimestamp(row.time, UTC).strftime("%H:%M:%S.%f")[:-3]


def cell(row: PacketRow, column: int) -> str:
    if column == 0:
        return str(row.number)
    if column == 1:
        return _time(row)
    if column == 2:
        return row.src
    if column == 3:
        return row.dst
    if column == 4:
        return row.protocol
    if column == 5:
        return str(row.length)
    return row.info


def sort_key(column: int) -> Any:
    """What a column sorts by (numbers as numbers)."""
    return {0: lambda r: r.number, 1: lambda r: (r.time, r.number), 2: lambda r: r.src,
            3: lambda r: r.dst, 4: lambda r: r.protocol, 5: lambda r: r.length,
            6: lambda r: r.info}[column]


def sort_order(state: Any, rows: Sequence[PacketRow], shown: array, column: int,
               descending: bool) -> array | None:
    """``shown`` (indexes into ``rows``) sorted by ``column``; None when cancelled."""
    key = sort_key(column)
    ordered = sorted(shown, key=lambda index: key(rows[index]), reverse=descending)
    return None if state.cancelled else array("i", ordered)


class PacketTableModel(QAbstractTableModel):
    """The rows of the capture and which of them are shown (see the module doc).

    Attributes:
        rows: every row read, in capture order.
        shown: indexes into ``rows`` of the rows shown, in display order, or None for all.

    Signals:
        sort_requested(int, bool): sort by this column, descending or not.
    """

    sort_requested = Signal(int, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PacketRow] = []
        self.shown: array | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return len(self.rows) if self.shown is None else len(self.shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def row_at(self, position: int) -> PacketRow:
        return self.rows[position if self.shown is None else self.shown[position]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = self.row_at(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell(row, index.column())
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6:
            return escape_tooltip(row.info)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and row.analysis & BAD_TCP:
            return colour("highlight.analysis")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)

    def reset(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.shown = None
        self.endResetModel()

    def append(self, rows: list[PacketRow], shown: array | None = None) -> None:
        """Rows read further on; under a filter, ``shown`` are the new ones it keeps."""
        if not rows:
            return
        first = len(self.rows)
        if self.shown is None:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
            return
        self.rows.extend(rows)
        if shown:
            self.append_shown(shown)

    def append_shown(self, shown: array) -> None:
        assert self.shown is not None
        start = len(self.shown)
        self.beginInsertRows(QModelIndex(), start, start + len(shown) - 1)
        self.shown.extend(shown)
        self.endInsertRows()

    def set_shown(self, shown: array | None) -> None:
        """Show these rows (indexes into ``rows``, in order), or all of them (None)."""
        self.beginResetModel()
        self.shown = shown
        self.endResetModel()

    def position_of(self, number: int) -> int | None:
        """Where frame ``number`` is shown, or None when the filter hides it."""
        index = number - 1
        if not 0 <= index < len(self.rows):
            return None
        if self.shown is None:
            return index
        try:
            return self.shown.index(index)
        except ValueError:
            return None
