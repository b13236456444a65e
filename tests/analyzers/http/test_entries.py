"""Entries normalized: lenient numbers and times, failure reasons, path templates."""

from __future__ import annotations

import pytest

from analyzers.http.entries import (
    Coercions,
    har_number,
    headers_by_name,
    json_object,
    name_value_pairs,
    path_template,
)
from tests.analyzers.http.hars import analyze, entry, har


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


def test_path_template_groups_ids_only():
    assert path_template("/api/v2/orders/10432/invoice") == "/api/v2/orders/{id}/invoice"
    assert path_template("/api/v2/orders") == "/api/v2/orders"
    assert path_template("/static/app.4f9c1e.js") == "/static/app.4f9c1e.js"


@pytest.mark.parametrize(("value", "number", "coerced"), [
    (12, 12.0, False), (0, 0.0, False), (-1, None, False), ("812.5", 812.5, True),
    ("n/a", None, True), (None, None, True), (float("inf"), None, True), ([], None, True),
])
def test_har_number_reads_leniently_and_counts_what_it_coerced(value, number, coerced):
    coercions = Coercions()
    assert har_number(value, "time", 3, coercions) == number
    assert (coercions.message() is not None) is coerced


def test_name_value_lists_and_headers_take_what_exporters_write():
    pairs = name_value_pairs([{"name": "Accept", "value": "*/*"}, {"name": "X-N", "value": 5},
                              {"name": "X-Empty", "value": None}, {"value": "no name"}, "junk"])
    assert pairs == [("Accept", "*/*"), ("X-N", "5"), ("X-Empty", "")]
    assert headers_by_name([("Accept", "a"), ("ACCEPT", "b")]) == {"accept": "a"}
    assert name_value_pairs({"name": "Accept"}) == [] and json_object([1]) == {}
