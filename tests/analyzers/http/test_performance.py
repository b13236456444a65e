"""Slow responses and browser queues, large payloads, static assets without caching."""

from __future__ import annotations

from tests.analyzers.http.hars import analyze, entry, entry_numbers, har


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
