"""Every scenario builds deterministically, and its answer key holds when analyzed."""

from __future__ import annotations

import orjson
import pytest

from inspector import samples
from inspector.cli import run_analysis


@pytest.mark.parametrize("name", samples.CATALOGUE)
def test_answer_key_rules_fire(name, tmp_path):
    bundle, answer_path = samples.build(name, tmp_path)
    answer = orjson.loads(answer_path.read_bytes())
    assert answer["scenario"] == name and answer["rules"]
    analysis = run_analysis(bundle)
    fired = {finding.rule for finding in analysis.findings}
    assert set(answer["rules"]) <= fired, f"missing: {set(answer['rules']) - fired}"
    paths = {artifact.path for artifact in analysis.artifacts}
    for evidence in answer["evidence"]:
        assert evidence["artifact"] in paths


@pytest.mark.parametrize("name", samples.CATALOGUE)
def test_builds_are_byte_for_byte_repeatable(name, tmp_path):
    first, _ = samples.build(name, tmp_path / "one")
    second, _ = samples.build(name, tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()


def test_catalogue_lists_loadable_scenarios():
    for scenario in samples.catalogue():
        assert scenario.difficulty in ("easy", "medium", "hard")
        assert scenario.summary and scenario.title
    with pytest.raises(KeyError):
        samples.load("no-such-scenario")
