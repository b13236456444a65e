"""The engineer's report draft, kept saved in the open bundle's workspace as they type.

When an analysis finishes, ``open`` locks that bundle's workspace (``inspector.workspace``,
by the bundle's hash) and shows its saved draft in the report pane, or a fresh draft when
there is none; the engineer's clock overrides (``clock_overrides``, set from the timeline)
are kept there too. Every edit schedules a save ``DRAFT_SAVE_MS`` later; a save is one small
atomic write, so typing bursts coalesce into one and what was typed just before a crash or
a kill is what is kept. ``close`` (another bundle, the window closing) saves what is still
pending and releases the lock. A workspace that cannot be locked or written is said in the
status bar; the report still works, it is just not saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from inspector.analysis import Analysis
from inspector.timeline import recorded_offsets
from inspector.workspace import Session, WorkspaceError, open_workspace
from ui.report_pane import ReportPane

DRAFT_SAVE_MS = 300
MESSAGE_MS = 10_000


class DraftKeeper(QObject):
    """Saves ``report``'s draft into the open bundle's workspace (see the module doc).

    Attributes:
        session: the locked workspace of the open bundle, or None.

    Signals:
        message(str, int): a status-bar message and how long to show it (milliseconds).
    """

    message = Signal(str, int)

    def __init__(self, report: ReportPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.session: Session | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(DRAFT_SAVE_MS)
        self._save_timer.timeout.connect(self.save)
        report.changed.connect(self.schedule_save)

    def open(self, analysis: Analysis) -> None:
        """Lock this bundle's workspace and show its saved draft, or a fresh one drafted
        with the clocks the analysis inferred and the engineer overrode."""
        self.close()
        try:
            self.session = open_workspace(analysis.bundle.sha256, analysis.bundle.source)
        except WorkspaceError as exc:
            self.session = None
            self.message.emit(f"The report will not be saved: {exc}", MESSAGE_MS)
            self.report.clock_offsets = recorded_offsets(analysis.findings)
            self.report.set_analysis(analysis)
            return
        workspace = self.session.workspace
        self.report.clock_offsets = {**recorded_offsets(analysis.findings),
                                     **self.clock_overrides()}
        self.report.set_analysis(analysis, workspace.report, workspace.pseudonyms)
        if workspace.report is not None:
            how = "after a crash" if self.session.recovered else "as saved"
            when = f" from {workspace.saved_at:%Y-%m-%d %H:%M}" if workspace.saved_at else ""
            self.message.emit(f"Report draft restored {how}{when}", MESSAGE_MS)

    def schedule_save(self) -> None:
        if self.session is not None:
            self._save_timer.start()

    def save(self) -> None:
        if self.session is None:
            return
        self._save_timer.stop()
        self.session.workspace.report = self.report.report()
        try:
            self.session.save()
        except WorkspaceError as exc:
            self.message.emit(str(exc), MESSAGE_MS)

    def clock_overrides(self) -> dict[str, timedelta]:
        """The clock offsets the engineer set for this bundle's sources, by artifact path.

        The workspace keeps seconds to add to a source's times; an offset is subtracted."""
        if self.session is None:
            return {}
        return {path: timedelta(seconds=-seconds)
                for path, seconds in self.session.workspace.clock_offsets.items()}

    def set_clock_overrides(self, overrides: Mapping[str, timedelta]) -> None:
        if self.session is None:
            return
        self.session.workspace.clock_offsets = {path: -offset.total_seconds()
                                                for path, offset in overrides.items()}
        self.schedule_save()

    def close(self) -> None:
        """Save what is pending and release the workspace."""
        if self.session is not None:
            if self._save_timer.isActive():
                self.save()
            self.session.close()
            self.session = None
