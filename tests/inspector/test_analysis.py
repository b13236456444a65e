from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inspector.analysis import FORMAT, Analysis
from inspector.bundle import BundleInfo
from inspector.model import (
    Artifact,
    ArtifactKind,
    Event,
    EventSource,
    LineLocator,
    Problem,
    ProblemKind,
    Severity,
)
from inspector.rules import Rule

RULE = Rule("demo.thing", Severity.MEDIUM, "demo", "demo")


def sample() -> Analysis:
    when = datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)
    return Analysis(
        bundle=BundleInfo("case.zip", "ab" * 32, 10),
        artifacts=[Artifact("b.log", ArtifactKind.LOG, 5), Artifact("a.log", ArtifactKind.LOG, 5)],
        findings=[RULE.finding("low one", analyzer="x", severity=Severity.LOW),
                  RULE.finding("high one", analyzer="x", severity=Severity.HIGH)],
        stats={"a.log": {"z": {}, "logs": {"lines": 1}}, "b.log": {"logs": {"lines": 2}}},
        timeline=[Event(when.replace(second=5), "a.log", LineLocator(2), Severity.LOW,
                        EventSource.LOG, "later"),
                  Event(when, "b.log", LineLocator(1), Severity.HIGH, EventSource.LOG, "first")],
        problems=[Problem(ProblemKind.WARNING, "w", "b.log"), Problem(ProblemKind.ERROR, "e",
                                                                      "a.log")],
    )


def test_sort_puts_everything_in_canonical_order():
    analysis = sample()
    analysis.sort()
    assert [f.title for f in analysis.findings] == ["high one", "low one"]
    assert [e.message for e in analysis.timeline] == ["first", "later"]
    assert [p.artifact for p in analysis.problems] == ["a.log", "b.log"]
    assert list(analysis.stats) == ["b.log", "a.log"]  # bundle order
    assert list(analysis.stats["a.log"]) == ["logs", "z"]
    assert analysis.worst_severity() is Severity.HIGH


def test_dumps_and_loads_round_trip():
    analysis = sample()
    analysis.sort()
    again = Analysis.loads(analysis.dumps())
    assert again.to_json() == analysis.to_json()
    assert again.to_json()["format"] == FORMAT


@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_the_tool_names_the_backend_that_ran_and_an_older_document_has_none(backend):
    analysis = sample()
    analysis.backend = backend
    assert Analysis.loads(analysis.dumps()).to_json()["tool"]["backend"] == backend
    document = analysis.to_json()
    del document["tool"]["backend"]
    assert Analysis.from_json(document).backend is None


def test_loads_refuses_other_documents():
    with pytest.raises(ValueError, match="not a Bundle Inspector analysis"):
        Analysis.loads(b'{"format": "something-else/1"}')


def test_artifact_modified_times_survive_the_round_trip_and_old_documents_load():
    analysis = sample()
    analysis.artifacts[0].modified = datetime(2026, 1, 2, 6, 25, 3, tzinfo=UTC)
    analysis.sort()
    document = analysis.to_json()
    assert [a["modified"] for a in document["artifacts"]] == ["2026-01-02T06:25:03Z", None]
    again = Analysis.loads(analysis.dumps())
    assert again.to_json() == document
    assert again.artifacts[0].modified == analysis.artifacts[0].modified
    # An analysis saved before artifacts had a time reads back with none.
    for artifact in document["artifacts"]:
        del artifact["modified"]
    old = Analysis.from_json(document)
    assert [a.modified for a in old.artifacts] == [None, None]
    assert [a.path for a in old.artifacts] == ["b.log", "a.log"]
