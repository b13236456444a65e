"""Warning events: merged across files, noise told from faults."""

from __future__ import annotations

from pathlib import Path

from inspector.model import Severity
from tests.analyzers.kubernetes.material import analyze_files, by_rule, json_bytes


def event(name: str, reason: str, message: str, count: int = 1, kind: str = "Pod",
          kind_type: str = "Warning", last: str = "2026-11-17T09:00:00Z") -> dict:
    return {"kind": "Event", "type": kind_type, "reason": reason, "message": message,
            "count": count, "firstTimestamp": "2026-11-17T08:00:00Z", "lastTimestamp": last,
            "involvedObject": {"kind": kind, "name": name, "namespace": "shop"}}


def test_failed_mount_is_raised_and_dns_config_is_noise(tmp_path: Path) -> None:
    events = {"kind": "EventList", "items": [
        event("web-1", "FailedMount", "MountVolume.SetUp failed for volume \"data\"", 12),
        event("web-1", "DNSConfigForming", "Nameserver limits were exceeded", 40),
        event("web-2", "DNSConfigForming", "Nameserver limits were exceeded", 3)]}
    analysis = analyze_files(tmp_path, {"events.json": json_bytes(events)})
    found = {f.facts["reason"]: f for f in by_rule(analysis, "kubernetes.warning-events")}
    assert found["FailedMount"].severity is Severity.MEDIUM
    assert found["FailedMount"].count == 12
    assert found["DNSConfigForming"].severity is Severity.INFO
    assert found["DNSConfigForming"].facts["objects"] == 2


def test_failed_scheduling_followed_by_scheduled_is_resolved(tmp_path: Path) -> None:
    events = {"kind": "EventList", "items": [
        event("web-1", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.",
              last="2026-11-17T08:01:00Z"),
        event("web-1", "Scheduled", "Successfully assigned shop/web-1 to node-a",
              kind_type="Normal", last="2026-11-17T08:05:00Z"),
        event("web-2", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.", 5)]}
    analysis = analyze_files(tmp_path, {"events.json": json_bytes(events)})
    found = by_rule(analysis, "kubernetes.warning-events")
    loud = [f for f in found if f.severity > Severity.INFO]
    assert [f.facts["object"] for f in loud] == ["Pod/web-2"]
