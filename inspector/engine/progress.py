"""What a run reports while it goes, and the handle that cancels it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from inspector.model import Event, Finding, Problem

PROGRESS_INTERVAL = 0.1  # seconds between progress messages from one worker


class RunHandle:
    """Lets any thread cancel a run. Cheap to create; one per run."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


@dataclass(slots=True)
class AnalyzerProgress:
    done: int = 0
    total: int = 0
    failed: int = 0


@dataclass(slots=True)
class Progress:
    """Where a run stands. ``overall`` goes from 0.0 to 1.0.

    Attributes:
        running: ``(artifact path, analyzer, fraction)`` of each job in flight.
    """

    overall: float = 0.0
    jobs_done: int = 0
    jobs_total: int = 0
    analyzers: dict[str, AnalyzerProgress] = field(default_factory=dict)
    running: list[tuple[str, str, float]] = field(default_factory=list)

    def snapshot(self) -> Progress:
        """A copy that later progress does not change (safe to hand to another thread)."""
        return Progress(self.overall, self.jobs_done, self.jobs_total,
                        {name: AnalyzerProgress(p.done, p.total, p.failed)
                         for name, p in self.analyzers.items()},
                        list(self.running))


@dataclass(slots=True)
class Update:
    """What arrived since the previous update, and the progress now."""

    progress: Progress
    findings: list[Finding] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    finished: bool = False


UpdateCallback = Callable[[Update], None]
