"""The findings pane: batches while analyzing, the final list keeping the selection, the
detail and evidence of the selected finding, stepping, and the evidence it asks for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from inspector.model import Evidence, Finding, LineLocator, Severity
from ui.findings_pane import FindingsPane


def finding(n: int, severity: Severity = Severity.HIGH, analyzer: str = "logs") -> Finding:
    return Finding(rule=f"test.rule-{n}", severity=severity, category="test",
                   title=f"finding number {n}", analyzer=analyzer, count=n,
                   first_seen=datetime(2024, 5, 1, 9, n, tzinfo=UTC),
                   evidence=[Evidence(f"logs/app{n}.log", LineLocator(n), f"excerpt {n}"),
                             Evidence(f"logs/app{n}.log", LineLocator(n + 1))])


def pane_for(qtbot) -> FindingsPane:
    pane = FindingsPane()
    qtbot.addWidget(pane)
    return pane


def test_the_first_finding_is_selected_as_soon_as_there_is_one(qtbot, qtmodeltester):
    pane = pane_for(qtbot)
    pane.show_bundle([])
    assert pane.current_finding() is None and pane.detail.text.toPlainText() == ""
    pane.add_findings([finding(1, Severity.LOW, "http")])
    assert pane.current_finding().rule == "test.rule-1"
    assert pane.detail.text.toPlainText().startswith("finding number 1")
    assert pane.detail.evidence.count() == 2
    pane.add_findings([finding(2, Severity.CRITICAL)])
    assert pane.current_finding().rule == "test.rule-1"  # the user's place is kept
    names = [pane.analyzer_filter.itemData(i) for i in range(pane.analyzer_filter.count())]
    assert names == [None, "http", "logs"]
    assert pane.counts_label.text() == "2 findings"
    qtmodeltester.check(pane.filter)


def test_the_final_list_keeps_the_selected_finding_and_puts_times_on_utc(qtbot):
    pane = pane_for(qtbot)
    findings = [finding(n) for n in (1, 2, 3)]
    pane.show_bundle([])
    pane.add_findings(findings)
    pane.select_finding(findings[2])
    pane.show_analysis(list(reversed(findings)), {"logs/app3.log": timedelta(hours=2)})
    assert pane.current_finding() is findings[2]
    assert "Seen 2024-05-01 07:03:00 UTC" in pane.detail.text.toPlainText()
    pane.show_bundle([finding(9, analyzer="tls")])  # a new bundle: filters start afresh
    assert pane.analyzer_filter.count() == 2 and pane.current_finding().rule == "test.rule-9"


def test_stepping_stops_at_the_ends(qtbot):
    pane = pane_for(qtbot)
    pane.show_bundle([finding(n) for n in (1, 2, 3)])
    pane.step(-1)
    assert pane.table.currentIndex().row() == 0
    pane.step(5)
    assert pane.table.currentIndex().row() == 2


def test_jumping_asks_for_the_selected_evidence(qtbot):
    pane = pane_for(qtbot)
    pane.show_bundle([finding(4)])
    with qtbot.waitSignal(pane.evidence_activated) as first:
        pane.jump_to_evidence()
    assert first.args[0].locator == LineLocator(4)
    pane.detail.evidence.setCurrentRow(1)
    with qtbot.waitSignal(pane.evidence_activated) as second:
        pane.table.activated.emit(pane.table.currentIndex())
    assert second.args[0].locator == LineLocator(5)
    item = pane.detail.evidence.item(0)
    assert item.text() == "logs/app4.log · line 4\n    excerpt 4"
    with qtbot.waitSignal(pane.evidence_activated) as third:
        pane.detail.evidence.itemActivated.emit(item)
    assert third.args[0] is item.data(Qt.ItemDataRole.UserRole)
