"""Server errors, client errors and failed requests."""

from __future__ import annotations

import importlib
from datetime import timedelta

from inspector.model import Severity
from tests.analyzers.http.hars import T0, analyze, entry, entry_numbers, har


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
                          "certificate or TLS error", "no reason recorded"}
    assert found["connection refused"].count == 2 and entry_numbers(
        found["connection refused"]) == [1, 2]
    assert found["connection refused"].severity is Severity.HIGH


def test_what_the_users_browser_chose_is_context_and_a_policy_block_a_failure():
    reasons = ["net::ERR_BLOCKED_BY_CLIENT", "net::ERR_ABORTED", "net::ERR_BLOCKED_BY_RESPONSE"]
    entries = [entry(f"https://h{i}.test/", 0, at=i, error=error, wait=-1)
               for i, error in enumerate(reasons)]
    run = analyze(har(*entries))
    [policy] = run.by_rule("http.failed-requests")
    assert policy.facts["reason"] == "blocked (by the browser, an extension or a policy)"
    assert policy.severity is Severity.LOW and entry_numbers(policy) == [3]
    on_timeline = {event.locator.index: event.severity for event in run.events}
    assert on_timeline == {1: Severity.INFO, 2: Severity.INFO, 3: Severity.MEDIUM}


def test_a_browser_probing_for_its_icon_is_no_client_error():
    entries = [entry("https://shop.test/favicon.ico", 404, at=1),
               entry("https://shop.test/apple-touch-icon-precomposed.png", 404, at=2),
               entry("https://shop.test/api/items/favicon.ico", 404, at=3),
               entry("https://shop.test/favicon.ico", 403, at=4)]
    run = analyze(har(*entries))
    blamed = sorted(number for finding in run.by_rule("http.client-errors")
                    for number in entry_numbers(finding))
    assert blamed == [3, 4]


def test_gateway_scenario_blames_one_path_only():
    scenario = importlib.import_module("inspector.training.scenarios.gateway_502").SCENARIO
    built = scenario.build(scenario.rng())
    run = analyze(built.files["browser/shop-orders.har"])
    [server] = run.by_rule("http.server-errors")
    assert server.facts["path"] == "/api/v2/orders/{id}/invoice"
    assert set(server.facts["statuses"]) == {"502", "504"}
    assert built.evidence[0]["locator"]["index"] == entry_numbers(server)[0]
