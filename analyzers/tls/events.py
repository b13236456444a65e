"""The TLS analyzer's timeline events: a fatal alert, or a handshake cut off by a reset,
one per connection, at most ``MAX_EVENTS`` per capture (the first connections first)."""

from __future__ import annotations

from analyzers.tls.connections import Connection
from inspector.formats.protocols import alert_name
from inspector.model import Event, EventSource, PacketLocator, Severity, utc_from_epoch

MAX_EVENTS = 2000


def tls_events(connections: list[Connection], artifact: str) -> list[Event]:
    """The events of ``connections`` (by stream) of the capture ``artifact``."""
    events: list[Event] = []
    for connection in connections:
        client, server = connection.endpoints()
        outcome = connection.outcome()
        fatal = connection.fatal_alert()
        if fatal is not None:
            events.append(Event(
                utc_from_epoch(fatal.time), artifact, PacketLocator(fatal.packet),
                Severity.HIGH, EventSource.PACKET,
                f"TLS {client} -> {server}: {fatal.sender} sent fatal alert "
                f"{alert_name(fatal.description or 0)}"))
        elif (outcome == "aborted" and connection.reset_packet is not None
              and connection.reset_time is not None):
            events.append(Event(
                utc_from_epoch(connection.reset_time), artifact,
                PacketLocator(connection.reset_packet), Severity.MEDIUM,
                EventSource.PACKET,
                f"TLS {client} -> {server}: handshake {connection.closed_by} "
                f"before it completed"))
        if len(events) >= MAX_EVENTS:
            break
    return events
