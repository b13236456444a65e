"""The bundle-level check of slow queries against the dump's indexes."""

from __future__ import annotations

from analyzers.sql.cross import SqlCrossAnalyzer
from inspector.testing import RecordingContext
from inspector.training.scenarios import slow_query_missing_index
from tests.analyzers.sql.material import analyze_files


def test_slow_query_missing_index_scenario() -> None:
    scenario = slow_query_missing_index.SCENARIO
    built = scenario.build(scenario.rng())
    findings, bundle = analyze_files(built.files)
    cross = list(SqlCrossAnalyzer().analyze_bundle(bundle, RecordingContext()))
    [missing] = cross
    assert missing.facts["table"] == "orders" and missing.facts["columns"] == ["customer_id"]
    assert "ON orders (customer_id)" in missing.facts["suggested_index"]
    rules = {f.rule for f in findings + cross}
    assert set(built.rules) <= rules
    assert built.files == scenario.build(scenario.rng()).files  # deterministic


def test_cross_analyzer_quiet_when_index_exists() -> None:
    scenario = slow_query_missing_index.SCENARIO
    built = scenario.build(scenario.rng())
    files = dict(built.files)
    files["db/schema.sql"] = files["db/schema.sql"].replace(
        b"  KEY `idx_orders_created_at`",
        b"  KEY `idx_c` (`customer_id`),\n  KEY `idx_orders_created_at`")
    _, bundle = analyze_files(files)
    assert not list(SqlCrossAnalyzer().analyze_bundle(bundle, RecordingContext()))
