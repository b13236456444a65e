"""The root causes a trainee chooses from, and each scenario's right one."""

from __future__ import annotations

import importlib

import pytest

from inspector.training import scenarios
from inspector.training.root_causes import (
    ROOT_CAUSES,
    SCENARIO_ROOT_CAUSES,
    root_cause,
    root_cause_for,
)


@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_every_catalogue_scenario_has_a_root_cause(name):
    assert root_cause_for(name) in ROOT_CAUSES


def test_root_causes_name_real_scenarios_and_real_causes():
    for name, cause_id in SCENARIO_ROOT_CAUSES.items():
        module = importlib.import_module(f"inspector.training.scenarios.{name}")
        assert module.SCENARIO.name == name
        assert root_cause(cause_id).id == cause_id
    ids = [cause.id for cause in ROOT_CAUSES]
    labels = [cause.label for cause in ROOT_CAUSES]
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    # The list must offer wrong answers, not only one right answer per scenario.
    assert set(ids) - set(SCENARIO_ROOT_CAUSES.values())


def test_unknown_scenario_has_no_root_cause():
    with pytest.raises(KeyError, match="training catalogue"):
        root_cause_for("no-such-scenario")
