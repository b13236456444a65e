"""``--engine local``: a process pool on this machine (``concurrent.futures``).

``LocalPool(jobs).run(refs, task)`` runs ``task(ref)`` for every bundle in ``jobs`` worker
processes from multiprocessing's fork server, and yields each ``Outcome`` as it finishes.

A worker process that dies mid-bundle (killed, out of memory) breaks a
``ProcessPoolExecutor``: every unfinished bundle is then handed to a fresh pool. Only the
bundles a dead worker had started are charged an attempt (each worker says which bundle it
starts on a queue the parent reads); one charged ``max_attempts`` times is reported failed
rather than retried for ever. The others are simply run again.

Workers ignore SIGINT (the parent handles Ctrl-C and stops them) and end on their own when
the parent dies (``inspector.engine.lifeline``). When the caller stops early (Ctrl-C,
SIGTERM), the workers are killed and nothing more is started.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from inspector.engine.lifeline import bind_to_parent
from inspector.triage.sources import BundleRef
from inspector.triage.tasks import Outcome, failed

MAX_ATTEMPTS = 3  # as Dask's default ``distributed.scheduler.allowed-failures``

_started: Any = None  # in a worker: the queue it reports the bundles it starts on


def _start_worker(started: Any) -> None:
    global _started
    bind_to_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _started = started
    started.put(("ready", "", os.getpid()))


def _run(task: Callable[[BundleRef], Outcome], ref: BundleRef) -> Outcome:
    _started.put(("start", ref.path, os.getpid()))
    return task(ref)


class LocalPool:
    """Runs triage tasks in ``jobs`` local worker processes (see the module docstring)."""

    def __init__(self, jobs: int, max_attempts: int = MAX_ATTEMPTS) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs
        self.max_attempts = max_attempts

    def __str__(self) -> str:
        return f"local pool of {self.jobs} process{'es' if self.jobs > 1 else ''}"

    def run(self, refs: Iterable[BundleRef],
            task: Callable[[BundleRef], Outcome]) -> Iterator[Outcome]:
        context = multiprocessing.get_context("forkserver")
        pending = list(refs)
        attempts: Counter[str] = Counter()
        while pending:
            started = context.SimpleQueue()
            pool = ProcessPoolExecutor(self.jobs, mp_context=context,
                                       initializer=_start_worker, initargs=(started,))
            workers: set[int] = set()
            finished = False
            try:
                futures: dict[Future[Outcome], BundleRef] = {
                    pool.submit(_run, task, ref): ref for ref in pending}
                pending = []
                begun: set[str] = set()
                remaining = set(futures)
                while remaining:
                    done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                    _drain(started, workers, begun)
                    for future in done:
                        ref = futures[future]
                        try:
                            yield future.result()
                        except BrokenProcessPool:
                            if ref.path in begun:
                                attempts[ref.path] += 1
                            if attempts[ref.path] >= self.max_attempts:
                                yield failed(ref, f"the worker process analysing it died "
                                                  f"{attempts[ref.path]} times (killed, or out "
                                                  "of memory)")
                            else:
                                pending.append(ref)
                        except Exception as exc:  # a bug in the task: this bundle only
                            yield failed(ref, f"{type(exc).__name__}: {exc}")
                finished = True
            finally:
                if finished:
                    pool.shutdown(wait=True)
                else:
                    _drain(started, workers, set())
                    for pid in workers:
                        with contextlib.suppress(OSError):
                            os.kill(pid, signal.SIGKILL)
                    pool.shutdown(wait=False, cancel_futures=True)


def _drain(started: Any, workers: set[int], begun: set[str]) -> None:
    while not started.empty():
        what, path, pid = started.get()
        workers.add(pid)
        if what == "start":
            begun.add(path)
