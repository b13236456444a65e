"""Starting the desktop application: ``run_app(bundle_path)`` (called by ``ui.launch``).

Decisions:

- Fusion style everywhere, so the app looks the same on every desktop and its palette
  follows the system's light or dark scheme (Qt 6.5+ reports it through
  ``QStyleHints.colorScheme``; Fusion then builds the matching palette). Widgets that
  pick colours by hand (log levels, SQL highlighting) ask ``ui.viewers.text.is_dark``.
- Settings and the recent-bundles list live in ``QSettings`` under the organization and
  application names set here; tests point ``QSettings`` at a temporary folder.
- A bundle given on the command line is opened after the window shows, so a slow or
  failing bundle never delays the window.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from inspector import __version__
from ui.main_window import MainWindow

ORGANIZATION = "Bundle Inspector"
APPLICATION = "Bundle Inspector"


def application(argv: list[str] | None = None) -> QApplication:
    """The ``QApplication``, created once and configured (names, style)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    return app


def create_window(bundle_path: str | None = None) -> MainWindow:
    """A shown main window; ``bundle_path`` opens once the event loop runs."""
    window = MainWindow()
    window.show()
    if bundle_path:
        QTimer.singleShot(0, lambda: window.open_bundle(Path(bundle_path)))
    return window


def run_app(bundle_path: str | None) -> int:
    """Run the desktop app until its window closes; the exit code of the event loop."""
    app = application()
    window = create_window(bundle_path)
    code = app.exec()
    del window
    return int(code)
