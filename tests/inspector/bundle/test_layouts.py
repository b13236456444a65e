"""Recognising collectors' layouts and reading the identity they record."""

from __future__ import annotations

from datetime import UTC, datetime

from inspector.bundle.layouts import recognise, wants_head
from inspector.model import Artifact, ArtifactKind


def member(path: str, kind: ArtifactKind = ArtifactKind.JSON,
           modified: datetime | None = None) -> Artifact:
    return Artifact(path, kind, 10, modified=modified)


def test_troubleshoot_layout_rekinds_its_resources_and_reads_the_version() -> None:
    root = "support-bundle-2026-01-10T15_03_12/"
    artifacts = [member(root + "version.yaml", ArtifactKind.KUBERNETES),
                 member(root + "cluster-info/cluster_version.json"),
                 member(root + "cluster-resources/pods-errors.json"),
                 member(root + "analysis.json"), member(root + "other/notes.json")]
    heads = {root + "version.yaml": b"apiVersion: troubleshoot.sh/v1beta2\n",
             root + "cluster-info/cluster_version.json":
                 b'{"info": {"gitVersion": "v1.29.4+rke2r1"}, "string": "v1.29.4+rke2r1"}'}
    [layout] = recognise(artifacts, heads)
    assert (layout.name, layout.root) == ("troubleshoot", root)
    assert layout.identity == {"cluster_version": "v1.29.4+rke2r1", "distribution": "RKE2",
                               "collected_at": "2026-01-10T15:03:12Z"}
    kinds = {a.path.removeprefix(root): a.kind for a in artifacts}
    assert kinds["analysis.json"] is kinds["cluster-resources/pods-errors.json"] \
        is ArtifactKind.KUBERNETES
    assert kinds["other/notes.json"] is ArtifactKind.JSON


def test_must_gather_nodes_from_places_and_collection_from_its_timestamp() -> None:
    artifacts = [member("mg/cluster-scoped-resources/core/nodes/master-0.yaml",
                        ArtifactKind.YAML),
                 member("mg/namespaces/shop/core/pods.yaml", ArtifactKind.YAML),
                 member("mg/timestamp", ArtifactKind.TEXT)]
    heads = {"mg/timestamp": b"2023-01-04 18:58:01.1 +0000 UTC m=+0.05\n"
                             b"2023-01-04 19:00:02.073409387 +0000 UTC m=+121.0\n"}
    [layout] = recognise(artifacts, heads)
    assert layout.name == "must-gather" and layout.identity["nodes"] == ["master-0"]
    assert layout.identity["collected_at"] == "2023-01-04T19:00:02Z"
    assert artifacts[1].kind is ArtifactKind.KUBERNETES


def test_loose_kubernetes_files_are_a_kubectl_dump_collected_at_member_times() -> None:
    when = datetime(2025, 2, 27, 7, 40, tzinfo=UTC)
    artifacts = [member("dump/pods/a.txt", ArtifactKind.KUBERNETES, when),
                 member("dump/nodes/b.txt", ArtifactKind.KUBERNETES, when)]
    [layout] = recognise(artifacts, {})
    assert (layout.name, layout.root) == ("kubectl-dump", "dump/")
    assert layout.sources["collected_at"] == "member times"


def test_plain_bundles_have_no_layout() -> None:
    assert recognise([member("logs/app.log", ArtifactKind.LOG)], {}) == []
    assert wants_head("x/sos_commands/date/date") and not wants_head("x/logs/app.log")
