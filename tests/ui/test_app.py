"""Starting the app: names and style, the window, a bundle from the command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from inspector.views.lines import IndexProgress
from tests.inspector.broken_analyzers import LINE_SEEN
from ui import app as app_module
from ui.main_window import MainWindow
from ui.models import FindingsModel
from ui.viewers.text import LogModel


def test_application_is_configured_once(qapp):
    application = app_module.application()
    assert application is QApplication.instance()
    assert application.style().name().lower() == "fusion"
    assert QCoreApplication.organizationName() == app_module.ORGANIZATION


def test_a_bundle_on_the_command_line_opens_after_the_window_shows(qtbot, tmp_path):
    window = app_module.create_window(str(tmp_path / "missing.zip"))
    qtbot.addWidget(window)
    assert window.isVisible()
    with qtbot.waitSignal(window.bundle_failed, timeout=10_000):
        pass
    assert window.banner.isVisible()
    window.close()


def test_run_app_shows_the_window_and_returns_the_event_loops_exit_code(qapp, monkeypatch):
    shown = []

    def fake_exec(application):
        # Running the real loop inside pytest-qt would leave it exiting; record instead.
        shown.extend(w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.isVisible())
        for window in shown:
            window.close()
        return 3

    monkeypatch.setattr(type(qapp), "exec", fake_exec)
    assert app_module.run_app(None) == 3
    assert shown


# --- the Qt binding keeps its references (issue 23) -------------------------------------


def test_signal_emission_keeps_true_alive(qapp):
    """Thousands of signals through the app's own models leave ``True`` as it was.

    PySide6 6.12.0 dropped one reference per emission and the app aborted; this test fails
    (or aborts) on such a release: run it before lifting the cap in pyproject.toml.
    """
    assert app_module.binding_defect() is None
    before = sys.getrefcount(True)
    model = LogModel()
    lines = 30_000
    folds = [(n, n + 2) for n in range(0, lines - 3, 6)]  # 5,000 three-line records
    for start in range(0, len(folds), 50):  # the indexer reports folds in batches
        model.grow(IndexProgress([], lines, 0, folds=folds[start:start + 50]))
    for fold in range(3_000):
        model.set_folded(fold, True)
        model.set_folded(fold, False)
    findings = FindingsModel()
    findings.reset([LINE_SEEN.finding("seen", analyzer="test")])
    for minutes in range(1_000):
        findings.set_clock_offsets({"app.log": timedelta(minutes=minutes)})
    assert sys.getrefcount(True) > before - 100


def test_a_binding_that_loses_references_is_named_and_refused(qapp, monkeypatch, capsys):
    counts = iter([500, 484])  # 16 emissions, 16 references gone
    message = app_module.binding_defect(16, lambda: next(counts))
    assert message is not None and "PySide6" in message and "<6.12" in message
    assert app_module.binding_defect(16, iter([500, 500]).__next__) is None

    monkeypatch.setattr(app_module, "binding_defect", lambda: "PySide6 9.9 drops references")
    assert app_module.run_app(None) == 2
    assert "PySide6 9.9 drops references" in capsys.readouterr().err


# "ready" once the event loop runs (with the handlers installed): on a loaded machine the
# window can take seconds to come up, and a signal before that kills the app outright.
APP_UNTIL_SIGNALLED = """
import sys
from PySide6.QtCore import QTimer
from ui.app import application, run_app
application()
QTimer.singleShot(0, lambda: print("ready", flush=True))
sys.exit(run_app(None))
"""


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_closes_the_app_cleanly(tmp_path, number):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "BUNDLE_INSPECTOR_DATA": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path)}
    app = subprocess.Popen([sys.executable, "-c", APP_UNTIL_SIGNALLED], env=env,
                           cwd=Path(__file__).resolve().parents[2],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert app.stdout.readline() == b"ready\n", app.communicate()
    time.sleep(0.5)  # the event loop waits
    assert app.poll() is None, app.communicate()
    app.send_signal(number)
    _, err = app.communicate(timeout=30)
    assert app.returncode == 128 + number, err
    assert b"Traceback" not in err
