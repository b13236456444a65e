"""The recent bundles: newest first, no duplicates, capped, and a menu that opens them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

from ui.recent_bundles import RECENT_LIMIT, RecentBundles


def test_newest_first_without_duplicates_and_capped(qtbot):
    menu = QMenu()
    recent = RecentBundles(menu)
    assert recent.paths() == [] and not menu.isEnabled()
    for n in range(RECENT_LIMIT + 2):
        recent.remember(Path(f"/cases/{n}.zip"))
    recent.remember(Path("/cases/5.zip"))
    paths = recent.paths()
    assert paths[0] == "/cases/5.zip" and paths.count("/cases/5.zip") == 1
    assert len(paths) == RECENT_LIMIT and "/cases/0.zip" not in paths
    assert [action.text() for action in menu.actions()] == paths and menu.isEnabled()
    with qtbot.waitSignal(recent.chosen) as chosen:
        menu.actions()[1].trigger()
    assert chosen.args == [paths[1]]


def test_a_single_path_saved_as_text_still_reads(qtbot):
    QSettings().setValue("recent", "/cases/one.zip")
    assert RecentBundles(QMenu()).paths() == ["/cases/one.zip"]
