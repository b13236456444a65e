"""The timeline: marks per source, incidents, zoom and pan, click-through, clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.model import (
    Artifact,
    ArtifactKind,
    Event,
    EventSource,
    Evidence,
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


def local_time_bundle() -> Analysis:
    """A capture in UTC and an app log written in UTC+02:00 without a zone, both in trouble
    at 09:14 UTC: the log's events read 11:14."""
    events = [Event(START + timedelta(seconds=5 * n), "net.pcap", PacketLocator(n + 1),
                    Severity.HIGH, EventSource.PACKET, "RST") for n in range(12)]
    events += [Event(START + timedelta(hours=2, seconds=5 * n + 1), "logs/app.log",
                     LineLocator(n + 1), Severity.HIGH, EventSource.LOG, "Connection reset")
               for n in range(12)]
    artifacts = [Artifact("net.pcap", ArtifactKind.PCAP, 100),
                 Artifact("logs/app.log", ArtifactKind.LOG, 100)]
    # Each source's finding over its events (the log's in its own written time), as the
    # analyzers report them: an incident links findings, not bare events.
    findings = [Finding(rule, Severity.HIGH, "connectivity", title, analyzer,
                        first_seen=group[0].time, last_seen=group[-1].time,
                        evidence=[Evidence(group[0].artifact, group[0].locator)])
                for rule, title, analyzer, group in (
                    ("tcp.reset", "resets", "network", events[:12]),
                    ("log.exception", "resets", "logs", events[12:]))]
    return Analysis(BundleInfo("b.zip", "0" * 64, 200), artifacts, findings=findings,
                    timeline=events,
                    stats={"logs/app.log": {"logs": {"time_zone": "unknown"}},
                           "net.pcap": {"network": {}}})


def placed(qtbot, viewer, action):
    with qtbot.waitSignal(viewer.placed, timeout=10_000):
        action()


def test_each_sources_clock_is_shown_and_an_override_places_the_events_again(
        qtbot, qtmodeltester):
    viewer = TimelineViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1000, 700)
    viewer.show()
    analysis = local_time_bundle()
    placed(qtbot, viewer, lambda: viewer.set_analysis(analysis))
    qtmodeltester.check(viewer.clock_model)
    log_clock = viewer.clocks["logs/app.log"]
    assert (log_clock.how, log_clock.offset) == ("inferred", timedelta(hours=2))
    assert viewer.clocks["net.pcap"].how == "reference"
    rows = {viewer.clock_model.index(r, 0).data(): r for r in range(viewer.clock_model.rowCount())}
    assert viewer.clock_model.index(rows["logs/app.log"], 1).data() == "UTC+02:00"
    # Placed on one axis: the log's events sit among the capture's, and form an incident.
    log_times = [e.time for e in viewer.model.rows if e.artifact == "logs/app.log"]
    assert min(log_times) == START + timedelta(seconds=1)
    assert len(viewer.canvas.incidents) == 1

    # The user knows better: the log was in UTC after all.
    viewer.clock_table.selectRow(rows["logs/app.log"])
    viewer.offset_choice.setCurrentIndex(viewer.offset_choice.findText("UTC+00:00"))
    placed(qtbot, viewer, viewer.apply_button.click)
    assert viewer.clocks["logs/app.log"].how == "override"
    assert viewer.overrides == {"logs/app.log": timedelta(0)}
    log_times = [e.time for e in viewer.model.rows if e.artifact == "logs/app.log"]
    assert min(log_times) == START + timedelta(hours=2, seconds=1)
    assert viewer.canvas.incidents == []
    assert viewer.clock_table.currentIndex().row() == rows["logs/app.log"]
    assert viewer.reset_button.isEnabled()
    placed(qtbot, viewer, viewer.reset_button.click)
    assert viewer.clocks["logs/app.log"].how == "inferred" and not viewer.overrides
    assert analysis.timeline[12].time == START + timedelta(hours=2, seconds=1)  # untouched
