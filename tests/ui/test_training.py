"""Training dialog: a full round (pick, browse, cite, submit, score, reveal), headless."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first loaded

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel

from inspector import training
from inspector.model import EntryLocator, Evidence, locator_from_json
from inspector.training import scenarios
from ui.training import TrainingDialog


@pytest.fixture
def dialog(qtbot, tmp_path):
    widget = TrainingDialog(tmp_path / "data")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def cite(qtbot, dialog, artifact, locator):
    """Show ``locator`` in the viewer, wait until it is the selection, then press Cite."""
    dialog.go_to(Evidence(artifact, locator))
    qtbot.waitUntil(lambda: any(e.artifact == artifact and e.locator == locator
                                for e in dialog.viewers.selected_evidence()), timeout=20_000)
    dialog.cite_button.click()


def test_a_full_round(qtbot, dialog, tmp_path):
    groups = [dialog.scenarios.topLevelItem(i).text(0)
              for i in range(dialog.scenarios.topLevelItemCount())]
    assert groups == [level.capitalize() for level in training.DIFFICULTIES
                      if any(s.difficulty == level for s in scenarios.catalogue())]
    items = dialog.scenario_items()
    assert set(items) == set(scenarios.CATALOGUE)
    dialog.scenarios.setCurrentItem(items["gateway_502"])
    with qtbot.waitSignal(dialog.case_ready, timeout=120_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    # Findings stay hidden; submitting needs a root cause.
    assert dialog.findings.topLevelItemCount() == 0 and dialog.results.isHidden()
    assert not dialog.submit_button.isEnabled()
    key = dialog.prepared.case.answer_key
    listed = {dialog.artifacts.item(row).data(Qt.ItemDataRole.UserRole)
              for row in range(dialog.artifacts.count())}
    assert {item["artifact"] for item in key["evidence"]} <= listed

    # The evidence is read in the main window's own viewers.
    for item in key["evidence"]:
        cite(qtbot, dialog, item["artifact"], locator_from_json(item["locator"]))
    har = next(item["artifact"] for item in key["evidence"]
               if item["locator"]["kind"] == "entry")
    dialog.show_artifact(har)
    assert dialog.viewers.currentWidget() is dialog.viewers.har_viewer
    entries = dialog.viewers.har_viewer.entries
    favicon = next(e.number for e in entries if e.url.endswith("/favicon.ico"))
    cite(qtbot, dialog, har, EntryLocator(favicon))  # the red herring
    assert dialog.cited.count() == len(key["evidence"]) + 1
    assert dialog.viewers.timeline is None  # its incidents would give the answer away

    dialog.choose_root_cause("upstream-failing")
    qtbot.keyClicks(dialog.diagnosis_text, "billing backend behind the gateway fails")
    assert dialog.submit_button.isEnabled()
    with qtbot.waitSignals([dialog.scored, dialog.findings_revealed], timeout=10_000):
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)

    expected = 100 - training.UNRELATED_CITATION_PENALTY
    assert dialog.result.points == expected and dialog.result.passed
    explanation = dialog.explanation.toPlainText()
    assert f"Score: {expected}/100" in explanation and f"entry {favicon}" in explanation
    assert not dialog.results.isHidden()
    revealed = {dialog.findings.topLevelItem(i).text(1)
                for i in range(dialog.findings.topLevelItemCount())}
    assert set(key["rules"]) <= revealed
    assert not dialog.submit_button.isEnabled()  # one submission per round

    progress = training.TrainingProgress(tmp_path / "data")
    assert progress.best("gateway_502") == expected
    assert dialog.scenario_items()["gateway_502"].text(1) == f"{expected} \u2713"

    # A finding's evidence opens that place in the viewer.
    finding = next(f for f in dialog.prepared.analysis.findings if f.rule == "http.server-errors")
    dialog.go_to(finding.evidence[0])
    assert dialog.artifacts.currentItem().data(Qt.ItemDataRole.UserRole) == har
    qtbot.waitUntil(lambda: dialog.viewers.har_viewer.current_entry().number ==
                    finding.evidence[0].locator.index)


def test_scenario_titles_are_symptoms_and_are_never_cut_off(qtbot, dialog):
    dialog.resize(1200, 800)
    qtbot.waitExposed(dialog)
    items = dialog.scenario_items()
    item = items["tls_expired_certificate"]
    assert item.text(0) == "Payment calls to our partner fail since this morning"
    assert item.toolTip(0) == item.text(0)
    tree = dialog.scenarios
    metrics = tree.fontMetrics()
    for each in items.values():
        row = tree.visualItemRect(each)
        width = row.width() - 8
        wrapped = metrics.boundingRect(QRect(0, 0, width, 0), Qt.TextFlag.TextWordWrap,
                                       each.text(0))
        assert row.height() >= wrapped.height(), each.text(0)  # every line of it shows
    assert any(tree.visualItemRect(each).height() > 1.5 * metrics.lineSpacing()
               for each in items.values())  # long titles did wrap


def test_a_log_line_of_the_key_findings_group_earns_credit(qtbot, dialog):
    dialog.start("tls_expired_certificate")
    qtbot.waitUntil(lambda: dialog.prepared is not None, timeout=120_000)
    log = next(e for f in dialog.prepared.analysis.findings if f.rule == "log.known-issue"
               for e in f.evidence)
    cite(qtbot, dialog, log.artifact, log.locator)
    dialog.choose_root_cause("certificate-expired")
    dialog.submit()
    assert [c.verdict for c in dialog.result.citations] == ["related"]
    assert dialog.result.passed and "red herring" not in dialog.explanation.toPlainText()


def test_customer_text_is_shown_as_plain_text(dialog):
    labels = dialog.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_unreadable_progress_is_reported_not_fatal(qtbot, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / training.PROGRESS_FILE).write_bytes(b"{broken")
    widget = TrainingDialog(data)
    qtbot.addWidget(widget)
    assert "could not be read" in widget.status.text()
    assert widget.scenario_items()  # the scenarios are still there to train on
