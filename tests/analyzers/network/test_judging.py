"""analyzers.network.judging: the evidence every network finding cites."""

from __future__ import annotations

from analyzers.network.events import EventLog
from analyzers.network.judging import EVIDENCE_PACKETS, Judge


def test_evidence_is_distinct_frames_in_capture_order_and_capped():
    judge = Judge("c.pcap", "network", EventLog("c.pcap"))
    evidence = judge.evidence([30, 4, 4, 17, *range(100, 120)], "RST")
    assert [e.locator.index for e in evidence] == [4, 17, 30, *range(100, 107)]
    assert len(evidence) == EVIDENCE_PACKETS
    assert {(e.artifact, e.excerpt) for e in evidence} == {("c.pcap", "RST")}
