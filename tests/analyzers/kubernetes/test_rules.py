"""The rules are registered once and listed by both analyzers."""

from __future__ import annotations

from analyzers.kubernetes import KubernetesAnalyzer, KubernetesClusterAnalyzer
from analyzers.kubernetes.rules import RULES
from inspector.rules import REGISTRY


def test_every_rule_is_registered_and_declared() -> None:
    assert all(rule.id in REGISTRY and rule.id.startswith("kubernetes.") for rule in RULES)
    assert set(KubernetesClusterAnalyzer.rules) == set(RULES)
    assert KubernetesAnalyzer.rules == ()  # it reads; the cluster analyzer judges
