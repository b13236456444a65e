"""The findings pane: the findings table under its filters, over the selected finding's detail
and evidence list.

The filters (severity toggles, analyzer, text) hide rows without removing them, and the
pane says how many are hidden; the count of all findings sits in the window's status bar
(``counts_label``). Findings arrive in batches while the analysis runs (``add_findings``);
when it ends, the engine's sorted list replaces them and the selection is kept
(``show_analysis``). Until the user picks one, the first row is selected as soon as there
is one, so the detail is never empty while there is something to read.

What the detail and the evidence list say, and what the filters keep, is
``inspector.views.findings``; times there are on the UTC axis (``set_clock_offsets``).
Return or F4 on the table, or activating an evidence line, asks for that evidence
(``evidence_activated``); the window decides which viewer shows it. An evidence line's menu
adds it to the report (``evidence_cited``).

Titles are drawn on up to two lines (``TitleDelegate``); when the pane is narrow the
Analyzer column is left out (the detail names it), severities show as their badge alone and
the detail stacks over its evidence, so a title never shrinks to "TL..." at 1280x800.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.model import Evidence, Finding, Severity
from inspector.views.findings import describe_finding, evidence_line
from ui.models import ROW_ROLE, FindingsFilter, findings_model
from ui.seen_before import SeenBefore

SHORT_NAMES = {Severity.CRITICAL: "crit", Severity.HIGH: "high", Severity.MEDIUM: "med",
               Severity.LOW: "low", Severity.INFO: "info"}


def _plain_label(text: str = "") -> QLabel:
    """A label that never reads its text as markup (customer text can look like HTML)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class TitleDelegate(QStyledItemDelegate):
    """Draws a title on up to two lines, the second elided: a long title stays readable in
    a narrow pane instead of ending in "TL..."."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text, item.text = item.text, ""
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        rect = item.rect.adjusted(4, 2, -4, -2)
        metrics = item.fontMetrics
        lines = two_lines(text, rect.width(), metrics.horizontalAdvance)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(item.palette.color(role))
        top = rect.top() + max(0, (rect.height() - metrics.lineSpacing() * len(lines)) // 2)
        for number, line in enumerate(lines):
            if number == len(lines) - 1:
                line = metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect.left(), top + metrics.ascent() + number * metrics.lineSpacing(),
                             line)
        painter.restore()


def two_lines(text: str, width: int, advance: Callable[[str], int]) -> list[str]:
    """``text`` broken at words into a first line that fits ``width`` and the rest.

    >>> two_lines("TLS handshake refused: certificate expired", 20, len)
    ['TLS handshake', 'refused: certificate expired']
    """
    words = text.split()
    first: list[str] = []
    while words and advance(" ".join([*first, words[0]])) <= width:
        first.append(words.pop(0))
    if not first:
        return [text]
    return [" ".join(first), " ".join(words)] if words else [" ".join(first)]


class FindingDetail(QWidget):
    """Title, detail, facts, remediation, references and the evidence list of a finding.

    Attributes:
        clock_offsets: each source's clock offset, by artifact path (set with each analysis).

    Signals:
        evidence_activated(object): the user opened an ``Evidence``.
        evidence_cited(object, object): add this ``Evidence`` of this ``Finding`` to the
            report.
    """

    evidence_activated = Signal(object)
    evidence_cited = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding: Finding | None = None
        self.clock_offsets: dict[str, timedelta] = {}
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setPlaceholderText("Select a finding to see what it means and its evidence")
        self.evidence = QListWidget()
        self.evidence.setToolTip("Double-click or press Return to open the evidence; the "
                                 "menu adds it to the report")
        self.evidence.itemActivated.connect(
            lambda item: self.evidence_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.evidence.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.evidence.customContextMenuRequested.connect(self._evidence_menu)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.text)
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(_plain_label("Evidence"))
        box_layout.addWidget(self.evidence)
        self.seen_before = SeenBefore()
        box_layout.addWidget(self.seen_before)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_finding(self, finding: Finding | None) -> None:
        self.finding = finding
        self.evidence.clear()
        self.seen_before.show_finding(finding)
        if finding is None:
            self.text.clear()
            return
        self.text.setPlainText(describe_finding(finding, self.clock_offsets))
        for evidence in finding.evidence:
            item = QListWidgetItem(evidence_line(evidence))
            item.setData(Qt.ItemDataRole.UserRole, evidence)
            self.evidence.addItem(item)
        if finding.evidence:
            self.evidence.setCurrentRow(0)

    def current_evidence(self) -> Evidence | None:
        item = self.evidence.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _evidence_menu(self, position: Any) -> None:
        evidence = self.current_evidence()
        if evidence is None or self.finding is None:
            return
        finding = self.finding
        menu = QMenu(self)
        menu.addAction("Open it", lambda: self.evidence_activated.emit(evidence))
        menu.addAction("Add to report", lambda: self.evidence_cited.emit(evidence, finding))
        menu.popup(self.evidence.viewport().mapToGlobal(position))


class FindingsPane(QSplitter):
    """The filters and the findings table over the detail of the selected finding.

    Attributes:
        model: every finding (``FindingsModel``); ``filter`` is what the table shows of it.
        severity_buttons: the severity toggles, by severity.
        counts_label: how many findings there are, for the window's status bar.
        menu_actions: the window's actions on a finding, offered on the table's menu.

    Signals:
        evidence_activated(object): open this ``Evidence``.
    """

    evidence_activated = Signal(object)
    evidence_cited = Signal(object, object)
    NARROW = 560  # below this width the Analyzer column is left out (the detail names it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("findings-splitter")
        self.menu_actions: list[QAction] = []
        self.model = findings_model(self)
        self.filter = FindingsFilter(self)
        self.filter.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("findings")
        self.table.setModel(self.filter)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setItemDelegateForColumn(1, TitleDelegate(self.table))
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.table.activated.connect(lambda _: self.jump_to_evidence())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)

        bar = QHBoxLayout()
        self.severity_buttons: dict[Severity, QToolButton] = {}
        for severity in Severity:
            button = QToolButton(text=SHORT_NAMES[severity], checkable=True, checked=True)
            button.setToolTip(f"Show {severity.value} findings")
            button.toggled.connect(self._apply_severity_filter)
            self.severity_buttons[severity] = button
            bar.addWidget(button)
        self.analyzer_filter = QComboBox()
        self.analyzer_filter.setMinimumContentsLength(6)
        self.analyzer_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.analyzer_filter.addItem("All analyzers", None)
        self.analyzer_filter.currentIndexChanged.connect(
            lambda _: self.filter.set_analyzer(self.analyzer_filter.currentData()))
        self.text_filter = QLineEdit(placeholderText="Filter findings (Ctrl+F)")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.filter.set_text)
        self.hidden_label = _plain_label()
        self.counts_label = _plain_label()
        bar.addStretch()
        search = QHBoxLayout()
        search.addWidget(self.text_filter, 1)
        search.addWidget(self.analyzer_filter)
        search.addWidget(self.hidden_label)
        for signal in (self.filter.rowsInserted, self.filter.rowsRemoved,
                       self.filter.modelReset, self.filter.layoutChanged):
            signal.connect(self._update_counts)

        self.detail = FindingDetail()
        self.detail.evidence_activated.connect(self.evidence_activated)
        self.detail.evidence_cited.connect(self.evidence_cited)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addLayout(search)
        top_layout.addWidget(self.table)
        self.addWidget(top)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    # -- what is shown ------------------------------------------------------------------

    def show_bundle(self, findings: list[Finding]) -> None:
        """A new bundle: the reader's findings, and the analyzer filter back to all."""
        self.set_clock_offsets({})
        self.model.reset(findings)
        self.detail.show_finding(None)
        self.analyzer_filter.blockSignals(True)
        self.analyzer_filter.clear()
        self.analyzer_filter.addItem("All analyzers", None)
        self.analyzer_filter.blockSignals(False)
        self.filter.set_analyzer(None)
        self._add_analyzer_names(findings)
        self._select_first_if_none()

    def add_findings(self, findings: list[Finding]) -> None:
        """Findings the running analysis just reported."""
        self.model.append(findings)
        self._add_analyzer_names(findings)
        if findings:
            self._select_first_if_none()

    def show_analysis(self, findings: list[Finding], offsets: dict[str, timedelta]) -> None:
        """The analysis's final, sorted findings, keeping the selected one selected."""
        selected = self.current_finding()
        self.set_clock_offsets(offsets)
        self.model.reset(findings)
        self._add_analyzer_names(findings)
        self.select_finding(selected)

    def set_clock_offsets(self, offsets: dict[str, timedelta]) -> None:
        self.model.set_clock_offsets(offsets)
        self.detail.clock_offsets = offsets

    def _add_analyzer_names(self, findings: Iterable[Finding]) -> None:
        known = {self.analyzer_filter.itemData(i) for i in range(self.analyzer_filter.count())}
        for name in sorted({f.analyzer for f in findings} - known):
            self.analyzer_filter.addItem(name, name)

    def _update_counts(self) -> None:
        hidden = self.filter.hidden_count()
        self.hidden_label.setText(f"{hidden:,} hidden by filters" if hidden else "")
        self.counts_label.setText(f"{self.model.rowCount():,} findings")

    def _apply_severity_filter(self) -> None:
        self.filter.set_severities(s for s, b in self.severity_buttons.items() if b.isChecked())

    # -- selection and navigation -------------------------------------------------------

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_finding(self, finding: Finding | None) -> None:
        """Select ``finding`` if the table shows it; None selects the first row."""
        if finding is None:
            if self.filter.rowCount():
                self.table.selectRow(0)
            return
        for row in range(self.filter.rowCount()):
            if self.filter.index(row, 0).data(ROW_ROLE) is finding:
                self.table.selectRow(row)
                return

    def _select_first_if_none(self) -> None:
        if self.table.currentIndex().row() < 0 and self.filter.rowCount():
            self.table.selectRow(0)

    def step(self, step: int) -> None:
        """Select the finding ``step`` rows down (up when negative), stopping at the ends."""
        rows = self.filter.rowCount()
        if rows:
            current = self.table.currentIndex().row()
            self.table.selectRow(max(0, min(rows - 1, current + step)) if current >= 0 else 0)

    def focus_filter(self) -> None:
        self.text_filter.setFocus()
        self.text_filter.selectAll()

    def focus_evidence(self) -> None:
        self.detail.evidence.setFocus()
        if self.detail.evidence.currentRow() < 0 and self.detail.evidence.count():
            self.detail.evidence.setCurrentRow(0)

    def clear_filters(self) -> None:
        """Every severity, every analyzer, no text: a new bundle starts unfiltered."""
        self.text_filter.clear()
        for button in self.severity_buttons.values():
            button.setChecked(True)
        self.analyzer_filter.setCurrentIndex(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = self.width() < self.NARROW
        self.table.setColumnHidden(2, narrow)
        self.model.set_compact(narrow)
        # Side by side the detail and its evidence each get too little: stack them.
        self.detail.splitter.setOrientation(Qt.Orientation.Vertical if narrow
                                            else Qt.Orientation.Horizontal)

    def jump_to_evidence(self) -> None:
        """Ask for the selected evidence of the selected finding (else its first)."""
        evidence_list = self.detail.evidence
        item = evidence_list.currentItem() or evidence_list.item(0)
        if item is not None:
            self.evidence_activated.emit(item.data(Qt.ItemDataRole.UserRole))

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_finding(current.data(ROW_ROLE) if current.isValid() else None)

    def _menu(self, position: Any) -> None:
        if self.current_finding() is None:
            return
        menu = QMenu(self)
        menu.addAction("Jump to evidence", self.jump_to_evidence)
        for action in self.menu_actions:
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(position))
