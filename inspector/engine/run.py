"""The parent side of the engine: plans the jobs, runs them in a pool of worker processes,
replaces workers that die or hang, and merges what they report into one ``Analysis``."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import orjson

from inspector import native
from inspector.analysis import Analysis
from inspector.bundle import ARCHIVE_BOMB, Bundle
from inspector.engine.progress import (
    PROGRESS_INTERVAL,
    AnalyzerProgress,
    Progress,
    RunHandle,
    Update,
    UpdateCallback,
)
from inspector.engine.worker import Job, execute_job, worker_main
from inspector.findings import settle
from inspector.model import (
    ArtifactKind,
    ArtifactStatus,
    Event,
    Evidence,
    Finding,
    Problem,
    ProblemKind,
    WholeLocator,
)
from inspector.plugins import ArtifactResults, is_bundle_analyzer


@dataclass(frozen=True, slots=True)
class EngineLimits:
    """Per-job limits. Defaults suit bundles of several GB on a 2-core, 8+ GB machine.

    Attributes:
        timeout_seconds: wall time one analyzer may spend on one artifact.
        memory_bytes: address space of a worker process (``RLIMIT_AS``); beyond it
            allocations fail with ``MemoryError``. Linux and macOS only.
        workers: worker processes running jobs in parallel.
    """

    timeout_seconds: float = 900.0
    memory_bytes: int = 4 * 1024**3
    workers: int = max(1, min(2, os.cpu_count() or 1))


@dataclass
class _Worker:
    process: Any
    connection: Connection
    job: Job | None = None
    started: float = 0.0
    fraction: float = 0.0
    retiring: bool = False  # exits after its job (MemoryError): give it no new job


class Engine:
    """Runs a set of analyzers over bundles.

    Attributes:
        analyzers: per-artifact and bundle analyzers, in the order they are listed.
        limits: per-job time and memory limits.
        isolation: ``"process"`` (default) or ``"inline"``.
    """

    def __init__(self, analyzers: Sequence[Any], limits: EngineLimits | None = None,
                 isolation: str = "process") -> None:
        if isolation not in ("process", "inline"):
            raise ValueError(f"isolation must be 'process' or 'inline', not {isolation!r}")
        self.analyzers = list(analyzers)
        self.limits = limits or EngineLimits()
        self.isolation = isolation

    def run(self, bundle: Bundle, *, on_update: UpdateCallback | None = None,
            handle: RunHandle | None = None) -> Analysis:
        """Analyze an opened bundle; returns when every job finished or the run was cancelled."""
        return _Run(self, bundle, on_update, handle or RunHandle()).execute()


def _mp_context(analyzer_modules: Sequence[str]):
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has imported these once: the engine and the
        # modules of the analyzers this run uses, named by module so the core imports none
        # of them (a module that fails to preload is skipped by multiprocessing, not fatal).
        context.set_forkserver_preload(["inspector.engine.worker", *analyzer_modules])
        return context
    return multiprocessing.get_context("spawn")


class _Run:
    def __init__(self, engine: Engine, bundle: Bundle, on_update: UpdateCallback | None,
                 handle: RunHandle) -> None:
        assert bundle.info is not None, "open the bundle with open_bundle() first"
        self.engine = engine
        self.bundle = bundle
        self.on_update = on_update
        self.handle = handle
        # The run marks artifacts failed or skipped; the bundle's own records stay as
        # scanned, so the same opened bundle can be analyzed again.
        artifacts = [dataclasses.replace(a, analyzers=list(a.analyzers))
                     for a in bundle.artifacts]
        # Decided once: every worker of the run uses the backend the document names.
        self.extensions_disabled = native.disabled()
        self.analysis = Analysis(bundle=bundle.info, artifacts=artifacts,
                                 findings=list(bundle.findings), problems=list(bundle.problems),
                                 layouts=list(bundle.layouts),
                                 backend=native.backend())
        self.per_artifact = [(i, a) for i, a in enumerate(engine.analyzers)
                             if not is_bundle_analyzer(a)]
        self.bundle_level = [(i, a) for i, a in enumerate(engine.analyzers)
                             if is_bundle_analyzer(a)]
        self.progress = Progress()
        self.pending = Update(self.progress)
        self.last_update = 0.0
        self.analyzer_seconds: dict[str, float] = {}
        self.results: dict[str, dict[str, Any]] = {}  # path -> {findings, events, stats}
        self.failed_jobs: set[int] = set()

    # -- planning ----------------------------------------------------------------------------

    def _artifact_jobs(self) -> list[Job]:
        jobs = []
        for artifact in self.analysis.artifacts:
            if artifact.kind is ArtifactKind.ARCHIVE and artifact.status is ArtifactStatus.ANALYZED:
                # A container is opened, not judged: its members are artifacts of their own.
                artifact.status = ArtifactStatus.NOT_ANALYZED
                artifact.reason = "opened as an archive: its members are listed on their own"
        readable = [a for a in self.analysis.artifacts
                    if a.kind is not ArtifactKind.ARCHIVE and a.status is ArtifactStatus.ANALYZED]
        for artifact in readable:
            for index, analyzer in self.per_artifact:
                if artifact.kind in analyzer.kinds:
                    jobs.append(Job(len(jobs), index, analyzer.name, artifact))
                    artifact.analyzers.append(analyzer.name)
            if not artifact.analyzers:
                # Said, never left as "analyzed" by nobody: a config file or a command's
                # output that no analyzer judges is listed with what it was read as.
                artifact.status = ArtifactStatus.NOT_ANALYZED
                artifact.reason = (f"read as {artifact.kind.description}; no analyzer in "
                                   "this run reads that")
        return jobs

    def _bundle_jobs(self, first_id: int) -> list[Job]:
        results = [
            ArtifactResults(
                artifact=artifact,
                findings=self.results.get(artifact.path, {}).get("findings", []),
                events=self.results.get(artifact.path, {}).get("events", []),
                stats=self.analysis.stats.get(artifact.path, {}),
            )
            for artifact in self.analysis.artifacts
        ]
        return [Job(first_id + n, index, analyzer.name, None, results)
                for n, (index, analyzer) in enumerate(self.bundle_level)]

    # -- running -----------------------------------------------------------------------------

    def execute(self) -> Analysis:
        started = time.perf_counter()
        jobs = self._artifact_jobs()
        self.progress.jobs_total = len(jobs) + len(self.bundle_level)
        for job in jobs:
            self._tally(job).total += 1
        for _, analyzer in self.bundle_level:
            self.progress.analyzers.setdefault(analyzer.name, AnalyzerProgress()).total += 1
        self._emit(force=True)
        self._run_jobs(jobs)
        if not self.handle.cancelled and self.bundle_level:
            self._run_jobs(self._bundle_jobs(len(jobs)))
        if self.handle.cancelled:
            not_run = self.progress.jobs_total - self.progress.jobs_done
            self._problem(Problem(ProblemKind.CANCELLED,
                                  f"analysis cancelled; {not_run} of "
                                  f"{self.progress.jobs_total} jobs did not finish"))
        # One root cause seen in many places is one finding, and the outage comes first.
        self.analysis.findings = settle(self.analysis.findings)
        self.analysis.timings = {
            "analyze_seconds": round(time.perf_counter() - started, 3),
            "analyzers": {k: round(v, 3) for k, v in sorted(self.analyzer_seconds.items())},
        }
        self.analysis.sort()
        self.pending.finished = True
        self._emit(force=True)
        return self.analysis

    def _run_jobs(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        if self.engine.isolation == "inline":
            self._run_inline(jobs)
        else:
            self._run_in_processes(jobs)

    def _run_inline(self, jobs: list[Job]) -> None:
        for job in jobs:
            if self.handle.cancelled:
                return
            analyzer = self.engine.analyzers[job.analyzer_index]
            # execute_job records a MemoryError as a memory problem before re-raising it.
            with contextlib.suppress(MemoryError):
                execute_job(job, analyzer, self.bundle, lambda message, job=job:
                            self._handle_message(message, job))
            self._emit()

    def _run_in_processes(self, jobs: list[Job]) -> None:
        context = _mp_context(sorted({type(a).__module__ for a in self.engine.analyzers}))
        queue = list(reversed(jobs))
        by_id = {job.id: job for job in jobs}
        workers: list[_Worker] = []
        try:
            for _ in range(min(self.engine.limits.workers, len(jobs))):
                workers.append(self._start_worker(context))
            while (queue or any(w.job for w in workers)) and not self.handle.cancelled:
                for index, worker in enumerate(workers):
                    if worker.retiring:
                        workers[index] = worker = self._replace(worker, context, by_id)
                    if worker.job is None and queue:
                        worker.job = queue.pop()
                        worker.started = time.monotonic()
                        worker.fraction = 0.0
                        worker.connection.send(worker.job)
                self._refresh_running(workers)
                ready = wait([w.connection for w in workers] + [w.process.sentinel
                                                                for w in workers], timeout=0.1)
                for index, worker in enumerate(workers):
                    if worker.connection in ready:
                        self._drain(worker, by_id)
                    if worker.process.sentinel in ready or self._timed_out(worker):
                        workers[index] = self._replace(worker, context, by_id)
                self._emit()
        finally:
            for worker in workers:
                self._stop_worker(worker)

    def _start_worker(self, context) -> _Worker:
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(
            target=worker_main, name="inspector-worker", daemon=True,
            args=(child_end, self.engine.analyzers, str(self.bundle.source),
                  self.bundle.limits, self.engine.limits.memory_bytes,
                  self.extensions_disabled))
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _stop_worker(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            try:
                if worker.job is None:
                    worker.connection.send(None)
                    worker.process.join(timeout=2)
            except (OSError, BrokenPipeError):
                pass
            if worker.process.is_alive():
                worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    def _drain(self, worker: _Worker, by_id: dict[int, Job]) -> None:
        try:
            while worker.connection.poll():
                message = worker.connection.recv()
                job = by_id[message[1]]
                self._handle_message(message, job, worker)
        except (EOFError, OSError):
            pass  # the worker died; its sentinel tells the rest

    def _timed_out(self, worker: _Worker) -> bool:
        return (worker.job is not None
                and time.monotonic() - worker.started > self.engine.limits.timeout_seconds)

    def _replace(self, worker: _Worker, context, by_id: dict[int, Job]) -> _Worker:
        """A worker died or hung: record its job as failed and start a fresh one."""
        timed_out = worker.process.is_alive()
        if timed_out:
            worker.process.kill()
        worker.process.join(timeout=5)
        self._drain(worker, by_id)
        job = worker.job
        if job is not None:
            if timed_out:
                limit = self.engine.limits.timeout_seconds
                self._fail(job, ProblemKind.TIMEOUT,
                           f"stopped after {limit:g} s without finishing (time limit)")
            else:
                self._fail(job, ProblemKind.CRASH, _death_reason(worker.process.exitcode))
            worker.job = None
        worker.connection.close()
        return self._start_worker(context)

    # -- messages ----------------------------------------------------------------------------

    def _handle_message(self, message: tuple, job: Job, worker: _Worker | None = None) -> None:
        kind = message[0]
        if kind == "items":
            for item_kind, data in message[2]:
                self._add_item(job, item_kind, orjson.loads(data))
        elif kind == "progress":
            if worker is not None:
                worker.fraction = message[2]
        elif kind == "warn":
            self._problem(Problem(ProblemKind.WARNING, message[2], self._path(job),
                                  job.analyzer_name))
        elif kind == "done":
            stats = orjson.loads(message[2])
            if job.artifact is not None:
                self.analysis.stats.setdefault(job.artifact.path, {})[job.analyzer_name] = stats
            self.analyzer_seconds[job.analyzer_name] = (
                self.analyzer_seconds.get(job.analyzer_name, 0.0) + message[3])
            self._finish(job, worker)
        elif kind == "fail":
            problem_kind, text = message[2], message[3]
            if problem_kind.startswith("limit:"):
                self._limit_hit(job, problem_kind.removeprefix("limit:"), text)
            else:
                self._fail(job, ProblemKind(problem_kind), text)
            if worker is not None:
                worker.job = None
                worker.retiring = problem_kind == ProblemKind.MEMORY.value

    def _add_item(self, job: Job, item_kind: str, data: dict[str, Any]) -> None:
        holder = self.results.setdefault(self._path(job) or "", {})
        if item_kind == "finding":
            finding = Finding.from_json(data)
            self.analysis.findings.append(finding)
            self.pending.findings.append(finding)
            holder.setdefault("findings", []).append(finding)
        else:
            event = Event.from_json(data)
            self.analysis.timeline.append(event)
            self.pending.events.append(event)
            holder.setdefault("events", []).append(event)

    def _finish(self, job: Job, worker: _Worker | None) -> None:
        # A finished job no longer counts as in flight (else it would count twice).
        running = (self._path(job) or "(bundle)", job.analyzer_name)
        self.progress.running = [r for r in self.progress.running if r[:2] != running]
        self.progress.jobs_done += 1
        self._tally(job).done += 1
        if worker is not None:
            worker.job = None

    def _fail(self, job: Job, kind: ProblemKind, message: str) -> None:
        if job.id in self.failed_jobs:
            return
        self.failed_jobs.add(job.id)
        self._problem(Problem(kind, message, self._path(job), job.analyzer_name))
        if job.artifact is not None and kind is not ProblemKind.CANCELLED:
            job.artifact.status = ArtifactStatus.FAILED
            reason = f"{job.analyzer_name}: {kind.value}: {message}"
            job.artifact.reason = (f"{job.artifact.reason}; {reason}" if job.artifact.reason
                                   else reason)
        self._tally(job).failed += 1
        self._finish(job, None)

    def _limit_hit(self, job: Job, limit: str, message: str) -> None:
        """An analyzer's read hit a bundle limit: the member is skipped, as at scan time."""
        artifact = job.artifact
        self.failed_jobs.add(job.id)
        self._problem(Problem(ProblemKind.SKIPPED, message, self._path(job), job.analyzer_name))
        if artifact is not None and artifact.status is not ArtifactStatus.SKIPPED:
            artifact.status = ArtifactStatus.SKIPPED
            artifact.reason = message
            if limit == "ratio":
                finding = ARCHIVE_BOMB.finding(
                    f"{artifact.path} looks like a decompression bomb", analyzer="bundle",
                    detail=f"Reading stopped: {message}. The member was skipped; the rest "
                           "of the bundle was analyzed.",
                    evidence=[Evidence(artifact.path, WholeLocator(), message)],
                    facts={"member": artifact.path, "reason": message},
                    remediation="Ask the customer for the file uncompressed or re-collected; "
                                "do not decompress it with other tools.")
                self.analysis.findings.append(finding)
                self.pending.findings.append(finding)
        self._tally(job).failed += 1
        self._finish(job, None)

    def _problem(self, problem: Problem) -> None:
        self.analysis.problems.append(problem)
        self.pending.problems.append(problem)

    # -- progress ----------------------------------------------------------------------------

    def _tally(self, job: Job) -> AnalyzerProgress:
        return self.progress.analyzers.setdefault(job.analyzer_name, AnalyzerProgress())

    @staticmethod
    def _path(job: Job) -> str | None:
        return job.artifact.path if job.artifact is not None else None

    def _refresh_running(self, workers: list[_Worker]) -> None:
        self.progress.running = [(self._path(w.job) or "(bundle)", w.job.analyzer_name,
                                  w.fraction) for w in workers if w.job is not None]

    def _emit(self, force: bool = False) -> None:
        if self.on_update is None:
            return
        now = time.monotonic()
        has_items = self.pending.findings or self.pending.events or self.pending.problems
        if not force and not has_items and now - self.last_update < PROGRESS_INTERVAL:
            return
        total = self.progress.jobs_total
        in_flight = sum(fraction for _, _, fraction in self.progress.running)
        overall = min(1.0, (self.progress.jobs_done + in_flight) / total) if total else 1.0
        # Progress never goes backwards, whatever a worker last reported.
        self.progress.overall = max(self.progress.overall, overall)
        self.last_update = now
        update, self.pending = self.pending, Update(self.progress)
        update.progress = self.progress.snapshot()
        self.on_update(update)


def _death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        detail = " (segmentation fault)" if name == "SIGSEGV" else ""
        if name == "SIGKILL":
            detail = " (killed, often by the system running out of memory)"
        return f"the analyzer's process died with {name}{detail}"
    return f"the analyzer's process exited unexpectedly (exit code {exitcode})"


def analyze_bundle(bundle: Bundle, analyzers: Sequence[Any], *,
                   limits: EngineLimits | None = None,
                   on_update: UpdateCallback | None = None,
                   handle: RunHandle | None = None) -> Analysis:
    """Shorthand for ``Engine(analyzers, limits).run(bundle, ...)``."""
    return Engine(analyzers, limits).run(bundle, on_update=on_update, handle=handle)
