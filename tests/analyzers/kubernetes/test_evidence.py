"""Gathering records and making evidence."""

from __future__ import annotations

from datetime import UTC, datetime

from analyzers.kubernetes.evidence import Gathered, evidence, workload_of
from inspector.model import Artifact, ArtifactKind
from inspector.plugins import ArtifactResults


def test_gathered_tags_records_with_their_artifact_and_keeps_the_newest_time() -> None:
    modified = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)
    results = [ArtifactResults(Artifact("a.json", ArtifactKind.KUBERNETES, 1, modified=modified),
                               [], [], {"kubernetes": {"pods": [{"name": "p"}],
                                                       "latest": "2026-11-17T09:00:00Z"}})]
    gathered = Gathered.from_results(results, "kubernetes")
    assert gathered.get("pods") == [{"name": "p", "artifact": "a.json"}]
    assert gathered.latest == datetime(2026, 11, 17, 9, tzinfo=UTC)
    assert gathered.collected_at("a.json") == modified  # later than anything mentioned
    assert gathered.collected_at("other.json") == gathered.latest


def test_evidence_locators() -> None:
    pointer = evidence({"artifact": "a.json", "where": {"pointer": "/items/0", "line": 3}}, "x")
    assert pointer.locator.to_json() == {"kind": "pointer", "pointer": "/items/0", "line": 3,
                                         "document": None}
    line = evidence({"artifact": "d.txt", "where": {"line": 4, "end_line": 9}}, "x")
    assert line.locator.to_json() == {"kind": "line", "line": 4, "end_line": 9}


def test_workload_of_a_pod_without_owner_is_the_pod() -> None:
    assert workload_of({"name": "debug"}) == "debug"
