"""Scenarios in training order, and one prepared to train on."""

from __future__ import annotations

import orjson

from inspector.training import scenarios
from inspector.training.cases import prepare_case, scenarios_by_difficulty
from inspector.training.catalogue import DIFFICULTIES


def test_scenarios_listed_easy_first_then_catalogue_order():
    listed = scenarios_by_difficulty()
    assert sorted(s.name for s in listed) == sorted(scenarios.CATALOGUE)
    ranks = [DIFFICULTIES.index(s.difficulty) for s in listed]
    assert ranks == sorted(ranks)
    for level in DIFFICULTIES:
        names = [s.name for s in listed if s.difficulty == level]
        assert names == [n for n in scenarios.CATALOGUE if n in names]


def test_a_prepared_case_has_its_bundle_and_the_answer_key_written_with_it(tmp_path):
    case = prepare_case("deadlock", tmp_path)
    assert case.scenario == scenarios.load("deadlock")
    assert case.bundle_path == tmp_path / "deadlock.zip" and case.bundle_path.is_file()
    assert case.answer_key == orjson.loads((tmp_path / "deadlock.answer.json").read_bytes())
    assert case.answer_key["title"] == case.scenario.title
