"""The main window's menus, tool bar and shortcuts, built from ``ui.shortcuts.KEYS``.

``install(window)`` adds every action to the window (so its shortcut works wherever the
focus is) and to its menu, and returns them by command name; the window enables and disables
them (Cancel while an analysis runs, Back/Forward with the history). The slots are the
window's public methods: this module only lays out what exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from inspector.model import Severity
from ui.seen_before import add_case_actions
from ui.shortcuts import keys

if TYPE_CHECKING:
    from ui.main_window import MainWindow

VIEWER_COMMANDS = ("text", "packets", "har", "sql", "timeline")
THEMES = (("System", None), ("Light", False), ("Dark", True))


def install(window: MainWindow) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}

    def add(command: str, text: str, slot: Callable[..., Any], menu: QMenu) -> QAction:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys(command)))
        action.triggered.connect(slot)
        menu.addAction(action)
        window.addAction(action)
        actions[command] = action
        return action

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    add("open", "&Open bundle file…", window.choose_bundle, file_menu)
    add("open_folder", "Open bundle &folder…", window.choose_folder, file_menu)
    window.recent_menu = file_menu.addMenu("Open &recent")
    add("reanalyze", "Analyze &again", window.reanalyze, file_menu)
    add("cancel", "&Cancel analysis", window.cancel_analysis, file_menu)
    file_menu.addSeparator()
    add("quit", "&Quit", window.close, file_menu)

    pane = window.findings_pane
    find_menu = bar.addMenu("F&indings")
    add("find", "&Find", pane.focus_filter, find_menu)
    add("next", "&Next finding", lambda: pane.step(1), find_menu)
    add("previous", "&Previous finding", lambda: pane.step(-1), find_menu)
    add("jump", "&Jump to evidence", pane.jump_to_evidence, find_menu)
    add("evidence", "Focus the &evidence list", pane.focus_evidence, find_menu)
    add("back", "&Back", window.viewers.back, find_menu)
    add("forward", "F&orward", window.viewers.forward, find_menu)
    severities = find_menu.addMenu("&Show severities")
    for severity in Severity:
        button = pane.severity_buttons[severity]
        action = add(severity.value, severity.value.capitalize(), button.toggle, severities)
        action.setCheckable(True)
        action.setChecked(True)
        button.toggled.connect(action.setChecked)

    report_menu = bar.addMenu("&Report")
    add("add_to_report", "&Add finding to report", window.add_to_report, report_menu)
    add("cite", "Add &selection to report", window.cite_selection, report_menu)
    add("report", "Show the &report", window.show_report, report_menu)

    view_menu = bar.addMenu("&View")
    for number, command in enumerate(VIEWER_COMMANDS):
        add(command, command.capitalize() if command != "har" else "HAR",
            lambda _=False, n=number: window.viewers.setCurrentIndex(n), view_menu)
    view_menu.addSeparator()
    for dock in (window.bundle_dock, window.problems_dock, window.report_dock):
        view_menu.addAction(dock.toggleViewAction())
    theme_menu = view_menu.addMenu("&Theme")
    group = QActionGroup(window)
    for name, dark in THEMES:
        action = theme_menu.addAction(name, lambda d=dark: window.set_theme(d))
        action.setCheckable(True)
        action.setChecked(dark is None)
        group.addAction(action)

    tools_menu = bar.addMenu("&Tools")
    add("signature", "Create &signature from finding…", window.signature_from_finding,
        tools_menu)
    add("signature_line", "Create signature from selected &line…", window.signature_from_line,
        tools_menu)
    tools_menu.addSeparator()
    add("training", "&Training mode…", window.open_training, tools_menu)
    tools_menu.addSeparator()
    add_case_actions(tools_menu, window)

    help_menu = bar.addMenu("&Help")
    add("shortcuts", "&Keyboard shortcuts", window.show_shortcuts, help_menu)

    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("toolbar-main")
    for command in ("open", "back", "forward", "reanalyze", "cancel", "report"):
        toolbar.addAction(actions[command])
    actions["back"].setToolTip(f"Back to the evidence shown before ({keys('back')})")
    actions["forward"].setToolTip(f"Forward ({keys('forward')})")
    pane.menu_actions = [actions["add_to_report"], actions["signature"]]
    return actions
