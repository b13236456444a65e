"""The bundles opened last, kept across sessions, and the *Open recent* menu that lists them.

The list lives in ``QSettings`` under ``recent``, newest first, at most ``RECENT_LIMIT``
paths; a bundle opened again moves to the top. The menu is rebuilt whenever the list
changes and is disabled while it is empty.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QMenu

RECENT_LIMIT = 10
KEY = "recent"


class RecentBundles(QObject):
    """The recent bundles and their menu (see the module doc).

    Attributes:
        menu: the *Open recent* menu.

    Signals:
        chosen(str): the user picked a bundle from the menu (its path).
    """

    chosen = Signal(str)

    def __init__(self, menu: QMenu, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = menu
        self._refresh_menu()

    def paths(self) -> list[str]:
        value = QSettings().value(KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.paths() if p != str(path)]
        QSettings().setValue(KEY, recent[:RECENT_LIMIT])
        self._refresh_menu()

    def _refresh_menu(self) -> None:
        self.menu.clear()
        recent = self.paths()
        for path in recent:
            action = self.menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.chosen.emit(p))
        self.menu.setEnabled(bool(recent))
