"""What "add to report" writes for a finding and for a piece of evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inspector.model import EntryLocator, Evidence, Finding, LineLocator, Severity
from inspector.views.citation import EXCERPT_CHARS, evidence_citation, finding_citation


def test_a_long_excerpt_is_one_short_line():
    evidence = Evidence("logs/app.log", LineLocator(3, 9), "first\n\tat a.b.C(C.java:1)\n"
                        + "x" * 500)
    text = evidence_citation(evidence)
    assert text.startswith("> logs/app.log, lines 3-9: first at a.b.C(C.java:1) xxx")
    assert "\n" not in text and text.endswith("…")
    assert len(text) == len("> logs/app.log, lines 3-9: ") + EXCERPT_CHARS
    assert evidence_citation(Evidence("a.har", EntryLocator(7))) == "> a.har, entry 7"


def test_a_finding_from_a_local_time_source_is_cited_on_utc():
    finding = Finding(rule="log.exception", severity=Severity.HIGH, category="errors",
                      title="Timeout", analyzer="logs",
                      first_seen=datetime(2026, 11, 17, 10, 14, 1, tzinfo=UTC),
                      last_seen=datetime(2026, 11, 17, 10, 16, 0, tzinfo=UTC),
                      evidence=[Evidence("logs/sync.log", LineLocator(90))])
    assert finding_citation(finding, {"logs/sync.log": timedelta(hours=1)}) == \
        "- Timeout (seen 2026-11-17 09:14:01 to 09:16:00 UTC; logs/sync.log, line 90)"
    bare = Finding(rule="x", severity=Severity.LOW, category="c", title="Quiet", analyzer="a")
    assert finding_citation(bare) == "- Quiet"
