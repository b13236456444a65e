from analyzers.jvm.rules import CROSS_RULES, GC_RULES
from inspector.rules import REGISTRY


def test_every_jvm_rule_is_registered_once_with_a_meaning():
    rules = [*GC_RULES, *CROSS_RULES]
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert REGISTRY.get(rule.id) is rule and rule.id.startswith("jvm.") and rule.summary
