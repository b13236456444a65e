"""What is gathered from the entries: stats, waterfall, timeline events, masked paths."""

from __future__ import annotations

from datetime import timedelta

import orjson

from inspector.model import Severity
from tests.analyzers.http.hars import T0, analyze, entry, har, make_jwt


def test_bom_and_missing_pages_and_pagerefs():
    run = analyze(b"\xef\xbb\xbf" + har(entry(), entry(at=1, status=503)))
    assert run.stats["entries"] == 2 and run.stats["pages"] == 0


def test_stats_histograms_hosts_percentiles_and_waterfall():
    entries = [entry("https://a.test/x", 200, at=i, wait=10.0 * (i + 1)) for i in range(10)]
    entries += [entry("https://b.test/y", 500, at=20, wait=900.0, method="POST"),
                entry("https://b.test/z", 0, at=21, wait=-1, error="net::ERR_CONNECTION_RESET",
                      size=0)]
    run = analyze(har(*entries))
    http = run.stats
    assert http["entries"] == 12
    assert http["status"] == {"0": 1, "200": 10, "500": 1}
    assert http["methods"] == {"GET": 11, "POST": 1}
    assert http["hosts"]["a.test"] == {"requests": 10, "errors": 0, "bytes": 3000,
                                       "wait_p50": 50.0, "wait_p95": 100.0}
    assert http["hosts"]["b.test"]["errors"] == 2
    assert http["wait_ms"] == {"p50": 60.0, "p95": 900.0, "max": 900.0}
    rows = http["waterfall"]
    assert [row["start_ms"] for row in rows[:3]] == [0.0, 1000.0, 2000.0]
    assert rows[-1]["status"] == 0 and rows[-1]["error"] == "net::ERR_CONNECTION_RESET"
    assert set(rows[0]["phases"]) == {"blocked", "dns", "connect", "ssl", "send", "wait",
                                      "receive"}
    assert orjson.loads(orjson.dumps(run.stats)) == run.stats
    assert http["timeline_events_left_out"] == 0
    assert run.context.progress_reports[-1] == 1.0


def test_events_for_failed_and_server_error_entries_only():
    run = analyze(har(entry(status=200), entry(status=404, at=1), entry(status=503, at=2),
                      entry(status=0, at=3, error="net::ERR_NAME_NOT_RESOLVED")))
    assert [(e.locator.index, e.severity) for e in run.events] == [(3, Severity.HIGH),
                                                                   (4, Severity.MEDIUM)]
    assert "DNS lookup failed" in run.events[1].message


def test_requests_the_browser_itself_blocked_or_cancelled_are_context_events():
    run = analyze(har(entry(status=0, at=1, error="net::ERR_BLOCKED_BY_CLIENT"),
                      entry(status=0, at=2, error="net::ERR_ABORTED"),
                      entry(status=0, at=3, error="net::ERR_CERT_DATE_INVALID")))
    assert [(e.locator.index, e.severity) for e in run.events] == [
        (1, Severity.INFO), (2, Severity.INFO), (3, Severity.MEDIUM)]


def test_timeline_events_are_capped_and_the_rest_counted():
    run = analyze(har(*[entry(f"https://a.test/{i}", 503, at=i / 10) for i in range(2_050)]))
    assert len(run.events) == 2_000
    assert run.stats["timeline_events_left_out"] == 50


def test_a_token_in_a_failing_path_is_masked_in_titles_and_facts():
    token = make_jwt(T0 + timedelta(days=1))
    run = analyze(har(entry(f"https://a.test/reset/{token}/confirm", 500),
                      entry(f"https://a.test/reset/{token}/confirm", 500, at=1)))
    [finding] = run.by_rule("http.server-errors")
    assert finding.count == 2 and finding.facts["path"].startswith("/reset/eyJh…[")
    assert token.encode() not in orjson.dumps([f.to_json() for f in run.findings])
