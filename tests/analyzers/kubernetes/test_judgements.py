"""Nodes, workloads, claims, certificates, operators and the bundle's own verdicts."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

from inspector.model import Severity
from tests.analyzers.kubernetes.material import analyze_files, by_rule, json_bytes, pod, pod_list
from tests.analyzers.kubernetes.test_certificates import pem


def node(name: str, kubelet: str, **status: object) -> dict:
    return {"kind": "Node", "metadata": {"name": name}, "spec": status.pop("spec", {}),
            "status": {"conditions": status.pop("conditions", [{"type": "Ready",
                                                                 "status": "True"}]),
                       "nodeInfo": {"kubeletVersion": kubelet}}}


def test_node_conditions_cordon_and_skew(tmp_path: Path) -> None:
    nodes = {"kind": "NodeList", "items": [
        node("a", "v1.30.1"),
        node("b", "v1.30.1", conditions=[{"type": "Ready", "status": "True"},
                                         {"type": "DiskPressure", "status": "True",
                                          "reason": "KubeletHasDiskPressure"}]),
        node("c", "v1.25.3", spec={"unschedulable": True})]}
    analysis = analyze_files(tmp_path, {"nodes.json": json_bytes(nodes)})
    [condition] = by_rule(analysis, "kubernetes.node-condition")
    assert condition.facts == {"node": "b", "conditions": ["DiskPressure"]}
    [cordoned] = by_rule(analysis, "kubernetes.node-cordoned")
    assert cordoned.facts["node"] == "c"
    [skew] = by_rule(analysis, "kubernetes.version-skew")
    assert skew.facts["nodes"] == ["c"]


def test_claims_workloads_and_verdicts(tmp_path: Path) -> None:
    files = {
        "pvcs.json": json_bytes({"kind": "PersistentVolumeClaimList", "items": [
            {"kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "db"},
             "spec": {"storageClassName": "fast"}, "status": {"phase": "Pending"}}]}),
        "deployments.json": json_bytes({"kind": "DeploymentList", "items": [
            {"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"replicas": 3}, "status": {"readyReplicas": 1}}]}),
        "analysis.json": json_bytes([
            {"name": "a", "severity": "warn", "insight": {"primary": "Disk", "detail":
                                                          "Only 12% free on /var/lib"}},
            {"name": "b", "severity": "debug", "insight": {"primary": "Version"}}]),
    }
    from inspector.model import ArtifactKind
    analysis = analyze_files(tmp_path, files)
    kinds = {a.path: a.kind for a in analysis.artifacts}
    assert kinds["analysis.json"] is ArtifactKind.JSON  # a loose analysis.json is not read
    [claim] = by_rule(analysis, "kubernetes.pvc-unbound")
    assert claim.facts["claim"] == "data" and claim.facts["storage_class"] == "fast"
    [workload] = by_rule(analysis, "kubernetes.workload-unavailable")
    assert workload.facts["ready"] == 1 and workload.severity is Severity.HIGH


def test_troubleshoot_verdicts_quote_the_check(tmp_path: Path) -> None:
    root = "support-bundle-2026-11-17T09_20_00/"
    files = {root + "version.yaml": b"apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n",
             root + "cluster-resources/namespaces.json": json_bytes({"kind": "NamespaceList",
                                                                     "items": []}),
             root + "analysis.json": json_bytes([
                 {"name": "disk", "severity": "warn",
                  "insight": {"primary": "Disk", "detail": "Only 12% free on /var/lib"}}])}
    analysis = analyze_files(tmp_path, files)
    [warned] = by_rule(analysis, "kubernetes.troubleshoot-warn")
    assert "Only 12% free on /var/lib" in warned.title and warned.facts["title"] == "Disk"


def test_certificate_expired_at_collection_time(tmp_path: Path) -> None:
    secret = {"kind": "Secret", "type": "kubernetes.io/tls",
              "metadata": {"name": "web-tls", "namespace": "shop"},
              "data": {"tls.crt": base64.b64encode(
                  pem(datetime(2026, 11, 1, tzinfo=UTC))).decode()}}
    events = {"kind": "Event", "type": "Normal", "reason": "Pulled", "message": "",
              "lastTimestamp": "2026-11-17T09:00:00Z",
              "involvedObject": {"kind": "Pod", "name": "x", "namespace": "shop"}}
    analysis = analyze_files(tmp_path, {"secrets.json": json_bytes(
        {"kind": "List", "items": [secret, events]})})
    [expired] = by_rule(analysis, "kubernetes.certificate-expired")
    assert expired.facts["subject"] == "CN=api.shop.example"


def _deployment(name: str, replicas: int, ready: int) -> dict:
    return {"kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
            "spec": {"replicas": replicas}, "status": {"readyReplicas": ready}}


def _crashing(name: str, node: str) -> dict:
    return pod(name, restarts=9, ready=False, owner=name.rsplit("-", 1)[0], node=node,
               state={"waiting": {"reason": "CrashLoopBackOff"}},
               last={"terminated": {"reason": "Error", "exitCode": 1}})


def test_a_workload_its_crashing_pods_explain_is_folded_into_the_crash(tmp_path: Path) -> None:
    files = {"pods.json": pod_list(_crashing("api-7c9d8f6b5d-aaaaa", "node-a"),
                                   _crashing("api-7c9d8f6b5d-bbbbb", "node-b")),
             "deployments.json": json_bytes({"kind": "DeploymentList",
                                             "items": [_deployment("api", 2, 0)]})}
    analysis = analyze_files(tmp_path, files)
    assert not by_rule(analysis, "kubernetes.workload-unavailable")
    [crash] = by_rule(analysis, "kubernetes.crash-loop")
    # No replica left is an outage, as the workload's own finding would have said.
    assert crash.severity is Severity.CRITICAL
    assert "Deployment shop/api has none of its 2 replicas ready" in crash.detail
    assert (crash.facts["desired"], crash.facts["ready"]) == (2, 0)
    assert crash.evidence[1].artifact == "deployments.json"
    assert crash.facts["nodes"] == ["node-a", "node-b"]
    assert "api-7c9d8f6b5d-aaaaa (on node-a)" in crash.detail


def test_a_workload_with_replicas_left_keeps_the_cause_s_severity(tmp_path: Path) -> None:
    healthy = pod("api-7c9d8f6b5d-ccccc", owner="api-7c9d8f6b5d")
    files = {"pods.json": pod_list(_crashing("api-7c9d8f6b5d-aaaaa", "node-a"), healthy),
             "deployments.json": json_bytes({"kind": "DeploymentList",
                                             "items": [_deployment("api", 2, 1)]})}
    analysis = analyze_files(tmp_path, files)
    assert not by_rule(analysis, "kubernetes.workload-unavailable")
    [crash] = by_rule(analysis, "kubernetes.crash-loop")
    assert crash.severity is Severity.HIGH and "has 1 of 2 replicas ready" in crash.detail
    assert "nodes" not in crash.facts
