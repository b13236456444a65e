"""The main window: open a bundle, watch it being analyzed, follow findings to evidence, and
write the report beside it.

Layout (docks can be moved; the layout and sizes are saved in ``QSettings``):

- left dock *Bundle* (the members tree; a member with problems carries a warning icon)
  tabbed with *Problems (N)*;
- centre: the findings pane (``ui.findings_pane``: filters, the findings table, the finding
  detail) beside the evidence viewers in tabs (``ui.evidence_viewers``: Text, Packets, HAR,
  SQL, Timeline); until a bundle is open, the welcome page (``ui.welcome``) says what to do;
- right dock *Report* (``ui.report_pane``): its own column, raised when the first analysis
  finishes, so the escalation is written beside the evidence it cites.

The window first fits the screen it opens on (``fit_to_screen``); analysis progress lives in
the status bar while it runs (``ui.progress_panel``). The banner (``ui.banner``) says what
must not go unnoticed: a bundle that cannot be opened, one in which nothing could be
analyzed, a capture of which no packet could be read (``inspector.views.notices``), where
an export went.

The window is the shell that wires these together; the work is done beside it:
``ui.analysis_run`` runs the analysis off the GUI thread and streams its updates (findings
are appended as they come, and at the end the table is replaced by the engine's sorted list,
keeping the selection); ``ui.draft_keeper`` keeps the report draft and the engineer's clock
overrides in the bundle's workspace; ``ui.evidence_viewers`` takes a piece of evidence to
the viewer that shows it and remembers it for Back and Forward. Opening another bundle
cancels the running analysis and, at once, empties every viewer, detail, search field and
the report: nothing of one customer's bundle shows under another's name. A bundle that
cannot be opened shows a banner with the reason.

Keyboard: every shortcut is in ``ui.shortcuts.KEYS`` (Help > Keyboard shortcuts lists them);
the menus are built by ``ui.window_actions``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector.analysis import Analysis
from inspector.engine import Update
from inspector.knowledge import user_data_dir
from inspector.model import ArtifactStatus, Evidence, Finding, WholeLocator
from inspector.views.notices import analysis_notices
from ui import theme, window_actions
from ui.analysis_run import AnalysisRun
from ui.banner import Banner
from ui.draft_keeper import DraftKeeper
from ui.evidence_viewers import EvidenceViewers
from ui.findings_pane import FindingsPane
from ui.models import PATH_ROLE, BundleTree, Column, RowsModel
from ui.progress_panel import StatusProgress
from ui.recent_bundles import RecentBundles
from ui.report_citing import ReportCiting
from ui.report_pane import ReportPane
from ui.seen_before import CaseMemory
from ui.shortcuts import ShortcutsDialog
from ui.signature_drafting import SignatureDrafting
from ui.signature_editor import SignatureEditor
from ui.training import TrainingDialog
from ui.welcome import WelcomePage
from ui.worker import BundleOpened

BUNDLE_FILTER = ("Bundles (*.zip *.tar *.tgz *.tar.gz *.tar.bz2 *.tbz2 *.tar.xz *.txz *.gz "
                 "*.pcap *.pcapng *.har *.log *.sql *.txt *.json);;All files (*)")
PREFERRED_SIZE = (1500, 950)
SCREEN_SHARE = 0.92  # of the screen's free area, at most, for a first window
# A first layout's widths: the members tree, the report column, and of the centre, findings.
LEFT_SHARE, REPORT_SHARE, FINDINGS_SHARE = 0.13, 0.24, 0.48
PROBLEM_COLUMNS = (
    Column("Kind", lambda p: p.kind.value),
    Column("Artifact", lambda p: p.artifact or ""),
    Column("Analyzer", lambda p: p.analyzer or ""),
    Column("Message", lambda p: p.message),
)


class MainWindow(ReportCiting, QMainWindow):
    """The Bundle Inspector main window (see the module doc).

    Attributes:
        opened: what the reader listed of the open bundle, or None.
        analysis: the open bundle's finished analysis, or None while it runs.
        running: an analysis is running.
        actions: the window's actions by command (``ui.shortcuts.KEYS``).
        findings_pane, viewers, report, drafts, signatures, recent, tree_model, problems,
            banner, welcome: the parts it wires.

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
        self._report_raised = False
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
        self.actions = window_actions.install(self)
        self.recent = RecentBundles(self.recent_menu, self)
        self.recent.chosen.connect(self.open_bundle)
        self.welcome.set_recent(self.recent.paths())
        self._build_status_bar()
        self._set_running(False)
        self._history_changed()
        self._restore_settings()

    # -- construction ---------------------------------------------------------------------

    def _build_centre(self) -> None:
        self.findings_pane = FindingsPane()
        self.case_memory = CaseMemory(self.findings_pane.detail.seen_before, self)
        self.case_memory.unavailable.connect(
            lambda notice: self.statusBar().showMessage(notice, 15000))
        self.viewers = EvidenceViewers()
        self.findings_pane.evidence_activated.connect(self.viewers.open_evidence)
        self.findings_pane.evidence_cited.connect(self.cite_evidence)
        self.viewers.message.connect(self.statusBar().showMessage)
        self.viewers.signature_requested.connect(self.signature_from_line)
        self.viewers.evidence_chosen.connect(self.cite_evidence)
        self.viewers.history_changed.connect(self._history_changed)
        self.viewers.timeline.offsets_changed.connect(self._clocks_changed)
        self.banner = Banner()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.findings_pane)
        self.splitter.addWidget(self.viewers)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        workbench = QWidget()
        layout = QVBoxLayout(workbench)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.welcome = WelcomePage(user_data_dir() / "samples")
        self.welcome.open_file.connect(self.choose_bundle)
        self.welcome.open_folder.connect(self.choose_folder)
        self.welcome.start_training.connect(self.open_training)
        self.welcome.bundle_chosen.connect(self.open_bundle)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(workbench)
        self.setCentralWidget(self.pages)

    def _dock(self, name: str, title: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
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
        self.bundle_dock = self._dock("bundle", "Bundle", self.tree,
                                      Qt.DockWidgetArea.LeftDockWidgetArea)
        self.problems = RowsModel(PROBLEM_COLUMNS, self)
        self.problems_view = QTableView()
        self.problems_view.setModel(self.problems)
        self.problems_view.verticalHeader().hide()
        self.problems_view.horizontalHeader().setStretchLastSection(True)
        self.problems_view.setWordWrap(False)
        self.problems_view.setTabKeyNavigation(False)
        self.problems_dock = self._dock("problems", "Problems", self.problems_view,
                                        Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.bundle_dock, self.problems_dock)
        self.bundle_dock.raise_()
        self.report = ReportPane()
        self.report.exported.connect(self._exported)
        self.drafts = DraftKeeper(self.report, self)
        self.drafts.message.connect(self.statusBar().showMessage)
        self.report_dock = self._dock("report", "Report", self.report,
                                      Qt.DockWidgetArea.RightDockWidgetArea)

    def _build_status_bar(self) -> None:
        self.progress = StatusProgress()
        self.progress.cancel.clicked.connect(self.cancel_analysis)
        status = self.statusBar()
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.findings_pane.counts_label)
        status.showMessage("Open a bundle: File > Open (Ctrl+O), drop one here, or pick a "
                           "sample on the welcome page")

    # -- settings -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.fit_to_screen(fresh=not isinstance(geometry, QByteArray))
        self._first_layout = not isinstance(settings.value("window/state"), QByteArray)
        for key, restore in (("window/state", self.restoreState),
                             ("window/main-splitter", self.splitter.restoreState),
                             ("window/findings-splitter", self.findings_pane.restoreState)):
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        dark = settings.value("theme")
        if dark in ("light", "dark"):
            self.set_theme(dark == "dark", remember=False)

    def fit_to_screen(self, fresh: bool) -> None:
        """A first window takes the preferred size where the screen allows it; a restored
        one is shrunk and moved onto the screen if it no longer fits (a smaller monitor)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        width = min(PREFERRED_SIZE[0] if fresh else self.width(), int(free.width() * SCREEN_SHARE))
        height = min(PREFERRED_SIZE[1] if fresh else self.height(),
                     int(free.height() * SCREEN_SHARE))
        self.resize(width, height)
        frame = self.frameGeometry()
        if fresh or not free.contains(frame):
            frame.moveCenter(free.center())
            self.move(frame.topLeft())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_layout:
            # Docks only take sizes once the window has its own: on the first show.
            self._first_layout = False
            QTimer.singleShot(0, self._default_dock_sizes)

    def _default_dock_sizes(self) -> None:
        width = self.width()
        self.resizeDocks([self.bundle_dock], [int(width * LEFT_SHARE)],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.report_dock], [int(width * REPORT_SHARE)],
                         Qt.Orientation.Horizontal)
        centre = self.splitter.width()
        self.splitter.setSizes([int(centre * FINDINGS_SHARE),
                                centre - int(centre * FINDINGS_SHARE)])

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/main-splitter", self.splitter.saveState())
        settings.setValue("window/findings-splitter", self.findings_pane.saveState())
        settings.sync()

    def set_theme(self, dark: bool | None, remember: bool = True) -> None:
        """Light, dark, or the system's (None) palette, for the whole app."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, dark)
        if remember:
            QSettings().setValue("theme", {None: "system", False: "light", True: "dark"}[dark])

    # -- opening and analysis -------------------------------------------------------------

    def choose_bundle(self) -> None:
        recent = self.recent.paths()
        start = str(Path(recent[0]).parent) if recent else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open bundle", start, BUNDLE_FILTER)
        if path:
            self.open_bundle(path)

    def choose_folder(self) -> None:
        recent = self.recent.paths()
        start = str(Path(recent[0]).parent) if recent else str(Path.home())
        path = QFileDialog.getExistingDirectory(self, "Open a bundle folder", start)
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
        """Open and analyze ``path`` off the GUI thread; a running analysis is cancelled and
        everything shown of the previous bundle is cleared at once."""
        path = Path(path)
        self._clear_bundle()
        self.pages.setCurrentIndex(1)
        self.setWindowTitle(f"{path.name} (opening) · Bundle Inspector")
        self.statusBar().showMessage(f"Opening {path}…")
        self.analysis_run.start(path)
        self._set_running(True)

    def reanalyze(self) -> None:
        if self.opened is not None:
            self.open_bundle(self.opened.source)

    def _clear_bundle(self) -> None:
        """Nothing of the open bundle stays on screen (a new one is coming)."""
        self.drafts.close()
        self.banner.hide()
        self.opened = None
        self.analysis = None
        self.viewers.set_bundle(None)
        self.findings_pane.show_bundle([])
        self.findings_pane.clear_filters()
        self.findings_pane.detail.seen_before.clear()
        self.report.clear()
        self.report.clock_offsets = {}
        self.tree_model.set_artifacts([])
        self.problems.reset()
        self._problems_changed()

    def cancel_analysis(self) -> None:
        if self.running and self.analysis_run.cancel():
            self.statusBar().showMessage("Cancelling: keeping what was found so far…")

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.actions["cancel"].setEnabled(running)
        self.actions["reanalyze"].setEnabled(not running and self.opened is not None)
        if running:
            self.progress.start()
        else:
            self.progress.finish()

    def _show_bundle(self, opened: BundleOpened) -> None:
        self.opened = opened
        self.analysis = None
        self.signatures.show_bundle(opened)
        self.viewers.set_bundle(opened)
        self.tree_model.set_artifacts(opened.artifacts)
        self.tree.expandToDepth(1)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.reset(opened.problems)
        self._problems_changed()
        self.setWindowTitle(f"{opened.source.name} · Bundle Inspector")
        self.recent.remember(opened.source)
        self.welcome.set_recent(self.recent.paths())
        self.statusBar().showMessage(f"Analyzing {opened.source.name}: "
                                     f"{len(opened.artifacts)} members")
        self.findings_pane.show_bundle(opened.findings)

    def _on_update(self, update: Update) -> None:
        self.findings_pane.add_findings(update.findings)
        if update.problems:
            self.problems.append(update.problems)
            self._problems_changed()
        self.progress.show_progress(update)

    def _on_finished(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._set_running(False)
        if self.opened is not None:
            self.signatures.show_bundle(self.opened, analysis)
        failed = sum(a.status is ArtifactStatus.FAILED for a in analysis.artifacts)
        cancelled = any(p.kind.value == "cancelled" for p in analysis.problems)
        state = "Analysis cancelled" if cancelled else "Analysis finished"
        self.statusBar().showMessage(
            f"{state}: {len(analysis.findings)} findings, {len(analysis.timeline)} events, "
            f"{failed} members failed, {len(analysis.problems)} problems", 15000)
        # The saved draft and clock overrides, or a fresh draft; its restore notice, if
        # any, replaces the summary above.
        self.drafts.open(analysis)
        overrides = self.drafts.clock_overrides()
        offsets = self.report.clock_offsets
        self.findings_pane.show_analysis(analysis.findings, offsets)
        self.problems.reset(analysis.problems)
        for artifact in analysis.artifacts:
            self.tree_model.update_artifact(artifact)
        self._problems_changed()
        self.viewers.set_analysis(analysis, overrides)
        self.banner.show_notices(analysis_notices(analysis))
        self.case_memory.analysis_finished(analysis)
        if not self._report_raised:
            self._report_raised = True  # once: later the engineer's layout is left alone
            self.report_dock.show()
            self.report_dock.raise_()
        self.analysis_finished.emit(analysis)

    def _on_failed(self, path: Path, message: str) -> None:
        self._set_running(False)
        self.setWindowTitle("Bundle Inspector")
        text = f"Cannot open {path.name}: {message}"
        self.banner.show_message(text)
        self.statusBar().showMessage(text, 15000)
        self.bundle_failed.emit(message)

    def _problems_changed(self) -> None:
        count = self.problems.rowCount()
        self.problems_dock.setWindowTitle(f"Problems ({count})" if count else "Problems")
        self.tree_model.mark_problems(self.problems.rows)

    # -- findings, evidence and the report ------------------------------------------------

    def current_finding(self) -> Finding | None:
        return self.findings_pane.current_finding()

    def open_evidence(self, evidence: Evidence) -> None:
        """Show ``evidence`` in the viewer for its artifact and locator, highlighted."""
        self.viewers.open_evidence(evidence)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_evidence(Evidence(path, WholeLocator()))

    def _history_changed(self) -> None:
        self.actions["back"].setEnabled(self.viewers.history.can_go_back())
        self.actions["forward"].setEnabled(self.viewers.history.can_go_forward())

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

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.show()
        return dialog

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
        self.welcome.wait_idle()
        super().closeEvent(event)

