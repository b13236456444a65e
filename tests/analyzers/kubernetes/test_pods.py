"""Pod problems: one finding per workload and cause, noise left out."""

from __future__ import annotations

from pathlib import Path

from inspector.model import Severity
from tests.analyzers.kubernetes.material import analyze_files, by_rule, json_bytes, pod, pod_list


def test_replicas_failing_alike_are_one_finding(tmp_path: Path) -> None:
    waiting = {"waiting": {"reason": "ImagePullBackOff"}}
    pods = [pod(f"web-5c8d99cd56-{s}", state=waiting, ready=False, owner="web-5c8d99cd56")
            for s in ("aaaaa", "bbbbb")]
    analysis = analyze_files(tmp_path, {"pods.json": pod_list(*pods)})
    [pull] = by_rule(analysis, "kubernetes.image-pull")
    assert pull.facts["workload"] == "web" and pull.count == 2


def test_oom_kill_running_now_is_medium_and_names_the_limit(tmp_path: Path) -> None:
    oomed = pod("cache-0", restarts=2, limits={"memory": "256Mi"},
                last={"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                     "finishedAt": "2026-11-17T09:00:00Z"}})
    analysis = analyze_files(tmp_path, {"pods.json": pod_list(oomed)})
    [oom] = by_rule(analysis, "kubernetes.oom-killed")
    assert oom.severity is Severity.MEDIUM and oom.facts["memory_limit"] == "256Mi"


def test_restarts_only_at_start_up_are_bootstrap_noise(tmp_path: Path) -> None:
    early = pod("proxy-1", restarts=12, started="2026-11-17T08:00:00Z",
                last={"terminated": {"reason": "Error", "exitCode": 1,
                                     "finishedAt": "2026-11-17T08:04:00Z"}})
    early["status"]["containerStatuses"][0]["state"] = {
        "running": {"startedAt": "2026-11-17T08:04:10Z"}}
    late = pod("api-1", restarts=3, started="2026-11-17T08:00:00Z",
               last={"terminated": {"reason": "Error", "exitCode": 1,
                                    "finishedAt": "2026-11-17T09:04:00Z"}})
    analysis = analyze_files(tmp_path, {"pods.json": pod_list(early, late)})
    [restarts] = by_rule(analysis, "kubernetes.restarts")
    assert restarts.count == 1 and "api-1" in restarts.detail


def test_a_young_pod_between_two_crashes_is_not_bootstrap_noise(tmp_path: Path) -> None:
    young = pod("api-2", restarts=4, started="2026-11-17T09:00:00Z",
                last={"terminated": {"reason": "Error", "exitCode": 1,
                                     "finishedAt": "2026-11-17T09:05:00Z"}})
    young["status"]["containerStatuses"][0]["state"] = {
        "running": {"startedAt": "2026-11-17T09:05:20Z"}}
    analysis = analyze_files(tmp_path, {"pods.json": pod_list(young)})
    [restarts] = by_rule(analysis, "kubernetes.restarts")
    assert "api-2" in restarts.detail


def test_crash_loop_quotes_its_previous_log(tmp_path: Path) -> None:
    crashing = pod("api-7c9d8f6b5d-x2k4p", restarts=9, ready=False,
                   state={"waiting": {"reason": "CrashLoopBackOff"}},
                   last={"terminated": {"reason": "Error", "exitCode": 1}})
    files = {"b/cluster-resources/pods/shop.json": pod_list(crashing),
             "b/cluster-resources/pods/logs/shop/api-7c9d8f6b5d-x2k4p/app-previous.log":
                 b"2026-11-17T09:00:00Z INFO starting\n"
                 b"2026-11-17T09:00:01Z ERROR dial tcp 10.43.0.1:443: i/o timeout\n"}
    analysis = analyze_files(tmp_path, files)
    [crash] = by_rule(analysis, "kubernetes.crash-loop")
    assert "dial tcp 10.43.0.1:443: i/o timeout" in crash.detail
    assert crash.facts["previous_log"].endswith("app-previous.log")
    assert crash.evidence[-1].locator.to_json() == {"kind": "line", "line": 1, "end_line": 2}


def test_not_ready_names_the_failing_probe_unless_the_container_is_starting(
        tmp_path: Path) -> None:
    def unready(name: str, since: str) -> dict:
        value = pod(name, ready=False, started="2026-11-17T08:00:00Z",
                    state={"running": {"startedAt": since}})
        value["spec"]["containers"][0]["readinessProbe"] = {
            "httpGet": {"path": "/healthz", "port": 8080}}
        return value

    stuck = unready("web-1", "2026-11-17T08:00:05Z")
    fresh = unready("web-2", "2026-11-17T09:19:30Z")
    probe = json_bytes({"kind": "EventList", "items": [{
        "kind": "Event", "type": "Warning", "reason": "Unhealthy", "count": 40,
        "message": "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "firstTimestamp": "2026-11-17T08:01:00Z", "lastTimestamp": "2026-11-17T09:20:00Z",
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"}}]})
    analysis = analyze_files(tmp_path, {"pods.json": pod_list(stuck, fresh),
                                        "events.json": probe})
    [not_ready] = by_rule(analysis, "kubernetes.pod-not-ready")
    assert not_ready.facts["pods"] == ["web-1"]
    assert "statuscode: 503" in not_ready.detail and "/healthz" in not_ready.title


def test_every_replica_s_previous_log_is_evidence_and_one_is_quoted(tmp_path: Path) -> None:
    def crashing(name: str) -> dict:
        return pod(name, restarts=9, ready=False, owner="api-7c9d8f6b5d",
                   state={"waiting": {"reason": "CrashLoopBackOff"}},
                   last={"terminated": {"reason": "Error", "exitCode": 1}})

    logs = "b/cluster-resources/pods/logs/shop/{}/app-previous.log"
    files = {"b/cluster-resources/pods/shop.json": pod_list(crashing("api-7c9d8f6b5d-aaaaa"),
                                                            crashing("api-7c9d8f6b5d-bbbbb")),
             # The first replica's previous log is empty: the second one's words are quoted.
             logs.format("api-7c9d8f6b5d-aaaaa"): b"",
             logs.format("api-7c9d8f6b5d-bbbbb"): b"FATAL: password authentication failed\n"}
    analysis = analyze_files(tmp_path, files)
    [crash] = by_rule(analysis, "kubernetes.crash-loop")
    assert "password authentication failed" in crash.detail
    assert crash.facts["previous_log"] == logs.format("api-7c9d8f6b5d-bbbbb")
    files[logs.format("api-7c9d8f6b5d-aaaaa")] = b"FATAL: password authentication failed\n"
    [crash] = by_rule(analyze_files(tmp_path / "both", files), "kubernetes.crash-loop")
    cited = {e.artifact for e in crash.evidence if e.artifact.endswith("-previous.log")}
    assert cited == {logs.format("api-7c9d8f6b5d-aaaaa"), logs.format("api-7c9d8f6b5d-bbbbb")}
