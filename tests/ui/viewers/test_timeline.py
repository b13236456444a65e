"""The timeline: marks per source, incidents, zoom and pan, click-through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt

from inspector.model import (
    Event,
    EventSource,
    Finding,
    LineLocator,
    PacketLocator,
    Severity,
)
from ui.viewers.timeline import TimelineViewer, nice_step

START = datetime(2024, 5, 1, 9, 14, tzinfo=UTC)
EVENTS = [
    Event(START, "net.pcap", PacketLocator(5), Severity.HIGH, EventSource.PACKET, "RST"),
    Event(START + timedelta(seconds=30), "app.log", LineLocator(12), Severity.MEDIUM,
          EventSource.LOG, "<b>exception</b>"),
    Event(START + timedelta(seconds=90), "app.log", LineLocator(40), Severity.CRITICAL,
          EventSource.LOG, "OOM"),
]
INCIDENT = Finding("incident.cross-source", Severity.HIGH, "incident", "Incident", "timeline",
                   first_seen=START, last_seen=START + timedelta(seconds=40))


def test_clicking_a_mark_opens_its_evidence(qtbot, qtmodeltester):
    viewer = TimelineViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 500)
    viewer.show()
    viewer.set_events(EVENTS, [INCIDENT])
    qtmodeltester.check(viewer.model)
    assert viewer.canvas.incidents
    point = viewer.canvas.position_of(1).toPoint()
    with qtbot.waitSignal(viewer.evidence_activated) as opened:
        qtbot.mouseClick(viewer.canvas, Qt.MouseButton.LeftButton, pos=point)
    assert opened.args[0].locator == LineLocator(12)
    assert opened.args[0].excerpt == "<b>exception</b>"
    assert viewer.table.currentIndex().row() == 1
    viewer.grab()


def test_zoom_pan_and_fit(qtbot):
    viewer = TimelineViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 500)
    viewer.show()
    viewer.set_events(EVENTS, [])
    span = viewer.canvas.span
    viewer.canvas.zoom(0.5)
    assert abs(viewer.canvas.span - span / 2) < 1e-6
    start = viewer.canvas.start
    centre = viewer.canvas.rect().center()
    qtbot.mousePress(viewer.canvas, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(viewer.canvas, centre + QPoint(100, 0))
    qtbot.mouseRelease(viewer.canvas, Qt.MouseButton.LeftButton, pos=centre + QPoint(100, 0))
    assert viewer.canvas.start < start  # dragging right shows earlier times
    viewer.canvas.fit()
    assert abs(viewer.canvas.span - span) < 1e-6
    assert nice_step(0.5) == 1.0 and nice_step(10**9) == 7 * 86400
