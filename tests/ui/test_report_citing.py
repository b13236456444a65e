"""Adding to the report from the main window: findings, evidence lines and packets cited at
the cursor, a message when nothing changed, and clock overrides followed."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtGui import QTextCursor

from inspector.model import PacketLocator
from tests.ui.test_main_window import analyzed, select_finding


def test_add_to_report_cites_at_the_cursor_and_says_when_a_finding_is_already_in(
        qtbot, window, sample_dir):
    analyzed(qtbot, window, sample_dir / "tls_expired_certificate.zip")
    editor = window.report.sections["workaround"]
    editor.setPlainText("Told them to retry after renewal.")
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    window.report.aim_citations("workaround")  # what clicking into it does
    finding = select_finding(window, lambda f: f.rule == "log.known-issue")
    if window.report.has_finding(finding) is not None:
        window.report.findings_list.setCurrentRow(window.report.has_finding(finding))
        window.report.remove_finding()
    window.add_to_report()
    lines = editor.toPlainText().splitlines()
    assert lines[0] == "Told them to retry after renewal."
    assert lines[1].startswith(f"- {finding.title} (seen 2026-11-17 ")
    assert "Added to the report (Workaround given and Findings)" in \
        window.statusBar().currentMessage()
    window.add_to_report()
    assert window.statusBar().currentMessage().startswith("Already in the report (finding ")
    assert editor.toPlainText().count(finding.title) == 1

    # A packet selected in the viewer, cited from the Report menu.
    capture = next(e for f in window.analysis.findings for e in f.evidence
                   if isinstance(e.locator, PacketLocator))
    with qtbot.waitSignal(window.viewers.packet_viewer.details_shown, timeout=20_000):
        window.open_evidence(capture)
    window.actions["cite"].trigger()
    assert f"> {capture.artifact}, {capture.locator.describe()}: " in editor.toPlainText()
    # An evidence line of a finding's detail, from its menu: cited and kept with the finding.
    evidence = finding.evidence[-1]
    window.findings_pane.detail.evidence_cited.emit(evidence, finding)
    assert f"> {evidence.artifact}, {evidence.locator.describe()}" in editor.toPlainText()
    kept = window.report.report().findings[window.report.has_finding(finding)]
    assert evidence.locator.describe() in [e.where for e in kept.evidence]


def test_a_clock_override_moves_the_findings_times_and_what_the_report_cites(
        qtbot, window, sample_dir):
    analyzed(qtbot, window, sample_dir / "tls_expired_certificate.zip")
    pane = window.findings_pane
    row = next(r for r in range(pane.model.rowCount())
               if pane.model.rows[r].rule == "log.known-issue")
    before = pane.model.first_seen(pane.model.rows[row])
    log = pane.model.rows[row].evidence[0].artifact
    timeline = window.viewers.timeline
    qtbot.waitUntil(lambda: log in timeline.clocks, timeout=20_000)
    with qtbot.waitSignal(timeline.offsets_changed, timeout=20_000):
        timeline.set_override(log, timeline.clocks[log].offset + timedelta(hours=1))
    assert pane.model.first_seen(pane.model.rows[row]) == before - timedelta(hours=1)
    assert window.report.clock_offsets[log] == timeline.clocks[log].offset
    qtbot.waitUntil(lambda: bool(window.drafts.session.workspace.clock_offsets), timeout=5_000)
    assert window.drafts.clock_overrides()[log] == timeline.overrides[log]
