"""What a Kubernetes object says, as a small record the cluster analyzer judges.

``kind_of(value)`` names an object by its ``kind`` or, when a collector stripped it (the
OpenShift Insights archive writes bare objects), by its shape. The ``*_record`` functions
keep only what a finding needs, in plain JSON values; the analyzer adds where each record
was read (``where``). Records are made only for objects that may matter (a pod that is not
running cleanly, a node with a bad condition, a claim that is not bound), so the stats of a
50 MB dump stay small.

>>> pod = {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop"},
...        "status": {"phase": "Running", "containerStatuses": [{"name": "app",
...        "restartCount": 4, "ready": False, "state": {"waiting": {"reason":
...        "CrashLoopBackOff"}}, "lastState": {"terminated": {"reason": "Error",
...        "exitCode": 1}}}]}}
>>> record = pod_record(pod)
>>> record["containers"][0]["reason"], record["containers"][0]["last"]["exit_code"]
('CrashLoopBackOff', 1)
"""

from __future__ import annotations

from typing import Any

# Condition types whose "True" is bad; for all others "False" is.
NEGATIVE_CONDITIONS = frozenset({"MemoryPressure", "DiskPressure", "PIDPressure",
                                 "NetworkUnavailable", "Degraded", "Failing",
                                 "ReplicaFailure"})
_MESSAGE_LIMIT = 600


def _text(value: Any, limit: int = _MESSAGE_LIMIT) -> str:
    text = str(value or "").strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def kind_of(value: Any) -> str | None:
    """The object's kind, from ``kind`` or from its shape."""
    if not isinstance(value, dict):
        return None
    kind = value.get("kind")
    if isinstance(kind, str) and kind:
        return kind
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    if "involvedObject" in value or ({"reason", "message"} <= value.keys()
                                     and ("lastTimestamp" in value or "count" in value)):
        return "Event"
    if "insight" in value and "severity" in value:
        return "AnalyzeResult"
    if "containerStatuses" in status or "containers" in spec:
        return "Pod"
    if "nodeInfo" in status:
        return "Node"
    if "clusterID" in spec and ("history" in status or "desired" in status):
        return "ClusterVersion"
    condition_types = {c.get("type") for c in _list(status.get("conditions"))
                       if isinstance(c, dict)}
    if {"Available", "Degraded"} <= condition_types and "versions" in status:
        return "ClusterOperator"
    if "accessModes" in spec and status.get("phase") in ("Pending", "Bound", "Lost"):
        return "PersistentVolumeClaim"
    return None


def name_of(value: dict[str, Any]) -> tuple[str, str]:
    metadata = _dict(value.get("metadata"))
    return str(metadata.get("namespace") or ""), str(metadata.get("name") or "")


def owner_of(value: dict[str, Any]) -> str | None:
    """``ReplicaSet/web-5c8d99cd56`` for a pod a controller made."""
    for owner in _list(_dict(value.get("metadata")).get("ownerReferences")):
        if isinstance(owner, dict) and owner.get("kind") and owner.get("name"):
            return f"{owner['kind']}/{owner['name']}"
    return None


def conditions(status: dict[str, Any]) -> list[dict[str, Any]]:
    """The conditions that say something is wrong."""
    bad = []
    for condition in _list(status.get("conditions")):
        if not isinstance(condition, dict):
            continue
        kind, state = condition.get("type"), condition.get("status")
        wrong = state == "True" if kind in NEGATIVE_CONDITIONS else state in ("False", "Unknown")
        if wrong:
            bad.append({"type": kind, "status": state, "reason": _text(condition.get("reason")),
                        "message": _text(condition.get("message")),
                        "since": condition.get("lastTransitionTime")})
    return bad


# --- pods ------------------------------------------------------------------------------------


def _state(state: dict[str, Any]) -> dict[str, Any]:
    for name in ("waiting", "terminated", "running"):
        detail = state.get(name)
        if isinstance(detail, dict):
            return {"state": name, "reason": _text(detail.get("reason")) or None,
                    "message": _text(detail.get("message")) or None,
                    "exit_code": _int(detail.get("exitCode")),
                    "started_at": detail.get("startedAt"),
                    "finished_at": detail.get("finishedAt")}
    return {"state": None, "reason": None, "message": None, "exit_code": None,
            "started_at": None, "finished_at": None}


def _memory_limits(spec: dict[str, Any]) -> dict[str, str]:
    limits = {}
    for key in ("initContainers", "containers"):
        for container in _list(spec.get(key)):
            if isinstance(container, dict):
                memory = _dict(_dict(container.get("resources")).get("limits")).get("memory")
                if memory:
                    limits[str(container.get("name"))] = str(memory)
    return limits


def _probes(spec: dict[str, Any]) -> dict[str, str]:
    probes = {}
    for container in _list(spec.get("containers")):
        if isinstance(container, dict) and isinstance(container.get("readinessProbe"), dict):
            probes[str(container.get("name"))] = describe_probe(container["readinessProbe"])
    return probes


def describe_probe(probe: dict[str, Any]) -> str:
    """``HTTP GET :8080/healthz`` from a probe's spec."""
    if isinstance(probe.get("httpGet"), dict):
        get = probe["httpGet"]
        return f"HTTP GET :{get.get('port', '')}{get.get('path', '/')}"
    if isinstance(probe.get("tcpSocket"), dict):
        return f"TCP :{probe['tcpSocket'].get('port', '')}"
    if isinstance(probe.get("exec"), dict):
        return "exec " + " ".join(str(part) for part in _list(probe["exec"].get("command")))
    if isinstance(probe.get("grpc"), dict):
        return f"gRPC :{probe['grpc'].get('port', '')}"
    return "probe"


def container_records(status: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    limits = _memory_limits(spec)
    probes = _probes(spec)
    images = {str(c.get("name")): c.get("image") for key in ("initContainers", "containers")
              for c in _list(spec.get(key)) if isinstance(c, dict)}
    records = []
    for key, init in (("initContainerStatuses", True), ("containerStatuses", False)):
        for index, container in enumerate(_list(status.get(key))):
            if not isinstance(container, dict):
                continue
            name = str(container.get("name") or "")
            current = _state(_dict(container.get("state")))
            last = _state(_dict(container.get("lastState")))
            records.append({
                "name": name, "init": init, "pointer": f"/status/{key}/{index}",
                "image": container.get("image") or images.get(name),
                "ready": container.get("ready"), "restarts": _int(container.get("restartCount"))
                or 0, **current,
                "last": last if last["state"] else None,
                "memory_limit": limits.get(name), "readiness_probe": probes.get(name)})
    return records


def pod_matters(record: dict[str, Any]) -> bool:
    """A pod worth a record: not cleanly running or completed."""
    if record["phase"] not in ("Running", "Succeeded") or record.get("reason"):
        return record["phase"] != "Succeeded"
    for container in record["containers"]:
        if container["restarts"] or container["state"] == "waiting":
            return True
        if not container["init"] and container["ready"] is False \
                and container["state"] == "running":
            return True
    return False


def pod_record(value: dict[str, Any]) -> dict[str, Any]:
    namespace, name = name_of(value)
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    scheduled = next((c for c in _list(status.get("conditions")) if isinstance(c, dict)
                      and c.get("type") == "PodScheduled"), {})
    return {
        "namespace": namespace, "name": name, "node": spec.get("nodeName"),
        "owner": owner_of(value), "phase": status.get("phase") or "Unknown",
        "reason": _text(status.get("reason")) or None,
        "message": _text(status.get("message")) or None,
        "started": status.get("startTime"),
        "unschedulable": _text(scheduled.get("message")) if scheduled.get("status") == "False"
        else None,
        "containers": container_records(status, spec),
    }


# --- nodes, workloads, jobs, claims ------------------------------------------------------------


def node_record(value: dict[str, Any]) -> dict[str, Any]:
    _, name = name_of(value)
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    info = _dict(status.get("nodeInfo"))
    labels = _dict(_dict(value.get("metadata")).get("labels"))
    ready = next((c.get("status") for c in _list(status.get("conditions"))
                  if isinstance(c, dict) and c.get("type") == "Ready"), None)
    return {
        "name": name, "ready": ready, "conditions": conditions(status),
        "unschedulable": bool(spec.get("unschedulable")),
        "taints": [f"{t.get('key')}:{t.get('effect')}" for t in _list(spec.get("taints"))
                   if isinstance(t, dict)],
        "roles": sorted(key.rsplit("/", 1)[1] for key in labels
                        if key.startswith("node-role.kubernetes.io/")),
        "kubelet": info.get("kubeletVersion"), "os": info.get("osImage"),
        "kernel": info.get("kernelVersion"), "runtime": info.get("containerRuntimeVersion"),
    }


_REPLICA_FIELDS = {
    "Deployment": ("replicas", "readyReplicas", "availableReplicas"),
    "StatefulSet": ("replicas", "readyReplicas", "availableReplicas"),
    "ReplicaSet": ("replicas", "readyReplicas", "availableReplicas"),
    "DaemonSet": ("desiredNumberScheduled", "numberReady", "numberAvailable"),
}


def workload_record(kind: str, value: dict[str, Any]) -> dict[str, Any] | None:
    """A record when the workload has fewer ready replicas than it wants."""
    namespace, name = name_of(value)
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    want_field, ready_field, available_field = _REPLICA_FIELDS[kind]
    desired = _int(status.get(want_field)) if kind == "DaemonSet" \
        else _int(spec.get("replicas", 1))
    ready = _int(status.get(ready_field)) or 0
    if not desired or ready >= desired:
        return None
    return {"kind": kind, "namespace": namespace, "name": name, "desired": desired,
            "ready": ready, "available": _int(status.get(available_field)) or 0,
            "conditions": conditions(status)}


def job_record(value: dict[str, Any]) -> dict[str, Any] | None:
    namespace, name = name_of(value)
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    failed = next((c for c in _list(status.get("conditions")) if isinstance(c, dict)
                   and c.get("type") == "Failed" and c.get("status") == "True"), None)
    if failed is None:
        return None
    return {"namespace": namespace, "name": name, "failed": _int(status.get("failed")) or 0,
            "succeeded": _int(status.get("succeeded")) or 0,
            "backoff_limit": _int(spec.get("backoffLimit")),
            "reason": _text(failed.get("reason")), "message": _text(failed.get("message")),
            "since": failed.get("lastTransitionTime"), "pods": []}


def claim_record(value: dict[str, Any]) -> dict[str, Any] | None:
    namespace, name = name_of(value)
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    phase = status.get("phase")
    if phase == "Bound":
        return None
    return {"namespace": namespace, "name": name, "phase": phase or "Unknown",
            "storage_class": spec.get("storageClassName"), "volume": spec.get("volumeName"),
            "requested": _dict(_dict(spec.get("resources")).get("requests")).get("storage")}


def operator_record(kind: str, value: dict[str, Any]) -> dict[str, Any] | None:
    """ClusterOperator and ClusterVersion conditions that are wrong (OpenShift)."""
    _, name = name_of(value)
    status = _dict(value.get("status"))
    bad = [c for c in conditions(status)
           if c["type"] in ("Available", "Degraded", "Failing", "Upgradeable")]
    if not bad:
        return None
    versions = {str(v.get("name")): v.get("version") for v in _list(status.get("versions"))
                if isinstance(v, dict)}
    return {"kind": kind, "name": name, "conditions": bad,
            "version": versions.get("operator") or _dict(status.get("desired")).get("version")}


def cluster_version(value: dict[str, Any]) -> dict[str, Any]:
    """Identity from an OpenShift ClusterVersion: version, channel, cluster id."""
    status, spec = _dict(value.get("status")), _dict(value.get("spec"))
    history = [h for h in _list(status.get("history")) if isinstance(h, dict)]
    completed = next((h.get("version") for h in history if h.get("state") == "Completed"),
                     None)
    return {key: item for key, item in {
        "version": _dict(status.get("desired")).get("version") or completed,
        "distribution": "OpenShift", "channel": spec.get("channel"),
        "cluster_id": spec.get("clusterID")}.items() if item}


def event_record(value: dict[str, Any]) -> dict[str, Any]:
    involved = _dict(value.get("involvedObject")) or _dict(value.get("regarding"))
    namespace = involved.get("namespace") or value.get("namespace") \
        or _dict(value.get("metadata")).get("namespace") or ""
    series = _dict(value.get("series"))
    count = _int(value.get("count")) or _int(series.get("count")) or 1
    last = value.get("lastTimestamp") or series.get("lastObservedTime") \
        or value.get("eventTime") or _dict(value.get("metadata")).get("creationTimestamp")
    first = value.get("firstTimestamp") or value.get("eventTime") or last
    source = _dict(value.get("source")).get("component") or value.get("reportingController") \
        or value.get("reportingComponent")
    return {"namespace": str(namespace), "kind": str(involved.get("kind") or ""),
            "name": str(involved.get("name") or ""), "reason": str(value.get("reason") or ""),
            "type": str(value.get("type") or "Normal"), "count": count, "first": first,
            "last": last, "message": _text(value.get("message") or value.get("note")),
            "source": source}
