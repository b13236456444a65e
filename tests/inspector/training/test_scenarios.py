"""Every scenario builds deterministically, and its answer key holds when analyzed."""

from __future__ import annotations

import orjson
import pytest

from inspector.training import scenarios
from tests.analyses import analyze


@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_answer_key_rules_fire(name, tmp_path):
    bundle, answer_path = scenarios.build(name, tmp_path)
    answer = orjson.loads(answer_path.read_bytes())
    assert answer["scenario"] == name and answer["rules"]
    analysis = analyze(bundle)
    fired = {finding.rule for finding in analysis.findings}
    assert set(answer["rules"]) <= fired, f"missing: {set(answer['rules']) - fired}"
    paths = {artifact.path for artifact in analysis.artifacts}
    for evidence in answer["evidence"]:
        assert evidence["artifact"] in paths


@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_builds_are_byte_for_byte_repeatable(name, tmp_path):
    first, _ = scenarios.build(name, tmp_path / "one")
    second, _ = scenarios.build(name, tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()


def test_catalogue_lists_loadable_scenarios():
    for scenario in scenarios.catalogue():
        assert scenario.difficulty in ("easy", "medium", "hard")
        assert scenario.summary and scenario.title
    with pytest.raises(KeyError):
        scenarios.load("no-such-scenario")
