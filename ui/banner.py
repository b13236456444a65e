"""The banner over the window: what the engineer must not miss, in plain words.

Three levels, each with its own colours from the palette (``app.qss``, contrast checked in
``tests/ui/test_theme.py``): ``error`` (a bundle that cannot be opened, nothing analyzed),
``warning`` (a capture of which no packet could be read, members that failed) and ``info``
(where an export went). The text is plain text; a close button hides it, and a new bundle
hides it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from inspector.views.notices import Notice
from ui import theme
from ui.viewers.base import plain_label

LEVELS = ("error", "warning", "info")


class Banner(QFrame):
    """One or more lines over the window (see the module doc).

    Attributes:
        text: the label showing the message.
        level: the level shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.level = "error"
        self.text = plain_label(wrap=True)
        close = QToolButton(text="✕", toolTip="Hide this message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        theme.style(self)
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        assert level in LEVELS
        self.level = level
        self.setProperty("level", "" if level == "error" else level)
        self.style().unpolish(self)
        self.style().polish(self)
        for child in self.findChildren(QWidget):
            child.style().unpolish(child)
            child.style().polish(child)
        self.text.setText(text)
        self.show()

    def show_notices(self, notices: Iterable[Notice]) -> None:
        """The notices of an analysis, the most serious level for the whole banner."""
        notices = list(notices)
        if not notices:
            self.hide()
            return
        level = "error" if any(n.level == "error" for n in notices) else "warning"
        self.show_message("\n".join(n.text for n in notices), level)
