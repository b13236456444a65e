"""What the findings of all analyzers become once every analyzer ran: one bundle's verdict.

``settle(findings, rules)`` runs after the last analyzer (``inspector.engine``): it merges
the findings that share a root cause (``merging``: the same error in three files is one
finding listing every source) and ranks them (``ranking``: the outage first, the warnings
about handling the bundle apart). The Markdown summary and the report lead with
``ranking.headline`` and show ``ranking.handle_with_care`` on a line of their own.
"""

from collections.abc import Mapping, Sequence

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
    """The bundle's findings merged by root cause and ranked; ``rules`` defaults to every
    registered rule."""
    if rules is None:
        rules = {rule.id: rule for rule in REGISTRY}
    return rank(merge(findings, recorded_offsets(findings), rules))


__all__ = ["MAX_EVIDENCE", "MAX_SOURCES", "handle_with_care", "headline", "impact_order",
           "merge", "rank", "rank_order", "settle"]
