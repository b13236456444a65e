import functools

import orjson

from inspector.triage.sources import BundleRef
from inspector.triage.tasks import Status, analyse, worker_problem
from tests.analyses import analyze
from tests.inspector.triage.bundles import write_samples


def test_a_bundle_is_analysed_where_it_is_and_skipped_when_done(tmp_path):
    [bundle] = write_samples(tmp_path, ("slow_query_missing_index",))
    outcome = analyse(BundleRef(str(bundle)), analyze=analyze)
    assert outcome.status is Status.ANALYSED and outcome.seconds > 0
    document = orjson.loads(outcome.document)
    assert document["bundle"]["sha256"] == outcome.sha256
    assert "sql.missing-index-for-slow-query" in {f["rule"] for f in document["findings"]}
    again = analyse(BundleRef(str(bundle)), analyze=analyze, skip={outcome.sha256})
    assert (again.status, again.document) == (Status.SKIPPED, b"")


def test_a_bundle_that_cannot_be_opened_fails_with_the_reason(tmp_path):
    outcome = analyse(BundleRef(str(tmp_path / "gone.zip")), analyze=analyze)
    assert outcome.status is Status.FAILED
    assert "no such file" in outcome.error


def test_a_daemonic_worker_is_told_how_to_start(monkeypatch):
    import multiprocessing
    assert worker_problem() is None
    monkeypatch.setattr(multiprocessing.current_process(), "_config",
                        {**multiprocessing.current_process()._config, "daemon": True})
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in worker_problem()
    outcome = functools.partial(analyse, analyze=analyze)(BundleRef("/x.zip"))
    assert outcome.status is Status.FAILED and "daemonic" in outcome.error
