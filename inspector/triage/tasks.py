"""What runs on a worker for one bundle: open it, skip it if done, else analyse it.

``analyse(ref, analyze=..., skip=...)`` is the task both engines run, the local process
pool and a Dask worker alike: it opens the bundle where it is (the worker reads it in
place), skips it when its SHA-256 is in ``skip`` (triage already wrote its analysis), and
otherwise analyses it with ``analyze`` (the CLI passes ``inspector.cli.analyze.
analyze_bundle``: the built-in analyzers and plugins, as ``inspector analyze`` runs them).
Each bundle's analyzers run in one engine worker process (``EngineLimits(workers=1)``):
the parallelism is across bundles, and every time and memory limit still applies.

The result travels back as an ``Outcome``: the analysis document as bytes (what ``inspector
analyze --format json`` prints), or why the bundle could not be opened. A worker process
that is lost (killed, out of memory) returns nothing; its engine retries the bundle.

The engine's analyzer workers are child processes of the worker running the task, which a
daemonic process may not have (Dask's nanny starts its workers daemonic by default):
``worker_problem`` says so, and how to start the workers, instead of an obscure failure.
"""

from __future__ import annotations

import enum
import multiprocessing
import os
import socket
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from inspector.bundle import BundleOpenError, open_bundle
from inspector.engine import EngineLimits
from inspector.triage.sources import BundleRef

Analyze = Callable[..., Any]


class TriageError(Exception):
    """Triage cannot run at all (no engine, no database); one line for the user."""


class Status(enum.StrEnum):
    ANALYSED = "analysed"
    SKIPPED = "skipped"  # analysed by an earlier run
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one bundle.

    Attributes:
        ref: the bundle.
        status: analysed, skipped (done before) or failed.
        sha256: the bundle's key ("" when it could not be opened).
        document: the analysis JSON, for ``analysed``.
        error: why, for ``failed``.
        seconds: the worker's time on it.
        worker: ``host:pid`` of the process that ran it.
    """

    ref: BundleRef
    status: Status
    sha256: str = ""
    document: bytes = b""
    error: str = ""
    seconds: float = 0.0
    worker: str = ""


def failed(ref: BundleRef, error: str) -> Outcome:
    return Outcome(ref, Status.FAILED, error=error)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_problem() -> str | None:
    """Why this process cannot run the engine's worker processes, or None."""
    if multiprocessing.current_process().daemon:
        return ("this Dask worker is a daemonic process, which cannot start the analysis "
                "worker processes; start the workers with DASK_DISTRIBUTED__WORKER__DAEMON="
                "False in their environment (or `dask worker --no-nanny`)")
    return None


def analyse(ref: BundleRef, *, analyze: Analyze, skip: Collection[str] = ()) -> Outcome:
    """Analyse one bundle on this worker (see the module docstring)."""
    problem = worker_problem()
    if problem:
        return failed(ref, problem)
    started = time.perf_counter()
    try:
        with open_bundle(ref.path) as bundle:
            assert bundle.info is not None
            sha256 = bundle.info.sha256
            if sha256 in skip:
                return Outcome(ref, Status.SKIPPED, sha256, worker=worker_name())
            analysis = analyze(bundle, engine_limits=EngineLimits(workers=1))
    except BundleOpenError as exc:
        return failed(ref, f"cannot open the bundle: {exc}")
    return Outcome(ref, Status.ANALYSED, sha256, analysis.dumps(),
                   seconds=time.perf_counter() - started, worker=worker_name())
