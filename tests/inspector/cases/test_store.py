import pytest

from inspector.cases import UnknownCase, open_store, recording_of
from inspector.model import Severity
from inspector.privacy.redaction import Redactor
from tests.inspector.cases.databases import EXPIRED, FAVICON, REFUSED, analysis


@pytest.fixture
def store(database_url):
    with open_store(database_url) as opened:
        yield opened


def test_a_bundle_gets_its_own_case_and_keeps_it(store):
    first = recording_of(analysis("a.zip", "a", EXPIRED), Redactor())
    case_id = store.record(first, origin="triage", output="/out/a.json")
    assert case_id == f"bundle-{first.bundle_sha256[:12]}"
    assert store.record(first, origin="app") == case_id  # the bundle's earlier case
    detail = store.case(case_id)
    assert [a.origin for a in detail.analyses] == ["app"]  # replaced, not doubled
    assert detail.summary.title.startswith("TLS handshake with")
    assert detail.summary.worst_severity is Severity.HIGH
    assert [f.rule for f in detail.findings] == ["tls.handshake-failure", "log.exception"]


def test_a_named_case_collects_bundles(store):
    store.record(recording_of(analysis("a.zip", "a", EXPIRED), Redactor()), "SR-1042")
    store.record(recording_of(analysis("b.zip", "b", [*REFUSED, FAVICON]), Redactor()),
                 "SR-1042")
    [summary] = store.cases()
    assert (summary.id, summary.bundles) == ("SR-1042", 2)
    assert len(store.fingerprints_of_case("SR-1042")) == 4


def test_resolve_and_forget(store):
    recording = recording_of(analysis("a.zip", "a", EXPIRED), Redactor())
    case_id = store.record(recording, "SR-7", output="/out/a.json")
    store.resolve(case_id, root_cause="certificate expired", resolution="renewed",
                  report="/reports/sr-7.md")
    summary = store.case(case_id).summary
    assert (summary.root_cause, summary.resolution, summary.report) == \
        ("certificate expired", "renewed", "/reports/sr-7.md")
    assert store.triaged() == {recording.bundle_sha256: "/out/a.json"}
    assert store.forget(case_id)
    assert store.cases() == [] and store.triaged() == {}
    assert store.fingerprints_of_bundle(recording.bundle_sha256) == {}
    assert not store.forget(case_id)
    with pytest.raises(UnknownCase):
        store.resolve(case_id, resolution="x")
    with pytest.raises(UnknownCase):
        store.case(case_id)


def test_bad_case_ids_and_origins_are_refused(store):
    recording = recording_of(analysis("a.zip", "a", EXPIRED), Redactor())
    with pytest.raises(ValueError, match="case id"):
        store.record(recording, "bad\nid")
    with pytest.raises(ValueError, match="origin"):
        store.record(recording, origin="elsewhere")
