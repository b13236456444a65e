"""Choosing a scenario to train on, and preparing it: its bundle built, its answer key read.

``scenarios_by_difficulty`` orders the catalogue for the trainee, easy first;
``prepare_case`` builds one scenario's bundle into a folder and reads its answer key back
from there, as a ``TrainingCase``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from inspector.training import scenarios as samples
from inspector.training.catalogue import DIFFICULTIES


def scenarios_by_difficulty(scenarios: Iterable[samples.Scenario] | None = None
                            ) -> list[samples.Scenario]:
    """Scenarios easy first, then medium, then hard; catalogue order within a level."""
    listed = list(samples.catalogue() if scenarios is None else scenarios)
    rank = {level: position for position, level in enumerate(DIFFICULTIES)}
    return sorted(listed, key=lambda s: rank.get(s.difficulty, len(DIFFICULTIES)))


@dataclass(frozen=True)
class TrainingCase:
    """A scenario ready to train on: its bundle on disk and its answer key."""

    scenario: samples.Scenario
    bundle_path: Path
    answer_key: dict[str, Any]


def prepare_case(name: str, directory: Path) -> TrainingCase:
    """Build scenario ``name`` into ``directory``; the answer key is read back from there."""
    bundle_path, answer_path = samples.build(name, directory)
    return TrainingCase(samples.load(name), bundle_path, orjson.loads(answer_path.read_bytes()))
