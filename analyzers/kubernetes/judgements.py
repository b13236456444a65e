"""Nodes, workloads, jobs, claims, certificates, OpenShift operators and the bundle's own
verdicts: one function per family, each yielding findings from the gathered records.

Decisions the next engineer needs:

- Node conditions are judged as the node reported them; "at capacity / overcommitted" is
  its own low finding and never reads as memory pressure while ``MemoryPressure`` is False.
- Kubelet skew follows the Kubernetes version-skew policy: a kubelet may be up to three
  minor versions older than the API server (two before 1.28) and never newer.
- Certificates are judged at collection time: the member's modification time, but never
  before the newest time the bundle's Kubernetes material mentions
  (``Gathered.collected_at``).
- Troubleshoot's ``analysis.json`` results are the vendor's own checks: a fail or warn
  becomes a finding that names the check and quotes its message, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, BinaryIO

from analyzers.kubernetes.evidence import Gathered, evidence, time_of
from analyzers.kubernetes.links import PodLogs, tail
from analyzers.kubernetes.rules import (
    CERTIFICATE_EXPIRED,
    CERTIFICATE_EXPIRING,
    CLUSTER_ANALYZER,
    JOB_FAILED,
    NODE_CAPACITY,
    NODE_CONDITION,
    NODE_CORDONED,
    OPERATOR_DEGRADED,
    PVC_UNBOUND,
    TROUBLESHOOT_FAIL,
    TROUBLESHOOT_WARN,
    UPGRADE_BLOCKED,
    VERSION_SKEW,
    WORKLOAD_SHORT,
)
from inspector.model import Evidence, Finding, LineLocator, Severity

EXPIRY_WARNING = timedelta(days=30)
_MINOR = re.compile(r"v?(\d+)\.(\d+)")


def _merged_nodes(gathered: Gathered) -> dict[str, dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    for record in gathered.get("nodes"):
        known = nodes.setdefault(record["name"], {**record, "sources": []})
        known["sources"].append(record)
        for name, value in record.items():
            if known.get(name) in (None, [], "") and value not in (None, [], ""):
                known[name] = value
    return nodes


def node_findings(gathered: Gathered) -> Iterator[Finding]:
    nodes = _merged_nodes(gathered)
    for name, node in sorted(nodes.items()):
        bad = [c for c in node.get("conditions") or [] if c.get("type")]
        if bad:
            words = ", ".join(f"{c['type']}={c['status']}" for c in bad)
            reasons = "; ".join(f"{c['type']}: {c.get('reason') or ''} {c.get('message') or ''}"
                                .strip() for c in bad)
            yield NODE_CONDITION.finding(
                f"Node {name} reports {words}", analyzer=CLUSTER_ANALYZER,
                detail=f"The kubelet on {name} reports: {reasons}. Pods on it may be evicted "
                       "or not scheduled.", evidence=[evidence(s, words)
                                                      for s in node["sources"][:3]],
                facts={"node": name, "conditions": [c["type"] for c in bad]},
                remediation="Read the kubelet's log on the node and its resource use (free "
                            "memory, disk, PIDs); a NotReady node may have lost its network "
                            "or its container runtime.")
        if node.get("unschedulable"):
            yield NODE_CORDONED.finding(
                f"Node {name} is cordoned (unschedulable)", analyzer=CLUSTER_ANALYZER,
                detail=f"No new pods are scheduled on {name}: someone ran kubectl cordon or "
                       "drain, or an upgrade is in progress.",
                evidence=[evidence(node["sources"][0], "unschedulable: true")],
                facts={"node": name},
                remediation="Ask whether maintenance is under way; kubectl uncordon when it "
                            "is over.")
        yield from _capacity(name, node)
    yield from _skew(nodes, gathered)


def _capacity(name: str, node: dict[str, Any]) -> Iterator[Finding]:
    capacity, total = node.get("pods_capacity"), node.get("pods_total")
    limits = node.get("memory_limits") or {}
    full = capacity is not None and total is not None and total >= capacity
    overcommitted = (limits.get("percent") or 0) > 100
    if not (full or overcommitted):
        return
    pressure = any(c.get("type") == "MemoryPressure" for c in node.get("conditions") or [])
    parts = []
    if full:
        parts.append(f"at its pod limit ({total} of {capacity} pods)")
    if overcommitted:
        parts.append(f"memory limits overcommitted ({limits.get('text')})")
    source = node["sources"][0]
    proof = [evidence(source, f"{name}: " + "; ".join(parts))]
    if limits.get("line"):
        proof.append(evidence(source, f"memory limits {limits.get('text')}",
                              {"line": limits["line"], "end_line": limits["line"]}))
    yield NODE_CAPACITY.finding(
        f"Node {name} is {' and '.join(parts)}", analyzer=CLUSTER_ANALYZER,
        detail=f"Node {name} is {' and '.join(parts)}. "
               + ("It is not under memory pressure now (MemoryPressure False): new pods may "
                  "not fit, and if the pods used their limits together the node would run out "
                  "of memory." if not pressure else "It also reports memory pressure."),
        evidence=proof, facts={"node": name, "pods": total, "pod_capacity": capacity,
                               "memory_limits_percent": limits.get("percent")},
        remediation="Add nodes or a larger instance type, or lower the pods' memory limits "
                    "toward what they use.")


def _minor(version: Any) -> tuple[int, int] | None:
    match = _MINOR.match(str(version or ""))
    return (int(match.group(1)), int(match.group(2))) if match else None


def _skew(nodes: dict[str, dict[str, Any]], gathered: Gathered) -> Iterator[Finding]:
    versions = {name: _minor(n.get("kubelet")) for name, n in nodes.items()}
    versions = {name: v for name, v in versions.items() if v}
    server_value, _ = gathered.cluster.get("version", (None, ""))
    server = _minor(server_value) if gathered.cluster.get("distribution", ("",))[0] != \
        "OpenShift" else None
    if not versions:
        return
    newest = max(versions.values())
    reference = server or newest
    allowed = 3 if reference >= (1, 28) else 2
    skewed = {name: v for name, v in versions.items()
              if v[0] != reference[0] or reference[1] - v[1] > allowed or v > reference}
    if not skewed:
        return
    listing = ", ".join(f"{name} {nodes[name].get('kubelet')}" for name in sorted(skewed))
    against = f"the API server {server_value}" if server else \
        f"the newest kubelet {'.'.join(map(str, newest))}"
    yield VERSION_SKEW.finding(
        f"Kubelet versions outside the supported skew: {listing}",
        analyzer=CLUSTER_ANALYZER,
        detail=f"Compared with {against}: a kubelet may be at most {allowed} minor versions "
               "older than the API server and never newer.",
        evidence=[evidence(nodes[name]["sources"][0], f"{name} kubelet "
                           f"{nodes[name].get('kubelet')}") for name in sorted(skewed)[:5]],
        facts={"nodes": sorted(skewed), "reference": str(server_value or newest)},
        remediation="Upgrade the lagging nodes (or finish the upgrade in progress).")


def workload_findings(gathered: Gathered, pod_findings: list[Finding]) -> Iterator[Finding]:
    """Workloads short of ready replicas. A workload whose pods a pod finding already explains
    is that finding's consequence, not a second finding: the cause says how many replicas
    are left (``fold_workload``)."""
    explained = {(f.facts.get("namespace"), f.facts.get("workload")): f for f in pod_findings
                 if f.facts.get("workload")}
    for record in gathered.get("workloads"):
        cause = explained.get((record["namespace"], record["name"]))
        if cause is not None:
            fold_workload(cause, record)
            continue
        reasons = "; ".join(f"{c['type']}: {c.get('message') or c.get('reason')}"
                            for c in record.get("conditions") or [])
        where = f"{record['kind']} {record['namespace']}/{record['name']}"
        yield WORKLOAD_SHORT.finding(
            f"{where} has {record['ready']} of {record['desired']} replicas ready",
            analyzer=CLUSTER_ANALYZER,
            severity=Severity.CRITICAL if record["ready"] == 0 else None,
            detail=f"{where} wants {record['desired']} ready replicas and has "
                   f"{record['ready']} ({record['available']} available)."
                   + (f" {reasons}." if reasons else ""),
            evidence=[evidence(record, f"desired {record['desired']}, ready {record['ready']}")],
            facts={"namespace": record["namespace"], "workload": record["name"],
                   "kind": record["kind"], "desired": record["desired"],
                   "ready": record["ready"]},
            remediation="Read why its pods are not ready: their status, events and logs.")


def fold_workload(cause: Finding, record: dict[str, Any]) -> None:
    """``cause`` (a crash loop, a failed pull...) explains why ``record`` is short of ready
    replicas: it says so, cites the workload's status, and when no replica is left it is an
    outage, as the workload's own finding would have been (critical)."""
    where = f"{record['kind']} {record['namespace']}/{record['name']}"
    if record["ready"] == 0:
        cause.detail += f" {where} has none of its {record['desired']} replicas ready: " \
                        "nothing serves it."
        cause.severity = max(cause.severity, Severity.CRITICAL)
    else:
        cause.detail += f" {where} has {record['ready']} of {record['desired']} replicas ready."
    # Right after the first pod's status: the pod, then what its failing costs.
    cause.evidence.insert(1, evidence(record, f"desired {record['desired']}, "
                                              f"ready {record['ready']}"))
    cause.facts.update({"workload_kind": record["kind"], "desired": record["desired"],
                        "ready": record["ready"]})


def job_findings(gathered: Gathered, logs: PodLogs, open_member: Callable[[str], BinaryIO]
                 ) -> Iterator[Finding]:
    for job in gathered.get("jobs"):
        where = f"{job['namespace']}/{job['name']}".lstrip("/")
        proof = [evidence(job, f"{job['reason']}: {job.get('message') or ''}")]
        said = ""
        for pod in job.get("pods") or []:
            for path in logs.find(pod)[:1]:
                try:
                    with open_member(path) as stream:
                        lines = tail(stream)
                except (OSError, KeyError, ValueError):
                    continue
                if lines:
                    proof.append(Evidence(path, LineLocator(lines[0].number, lines[-1].number),
                                          "\n".join(line.text for line in lines)[:600]))
                    said = said or f" Its pod {pod} logged: “{lines[-1].text.strip()[:300]}” " \
                                   f"({path}, line {lines[-1].number})."
        limit = job.get("backoff_limit")
        yield JOB_FAILED.finding(
            f"Job {where} failed: {job['reason']} ({job['failed']} failed pods"
            + (f", backoff limit {limit})" if limit is not None else ")"),
            analyzer=CLUSTER_ANALYZER,
            detail=f"Job {where} gave up: {job['reason']}. {job.get('message') or ''}".strip()
                   + said, evidence=proof,
            facts={"namespace": job["namespace"], "job": job["name"], "reason": job["reason"],
                   "failed": job["failed"], "backoff_limit": limit},
            remediation="Read its pods' logs for why each attempt exited non-zero; fix the "
                        "cause, then delete and re-create the Job.")


def claim_findings(gathered: Gathered) -> Iterator[Finding]:
    for claim in gathered.get("claims"):
        where = f"{claim['namespace']}/{claim['name']}"
        lost = claim["phase"] == "Lost"
        yield PVC_UNBOUND.finding(
            f"PersistentVolumeClaim {where} is {claim['phase']}", analyzer=CLUSTER_ANALYZER,
            severity=Severity.CRITICAL if lost else None,
            detail=(f"Claim {where} lost its volume {claim.get('volume')}: the data behind it "
                    "is gone or unreachable." if lost else
                    f"Claim {where} waits for a volume (storage class "
                    f"{claim.get('storage_class') or 'default'}, {claim.get('requested')}); "
                    "pods that mount it cannot start."),
            evidence=[evidence(claim, f"phase {claim['phase']}")],
            facts={"namespace": claim["namespace"], "claim": claim["name"],
                   "phase": claim["phase"], "storage_class": claim.get("storage_class")},
            remediation="Check the storage class's provisioner and its events "
                        "(ProvisioningFailed), and that a matching PersistentVolume exists.")


def certificate_findings(gathered: Gathered) -> Iterator[Finding]:
    for certificate in gathered.get("certificates"):
        not_after = time_of(certificate.get("not_after"))
        collected = gathered.collected_at(certificate["artifact"])
        if not_after is None or collected is None:
            continue
        where = f"{certificate.get('kind')} {certificate['namespace']}/{certificate['name']}"
        left = not_after - collected
        if left <= timedelta(0):
            rule, title = CERTIFICATE_EXPIRED, (f"Certificate in {where} had expired "
                                                f"{-left.days} days before collection")
        elif left <= EXPIRY_WARNING:
            rule, title = CERTIFICATE_EXPIRING, (f"Certificate in {where} expires "
                                                 f"{left.days} days after collection")
        else:
            continue
        yield rule.finding(
            title, analyzer=CLUSTER_ANALYZER,
            detail=f"{certificate['subject']} (issued by {certificate['issuer']}) is valid "
                   f"until {certificate['not_after']}; the bundle was collected "
                   f"{collected.isoformat().replace('+00:00', 'Z')}.",
            evidence=[evidence(certificate, f"{certificate['subject']} not after "
                               f"{certificate['not_after']}")],
            facts={"subject": certificate["subject"], "not_after": certificate["not_after"],
                   "object": where},
            remediation="Renew the certificate (cert-manager, the issuing CA) and restart "
                        "what serves it.")


def operator_findings(gathered: Gathered) -> Iterator[Finding]:
    blocked = []
    for record in gathered.get("operators"):
        for condition in record["conditions"]:
            if condition["type"] == "Upgradeable":
                blocked.append((record, condition))
        bad = [c for c in record["conditions"] if c["type"] in ("Degraded", "Available",
                                                                 "Failing")]
        if not bad or record["kind"] != "ClusterOperator":
            continue
        words = ", ".join(f"{c['type']}={c['status']}" for c in bad)
        message = bad[0].get("message") or bad[0].get("reason") or ""
        yield OPERATOR_DEGRADED.finding(
            f"Cluster operator {record['name']} is {words}: {bad[0].get('reason')}",
            analyzer=CLUSTER_ANALYZER,
            severity=Severity.CRITICAL if any(c["type"] == "Available" for c in bad) else None,
            detail=f"Operator {record['name']} ({record.get('version') or 'version unknown'})"
                   f" says: {message}", evidence=[evidence(record, f"{words}: {message}")],
            facts={"operator": record["name"], "conditions": [c["type"] for c in bad],
                   "reason": bad[0].get("reason")},
            remediation="Follow the operator's message to the object it names (pods, "
                        "nodes, configuration) and read its events.")
    if blocked:
        version = next((r for r, _ in blocked if r["kind"] == "ClusterVersion"), blocked[0][0])
        condition = next(c for r, c in blocked if r is version)
        yield UPGRADE_BLOCKED.finding(
            f"Cluster upgrades are blocked: {condition.get('reason')}",
            analyzer=CLUSTER_ANALYZER,
            detail=f"{condition.get('message') or condition.get('reason')}",
            evidence=[evidence(r, f"Upgradeable={c['status']}: {c.get('reason')}")
                      for r, c in blocked[:5]],
            facts={"reason": condition.get("reason"),
                   "operators": sorted({r["name"] for r, _ in blocked})},
            remediation="Remove the overrides or conditions the message names before "
                        "upgrading.")


def verdict_findings(gathered: Gathered) -> Iterator[Finding]:
    for verdict in gathered.get("verdicts"):
        rule = TROUBLESHOOT_FAIL if verdict["severity"] == "fail" else TROUBLESHOOT_WARN
        yield rule.finding(
            f"Bundle check {verdict['title'] or verdict['name']} "
            f"{'failed' if rule is TROUBLESHOOT_FAIL else 'warned'}: "
            f"{verdict['message'][:160]}", analyzer=CLUSTER_ANALYZER,
            detail=f"The support bundle's own analysis ({verdict['artifact']}) says: "
                   f"{verdict['message']}",
            evidence=[evidence(verdict, f"{verdict['severity']}: {verdict['message']}")],
            facts={"check": verdict["name"], "title": verdict["title"],
                   "verdict": verdict["severity"]},
            remediation="Follow the check's message; the vendor wrote it for this case.")

