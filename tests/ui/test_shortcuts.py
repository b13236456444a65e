"""Help > Keyboard shortcuts lists every key, and no two commands share one."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from ui.shortcuts import KEYS, VIEWER_KEYS, ShortcutsDialog, keys


def test_every_command_has_its_own_keys():
    sequences = [QKeySequence(shortcut).toString() for shortcut, _, _ in KEYS.values()]
    assert len(set(sequences)) == len(sequences)
    assert keys("back") == "Alt+Left" and keys("forward") == "Alt+Right"


def test_the_dialog_lists_the_windows_and_the_viewers_keys(qtbot):
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    table = dialog.table
    listed = {(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())}
    assert listed == {(shortcut, what) for shortcut, what, _ in (*KEYS.values(), *VIEWER_KEYS)}
    assert not table.tabKeyNavigation()  # Tab leaves the table
