"""The main window: open a bundle, watch it being analyzed, follow findings to evidence.

Layout (every dock can be moved; the layout is saved in ``QSettings``):

- left dock *Bundle*: the members tree with kind, size and status;
- centre: the findings pane (``ui.findings_pane``: filters, the findings table, the finding
  detail) and beside it the evidence viewers in tabs (``ui.evidence_viewers``: Text,
  Packets, HAR, SQL, Timeline);
- bottom docks *Analysis* (per-analyzer progress), *Problems* and *Report*.

The window is the shell that wires these together; the work is done beside it:
``ui.analysis_run`` runs the analysis off the GUI thread and streams its updates (findings
are appended as they come, and at the end the table is replaced by the engine's sorted list,
keeping the selection); ``ui.draft_keeper`` keeps the report draft saved in the bundle's
workspace; ``ui.evidence_viewers`` takes a piece of evidence to the viewer that shows it.
Opening another bundle cancels the running analysis first. A bundle that cannot be opened
shows a banner with the reason and leaves everything else as it was.

Keyboard: Ctrl+O open, Ctrl+F find (the findings filter), F8 / Shift+F8 next / previous
finding, Return or F4 jump to the selected finding's first evidence, Ctrl+R add the finding
to the report, Ctrl+. cancel the analysis, Ctrl+1..5 switch evidence viewers, Ctrl+Shift+S
create a signature from the selected finding, Ctrl+Shift+L from the text viewer's selected
line (both also on the right-click menus), Ctrl+Shift+T training mode.

The Tools menu opens two standalone dialogs:

- Training mode (``ui.training.TrainingDialog``), non-modal, one per window, with progress
  in the app's data directory (``inspector.knowledge.user_data_dir``: the same folder the
  knowledge base uses, so the two never disagree about where the user's things live).
- Create signature (``ui.signature_drafting``: a window-modal
  ``ui.signature_editor.SignatureEditor`` previewing its matches in the open bundle, once
  its analysis has finished, and in every sample scenario).
"""

from __future__ import annotations

from collections.abc import Callable
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
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector.analysis import Analysis
from inspector.engine import Update
from inspector.knowledge import user_data_dir
from inspector.model import ArtifactStatus, Evidence, Finding, WholeLocator
from inspector.timeline import recorded_offsets
from ui import theme
from ui.analysis_run import AnalysisRun
from ui.draft_keeper import DraftKeeper
from ui.evidence_viewers import EvidenceViewers
from ui.findings_pane import FindingsPane
from ui.models import PATH_ROLE, BundleTree, Column, RowsModel
from ui.progress_panel import ProgressPanel
from ui.recent_bundles import RecentBundles
from ui.report_pane import ReportPane
from ui.seen_before import CaseMemory, add_case_actions
from ui.signature_drafting import SignatureDrafting
from ui.signature_editor import SignatureEditor
from ui.training import TrainingDialog
from ui.worker import BundleOpened

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


class MainWindow(QMainWindow):
    """The Bundle Inspector main window.

    Attributes:
        opened: what the reader listed of the open bundle, or None.
        analysis: the open bundle's finished analysis, or None while it runs.
        running: an analysis is running.
        findings_pane, viewers, report, drafts, signatures, recent, tree_model, problems:
            the parts it wires.

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
        self.opened: BundleOpened | None = None
        self.analysis: Analysis | None = None
        self.running = False
        self.training_dialog: TrainingDialog | None = None
        self.signatures = SignatureDrafting(self)
        self.signatures.message.connect(self.statusBar().showMessage)
        self.analysis_run = AnalysisRun(self)
        self.analysis_run.opened.connect(self._show_bundle)
        self.analysis_run.updated.connect(self._on_update)
        self.analysis_run.finished.connect(self._on_finished)
        self.analysis_run.failed.connect(self._on_failed)

        self._build_centre()
        self._build_docks()
        self._build_actions()
        self._build_status_bar()
        self._restore_settings()

    # -- construction ---------------------------------------------------------------------

    def _build_centre(self) -> None:
        self.findings_pane = FindingsPane()
        self.case_memory = CaseMemory(self.findings_pane.detail.seen_before, self)
        self.case_memory.unavailable.connect(
            lambda notice: self.statusBar().showMessage(notice, 15000))
        self.viewers = EvidenceViewers()
        self.findings_pane.evidence_activated.connect(self.viewers.open_evidence)
        self.viewers.message.connect(self.statusBar().showMessage)
        self.viewers.signature_requested.connect(self.signature_from_line)

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        theme.style(self.banner)
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
        self.splitter.addWidget(self.findings_pane)
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
        self.drafts = DraftKeeper(self.report, self)
        self.drafts.message.connect(self.statusBar().showMessage)
        self.report_dock = self._dock("Report", self.report,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.progress_dock, self.problems_dock)
        self.tabifyDockWidget(self.problems_dock, self.report_dock)
        self.progress_dock.raise_()

    def _action(self, text: str, shortcut: Any, slot: Callable[..., Any],
                menu: QMenu) -> QAction:
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
        self.recent = RecentBundles(file_menu.addMenu("Open &recent"), self)
        self.recent.chosen.connect(self.open_bundle)
        self.cancel_action = self._action("&Cancel analysis", "Ctrl+.", self.cancel_analysis,
                                          file_menu)
        self.cancel_action.setEnabled(False)
        file_menu.addSeparator()
        self._action("&Quit", QKeySequence.StandardKey.Quit, self.close, file_menu)
        pane = self.findings_pane
        find_menu = bar.addMenu("F&indings")
        self._action("&Find", QKeySequence.StandardKey.Find, pane.focus_filter, find_menu)
        self._action("&Next finding", "F8", lambda: pane.step(1), find_menu)
        self._action("&Previous finding", "Shift+F8", lambda: pane.step(-1), find_menu)
        self._action("&Jump to evidence", "F4", pane.jump_to_evidence, find_menu)
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
        tools_menu.addSeparator()
        add_case_actions(tools_menu, self)
        pane.menu_actions = [self.add_to_report_action, self.signature_from_finding_action]
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

    def _build_status_bar(self) -> None:
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_analysis)
        self.cancel_button.hide()
        status = self.statusBar()
        status.addPermanentWidget(self.findings_pane.counts_label)
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
                             ("window/findings-splitter", self.findings_pane.restoreState)):
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
        settings.setValue("window/findings-splitter", self.findings_pane.saveState())
        settings.sync()

    # -- opening and analysis -------------------------------------------------------------

    def choose_bundle(self) -> None:
        recent = self.recent.paths()
        start = recent[0] if recent else str(Path.home())
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
        self.banner.hide()
        self.statusBar().showMessage(f"Opening {path}…")
        self.findings_pane.detail.seen_before.clear()
        self.analysis_run.start(path)
        self._set_running(True)

    def cancel_analysis(self) -> None:
        if self.running and self.analysis_run.cancel():
            self.statusBar().showMessage("Cancelling: keeping what was found so far…")

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.cancel_action.setEnabled(running)
        self.cancel_button.setVisible(running)
        self.progress_bar.setVisible(running)
        if running:
            self.progress_bar.setValue(0)

    def _show_bundle(self, opened: BundleOpened) -> None:
        self.opened = opened
        self.analysis = None
        self.signatures.show_bundle(opened)
        self.viewers.set_bundle(opened)
        self.tree_model.set_artifacts(opened.artifacts)
        self.tree.expandToDepth(1)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.report.clock_offsets = {}
        self.problems.reset(opened.problems)
        self.progress_panel.clear()
        self.report.setEnabled(False)  # until this bundle's analysis has finished
        self.setWindowTitle(f"{opened.source.name} · Bundle Inspector")
        self.recent.remember(opened.source)
        self.statusBar().showMessage(f"Analyzing {opened.source.name}: "
                                     f"{len(opened.artifacts)} members")
        self.findings_pane.show_bundle(opened.findings)

    def _on_update(self, update: Update) -> None:
        self.findings_pane.add_findings(update.findings)
        self.problems.append(update.problems)
        self.progress_bar.setValue(int(update.progress.overall * 1000))
        self.progress_panel.show_progress(update)

    def _on_finished(self, analysis: Analysis) -> None:
        self._set_running(False)
        self.progress_panel.running.clear()
        self.analysis = analysis
        if self.opened is not None:
            self.signatures.show_bundle(self.opened, analysis)
        offsets = recorded_offsets(analysis.findings)
        self.report.clock_offsets = offsets
        self.findings_pane.show_analysis(analysis.findings, offsets)
        self.problems.reset(analysis.problems)
        for artifact in analysis.artifacts:
            self.tree_model.update_artifact(artifact)
        self.viewers.set_analysis(analysis)
        failed = sum(a.status is ArtifactStatus.FAILED for a in analysis.artifacts)
        cancelled = any(p.kind.value == "cancelled" for p in analysis.problems)
        state = "Analysis cancelled" if cancelled else "Analysis finished"
        self.statusBar().showMessage(
            f"{state}: {len(analysis.findings)} findings, {len(analysis.timeline)} events, "
            f"{failed} members failed, {len(analysis.problems)} problems", 15000)
        self.drafts.open(analysis)  # its restore notice, if any, replaces the summary
        self.report.setEnabled(True)
        self.case_memory.analysis_finished(analysis)
        self.analysis_finished.emit(analysis)

    def _on_failed(self, path: Path, message: str) -> None:
        self._set_running(False)
        text = f"Cannot open {path.name}: {message}"
        self.banner_text.setText(text + "\nThe previous bundle, if any, is still open.")
        self.banner.show()
        self.statusBar().showMessage(text, 15000)
        self.bundle_failed.emit(message)

    # -- findings and evidence ------------------------------------------------------------

    def current_finding(self) -> Finding | None:
        return self.findings_pane.current_finding()

    def open_evidence(self, evidence: Evidence) -> None:
        """Show ``evidence`` in the viewer for its artifact and locator, highlighted."""
        self.viewers.open_evidence(evidence)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_evidence(Evidence(path, WholeLocator()))

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

    def signature_from_finding(self) -> SignatureEditor | None:
        return self.signatures.from_finding(self.current_finding())

    def signature_from_line(self, line: str | None = None) -> SignatureEditor | None:
        """Draft a signature from ``line``, else from the text viewer's selected line."""
        text = line if isinstance(line, str) and line.strip() else \
            self.viewers.text_viewer.selected_text()
        return self.signatures.from_line(text)

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.drafts.close()
        self.signatures.close()
        if self.training_dialog is not None:
            self.training_dialog.close()
        self.analysis_run.stop(10)
        self.case_memory.wait_idle()
        self.viewers.wait_idle()
        super().closeEvent(event)
