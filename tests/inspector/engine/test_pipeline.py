"""``run_analysis``: the one way every caller analyzes a bundle."""

from __future__ import annotations

import pytest

from inspector.bundle import BundleOpenError, open_bundle
from inspector.engine import run_analysis
from inspector.model import ProblemKind
from inspector.testing import make_bundle
from tests.inspector.broken_analyzers import Good, Warns

LOG = b"2026-11-17 09:14:01,233 ERROR [main] pool exhausted\n" * 3


@pytest.fixture
def bundle_path(tmp_path):
    return make_bundle(tmp_path / "case.zip", {"logs/app.log": LOG, "notes.txt": b"hello\n"})


def test_a_path_is_opened_analyzed_and_reported_in_order(bundle_path):
    seen = []
    analysis = run_analysis(bundle_path, [Good(), Warns()], plugins=False,
                            on_opened=lambda bundle, problems: seen.append(
                                ([a.path for a in bundle.artifacts], problems)))
    assert seen == [(["logs/app.log", "notes.txt"], [])]
    assert {f.analyzer for f in analysis.findings} == {"good", "warns"}
    assert [p.kind for p in analysis.problems] == [ProblemKind.WARNING] * 2
    assert analysis.stats["logs/app.log"]["good"] == {"lines": 3}


def test_only_runs_the_named_analyzers_and_rejects_unknown_names(bundle_path):
    analysis = run_analysis(bundle_path, [Good(), Warns()], only=["good"], plugins=False,
                            isolation="inline")
    assert {f.analyzer for f in analysis.findings} == {"good"}
    with pytest.raises(ValueError, match="unknown analyzer"):
        run_analysis(bundle_path, [Good()], only=["nope"], plugins=False)


def test_an_open_bundle_is_analyzed_and_left_open(bundle_path):
    with open_bundle(bundle_path) as bundle:
        analysis = run_analysis(bundle, [Good()], plugins=False, isolation="inline")
        with bundle.open(bundle.artifact("notes.txt")) as stream:
            assert stream.read() == b"hello\n"  # still readable: the caller owns it
    assert analysis.findings


def test_an_unopenable_path_raises(tmp_path):
    with pytest.raises(BundleOpenError):
        run_analysis(tmp_path / "missing.zip", [Good()], plugins=False)
