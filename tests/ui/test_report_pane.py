"""The report pane: editing, add to report, live plain-text preview, export with preview."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime

import pytest

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.model import Evidence, LineLocator, Severity
from inspector.privacy.redaction import Identifier, PseudonymMap
from inspector.report import Report
from inspector.rules import Rule
from ui.report_pane import PREVIEW_DELAY_MS, ReportPane

# Not registered: the global registry lists the product's rules only.
PANE_RULE = Rule("test.report-pane", Severity.HIGH, "test",
                 "A finding built by the report pane tests.")
SECRET = "Sup3rSecretPassw0rd!"
HOSTILE = "<b>bold</b> <img src=x onerror=alert(1)>"


def finding(title: str, *excerpts: str):
    return PANE_RULE.finding(
        title, analyzer="logs", count=len(excerpts) or 1,
        first_seen=datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC),
        evidence=[Evidence("logs/app.log", LineLocator(n), text)
                  for n, text in enumerate(excerpts, 1)])


@pytest.fixture
def analysis():
    return Analysis(
        bundle=BundleInfo("/cases/4711.zip", "ab" * 32, 1234),
        findings=[finding(f"Pool exhausted {HOSTILE}",
                          f"ERROR pool exhausted for db1.corp.example.com password={SECRET}",
                          "ERROR pool exhausted from 10.20.4.17")])


@pytest.fixture
def pane(qtbot, analysis):
    widget = ReportPane()
    qtbot.addWidget(widget)
    widget.set_analysis(analysis)
    return widget


def test_a_fresh_analysis_is_drafted_into_the_editors(pane, analysis):
    assert pane.title.text() == analysis.findings[0].title
    assert pane.severity.currentText() == "high"
    assert pane.findings_list.count() == 1
    assert "Pool exhausted" in pane.preview.toPlainText()


def test_the_saved_draft_wins_over_a_fresh_one(qtbot, analysis):
    widget = ReportPane()
    qtbot.addWidget(widget)
    names = PseudonymMap()
    widget.set_analysis(analysis, Report(title="Edited title", ask="renew it"), names)
    assert widget.title.text() == "Edited title"
    assert widget.sections["ask"].toPlainText() == "renew it"
    assert widget.pseudonyms is names and widget.findings_list.count() == 0


def test_edits_update_the_preview_shortly_and_signal_a_change(qtbot, pane):
    with qtbot.waitSignal(pane.changed, timeout=1000):
        pane.sections["workaround"].setPlainText("Told them to renew the certificate")
    qtbot.waitUntil(lambda: "renew the certificate" in pane.preview.toPlainText(),
                    timeout=PREVIEW_DELAY_MS * 10)
    assert pane.report().workaround == "Told them to renew the certificate"


def test_the_preview_is_redacted_as_exported_with_a_toggle_to_the_original(pane):
    preview = pane.preview.toPlainText()
    assert "pool exhausted" in preview
    for identifier in (SECRET, "db1.corp.example.com", "10.20.4.17"):
        assert identifier not in preview, identifier
    assert "As it will be exported" in pane.preview_note.text()
    pane.show_original.setChecked(True)
    original = pane.preview.toPlainText()
    assert SECRET in original and "db1.corp.example.com" in original
    assert pane.preview_note.text().startswith("ORIGINAL, NOT REDACTED")
    pane.show_original.setChecked(False)
    assert pane.preview.toPlainText() == preview


def test_customer_text_is_never_rendered_as_html(qtbot, pane):
    pane.text_view.setChecked(True)
    assert HOSTILE in pane.preview.toPlainText()  # shown literally, as typed
    assert pane.preview.document().toHtml().count("<img") == 0
    pane.markdown_view.setChecked(True)
    assert "&lt;b&gt;bold&lt;/b&gt;" in pane.preview.toPlainText()  # escaped Markdown source


def test_add_finding_and_evidence(pane):
    other = finding("Certificate expired", "alert 45")
    assert pane.add_finding(other)
    assert not pane.add_finding(other)
    assert pane.findings_list.count() == 2 and pane.findings_list.currentRow() == 1
    more = Evidence("logs/app.log", LineLocator(99), "alert 45 again")
    assert pane.add_evidence(other, more)
    assert not pane.add_evidence(other, more)
    assert [e.where for e in pane.report().findings[1].evidence] == ["line 1", "line 99"]
    third = finding("Disk full")
    assert pane.add_evidence(third, Evidence("logs/app.log", LineLocator(5), "ENOSPC"))
    assert [f.title for f in pane.report().findings][2] == "Disk full"


def test_findings_can_be_reordered_and_removed(pane):
    pane.add_finding(finding("Second"))
    pane.findings_list.setCurrentRow(1)
    pane.move_finding(-1)
    assert pane.report().findings[0].title == "Second"
    assert pane.findings_list.currentRow() == 0
    pane.remove_finding()
    assert [f.title for f in pane.report().findings] == [pane.report().findings[0].title]
    assert pane.findings_list.count() == 1


def test_export_dialog_previews_every_change_without_showing_secrets(qtbot, pane, tmp_path):
    dialog = pane.open_export_dialog()
    qtbot.addWidget(dialog)
    rows = [[dialog.changes.item(r, c).text() for c in range(5)]
            for r in range(dialog.changes.rowCount())]
    kinds = {(row[0], row[1]) for row in rows}
    assert {("secret", "password"), ("pseudonym", "host"), ("pseudonym", "ipv4")} <= kinds
    assert not any(SECRET in cell for row in rows for cell in row)
    dialog.kinds[Identifier.IPV4].setChecked(False)
    assert ("pseudonym", "ipv4") not in {
        (dialog.changes.item(r, 0).text(), dialog.changes.item(r, 1).text())
        for r in range(dialog.changes.rowCount())}
    target = tmp_path / "report.md"
    with qtbot.waitSignal(pane.exported, timeout=5000) as signal:
        assert dialog.write(target)
    assert signal.args == [str(target)]
    text = target.read_text()
    assert SECRET not in text and "db1.corp.example.com" not in text
    assert "10.20.4.17" in text  # left as chosen
    assert pane.pseudonyms.known(Identifier.HOST, "db1.corp.example.com") in text


def test_a_refused_export_says_why_and_writes_nothing(qtbot, pane, tmp_path, monkeypatch):
    monkeypatch.setattr("inspector.report.exporting.redact_report",
                        lambda report, redactor: report)
    dialog = pane.open_export_dialog()
    qtbot.addWidget(dialog)
    assert not dialog.write(tmp_path / "report.md")
    assert "export refused" in dialog.error.text()
    assert SECRET not in dialog.error.text()
    assert list(tmp_path.iterdir()) == []
