"""How far the analysis has got, in the status bar: an overall bar, what runs now, and on
demand the per-analyzer bars.

The progress lives in the status bar only while the analysis runs (``StatusProgress``):
when it ends the bars go and the status bar says what was found, so nothing of a finished
analysis keeps screen space. *Details* opens ``ProgressPanel``, one bar per analyzer (jobs
done of jobs known, and failures), ``PROGRESS_COLUMNS`` to a row.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from inspector.engine import Update
from ui.viewers.base import plain_label

PROGRESS_COLUMNS = 2
RUNNING_CHARS = 60
REFRESH_MS = 200


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
        self.running = plain_label(wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(self.grid)
        layout.addWidget(self.running)
        self.setMinimumWidth(460)

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
                self.grid.addWidget(plain_label(name), row, 2 * column)
                self.grid.addWidget(bar, row, 2 * column + 1)
                self.grid.setColumnStretch(2 * column + 1, 1)
            bar.setMaximum(max(progress.total, 1))
            bar.setValue(progress.done)
            failed = f", {progress.failed} failed" if progress.failed else ""
            bar.setFormat(f"{progress.done}/{progress.total}{failed}")
        self.running.setText("\n".join(f"{analyzer}: {path} ({fraction:.0%})"
                                       for path, analyzer, fraction in update.progress.running))


class StatusProgress(QWidget):
    """The running analysis in the status bar (see the module doc).

    Attributes:
        bar: overall progress; ``running`` what is analyzed now; ``panel`` the details;
            ``cancel`` stops the analysis.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(160)
        self.running = plain_label()
        self.panel = ProgressPanel()
        self.details = QToolButton(text="Details")
        self.details.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.details)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.panel)
        menu.addAction(holder)
        self.details.setMenu(menu)
        self.cancel = QPushButton("Cancel")
        self._latest: Update | None = None
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._show_latest)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.bar, self.running, self.details, self.cancel):
            layout.addWidget(widget)
        self.hide()

    def start(self) -> None:
        self.panel.clear()
        self.bar.setValue(0)
        self._latest = None
        self.running.setText("reading the bundle…")
        self.show()

    def show_progress(self, update: Update) -> None:
        """Show ``update`` within ``REFRESH_MS``: the engine reports far more often than
        anyone reads a bar, and a bar repaints at once when its value changes."""
        self._latest = update
        if not self._refresh.isActive():
            self._refresh.start()

    def _show_latest(self) -> None:
        update = self._latest
        if update is None or self.isHidden():
            return
        self._latest = None
        self.bar.setValue(int(update.progress.overall * 1000))
        self.panel.show_progress(update)
        running = update.progress.running
        if running:
            path, analyzer, _fraction = running[0]
            text = f"{analyzer}: {path}"
            if len(text) > RUNNING_CHARS:
                text = "…" + text[-RUNNING_CHARS + 1:]
            self.running.setText(text + (f" (+{len(running) - 1})" if len(running) > 1 else ""))

    def finish(self) -> None:
        self._refresh.stop()
        self._latest = None
        self.hide()
        self.panel.running.clear()


