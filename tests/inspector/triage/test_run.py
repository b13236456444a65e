from inspector.cases import open_store
from inspector.triage import LocalPool, Status, bundle_refs, triage
from tests.analyses import analyze
from tests.inspector.triage.bundles import write_samples


def test_a_rerun_skips_what_is_done_and_retries_what_failed(database_url, tmp_path,
                                                            monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    write_samples(tmp_path / "bundles", ("tls_expired_certificate", "deadlock"))
    (tmp_path / "bundles" / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    refs, _ = bundle_refs([str(tmp_path / "bundles")])
    out = tmp_path / "out"
    with open_store(database_url) as store:
        first = {r.outcome.ref.name: r for r in triage(refs, LocalPool(2), store, out, analyze)}
        assert first["deadlock.zip"].outcome.status is Status.ANALYSED
        assert first["deadlock.zip"].top is not None
        assert (out / first["deadlock.zip"].output.split("/")[-1]).is_file()
        assert first["broken.zip"].outcome.status is Status.FAILED
        assert len(store.cases()) == 2
        second = {r.outcome.ref.name: r for r in triage(refs, LocalPool(2), store, out,
                                                        analyze, case="SR-1")}
        assert second["deadlock.zip"].outcome.status is Status.SKIPPED
        assert second["deadlock.zip"].case_id == first["deadlock.zip"].case_id
        assert second["broken.zip"].outcome.status is Status.FAILED
