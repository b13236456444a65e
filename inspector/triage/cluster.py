"""``--engine dask://HOST:PORT``: an existing Dask distributed cluster runs the bundles.

``DaskCluster(address).run(refs, task)`` connects a client to the scheduler, submits one
task per bundle (``client.map``), and yields each ``Outcome`` as it completes. The bundles
are read where the workers run, by the path the client sends, so the workers must reach
them (a shared mount); only the analysis documents come back.

Scheduling, placement and recovery are Dask's: when a worker dies mid-bundle, the scheduler
gives the bundle to another worker, up to ``distributed.scheduler.allowed-failures`` (3 by
default) lost workers; after that the bundle is reported failed with the reason. Before
submitting, every worker is asked whether it can run the engine's worker processes
(``tasks.worker_problem``).

A LocalCluster for tests, benchmarks or a single big machine:
``LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1")`` created inside
``dask.config.set({"distributed.worker.daemon": False})``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from distributed import Client, as_completed
from distributed.scheduler import KilledWorker

from inspector.triage.sources import BundleRef
from inspector.triage.tasks import Outcome, TriageError, failed, worker_problem

SCHEME = "dask://"
CONNECT_TIMEOUT = "15s"


def scheduler_address(engine: str) -> str:
    """``dask://HOST:PORT`` as the scheduler's TCP address.

    >>> scheduler_address("dask://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    """
    if not engine.startswith(SCHEME) or not engine[len(SCHEME):]:
        raise ValueError(f"a Dask engine is {SCHEME}HOST:PORT, not {engine!r}")
    return "tcp://" + engine[len(SCHEME):]


class DaskCluster:
    """Runs triage tasks on the Dask cluster at ``address`` (``tcp://HOST:PORT``)."""

    def __init__(self, address: str) -> None:
        self.address = address

    def __str__(self) -> str:
        return f"Dask cluster at {self.address}"

    def _client(self) -> Client:
        try:
            return Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise TriageError(f"cannot reach the Dask scheduler at {self.address}: "
                              f"{exc}") from None

    def run(self, refs: Iterable[BundleRef],
            task: Callable[[BundleRef], Outcome]) -> Iterator[Outcome]:
        client = self._client()
        futures = []
        try:
            problems = client.run(worker_problem)
            if not problems:
                raise TriageError(f"the Dask cluster at {self.address} has no workers")
            for worker, problem in sorted(problems.items()):
                if problem:
                    raise TriageError(f"worker {worker}: {problem}")
            refs = list(refs)
            futures = client.map(task, refs, pure=False)
            by_key = {future.key: ref for future, ref in zip(futures, refs, strict=True)}
            for future in as_completed(futures, loop=client.loop):
                ref = by_key[future.key]
                try:
                    outcome = future.result()
                except KilledWorker as exc:
                    outcome = failed(ref, f"every worker that took it died ({exc})")
                except Exception as exc:  # a bug in the task: this bundle only
                    outcome = failed(ref, f"{type(exc).__name__}: {exc}")
                future.release()
                yield outcome
        finally:
            if futures:
                client.cancel(futures)
            client.close()
