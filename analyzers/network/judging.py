"""What every findings module of the network analyzer shares: where the evidence points, how
counts are written.

>>> plural(1, "connection"), plural(3, "query", "queries")
('1 connection', '3 queries')
"""

from __future__ import annotations

from analyzers.network.events import EventLog
from inspector.model import Evidence, PacketLocator

# The frames a finding cites, first ones first.
EVIDENCE_PACKETS = 10


def plural(count: int, word: str, plural: str = "") -> str:
    """``count`` and ``word``, in the plural (``plural``, else ``word`` + s) unless 1."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {plural or word + 's'}"


class Judge:
    """Findings about one capture (``artifact``), written for ``analyzer``, noting events in
    ``events``."""

    def __init__(self, artifact: str, analyzer: str, events: EventLog) -> None:
        self.artifact = artifact
        self.analyzer = analyzer
        self.events = events

    def evidence(self, frames: list[int], excerpt: str) -> list[Evidence]:
        """The first ``EVIDENCE_PACKETS`` distinct frames, in capture order."""
        return [Evidence(self.artifact, PacketLocator(frame), excerpt)
                for frame in sorted(set(frames))[:EVIDENCE_PACKETS]]
