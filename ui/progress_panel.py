"""The Analysis dock's content: how far each analyzer has got, and what runs now.

One bar per analyzer (jobs done of jobs known, and failures), added the first time an
analyzer reports. Bars sit ``PROGRESS_COLUMNS`` to a row, so the dock stays a few lines
tall however many analyzers there are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from inspector.engine import Update

PROGRESS_COLUMNS = 3


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ProgressPanel(QWidget):
    """One bar per analyzer (done/total jobs, failures) and what runs now.

    Attributes:
        bars: each analyzer's bar, by analyzer name.
        running: the members being analyzed right now, one line each.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: dict[str, QProgressBar] = {}
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(2)
        self.running = _plain_label()
        self.running.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(self.grid)
        layout.addWidget(self.running)
        layout.addStretch()

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.bars = {}
        self.running.clear()

    def show_progress(self, update: Update) -> None:
        for name, progress in sorted(update.progress.analyzers.items()):
            bar = self.bars.get(name)
            if bar is None:
                row, column = divmod(len(self.bars), PROGRESS_COLUMNS)
                bar = self.bars[name] = QProgressBar()
                self.grid.addWidget(_plain_label(name), row, 2 * column)
                self.grid.addWidget(bar, row, 2 * column + 1)
                self.grid.setColumnStretch(2 * column + 1, 1)
            bar.setMaximum(max(progress.total, 1))
            bar.setValue(progress.done)
            failed = f", {progress.failed} failed" if progress.failed else ""
            bar.setFormat(f"{progress.done}/{progress.total}{failed}")
        self.running.setText("\n".join(f"{analyzer}: {path} ({fraction:.0%})"
                                       for path, analyzer, fraction in update.progress.running))
