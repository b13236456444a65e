"""Starting the app: names and style, the window, a bundle from the command line."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from ui import app as app_module
from ui.main_window import MainWindow


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
