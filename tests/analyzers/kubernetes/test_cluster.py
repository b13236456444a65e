"""The cluster analyzer on the realworld corpus: what ANSWERS.md says a senior engineer
concludes from each Kubernetes bundle, and what must not be raised."""

from __future__ import annotations

import pytest

from inspector.model import Severity
from tests.analyzers.kubernetes.material import analyze_corpus_bundle, by_rule, kubernetes_findings

K8STEST = "sosreport-juju-110cc2-k8stest-4-2022-02-11-ipxjpkg.tar.xz"
POD_FAILURES = "k8s-pod-failures-cluster-dump.zip"
INSIGHTS = "insights-operator-archive-sample.tar.gz"


@pytest.fixture(scope="module")
def k8stest():
    return analyze_corpus_bundle(K8STEST)


@pytest.fixture(scope="module")
def pod_failures():
    return analyze_corpus_bundle(POD_FAILURES)


@pytest.fixture(scope="module")
def insights():
    return analyze_corpus_bundle(INSIGHTS)


@pytest.mark.corpus
def test_k8stest_the_only_fault_is_the_rate_limited_image_pull(k8stest) -> None:
    [pull] = by_rule(k8stest, "kubernetes.image-pull")
    assert pull.facts["namespace"] == "default" and pull.facts["workload"] == "ubuntu-debug"
    assert pull.facts["image"] == "ubuntu:latest"
    assert sorted(pull.facts["pods"]) == ["ubuntu-debug-5c8d99cd56-dvcdv",
                                          "ubuntu-debug-5c8d99cd56-jssfv"]
    assert "429" in pull.title and "rate-limit" in pull.title
    assert "not a node or network fault" in pull.remediation
    spans = {(e.artifact.rsplit("_", 1)[-1], e.locator.line,
              getattr(e.locator, "end_line", e.locator.line)) for e in pull.evidence}
    describe = "ubuntu-debug-5c8d99cd56-dvcdv"
    # The container's block holds "Reason: ImagePullBackOff" (line 24); line 56 is the 429.
    assert any(name == describe and first <= 24 <= last for name, first, last in spans)
    assert (describe, 56, 56) in spans
    # Everything else is bootstrap noise: never above info.
    loud = [f.title for f in kubernetes_findings(k8stest)
            if f.severity > Severity.INFO and f is not pull]
    assert loud == []


@pytest.mark.corpus
def test_k8stest_bootstrap_warnings_are_said_to_be_noise(k8stest) -> None:
    noise = {f.facts["reason"]: f for f in by_rule(k8stest, "kubernetes.warning-events")}
    assert {"DNSConfigForming", "FailedScheduling", "Unhealthy"} <= noise.keys()
    assert all(f.severity is Severity.INFO for f in noise.values())
    assert "scheduled afterwards" in noise["FailedScheduling"].detail


@pytest.mark.corpus
def test_k8stest_bootstrap_events_make_no_incident(k8stest) -> None:
    incidents = by_rule(k8stest, "incident.cross-source")
    assert not [f for f in incidents if any(e.artifact.endswith("_events") for e in f.evidence)]


@pytest.mark.corpus
def test_k8stest_empty_kubelet_journal_of_the_control_plane_is_no_fault(k8stest) -> None:
    # "-- No entries --": this node runs no kubelet; the workers are the cluster's nodes.
    def about_it(artifact: str | None) -> bool:
        return bool(artifact) and artifact.endswith("--unit_kubelet")

    assert not [f.title for f in k8stest.findings if any(about_it(e.artifact)
                                                         for e in f.evidence)]
    assert not [p.message for p in k8stest.problems if about_it(p.artifact)]


@pytest.mark.corpus
def test_k8stest_layout_and_identity(k8stest) -> None:
    [layout] = k8stest.layouts
    assert layout.name == "sosreport"
    assert layout.identity["cluster_version"] == "v1.23.3"
    assert layout.identity["nodes"] == ["juju-110cc2-k8stest-5", "juju-110cc2-k8stest-6"]
    assert layout.identity["hostname"] == "juju-110cc2-k8stest-4"
    assert layout.identity["collected_at"] == "2022-02-11T19:23:39Z"


@pytest.mark.corpus
def test_pod_failures_five_causes_each_its_own(pod_failures) -> None:
    [oom] = by_rule(pod_failures, "kubernetes.oom-killed")
    assert oom.facts["memory_limit"] == "100Mi" and oom.facts["restarts"] == 6
    assert "crash-looping" in oom.title
    assert any(e.locator.to_json() == {"kind": "line", "line": 77, "end_line": 77}
               for e in oom.evidence)  # BackOff (x23)
    [crash] = by_rule(pod_failures, "kubernetes.crash-loop")
    assert crash.facts["container"] == "downloader" and crash.facts["exit_code"] == 128
    assert "wge" in crash.detail and "StartError" in crash.title
    assert "previous_log" not in crash.facts  # kubectl said there is none: not evidence
    [pull] = by_rule(pod_failures, "kubernetes.image-pull")
    assert pull.facts["image"] == "yourcompany/crw:latest"
    assert "pull access denied" in pull.detail
    [job] = by_rule(pod_failures, "kubernetes.job-failed")
    assert job.facts["reason"] == "BackoffLimitExceeded" and job.facts["backoff_limit"] == 1
    assert "prod-db:3333" in job.detail
    assert any(e.artifact.endswith("java-api-checker-2lhkn/logs.txt")
               and e.locator.to_json()["line"] == 3 for e in job.evidence)
    [pending] = by_rule(pod_failures, "kubernetes.pod-pending")
    assert "Insufficient nvidia.com/gpu" in pending.title


@pytest.mark.corpus
def test_pod_failures_overcommitted_node_is_not_memory_pressure(pod_failures) -> None:
    [node] = by_rule(pod_failures, "kubernetes.node-capacity")
    assert "17 of 17 pods" in node.title and "163%" in node.title
    assert "not under memory pressure" in node.detail
    assert not by_rule(pod_failures, "kubernetes.node-condition")
    # The node's kernel OOM kill of heapster is another process: never linked to the pod.
    [oom] = by_rule(pod_failures, "kubernetes.oom-killed")
    assert not any("dmesg" in e.artifact for e in oom.evidence)


@pytest.mark.corpus
def test_insights_ingress_degraded_and_upgrades_blocked(insights) -> None:
    [ingress] = by_rule(insights, "kubernetes.operator-degraded")
    assert ingress.facts["operator"] == "ingress"
    assert "router-default-7bbdcfcf9b-7xdln" in ingress.detail
    [line] = [e.locator.to_json()["line"] for e in ingress.evidence]
    assert 34 <= line <= 39  # the Degraded condition: its "{" on 34, ANSWERS: 35-39
    [blocked] = by_rule(insights, "kubernetes.upgrade-blocked")
    assert {"etcd", "authentication"} <= set(blocked.facts["operators"])
    [pending] = by_rule(insights, "kubernetes.pod-pending")
    assert pending.facts["namespace"] == "openshift-ingress"


@pytest.mark.corpus
def test_insights_restarts_are_running_now_not_down(insights) -> None:
    [restarts] = by_rule(insights, "kubernetes.restarts")
    assert "running now" in restarts.title and "not down" in restarts.detail
    assert restarts.severity <= Severity.LOW
    assert restarts.count >= 20 and "(last: Error, exit code 255)" in restarts.detail


@pytest.mark.corpus
def test_insights_recovered_restarts_make_no_incident(insights) -> None:
    # The sample is stitched from several clusters; containers that restarted and run now
    # are context on the timeline, not a cross-source incident.
    incidents = by_rule(insights, "incident.cross-source")
    assert not [f for f in incidents if any("config/pod/" in e.artifact for e in f.evidence)]


@pytest.mark.corpus
def test_insights_layout_identity_and_transient_events(insights) -> None:
    names = [layout.name for layout in insights.layouts]
    assert names == ["insights"]
    identity = insights.layouts[0].identity
    assert identity["cluster_version"] == "4.7.16" and identity["distribution"] == "OpenShift"
    [events] = [f for f in by_rule(insights, "kubernetes.warning-events")
                if f.facts["reason"] == "FailedUpdate"]
    assert events.count == 2 and events.severity <= Severity.LOW
    # Pre-masked secrets and env names with secret references are not leaked credentials.
    assert not [f for f in insights.findings if "credential" in f.rule]


@pytest.mark.corpus
def test_insights_kubelet_journal_crash_loop_with_its_span_and_no_year(insights) -> None:
    [crash] = [f for f in by_rule(insights, "kubernetes.crash-loop")
               if f.facts["namespace"] == "openshift-cloud-network-config-controller"]
    assert crash.facts["pods"] == ["cloud-network-config-controller-74ffd6bb6d-7979c"]
    assert crash.facts["container"] == "controller" and crash.facts["backoff"] == "5m0s"
    assert crash.facts["kubelet_reports"] == 18
    assert "between Nov 10 14:17:41 and Nov 10 14:21:24" in crash.detail
    assert crash.first_seen is None  # journal short format: the year is unknown
    assert crash.evidence[0].locator.line == 1
