"""analyzers.network.events: the capped event log."""

from __future__ import annotations

from analyzers.network.events import MAX_EVENTS, EventLog
from inspector.model import EventSource, PacketLocator, Severity
from tests.analyzers.network.traffic import T0


def test_events_keep_the_first_ones_noted_up_to_the_cap():
    log = EventLog("capture.pcap")
    for index in range(1, MAX_EVENTS + 6):
        log.add(T0 + index, index, Severity.MEDIUM, f"event {index}")
    assert len(log.events) == MAX_EVENTS
    first, last = log.events[0], log.events[-1]
    assert (first.message, last.message) == ("event 1", f"event {MAX_EVENTS}")
    assert first.locator == PacketLocator(1) and first.artifact == "capture.pcap"
    assert first.source is EventSource.PACKET and first.time.tzinfo is not None
