import pytest

from inspector.formats.templates.generated import generated_systems
from inspector.formats.templates.miner import TemplateMiner
from inspector.formats.templates.quality import (
    THRESHOLDS,
    System,
    grouping_accuracy,
    leave_one_system_out,
    loghub_system,
)
from tests.corpus import CORPUS

# Drain's published grouping accuracy (Zhu et al., ICSE-SEIP 2019), *tuned* per dataset.
DRAIN_GA = {"Apache": 1.000, "HDFS": 0.998, "Zookeeper": 0.967, "Spark": 0.920}


def test_grouping_accuracy_definition():
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 2]) == 1.0
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 1]) == 0.0
    assert grouping_accuracy(["a", "a", "b"], [1, 2, 3]) == pytest.approx(1 / 3)


def test_a_fold_chooses_on_the_other_systems_only():
    best = {"a": 0.5, "b": 0.5, "c": 0.5, "d": 0.8}  # "d" alone prefers 0.8
    systems = [System(name, [], []) for name in best]

    def scorer(system, threshold):
        return 1.0 if threshold == best[system.name] else 0.0

    folds = {fold.held_out: fold for fold in leave_one_system_out(systems, scorer)}
    assert folds["d"].chosen == 0.5 and folds["d"].accuracy == 0.0
    assert folds["a"].chosen == 0.5 and folds["a"].accuracy == 1.0
    assert folds["a"].accuracy_at_default == 0.0


@pytest.mark.corpus
def test_leave_one_system_out_over_the_corpus_and_generated_logs(capsys):
    folder = CORPUS / "loghub"
    if not folder.exists():
        pytest.skip("corpus absent")
    systems = [loghub_system(folder, name) for name in sorted(DRAIN_GA)] + generated_systems()
    folds = leave_one_system_out(systems)
    with capsys.disabled():
        print("\nleave-one-system-out grouping accuracy (threshold chosen on the others):")
        for fold in folds:
            print(f"  {fold.held_out:14s} {fold.accuracy:.3f} at {fold.chosen} "
                  f"({fold.accuracy_at_default:.3f} at the default)")
    # The shipped threshold is the one every fold chooses on the other systems.
    assert {fold.chosen for fold in folds} == {TemplateMiner().similarity}
    assert TemplateMiner().similarity in THRESHOLDS
    for fold in folds:
        # Untuned and held out, each corpus system scores within half a percent of Drain
        # tuned on it (Zookeeper: 0.9665 against 0.967); the generated logs all but fully.
        floor = DRAIN_GA[fold.held_out] - 0.005 if fold.held_out in DRAIN_GA else 0.95
        assert fold.accuracy >= floor, fold
