"""The window's menus and toolbar: every command with the keys ``ui.shortcuts`` names."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from ui.shortcuts import KEYS


def test_every_command_is_an_action_with_its_keys_and_in_a_menu(window):
    assert set(window.actions) == set(KEYS)
    in_menus = {action for menu in window.menuBar().actions() if menu.menu()
                for action in menu.menu().actions()}
    for command, action in window.actions.items():
        assert action.shortcut() == QKeySequence(KEYS[command][0]), command
        assert action in in_menus or command in ("critical", "high", "medium", "low", "info"), \
            command
    assert window.actions["high"].isCheckable() and window.actions["high"].isChecked()
    tools = next(menu.menu() for menu in window.menuBar().actions() if menu.text() == "&Tools")
    assert any("case" in action.text().lower() for action in tools.actions())
