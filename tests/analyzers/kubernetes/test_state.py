"""The inventory of one artifact: grouping, caps, identity."""

from __future__ import annotations

from analyzers.kubernetes import state
from analyzers.kubernetes.state import Inventory
from inspector.formats.resources import Resource


def test_warning_events_group_by_object_and_reason() -> None:
    inventory = Inventory("events.json")
    for index, last in enumerate(("2026-11-17T09:00:00Z", "2026-11-17T09:05:00Z")):
        inventory.add(Resource({"kind": "Event", "type": "Warning", "reason": "BackOff",
                                "count": 3, "message": f"back-off {index}",
                                "firstTimestamp": "2026-11-17T08:00:00Z", "lastTimestamp": last,
                                "involvedObject": {"kind": "Pod", "name": "p",
                                                   "namespace": "n"}}, f"/items/{index}", 1))
    [group] = inventory.stats()["events"]
    assert (group["count"], group["last"]) == (6, "2026-11-17T09:05:00Z")
    assert group["messages"] == ["back-off 0", "back-off 1"]


def test_records_are_capped_and_the_rest_counted(monkeypatch) -> None:
    monkeypatch.setattr(state, "MAX_RECORDS", 2)
    inventory = Inventory("pvcs.json")
    for index in range(5):
        inventory.add(Resource({"kind": "PersistentVolumeClaim",
                                "metadata": {"name": f"c{index}"},
                                "status": {"phase": "Pending"}}, f"/items/{index}", 1))
    stats = inventory.stats()
    assert len(stats["claims"]) == 2 and stats["truncated"] == {"claims": 3}


def test_a_kind_only_selects_known_handlers() -> None:
    inventory = Inventory("odd.json")
    for kind in ("keep", "where", "group", "__init__"):
        inventory.add(Resource({"kind": kind}, "", 1))
    assert inventory.stats()["objects"] == {"__init__": 1, "group": 1, "keep": 1, "where": 1}
