"""The per-entry CORS, payload and caching verdicts."""

from __future__ import annotations

import pytest

from analyzers.http.entry_checks import (
    LARGE_BYTES,
    UNCOMPRESSED_TEXT_BYTES,
    cors_problem,
    payload_problem,
    uncached_static,
)

ORIGIN = {"origin": "https://app.test"}
PREFLIGHT = ORIGIN | {"access-control-request-method": "PUT"}


@pytest.mark.parametrize(("method", "status", "sent", "answered", "resource_type", "problem"), [
    ("GET", 200, ORIGIN, {}, "fetch", "response lacks Access-Control-Allow-Origin"),
    ("GET", 200, ORIGIN, {"access-control-allow-origin": "*"}, "fetch", None),
    ("GET", 200, ORIGIN, {"access-control-allow-origin": "https://other.test"}, "xhr",
     "Access-Control-Allow-Origin names another origin"),
    ("GET", 200, ORIGIN, {}, "image", None),
    ("GET", 0, ORIGIN, {}, "fetch", None),
    ("GET", 200, {"origin": "https://api.test"}, {}, "fetch", None),
    ("GET", 200, {}, {}, "fetch", None),
    ("OPTIONS", 0, PREFLIGHT, {}, "preflight", "preflight got no response"),
    ("OPTIONS", 403, PREFLIGHT, {}, "preflight", "preflight answered 403"),
    ("OPTIONS", 204, PREFLIGHT, {"access-control-allow-origin": "https://app.test",
                                 "access-control-allow-methods": "GET, POST"}, "preflight",
     "preflight does not allow method PUT"),
    ("OPTIONS", 204, PREFLIGHT, {"access-control-allow-origin": "https://app.test",
                                 "access-control-allow-methods": "*"}, "preflight", None),
])
def test_cors_problem(method, status, sent, answered, resource_type, problem):
    assert cors_problem(method, "https://api.test/v1/x", status, sent, answered,
                        resource_type) == problem


@pytest.mark.parametrize(("sent", "size", "mime", "answered", "status", "cached", "problem"), [
    ({"bodySize": LARGE_BYTES}, 0, "", {}, 200, False, "large request"),
    ({"postData": {"text": "x" * LARGE_BYTES}}, 0, "", {}, 0, True, "large request"),
    ({}, LARGE_BYTES, "application/zip", {}, 200, False, "large response"),
    ({}, LARGE_BYTES, "application/zip", {}, 200, True, None),
    ({}, UNCOMPRESSED_TEXT_BYTES, "text/html; charset=utf-8", {}, 200, False,
     "uncompressed text"),
    ({}, UNCOMPRESSED_TEXT_BYTES, "application/vnd.api+json",
     {"content-encoding": "identity"}, 200, False, "uncompressed text"),
    ({}, UNCOMPRESSED_TEXT_BYTES, "text/html", {"content-encoding": "br"}, 200, False, None),
    ({}, UNCOMPRESSED_TEXT_BYTES, "image/png", {}, 200, False, None),
])
def test_payload_problem(sent, size, mime, answered, status, cached, problem):
    assert payload_problem(sent, size, mime, answered, status, cached) == problem


@pytest.mark.parametrize(("status", "cached", "resource_type", "mime", "path", "answered",
                          "uncached"), [
    (200, False, "script", "text/javascript", "/app.js", {}, True),
    (200, False, "script", "text/javascript", "/app.js", {"cache-control": "no-cache"}, False),
    (200, False, "stylesheet", "text/css", "/app.css", {"expires": "0"}, False),
    (304, False, "script", "text/javascript", "/app.js", {}, False),
    (200, True, "image", "image/png", "/logo.png", {}, False),
    (200, False, "", "application/octet-stream", "/fonts/a.woff2", {}, True),
    (200, False, "", "image/webp", "/img", {}, True),
    (200, False, "", "application/json", "/api/items", {}, False),
    (200, False, "fetch", "application/json", "/api/app.js", {}, False),
])
def test_uncached_static(status, cached, resource_type, mime, path, answered, uncached):
    assert uncached_static(status, cached, resource_type, mime, path, answered) is uncached


@pytest.mark.parametrize(("url", "status", "sent", "resource_type"), [
    ("https://api.test/socket", 101, ORIGIN | {"upgrade": "websocket"}, "websocket"),
    ("wss://api.test/socket", 101, ORIGIN, ""),
    ("https://api.test/socket", 101, ORIGIN, "other"),
])
def test_a_websocket_upgrade_is_no_cors_request(url, status, sent, resource_type):
    """Browsers send Origin with the upgrade but never ask for Access-Control-* headers:
    101 without them is a working WebSocket, not a CORS failure."""
    assert cors_problem("GET", url, status, sent, {}, resource_type) is None
