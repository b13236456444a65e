"""``Inventory``: what one artifact says about the cluster, as records for the stats.

The per-artifact analyzer feeds every object of a document (``add``) or the records read
from kubectl text (``add_text``); ``stats()`` is what it reports under
``stats[path]["kubernetes"]``, and what the cluster analyzer judges. Only objects that may
matter get a record, each list capped (``MAX_RECORDS``, counted in ``truncated``), so the
stats of a 50 MB dump stay small. Warning events are grouped here by namespace, object and
reason (count summed, first and last time, up to three distinct messages).

Keys of the stats: ``format`` (``json``, ``yaml``, ``text``), ``objects`` (count by
kind), ``pods``, ``nodes``, ``events``, ``normal_events``, ``workloads``, ``jobs``,
``claims``, ``certificates``, ``operators``, ``verdicts``, ``passed_checks``,
``collector_errors``, ``cluster`` (version, distribution, id), ``latest`` (the newest time
the artifact mentions), ``truncated``. Every record has ``where``: a JSON pointer, line and
document, or the lines of the text it came from.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from analyzers.kubernetes import objects
from analyzers.kubernetes.certificates import certificates_in
from analyzers.kubernetes.describe import ParsedText
from inspector.formats.resources import Resource

MAX_RECORDS = 500
# Normal events that say a Warning was followed by success (the pod got scheduled...).
RESOLVING_REASONS = frozenset({"Scheduled", "Started", "Pulled", "Created", "SuccessfulCreate",
                               "NodeReady"})
_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
_MAX_MESSAGES = 3
_NEVER = datetime(1, 1, 1, tzinfo=UTC)


def _later(first: str | None, second: str | None) -> str | None:
    if not first or not second:
        return first or second
    return max(first, second, key=_sortable)


def _sortable(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _NEVER
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Inventory:
    """Records from one artifact (see the module doc)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.format = "json"
        self.objects: Counter[str] = Counter()
        self.lists: dict[str, list[dict[str, Any]]] = {
            name: [] for name in ("pods", "nodes", "workloads", "jobs", "claims",
                                  "certificates", "operators", "verdicts",
                                  "collector_errors")}
        self.events: dict[tuple[str, str, str, str, str], dict[str, Any]] = {}
        self.normal: dict[str, dict[str, str]] = {}
        self.cluster: dict[str, Any] = {}
        self.passed_checks = 0
        self.latest: str | None = None
        self.truncated: Counter[str] = Counter()
        # By kind; a kind is untrusted text, so it only ever selects from this table.
        self._handlers = {
            "Pod": self._pod, "Event": self._event, "Node": self._node, "Job": self._job,
            "PersistentVolumeClaim": self._claim, "Secret": self._certificates,
            "ConfigMap": self._certificates, "Config": self._certificates,
            "AnalyzeResult": self._verdict, "ClusterVersion": self._cluster_version}

    # -- adding -----------------------------------------------------------------------------

    def _keep(self, name: str, record: dict[str, Any]) -> None:
        if len(self.lists[name]) >= MAX_RECORDS:
            self.truncated[name] += 1
        else:
            self.lists[name].append(record)

    def _seen(self, time: Any) -> None:
        if isinstance(time, str) and time[:4].isdigit():
            self.latest = _later(self.latest, time)

    @staticmethod
    def _where(resource: Resource, pointer: str = "") -> dict[str, Any]:
        return {"pointer": resource.pointer + pointer, "line": resource.line_of(pointer),
                "document": resource.document}

    def add(self, resource: Resource) -> None:
        value = resource.value
        if isinstance(value, str) and self.path.endswith("errors.json"):
            self._keep("collector_errors", {"message": value[:600],
                                            "where": self._where(resource)})
            return
        if isinstance(value, dict) and isinstance(value.get("info"), dict) \
                and "gitVersion" in value["info"]:
            self.cluster["version"] = value["info"]["gitVersion"]
            return
        kind = objects.kind_of(value)
        if kind is None:
            return
        self.objects[kind] += 1
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(resource)
        elif kind in _WORKLOADS:
            record = objects.workload_record(kind, value)
            if record:
                self._keep("workloads", {**record, "where": self._where(resource, "/status")})
        elif kind in ("ClusterOperator", "ClusterVersion"):
            self._operator(kind, resource)

    def _pod(self, resource: Resource) -> None:
        record = objects.pod_record(resource.value)
        self._seen(record["started"])
        for container in record["containers"]:
            for moment in (container["finished_at"], (container["last"] or {}).get(
                    "finished_at")):
                self._seen(moment)
        if not objects.pod_matters(record):
            return
        record["where"] = self._where(resource, "/status")
        for container in record["containers"]:
            pointer = container.pop("pointer")
            container["where"] = self._where(resource, pointer)
        self._keep("pods", record)

    def _event(self, resource: Resource) -> None:
        event = objects.event_record(resource.value)
        self._seen(event["last"])
        self._group(event, self._where(resource))

    def _group(self, event: dict[str, Any], where: dict[str, Any]) -> None:
        subject = f"{event['namespace']}/{event['kind']}/{event['name']}"
        if event["type"] == "Normal":
            if event["reason"] in RESOLVING_REASONS and event["last"]:
                reasons = self.normal.setdefault(subject, {})
                reasons[event["reason"]] = _later(reasons.get(event["reason"]), event["last"])
            return
        key = (event["namespace"], event["kind"], event["name"], event["reason"], event["type"])
        group = self.events.get(key)
        if group is None:
            if len(self.events) >= MAX_RECORDS:
                self.truncated["events"] += 1
                return
            group = self.events[key] = {**event, "count": 0, "messages": [], "where": where}
            del group["message"]
        group["count"] += event["count"]
        if event["first"] and (not group["first"] or _sortable(event["first"])
                               < _sortable(group["first"])):
            group["first"] = event["first"]
        group["last"] = _later(group["last"], event["last"])
        if event["message"] and event["message"] not in group["messages"] \
                and len(group["messages"]) < _MAX_MESSAGES:
            group["messages"].append(event["message"])

    def _node(self, resource: Resource) -> None:
        self._keep("nodes", {**objects.node_record(resource.value),
                             "where": self._where(resource, "/status")})

    def _job(self, resource: Resource) -> None:
        record = objects.job_record(resource.value)
        if record:
            self._keep("jobs", {**record, "where": self._where(resource, "/status")})

    def _claim(self, resource: Resource) -> None:
        record = objects.claim_record(resource.value)
        if record:
            self._keep("claims", {**record, "where": self._where(resource, "/status")})

    def _certificates(self, resource: Resource) -> None:
        namespace, name = objects.name_of(resource.value)
        for certificate in certificates_in(resource.value):
            pointer = certificate.pop("pointer")
            self._keep("certificates", {
                "namespace": namespace, "name": certificate.pop("name", None) or name,
                "kind": resource.value.get("kind"), **certificate,
                "where": self._where(resource, pointer)})

    def _verdict(self, resource: Resource) -> None:
        value = resource.value
        insight = value.get("insight") if isinstance(value.get("insight"), dict) else {}
        severity = str(value.get("severity") or insight.get("severity") or "").lower()
        if severity not in ("error", "warn", "fail", "warning"):
            self.passed_checks += 1
            return
        self._keep("verdicts", {
            "name": str(value.get("name") or insight.get("name") or ""),
            "title": str(insight.get("primary") or value.get("name") or ""),
            "severity": "fail" if severity in ("error", "fail") else "warn",
            "message": str(insight.get("detail") or value.get("error") or "")[:600],
            "where": self._where(resource)})

    def _cluster_version(self, resource: Resource) -> None:
        self.cluster.update(objects.cluster_version(resource.value))
        self._operator("ClusterVersion", resource)

    def _operator(self, kind: str, resource: Resource) -> None:
        record = objects.operator_record(kind, resource.value)
        if record:
            index = _condition_index(resource.value, record["conditions"][0]["type"])
            pointer = f"/status/conditions/{index}" if index is not None else "/status"
            self._keep("operators", {**record, "where": self._where(resource, pointer)})

    def add_text(self, parsed: ParsedText) -> None:
        self.format = "text"
        self.objects.update(parsed.objects)
        self.cluster.update(parsed.cluster)
        for name, records in (("pods", parsed.pods), ("nodes", parsed.nodes),
                              ("jobs", parsed.jobs)):
            for record in records:
                if name != "pods" or objects.pod_matters(record):
                    self._keep(name, record)
        for event in parsed.events:
            self._group(event, event.pop("where"))

    # -- reporting --------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = {"format": self.format, "objects": dict(sorted(
            self.objects.items()))}
        for name, records in self.lists.items():
            if records:
                stats[name] = records
        if self.events:
            stats["events"] = list(self.events.values())
        if self.normal:
            stats["normal_events"] = self.normal
        if self.passed_checks:
            stats["passed_checks"] = self.passed_checks
        if self.cluster:
            stats["cluster"] = self.cluster
        if self.latest:
            stats["latest"] = self.latest
        if self.truncated:
            stats["truncated"] = dict(self.truncated)
        return stats


def _condition_index(value: dict[str, Any], kind: str) -> int | None:
    conditions = (value.get("status") or {}).get("conditions") or []
    return next((i for i, c in enumerate(conditions)
                 if isinstance(c, dict) and c.get("type") == kind), None)

