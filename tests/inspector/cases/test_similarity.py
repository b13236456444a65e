import pytest

from inspector.cases import open_store, recording_of, seen_before, similar_cases
from inspector.privacy.redaction import Redactor
from tests.inspector.cases.databases import EXPIRED, FAVICON, REFUSED, analysis


@pytest.fixture
def store(database_url):
    with open_store(database_url) as opened:
        for number in range(4):  # four cases with only the common favicon 404
            opened.record(recording_of(analysis(f"n{number}.zip", f"n{number}", [FAVICON]),
                                       Redactor()), f"NOISE-{number}")
        opened.record(recording_of(analysis("old.zip", "old", [*EXPIRED, FAVICON]),
                                   Redactor()), "SR-1")
        opened.record(recording_of(analysis("refused.zip", "r", [*REFUSED, FAVICON]),
                                   Redactor()), "SR-2")
        opened.resolve("SR-1", resolution="Customer renewed the certificate")
        yield opened


def test_the_case_sharing_the_rare_serious_problem_ranks_first(store):
    variant = recording_of(analysis("new.zip", "new", [*EXPIRED, FAVICON]), Redactor())
    found = similar_cases(store, variant.fingerprints(), exclude_bundle=variant.bundle_sha256)
    assert found[0].case.id == "SR-1"
    assert found[0].case.resolution == "Customer renewed the certificate"
    assert found[0].score > 0.9 and len(found[0].shared) == 3
    assert all(s.score < 0.2 for s in found[1:])  # the favicon alone weighs little


def test_the_bundle_and_case_looked_at_are_left_out(store):
    old = recording_of(analysis("old.zip", "old", [*EXPIRED, FAVICON]), Redactor())
    found = similar_cases(store, old.fingerprints(), exclude_case="SR-1",
                          exclude_bundle=old.bundle_sha256)
    assert "SR-1" not in {s.case.id for s in found}
    assert similar_cases(store, {}) == []


def test_seen_before_per_fingerprint(store):
    variant = recording_of(analysis("new.zip", "new", [*EXPIRED]), Redactor())
    seen = seen_before(store, variant.fingerprints(), exclude_bundle=variant.bundle_sha256)
    assert {f: [c.id for c in cases] for f, cases in seen.items()} == \
        {f: ["SR-1"] for f in variant.fingerprints()}
