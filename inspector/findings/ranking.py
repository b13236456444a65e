"""The bundle's order: the outage first, data-handling warnings apart.

``rank(findings)`` numbers the findings from 1, the headline, down, and returns them in that
order. Severity is the first word, but not the only one:

1. Findings about the customer's system come before findings about the bundle itself
   (``concern == "handling"``: credentials a HAR carries, hostile or unreadable members).
   Those are for the engineer handling the material, shown apart ("handle with care"),
   never the case's root cause, however severe.
2. Then the most severe first.
3. At equal severity, what stops users before what slows them or weakens them: failures
   (availability, connectivity, errors, authentication, DNS, and the host's and the JVM's
   stability, storage and resources: 5xx bursts, refused connections, fatal handshakes,
   crashes, kernel panics, a full or read-only disk, OOM kills) before the incident that
   links them, before security weaknesses, before performance, before the rest (schema,
   configuration).
4. Then the finding seen most often, then rule and place, so the order is deterministic.

>>> from inspector.rules import Rule
>>> from inspector.model import Severity
>>> leak = Rule("demo.leak", Severity.CRITICAL, "security", "x", concern="handling")
>>> down = Rule("demo.down", Severity.HIGH, "errors", "x")
>>> [f.title for f in rank([leak.finding("HAR carries credentials", analyzer="d"),
...                          down.finding("94 requests got 503", analyzer="d")])]
['94 requests got 503', 'HAR carries credentials']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inspector.model import HANDLING, Finding

# Categories by what they do to users, most disruptive first (see the module doc).
_IMPACT = {"availability": 0, "connectivity": 0, "errors": 0, "authentication": 0, "dns": 0,
           "stability": 0, "storage": 0, "resources": 0,
           "correlation": 1, "security": 2, "performance": 3}
_OTHER = 4


def impact_order(finding: Finding) -> tuple[Any, ...]:
    """The sort key of the bundle's order (see the module doc)."""
    first = finding.evidence[0].artifact if finding.evidence else ""
    return (finding.concern == HANDLING, -finding.severity.rank,
            _IMPACT.get(finding.category, _OTHER), -finding.count, finding.rule, first,
            finding.title)


def rank(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` in the bundle's order, each given its ``rank`` (1 is the headline)."""
    ordered = sorted(findings, key=impact_order)
    for position, finding in enumerate(ordered, start=1):
        finding.rank = position
    return ordered


def headline(findings: Iterable[Finding]) -> Finding | None:
    """The finding a summary leads with: the first about the customer's system."""
    return next((f for f in rank_order(findings) if f.concern != HANDLING), None)


def handle_with_care(findings: Iterable[Finding]) -> list[Finding]:
    """The findings about the bundle itself, in order: a summary shows them apart."""
    return [f for f in rank_order(findings) if f.concern == HANDLING]


def rank_order(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` in the bundle's order, without changing them: by their ``rank`` when
    the analysis set one, else by ``impact_order`` (an analysis written before ranks)."""
    found = list(findings)
    if found and all(f.rank is not None for f in found):
        return sorted(found, key=lambda f: f.rank or 0)
    return sorted(found, key=impact_order)
