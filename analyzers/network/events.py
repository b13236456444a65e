"""The network analyzer's timeline events, capped so a capture of a million resets stays
readable: the first ``MAX_EVENTS`` are kept, in the order they were noted.

Events are noted while the capture is read (zero windows, resets, DNS failures, ICMP
errors) and then while it is judged as a whole (unanswered SYNs and DNS queries), so the
cap keeps the packet-time ones first; the analyzer sorts what was kept by time.
"""

from __future__ import annotations

from inspector.model import Event, EventSource, PacketLocator, Severity, utc_from_epoch

MAX_EVENTS = 2_000


class EventLog:
    """The events of one capture (``artifact``), at most ``MAX_EVENTS``."""

    def __init__(self, artifact: str) -> None:
        self.artifact = artifact
        self.events: list[Event] = []

    def add(self, time: float, index: int, severity: Severity, message: str) -> None:
        """Note an event at packet ``index``, unless the cap is reached."""
        if len(self.events) < MAX_EVENTS:
            self.events.append(Event(utc_from_epoch(time), self.artifact, PacketLocator(index),
                                     severity, EventSource.PACKET, message))
