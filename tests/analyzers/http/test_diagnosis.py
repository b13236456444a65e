"""What the finding families share: evidence, time spans, capped groups."""

from __future__ import annotations

from tests.analyzers.http.hars import analyze, entry, entry_numbers, har


def test_many_groups_are_capped_and_the_rest_counted():
    run = analyze(har(*[entry(f"https://a.test/page-{chr(97 + i // 26)}{chr(97 + i % 26)}",
                              404, at=i) for i in range(30)]))
    findings = run.by_rule("http.client-errors")
    assert len(findings) == 25
    assert findings[-1].facts["groups_not_shown"] == 5
    assert findings[-1].facts["requests_not_shown"] == 5


def test_evidence_is_the_first_entries_and_the_last_with_the_time_span():
    run = analyze(har(*[entry(status=503, at=i) for i in range(20)]))
    [finding] = run.by_rule("http.server-errors")
    assert entry_numbers(finding) == [1, 2, 3, 4, 5, 6, 7, 20]
    assert " between 09:00:00 and 09:00:19 UTC" in finding.detail
    assert (finding.last_seen - finding.first_seen).total_seconds() == 19
