"""What every HTTP finding family shares: the records, and how findings cite and group them.

Each finding family (``errors``, ``performance``, ``navigation``, ``tokens``) is a set of
functions from a ``Diagnosis`` to findings. A ``Diagnosis`` gives them the gathered
``HarState`` and its records, and the shared ways to build a finding: evidence is entry
numbers (1-based) with an excerpt, at most ``MAX_EVIDENCE`` of them (the first ones and
the last); the time span and a "between 09:14:01 and 09:14:07 UTC" phrase; and
``group_findings``, one finding per group (host, path, reason...), largest first, at most
``MAX_GROUPS`` per rule, the rest counted in the last one's facts so nothing disappears
silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from analyzers.http.entries import Record, path_template
from analyzers.http.state import HarState
from inspector.model import EntryLocator, Evidence, Finding

MAX_EVIDENCE = 8
MAX_GROUPS = 25  # findings per rule; the rest are summed into the last one's facts


class Diagnosis:
    """One HAR's gathered state, and the shared ways its findings are built.

    Attributes:
        state: everything gathered from the entries.
        artifact: the HAR's artifact path.
        records: the entries' records, in file order.
    """

    def __init__(self, state: HarState) -> None:
        self.state = state
        self.artifact = state.artifact
        self.records = state.records

    def evidence(self, records: list[Record]) -> list[Evidence]:
        """At most ``MAX_EVIDENCE`` entries of ``records``: the first ones and the last."""
        chosen = records if len(records) <= MAX_EVIDENCE else (
            records[:MAX_EVIDENCE - 1] + records[-1:])
        return [Evidence(self.artifact, EntryLocator(r.index), r.excerpt()) for r in chosen]

    def span(self, records: list[Record]) -> dict[str, Any]:
        """``first_seen`` and ``last_seen`` of ``records``, as finding keyword arguments."""
        times = [r.started for r in records if r.started is not None]
        return {"first_seen": min(times) if times else None,
                "last_seen": max(times) if times else None}

    @staticmethod
    def when(records: list[Record]) -> str:
        """`` at 09:14:01 UTC`` or `` between 09:14:01 and 09:14:07 UTC``, or nothing."""
        times = sorted(r.started for r in records if r.started is not None)
        if not times:
            return ""
        first, last = times[0], times[-1]
        if first == last:
            return f" at {first:%H:%M:%S} UTC"
        return f" between {first:%H:%M:%S} and {last:%H:%M:%S} UTC"

    def group_findings(self, groups: dict[Any, list[Record]],
                       build: Callable[[Any, list[Record]], Finding]) -> Iterator[Finding]:
        """One finding per group, largest first; past ``MAX_GROUPS`` the last one counts the
        groups and requests left out, so nothing disappears silently."""
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), str(item[0])))
        shown = [build(key, records) for key, records in ordered[:MAX_GROUPS]]
        if len(ordered) > MAX_GROUPS:
            shown[-1].facts["groups_not_shown"] = len(ordered) - MAX_GROUPS
            shown[-1].facts["requests_not_shown"] = sum(len(r) for _, r in
                                                        ordered[MAX_GROUPS:])
        yield from shown

    def total_for(self, host: str, template: str) -> tuple[int, int]:
        """Requests to ``host`` on the path ``template``, and how many of them succeeded."""
        same = [r for r in self.records if r.host == host and path_template(r.path) == template]
        return len(same), sum(1 for r in same if 200 <= r.status < 400)
