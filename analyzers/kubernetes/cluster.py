"""``KubernetesClusterAnalyzer``: the bundle's Kubernetes material judged as one cluster.

It runs after the per-artifact pass, over the records every ``kubernetes`` artifact put in
its stats (``state``), reads the pods' logs by their place in the bundle (``links``), and
what kubelets logged about the pods they could not start (``kubelet``).
Order matters: pods are judged first (their findings take the events about them), then
nodes, then workloads (one a pod finding already explains is folded into that finding, which
is handed out only then), jobs, claims, certificates, OpenShift operators, the bundle's own
verdicts, and last the Warning events nobody else holds.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.kubernetes import judgements
from analyzers.kubernetes.events import event_findings
from analyzers.kubernetes.evidence import Gathered
from analyzers.kubernetes.kubelet import kubelet_findings, kubelet_reports
from analyzers.kubernetes.links import PodLogs
from analyzers.kubernetes.pods import PodJudge
from analyzers.kubernetes.rules import (
    ANALYZER,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_EXPIRING,
    CLUSTER_ANALYZER,
    CONTAINER_CONFIG,
    CRASH_LOOP,
    IMAGE_PULL,
    JOB_FAILED,
    NODE_CAPACITY,
    NODE_CONDITION,
    NODE_CORDONED,
    OOM_KILLED,
    OPERATOR_DEGRADED,
    POD_NOT_READY,
    POD_PENDING,
    PVC_UNBOUND,
    RESTARTS,
    TROUBLESHOOT_FAIL,
    TROUBLESHOOT_WARN,
    UPGRADE_BLOCKED,
    VERSION_SKEW,
    WARNING_EVENTS,
    WORKLOAD_SHORT,
)
from inspector.model import Event, Finding
from inspector.plugins import AnalysisContext, BundleView


class KubernetesClusterAnalyzer:
    """Pods, nodes, workloads, events and verdicts of the whole bundle."""

    name = CLUSTER_ANALYZER
    rules = (CRASH_LOOP, OOM_KILLED, RESTARTS, IMAGE_PULL, CONTAINER_CONFIG, POD_PENDING,
             POD_NOT_READY, WARNING_EVENTS, NODE_CONDITION, NODE_CORDONED, NODE_CAPACITY,
             VERSION_SKEW, WORKLOAD_SHORT, JOB_FAILED, PVC_UNBOUND, CERTIFICATE_EXPIRED,
             CERTIFICATE_EXPIRING, OPERATOR_DEGRADED, UPGRADE_BLOCKED, TROUBLESHOOT_FAIL,
             TROUBLESHOOT_WARN)

    def analyze_bundle(self, bundle: BundleView, context: AnalysisContext
                       ) -> Iterator[Finding | Event]:
        results = list(bundle.results())
        gathered = Gathered.from_results(results, ANALYZER)
        # What kubelets logged about pods: more evidence for a pod finding, or the only word
        # (a node's journal without the cluster's objects).
        reports = kubelet_reports(((r.artifact.path, r.artifact.kind) for r in results),
                                  bundle.open)
        if not gathered.records and not gathered.cluster and not reports:
            return
        context.check_cancelled()
        logs = PodLogs((r.artifact.path, r.artifact.kind) for r in results)
        pods = PodJudge(gathered, logs, bundle.open)
        pod_findings = list(pods.findings())
        pod_findings += kubelet_findings(reports, pod_findings)
        context.check_cancelled()
        yield from judgements.node_findings(gathered)
        # Before the pod findings are handed out: a workload they explain is folded into them.
        yield from judgements.workload_findings(gathered, pod_findings)
        yield from pod_findings
        yield from judgements.job_findings(gathered, logs, bundle.open)
        yield from judgements.claim_findings(gathered)
        yield from judgements.certificate_findings(gathered)
        yield from judgements.operator_findings(gathered)
        yield from judgements.verdict_findings(gathered)
        # Events a finding already quotes are its evidence; the pods a finding is about are
        # unhealthy now, so their probe failures are not start-up noise.
        consumed = set(pods.consumed)
        consumed |= {f"{j['namespace']}/Job/{j['name']}" for j in gathered.get("jobs")}
        unhealthy = {f"{f.facts.get('namespace')}/Pod/{name}" for f in pod_findings
                     for name in f.facts.get("pods", [])}
        yield from event_findings(gathered, consumed, unhealthy)
