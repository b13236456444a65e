"""Expired bearer tokens, and the credentials a HAR exposes."""

from __future__ import annotations

import importlib
from datetime import timedelta

import orjson

from inspector.model import Severity
from tests.analyzers.http.hars import T0, analyze, entry, entry_numbers, har, make_jwt


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
