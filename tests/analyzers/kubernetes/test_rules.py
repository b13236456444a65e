"""The rules are registered once and listed by both analyzers."""

from __future__ import annotations

from analyzers.kubernetes import KubernetesAnalyzer, KubernetesClusterAnalyzer
from analyzers.kubernetes.rules import NODE_CONDITION, OOM_KILLED, POD_PENDING, RULES
from inspector.findings.ranking import rank
from inspector.model import Severity
from inspector.rules import REGISTRY, Rule


def test_every_rule_is_registered_and_declared() -> None:
    assert all(rule.id in REGISTRY and rule.id.startswith("kubernetes.") for rule in RULES)
    assert set(KubernetesClusterAnalyzer.rules) == set(RULES)
    assert KubernetesAnalyzer.rules == ()  # it reads; the cluster analyzer judges


def test_what_stops_a_workload_ranks_among_the_failures() -> None:
    slow = Rule("demo.slow-queries", Severity.HIGH, "performance", "x")
    findings = [slow.finding("slow queries", analyzer="demo", count=500)]
    findings += [rule.finding(rule.id, analyzer="kubernetes-cluster")
                 for rule in (OOM_KILLED, POD_PENDING, NODE_CONDITION)]
    assert [f.rule for f in rank(findings)][-1] == "demo.slow-queries"
