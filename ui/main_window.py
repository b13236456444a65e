"""The main window: open a bundle, watch it being analyzed, follow findings to evidence.

Layout (every dock can be moved; the layout is saved in ``QSettings``):

- left dock *Bundle*: the members tree with kind, size and status;
- centre: the findings table (filters above it) over the finding detail, and beside them
  the evidence viewers in tabs (Text, Packets, HAR, SQL, Timeline);
- bottom docks *Analysis* (per-analyzer progress), *Problems* and *Report*.

The analysis runs through ``ui.worker.Task`` (``worker.analyze``): the engine's updates
arrive as queued signals, findings are appended as they come, and at the end the table is
replaced by the engine's sorted list (keeping the selection). Opening another bundle
cancels the running analysis first. A bundle that cannot be opened shows a banner with the
reason and leaves everything else as it was.

Keyboard: Ctrl+O open, Ctrl+F find (the findings filter), F8 / Shift+F8 next / previous
finding, Return or F4 jump to the selected finding's first evidence, Ctrl+R add the finding
to the report, Ctrl+. cancel the analysis, Ctrl+1..5 switch evidence viewers, Ctrl+Shift+S
create a signature from the selected finding, Ctrl+Shift+L from the text viewer's selected
line (both also on the right-click menus), Ctrl+Shift+T training mode.

The Tools menu opens two standalone dialogs:

- Training mode (``ui.training.TrainingDialog``), non-modal, one per window, with progress
  in the app's data directory (``inspector.knowledge.user_data_dir``: the same folder the
  knowledge base uses, so the two never disagree about where the user's things live).
- Create signature (``ui.signature_editor.SignatureEditor``), window-modal, previewing its
  matches in the open bundle (once its analysis has finished) and in every sample. The
  samples are built and analyzed once per window (``SampleTargets``, closed with the
  window); the open bundle is reopened for each editor, from the analysis's member list
  (no rescan), and closed with it, so no archive handle is shared between threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from analyzers import BUILTIN
from inspector.analysis import Analysis
from inspector.bundle import Bundle, reopen_bundle
from inspector.engine import Update
from inspector.knowledge import AnalysisView, SampleTargets, Target, user_data_dir
from inspector.model import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    Evidence,
    Finding,
    Severity,
    WholeLocator,
)
from inspector.timeline import corrected_span, offset_text, recorded_offsets
from inspector.workspace import Session, WorkspaceError, open_workspace
from ui.models import (
    PATH_ROLE,
    ROW_ROLE,
    SEVERITY_COLOURS,
    BundleTree,
    Column,
    FindingsFilter,
    RowsModel,
    findings_model,
)
from ui.report_pane import ReportPane
from ui.signature_editor import SignatureEditor
from ui.training import TrainingDialog
from ui.viewers import HAR, PACKETS, SQL, TEXT, MemberSource, viewer_kind
from ui.viewers.har import HarViewer
from ui.viewers.packets import PacketViewer
from ui.viewers.sql import SqlViewer
from ui.viewers.text import TextViewer
from ui.viewers.timeline import TimelineViewer
from ui.worker import BundleOpened, Task, analyze

RECENT_LIMIT = 10
PROGRESS_COLUMNS = 3
BUNDLE_FILTER = ("Bundles (*.zip *.tar *.tgz *.tar.gz *.tar.bz2 *.tbz2 *.tar.xz *.txz *.gz "
                 "*.pcap *.pcapng *.har *.log *.sql *.txt *.json);;All files (*)")

PROBLEM_COLUMNS = (
    Column("Kind", lambda p: p.kind.value),
    Column("Artifact", lambda p: p.artifact or ""),
    Column("Analyzer", lambda p: p.analyzer or ""),
    Column("Message", lambda p: p.message),
)


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def describe_finding(finding: Finding, offsets: Mapping[str, timedelta] | None = None) -> str:
    """The detail pane's text: everything about a finding, as plain text. ``offsets`` (by
    artifact) put the times of a source that writes local time on UTC."""
    parts = [finding.title, "",
             f"{finding.severity.value.upper()} · {finding.rule} · {finding.category} · "
             f"by {finding.analyzer} · seen {finding.count:,}×"]
    first, last, offset = corrected_span(finding, offsets or {})
    if first:
        until = f" to {last:%Y-%m-%d %H:%M:%S}" if last else ""
        parts.append(f"From {first:%Y-%m-%d %H:%M:%S}{until} UTC")
        if offset:
            parts.append(f"(its source writes {offset_text(offset)} without a zone: "
                         "corrected here; the text below keeps its own times)")
    if finding.detail:
        parts += ["", finding.detail]
    if finding.facts:
        parts += ["", "Facts:"]
        parts += [f"  {name}: {value}" for name, value in finding.facts.items()]
    if finding.remediation:
        parts += ["", "Remediation:", finding.remediation]
    if finding.references:
        parts += ["", "References:", *(f"  {reference}" for reference in finding.references)]
    return "\n".join(parts)


DRAFT_SAVE_MS = 300


class FindingDetail(QWidget):
    """Title, detail, facts, remediation, references and the evidence list of a finding.

    Signals:
        evidence_activated(object): the user opened an ``Evidence``.
    """

    evidence_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding: Finding | None = None
        self.clock_offsets: dict[str, timedelta] = {}  # set with each analysis
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
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_finding(self, finding: Finding | None) -> None:
        self.finding = finding
        self.evidence.clear()
        if finding is None:
            self.text.clear()
            return
        self.text.setPlainText(describe_finding(finding, self.clock_offsets))
        for evidence in finding.evidence:
            excerpt = " ".join(evidence.excerpt.split())[:200]
            item = QListWidgetItem(f"{evidence.artifact} · {evidence.locator.describe()}"
                                   + (f"\n    {excerpt}" if excerpt else ""))
            item.setData(Qt.ItemDataRole.UserRole, evidence)
            self.evidence.addItem(item)
        if finding.evidence:
            self.evidence.setCurrentRow(0)


class ProgressPanel(QWidget):
    """One bar per analyzer (done/total jobs, failures) and what runs now.

    Bars sit ``PROGRESS_COLUMNS`` to a row, so the Analysis dock stays a few lines tall.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: dict[str, QProgressBar] = {}
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(2)
        self.running = _plain_label()
        self.running.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(self.grid)
        layout.addWidget(self.running)
        layout.addStretch()

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.bars = {}
        self.running.clear()

    def show_progress(self, update: Update) -> None:
        for name, progress in sorted(update.progress.analyzers.items()):
            bar = self.bars.get(name)
            if bar is None:
                row, column = divmod(len(self.bars), PROGRESS_COLUMNS)
                bar = self.bars[name] = QProgressBar()
                self.grid.addWidget(_plain_label(name), row, 2 * column)
                self.grid.addWidget(bar, row, 2 * column + 1)
                self.grid.setColumnStretch(2 * column + 1, 1)
            bar.setMaximum(max(progress.total, 1))
            bar.setValue(progress.done)
            failed = f", {progress.failed} failed" if progress.failed else ""
            bar.setFormat(f"{progress.done}/{progress.total}{failed}")
        self.running.setText("\n".join(f"{analyzer}: {path} ({fraction:.0%})"
                                       for path, analyzer, fraction in update.progress.running))


class MainWindow(QMainWindow):
    """The Bundle Inspector main window.

    Signals:
        analysis_finished(object): the final ``Analysis`` (also after a cancel).
        bundle_failed(str): the bundle could not be opened; the reason.
    """

    analysis_finished = Signal(object)
    bundle_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bundle Inspector")
        self.setAcceptDrops(True)
        self.task: Task | None = None
        self.opened: BundleOpened | None = None
        self.analysis: Analysis | None = None
        self.artifacts: dict[str, Artifact] = {}
        self.running = False
        self.training_dialog: TrainingDialog | None = None
        self.signature_editor: SignatureEditor | None = None
        self._samples: SampleTargets | None = None

        self._build_findings()
        self._build_viewers()
        self._build_docks()
        self._build_actions()
        self._build_status_bar()
        self._restore_settings()

    # -- construction ---------------------------------------------------------------------

    def _build_findings(self) -> None:
        self.findings = findings_model(self)
        self.filter = FindingsFilter(self)
        self.filter.setSourceModel(self.findings)
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
        self.table.selectionModel().currentRowChanged.connect(self._on_finding_selected)
        self.table.activated.connect(lambda _: self.jump_to_evidence())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._findings_menu)

        self.severity_buttons: dict[Severity, QToolButton] = {}
        bar = QHBoxLayout()
        for severity in Severity:
            button = QToolButton(text=severity.value, checkable=True, checked=True)
            colour = SEVERITY_COLOURS[severity].name()
            button.setStyleSheet(f"QToolButton:checked {{ border-bottom: 3px solid {colour}; }}")
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
        bar.addWidget(self.analyzer_filter)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.hidden_label)
        for signal in (self.filter.rowsInserted, self.filter.rowsRemoved,
                       self.filter.modelReset, self.filter.layoutChanged):
            signal.connect(self._update_counts)

        self.detail = FindingDetail()
        self.detail.evidence_activated.connect(self.open_evidence)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.table)
        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.setObjectName("findings-splitter")
        self.left_splitter.addWidget(top)
        self.left_splitter.addWidget(self.detail)
        self.left_splitter.setStretchFactor(0, 3)
        self.left_splitter.setStretchFactor(1, 2)

    def _build_viewers(self) -> None:
        self.text_viewer = TextViewer()
        self.packet_viewer = PacketViewer()
        self.har_viewer = HarViewer()
        self.sql_viewer = SqlViewer()
        self.timeline = TimelineViewer()
        self.viewers = QTabWidget()
        self.viewers.setDocumentMode(True)
        self.viewer_tabs = {TEXT: self.text_viewer, PACKETS: self.packet_viewer,
                            HAR: self.har_viewer, SQL: self.sql_viewer}
        for title, widget in (("Text", self.text_viewer), ("Packets", self.packet_viewer),
                              ("HAR", self.har_viewer), ("SQL", self.sql_viewer),
                              ("Timeline", self.timeline)):
            self.viewers.addTab(widget, title)
        for viewer in (self.text_viewer, self.packet_viewer, self.har_viewer, self.sql_viewer,
                       self.timeline):
            viewer.status.connect(self.statusBar().showMessage)
        self.timeline.evidence_activated.connect(self.open_evidence)
        self.sql_viewer.evidence_activated.connect(self.open_evidence)
        self.text_viewer.signature_requested.connect(self.signature_from_line)

        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet("QFrame { background: #b71c1c; } QLabel { color: white; }")
        self.banner_text = _plain_label()
        self.banner_text.setWordWrap(True)
        close = QToolButton(text="✕")
        close.clicked.connect(self.banner.hide)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(close)
        self.banner.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(self.viewers)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.tree_model = BundleTree(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(False)
        self.tree.activated.connect(self._on_tree_activated)
        self.bundle_dock = self._dock("Bundle", self.tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.progress_panel = ProgressPanel()
        progress_scroll = QScrollArea()  # the dock may be shorter than every bar
        progress_scroll.setWidgetResizable(True)
        progress_scroll.setFrameShape(QFrame.Shape.NoFrame)
        progress_scroll.setWidget(self.progress_panel)
        self.progress_dock = self._dock("Analysis", progress_scroll,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.problems = RowsModel(PROBLEM_COLUMNS, self)
        problems_view = QTableView()
        problems_view.setModel(self.problems)
        problems_view.verticalHeader().hide()
        problems_view.horizontalHeader().setStretchLastSection(True)
        problems_view.setWordWrap(False)
        self.problems_dock = self._dock("Problems", problems_view,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.report = ReportPane()
        self.report.setEnabled(False)
        self.session: Session | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        # Short: what was typed just before a crash or a kill is what the engineer misses.
        # A save is one small atomic write; typing bursts still coalesce into one.
        self._save_timer.setInterval(DRAFT_SAVE_MS)
        self._save_timer.timeout.connect(self.save_workspace)
        self.report.changed.connect(self._schedule_save)
        self.report_dock = self._dock("Report", self.report,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.progress_dock, self.problems_dock)
        self.tabifyDockWidget(self.problems_dock, self.report_dock)
        self.progress_dock.raise_()

    def _action(self, text: str, shortcut: Any, slot: Any, menu: QMenu) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_action = self._action("&Open bundle…", QKeySequence.StandardKey.Open,
                                        self.choose_bundle, file_menu)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.cancel_action = self._action("&Cancel analysis", "Ctrl+.", self.cancel_analysis,
                                          file_menu)
        self.cancel_action.setEnabled(False)
        file_menu.addSeparator()
        self._action("&Quit", QKeySequence.StandardKey.Quit, self.close, file_menu)
        find_menu = bar.addMenu("F&indings")
        self._action("&Find", QKeySequence.StandardKey.Find, self._focus_filter, find_menu)
        self._action("&Next finding", "F8", lambda: self.step_finding(1), find_menu)
        self._action("&Previous finding", "Shift+F8", lambda: self.step_finding(-1), find_menu)
        self._action("&Jump to evidence", "F4", self.jump_to_evidence, find_menu)
        self.add_to_report_action = self._action("&Add to report", "Ctrl+R",
                                                 self.add_to_report, find_menu)
        tools_menu = bar.addMenu("&Tools")
        self.signature_from_finding_action = self._action(
            "Create &signature from finding…", "Ctrl+Shift+S", self.signature_from_finding,
            tools_menu)
        self.signature_from_line_action = self._action(
            "Create signature from selected &line…", "Ctrl+Shift+L", self.signature_from_line,
            tools_menu)
        tools_menu.addSeparator()
        self.training_action = self._action("&Training mode…", "Ctrl+Shift+T",
                                            self.open_training, tools_menu)
        view_menu = bar.addMenu("&View")
        for number, title in enumerate(("Text", "Packets", "HAR", "SQL", "Timeline")):
            self._action(title, f"Ctrl+{number + 1}",
                         lambda _=False, n=number: self.viewers.setCurrentIndex(n), view_menu)
        view_menu.addSeparator()
        for dock in (self.bundle_dock, self.progress_dock, self.problems_dock, self.report_dock):
            view_menu.addAction(dock.toggleViewAction())
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar-main")
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.cancel_action)
        self._refresh_recent_menu()

    def _build_status_bar(self) -> None:
        self.counts_label = _plain_label()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_analysis)
        self.cancel_button.hide()
        status = self.statusBar()
        status.addPermanentWidget(self.counts_label)
        status.addPermanentWidget(self.progress_bar)
        status.addPermanentWidget(self.cancel_button)
        status.showMessage("Open a bundle: File > Open (Ctrl+O), drop one here, or pick a "
                           "recent one")

    # -- settings -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
            self.splitter.setSizes([800, 700])
        self._first_layout = not isinstance(settings.value("window/state"), QByteArray)
        for key, restore in (("window/state", self.restoreState),
                             ("window/main-splitter", self.splitter.restoreState),
                             ("window/findings-splitter", self.left_splitter.restoreState)):
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_layout:
            # Docks only take sizes once the window has its own: on the first show.
            self._first_layout = False
            QTimer.singleShot(0, self._default_dock_sizes)

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.bundle_dock], [300], Qt.Orientation.Horizontal)
        self.resizeDocks([self.progress_dock], [130], Qt.Orientation.Vertical)

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/main-splitter", self.splitter.saveState())
        settings.setValue("window/findings-splitter", self.left_splitter.saveState())
        settings.sync()

    def recent_bundles(self) -> list[str]:
        value = QSettings().value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_bundles() if p != str(path)]
        QSettings().setValue("recent", recent[:RECENT_LIMIT])
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_bundles()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_bundle(p))
        self.recent_menu.setEnabled(bool(recent))

    # -- opening and analysis -------------------------------------------------------------

    def choose_bundle(self) -> None:
        start = self.recent_bundles()[0] if self.recent_bundles() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open bundle", start, BUNDLE_FILTER)
        if path:
            self.open_bundle(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                event.acceptProposedAction()
                self.open_bundle(url.toLocalFile())
                return

    def open_bundle(self, path: str | Path) -> None:
        """Open and analyze ``path`` off the GUI thread; a running analysis is cancelled."""
        path = Path(path)
        if self.task is not None:
            self._detach_task()
        self.banner.hide()
        self.statusBar().showMessage(f"Opening {path}…")
        task = Task(analyze, path, name="analysis", parent=self)
        task.partial.connect(self._on_partial)
        task.finished.connect(self._on_finished)
        task.failed.connect(lambda message, p=path: self._on_failed(p, message))
        self.task = task.start()
        self._set_running(True)

    def _detach_task(self) -> None:
        """Stop listening to the current analysis and cancel it (it ends on its own)."""
        assert self.task is not None
        self.task.cancel()
        for signal in (self.task.partial, self.task.finished, self.task.failed):
            signal.disconnect()
        self.task = None

    def cancel_analysis(self) -> None:
        if self.task is not None and self.running:
            self.task.cancel()
            self.statusBar().showMessage("Cancelling: keeping what was found so far…")

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.cancel_action.setEnabled(running)
        self.cancel_button.setVisible(running)
        self.progress_bar.setVisible(running)
        if running:
            self.progress_bar.setValue(0)

    def _on_partial(self, item: Any) -> None:
        if isinstance(item, BundleOpened):
            self._show_bundle(item)
        elif isinstance(item, Update):
            self._on_update(item)

    def _show_bundle(self, opened: BundleOpened) -> None:
        for viewer in (self.text_viewer, self.packet_viewer, self.har_viewer, self.sql_viewer):
            viewer.close_source()
        self.opened = opened
        self.analysis = None
        self.artifacts = {a.path: a for a in opened.artifacts}
        self.tree_model.set_artifacts(opened.artifacts)
        self.tree.expandToDepth(1)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self._set_clock_offsets({})
        self.findings.reset(opened.findings)
        self.problems.reset(opened.problems)
        self.progress_panel.clear()
        self.detail.show_finding(None)
        self.timeline.set_analysis(None)
        self.analyzer_filter.blockSignals(True)
        self.analyzer_filter.clear()
        self.analyzer_filter.addItem("All analyzers", None)
        self.analyzer_filter.blockSignals(False)
        self.filter.set_analyzer(None)
        self._add_analyzer_names(opened.findings)
        self.report.setEnabled(False)  # until this bundle's analysis has finished
        self.setWindowTitle(f"{opened.source.name} · Bundle Inspector")
        self._remember(opened.source)
        self.statusBar().showMessage(f"Analyzing {opened.source.name}: "
                                     f"{len(opened.artifacts)} members")
        if self.table.currentIndex().row() < 0 and self.filter.rowCount():
            self.table.selectRow(0)

    def _add_analyzer_names(self, findings: list[Finding]) -> None:
        known = {self.analyzer_filter.itemData(i) for i in range(self.analyzer_filter.count())}
        for name in sorted({f.analyzer for f in findings} - known):
            self.analyzer_filter.addItem(name, name)

    def _on_update(self, update: Update) -> None:
        self.findings.append(update.findings)
        self.problems.append(update.problems)
        self._add_analyzer_names(update.findings)
        self.progress_bar.setValue(int(update.progress.overall * 1000))
        self.progress_panel.show_progress(update)
        if update.findings and self.table.currentIndex().row() < 0:
            self.table.selectRow(0)

    def _on_finished(self, analysis: Analysis) -> None:
        self.task = None
        self._set_running(False)
        self.progress_panel.running.clear()
        self.analysis = analysis
        selected = self.current_finding()
        self._set_clock_offsets(recorded_offsets(analysis.findings))
        self.findings.reset(analysis.findings)
        self.problems.reset(analysis.problems)
        self._add_analyzer_names(analysis.findings)
        for artifact in analysis.artifacts:
            self.artifacts[artifact.path] = artifact
            self.tree_model.update_artifact(artifact)
        self.timeline.set_analysis(analysis)
        self.sql_viewer.set_stats(analysis.stats)
        self._select_finding(selected)
        failed = sum(a.status is ArtifactStatus.FAILED for a in analysis.artifacts)
        cancelled = any(p.kind.value == "cancelled" for p in analysis.problems)
        state = "Analysis cancelled" if cancelled else "Analysis finished"
        self.statusBar().showMessage(
            f"{state}: {len(analysis.findings)} findings, {len(analysis.timeline)} events, "
            f"{failed} members failed, {len(analysis.problems)} problems", 15000)
        self._open_workspace(analysis)  # its restore notice, if any, replaces the summary
        self.report.setEnabled(True)
        self.analysis_finished.emit(analysis)

    def _set_clock_offsets(self, offsets: dict[str, timedelta]) -> None:
        """The analysis's clock offsets, for every place that shows a finding's times."""
        self.findings.set_clock_offsets(offsets)
        self.detail.clock_offsets = offsets
        self.report.clock_offsets = offsets

    def _on_failed(self, path: Path, message: str) -> None:
        self.task = None
        self._set_running(False)
        text = f"Cannot open {path.name}: {message}"
        self.banner_text.setText(text + "\nThe previous bundle, if any, is still open.")
        self.banner.show()
        self.statusBar().showMessage(text, 15000)
        self.bundle_failed.emit(message)

    # -- findings -------------------------------------------------------------------------

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _select_finding(self, finding: Finding | None) -> None:
        if finding is None:
            if self.filter.rowCount():
                self.table.selectRow(0)
            return
        for row in range(self.filter.rowCount()):
            if self.filter.index(row, 0).data(ROW_ROLE) is finding:
                self.table.selectRow(row)
                return

    def _on_finding_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_finding(current.data(ROW_ROLE) if current.isValid() else None)

    def step_finding(self, step: int) -> None:
        rows = self.filter.rowCount()
        if rows:
            current = self.table.currentIndex().row()
            self.table.selectRow(max(0, min(rows - 1, current + step)) if current >= 0 else 0)

    def _focus_filter(self) -> None:
        self.text_filter.setFocus()
        self.text_filter.selectAll()

    def _apply_severity_filter(self) -> None:
        self.filter.set_severities(s for s, b in self.severity_buttons.items() if b.isChecked())

    def _update_counts(self) -> None:
        hidden = self.filter.hidden_count()
        self.hidden_label.setText(f"{hidden:,} hidden by filters" if hidden else "")
        self.counts_label.setText(f"{self.findings.rowCount():,} findings")

    def jump_to_evidence(self) -> None:
        evidence_list = self.detail.evidence
        item = evidence_list.currentItem() or evidence_list.item(0)
        if item is not None:
            self.open_evidence(item.data(Qt.ItemDataRole.UserRole))

    def add_to_report(self) -> None:
        finding = self.current_finding()
        if finding is None:
            return
        if not self.report.isEnabled():
            self.statusBar().showMessage("The report opens when the analysis has finished", 5000)
            return
        if self.report.add_finding(finding):
            self.report_dock.raise_()
            self.statusBar().showMessage(f"Added to the report: {finding.title}", 5000)

    def _findings_menu(self, position: Any) -> None:
        if self.current_finding() is None:
            return
        menu = QMenu(self)
        menu.addAction("Jump to evidence", self.jump_to_evidence)
        menu.addAction(self.add_to_report_action)
        menu.addAction(self.signature_from_finding_action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # -- tools ----------------------------------------------------------------------------

    def open_training(self) -> TrainingDialog:
        """Show the training dialog (one per window, kept while it is open)."""
        if self.training_dialog is None:
            dialog = TrainingDialog(user_data_dir(), self)
            dialog.finished.connect(self._training_closed)
            self.training_dialog = dialog
        self.training_dialog.show()
        self.training_dialog.raise_()
        self.training_dialog.activateWindow()
        return self.training_dialog

    def _training_closed(self) -> None:
        if self.training_dialog is not None:
            self.training_dialog.deleteLater()
            self.training_dialog = None

    def sample_targets(self) -> SampleTargets:
        """The sample scenarios every signature editor of this window previews on."""
        if self._samples is None:
            self._samples = SampleTargets(BUILTIN)
        return self._samples

    def _bundle_target(self) -> tuple[Target | None, Bundle | None]:
        """The open bundle as a signature preview target, once its analysis has finished."""
        if self.analysis is None or self.opened is None:
            return None, None
        bundle = reopen_bundle(self.opened.source, self.opened.limits)
        bundle.artifacts = self.analysis.artifacts  # the analysis listed them: no rescan
        return Target(str(self.opened.source), AnalysisView(self.analysis, bundle)), bundle

    def signature_from_finding(self) -> SignatureEditor | None:
        finding = self.current_finding()
        if finding is None:
            self.statusBar().showMessage("Select a finding to draft a signature from", 5000)
            return None
        return self._open_signature_editor(
            lambda **options: SignatureEditor.from_finding(finding, **options))

    def signature_from_line(self, line: str | None = None) -> SignatureEditor | None:
        """Draft a signature from ``line``, else from the text viewer's selected line."""
        text = line if isinstance(line, str) and line.strip() else \
            self.text_viewer.selected_text()
        if text is None or not text.strip():
            self.statusBar().showMessage(
                "Select a log line with text in the Text viewer to draft a signature from",
                5000)
            return None
        return self._open_signature_editor(
            lambda **options: SignatureEditor.from_line(text, **options))

    def _open_signature_editor(self, make: Any) -> SignatureEditor:
        target, bundle = self._bundle_target()
        editor: SignatureEditor = make(bundle=target, samples=self.sample_targets(),
                                       parent=self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda path: self.statusBar().showMessage(
            f"Signature saved to {path}; it applies from the next analysis", 10000))
        editor.finished.connect(lambda _result: self._signature_editor_closed(editor, bundle))
        self.signature_editor = editor
        editor.open()
        return editor

    def _signature_editor_closed(self, editor: SignatureEditor, bundle: Bundle | None) -> None:
        if bundle is not None:
            bundle.close()
        if self.signature_editor is editor:
            self.signature_editor = None

    # -- evidence -------------------------------------------------------------------------

    def member(self, path: str) -> MemberSource | None:
        artifact = self.artifacts.get(path)
        if artifact is None or self.opened is None:
            return None
        return MemberSource(self.opened.source, self.opened.limits, artifact)

    def open_evidence(self, evidence: Evidence) -> None:
        """Show ``evidence`` in the viewer for its artifact and locator, highlighted."""
        source = self.member(evidence.artifact)
        if source is None:
            self.statusBar().showMessage(f"{evidence.artifact} is not in this bundle", 8000)
            return
        artifact = source.artifact
        if artifact.status is ArtifactStatus.SKIPPED or artifact.kind is ArtifactKind.ARCHIVE:
            self.statusBar().showMessage(
                f"{artifact.path} cannot be shown: {artifact.reason or artifact.kind.value}",
                8000)
            return
        viewer = self.viewer_tabs[viewer_kind(artifact.kind, evidence.locator)]
        self.viewers.setCurrentWidget(viewer)
        viewer.show_evidence(source, evidence.locator)
        self.statusBar().showMessage(f"{artifact.path} · {evidence.locator.describe()}", 8000)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_evidence(Evidence(path, WholeLocator()))

    # -- closing --------------------------------------------------------------------------

    # -- workspace: the engineer's report draft, saved as they type -------------------------

    def _open_workspace(self, analysis: Analysis) -> None:
        """Lock this bundle's workspace and show its saved draft, or a fresh one."""
        self._close_workspace()
        try:
            self.session = open_workspace(analysis.bundle.sha256, analysis.bundle.source)
        except WorkspaceError as exc:
            self.session = None
            self.statusBar().showMessage(f"The report will not be saved: {exc}", 10_000)
            self.report.set_analysis(analysis)
            return
        workspace = self.session.workspace
        self.report.set_analysis(analysis, workspace.report, workspace.pseudonyms)
        if workspace.report is not None:
            how = "after a crash" if self.session.recovered else "as saved"
            when = f" from {workspace.saved_at:%Y-%m-%d %H:%M}" if workspace.saved_at else ""
            self.statusBar().showMessage(f"Report draft restored {how}{when}", 10_000)

    def _schedule_save(self) -> None:
        if self.session is not None:
            self._save_timer.start()

    def save_workspace(self) -> None:
        if self.session is None:
            return
        self._save_timer.stop()
        self.session.workspace.report = self.report.report()
        try:
            self.session.save()
        except WorkspaceError as exc:
            self.statusBar().showMessage(str(exc), 10_000)

    def _close_workspace(self) -> None:
        if self.session is not None:
            if self._save_timer.isActive():
                self.save_workspace()
            self.session.close()
            self.session = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self._close_workspace()
        if self.signature_editor is not None:
            self.signature_editor.reject()  # stops its preview before the samples go
        if self.training_dialog is not None:
            self.training_dialog.close()
        if self._samples is not None:
            self._samples.close()
            self._samples = None
        if self.task is not None:
            self.task.cancel()
            self.task.wait(10)
        for viewer in (self.text_viewer, self.packet_viewer, self.har_viewer, self.sql_viewer,
                       self.timeline):
            viewer.wait_idle()
        super().closeEvent(event)

