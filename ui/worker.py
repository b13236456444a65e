"""The one adapter between background work and the GUI thread.

Background work is a plain, Qt-free function ``work(state, *args) -> result`` (Orange3's
``concurrent.py`` pattern). It reports through its ``TaskState``: ``state.emit(item)`` for
partial results (an engine ``Update``, a batch of packet rows, a block of log lines),
``state.cancelled`` to poll, and ``state.handle`` (the engine's ``RunHandle``) to hand to
``Engine.run``. It never touches a widget.

``Task`` runs the function on a Python thread and turns what it reports into Qt signals
delivered on the GUI thread through a queued connection, so every slot may touch widgets.
Analysis itself runs in the engine's worker processes; the thread here only waits on them,
reads members for the viewers, and searches.

>>> def count_lines(state, text):
...     lines = text.splitlines()
...     for number, _ in enumerate(lines, 1):
...         state.emit(number)  # a progress report; dropped when no Task is listening
...     return len(lines)
>>> count_lines(TaskState(), "a\\nb")
2
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from analyzers import BUILTIN
from inspector.analysis import Analysis
from inspector.bundle import Bundle, BundleOpenError
from inspector.bundle.streams import Limits
from inspector.engine import EngineLimits, RunHandle, run_analysis
from inspector.model import Artifact, Finding, Problem


class TaskState:
    """What a background function sees: where to send partial results, and cancellation.

    Attributes:
        handle: the engine's thread-safe cancellation token; ``Task.cancel`` sets it.
    """

    def __init__(self, sink: Callable[[Any], None] | None = None) -> None:
        self.handle = RunHandle()
        self._sink = sink

    @property
    def cancelled(self) -> bool:
        return self.handle.cancelled

    def emit(self, item: Any) -> None:
        """Send a partial result to the GUI thread (a no-op outside a ``Task``)."""
        if self._sink is not None and not self.cancelled:
            self._sink(item)


class Task(QObject):
    """Runs ``work(state, *args)`` on a thread; reports through queued signals.

    Signals:
        partial(object): an item the work emitted, in order.
        finished(object): the work's return value (also after a cancel that returned).
        failed(str): the work raised; a one-line message (``BundleOpenError`` text as is).
    """

    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    _relay = Signal(str, object)

    def __init__(self, work: Callable[..., Any], *args: Any, name: str = "task",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._args = args
        self._name = name
        self._thread: threading.Thread | None = None
        self.state = TaskState(lambda item: self._relay.emit("partial", item))
        # Queued: the relay is emitted on the worker thread and delivered on ours.
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> Task:
        self._thread = threading.Thread(target=self._run, name=f"inspector-{self._name}",
                                        daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.state.handle.cancel()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Join the thread (for shutdown and tests); True when it has ended."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _run(self) -> None:
        try:
            result = self._work(self.state, *self._args)
        except BundleOpenError as exc:
            self._report("failed", str(exc))
        except Exception as exc:  # reported to the user, never lost
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self._report("failed", f"{type(exc).__name__}: {exc} "
                                   f"({Path(where.filename).name}:{where.lineno})")
        else:
            self._report("finished", result)

    def _report(self, kind: str, item: Any) -> None:
        # The owner may be gone by the end (a window closed while the work ran on past its
        # shutdown wait): then no one is left to tell, and the result is dropped.
        if not shiboken6.isValid(self):
            return
        try:
            self._relay.emit(kind, item)
        except RuntimeError:  # deleted between the check and the emit
            return

    @Slot(str, object)
    def _deliver(self, kind: str, item: Any) -> None:
        if kind == "partial":
            if not self.state.cancelled:
                self.partial.emit(item)
        elif kind == "finished":
            self.finished.emit(item)
        else:
            self.failed.emit(item)


# --- the analysis job ------------------------------------------------------------------------


def stop_tasks(tasks: Iterable[Task | None], timeout: float | None = None) -> None:
    """Cancel every task given (``None`` entries are skipped); with ``timeout``, also wait
    for each to end. What viewers do when their source goes away or the app shuts down."""
    for task in tasks:
        if task is not None:
            task.cancel()
            if timeout is not None:
                task.wait(timeout)


@dataclass(frozen=True)
class BundleOpened:
    """The first partial result of an analysis: what the reader listed.

    Attributes:
        source: the bundle path; viewers reopen members from it (``reopen_bundle``).
        limits: the reading limits the bundle was opened with.
    """

    source: Path
    limits: Limits
    artifacts: list[Artifact]
    findings: list[Finding]
    problems: list[Problem] = field(default_factory=list)


def analyze(state: TaskState, path: Path, limits: EngineLimits | None = None,
            analyzers: list[Any] | None = None) -> Analysis:
    """Open ``path``, emit a ``BundleOpened``, then every engine ``Update``; return the result.

    ``analyzers`` default to the built-in ones plus plugins; a list given is used alone.
    Raises ``BundleOpenError`` when there is nothing to open.
    """
    def opened(bundle: Bundle, load_problems: list[Problem]) -> None:
        state.emit(BundleOpened(Path(bundle.source), bundle.limits, list(bundle.artifacts),
                                list(bundle.findings), list(bundle.problems) + load_problems))

    return run_analysis(path, BUILTIN if analyzers is None else analyzers,
                        plugins=analyzers is None, engine_limits=limits, on_opened=opened,
                        on_update=state.emit, handle=state.handle)
