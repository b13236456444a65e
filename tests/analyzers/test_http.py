"""The HTTP analyzer: reading real and broken HAR files, stats, every rule, the scenarios."""

from __future__ import annotations

import base64
import gzip
import importlib
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from analyzers.http import HttpAnalyzer, path_template
from inspector.model import Artifact, ArtifactKind, EntryLocator, Severity
from inspector.plugins import Cancelled, Stats
from inspector.testing import RecordingContext, run_analyzer
from tests.corpus import CORPUS as SHARED_CORPUS

CORPUS = SHARED_CORPUS / "har"
T0 = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


# --- building HAR files ----------------------------------------------------------------------


def entry(url: str = "https://api.test/v1/items", status: int = 200, *, at: float = 0.0,
          method: str = "GET", wait: Any = 40.0, blocked: Any = 1.0, error: str | None = None,
          request_headers: dict[str, str] | None = None,
          response_headers: dict[str, str] | None = None, resource_type: str | None = None,
          mime: str = "application/json", size: int = 300, body: str | None = None,
          post: tuple[str, str] | None = None, redirect: str = "", **extra: Any
          ) -> dict[str, Any]:
    """One Chrome-style entry, ``at`` seconds after T0."""
    item: dict[str, Any] = {
        "startedDateTime": (T0 + timedelta(seconds=at)).isoformat().replace("+00:00", "Z"),
        "time": 50,
        "request": {"method": method, "url": url, "httpVersion": "http/2.0",
                    "headers": [{"name": k, "value": v}
                                for k, v in (request_headers or {}).items()],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0",
                     "headers": [{"name": k, "value": v}
                                 for k, v in ({"content-type": mime}
                                              | (response_headers or {})).items()],
                     "cookies": [], "content": {"size": size, "mimeType": mime},
                     "redirectURL": redirect, "headersSize": -1, "bodySize": size},
        "cache": {},
        "timings": {"blocked": blocked, "dns": -1, "connect": -1, "ssl": -1, "send": 0.5,
                    "wait": wait, "receive": 2.0},
    }
    if error is not None:
        item["response"]["_error"] = error
    if resource_type is not None:
        item["_resourceType"] = resource_type
    if body is not None:
        item["response"]["content"]["text"] = body
    if post is not None:
        item["request"]["postData"] = {"mimeType": post[0], "text": post[1]}
    item.update(extra)
    return item


def har(*entries: dict[str, Any], creator: str = "WebInspector", **log: Any) -> bytes:
    document = {"log": {"version": "1.2", "creator": {"name": creator, "version": "1"},
                        "entries": list(entries), **log}}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def analyze(data: bytes, name: str = "case.har", **kwargs: Any):
    return run_analyzer(HttpAnalyzer(), data, name=name, kind=ArtifactKind.HAR, **kwargs)


def make_jwt(exp: datetime, seed: int = 5) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=").decode()

    signature = base64.urlsafe_b64encode(random.Random(seed).randbytes(48)).rstrip(b"=")
    return ".".join((part({"alg": "RS256"}), part({"sub": "u1", "exp": int(exp.timestamp())}),
                     signature.decode()))


def entry_numbers(finding) -> list[int]:
    return [e.locator.index for e in finding.evidence if isinstance(e.locator, EntryLocator)]


# --- the reader ------------------------------------------------------------------------------


# --- analyzing broken input never raises -----------------------------------------------------


def test_invalid_json_midway_keeps_the_entries_before_it():
    good = har(entry(status=502), entry(status=200))
    broken = good[: good.rindex(b"]")] + b", {oops}]}}"
    run = analyze(broken)
    assert run.stats["entries"] == 2
    assert run.rules() == {"http.server-errors"}
    assert any("HAR read stopped after 2 entries" in w for w in run.context.warnings)


@pytest.mark.parametrize("data", [
    b"", b"\xef\xbb\xbf", b"null", b'{"log": []}', b'{"log": {"entries": [1, "x", null]}}',
    b'{"log": {"entries": [{"request": 5, "response": [], "timings": "fast"}]}}',
    b"[" * 200_000,
])
def test_garbage_gives_warnings_and_serializable_stats(data):
    run = analyze(data)
    assert run.context.warnings
    orjson.dumps(run.stats)


def test_a_corrupt_compressed_member_is_a_warning():
    data = gzip.compress(har(*[entry(status=502, at=i) for i in range(50)]))[:-300]

    class TruncatedGzip:
        artifact = Artifact("case.har.gz", ArtifactKind.HAR, len(data), compression="gzip")

        def open(self):
            return gzip.GzipFile(fileobj=io.BytesIO(data))

    context = RecordingContext()
    items = list(HttpAnalyzer().analyze(TruncatedGzip(), context))
    assert isinstance(items[0], Stats)
    assert any("EOFError" in w for w in context.warnings)


def test_non_numeric_values_are_coerced_with_one_warning_per_field():
    run = analyze(har(entry(wait="812.5", blocked="n/a"), entry(wait="1200", at=1),
                      entry(wait=None, at=2)))
    waterfall = run.stats["waterfall"]
    assert [row["phases"]["wait"] for row in waterfall] == [812.5, 1200.0, None]
    [message] = [w for w in run.context.warnings if "coerced" in w]
    assert "timings.wait: 3 (first in entry 1)" in message
    assert "timings.blocked: 1 (first in entry 1)" in message


def test_huge_numbers_are_warned_about_not_fatal():
    data = har(entry()).replace(b'"wait": 40.0', b'"wait": 1e400')
    run = analyze(data)
    assert run.stats["waterfall"][0]["phases"]["wait"] is None
    assert any("coerced" in w for w in run.context.warnings)


def test_zoneless_times_and_charles_failures():
    first = entry("https://a.test/", 0, wait=-1, _charlesStatus="FAILED")
    first["startedDateTime"] = "2026-11-17T09:00:00.250"
    first["response"]["_charlesStatus"] = "CONNECTION_REFUSED"
    run = analyze(har(first, entry(at=1), creator="Charles Proxy"))
    assert run.stats["first_request"] == "2026-11-17T09:00:00.250000Z"
    assert any("without a time zone (read as UTC): 1" in w for w in run.context.warnings)
    [failed] = run.by_rule("http.failed-requests")
    assert failed.facts["reason"] == "connection refused"


def test_bom_and_missing_pages_and_pagerefs():
    run = analyze(b"\xef\xbb\xbf" + har(entry(), entry(at=1, status=503)))
    assert run.stats["entries"] == 2 and run.stats["pages"] == 0


def test_cancellation_is_honoured():
    with pytest.raises(Cancelled):
        analyze(har(*[entry(at=i) for i in range(600)]),
                context=RecordingContext(cancel_after_checks=1))


# --- stats -----------------------------------------------------------------------------------


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


def test_output_is_deterministic():
    data = har(*[entry(f"https://h{i % 3}.test/p/{i}", 200 + (i % 4) * 100, at=i)
                 for i in range(40)])
    first, second = analyze(data), analyze(data)
    assert orjson.dumps(first.stats) == orjson.dumps(second.stats)
    assert [f.to_json() for f in first.findings] == [f.to_json() for f in second.findings]
    assert [e.to_json() for e in first.events] == [e.to_json() for e in second.events]


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


# --- findings --------------------------------------------------------------------------------


def test_server_errors_grouped_by_host_and_path_with_time_span():
    entries = [entry("https://gw.test/api/orders/17/invoice", 502, at=10),
               entry("https://gw.test/api/orders/18/invoice", 504, at=40),
               entry("https://gw.test/api/orders", 200, at=41),
               entry("https://gw.test/api/orders/19/invoice", 502, at=70),
               entry("https://gw.test/api/cart", 500, at=80)]
    run = analyze(har(*entries))
    invoice, cart = run.by_rule("http.server-errors")
    assert invoice.facts["path"] == "/api/orders/{id}/invoice"
    assert invoice.count == 3 and entry_numbers(invoice) == [1, 2, 4]
    assert invoice.facts["statuses"] == {"502": 2, "504": 1}
    assert (invoice.first_seen, invoice.last_seen) == (T0 + timedelta(seconds=10),
                                                       T0 + timedelta(seconds=70))
    assert cart.count == 1 and entry_numbers(cart) == [5]
    assert invoice.remediation


def test_auth_bursts_are_called_out_and_other_4xx_grouped():
    entries = [entry(f"https://api.test/v1/r{i}", 401, at=i) for i in range(4)]
    entries += [entry("https://api.test/v1/admin", 403, at=5),
                entry("https://api.test/v1/items/12", 404, at=6)]
    run = analyze(har(*entries, creator="Firefox"))
    findings = {(f.facts.get("status"), f.facts.get("kind")): f
                for f in run.by_rule("http.client-errors")}
    burst = findings[(401, "authentication")]
    assert burst.severity is Severity.HIGH and burst.count == 4 and burst.facts["burst"]
    assert "Authentication burst" in burst.title
    assert findings[(403, "authorization")].severity is Severity.MEDIUM
    assert findings[(404, None)].severity is Severity.LOW


def test_chrome_export_without_cookies_is_not_read_as_none_sent():
    entries = [entry(f"https://api.test/v1/r{i}", 401, at=i) for i in range(3)]
    run = analyze(har(*entries))
    assert run.stats["credentials"]["omitted_by_exporter"] is True
    [finding] = run.by_rule("http.client-errors")
    assert finding.facts["credentials_omitted_by_exporter"]
    assert "cannot be told" in finding.detail
    with_cookie = [entry(request_headers={"cookie": "sid=" + "a" * 20}), *entries]
    assert analyze(har(*with_cookie)).stats["credentials"]["omitted_by_exporter"] \
        is False


def test_many_groups_are_capped_and_the_rest_counted():
    run = analyze(har(*[entry(f"https://a.test/page-{chr(97 + i // 26)}{chr(97 + i % 26)}",
                              404, at=i) for i in range(30)]))
    findings = run.by_rule("http.client-errors")
    assert len(findings) == 25
    assert findings[-1].facts["groups_not_shown"] == 5
    assert findings[-1].facts["requests_not_shown"] == 5


def test_failed_requests_grouped_by_reason():
    reasons = ["net::ERR_CONNECTION_REFUSED", "net::ERR_CONNECTION_REFUSED",
               "net::ERR_NAME_NOT_RESOLVED", "net::ERR_CERT_DATE_INVALID",
               "net::ERR_BLOCKED_BY_CLIENT", "net::ERR_ABORTED"]
    entries = [entry(f"https://h{i}.test/", 0, at=i, error=error, wait=-1)
               for i, error in enumerate(reasons)]
    entries.append(entry("https://ff.test/", 0, at=9, wait=-1))  # Firefox: no reason
    run = analyze(har(*entries))
    found = {f.facts["reason"]: f for f in run.by_rule("http.failed-requests")}
    assert set(found) == {"connection refused", "DNS lookup failed",
                          "certificate or TLS error",
                          "blocked (by the browser, an extension or a policy)",
                          "aborted (cancelled by the page or the user)", "no reason recorded"}
    assert found["connection refused"].count == 2 and entry_numbers(
        found["connection refused"]) == [1, 2]
    assert found["connection refused"].severity is Severity.HIGH
    assert found["aborted (cancelled by the page or the user)"].severity is Severity.LOW


def test_slow_responses_ranked_and_queueing_kept_apart():
    entries = [entry("https://slow.test/a", at=0, wait=2500.0),
               entry("https://slow.test/b", at=1, wait=8000.0),
               entry("https://slow.test/c", at=2, wait=30.0),
               entry("https://fast.test/d", at=3, wait=20.0, blocked=4000.0)]
    run = analyze(har(*entries))
    server, queueing = run.by_rule("http.slow-responses")
    assert server.facts["kind"] == "server" and server.facts["host"] == "slow.test"
    assert entry_numbers(server) == [2, 1] and server.facts["slowest_ms"] == 8000.0
    assert queueing.facts["kind"] == "queueing" and entry_numbers(queueing) == [4]


def test_redirect_loop_long_chain_and_downgrade():
    loop = [entry("https://a.test/login", 302, at=0, redirect="https://a.test/sso"),
            entry("https://a.test/sso", 302, at=1, redirect="/login"),
            entry("https://a.test/login", 302, at=2, redirect="https://a.test/sso"),
            entry("https://a.test/sso", 0, at=3, error="net::ERR_TOO_MANY_REDIRECTS")]
    chain = [entry(f"https://c.test/{i}", 301, at=10 + i, redirect=f"https://c.test/{i + 1}")
             for i in range(6)] + [entry("https://c.test/6", 200, at=20)]
    downgrade = [entry("https://d.test/", 302, at=30, redirect="http://d.test/plain"),
                 entry("http://d.test/plain", 200, at=31)]
    run = analyze(har(*loop, *chain, *downgrade))
    findings = {f.evidence[0].locator.index: f for f in run.by_rule("http.redirect-loop")}
    assert set(findings) == {1, 5, 12}
    assert findings[1].facts["loop"] and findings[1].severity is Severity.HIGH
    assert findings[5].facts["hops"] == 6 and not findings[5].facts["loop"]
    assert findings[12].facts["downgrade"]


def test_mixed_content_from_an_https_page():
    entries = [entry("https://shop.test/", resource_type="document", mime="text/html"),
               entry("http://cdn.test/lib.js", at=1, resource_type="script"),
               entry("https://cdn.test/ok.js", at=2, resource_type="script")]
    [finding] = analyze(har(*entries)).by_rule("http.mixed-content")
    assert entry_numbers(finding) == [2]
    plain_page = [entry("http://shop.test/", resource_type="document", mime="text/html"),
                  entry("http://cdn.test/lib.js", at=1, resource_type="script")]
    assert not analyze(har(*plain_page)).by_rule("http.mixed-content")


def test_cors_failures():
    origin = {"origin": "https://app.test"}
    entries = [
        entry("https://api.test/v1/x", 403, method="OPTIONS", resource_type="preflight",
              request_headers=origin | {"access-control-request-method": "PUT"}),
        entry("https://api.test/v1/y", 200, at=1, resource_type="fetch",
              request_headers=origin),
        entry("https://api.test/v1/z", 200, at=2, resource_type="fetch",
              request_headers=origin,
              response_headers={"access-control-allow-origin": "https://app.test"}),
        entry("https://app.test/same", 200, at=3, resource_type="fetch",
              request_headers=origin),
    ]
    found = {f.facts["problem"]: entry_numbers(f) for f in analyze(har(*entries)).by_rule(
        "http.cors-failure")}
    assert found == {"preflight answered 403": [1],
                     "response lacks Access-Control-Allow-Origin": [2]}


def test_large_payloads_and_uncompressed_text():
    entries = [entry("https://a.test/big.bin", size=6 * 1024 * 1024, mime="application/zip"),
               entry("https://a.test/data.json", at=1, size=300_000),
               entry("https://a.test/gz.json", at=2, size=300_000,
                     response_headers={"content-encoding": "gzip"}),
               entry("https://a.test/upload", at=3, method="POST",
                     post=("application/octet-stream", "x" * (5 * 1024 * 1024 + 1)))]
    found = {f.facts["problem"]: entry_numbers(f)
             for f in analyze(har(*entries)).by_rule("http.large-payload")}
    assert found == {"large response": [1], "uncompressed text": [2], "large request": [4]}


def test_static_assets_without_cache_headers():
    entries = [entry("https://s.test/app.js", resource_type="script"),
               entry("https://s.test/app.css", at=1, resource_type="stylesheet",
                     response_headers={"cache-control": "max-age=600"}),
               entry("https://s.test/logo.png", at=2, mime="image/png"),
               entry("https://s.test/api", at=3, resource_type="fetch")]
    [finding] = analyze(har(*entries)).by_rule("http.caching")
    assert entry_numbers(finding) == [1, 3] and finding.facts["host"] == "s.test"


def test_expired_bearer_token():
    expired = make_jwt(T0 - timedelta(minutes=5))
    valid = make_jwt(T0 + timedelta(hours=1), seed=6)
    entries = [entry(status=401, at=i, request_headers={"authorization": f"Bearer {expired}"})
               for i in range(3)]
    entries.append(entry(at=5, request_headers={"authorization": f"Bearer {valid}"}))
    run = analyze(har(*entries))
    [finding] = run.by_rule("http.expired-token")
    assert entry_numbers(finding) == [1, 2, 3] and finding.facts["rejected"] == 3
    assert finding.facts["expired_at"] == "2026-11-17T08:55:00Z"
    assert "5 min" in finding.detail


def test_credentials_are_found_and_never_printed():
    live = make_jwt(T0 + timedelta(hours=2))
    session = "s" + "9f3a" * 10
    api_key = "k" + "7Qx2" * 8
    password = "correct horse battery"
    entries = [
        entry(request_headers={"authorization": f"Bearer {live}", "cookie": f"sid={session}"}),
        entry(f"https://api.test/v1/x?api_key={api_key}&page=2", at=1),
        entry("https://login.test/session", at=2, method="POST",
              post=("application/json", orjson.dumps({"user": "a", "password": password})
                    .decode())),
    ]
    run = analyze(har(*entries))
    [finding] = run.by_rule("http.credentials-exposed")
    assert finding.severity is Severity.CRITICAL
    assert finding.facts["kinds"] == {"api-key": 1, "bearer-token": 1, "cookie": 1,
                                      "password": 1}
    assert finding.facts["entries"] == [1, 2, 3]
    assert any(s["valid_at_capture_end"] for s in finding.facts["secrets"])
    everything = orjson.dumps({"findings": [f.to_json() for f in run.findings],
                               "events": [e.to_json() for e in run.events],
                               "stats": run.stats, "warnings": run.context.warnings})
    for secret in (live, session, api_key, password):
        assert secret.encode() not in everything
    assert b"api_key=k7Qx" in everything  # the URL is kept, its secret masked


def test_a_token_in_a_failing_path_is_masked_in_titles_and_facts():
    token = make_jwt(T0 + timedelta(days=1))
    run = analyze(har(entry(f"https://a.test/reset/{token}/confirm", 500),
                      entry(f"https://a.test/reset/{token}/confirm", 500, at=1)))
    [finding] = run.by_rule("http.server-errors")
    assert finding.count == 2 and finding.facts["path"].startswith("/reset/eyJh…[")
    assert token.encode() not in orjson.dumps([f.to_json() for f in run.findings])


# --- real exports ----------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.har")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_exports_read_cleanly_and_match_their_json(path):
    data = path.read_bytes()
    document = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    entries = document["log"]["entries"]
    run = analyze(data, name=path.name)
    http = run.stats
    assert run.context.warnings == []
    assert http["entries"] == len(entries) == len(http["waterfall"])
    expected: dict[str, int] = {}
    for item in entries:
        expected[str(item["response"]["status"])] = expected.get(
            str(item["response"]["status"]), 0) + 1
    assert http["status"] == dict(sorted(expected.items(), key=lambda kv: int(kv[0])))
    assert http["creator"] == document["log"]["creator"]["name"]
    assert http["pages"] == len(document["log"].get("pages") or [])


@pytest.mark.corpus
def test_corpus_chrome_failure_reason_and_bom_twin():
    if not corpus_files():
        pytest.skip("corpus absent")
    chrome = analyze((CORPUS / "chrome.har").read_bytes())
    entries = orjson.loads((CORPUS / "chrome.har").read_bytes())["log"]["entries"]
    failed = [i for i, e in enumerate(entries, 1) if e["response"]["status"] == 0]
    [finding] = chrome.by_rule("http.failed-requests")
    assert entry_numbers(finding) == failed
    assert entries[failed[0] - 1]["response"]["_error"] in finding.evidence[0].excerpt
    with_bom = analyze((CORPUS / "with-bom.har").read_bytes())
    plain = analyze((CORPUS / "postdata.har").read_bytes())
    assert with_bom.stats["status"] == plain.stats["status"]
    assert with_bom.stats["credentials"]["omitted_by_exporter"]


# --- the training scenarios ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gateway_502", "expired_token_401"])
def test_scenario_answer_keys_hold(name):
    scenario = importlib.import_module(f"inspector.training.scenarios.{name}").SCENARIO
    built = scenario.build(scenario.rng())
    assert built.files == scenario.build(scenario.rng()).files  # byte-for-byte repeatable
    fired: set[str] = set()
    runs = {}
    for path, data in built.files.items():
        if path.endswith(".har"):
            runs[path] = analyze(data, name=path)
            assert runs[path].context.warnings == []
            fired |= runs[path].rules()
    assert set(built.rules) <= fired
    for evidence in built.evidence:
        assert evidence["artifact"] in built.files
        if evidence["locator"]["kind"] == "entry":
            assert 1 <= evidence["locator"]["index"] <= runs[evidence["artifact"]].stats[
                "entries"]


def test_gateway_scenario_blames_one_path_only():
    scenario = importlib.import_module("inspector.training.scenarios.gateway_502").SCENARIO
    built = scenario.build(scenario.rng())
    run = analyze(built.files["browser/shop-orders.har"])
    [server] = run.by_rule("http.server-errors")
    assert server.facts["path"] == "/api/v2/orders/{id}/invoice"
    assert set(server.facts["statuses"]) == {"502", "504"}
    assert built.evidence[0]["locator"]["index"] == entry_numbers(server)[0]


def test_expired_token_scenario_catches_the_live_token_masked():
    module = importlib.import_module("inspector.training.scenarios.expired_token_401")
    built = module.SCENARIO.build(module.SCENARIO.rng())
    data = built.files["browser/portal.har"]
    run = analyze(data)
    [exposed] = run.by_rule("http.credentials-exposed")
    assert exposed.severity is Severity.CRITICAL
    live = [s for s in exposed.facts["secrets"] if s["valid_at_capture_end"]]
    assert live and live[0]["where"] == "URL"
    document = orjson.loads(data)
    url = document["log"]["entries"][2]["request"]["url"]
    token = url.split("access_token=")[1]
    assert token.encode() not in orjson.dumps([f.to_json() for f in run.findings])
    [expired] = run.by_rule("http.expired-token")
    assert entry_numbers(expired)[0] == built.evidence[0]["locator"]["index"]


def test_path_template_groups_ids_only():
    assert path_template("/api/v2/orders/10432/invoice") == "/api/v2/orders/{id}/invoice"
    assert path_template("/api/v2/orders") == "/api/v2/orders"
    assert path_template("/static/app.4f9c1e.js") == "/static/app.4f9c1e.js"
