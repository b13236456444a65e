"""Every scenario builds deterministically, and its answer key holds when analyzed."""

from __future__ import annotations

import orjson
import pytest

from inspector.model import locator_from_json
from inspector.rules import REGISTRY
from inspector.training import scenarios
from inspector.training.scoring import points_at
from tests.analyses import analyze


@pytest.fixture(scope="module", params=scenarios.CATALOGUE)
def keyed(request, tmp_path_factory):
    """(answer key, analysis) of one scenario, built and analyzed once for its tests."""
    bundle, answer_path = scenarios.build(request.param, tmp_path_factory.mktemp("sample"))
    return orjson.loads(answer_path.read_bytes()), analyze(bundle)


def test_answer_key_names_known_rules_once(keyed):
    key, _analysis = keyed
    required, forbidden, allowed = (set(key[part]) for part in ("rules", "forbidden", "allowed"))
    assert required, "a key must name the rules that diagnose the case"
    assert not (required & forbidden or required & allowed or forbidden & allowed)
    assert all(rule_id in REGISTRY for rule_id in required | forbidden | allowed)


def test_required_rules_fire_and_forbidden_stay_quiet(keyed):
    key, analysis = keyed
    fired = {finding.rule for finding in analysis.findings}
    assert set(key["rules"]) - fired == set(), "required rules that did not fire"
    assert fired & set(key["forbidden"]) == set(), "red herrings raised as findings"
    unexpected = fired - set(key["rules"]) - set(key["allowed"])
    assert unexpected == set(), "rules the key does not expect: a false alarm or a stale key"


def test_key_evidence_is_cited_by_its_rule(keyed):
    key, analysis = keyed
    paths = {artifact.path for artifact in analysis.artifacts}
    assert all(item["artifact"] in paths for item in key["evidence"])
    cited = [item for item in key["evidence"] if "cited_by" in item]
    assert cited, "at least one key item must be something an analyzer points at"
    for item in cited:
        assert item["cited_by"] in key["rules"]
        locator = locator_from_json(item["locator"])
        citing = [finding for finding in analysis.findings if finding.rule == item["cited_by"]
                  and any(points_at(e, item["artifact"], locator) for e in finding.evidence)]
        assert citing, f"no {item['cited_by']} finding cites {item['artifact']} {locator}"


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
