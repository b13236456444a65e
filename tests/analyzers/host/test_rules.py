from analyzers.host.rules import CROSS_RULES, KERNEL_RULES
from inspector.rules import REGISTRY


def test_every_host_rule_is_registered_and_every_incident_has_one():
    assert len({r.id for r in CROSS_RULES}) == len(CROSS_RULES)
    assert all(REGISTRY.get(r.id) is r and r.id.startswith("host.") for r in CROSS_RULES)
    assert set(KERNEL_RULES.values()) <= set(CROSS_RULES)
