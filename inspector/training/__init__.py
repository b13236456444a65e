"""Training mode without Qt: root causes to choose from, scoring, and the trainee's progress.

A trainee opens a sample scenario (``inspector.training.scenarios``) with the findings
hidden, reads the raw evidence and submits a ``Diagnosis``: one root cause from
``ROOT_CAUSES``, a free text write-up, and the evidence relied on. ``score`` compares it
with the scenario's answer key and explains what was right, what was missed and why;
``TrainingProgress`` keeps the attempts. One module per job:

- ``catalogue``: the scenarios and root causes, data in ``resources/training/``.
- ``root_causes``: the choices, and each scenario's right one.
- ``cases``: scenarios in training order, one prepared (built, answer key read).
- ``scoring``: a diagnosis scored against the answer key, and the score explained.
- ``progress``: the attempts, kept in the app's data directory.
- ``scenarios``: the generators of the sample bundles and their answer keys.
"""

from __future__ import annotations

from inspector.training.cases import TrainingCase, prepare_case, scenarios_by_difficulty
from inspector.training.catalogue import DIFFICULTIES, RootCause
from inspector.training.progress import PROGRESS_FILE, PROGRESS_FORMAT, TrainingProgress
from inspector.training.root_causes import (
    ROOT_CAUSES,
    SCENARIO_ROOT_CAUSES,
    root_cause,
    root_cause_for,
)
from inspector.training.scoring import (
    EVIDENCE_POINTS,
    LINE_SLACK,
    PASS_POINTS,
    ROOT_CAUSE_POINTS,
    UNRELATED_CITATION_PENALTY,
    WIDEST_CITATION,
    Citation,
    Diagnosis,
    KeyEvidence,
    Score,
    points_at,
    score,
)

__all__ = [
    "DIFFICULTIES",
    "EVIDENCE_POINTS",
    "LINE_SLACK",
    "PASS_POINTS",
    "PROGRESS_FILE",
    "PROGRESS_FORMAT",
    "ROOT_CAUSES",
    "ROOT_CAUSE_POINTS",
    "SCENARIO_ROOT_CAUSES",
    "UNRELATED_CITATION_PENALTY",
    "WIDEST_CITATION",
    "Citation",
    "Diagnosis",
    "KeyEvidence",
    "RootCause",
    "Score",
    "TrainingCase",
    "TrainingProgress",
    "points_at",
    "prepare_case",
    "root_cause",
    "root_cause_for",
    "scenarios_by_difficulty",
    "score",
]
