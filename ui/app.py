"""Starting the desktop application: ``run_app(bundle_path)`` (called by ``ui.launch``).

Decisions:

- The look is ``ui.theme``'s: Fusion style everywhere (set here) over the system's light or
  dark palette; the main window adds the app's stylesheet, and widgets that pick colours
  by hand (severities, log levels, SQL highlighting) take the palette's.
- Settings and the recent-bundles list live in ``QSettings`` under the organization and
  application names set here; tests point ``QSettings`` at a temporary folder.
- A bundle given on the command line is opened after the window shows, so a slow or
  failing bundle never delays the window.
- Before any window, ``binding_defect`` checks that the Qt binding keeps its references:
  PySide6 6.12.0 frees a reference to ``True`` on every signal emission and the app would
  abort a few thousand signals later (issue 23). ``pyproject.toml`` keeps installs off it;
  this catches an environment that has it anyway, and says what to do instead of crashing
  in the middle of an engineer's work.
- SIGTERM and SIGINT close the window as the user would (the draft is saved, the analysis
  and the viewers' scans are stopped); the exit code is 128 + the signal's number. A timer
  hands control to Python a few times a second so that the handlers run while Qt waits.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from inspector import __version__
from ui import theme
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
    app.setStyle(theme.STYLE)
    return app


def create_window(bundle_path: str | None = None) -> MainWindow:
    """A shown main window; ``bundle_path`` opens once the event loop runs."""
    window = MainWindow()
    window.show()
    if bundle_path:
        QTimer.singleShot(0, lambda: window.open_bundle(Path(bundle_path)))
    return window


class _Probe(QObject):
    ping = Signal()


def _references_to_true() -> int:
    return sys.getrefcount(True)


def binding_defect(emissions: int = 16, references: Callable[[], int] = _references_to_true,
                   ) -> str | None:
    """Why this Qt binding would crash the app, or None when it keeps its references.

    Emits a signal ``emissions`` times and checks that ``True`` kept every reference it had;
    needs a ``QCoreApplication``.
    """
    probe = _Probe()
    before = references()
    for _ in range(emissions):
        probe.ping.emit()
    if before - references() < emissions:
        return None
    return (f"PySide6 {PySide6.__version__} drops a reference to True on every Qt signal and "
            "would crash the app within minutes; install a supported release with "
            "`pip install 'PySide6-Essentials>=6.7,<6.12'` (the range in pyproject.toml)")


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SIGNAL_POLL_MS = 200


@contextlib.contextmanager
def closing_on_signals(app: QApplication) -> Iterator[dict[str, int]]:
    """While inside, SIGINT and SIGTERM close every window (saving drafts, stopping work).

    Yields ``{"signal": number}`` once one arrived (empty until then), for the exit code;
    the previous handlers are back afterwards.
    """
    received: dict[str, int] = {}

    def handle(signum: int, _frame: object) -> None:
        received["signal"] = signum
        app.closeAllWindows()
        app.quit()

    previous = {number: signal.signal(number, handle) for number in STOP_SIGNALS}
    # Python runs signal handlers only between bytecodes; while Qt waits in C++ none run.
    poll = QTimer(app)
    poll.timeout.connect(lambda: None)
    poll.start(SIGNAL_POLL_MS)
    try:
        yield received
    finally:
        poll.stop()
        poll.deleteLater()
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_app(bundle_path: str | None) -> int:
    """Run the desktop app until its window closes; the exit code of the event loop."""
    app = application()
    defect = binding_defect()
    if defect is not None:
        print(f"inspector: {defect}", file=sys.stderr)
        return 2
    with closing_on_signals(app) as received:
        window = create_window(bundle_path)
        code = app.exec()
        del window
    if "signal" in received:
        return 128 + received["signal"]
    return int(code)
