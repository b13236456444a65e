"""Seen before, in the app: an analysis is recorded, and a variant's findings name the
earlier case with its resolution; the earlier report opens as plain text."""

from __future__ import annotations

import random

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPlainTextEdit

from inspector.cases import open_store, recording_of
from inspector.formats.archives import zip_bytes
from inspector.training import scenarios
from tests.analyses import analyze
from tests.ui.test_main_window import analyzed
from ui.main_window import MainWindow
from ui.models import ROW_ROLE
from ui.seen_before import DATABASE_SETTING, RECORD_SETTING, open_report


def sample_variant(path, seed: int):
    scenario = scenarios.load("tls_expired_certificate")
    path.write_bytes(zip_bytes(scenario.build(random.Random(seed)).files))
    return path


def test_a_variant_shows_the_earlier_case_and_its_report(qtbot, tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    QSettings().setValue(DATABASE_SETTING, url)
    earlier = sample_variant(tmp_path / "customer-a.zip", 1)
    report = tmp_path / "customer-a.md"
    report.write_text("# Partner certificate expired\n\nRenewed by the partner on Monday.\n")
    with open_store(url) as store:
        case = store.record(recording_of(analyze(earlier)), "CASE-1042", origin="analyze")
        store.resolve(case, title="Partner certificate expired",
                      root_cause="the partner's API certificate expired",
                      resolution="partner renewed it", report=str(report))

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.case_memory.looked_up, timeout=60_000):
        analyzed(qtbot, window, sample_variant(tmp_path / "customer-b.zip", 2))
    pane = window.findings_pane
    expired = next(row for row in range(pane.filter.rowCount())
                   if pane.filter.index(row, 0).data(ROW_ROLE).rule == "tls.certificate-expired")
    pane.table.selectRow(expired)
    panel = pane.detail.seen_before
    assert panel.title.text() == "Seen in 1 earlier case"
    assert panel.cases.item(0).text().startswith("CASE-1042 · Partner certificate expired")
    assert "partner renewed it" in panel.cases.item(0).text()

    dialog = open_report(panel.cases.item(0).data(Qt.ItemDataRole.UserRole), window)
    qtbot.addWidget(dialog)
    assert "Renewed by the partner on Monday." in dialog.findChild(QPlainTextEdit).toPlainText()
    window.close()
    with open_store(url) as store:  # the app recorded the variant too
        assert len(store.cases()) == 2


def test_recording_off_and_an_unusable_database_are_said_not_raised(qtbot, tmp_path):
    QSettings().setValue(RECORD_SETTING, False)
    QSettings().setValue(DATABASE_SETTING, "postgresql://nobody@127.0.0.1:1/cases")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.case_memory.unavailable, timeout=60_000) as said:
        analyzed(qtbot, window, sample_variant(tmp_path / "b.zip", 3))
    assert said.args[0].startswith("Case database not available")
    assert window.findings_pane.detail.seen_before.title.text() == said.args[0]
    window.close()
