"""The timeline: every source's events on one UTC axis, coloured by severity, incidents
shaded, zoom (wheel) and pan (drag), and click-through to the evidence.

Two views of the same events: ``TimelineCanvas`` draws one lane per source (log, packet,
http, sql, bundle) and ``events`` (a ``RowsModel``) lists them. Clicking a mark selects its
row; activating a row (double-click, Return) opens its evidence. Incidents are the
``incident.*`` findings; their ``first_seen``..``last_seen`` windows are shaded.

The analysis caps events per artifact, so the canvas draws them all; marks closer than a
pixel are drawn once.

>>> nice_step(37.0)
60.0
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.model import Event, EventSource, Evidence, Finding
from ui.models import ROW_ROLE, SEVERITY_COLOURS, Column, RowsModel

LANES = [source.value for source in EventSource]
STEPS = (0.001, 0.01, 0.1, 1, 5, 10, 30, 60, 300, 600, 1800, 3600, 6 * 3600, 86400, 7 * 86400)


def nice_step(seconds: float) -> float:
    """The first tick step of at least ``seconds``."""
    return float(next((step for step in STEPS if step >= seconds), STEPS[-1]))


EVENT_COLUMNS = (
    Column("Time (UTC)", lambda e: e.time.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
           lambda e: e.time.isoformat()),
    Column("Severity", lambda e: e.severity.value, lambda e: e.severity.rank,
           lambda e: SEVERITY_COLOURS[e.severity]),
    Column("Source", lambda e: e.source.value),
    Column("Artifact", lambda e: e.artifact),
    Column("Where", lambda e: e.locator.describe()),
    Column("Message", lambda e: e.message),
)


class TimelineCanvas(QWidget):
    """Lanes of event marks over a time axis.

    Signals:
        event_clicked(int): the row of the event nearest the click.
    """

    event_clicked = Signal(int)
    LEFT = 70
    AXIS = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.events: list[Event] = []
        self.incidents: list[tuple[float, float]] = []
        self.start = 0.0
        self.span = 1.0
        self.selected: int | None = None
        self._drag: tuple[float, float] | None = None
        self.setMinimumHeight(150)
        self.setMouseTracking(False)

    def set_events(self, events: list[Event], incidents: list[Finding]) -> None:
        self.events = events
        self.incidents = [(f.first_seen.timestamp(), (f.last_seen or f.first_seen).timestamp())
                          for f in incidents if f.first_seen]
        self.selected = None
        self.fit()

    def fit(self) -> None:
        times = [e.time.timestamp() for e in self.events]
        if times:
            margin = max((max(times) - min(times)) * 0.03, 1.0)
            self.start, self.span = min(times) - margin, max(times) - min(times) + 2 * margin
        else:
            self.start, self.span = 0.0, 1.0
        self.update()

    def _x(self, seconds: float) -> float:
        width = max(1, self.width() - self.LEFT - 10)
        return self.LEFT + (seconds - self.start) / self.span * width

    def _seconds(self, x: float) -> float:
        width = max(1, self.width() - self.LEFT - 10)
        return self.start + (x - self.LEFT) / width * self.span

    def _lane_y(self, lane: int) -> float:
        height = (self.height() - self.AXIS - 8) / len(LANES)
        return 4 + height * lane + height / 2

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        text = palette.text().color()
        shade = QColor(SEVERITY_COLOURS[next(iter(SEVERITY_COLOURS))])
        shade.setAlpha(40)
        for first, last in self.incidents:
            left, right = self._x(first), self._x(last)
            painter.fillRect(QRectF(left, 0, max(2.0, right - left), self.height() - self.AXIS),
                             shade)
        painter.setPen(text)
        for lane, name in enumerate(LANES):
            y = self._lane_y(lane)
            painter.drawText(QRectF(4, y - 8, self.LEFT - 8, 16),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name)
            grid = QColor(text)
            grid.setAlpha(40)
            painter.setPen(QPen(grid))
            painter.drawLine(QPointF(self.LEFT, y), QPointF(self.width() - 10, y))
            painter.setPen(text)
        self._draw_axis(painter, text)
        drawn: set[tuple[int, int]] = set()
        for row, item in enumerate(self.events):
            x = self._x(item.time.timestamp())
            if x < self.LEFT or x > self.width():
                continue
            lane = LANES.index(item.source.value)
            key = (int(x), lane)
            if key in drawn and row != self.selected:
                continue
            drawn.add(key)
            y = self._lane_y(lane)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(SEVERITY_COLOURS[item.severity])
            radius = 6.0 if row == self.selected else 4.0
            painter.drawEllipse(QPointF(x, y), radius, radius)
            if row == self.selected:
                painter.setPen(QPen(text, 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(x, y), radius + 2, radius + 2)
        painter.end()

    def _draw_axis(self, painter: QPainter, colour: QColor) -> None:
        y = self.height() - self.AXIS
        painter.setPen(colour)
        painter.drawLine(QPointF(self.LEFT, y), QPointF(self.width() - 10, y))
        width = max(1, self.width() - self.LEFT - 10)
        step = nice_step(self.span / max(1, width / 110))
        tick = (self.start // step + 1) * step
        while tick < self.start + self.span:
            x = self._x(tick)
            painter.drawLine(QPointF(x, y), QPointF(x, y + 4))
            moment = datetime.fromtimestamp(tick, UTC)
            label = moment.strftime("%H:%M:%S" if step >= 1 else "%H:%M:%S.%f")[:12]
            if step >= 86400:
                label = moment.strftime("%Y-%m-%d")
            painter.drawText(QRectF(x - 50, y + 4, 100, self.AXIS - 4),
                             int(Qt.AlignmentFlag.AlignCenter), label)
            tick += step

    def zoom(self, factor: float, around_x: float | None = None) -> None:
        """Zoom in (factor < 1) or out around a point (the centre by default)."""
        centre = self._seconds(around_x if around_x is not None
                               else self.LEFT + (self.width() - self.LEFT) / 2)
        self.span = max(0.001, self.span * factor)
        fraction = ((around_x if around_x is not None else self.LEFT
                     + (self.width() - self.LEFT) / 2) - self.LEFT) / max(
            1, self.width() - self.LEFT - 10)
        self.start = centre - fraction * self.span
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(0.8 ** steps, event.position().x())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag = (event.position().x(), self.start)
        row = self.event_at(event.position().x(), event.position().y())
        if row is not None:
            self.selected = row
            self.update()
            self.event_clicked.emit(row)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            x, start = self._drag
            width = max(1, self.width() - self.LEFT - 10)
            self.start = start - (event.position().x() - x) / width * self.span
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def event_at(self, x: float, y: float, tolerance: float = 8.0) -> int | None:
        """The row of the event drawn nearest ``(x, y)``, within ``tolerance`` pixels."""
        best, best_distance = None, tolerance
        for row, item in enumerate(self.events):
            lane_y = self._lane_y(LANES.index(item.source.value))
            distance = max(abs(self._x(item.time.timestamp()) - x), abs(lane_y - y))
            if distance <= best_distance:
                best, best_distance = row, distance
        return best

    def position_of(self, row: int) -> QPointF:
        item = self.events[row]
        return QPointF(self._x(item.time.timestamp()),
                       self._lane_y(LANES.index(item.source.value)))


class TimelineViewer(QWidget):
    """The canvas over the event list.

    Signals:
        status(str): a message for the status bar.
        evidence_activated(object): open this ``Evidence``.
    """

    status = Signal(str)
    evidence_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas()
        self.model = RowsModel(EVENT_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((170, 70, 60, 220, 90)):
            self.table.setColumnWidth(column, width)
        self.hint = QLabel("Wheel: zoom · drag: pan · double-click: fit · click a mark or "
                           "press Return on a row to open its evidence")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.canvas.event_clicked.connect(self._on_canvas_click)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.activated.connect(self._open_row)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.canvas)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.hint)

    def set_events(self, events: list[Event], incidents: list[Finding]) -> None:
        self.model.reset(events)
        self.canvas.set_events(events, incidents)
        self.hint.setText(f"{len(events):,} events, {len(incidents)} incident(s) · wheel: zoom "
                          "· drag: pan · double-click: fit · click a mark to open its evidence")

    def _on_canvas_click(self, row: int) -> None:
        self.table.selectRow(row)
        self._open_row(self.model.index(row, 0))

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.canvas.selected = current.row()
            self.canvas.update()

    def _open_row(self, index: QModelIndex) -> None:
        item: Event | None = index.data(ROW_ROLE) if index.isValid() else None
        if item is not None:
            self.evidence_activated.emit(Evidence(item.artifact, item.locator, item.message))
