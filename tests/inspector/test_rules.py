from __future__ import annotations

import pytest

from inspector.model import Severity
from inspector.rules import Rule, RuleRegistry


def test_findings_come_from_registered_rules_with_their_defaults():
    registry = RuleRegistry()
    expired = registry.register(Rule("tls.certificate-expired", Severity.HIGH, "security",
                                     "The server certificate had expired."))
    finding = expired.finding("api.example.com expired", analyzer="tls", count=2)
    assert (finding.rule, finding.severity, finding.category) == (
        "tls.certificate-expired", Severity.HIGH, "security")
    assert expired.finding("x", analyzer="tls", severity=Severity.LOW).severity is Severity.LOW
    assert "tls.certificate-expired" in registry and len(registry) == 1


def test_rule_ids_are_dotted_and_unique_in_meaning():
    registry = RuleRegistry()
    with pytest.raises(ValueError, match="dotted"):
        Rule("NoDots", Severity.LOW, "x", "y")
    registry.register(Rule("a.b", Severity.LOW, "x", "y"))
    registry.register(Rule("a.b", Severity.LOW, "x", "y"))  # the same declaration twice is fine
    with pytest.raises(ValueError, match="twice"):
        registry.register(Rule("a.b", Severity.HIGH, "x", "y"))
    assert [r.id for r in registry] == ["a.b"]


def test_explanations_form_no_cycle():
    registry = RuleRegistry()
    with pytest.raises(ValueError, match="itself"):
        Rule("a.oom", Severity.HIGH, "x", "y", explains=("a.oom",))
    registry.register(Rule("a.oom", Severity.HIGH, "x", "y", explains=("a.known",)))
    registry.register(Rule("a.known", Severity.HIGH, "x", "y", explains=("a.exception",)))
    with pytest.raises(ValueError, match="explains it back"):
        registry.register(Rule("a.exception", Severity.LOW, "x", "y", explains=("a.oom",)))
    assert "a.exception" not in registry
