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
(``evidence_activated``); the window decides which viewer shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.model import Finding, Severity
from inspector.views.findings import describe_finding, evidence_line
from ui.models import ROW_ROLE, FindingsFilter, findings_model
from ui.seen_before import SeenBefore


def _plain_label(text: str = "") -> QLabel:
    """A label that never reads its text as markup (customer text can look like HTML)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class FindingDetail(QWidget):
    """Title, detail, facts, remediation, references and the evidence list of a finding.

    Attributes:
        clock_offsets: each source's clock offset, by artifact path (set with each analysis).

    Signals:
        evidence_activated(object): the user opened an ``Evidence``.
    """

    evidence_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding: Finding | None = None
        self.clock_offsets: dict[str, timedelta] = {}
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setPlaceholderText("Select a finding to see what it means and its evidence")
        self.evidence = QListWidget()
        self.evidence.setToolTip("Double-click or press Return to open the evidence")
        self.evidence.itemActivated.connect(
            lambda item: self.evidence_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        splitter = QSplitter(Qt.Orientation.Horizontal)
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
        self.table.verticalHeader().hide()
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
            button = QToolButton(text=severity.value, checkable=True, checked=True)
            button.toggled.connect(self._apply_severity_filter)
            self.severity_buttons[severity] = button
            bar.addWidget(button)
        self.analyzer_filter = QComboBox()
        self.analyzer_filter.addItem("All analyzers", None)
        self.analyzer_filter.currentIndexChanged.connect(
            lambda _: self.filter.set_analyzer(self.analyzer_filter.currentData()))
        self.text_filter = QLineEdit(placeholderText="Filter findings (Ctrl+F)")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.filter.set_text)
        self.hidden_label = _plain_label()
        self.counts_label = _plain_label()
        bar.addWidget(self.analyzer_filter)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.hidden_label)
        for signal in (self.filter.rowsInserted, self.filter.rowsRemoved,
                       self.filter.modelReset, self.filter.layoutChanged):
            signal.connect(self._update_counts)

        self.detail = FindingDetail()
        self.detail.evidence_activated.connect(self.evidence_activated)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
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
