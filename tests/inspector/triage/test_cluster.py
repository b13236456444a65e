import functools

import dask
import pytest
from distributed import LocalCluster

from inspector.triage.cluster import DaskCluster, scheduler_address
from inspector.triage.sources import BundleRef
from inspector.triage.tasks import Status, TriageError, analyse
from tests.analyses import analyze
from tests.inspector.triage.bundles import stall_first_attempt, write_samples
from tests.inspector.triage.test_local import _kill_when_marked


@pytest.fixture(scope="module")
def cluster():
    """A real two-worker cluster: scheduler and worker processes on 127.0.0.1."""
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=":0") as local:
        yield local


@pytest.mark.slow
def test_bundles_run_on_the_cluster_and_a_killed_worker_is_retried(cluster, tmp_path):
    bundles = write_samples(tmp_path / "bundles")
    marks = tmp_path / "marks"
    marks.mkdir()
    task = functools.partial(analyse, analyze=functools.partial(stall_first_attempt,
                                                                marks=str(marks)))
    killer = _kill_when_marked(marks, len(bundles))  # each first attempt dies mid-bundle
    engine = DaskCluster(cluster.scheduler_address)
    outcomes = list(engine.run([BundleRef(str(b)) for b in bundles], task))
    killer.join(5)
    assert sorted(o.ref.name for o in outcomes) == sorted(b.name for b in bundles)
    assert {o.status for o in outcomes} == {Status.ANALYSED}
    assert len({o.worker for o in outcomes}) >= 1


@pytest.mark.slow
def test_a_missing_bundle_fails_alone(cluster, tmp_path):
    [bundle] = write_samples(tmp_path, ("deadlock",))
    refs = [BundleRef(str(bundle)), BundleRef(str(tmp_path / "gone.zip"))]
    outcomes = {o.ref.name: o for o in DaskCluster(cluster.scheduler_address).run(
        refs, functools.partial(analyse, analyze=analyze))}
    assert outcomes["deadlock.zip"].status is Status.ANALYSED
    assert outcomes["gone.zip"].status is Status.FAILED


def test_daemonic_workers_are_refused_before_anything_runs(tmp_path):
    # Dask's default, said explicitly: the module's cluster fixture turns it off meanwhile.
    with dask.config.set({"distributed.worker.daemon": True}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=":0") as daemonic:
        runs = DaskCluster(daemonic.scheduler_address).run(
            [BundleRef(str(tmp_path / "a.zip"))], functools.partial(analyse, analyze=analyze))
        with pytest.raises(TriageError, match="DASK_DISTRIBUTED__WORKER__DAEMON"):
            list(runs)


def test_an_unreachable_scheduler_is_one_clear_line():
    with pytest.raises(TriageError, match="cannot reach the Dask scheduler"):
        list(DaskCluster("tcp://127.0.0.1:1").run([], analyse))
    assert scheduler_address("dask://127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError):
        scheduler_address("dask://")
