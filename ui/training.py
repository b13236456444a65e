"""Training mode: diagnose a sample scenario with the findings hidden, then see the key.

``TrainingDialog`` is standalone (the main window opens it from its menu with the app's data
directory). A round: pick a scenario (listed easy first, with the best score so far; its
title is the symptom as the customer reported it), the dialog builds its bundle and analyzes
it in the background (``ui.worker.Task``) while the trainee browses the raw evidence in the
same viewers as the main window (text, packets, HAR, SQL: ``ui.evidence_viewers``, without
the timeline, whose incidents would give the answer away); the trainee cites what is
selected there (lines, packets, entries, a statement), picks a root cause, writes a
diagnosis and submits; the dialog shows the score and its explanation
(``inspector.training.score``, which credits evidence of the same finding group as the key
items), records the attempt, and only then reveals the analyzers' findings.
Double-clicking a finding's evidence shows that place in the viewer.

Decisions the next engineer needs:

- Customer text is always plain: the viewers show it as the main window does, lists and
  trees hold plain item text, and every ``QLabel`` is set to ``Qt.PlainText`` (Qt would
  otherwise guess rich text from a leading tag).
- Findings are not even put in the findings tree before the diagnosis is submitted.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.analysis import Analysis
from inspector.bundle import open_bundle
from inspector.engine import Update
from inspector.model import Evidence, Finding, WholeLocator
from inspector.training import (
    ROOT_CAUSES,
    Diagnosis,
    Score,
    TrainingCase,
    TrainingProgress,
    prepare_case,
    scenarios_by_difficulty,
    score,
)
from ui.evidence_viewers import EvidenceViewers
from ui.worker import BundleOpened, Task, TaskState, analyze

MAX_CITED_ITEMS = 10
FINDING_EVIDENCE_SHOWN = 5
SCENARIO_LIST_WIDTH = 330


@dataclass(frozen=True)
class PreparedCase:
    """A scenario built and analyzed, ready for a round.

    Attributes:
        opened: the bundle as the viewers open it (its members, read in place).
    """

    case: TrainingCase
    analysis: Analysis
    opened: BundleOpened


def prepare_training(state: TaskState, name: str, directory: Path) -> PreparedCase:
    """Background work: build scenario ``name`` and analyze it."""
    case = prepare_case(name, directory / name)
    analysis = analyze(state, case.bundle_path)
    with open_bundle(case.bundle_path) as bundle:
        limits = bundle.limits
    return PreparedCase(case, analysis, BundleOpened(case.bundle_path, limits,
                                                     list(analysis.artifacts), []))


# --- the dialog ------------------------------------------------------------------------------


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class WrappedTitles(QStyledItemDelegate):
    """A scenario's title wrapped onto as many lines as the column's width needs: a tree
    asks its rows for their height without telling them the column's width."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree
        tree.header().sectionResized.connect(lambda *_: tree.scheduleDelayedItemsLayout())

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != 0:
            return hint
        depth = 1 if index.parent().isValid() else 0
        width = max(40, self.tree.columnWidth(0) - self.tree.indentation() * (depth + 1) - 8)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        needed = self.tree.fontMetrics().boundingRect(
            QRect(0, 0, width, 0), Qt.TextFlag.TextWordWrap, text).height() + 6
        return QSize(hint.width(), max(hint.height(), needed))


def _where(evidence: Evidence) -> str:
    return f"{evidence.artifact}, {evidence.locator.describe()}"


class TrainingDialog(QDialog):
    """Training mode for one trainee, progress kept in ``data_dir``.

    Attributes:
        progress: the trainee's recorded attempts.
        prepared: the current round's scenario, or ``None`` while none is ready.
        citations: the evidence cited so far in this round.
        result: the score of this round once submitted.

    Signals:
        case_ready(object): a scenario is built and analyzed (``PreparedCase``).
        preparation_failed(str): it could not be; the message says why.
        scored(object): the diagnosis was scored (``Score``).
        findings_revealed(int): the analyzers' findings are shown (how many).
    """

    case_ready = Signal(object)
    preparation_failed = Signal(str)
    scored = Signal(object)
    findings_revealed = Signal(int)

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Training")
        self.resize(1200, 800)
        self.progress = TrainingProgress(Path(data_dir))
        self.prepared: PreparedCase | None = None
        self.citations: list[Evidence] = []
        self.result: Score | None = None
        self._task: Task | None = None
        self._scratch: Path | None = None  # where rounds' bundles are built, made on first use
        self._remove_scratch: weakref.finalize | None = None
        self._build_widgets()
        self._fill_scenarios()
        self._set_round_enabled(False)
        if self.progress.problem:
            self.status.setText(self.progress.problem)

    # -- layout ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.scenarios = QTreeWidget()
        self.scenarios.setHeaderLabels(["Scenario", "Best"])
        self.scenarios.setWordWrap(True)
        self.scenarios.setUniformRowHeights(False)
        self.scenarios.setItemDelegate(WrappedTitles(self.scenarios))
        self.scenarios.header().setStretchLastSection(False)
        self.scenarios.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.scenarios.header().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.scenarios.itemDoubleClicked.connect(self._start_selected)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self._start_selected)
        self.status = _plain_label("Pick a scenario. The findings stay hidden until you "
                                   "submit your diagnosis.")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.scenarios)
        left_layout.addWidget(self.start_button)
        left_layout.addWidget(self.status)

        self.case_title = _plain_label()
        self.artifacts = QListWidget()
        self.artifacts.currentItemChanged.connect(self._artifact_chosen)
        self.viewers = EvidenceViewers(with_timeline=False)
        for viewer in self.viewers.by_kind.values():
            viewer.EMPTY = "Pick a member of the bundle in the list to read it here."
            viewer.show_placeholder()
        self.viewers.message.connect(lambda text, _ms: self.view_note.setText(text))
        self.viewers.evidence_chosen.connect(self.cite)
        self.view_note = _plain_label()
        self.cite_button = QPushButton("Cite the selection (lines, packets, an entry)")
        self.cite_button.clicked.connect(self.cite_selection)
        viewer_box = QWidget()
        viewer_layout = QVBoxLayout(viewer_box)
        viewer_layout.setContentsMargins(0, 0, 0, 0)
        viewer_layout.addWidget(self.viewers)
        viewer_layout.addWidget(self.view_note)
        viewer_layout.addWidget(self.cite_button)
        evidence_split = QSplitter(Qt.Orientation.Horizontal)
        evidence_split.addWidget(self.artifacts)
        evidence_split.addWidget(viewer_box)
        evidence_split.setStretchFactor(1, 3)

        self.root_cause = QComboBox()
        self.root_cause.addItem("Choose the root cause\u2026", None)
        for cause in ROOT_CAUSES:
            self.root_cause.addItem(cause.label, cause.id)
            self.root_cause.setItemData(self.root_cause.count() - 1, cause.description,
                                        Qt.ItemDataRole.ToolTipRole)
        self.root_cause.currentIndexChanged.connect(self._update_submit)
        self.diagnosis_text = QPlainTextEdit()
        self.diagnosis_text.setPlaceholderText("Your diagnosis, in your own words")
        self.cited = QListWidget()
        self.remove_button = QPushButton("Remove citation")
        self.remove_button.clicked.connect(self._remove_citation)
        self.submit_button = QPushButton("Submit diagnosis")
        self.submit_button.clicked.connect(self.submit)
        diagnosis = QGroupBox("Diagnosis")
        diagnosis_layout = QVBoxLayout(diagnosis)
        diagnosis_layout.addWidget(self.root_cause)
        diagnosis_layout.addWidget(self.diagnosis_text)
        diagnosis_layout.addWidget(_plain_label("Evidence you rely on:"))
        diagnosis_layout.addWidget(self.cited)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        buttons.addWidget(self.submit_button)
        diagnosis_layout.addLayout(buttons)

        self.explanation = QPlainTextEdit()
        self.explanation.setReadOnly(True)
        self.findings = QTreeWidget()
        self.findings.setHeaderLabels(["Severity", "Rule", "Finding"])
        self.findings.itemDoubleClicked.connect(self._finding_clicked)
        self.results = QGroupBox("Score and the analyzers' findings")
        results_layout = QVBoxLayout(self.results)
        results_layout.addWidget(self.explanation)
        results_layout.addWidget(self.findings)
        self.results.setVisible(False)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(diagnosis)
        lower.addWidget(self.results)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(evidence_split)
        right.addWidget(lower)
        right.setStretchFactor(0, 3)
        right_box = QWidget()
        right_layout = QVBoxLayout(right_box)
        right_layout.addWidget(self.case_title)
        right_layout.addWidget(right)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(right_box)
        main.setStretchFactor(1, 4)
        main.setSizes([SCENARIO_LIST_WIDTH, 1200 - SCENARIO_LIST_WIDTH])
        layout = QVBoxLayout(self)
        layout.addWidget(main)

    def _fill_scenarios(self) -> None:
        self.scenarios.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        passed = self.progress.passed()
        for scenario in scenarios_by_difficulty():
            group = groups.get(scenario.difficulty)
            if group is None:
                group = QTreeWidgetItem([scenario.difficulty.capitalize(), ""])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[scenario.difficulty] = group
                self.scenarios.addTopLevelItem(group)
            best = self.progress.best(scenario.name)
            mark = " \u2713" if scenario.name in passed else ""  # passed at least once
            shown = "" if best is None else f"{best}{mark}"
            item = QTreeWidgetItem([scenario.title, shown])
            item.setToolTip(0, scenario.title)
            item.setData(0, Qt.ItemDataRole.UserRole, scenario.name)
            group.addChild(item)
        self.scenarios.expandAll()

    def _set_round_enabled(self, enabled: bool) -> None:
        for widget in (self.cite_button, self.root_cause, self.diagnosis_text, self.cited,
                       self.remove_button):
            widget.setEnabled(enabled)
        self._update_submit()

    @Slot()
    def _update_submit(self) -> None:
        self.submit_button.setEnabled(self.prepared is not None and self.result is None
                                      and self.root_cause.currentData() is not None)

    # -- a round --------------------------------------------------------------------------

    def scenario_items(self) -> dict[str, QTreeWidgetItem]:
        """The tree's scenario items by scenario name."""
        items = {}
        for group in range(self.scenarios.topLevelItemCount()):
            parent = self.scenarios.topLevelItem(group)
            for child in range(parent.childCount()):
                item = parent.child(child)
                items[item.data(0, Qt.ItemDataRole.UserRole)] = item
        return items

    @Slot()
    def _start_selected(self) -> None:
        item = self.scenarios.currentItem()
        name = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if name:
            self.start(name)

    def start(self, name: str) -> None:
        """Begin a round on scenario ``name``: build and analyze it in the background."""
        if self._task is not None:
            self._task.cancel()
        self.prepared, self.result, self.citations = None, None, []
        self.artifacts.clear()
        self.viewers.set_bundle(None)
        self.view_note.clear()
        self.cited.clear()
        self.findings.clear()
        self.explanation.clear()
        self.diagnosis_text.clear()
        self.root_cause.setCurrentIndex(0)
        self.results.setVisible(False)
        self._set_round_enabled(False)
        self.case_title.setText("")
        self.status.setText("Preparing the scenario\u2026")
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="inspector-training-"))
            # Removed on close, or when the dialog is collected without being closed.
            self._remove_scratch = weakref.finalize(self, shutil.rmtree, self._scratch,
                                                    ignore_errors=True)
        task = Task(prepare_training, name, self._scratch, name="training", parent=self)
        task.partial.connect(self._preparation_progress)
        task.finished.connect(lambda prepared, task=task: self._case_ready(task, prepared))
        task.failed.connect(lambda message, task=task: self._preparation_failed(task, message))
        self._task = task.start()

    @Slot(object)
    def _preparation_progress(self, item: object) -> None:
        if isinstance(item, Update):
            self.status.setText(f"Preparing the scenario\u2026 {item.progress.overall:.0%}")

    def _case_ready(self, task: Task, prepared: PreparedCase) -> None:
        if task is not self._task:
            return  # a round the trainee abandoned for another
        self.prepared = prepared
        scenario = prepared.case.scenario
        self.viewers.set_bundle(prepared.opened)
        self.viewers.set_analysis(prepared.analysis)  # statuses and stats, not findings
        self.case_title.setText(f"The customer says: {scenario.title} ({scenario.difficulty})")
        for artifact in prepared.analysis.artifacts:
            item = QListWidgetItem(f"{artifact.path}  [{artifact.kind.value}]")
            item.setData(Qt.ItemDataRole.UserRole, artifact.path)
            self.artifacts.addItem(item)
        self.status.setText("Browse the evidence, cite what you rely on, then submit.")
        self._set_round_enabled(True)
        if self.artifacts.count():
            self.artifacts.setCurrentRow(0)
        self.case_ready.emit(prepared)

    def _preparation_failed(self, task: Task, message: str) -> None:
        if task is not self._task:
            return
        self.status.setText(f"The scenario could not be prepared: {message}")
        self.preparation_failed.emit(message)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _artifact_chosen(self, current: QListWidgetItem | None,
                         _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.show_artifact(current.data(Qt.ItemDataRole.UserRole))

    def show_artifact(self, path: str) -> None:
        """Show an artifact of the current round in its viewer."""
        if self.prepared is None:
            return
        self.viewers.open_evidence(Evidence(path, WholeLocator()), record=False)
        self._select_listed(path)

    def _select_listed(self, path: str) -> None:
        for row in range(self.artifacts.count()):
            item = self.artifacts.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == path and self.artifacts.currentRow() != row:
                self.artifacts.blockSignals(True)
                self.artifacts.setCurrentRow(row)
                self.artifacts.blockSignals(False)

    @Slot()
    def cite_selection(self) -> None:
        """Cite what is selected in the viewer in front: a line range, packets, entries, a
        statement."""
        chosen = self.viewers.selected_evidence()
        if not chosen:
            self.status.setText("Select lines, packets, an entry or a statement to cite.")
        for evidence in chosen[:MAX_CITED_ITEMS]:
            self.cite(evidence)

    def cite(self, evidence: Evidence) -> None:
        """Add ``evidence`` to the citations (once) while the round is open."""
        if self.prepared is None or self.result is not None:
            return
        if any((c.artifact, c.locator) == (evidence.artifact, evidence.locator)
               for c in self.citations):
            return
        self.citations.append(evidence)
        self.cited.addItem(_where(evidence))

    @Slot()
    def _remove_citation(self) -> None:
        row = self.cited.currentRow()
        if 0 <= row < len(self.citations) and self.result is None:
            del self.citations[row]
            self.cited.takeItem(row)

    def choose_root_cause(self, cause_id: str) -> None:
        self.root_cause.setCurrentIndex(self.root_cause.findData(cause_id))

    @Slot()
    def submit(self) -> None:
        """Score the diagnosis, record it, explain it, and reveal the findings."""
        cause = self.root_cause.currentData()
        if self.prepared is None or self.result is not None or cause is None:
            return
        case = self.prepared.case
        diagnosis = Diagnosis(cause, self.diagnosis_text.toPlainText(), list(self.citations))
        self.result = score(case.scenario, case.answer_key, diagnosis,
                            findings=self.prepared.analysis.findings)
        try:
            self.progress.record(self.result)
        except OSError as exc:
            self.status.setText(f"Your progress could not be saved: {exc}")
        else:
            self.status.setText(f"Scored {self.result.points}/100. Pick another scenario, "
                                "or start this one again.")
        self.explanation.setPlainText(self.result.explanation())
        self._set_round_enabled(False)
        self.results.setVisible(True)
        self._fill_scenarios()
        self.scored.emit(self.result)
        self._reveal(self.prepared.analysis.findings)

    def _reveal(self, findings: list[Finding]) -> None:
        for finding in findings:
            item = QTreeWidgetItem([finding.severity.value, finding.rule, finding.title])
            for evidence in finding.evidence[:FINDING_EVIDENCE_SHOWN]:
                child = QTreeWidgetItem(["", _where(evidence), evidence.excerpt])
                child.setData(0, Qt.ItemDataRole.UserRole, evidence)
                item.addChild(child)
            self.findings.addTopLevelItem(item)
        for column in range(2):
            self.findings.resizeColumnToContents(column)
        self.findings_revealed.emit(len(findings))

    @Slot(QTreeWidgetItem, int)
    def _finding_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        evidence = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(evidence, Evidence):
            self.go_to(evidence)

    def go_to(self, evidence: Evidence) -> None:
        """Show the artifact of ``evidence`` with its place selected."""
        if self.prepared is None:
            return
        if self.viewers.open_evidence(evidence, record=False):
            self._select_listed(evidence.artifact)

    def _shut_down(self) -> None:
        """Stop a preparation still running and the viewers' reads, remove the bundles."""
        if self._task is not None:
            self._task.cancel()
            self._task.wait(30)
        self.viewers.wait_idle()
        if self._remove_scratch is not None:
            self._remove_scratch()

    def done(self, result: int) -> None:
        self._shut_down()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # a hidden dialog closes without done()
        self._shut_down()
        super().closeEvent(event)
