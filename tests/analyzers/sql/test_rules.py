"""The SQL rules: each declared once, each listed by the analyzer that reports it."""

from __future__ import annotations

from analyzers.sql import rules
from analyzers.sql.analyzer import SqlAnalyzer
from analyzers.sql.cross import SqlCrossAnalyzer
from inspector.rules import Rule
from inspector.testing import RecordingContext
from inspector.training.scenarios import deadlock, slow_query_missing_index
from tests.analyzers.sql.material import analyze_files


def test_every_declared_rule_is_listed_by_one_analyzer() -> None:
    declared = {value for value in vars(rules).values() if isinstance(value, Rule)}
    listed = [*SqlAnalyzer.rules, *SqlCrossAnalyzer.rules]
    assert sorted(listed, key=lambda r: r.id) == sorted(declared, key=lambda r: r.id)
    assert all(rule.id.startswith("sql.") for rule in declared)


def test_findings_come_from_the_rules_their_analyzer_lists() -> None:
    for scenario in (deadlock.SCENARIO, slow_query_missing_index.SCENARIO):
        findings, bundle = analyze_files(scenario.build(scenario.rng()).files)
        assert findings
        for finding in findings:
            assert finding.analyzer == SqlAnalyzer.name == rules.ANALYZER
            assert finding.rule in {rule.id for rule in SqlAnalyzer.rules}
        for finding in SqlCrossAnalyzer().analyze_bundle(bundle, RecordingContext()):
            assert finding.rule in {rule.id for rule in SqlCrossAnalyzer.rules}
