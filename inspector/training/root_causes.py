"""The root causes a trainee chooses from, and each scenario's one right answer.

Both come from the training catalogue (``inspector.training.catalogue``): its
``[[root_cause]]`` list, in order, and each ``[[scenario]]``'s ``root_cause``. Every
catalogue scenario has exactly one; the catalogue refuses to load otherwise. The list
deliberately holds plausible wrong answers (packet loss, clock skew, rate limiting...), so
choosing is a real decision.

>>> root_cause_for("gateway_502").label
"A gateway's upstream fails for some routes"
"""

from __future__ import annotations

from inspector.training.catalogue import RootCause, read_catalogue

ROOT_CAUSES: tuple[RootCause, ...] = read_catalogue().root_causes
# Scenario name -> the id of its right root cause.
SCENARIO_ROOT_CAUSES: dict[str, str] = {entry.name: entry.root_cause
                                        for entry in read_catalogue().scenarios}

_BY_ID = {cause.id: cause for cause in ROOT_CAUSES}


def root_cause(cause_id: str) -> RootCause:
    """The root cause with this id; ``KeyError`` when there is none."""
    return _BY_ID[cause_id]


def root_cause_for(scenario: str) -> RootCause:
    """The correct root cause of a scenario (by name)."""
    try:
        return _BY_ID[SCENARIO_ROOT_CAUSES[scenario]]
    except KeyError:
        raise KeyError(f"scenario {scenario!r} has no root cause in the training catalogue "
                       "(resources/training/catalogue.toml)") from None
