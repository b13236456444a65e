"""HAR entries: a waterfall over time with timing phases, status and size, and the selected
entry's request and response headers with every credential masked.

The entries (read with the one HAR reader, credentials masked before they are kept) are
``inspector.views.har``'s, read off the GUI thread; this module is their table, the
waterfall drawn in each row on a time axis shared by every row, the phase legend and the
widget. Phase and status colours are the palette's (``ui.theme``: ``har_phase``,
``har_status``).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from inspector.model import EntryLocator
from inspector.views.har import PHASES, HarEntry, HarLoad, load_har, status_class
from inspector.views.source import MemberSource
from ui.models import ROW_ROLE, Column, RowsModel
from ui.theme import colour
from ui.viewers.base import MemberViewer, monospace_font, vertical_split, viewer_layout


def phase_colour(phase: str) -> QColor:
    return colour(f"har_phase.{phase}")


def _status_colour(entry: HarEntry) -> QColor | None:
    kind = status_class(entry)
    return colour(f"har_status.{kind}") if kind else None


HAR_COLUMNS = (
    Column("#", lambda e: str(e.number), lambda e: e.number, align_right=True),
    Column("Started", lambda e: e.started.strftime("%H:%M:%S.%f")[:-3] if e.started else "",
           lambda e: e.started.isoformat() if e.started else ""),
    Column("Method", lambda e: e.method),
    Column("Status", lambda e: str(e.status), lambda e: e.status, _status_colour),
    Column("URL", lambda e: e.url),
    Column("Type", lambda e: e.mime_type),
    Column("Size", lambda e: f"{e.size:,}", lambda e: e.size, align_right=True),
    Column("Time (ms)", lambda e: f"{e.total_ms:,.0f}", lambda e: e.total_ms, align_right=True),
    Column("Waterfall", lambda e: "", lambda e: e.started.isoformat() if e.started else ""),
)
WATERFALL_COLUMN = len(HAR_COLUMNS) - 1


class WaterfallDelegate(QStyledItemDelegate):
    """Draws each entry's phases on a time axis shared by every row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = 0.0
        self.span = 1.0

    def set_range(self, entries: list[HarEntry]) -> None:
        started = [e.started.timestamp() for e in entries if e.started]
        if not started:
            self.start, self.span = 0.0, 1.0
            return
        ends = [e.started.timestamp() + e.total_ms / 1000 for e in entries if e.started]
        self.start = min(started)
        self.span = max(max(ends) - self.start, 0.001)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        entry: HarEntry | None = index.data(ROW_ROLE)
        if entry is None or entry.started is None:
            return
        rect: QRect = option.rect.adjusted(2, 4, -2, -4)  # type: ignore[attr-defined]
        scale = rect.width() / self.span
        x = rect.left() + (entry.started.timestamp() - self.start) * scale
        painter.save()
        if not entry.timings:
            painter.fillRect(int(x), rect.top(), max(2, int(entry.total_ms / 1000 * scale)),
                             rect.height(), phase_colour("wait"))
        for phase in PHASES:
            width = entry.timings.get(phase, 0.0) / 1000 * scale
            if width > 0:
                painter.fillRect(int(x), rect.top(), max(1, round(width)), rect.height(),
                                 phase_colour(phase))
                x += width
        painter.restore()


def phase_legend() -> QWidget:
    """The waterfall's key: a swatch in each phase's colour, then its name."""
    legend = QWidget()
    layout = QHBoxLayout(legend)
    layout.setContentsMargins(4, 2, 4, 2)
    title = QLabel("Waterfall phases:")
    title.setTextFormat(Qt.TextFormat.PlainText)
    layout.addWidget(title)
    size = title.fontMetrics().height() - 4
    for phase in PHASES:
        swatch = QPixmap(size, size)
        swatch.fill(phase_colour(phase))
        icon = QLabel()
        icon.setPixmap(swatch)
        icon.setObjectName(f"phase-{phase}")
        name = QLabel(phase)
        name.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(icon)
        layout.addWidget(name)
        layout.addSpacing(8)
    layout.addStretch()
    return legend


class HarViewer(MemberViewer):
    """HAR entries with a waterfall, and the selected entry's headers.

    Signals:
        loaded(int): the entries are listed (the count).
    """

    loaded = Signal(int)
    LOCATOR = EntryLocator
    ITEM, PLACE = "Entry", "the HAR"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsModel(HAR_COLUMNS, self)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.legend = phase_legend()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.waterfall = WaterfallDelegate(self.table)
        self.table.setItemDelegateForColumn(WATERFALL_COLUMN, self.waterfall)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 40), (1, 100), (2, 60), (3, 55), (4, 260), (5, 110), (6, 70),
                              (7, 70)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.headers = QPlainTextEdit(readOnly=True)
        self.headers.setFont(monospace_font())
        self.headers.setPlaceholderText("Select an entry to see its headers (credentials "
                                        "masked)")
        viewer_layout(self, self.title, body=vertical_split(self.table, self.headers),
                      footer=self.legend)

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.model.reset()
        self.headers.clear()
        self.title.setText(f"{source.path} · reading…")
        self.run(load_har, source, name="har", finished=self._on_loaded,
                 failed=self._on_failed)

    def row_count(self) -> int:
        return self.model.rowCount()

    def _on_failed(self, message: str) -> None:
        self.title.setText(f"{self.source.path if self.source else ''} · cannot read: {message}")
        self.status.emit(f"Cannot read the HAR: {message}")

    def _on_loaded(self, result: HarLoad) -> None:
        entries = result.entries
        self.waterfall.set_range(entries)
        self.model.reset(entries)
        failed = sum(1 for e in entries if status_class(e) is not None)
        text = (f"{self.source.path if self.source else ''} · {len(entries):,} entries, "
                f"{failed:,} failed or erroneous")
        if result.error:
            text += f" · reading stopped early: {result.error}"
        self.title.setText(text)
        self.finish_loading()
        self.loaded.emit(len(entries))

    def select_number(self, number: int) -> None:
        self.table.selectRow(number - 1)
        self.table.scrollTo(self.model.index(number - 1, 0),
                            QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry: HarEntry | None = current.data(ROW_ROLE) if current.isValid() else None
        self.headers.setPlainText(entry.headers if entry else "")
