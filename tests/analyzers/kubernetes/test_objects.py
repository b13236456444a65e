"""Objects named by kind or shape, and their records."""

from __future__ import annotations

from analyzers.kubernetes.objects import (
    claim_record,
    kind_of,
    node_record,
    pod_matters,
    pod_record,
    workload_record,
)


def test_kind_from_shape_when_a_collector_stripped_it() -> None:
    assert kind_of({"metadata": {}, "status": {"containerStatuses": []}}) == "Pod"
    assert kind_of({"status": {"nodeInfo": {}}}) == "Node"
    assert kind_of({"reason": "FailedUpdate", "message": "m", "lastTimestamp": "t"}) == "Event"
    assert kind_of({"name": "x", "insight": {}, "severity": "warn"}) == "AnalyzeResult"
    assert kind_of(["not", "an", "object"]) is None


def test_healthy_pods_make_no_record() -> None:
    healthy = pod_record({"status": {"phase": "Running", "containerStatuses": [
        {"name": "a", "ready": True, "restartCount": 0, "state": {"running": {}}}]}})
    completed = pod_record({"status": {"phase": "Succeeded"}})
    assert not pod_matters(healthy) and not pod_matters(completed)


def test_node_workload_and_claim_records() -> None:
    record = node_record({"metadata": {"name": "n", "labels": {
        "node-role.kubernetes.io/control-plane": ""}}, "status": {"conditions": [
            {"type": "Ready", "status": "False", "reason": "KubeletNotReady"}]}})
    assert record["roles"] == ["control-plane"] and record["ready"] == "False"
    assert record["conditions"][0]["reason"] == "KubeletNotReady"
    assert workload_record("DaemonSet", {"status": {"desiredNumberScheduled": 3,
                                                    "numberReady": 3}}) is None
    assert claim_record({"status": {"phase": "Bound"}}) is None
