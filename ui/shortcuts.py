"""Every keyboard shortcut of the main window, in one table, and Help > Keyboard shortcuts.

``KEYS`` names each command's keys; the window's actions take their shortcut from here
(``ui.window_actions``), and the dialog lists the same table, so the help never disagrees
with the keys. The viewers' own keys (find in file, fold, go to line, display filter) are
listed too, under their viewer.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.viewers.base import plain_label

# command -> (keys, what they do, where)
KEYS: dict[str, tuple[str, str, str]] = {
    "open": ("Ctrl+O", "Open a bundle file", "Window"),
    "open_folder": ("Ctrl+Shift+O", "Open a bundle folder", "Window"),
    "reanalyze": ("F5", "Analyze the open bundle again", "Window"),
    "cancel": ("Ctrl+.", "Cancel the analysis (keeps what was found)", "Window"),
    "find": ("Ctrl+F", "Filter the findings", "Findings"),
    "next": ("F8", "Next finding", "Findings"),
    "previous": ("Shift+F8", "Previous finding", "Findings"),
    "jump": ("F4", "Jump to the selected evidence (Return on the table too)", "Findings"),
    "evidence": ("Ctrl+E", "Focus the evidence list of the finding", "Findings"),
    "back": ("Alt+Left", "Back to the evidence shown before", "Findings"),
    "forward": ("Alt+Right", "Forward again", "Findings"),
    "add_to_report": ("Ctrl+R", "Add the selected finding to the report, cited at the cursor",
                      "Report"),
    "cite": ("Ctrl+Shift+R", "Add what is selected in the viewer to the report", "Report"),
    "report": ("Ctrl+Shift+P", "Show the report column and focus it", "Report"),
    "critical": ("Alt+1", "Show or hide critical findings", "Findings"),
    "high": ("Alt+2", "Show or hide high findings", "Findings"),
    "medium": ("Alt+3", "Show or hide medium findings", "Findings"),
    "low": ("Alt+4", "Show or hide low findings", "Findings"),
    "info": ("Alt+5", "Show or hide info findings", "Findings"),
    "text": ("Ctrl+1", "Text viewer", "Viewers"),
    "packets": ("Ctrl+2", "Packets viewer", "Viewers"),
    "har": ("Ctrl+3", "HAR viewer", "Viewers"),
    "sql": ("Ctrl+4", "SQL viewer", "Viewers"),
    "timeline": ("Ctrl+5", "Timeline", "Viewers"),
    "signature": ("Ctrl+Shift+S", "Create a signature from the selected finding", "Tools"),
    "signature_line": ("Ctrl+Shift+L", "Create a signature from the selected line", "Tools"),
    "training": ("Ctrl+Shift+T", "Training mode", "Tools"),
    "shortcuts": ("F1", "This list", "Help"),
    "quit": ("Ctrl+Q", "Quit", "Window"),
}
VIEWER_KEYS = (
    ("Ctrl+/", "Focus the display filter (Return applies it at once)", "Packets"),
    ("Enter / Shift+Enter, F3 / Shift+F3", "Find next / previous in the file", "Text"),
    ("Esc", "Stop a search", "Text"),
    ("Ctrl+G", "Go to line", "Text"),
    ("Ctrl+Shift+[ / ]", "Fold / unfold the stack trace at the cursor", "Text"),
    ("Ctrl+Alt+[ / ]", "Fold / unfold every stack trace", "Text"),
    ("Tab / Shift+Tab", "Move between panes (tables do not trap Tab)", "Everywhere"),
)


def keys(command: str) -> str:
    return KEYS[command][0]


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: the ``KEYS`` table and the viewers' keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = [(where, shortcut, what) for shortcut, what, where in KEYS.values()]
        rows += [(where, shortcut, what) for shortcut, what, where in VIEWER_KEYS]
        rows.sort(key=lambda row: row[0])
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What they do"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Every key the window knows:"))
        layout.addWidget(self.table)
        self.resize(640, 620)
