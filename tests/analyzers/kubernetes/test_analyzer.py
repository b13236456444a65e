"""The per-artifact analyzer: records in its stats, events on the timeline, problems."""

from __future__ import annotations

from analyzers.kubernetes import KubernetesAnalyzer
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer
from tests.analyzers.kubernetes.material import json_bytes, pod, pod_list


def test_a_crashing_pod_becomes_a_record_and_a_timeline_event() -> None:
    crashing = pod("web-1", restarts=5, ready=False,
                   state={"waiting": {"reason": "CrashLoopBackOff"}},
                   last={"terminated": {"reason": "Error", "exitCode": 2,
                                        "finishedAt": "2026-11-17T09:14:00Z"}})
    run = run_analyzer(KubernetesAnalyzer(), pod_list(pod("ok-1"), crashing),
                       name="pods.json", kind=ArtifactKind.KUBERNETES)
    [record] = run.stats["pods"]
    assert record["name"] == "web-1" and run.stats["objects"] == {"Pod": 2}
    container = record["containers"][0]
    assert container["where"]["pointer"] == "/items/1/status/containerStatuses/0"
    assert container["where"]["line"] > record["where"]["line"] > 1
    [event] = run.events
    assert "exit code 2" in event.message and event.locator.kind == "pointer"


def test_collector_errors_are_problems_naming_the_missing_data() -> None:
    run = run_analyzer(KubernetesAnalyzer(), json_bytes(["pods is forbidden"]),
                       name="bundle/cluster-resources/pods-errors.json",
                       kind=ArtifactKind.KUBERNETES)
    assert run.context.warnings == ["the collector could not gather pods: pods is forbidden"]


def test_text_that_starts_like_json_is_read_as_kubectl_text() -> None:
    text = (b'{"tool": "kubectl_describe"}\nstdout:\nName:  web-1\nNamespace:  shop\n'
            b"Status:  Pending\nContainers:\n  app:\n    Image:  shop/app\n")
    run = run_analyzer(KubernetesAnalyzer(), text, name="describe.txt",
                       kind=ArtifactKind.KUBERNETES)
    assert run.stats["format"] == "text" and run.stats["pods"][0]["phase"] == "Pending"


def test_a_broken_document_keeps_what_precedes_the_damage() -> None:
    data = pod_list(pod("a", restarts=1), pod("b"))[:-40]
    run = run_analyzer(KubernetesAnalyzer(), data, name="pods.json",
                       kind=ArtifactKind.KUBERNETES)
    assert run.stats["pods"][0]["name"] == "a"
    assert "unreadable after 1 object" in run.context.warnings[0]


def test_past_exits_of_running_containers_are_context_on_the_timeline() -> None:
    recovered = pod("web-2", restarts=3, last={"terminated": {
        "reason": "Error", "exitCode": 1, "finishedAt": "2026-11-17T09:00:00Z"}})
    run = run_analyzer(KubernetesAnalyzer(), pod_list(recovered), name="pods.json",
                       kind=ArtifactKind.KUBERNETES)
    assert {e.severity.value for e in run.events} == {"info"}
