"""Sample: a Troubleshoot support bundle where a pod crash-loops on a wrong database password.

After a Secret rotation, ``shop/orders-db-credentials`` holds a password PostgreSQL does not
know. Both replicas of ``shop/orders-api`` start, connect to ``postgres-0``, are refused
(``password authentication failed for user "orders"``) and exit 1; Kubernetes backs off
restarting them (BackOff events, CrashLoopBackOff). The bundle is laid out as Replicated
Troubleshoot writes it: ``version.yaml``, ``analysis.json`` with the vendor's own failed
check, ``cluster-info/``, ``cluster-resources/`` (nodes, pods, deployments, events per
namespace) and the pods' logs with their ``-previous`` files. One collector error says the
bundle could not list CustomResourceDefinitions.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

import orjson

from inspector.formats.resources import read_resources
from inspector.training.scenarios import Built, Scenario

ROOT = "support-bundle-2026-11-17T09_20_00/"
START = datetime(2026, 11, 17, 8, 2, tzinfo=UTC)
ROTATED = datetime(2026, 11, 17, 8, 40, tzinfo=UTC)
COLLECTED = datetime(2026, 11, 17, 9, 20, tzinfo=UTC)
NAMESPACE = "shop"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _json(value: object) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def _api_pod(name: str, node: str, restarts: int, finished: datetime) -> dict:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": "orders-api"},
                     "ownerReferences": [{"kind": "ReplicaSet",
                                          "name": "orders-api-7c9d8f6b5d"}]},
        "spec": {"nodeName": node, "containers": [{
            "name": "orders-api", "image": "registry.example.com/shop/orders-api:4.2.0",
            "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {
                "name": "orders-db-credentials", "key": "password"}}}],
            "resources": {"limits": {"memory": "512Mi"}}}]},
        "status": {
            "phase": "Running", "startTime": _time(START),
            "conditions": [{"type": "Ready", "status": "False"},
                           {"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{
                "name": "orders-api", "ready": False, "restartCount": restarts,
                "image": "registry.example.com/shop/orders-api:4.2.0",
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message":
                                      f"back-off 5m0s restarting failed container=orders-api "
                                      f"pod={name}_{NAMESPACE}"}},
                "lastState": {"terminated": {"reason": "Error", "exitCode": 1,
                                             "startedAt": _time(finished - timedelta(seconds=4)),
                                             "finishedAt": _time(finished)}}}]}}


def _previous_log(rng: random.Random, finished: datetime) -> tuple[bytes, int]:
    moment = finished - timedelta(seconds=4)
    lines = []
    for text in ("INFO  Starting orders-api 4.2.0 (pid 1)",
                 "INFO  Loading configuration from /etc/orders-api/application.yaml",
                 "INFO  HikariPool-1 - Starting...",
                 f"INFO  Connecting to postgres-0.postgres.{NAMESPACE}.svc:5432/orders as "
                 "orders"):
        moment += timedelta(milliseconds=rng.randint(80, 600))
        lines.append(f"{_stamp(moment)} {text}")
    moment += timedelta(milliseconds=rng.randint(20, 90))
    failure_line = len(lines) + 1
    lines.append(f"{_stamp(moment)} ERROR HikariPool-1 - Exception during pool initialization: "
                 'org.postgresql.util.PSQLException: FATAL: password authentication failed for '
                 'user "orders"')
    moment += timedelta(milliseconds=rng.randint(5, 30))
    lines.append(f"{_stamp(moment)} ERROR Application run failed; exiting with status 1")
    return ("\n".join(lines) + "\n").encode(), failure_line


def build(rng: random.Random) -> Built:
    pods = {f"orders-api-7c9d8f6b5d-{suffix}": (node, rng.randint(12, 16))
            for suffix, node in (("x2k4p", "worker-1"), ("q8mzn", "worker-2"))}
    files: dict[str, bytes] = {}
    failure_lines: dict[str, int] = {}
    pod_objects = []
    events = []
    for name, (node, restarts) in pods.items():
        finished = COLLECTED - timedelta(seconds=rng.randint(40, 200))
        pod_objects.append(_api_pod(name, node, restarts, finished))
        log, failure_lines[name] = _previous_log(rng, finished)
        files[f"{ROOT}cluster-resources/pods/logs/{NAMESPACE}/{name}/orders-api-previous.log"] = \
            log
        files[f"{ROOT}cluster-resources/pods/logs/{NAMESPACE}/{name}/orders-api.log"] = b""
        events.append({"apiVersion": "v1", "kind": "Event", "type": "Warning",
                       "reason": "BackOff", "count": restarts * 4,
                       "firstTimestamp": _time(ROTATED + timedelta(minutes=1)),
                       "lastTimestamp": _time(finished + timedelta(seconds=30)),
                       "message": "Back-off restarting failed container orders-api in pod "
                                  f"{name}_{NAMESPACE}",
                       "involvedObject": {"kind": "Pod", "name": name, "namespace": NAMESPACE},
                       "source": {"component": "kubelet", "host": node}})
    pod_objects.append({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "postgres-0", "namespace": NAMESPACE,
                     "ownerReferences": [{"kind": "StatefulSet", "name": "postgres"}]},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "postgres",
                                                         "image": "postgres:16.4"}]},
        "status": {"phase": "Running", "startTime": _time(START), "containerStatuses": [{
            "name": "postgres", "ready": True, "restartCount": 0,
            "state": {"running": {"startedAt": _time(START)}}}]}})
    postgres = []
    moment = ROTATED + timedelta(minutes=1)
    while moment < COLLECTED - timedelta(seconds=30):
        moment += timedelta(seconds=rng.randint(20, 90))
        postgres.append(f"{moment:%Y-%m-%d %H:%M:%S}.{rng.randint(0, 999):03d} UTC "
                        f"[{rng.randint(200, 900)}] FATAL:  password authentication failed for "
                        'user "orders"')
        postgres.append(f"{moment:%Y-%m-%d %H:%M:%S}.{rng.randint(0, 999):03d} UTC "
                        f"[{rng.randint(200, 900)}] DETAIL:  Connection matched pg_hba.conf line "
                        '99: "host all all all scram-sha-256"')
    files[f"{ROOT}cluster-resources/pods/logs/{NAMESPACE}/postgres-0/postgres.log"] = \
        ("\n".join(postgres) + "\n").encode()
    nodes = {"apiVersion": "v1", "kind": "NodeList", "items": [{
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": node, "labels": {}},
        "spec": {}, "status": {"conditions": [{"type": "Ready", "status": "True"}],
                               "nodeInfo": {"kubeletVersion": "v1.30.4+k3s1",
                                            "osImage": "Ubuntu 24.04.1 LTS",
                                            "kernelVersion": "6.8.0-48-generic",
                                            "containerRuntimeVersion": "containerd://1.7.21"}}}
        for node in ("worker-1", "worker-2")]}
    files.update({
        f"{ROOT}version.yaml": b"apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n"
                               b"metadata:\n  name: supportbundle\nspec:\n"
                               b"  versionNumber: 0.107.1\n",
        f"{ROOT}cluster-info/cluster_version.json": _json({
            "info": {"major": "1", "minor": "30", "gitVersion": "v1.30.4+k3s1"},
            "string": "v1.30.4+k3s1"}),
        f"{ROOT}cluster-resources/nodes.json": _json(nodes),
        f"{ROOT}cluster-resources/pods/{NAMESPACE}.json": _json(
            {"apiVersion": "v1", "kind": "PodList", "items": pod_objects}),
        f"{ROOT}cluster-resources/deployments/{NAMESPACE}.json": _json({
            "apiVersion": "apps/v1", "kind": "DeploymentList", "items": [{
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "orders-api", "namespace": NAMESPACE},
                "spec": {"replicas": 2}, "status": {"replicas": 2, "readyReplicas": 0,
                                                    "availableReplicas": 0}}]}),
        f"{ROOT}cluster-resources/events/{NAMESPACE}.json": _json(
            {"apiVersion": "v1", "kind": "EventList", "items": events}),
        f"{ROOT}cluster-resources/custom-resource-definitions-errors.json": _json([
            "customresourcedefinitions.apiextensions.k8s.io is forbidden: User "
            '"system:serviceaccount:shop:troubleshoot" cannot list resource '
            '"customresourcedefinitions"']),
        f"{ROOT}analysis.json": _json([
            {"name": "kubernetes.version", "severity": "debug", "analyzerSpec": "",
             "insight": {"name": "kubernetes.version", "primary": "Kubernetes Version",
                         "detail": "Your cluster meets the recommended and required versions "
                                   "of Kubernetes", "severity": "debug"}},
            {"name": "orders.api.status", "severity": "error", "analyzerSpec": "",
             "insight": {"name": "orders.api.status", "primary": "Orders API Status",
                         "detail": "The orders-api deployment does not have any ready "
                                   "replicas.", "severity": "error"}}]),
    })
    first = next(iter(pods))  # the replica the pod list names first
    pods_json = files[f"{ROOT}cluster-resources/pods/{NAMESPACE}.json"]
    status = next(r for r in read_resources(io.BytesIO(pods_json))
                  if r.value["metadata"]["name"] == first)
    status_line = status.line_of("/status/containerStatuses/0")
    return Built(
        files=files,
        rules=["kubernetes.crash-loop", "kubernetes.troubleshoot-fail",
               "sql.authentication-failed"],
        # The Deployment with no ready replica and the pods not Ready are the crash loop's
        # consequences, said in its finding; the memory limit and the vendor's passing
        # version check are no fault; the collector's error is a problem, not a finding.
        forbidden=["kubernetes.workload-unavailable", "kubernetes.pod-not-ready",
                   "kubernetes.oom-killed", "kubernetes.restarts",
                   "kubernetes.troubleshoot-warn", "kubernetes.warning-events"],
        # The same refusal seen by the app's exception and the timeline linking the
        # sources: true, secondary (the database's error group and the knowledge base's
        # match of its lines fold into sql.authentication-failed).
        # log.errors: the app's own "Application run failed; exiting" line (issue 13).
        allowed=["incident.cross-source", "log.exception", "log.errors"],
        evidence=[
            {"artifact": f"{ROOT}cluster-resources/pods/logs/{NAMESPACE}/{first}/"
                         "orders-api-previous.log",
             "locator": {"kind": "line", "line": failure_lines[first]},
             "why": "the app is refused by PostgreSQL: password authentication failed",
             "cited_by": "kubernetes.crash-loop"},
            {"artifact": f"{ROOT}cluster-resources/pods/{NAMESPACE}.json",
             "locator": {"kind": "line", "line": status_line, "end_line": status_line + 12},
             "why": "CrashLoopBackOff, last termination Error with exit code 1"},
        ])


SCENARIO = Scenario(
    name="secret_password_crash_loop",
    title="Orders API pods keep restarting since a Secret was rotated",
    difficulty="medium",
    summary=("The orders-db-credentials Secret holds a password PostgreSQL rejects: both "
             "orders-api replicas exit 1 at start-up with 'password authentication failed for "
             "user \"orders\"' (their previous logs; postgres-0 logs the same FATAL) and "
             "Kubernetes backs off restarting them (BackOff, CrashLoopBackOff). Put the "
             "database's password back in the Secret (or the new one in the database) and "
             "restart the deployment."),
    build=build,
    tags=("kubernetes", "logs", "database", "configuration"),
)
