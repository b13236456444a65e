"""Reading recorded clock offsets back and putting findings on the UTC axis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inspector.model import Evidence, LineLocator, PacketLocator
from inspector.timeline import (
    CLOCK_OFFSET,
    SourceClock,
    corrected_span,
    offset_text,
    recorded_offsets,
    seen_text,
)
from tests.inspector.broken_analyzers import LINE_SEEN

SEEN = datetime(2026, 11, 17, 10, 14, 2, tzinfo=UTC)


def clock_finding(artifact: str, offset: timedelta, how: str = "inferred"):
    return CLOCK_OFFSET.finding(f"{artifact} offset", analyzer="timeline",
                                facts=SourceClock(artifact, offset, how, 4).to_json())


def test_offsets_round_trip_through_the_findings_an_analysis_records():
    offsets = {"app.log": timedelta(hours=1), "db.log": timedelta(hours=-5, minutes=-30)}
    findings = [clock_finding(path, offset) for path, offset in offsets.items()]
    findings.append(LINE_SEEN.finding("not a clock", analyzer="good",
                                      facts={"artifact": "x.log", "offset": "+02:00"}))
    assert recorded_offsets(findings) == offsets
    assert offset_text(timedelta(hours=-5, minutes=-30)) == "UTC-05:30"


def test_malformed_offset_facts_are_ignored_not_guessed():
    finding = clock_finding("app.log", timedelta(hours=1))
    finding.facts["offset"] = "+1h"
    assert recorded_offsets([finding]) == {}


def test_a_finding_of_one_local_time_source_is_corrected_and_says_so():
    finding = LINE_SEEN.finding("x", analyzer="logs", first_seen=SEEN,
                                last_seen=SEEN + timedelta(minutes=2),
                                evidence=[Evidence("app.log", LineLocator(3))])
    first, last, offset = corrected_span(finding, {"app.log": timedelta(hours=1)})
    assert (first.hour, last.minute, offset) == (9, 16, timedelta(hours=1))
    text = seen_text(finding, {"app.log": timedelta(hours=1)})
    assert text.startswith("2026-11-17 09:14:02 to 09:16:02 UTC")
    assert "UTC+01:00; corrected" in text


def test_a_finding_across_sources_keeps_its_times():
    finding = LINE_SEEN.finding("x", analyzer="timeline",
                                first_seen=SEEN,
                                evidence=[Evidence("app.log", LineLocator(3)),
                                          Evidence("trace.pcap", PacketLocator(7))])
    assert corrected_span(finding, {"app.log": timedelta(hours=1)})[2] == timedelta(0)
    assert seen_text(LINE_SEEN.finding("no time", analyzer="x"), {}) == ""
