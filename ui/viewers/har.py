"""HAR entries as DevTools' Network panel shows them: the waterfall beside the URL on a time
axis, the status as DevTools writes it (``(failed) net::ERR_...``), a filter by text, status
class and type, and the selected entry's Headers, Payload, Response and Timing.

The entries (read with the one HAR reader, credentials masked before they are kept) are
``inspector.views.har``'s, read off the GUI thread; this module is their table, the
waterfall drawn in each row on a time axis shared by every row and labelled in the
column's header, the filter bar and the tabs. The response body is read again for the
selected entry only, in the background. Phase and status colours are the palette's
(``ui.theme``: ``har_phase``, ``har_status``).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolButton,
    QWidget,
)

from inspector.model import EntryLocator, Evidence
from inspector.views.har import (
    PHASES,
    STATUS_CLASSES,
    TYPES,
    HarEntry,
    HarFilter,
    HarLoad,
    har_matches,
    load_har,
    response_body,
    status_class,
)
from inspector.views.source import MemberSource
from ui.models import ROW_ROLE, SORT_ROLE, Column, RowsModel
from ui.theme import colour
from ui.viewers.base import (
    MemberViewer,
    calm_table,
    monospace_font,
    plain_label,
    status_label,
    vertical_split,
    viewer_layout,
)
from ui.viewers.timeline import nice_step
from ui.worker import Task

MIN_BAR = 3


def phase_colour(phase: str) -> QColor:
    return colour(f"har_phase.{phase}")


def _status_colour(entry: HarEntry) -> QColor | None:
    kind = status_class(entry)
    return colour(f"har_status.{kind}") if kind else None


def _ms(value: float) -> str:
    """Milliseconds as DevTools writes a duration.

    >>> _ms(12.3), _ms(1520), _ms(300_000)
    ('12 ms', '1.52 s', '5.0 min')
    """
    if value >= 60_000:
        return f"{value / 60_000:,.1f} min"
    return f"{value / 1000:,.2f} s" if value >= 1000 else f"{value:,.0f} ms"


HAR_COLUMNS = (
    Column("#", lambda e: str(e.number), lambda e: e.number, align_right=True),
    Column("URL", lambda e: e.url),
    # Its header is the time axis (``WaterfallHeader``), so it has no title of its own.
    Column("", lambda e: "", lambda e: e.started.isoformat() if e.started else ""),
    Column("Status", lambda e: e.status_label, lambda e: e.status, _status_colour),
    Column("Method", lambda e: e.method),
    Column("Type", lambda e: TYPES.get(e.resource_type, e.resource_type)),
    Column("Size", lambda e: f"{e.size:,}", lambda e: e.size, align_right=True),
    Column("Time", lambda e: _ms(e.total_ms), lambda e: e.total_ms, align_right=True),
    Column("Started (UTC)", lambda e: e.started.strftime("%H:%M:%S.%f")[:-3]
           if e.started else "", lambda e: e.started.isoformat() if e.started else ""),
)
WATERFALL_COLUMN = 2


class Axis:
    """The waterfall's time axis, shared by the rows and the header."""

    def __init__(self) -> None:
        self.start = 0.0
        self.span = 1.0

    def fit(self, entries: list[HarEntry]) -> None:
        started = [e.started.timestamp() for e in entries if e.started]
        if not started:
            self.start, self.span = 0.0, 1.0
            return
        ends = [e.started.timestamp() + e.total_ms / 1000 for e in entries if e.started]
        self.start = min(started)
        self.span = max(max(ends) - self.start, 0.001)


class WaterfallDelegate(QStyledItemDelegate):
    """Draws each entry's phases on the shared axis; a bar is never thinner than MIN_BAR."""

    def __init__(self, axis: Axis, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = axis

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        entry: HarEntry | None = index.data(ROW_ROLE)
        if entry is None or entry.started is None:
            return
        rect: QRect = option.rect.adjusted(3, 4, -3, -4)  # type: ignore[attr-defined]
        scale = rect.width() / self.axis.span
        x = rect.left() + (entry.started.timestamp() - self.axis.start) * scale
        painter.save()
        phases = [(phase, entry.timings.get(phase, 0.0)) for phase in PHASES
                  if entry.timings.get(phase, 0.0) > 0] or [("wait", entry.total_ms)]
        total = sum(ms for _, ms in phases) / 1000 * scale
        stretch = MIN_BAR / total if 0 < total < MIN_BAR else 1.0
        for phase, milliseconds in phases:
            width = max(1.0, milliseconds / 1000 * scale * stretch)
            painter.fillRect(int(x), rect.top(), max(1, round(width)), rect.height(),
                             phase_colour(phase))
            x += width
        painter.restore()


class WaterfallHeader(QHeaderView):
    """The horizontal header, with the waterfall column's time axis drawn in it."""

    def __init__(self, axis: Axis, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.axis = axis

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:
        super().paintSection(painter, rect, section)
        if section != WATERFALL_COLUMN or rect.width() < 60:
            return
        painter.save()
        metrics = painter.fontMetrics()
        width = rect.width() - 6
        step = nice_step(self.axis.span * 70 / max(width, 1))
        tick = 0.0
        painter.setPen(self.palette().color(self.foregroundRole()))
        while tick <= self.axis.span:
            x = rect.left() + 3 + int(tick / self.axis.span * width)
            painter.drawLine(x, rect.bottom() - 4, x, rect.bottom())
            label = _ms(tick * 1000)
            if x + metrics.horizontalAdvance(label) + 2 < rect.right():
                painter.drawText(x + 2, rect.bottom() - 5, label)
            tick += step
        painter.restore()


LEGEND_COLUMNS = 4


def phase_legend() -> QWidget:
    """The waterfall's key: a swatch in each phase's colour, then its name, four a row so
    that a narrow viewer keeps it whole."""
    legend = QWidget()
    layout = QGridLayout(legend)
    layout.setContentsMargins(4, 2, 4, 2)
    layout.setHorizontalSpacing(4)
    layout.setVerticalSpacing(0)
    size = legend.fontMetrics().height() - 4
    for number, phase in enumerate(PHASES):
        row, column = divmod(number, LEGEND_COLUMNS)
        swatch = QPixmap(size, size)
        swatch.fill(phase_colour(phase))
        icon = plain_label()
        icon.setPixmap(swatch)
        icon.setObjectName(f"phase-{phase}")
        layout.addWidget(icon, row, 2 * column)
        layout.addWidget(plain_label(phase), row, 2 * column + 1)
    layout.setColumnStretch(2 * LEGEND_COLUMNS, 1)
    return legend


def choice_menu(title: str, names: dict[str, str], tip: str,
                parent: QWidget) -> tuple[QToolButton, dict[str, QAction]]:
    """A drop-down of checkable choices (none checked: no filter), titled with what is on."""
    button = QToolButton(parent)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setToolTip(tip)
    menu = QMenu(button)
    actions = {}
    for key, text in names.items():
        action = menu.addAction(text)
        action.setCheckable(True)
        actions[key] = action

    def retitle() -> None:
        chosen = [names[key] for key, action in actions.items() if action.isChecked()]
        button.setText(f"{title}: {', '.join(chosen) if chosen else 'all'}")
    for action in actions.values():
        action.toggled.connect(retitle)
    retitle()
    button.setMenu(menu)
    return button, actions


class HarViewer(MemberViewer):
    """HAR entries with a waterfall, a filter bar, and the selected entry's tabs.

    Signals:
        loaded(int): the entries are listed (the count).
        body_shown(int): the selected entry's response body is shown (its number).
        evidence_chosen(object): the user asked to add this ``Evidence`` to the report.
    """

    loaded = Signal(int)
    body_shown = Signal(int)
    evidence_chosen = Signal(object)
    LOCATOR = EntryLocator
    ITEM, PLACE = "Entry", "the HAR"
    EMPTY = ("No HAR file is open.\n\nSelect a finding whose evidence is a HAR entry and press "
             "F4, or double-click a .har member in the Bundle tree.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HarEntry] = []
        self._body_task: Task | None = None
        self.model = RowsModel(HAR_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.axis = Axis()
        self.title = status_label()
        self.filter_box = QLineEdit(placeholderText="Filter: words, -word, status-code:404, "
                                                    "method:POST, domain:…")
        self.filter_box.setMinimumWidth(120)
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.apply_filter)
        statuses, self.status_choices = choice_menu(
            "Status", {s: "Failed" if s == "failed" else s for s in STATUS_CLASSES},
            "Show only these status classes (none checked: all)", self)
        types, self.type_choices = choice_menu("Type", TYPES, "Show only these types (none "
                                               "checked: all)", self)
        for action in self.choices():
            action.toggled.connect(self.apply_filter)
        self.counts = status_label()
        self.table = QTableView()
        self.table.setHorizontalHeader(WaterfallHeader(self.axis, self.table))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setItemDelegateForColumn(WATERFALL_COLUMN, WaterfallDelegate(self.axis,
                                                                                self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        calm_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 36), (1, 200), (2, 170), (3, 90), (4, 52), (5, 64), (6, 64),
                              (7, 60)):
            self.table.setColumnWidth(column, width)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._add_menu_action()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.headers = self._text_tab("Headers", "Select an entry to see its headers "
                                                 "(credentials masked)")
        self.payload = self._text_tab("Payload", "The query string and the request body")
        self.response = self._text_tab("Response", "The response body, read when an entry "
                                                   "is selected")
        self.timing = self._text_tab("Timing", "Each phase of the request, in milliseconds")
        self.tabs.currentChanged.connect(lambda _: self._load_body_if_shown())
        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(statuses)
        bar.addWidget(types)
        filters = QHBoxLayout()
        filters.addWidget(self.counts)
        filters.addStretch()
        footer = phase_legend()
        viewer_layout(self, self.title, bar, filters,
                      body=vertical_split(self.table, self.tabs, (3, 2)), footer=footer)

    def _text_tab(self, title: str, placeholder: str) -> QPlainTextEdit:
        text = QPlainTextEdit(readOnly=True)
        text.setFont(monospace_font())
        text.setPlaceholderText(placeholder)
        self.tabs.addTab(text, title)
        return text

    def _add_menu_action(self) -> None:
        action = QAction("Add to report", self.table)
        action.triggered.connect(lambda: [self.evidence_chosen.emit(e)
                                          for e in self.selected_evidence()])
        self.table.addAction(action)

    # -- loading ---------------------------------------------------------------------------

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.entries = []
        self.model.reset()
        self._clear_tabs()
        self.title.setText(f"{source.path} · reading…")
        self.run(load_har, source, name="har", finished=self._on_loaded,
                 failed=self._on_failed)

    def clear_view(self) -> None:
        self.entries = []
        self.model.reset()
        self._clear_tabs()
        self.title.clear()
        self.counts.clear()
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        self.filter_box.blockSignals(False)
        for action in self.choices():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)

    def _clear_tabs(self) -> None:
        for text in (self.headers, self.payload, self.response, self.timing):
            text.clear()

    def row_count(self) -> int:
        return len(self.entries)

    def _on_failed(self, message: str) -> None:
        path = self.source.path if self.source else "The HAR"
        self.title.setText(f"{path} · cannot read: {message}")
        self.show_placeholder(f"{path} cannot be read as a HAR: {message}")
        self.status.emit(f"Cannot read the HAR: {message}")

    def _on_loaded(self, result: HarLoad) -> None:
        self.entries = result.entries
        self.axis.fit(self.entries)
        failed = sum(1 for e in self.entries if status_class(e) is not None)
        path = self.source.path if self.source else ""
        text = f"{path} · {len(self.entries):,} entries, {failed:,} failed or erroneous"
        if result.error:
            text += f" · reading stopped early: {result.error}"
        self.title.setText(text)
        if not self.entries:
            self.show_placeholder(f"{path} holds no request: the HAR's entry list is empty.")
        self.apply_filter()
        self.finish_loading()
        self.loaded.emit(len(self.entries))

    # -- filtering and selection --------------------------------------------------------------

    def choices(self) -> list[QAction]:
        return [*self.status_choices.values(), *self.type_choices.values()]

    def har_filter(self) -> HarFilter:
        return HarFilter(self.filter_box.text(),
                         frozenset(k for k, a in self.status_choices.items() if a.isChecked()),
                         frozenset(k for k, a in self.type_choices.items() if a.isChecked()))

    def apply_filter(self) -> None:
        wanted = self.har_filter()
        kept = [entry for entry in self.entries if har_matches(entry, wanted)]
        current = self.current_entry()
        self.model.reset(kept)
        self.table.horizontalHeader().viewport().update()
        self.counts.setText(f"{len(kept):,} of {len(self.entries):,} requests")
        if current is not None and current in kept:
            self._select_entry(current.number)

    def current_entry(self) -> HarEntry | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_number(self, number: int) -> None:
        if not any(entry.number == number for entry in self.model.rows):
            self.filter_box.clear()
            for action in self.choices():
                action.setChecked(False)
        self._select_entry(number)

    def _select_entry(self, number: int) -> None:
        for row, entry in enumerate(self.model.rows):
            if entry.number == number:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                return

    def selected_evidence(self) -> list[Evidence]:
        if self.source is None:
            return []
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        entries = [self.proxy.index(row, 0).data(ROW_ROLE) for row in rows[:50]]
        return [Evidence(self.source.path, EntryLocator(e.number),
                         f"{e.method} {e.url} → {e.status_label}") for e in entries if e]

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry: HarEntry | None = current.data(ROW_ROLE) if current.isValid() else None
        self._clear_tabs()
        if entry is None:
            return
        self.headers.setPlainText(entry.headers)
        self.payload.setPlainText(entry.payload or "This request sends no query string and "
                                                   "no body.")
        rows = entry.timing_rows()
        width = max((len(name) for name, _ in rows), default=0)
        lines = [f"{name:<{width}}  {ms:>10,.1f} ms" for name, ms in rows]
        lines.append(f"{'Total':<{width}}  {entry.total_ms:>10,.1f} ms")
        if entry.started is not None:
            lines.insert(0, f"Started at {entry.started:%Y-%m-%d %H:%M:%S.%f} UTC\n")
        self.timing.setPlainText("\n".join(lines))
        self._load_body_if_shown()

    def _load_body_if_shown(self) -> None:
        entry = self.current_entry()
        if entry is None or self.source is None or self.tabs.currentWidget() is not \
                self.response or self.response.toPlainText():
            return
        if self._body_task is not None:
            self._body_task.cancel()
        self.response.setPlainText("Reading the response body…")
        self._body_task = self.run(
            response_body, self.source, entry.number, name="har-body",
            finished=lambda text, number=entry.number: self._show_body(number, text),
            failed=lambda message: self.response.setPlainText(f"Cannot read: {message}"))

    def _show_body(self, number: int, text: str) -> None:
        current = self.current_entry()
        if current is not None and current.number == number:
            self.response.setPlainText(text)
            self.body_shown.emit(number)
