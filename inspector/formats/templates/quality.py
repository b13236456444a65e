"""How well templates group lines: Loghub's grouping accuracy, left one system out at a time.

Grouping accuracy (Zhu et al., ICSE-SEIP 2019): a line counts as right when the lines the
miner grouped with it are exactly the lines that share its true template; the accuracy is
the fraction of right lines. ``grouping_accuracy(truth, ours)`` computes it.

The miner has one configuration for every log. ``leave_one_system_out`` checks that this
is not a fit to the systems it was built against: for each system in turn, the similarity
threshold is chosen on the *other* systems only (from ``THRESHOLDS``), and the held-out
system is scored with that choice and with the shipped default. A default that every fold
would have chosen, and held-out scores close to the others, say the configuration carries
over. The systems are the Loghub samples of the shared corpus (``loghub_system``) and logs
generated here from a fixed seed with known templates (``generated_systems``): other
headers, other variables, events that differ in one word.

>>> grouping_accuracy(["a", "a", "b"], [1, 1, 2]), grouping_accuracy(["a", "a", "b"], [1, 1, 1])
(1.0, 0.0)
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inspector.formats.templates.miner import TemplateMiner
from inspector.formats.templates.mining import mine

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


@dataclass(frozen=True)
class System:
    """A log with the true template (event id) of every line."""

    name: str
    lines: list[str]
    truth: list[str]


def grouping_accuracy(truth: Sequence[str], ours: Sequence[int]) -> float:
    """The fraction of lines whose group is exactly the set of lines of their true event."""
    truth_groups: dict[str, set[int]] = defaultdict(set)
    our_groups: dict[int, set[int]] = defaultdict(set)
    for index, (true_id, our_id) in enumerate(zip(truth, ours, strict=True)):
        truth_groups[true_id].add(index)
        our_groups[our_id].add(index)
    right = sum(1 for index, (true_id, our_id) in enumerate(zip(truth, ours, strict=True))
                if truth_groups[true_id] == our_groups[our_id])
    return right / len(truth) if truth else 1.0


def loghub_system(folder: Path, name: str) -> System:
    """A Loghub 2k sample: ``<name>_2k.log`` and its ``<name>_2k.log_structured.csv``."""
    lines = (folder / f"{name}_2k.log").read_text(encoding="utf-8").splitlines()
    with (folder / f"{name}_2k.log_structured.csv").open(encoding="utf-8") as stream:
        truth = [row["EventId"] for row in csv.DictReader(stream)]
    return System(name, lines[:len(truth)], truth)


def score(system: System, similarity: float) -> float:
    """The grouping accuracy of ``mine`` on ``system`` at a similarity threshold."""
    ids = [template_id for template_id, _ in mine(
        system.lines, miner_factory=lambda header: TemplateMiner(similarity, header=header))]
    return grouping_accuracy(system.truth, ids)


@dataclass(frozen=True)
class Fold:
    """One held-out system: the threshold the others chose, and its scores."""

    held_out: str
    chosen: float
    accuracy: float
    accuracy_at_default: float


def leave_one_system_out(systems: Sequence[System],
                         scorer: Callable[[System, float], float] = score) -> list[Fold]:
    """For each system, the threshold chosen on the others and the held-out scores."""
    default = TemplateMiner().similarity
    table = {(system.name, threshold): scorer(system, threshold)
             for system in systems for threshold in THRESHOLDS}
    folds = []
    for held in systems:
        others = [s for s in systems if s is not held]

        def mean_on_others(threshold: float, others: list[System] = others) -> float:
            return sum(table[(s.name, threshold)] for s in others) / len(others)

        # Ties go to the shipped default, then to the stricter threshold.
        chosen = max(THRESHOLDS, key=lambda t: (round(mean_on_others(t), 6), t == default, t))
        folds.append(Fold(held.name, chosen, table[(held.name, chosen)],
                          table[(held.name, default)]))
    return folds
