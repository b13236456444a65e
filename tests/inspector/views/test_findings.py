"""A finding's detail text, its evidence lines, and what the findings filters keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inspector.model import Evidence, Finding, LineLocator, Severity
from inspector.views.findings import describe_finding, evidence_line, fact_text, matches


def local_time_finding() -> Finding:
    return Finding(rule="log.exception", severity=Severity.MEDIUM, category="errors",
                   title="SSLHandshakeException x3", analyzer="logs", count=3,
                   first_seen=datetime(2026, 11, 17, 10, 14, 2, tzinfo=UTC),
                   last_seen=datetime(2026, 11, 17, 10, 16, 30, tzinfo=UTC),
                   detail="The handshake failed.", facts={"host": "api.test"},
                   remediation="Renew it.", references=["https://kb.test/1"],
                   evidence=[Evidence("logs/order-sync.log", LineLocator(90))])


def test_detail_of_a_finding_from_a_local_time_log_says_it_was_corrected():
    finding = local_time_finding()
    text = describe_finding(finding, {"logs/order-sync.log": timedelta(hours=1)})
    assert "Seen 2026-11-17 09:14:02 to 09:16:30 UTC" in text
    assert "writes UTC+01:00 without a zone" in text
    assert "Seen 2026-11-17 10:14:02" in describe_finding(finding)


def test_the_detail_holds_every_part_in_order():
    lines = describe_finding(local_time_finding()).splitlines()
    assert lines[0] == "SSLHandshakeException x3"
    for earlier, later in (("The handshake failed.", "Facts:"), ("Facts:", "  host: api.test"),
                           ("  host: api.test", "Remediation:"),
                           ("Remediation:", "  https://kb.test/1")):
        assert lines.index(earlier) < lines.index(later)


def test_an_evidence_line_keeps_the_excerpt_on_one_short_line():
    evidence = Evidence("a.log", LineLocator(3, 5), "first\n\tsecond   " + "x" * 500)
    where, excerpt = evidence_line(evidence).split("\n")
    assert where == "a.log · lines 3-5"
    assert excerpt.startswith("    first second x") and len(excerpt) == 4 + 200
    assert evidence_line(Evidence("a.log", LineLocator(3))) == "a.log · line 3"


@pytest.mark.parametrize(("severities", "analyzer", "text", "kept"), [
    (set(Severity), None, "", True),
    ({Severity.HIGH}, None, "", False),
    (set(Severity), "tls", "", False),
    (set(Severity), "logs", "ORDER-SYNC", True),  # an evidence path, case-insensitively
    (set(Severity), None, "handshake failed", True),  # the detail
    (set(Severity), None, "no such words", False),
])
def test_filters(severities, analyzer, text, kept):
    assert matches(local_time_finding(), severities, analyzer, text) is kept


def test_facts_read_as_words_never_as_python():
    finding = local_time_finding()
    finding.facts.update({"sources": ["logs/app.log", "net.pcap"], "findings": [
        {"artifact": "logs/app.log", "rule": "log.exception", "count": 143},
        {"artifact": "net.pcap", "rule": "tls.alert", "count": 3}], "refused": True})
    text = describe_finding(finding)
    assert "  sources: logs/app.log, net.pcap" in text
    assert "  findings:\n    logs/app.log, rule log.exception, count 143\n    net.pcap" in text
    assert "  refused: yes" in text
    assert "[" not in text and "{" not in text and "'" not in text
    assert fact_text(list(range(30))).startswith("0, 1, 2")
    many = fact_text([{"artifact": str(n)} for n in range(25)])
    assert many.endswith("… 5 more") and len(many.splitlines()) == 21
