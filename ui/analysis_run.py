"""Running the analysis of the open bundle and streaming what it finds to the window.

One analysis at a time: ``start`` on another bundle stops listening to the running one and
cancels it (it ends on its own, in the background), so nothing of the old bundle reaches
the window after the new one is asked for. The work is ``ui.worker.analyze`` on a
``ui.worker.Task``: the engine's updates arrive as queued signals on the GUI thread, first
what the reader listed (``opened``), then every engine update (``updated``), then the
final analysis (``finished``, also after a cancel, holding what was found so far) or, when
the bundle cannot be opened at all, the reason (``failed``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.engine import Update
from ui.worker import BundleOpened, Task, analyze


class AnalysisRun(QObject):
    """The running analysis, if any (see the module doc).

    Attributes:
        task: the analysis's task while it runs, else None.

    Signals:
        opened(object): the reader listed the bundle (a ``BundleOpened``).
        updated(object): an engine ``Update`` (findings, problems, progress).
        finished(object): the final ``Analysis``.
        failed(object, str): the bundle (a ``Path``) cannot be opened, and why.
    """

    opened = Signal(object)
    updated = Signal(object)
    finished = Signal(object)
    failed = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task: Task | None = None

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self, path: Path) -> None:
        """Analyze ``path`` off the GUI thread; a running analysis is cancelled first."""
        if self.task is not None:
            self._detach()
        task = Task(analyze, path, name="analysis", parent=self)
        task.partial.connect(self._on_partial)
        task.finished.connect(self._on_finished)
        task.failed.connect(lambda message: self._on_failed(path, message))
        self.task = task.start()

    def cancel(self) -> bool:
        """Ask the running analysis to stop, keeping what it found; False if none runs."""
        if self.task is None:
            return False
        self.task.cancel()
        return True

    def stop(self, timeout: float) -> None:
        """Cancel the running analysis and wait up to ``timeout`` seconds for it (closing)."""
        if self.task is not None:
            self.task.cancel()
            self.task.wait(timeout)

    def _detach(self) -> None:
        """Stop listening to the current analysis and cancel it (it ends on its own)."""
        assert self.task is not None
        self.task.cancel()
        for signal in (self.task.partial, self.task.finished, self.task.failed):
            signal.disconnect()
        self.task = None

    def _on_partial(self, item: Any) -> None:
        if isinstance(item, BundleOpened):
            self.opened.emit(item)
        elif isinstance(item, Update):
            self.updated.emit(item)

    def _on_finished(self, analysis: Any) -> None:
        self.task = None
        self.finished.emit(analysis)

    def _on_failed(self, path: Path, message: str) -> None:
        self.task = None
        self.failed.emit(path, message)
