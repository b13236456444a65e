"""The timeline: every source's events on one UTC axis, coloured by severity, incidents
shaded, zoom (wheel) and pan (drag), and click-through to the evidence.

Two views of the same events: ``TimelineCanvas`` draws one lane per source (log, packet,
http, sql, bundle) and ``events`` (a ``RowsModel``) lists them. Clicking a mark selects its
row; activating a row (double-click, Return) opens its evidence. Incidents are the
``incident.*`` findings; their ``first_seen``..``last_seen`` windows are shaded.

The analysis caps events per artifact, so the canvas draws them all; marks closer than a
pixel are drawn once. Marks take their severity's colour, and incidents a pale shade of the
critical one (``ui.theme``).

Clocks: the engine records events as each source wrote them. ``place`` (Qt-free, run on a
``ui.worker.Task`` thread) puts them on one UTC axis with ``inspector.timeline.Timeline``,
which infers each source's offset (a log in local time without a zone next to a capture in
UTC), and re-detects the incidents with ``TimelineAnalyzer`` on the placed events. The
*Clocks* table under the events shows every source's offset and how it was decided; the
user can override one, which re-runs only this placement (no member is read, no analyzer
runs again) and tells the window (``offsets_changed``): the findings' times and the report
follow, and the bundle's workspace keeps the override. The incidents of the findings table
stay the engine's; the shading follows the user's clocks.

>>> nice_step(37.0)
60.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from PySide6.QtCore import QModelIndex, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from analyzers.timeline import INCIDENT, Timeline, TimelineAnalyzer
from inspector.analysis import Analysis
from inspector.model import Event, EventSource, Evidence, Finding, Severity
from inspector.plugins import ArtifactResults, Cancelled
from inspector.timeline import SourceClock, offset_text
from ui.models import ROW_ROLE, Column, RowsModel
from ui.theme import severity_colour
from ui.viewers.base import Viewer
from ui.worker import Task, TaskState

LANES = [source.value for source in EventSource]
STEPS = (0.001, 0.01, 0.1, 1, 5, 10, 30, 60, 300, 600, 1800, 3600, 6 * 3600, 86400, 7 * 86400)


def nice_step(seconds: float) -> float:
    """The first tick step of at least ``seconds``."""
    return float(next((step for step in STEPS if step >= seconds), STEPS[-1]))


EVENT_COLUMNS = (
    Column("Time (UTC)", lambda e: e.time.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
           lambda e: e.time.isoformat()),
    Column("Severity", lambda e: e.severity.value, lambda e: e.severity.rank,
           lambda e: severity_colour(e.severity)),
    Column("Source", lambda e: e.source.value),
    Column("Artifact", lambda e: e.artifact),
    Column("Where", lambda e: e.locator.describe()),
    Column("Message", lambda e: e.message),
)


# --- placing events on one UTC axis (Qt-free, on a Task thread) ---------------------------------

# Every zone in use is a whole quarter hour from UTC-12:00 to UTC+14:00.
OFFSET_CHOICES = [timedelta(minutes=15 * step) for step in range(-48, 57)]
CLOCK_HOW = {"reference": "its times carry their zone",
             "inferred": "inferred: {aligned:,} events line up with the other sources",
             "assumed-utc": "no zone; read as UTC (no other offset lines up better)",
             "override": "set by you"}


def _minutes(offset: timedelta) -> int:
    return int(offset.total_seconds() // 60)


@dataclass(frozen=True)
class Placement:
    """Events on one UTC axis, each source's clock, and the incidents they make.

    Attributes:
        clocks: one per source that has events, by artifact path.
        events_per_source: how many events each source has.
    """

    events: list[Event]
    clocks: list[SourceClock]
    incidents: list[Finding]
    events_per_source: dict[str, int]


class _PlacedBundle:
    """The per-artifact results seen as a ``BundleView`` (the timeline never opens members)."""

    def __init__(self, results: list[ArtifactResults]) -> None:
        self._results = results

    def results(self) -> list[ArtifactResults]:
        return self._results

    def open(self, artifact_path: str) -> BinaryIO:
        raise OSError(f"{artifact_path}: the timeline does not read members")


class _Context:
    def __init__(self, state: TaskState) -> None:
        self._state = state

    def progress(self, fraction: float, message: str = "") -> None:
        """Placement is quick; there is no progress to show."""

    def warn(self, message: str) -> None:
        """Only "more incidents than kept": the shading shows those the analyzer yields."""

    def check_cancelled(self) -> None:
        if self._state.cancelled:
            raise Cancelled()


def place(state: TaskState, analysis: Analysis,
          overrides: Mapping[str, timedelta]) -> Placement | None:
    """Place the analysis's events with ``overrides`` (see the module doc); None if cancelled."""
    findings: dict[str, list[Finding]] = {}
    for finding in analysis.findings:
        if finding.evidence and not finding.rule.startswith(("incident.", "timeline.")):
            findings.setdefault(finding.evidence[0].artifact, []).append(finding)
    events: dict[str, list[Event]] = {}
    for event in analysis.timeline:
        events.setdefault(event.artifact, []).append(event)
    results = [ArtifactResults(artifact, findings.get(artifact.path, []),
                               events.get(artifact.path, []),
                               analysis.stats.get(artifact.path, {}))
               for artifact in analysis.artifacts if artifact.path in events]
    timeline = Timeline(results, overrides)
    try:
        incidents = [item for item in TimelineAnalyzer(overrides).analyze_bundle(
            _PlacedBundle(results), _Context(state))
            if isinstance(item, Finding) and item.rule == INCIDENT.id]
    except Cancelled:
        return None
    clocks = sorted((clock for path, clock in timeline.clocks.items() if path in events),
                    key=lambda clock: clock.artifact)
    return Placement(timeline.events, clocks, incidents,
                     {path: len(items) for path, items in events.items()})


CLOCK_COLUMNS = (
    Column("Source", lambda c: c[0].artifact),
    Column("Clock", lambda c: offset_text(c[0].offset), lambda c: c[0].offset.total_seconds()),
    Column("Events", lambda c: f"{c[1]:,}", lambda c: c[1], align_right=True),
    Column("How", lambda c: CLOCK_HOW.get(c[0].how, c[0].how).format(aligned=c[0].aligned)),
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
        shade = QColor(severity_colour(Severity.CRITICAL))
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
            painter.setBrush(severity_colour(item.severity))
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


class TimelineViewer(Viewer):
    """The canvas over the event list, and each source's clock under them.

    Attributes:
        overrides: the user's clock offsets, by artifact path (kept until the next bundle).
        clocks: the clocks of the current placement, by artifact path.

    Signals:
        evidence_activated(object): open this ``Evidence``.
        placed(): a placement of the analysis's events is shown.
        offsets_changed(object): the engineer overrode a clock; every source's offset now
            (``{artifact path: timedelta}``), for the findings' times and the report.
    """

    evidence_activated = Signal(object)
    placed = Signal()
    offsets_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.analysis: Analysis | None = None
        self.overrides: dict[str, timedelta] = {}
        self._overridden = False
        self.clocks: dict[str, SourceClock] = {}
        self._task: Task | None = None
        self.canvas = TimelineCanvas()
        self.model = RowsModel(EVENT_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)
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
        self.hint.setWordWrap(True)
        self.canvas.event_clicked.connect(self._on_canvas_click)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.activated.connect(self._open_row)

        self.clock_model = RowsModel(CLOCK_COLUMNS, self)
        self.clock_table = QTableView()
        self.clock_table.setModel(self.clock_model)
        self.clock_table.setTabKeyNavigation(False)
        self.clock_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.clock_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.clock_table.verticalHeader().hide()
        self.clock_table.setWordWrap(False)
        self.clock_table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((260, 90, 60)):
            self.clock_table.setColumnWidth(column, width)
        self.clock_table.selectionModel().currentRowChanged.connect(self._on_clock_row)
        self.offset_choice = QComboBox()
        for offset in OFFSET_CHOICES:  # item data in minutes: Qt has no timedelta
            self.offset_choice.addItem(offset_text(offset), _minutes(offset))
        self.apply_button = QPushButton("Set")
        self.apply_button.setToolTip("Read the selected source's times in this zone; only the "
                                     "timeline is placed again")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the offset inferred from the sources")
        self.apply_button.clicked.connect(self._override_selected)
        self.reset_button.clicked.connect(self._reset_selected)
        clock_bar = QHBoxLayout()
        clock_bar.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Clocks: read the selected source as")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setToolTip("Each source's UTC offset, and how it was decided")
        clock_bar.addWidget(label, 1)
        clock_bar.addWidget(self.offset_choice)
        clock_bar.addWidget(self.apply_button)
        clock_bar.addWidget(self.reset_button)
        clocks = QWidget()
        clock_layout = QVBoxLayout(clocks)
        clock_layout.setContentsMargins(0, 0, 0, 0)
        clock_layout.addLayout(clock_bar)
        clock_layout.addWidget(self.clock_table)
        self._set_override_enabled(False)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.canvas)
        splitter.addWidget(self.table)
        splitter.addWidget(clocks)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        # Enough for a few sources' clocks without scrolling; the rest to the events.
        splitter.setSizes([300, 260, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.hint)

    def set_events(self, events: list[Event], incidents: list[Finding],
                   clocks: Sequence[tuple[SourceClock, int]] = ()) -> None:
        """Show placed events, the incidents to shade, and ``(clock, events)`` per source."""
        self.model.reset(events)
        self.canvas.set_events(events, incidents)
        self.clock_model.reset(clocks)
        self.clocks = {clock.artifact: clock for clock, _ in clocks}
        self._set_override_enabled(self.clock_table.currentIndex().isValid())
        self.hint.setText(f"{len(events):,} events, {len(incidents)} incident(s) · wheel: zoom "
                          "· drag: pan · double-click: fit · click a mark to open its evidence")

    def set_analysis(self, analysis: Analysis | None,
                     overrides: Mapping[str, timedelta] | None = None) -> None:
        """Place ``analysis``'s events with the engineer's saved ``overrides``; None clears
        and says when the timeline fills in."""
        self.analysis = analysis
        self.overrides = dict(overrides or {})
        self._overridden = False
        self.set_events([], [])
        if analysis is not None:
            self._place()
        else:
            self.hint.setText("The timeline fills in when the analysis of a bundle has "
                              "finished: every source's events on one UTC axis.")

    def clock_offsets(self) -> dict[str, timedelta]:
        """Every source's offset as placed now, the engineer's overrides included."""
        return {path: clock.offset for path, clock in self.clocks.items()}

    def set_override(self, artifact: str, offset: timedelta | None) -> None:
        """Read ``artifact``'s times at ``offset`` (None: as inferred) and place again."""
        if offset is None:
            self.overrides.pop(artifact, None)
        else:
            self.overrides[artifact] = offset
        self._overridden = True
        self._place()

    def _place(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.analysis is None:
            return
        self._task = self.run(place, self.analysis, dict(self.overrides), name="timeline",
                              finished=self._on_placed,
                              failed=lambda message: self.status.emit(f"Timeline: {message}"))

    def _on_placed(self, placement: Placement | None) -> None:
        if self.sender() is not self._task or placement is None:
            return  # replaced by a newer placement
        self._task = None
        selected = self._selected_clock()
        self.set_events(placement.events, placement.incidents,
                        [(clock, placement.events_per_source.get(clock.artifact, 0))
                         for clock in placement.clocks])
        for row, clock in enumerate(placement.clocks):
            if clock.artifact == selected:
                self.clock_table.selectRow(row)
        self.placed.emit()
        if self._overridden:
            # The findings' times and the report follow the engineer's clocks.
            self._overridden = False
            self.offsets_changed.emit(self.clock_offsets())

    # -- clocks ---------------------------------------------------------------------------

    def _selected_clock(self) -> str | None:
        index = self.clock_table.currentIndex()
        row: tuple[SourceClock, int] | None = index.data(ROW_ROLE) if index.isValid() else None
        return row[0].artifact if row else None

    def _set_override_enabled(self, enabled: bool) -> None:
        for widget in (self.offset_choice, self.apply_button, self.reset_button):
            widget.setEnabled(enabled)

    def _on_clock_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: tuple[SourceClock, int] | None = current.data(ROW_ROLE) if current.isValid() \
            else None
        self._set_override_enabled(row is not None)
        if row is not None:
            self.offset_choice.setCurrentIndex(
                max(0, self.offset_choice.findData(_minutes(row[0].offset))))
            self.reset_button.setEnabled(row[0].artifact in self.overrides)

    def _override_selected(self) -> None:
        artifact = self._selected_clock()
        if artifact is not None:
            offset = timedelta(minutes=self.offset_choice.currentData())
            self.set_override(artifact, offset)
            self.status.emit(f"{artifact}: times read as {offset_text(offset)}; placing the "
                             "timeline again")

    def _reset_selected(self) -> None:
        artifact = self._selected_clock()
        if artifact is not None:
            self.set_override(artifact, None)

    # -- events ---------------------------------------------------------------------------

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
