"""The training catalogue: shipped data, checked when read, and what the scenarios use."""

from __future__ import annotations

import importlib
import re
from dataclasses import replace

import pytest

import resources
from inspector.training import scenarios
from inspector.training.catalogue import (
    CATALOGUE_RESOURCE,
    DIFFICULTIES,
    Catalogue,
    CatalogueError,
    parse_catalogue,
    read_catalogue,
)


def test_the_shipped_catalogue_loads_every_scenario_in_order():
    catalogue = read_catalogue()
    assert [entry.name for entry in catalogue.scenarios] == list(scenarios.CATALOGUE)
    assert len(scenarios.CATALOGUE) >= 11
    assert {entry.difficulty for entry in catalogue.scenarios} <= set(DIFFICULTIES)
    assert all(entry.title and entry.tags for entry in catalogue.scenarios)
    assert catalogue == parse_catalogue(resources.read_text(CATALOGUE_RESOURCE))


@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_a_scenario_is_the_catalogue_entry_with_its_modules_generator(name):
    entry = read_catalogue().scenario(name)
    generator = importlib.import_module(f"inspector.training.scenarios.{name}")
    scenario = scenarios.load(name)
    assert (scenario.name, scenario.title, scenario.difficulty, scenario.tags) == \
        (entry.name, entry.title, entry.difficulty, entry.tags)
    assert scenario.build is generator.build
    assert scenario.summary == (entry.summary if entry.summary is not None
                                else generator.SCENARIO.summary)


@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_a_title_states_the_symptom_never_the_answer(name):
    """A trainee reads the title before the evidence: no word of the right root cause (its
    label or its id) may be in it, nor the words of the answer key's diagnosis."""
    entry = read_catalogue().scenario(name)
    cause = next(c for c in read_catalogue().root_causes if c.id == entry.root_cause)
    answer = {word for word in re.findall(r"[a-z0-9]+", f"{cause.label} {cause.id}".lower())
              if len(word) > 3 and word not in ("that", "with", "from", "some", "runs")}
    giveaways = answer | {"certificate", "expired", "refused", "deadlock", "index", "pool",
                          "memory", "token", "gateway", "502", "dns", "unknownhostexception"}
    title = set(re.findall(r"[a-z0-9]+", entry.title.lower()))
    assert not title & giveaways, (entry.title, title & giveaways)


@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_the_modules_own_descriptions_agree_with_the_catalogue(name):
    # The generator modules still carry their descriptions; until they drop them, the two
    # must not drift apart (the catalogue's are the ones used).
    module = importlib.import_module(f"inspector.training.scenarios.{name}").SCENARIO
    assert replace(module, build=None) == replace(scenarios.load(name), build=None)


def test_a_changed_catalogue_changes_the_scenario(monkeypatch):
    shipped = read_catalogue()
    entry = replace(shipped.scenario("deadlock"), title="Renamed", tags=("x",))
    changed = Catalogue(shipped.root_causes, tuple(entry if e.name == "deadlock" else e
                                                   for e in shipped.scenarios))
    monkeypatch.setattr(scenarios, "read_catalogue", lambda: changed)
    scenario = scenarios.load("deadlock")
    assert (scenario.title, scenario.tags) == ("Renamed", ("x",))
    assert scenario.answer(scenario.build(scenario.rng()))["title"] == "Renamed"


CAUSE = '[[root_cause]]\nid = "disk-full"\nlabel = "Disk full"\ndescription = "No space."\n'


def scenario_entry(**fields: str) -> str:
    values = {"name": '"demo"', "title": '"Demo"', "difficulty": '"easy"',
              "root_cause": '"disk-full"', "tags": '["x"]', **fields}
    return "[[scenario]]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()
                                      if value)


def test_a_minimal_catalogue_parses():
    catalogue = parse_catalogue(CAUSE + scenario_entry(summary='"Disk filled up."'))
    assert catalogue.root_causes[0].label == "Disk full"
    assert catalogue.scenario("demo").summary == "Disk filled up."
    assert parse_catalogue(CAUSE + scenario_entry()).scenario("demo").summary is None
    with pytest.raises(KeyError):
        catalogue.scenario("other")


@pytest.mark.parametrize(("text", "reason"), [
    (CAUSE + scenario_entry(difficulty='"brutal"'), "difficulty must be one of"),
    (CAUSE + scenario_entry(root_cause='"gremlins"'), "'gremlins' is not a [[root_cause]]"),
    (CAUSE + scenario_entry(title=""), "missing title"),
    (CAUSE + scenario_entry(colour='"red"'), "unknown key(s) colour"),
    (CAUSE + scenario_entry(tags='"x"'), "tags must be a list of words"),
    (CAUSE + scenario_entry(summary='"  "'), "summary must be non-empty text"),
    (CAUSE + CAUSE + scenario_entry(), "root_cause id listed twice: disk-full"),
    (CAUSE + scenario_entry() + scenario_entry(), "scenario listed twice: demo"),
    ('[[root_cause]]\nid = "a"\nlabel = "A"\n', "missing description"),
    (CAUSE + "[[level]]\nname = 1\n", "unknown table(s) level"),
    ("[[scenario]\n", "not valid TOML"),
])
def test_a_malformed_catalogue_is_refused_naming_the_fault(text, reason):
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(text)
    assert reason in str(raised.value)
