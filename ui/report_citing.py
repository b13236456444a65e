"""What the main window does for the report beside the evidence: adding a finding, citing
evidence at the report's cursor, raising the report, and following clock overrides.

A mixin of ``ui.main_window.MainWindow`` (it uses the window's ``report``, ``report_dock``,
``findings_pane``, ``viewers``, ``drafts`` and ``banner``), kept apart so the window class
stays small. Every action says what it did in the status bar, including when it did
nothing (a finding already in the report, nothing selected to cite).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from inspector.model import Evidence, Finding
from inspector.views.citation import evidence_citation, finding_citation

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

    from ui.banner import Banner
    from ui.draft_keeper import DraftKeeper
    from ui.evidence_viewers import EvidenceViewers
    from ui.findings_pane import FindingsPane
    from ui.report_pane import ReportPane

MESSAGE_MS = 8000


class ReportCiting:
    """Mixed into ``MainWindow`` before ``QMainWindow``: it defines nothing Qt's class does
    (``statusBar``, ``current_finding`` come from the window)."""

    report: ReportPane
    report_dock: QDockWidget
    findings_pane: FindingsPane
    viewers: EvidenceViewers
    drafts: DraftKeeper
    banner: Banner

    def _clocks_changed(self, offsets: dict[str, timedelta]) -> None:
        """The engineer overrode a clock in the timeline: times follow everywhere."""
        self.findings_pane.set_clock_offsets(offsets)
        self.report.clock_offsets = offsets
        self.drafts.set_clock_overrides(self.viewers.timeline.overrides)
        self.statusBar().showMessage("Clocks changed: findings' times and what is added to "
                                     "the report now use them", MESSAGE_MS)

    def _report_ready(self) -> bool:
        if self.report.has_report:
            return True
        self.statusBar().showMessage("The report is drafted when the analysis has finished",
                                     MESSAGE_MS)
        return False

    def add_to_report(self) -> None:
        """The selected finding joins the report's Findings, cited at the cursor."""
        finding = self.current_finding()
        if finding is None:
            self.statusBar().showMessage("Select a finding to add it to the report", MESSAGE_MS)
            return
        if not self._report_ready():
            return
        where = self.report.has_finding(finding)
        if where is not None:
            self.statusBar().showMessage(f"Already in the report (finding {where + 1}): "
                                         f"{finding.title}", MESSAGE_MS)
            return
        self.report.add_finding(finding)
        section = self.report.insert_citation(finding_citation(finding,
                                                               self.report.clock_offsets))
        self.show_report(focus=False)
        self.statusBar().showMessage(f"Added to the report ({self.report.section_label(section)}"
                                     f" and Findings): {finding.title}", MESSAGE_MS)

    def cite_evidence(self, evidence: Evidence, finding: Finding | None = None) -> None:
        """A piece of evidence cited at the report's cursor (and kept with its finding)."""
        if not self._report_ready():
            return
        section = self.report.insert_citation(evidence_citation(evidence))
        if finding is not None:
            self.report.add_evidence(finding, evidence)
        self.show_report(focus=False)
        self.statusBar().showMessage(f"Cited in the report ({self.report.section_label(section)}"
                                     f"): {evidence.artifact}, {evidence.locator.describe()}",
                                     MESSAGE_MS)

    def cite_selection(self) -> None:
        """What is selected in the viewer in front, cited in the report."""
        chosen = self.viewers.selected_evidence()
        if not chosen:
            self.statusBar().showMessage("Select lines, packets, an entry or a statement in a "
                                         "viewer to cite them", MESSAGE_MS)
        for evidence in chosen:
            self.cite_evidence(evidence)

    def show_report(self, focus: bool = True) -> None:
        self.report_dock.show()
        self.report_dock.raise_()
        if focus:
            self.report.title.setFocus()

    def _exported(self, path: str) -> None:
        self.banner.show_message(f"Report written to {path}", "info")
        self.statusBar().showMessage(f"Report written to {path}", 15000)
