"""The team's memory in the app: each finished analysis is recorded in the case database,
and a finding's detail says in which earlier cases it was seen, with their resolutions.

- ``CaseMemory`` runs off the GUI thread (``ui.worker.Task``): when an analysis finishes it
  looks up every finding's fingerprint in the case database, leaving out the bundle itself,
  and then, when recording is on, records the analysis (fingerprints and redacted titles
  only, through ``inspector.cases``). A database that cannot be used is said once, in the
  panel, never raised: the analysis on screen is what matters.
- ``SeenBefore`` is the panel under a finding's evidence: "Seen in 3 earlier cases", each
  with its title and resolution; activating one opens that case's report. Reports written
  as Markdown or HTML are shown as plain text (the app renders nothing as HTML); a PDF opens
  in the system's viewer.
- Settings (``QSettings``): ``cases/database``, the database URL (empty: SQLite in the data
  directory, as the CLI uses), and ``cases/record`` (default on), both from the Tools menu.

Signals of ``CaseMemory``:
    looked_up(object): ``{fingerprint: [CaseSummary, ...]}`` for the analysis just finished.
    unavailable(str): the database could not be used; why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector.analysis import Analysis
from inspector.model import Finding
from ui.worker import Task, TaskState, stop_tasks

DATABASE_SETTING = "cases/database"
RECORD_SETTING = "cases/record"
MAX_REPORT_CHARS = 2_000_000


def database_url() -> str | None:
    """The case database the user chose, or None for the default (SQLite in the data dir)."""
    return str(QSettings().value(DATABASE_SETTING, "") or "") or None


def recording_enabled() -> bool:
    return QSettings().value(RECORD_SETTING, True, type=bool)


def remember(state: TaskState, analysis: Analysis, url: str | None, record: bool,
             ) -> dict[str, list[Any]]:
    """Look up earlier cases of every finding of ``analysis``, then record it (Qt-free)."""
    from inspector.cases import finding_fingerprint, open_store, recording_of, seen_before

    with open_store(url) as store:
        earlier = seen_before(store, {finding_fingerprint(f) for f in analysis.findings},
                              exclude_bundle=analysis.bundle.sha256)
        if record and not state.cancelled:
            store.record(recording_of(analysis), origin="app")
    return earlier


class CaseMemory(QObject):
    """Looks up and records each finished analysis in the case database (see the module
    doc), and fills ``panel`` with what it found.

    Signals:
        looked_up(object): ``{fingerprint: [CaseSummary, ...]}``.
        unavailable(str): why the database could not be used.
    """

    looked_up = Signal(object)
    unavailable = Signal(str)

    def __init__(self, panel: SeenBefore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self._task: Task | None = None
        self.looked_up.connect(panel.set_earlier)
        self.unavailable.connect(panel.set_notice)

    def analysis_finished(self, analysis: Analysis) -> None:
        stop_tasks([self._task])
        task = Task(remember, analysis, database_url(), recording_enabled(), name="cases",
                    parent=self)
        task.finished.connect(self.looked_up.emit)
        task.failed.connect(lambda message: self.unavailable.emit(
            f"Case database not available: {message}"))
        self._task = task.start()

    def wait_idle(self, timeout: float = 10.0) -> None:
        stop_tasks([self._task], timeout)


class SeenBefore(QWidget):
    """The earlier cases of the selected finding (see the module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._earlier: dict[str, list[Any]] = {}
        self._notice = ""
        self._finding: Finding | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.cases = QListWidget()
        self.cases.setToolTip("Double-click to open that case's report")
        self.cases.setWordWrap(True)
        self.cases.setMaximumHeight(140)
        self.cases.itemActivated.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.cases)
        self.show_finding(None)

    def set_earlier(self, earlier: dict[str, list[Any]]) -> None:
        self._earlier, self._notice = dict(earlier), ""
        self.show_finding(self._finding)

    def set_notice(self, notice: str) -> None:
        self._earlier, self._notice = {}, notice
        self.title.setText(notice)

    def clear(self) -> None:
        self._earlier, self._notice = {}, ""
        self.show_finding(None)

    def show_finding(self, finding: Finding | None) -> None:
        self._finding = finding
        self.cases.clear()
        if finding is None:
            self.title.setText(self._notice)
            self.cases.hide()
            return
        from inspector.cases import finding_fingerprint

        earlier = self._earlier.get(finding_fingerprint(finding), [])
        if not earlier:
            self.title.setText(self._notice or "Not seen in earlier cases")
            self.cases.hide()
            return
        self.title.setText(f"Seen in {len(earlier)} earlier case"
                           f"{'s' if len(earlier) != 1 else ''}")
        for case in earlier:
            resolution = case.resolution or case.root_cause or "no resolution recorded"
            item = QListWidgetItem(f"{case.id} · {case.title or 'untitled'} "
                                   f"({case.updated_at:%Y-%m-%d})\n{resolution}")
            item.setData(Qt.ItemDataRole.UserRole, case)
            item.setToolTip(case.report or "no report was written for this case")
            self.cases.addItem(item)
        self.cases.show()

    def _open(self, item: QListWidgetItem) -> None:
        open_report(item.data(Qt.ItemDataRole.UserRole), self)


def add_case_actions(menu: QMenu, parent: QWidget) -> None:
    """The Tools menu's case-database entries: record on or off, and where the database is."""
    record = menu.addAction("&Record analyses in the case database")
    record.setCheckable(True)
    record.setChecked(recording_enabled())
    record.toggled.connect(lambda on: QSettings().setValue(RECORD_SETTING, on))
    menu.addAction("Case &database…", lambda: choose_case_database(parent))


def choose_case_database(parent: QWidget) -> None:
    """Where the case database is: a SQLAlchemy URL (PostgreSQL for a team), or empty for
    the default SQLite file in the data directory."""
    url, accepted = QInputDialog.getText(
        parent, "Case database", "Database URL (empty: SQLite in the data folder; a team "
        "shares postgresql://user@host/db):", text=database_url() or "")
    if accepted:
        QSettings().setValue(DATABASE_SETTING, url.strip())


def open_report(case: Any, parent: QWidget | None = None) -> QDialog | None:
    """Open an earlier case's report: text in a dialog, a PDF in the system's viewer."""
    path = Path(case.report) if case.report else None
    if path is not None and path.suffix.lower() == ".pdf" and path.is_file():
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return None
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"Case {case.id}: {case.title or 'untitled'}")
    text = QPlainTextEdit(readOnly=True)
    if path is None:
        body = "No report was written for this case."
    elif not path.is_file():
        body = f"The report was written to {path}, which is not on this machine."
    else:
        body = path.read_text(encoding="utf-8", errors="replace")[:MAX_REPORT_CHARS]
    summary = (f"Root cause: {case.root_cause or 'not recorded'}\n"
               f"Resolution: {case.resolution or 'not recorded'}\n\n")
    text.setPlainText(summary + body)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(800, 600)
    dialog.show()
    return dialog
