"""Redirect chains, mixed content and CORS failures."""

from __future__ import annotations

from inspector.model import Severity
from tests.analyzers.http.hars import analyze, entry, entry_numbers, har


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


def test_websocket_upgrades_are_not_cors_failures():
    """A HAR's WebSocket upgrades: status 101, Origin of the page, no Access-Control-*
    headers (a WebSocket never has them); a real CORS failure beside them still counts."""
    upgrade = {"origin": "https://app.test", "upgrade": "websocket", "connection": "Upgrade",
               "sec-websocket-version": "13"}
    entries = [entry("https://push.test/socket", 101, at=n, request_headers=upgrade,
                     response_headers={"upgrade": "websocket"}, size=0)
               for n in range(3)]
    entries.append(entry("https://api.test/v1/items", 200, at=4, resource_type="fetch",
                         request_headers={"origin": "https://app.test"}))
    run = analyze(har(*entries, creator="Firefox"))
    [cors] = run.by_rule("http.cors-failure")
    assert entry_numbers(cors) == [4]
