"""What the findings of all analyzers become once every analyzer ran: one bundle's verdict.

``settle(findings, rules)`` runs after the last analyzer (``inspector.engine``): it folds
the findings that report one event from the same places into the one whose rule names its
cause (``folding``: an OutOfMemoryError is one ``jvm.out-of-memory`` finding, not also a
stack-trace group and a signature match), merges the findings that share a root cause
(``merging``: the same error in three files is one finding listing every source) and ranks
them (``ranking``: the outage first, the warnings
about handling the bundle apart). The Markdown summary and the report lead with
``ranking.headline`` and show ``ranking.handle_with_care`` on a line of their own.
"""

from collections.abc import Mapping, Sequence

from inspector.findings.folding import ALSO_REPORTED_AS, fold
from inspector.findings.merging import MAX_EVIDENCE, MAX_SOURCES, merge
from inspector.findings.ranking import (
    handle_with_care,
    headline,
    impact_order,
    rank,
    rank_order,
)
from inspector.model import Finding
from inspector.rules import REGISTRY, Rule
from inspector.timeline import recorded_offsets


def settle(findings: Sequence[Finding], rules: Mapping[str, Rule] | None = None
           ) -> list[Finding]:
    """The bundle's findings folded by event, merged by root cause and ranked; ``rules``
    defaults to every registered rule."""
    if rules is None:
        rules = {rule.id: rule for rule in REGISTRY}
    # In a canonical order first: analyzers finish in any order, and which of two equal
    # findings leads a merge (its example, its times) must not depend on that.
    ordered = sorted(findings, key=_canonical)
    return rank(merge(fold(ordered, rules), recorded_offsets(ordered), rules))


def _canonical(finding: Finding) -> tuple:
    places = [(e.artifact, str(e.locator.to_json())) for e in finding.evidence]
    return (*finding.sort_key(), finding.count, places)


__all__ = ["ALSO_REPORTED_AS", "MAX_EVIDENCE", "MAX_SOURCES", "fold", "handle_with_care",
           "headline", "impact_order", "merge", "rank", "rank_order", "settle"]
