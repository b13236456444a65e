"""The worker side of the engine: one job (an analyzer on an artifact, or a bundle analyzer on
the bundle) at a time, in a process of its own, reporting through a pipe.

Messages to the parent: ``("items", job, [(kind, json)...])`` in batches of ``BATCH_SIZE``,
``("progress", job, fraction)`` at most every ``PROGRESS_INTERVAL``, ``("warn", job,
text)``, and finally ``("done", job, stats json, seconds)`` or ``("fail", job, kind,
text)``. Items travel as JSON on purpose: what cannot be serialized fails here, in the
analyzer's job, not later in the user's export.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import orjson

from inspector import native
from inspector.bundle import Bundle, reopen_bundle
from inspector.bundle.streams import LimitExceeded, Limits
from inspector.engine.lifeline import bind_to_parent
from inspector.engine.progress import PROGRESS_INTERVAL
from inspector.model import Artifact, Event, Finding, ProblemKind
from inspector.plugins import ArtifactResults, Cancelled, Stats

BATCH_SIZE = 200  # items per message from a worker


@dataclass(slots=True)
class Job:
    id: int
    analyzer_index: int
    analyzer_name: str
    artifact: Artifact | None  # None for a bundle analyzer
    bundle_results: list[ArtifactResults] | None = None


class _WorkerContext:
    """The ``AnalysisContext`` analyzers see inside a worker."""

    def __init__(self, send: Callable[[tuple], None], job_id: int) -> None:
        self._send = send
        self._job_id = job_id
        self._last_progress = 0.0

    def progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self._send(("progress", self._job_id, max(0.0, min(1.0, float(fraction)))))

    def warn(self, message: str) -> None:
        self._send(("warn", self._job_id, str(message)))

    def check_cancelled(self) -> None:
        """Workers are stopped by the parent; nothing to poll here."""


class _Source:
    def __init__(self, bundle: Bundle, artifact: Artifact) -> None:
        self.artifact = artifact
        self._bundle = bundle

    def open(self):
        return self._bundle.open(self.artifact)


class _BundleView:
    def __init__(self, bundle: Bundle, results: list[ArtifactResults]) -> None:
        self._bundle = bundle
        self._results = results
        self._artifacts = {r.artifact.path: r.artifact for r in results}

    def results(self) -> list[ArtifactResults]:
        return self._results

    def open(self, artifact_path: str):
        return self._bundle.open(self._artifacts[artifact_path])


def _serialize(item: Finding | Event) -> tuple[str, bytes]:
    # Through JSON on purpose: what cannot be serialized fails here, in the analyzer's job,
    # not later in the user's export.
    kind = "finding" if isinstance(item, Finding) else "event"
    return kind, orjson.dumps(item.to_json())


def execute_job(job: Job, analyzer: Any, bundle: Bundle, send: Callable[[tuple], None]) -> None:
    """Run one job, sending ``items``/``progress``/``warn`` and finally ``done`` or ``fail``."""
    context = _WorkerContext(send, job.id)
    started = time.perf_counter()
    stats: dict[str, Any] = {}
    batch: list[tuple[str, bytes]] = []
    try:
        if job.artifact is None:
            view = _BundleView(bundle, job.bundle_results or [])
            items = analyzer.analyze_bundle(view, context)
        else:
            items = analyzer.analyze(_Source(bundle, job.artifact), context)
        for item in items:
            if isinstance(item, Stats):
                stats.update(item.values)
                continue
            if not isinstance(item, Finding | Event):
                raise TypeError(f"analyze() yielded a {type(item).__name__}, expected a "
                                "Finding, Event or Stats")
            batch.append(_serialize(item))
            if len(batch) >= BATCH_SIZE:
                send(("items", job.id, batch))
                batch = []
        if batch:
            send(("items", job.id, batch))
        send(("done", job.id, orjson.dumps(stats), time.perf_counter() - started))
    except LimitExceeded as exc:
        send(("fail", job.id, "limit:" + exc.limit, str(exc)))
    except MemoryError:
        batch.clear()
        stats.clear()
        send(("fail", job.id, ProblemKind.MEMORY.value,
              "ran out of its memory limit (MemoryError)"))
        raise
    except RecursionError:
        send(("fail", job.id, ProblemKind.ERROR.value,
              "recursion too deep (RecursionError): the analyzer recursed without end or "
              "the input nests too deeply"))
    except Cancelled:
        send(("fail", job.id, ProblemKind.CANCELLED.value, "cancelled"))
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        location = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
        send(("fail", job.id, ProblemKind.ERROR.value,
              f"{type(exc).__name__}: {exc}{location}"))


def worker_main(connection: Connection, analyzers: Sequence[Any], source: str,
                 bundle_limits: Limits, memory_bytes: int, extensions_disabled: bool) -> None:
    """A worker process: take jobs until told to stop or the pipe closes."""
    bind_to_parent()  # a worker never outlives the app or CLI that started it
    native.set_disabled(extensions_disabled)  # the backend the run's document names
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_bytes and hasattr(resource, "RLIMIT_AS"):
        # A hard limit lower than ours (ValueError) is already stricter: keep it.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    bundle = reopen_bundle(source, bundle_limits)

    def send(message: tuple) -> None:
        connection.send(message)

    try:
        while True:
            try:
                job = connection.recv()
            except EOFError:
                return
            if job is None:
                return
            try:
                execute_job(job, analyzers[job.analyzer_index], bundle, send)
            except MemoryError:
                return  # the parent replaces this worker; its heap may be fragmented
    finally:
        bundle.close()
