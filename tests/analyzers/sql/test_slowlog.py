"""Slow-query logs split and digested as pt-query-digest does it."""

from __future__ import annotations

import io
import json

import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from analyzers.sql.fingerprint import query_id
from analyzers.sql.slowlog import digest_slow_log, parse_slow_log
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer
from tests.analyzers.sql.material import corpus


def test_slow_log_with_garbled_numbers_keeps_its_events() -> None:
    log = ("# Time: 2026-11-17T09:14:01.000000Z\n# User@Host: app[app] @  [10.0.0.5]  Id: 12\n"
           "# Query_time: 2.5  Lock_time: 0.0  Rows_sent: 1  Rows_examined: inf\n"
           "SET timestamp=1\u00b3794907663;\nSELECT * FROM orders WHERE id = 7;\n"
           "# Time: 2026-11-17T09:14:02.000000Z\n# User@Host: app[app] @  [10.0.0.5]  Id: 12\n"
           "# Query_time: 1.5  Lock_time: 0.0  Rows_sent: 1  Rows_examined: 1e999\n"
           "SET timestamp=1794907664;\nSELECT * FROM orders WHERE id = 8;\n").encode()
    run = run_analyzer(SqlAnalyzer(), log, name="slow.log", kind=ArtifactKind.MYSQL_SLOW_LOG)
    (query,) = run.stats["queries"]
    assert query["count"] == 2 and query["rows_examined"]["total"] == 0


@pytest.mark.corpus
def test_slow_logs_match_pt_query_digest_reference() -> None:
    logs = corpus("slowlog")
    references = corpus("reference/pt-query-digest")
    agreement = []
    for log in sorted(logs.glob("slow*.txt")):
        text = (references / f"{log.stem}.json").read_text()
        # Sums, minima and maxima are exact in pt-query-digest's report (its medians and 95th
        # percentiles come from log-scale buckets, an approximation not worth copying).
        expected = {c["checksum"]: (c["query_count"], c["fingerprint"], _reported(c["metrics"]))
                    for c in (json.loads(text)["classes"] if text.strip() else [])}
        classes, _, _ = digest_slow_log(parse_slow_log(io.BytesIO(log.read_bytes())))
        got = {query_id(key): (value.count, key, _ours(value)) for key, value in classes.items()}
        agreement.append((log.name, got == expected, got, expected))
    assert agreement, "no slow logs in the corpus"
    disagreements = [(name, got, expected) for name, same, got, expected in agreement
                     if not same]
    assert not disagreements


def _reported(metrics: dict) -> tuple:
    """The exact figures of one class in pt-query-digest's JSON, rounded as it prints them."""
    def figure(name: str, stat: str) -> float:
        return round(float(metrics.get(name, {}).get(stat, 0)), 6)
    return (figure("Query_time", "sum"), figure("Query_time", "min"),
            figure("Query_time", "max"), figure("Lock_time", "sum"), figure("Lock_time", "max"),
            figure("Rows_examined", "sum"), figure("Rows_examined", "max"),
            figure("Rows_sent", "sum"), figure("Rows_sent", "max"))


def _ours(query_class) -> tuple:
    times = query_class.query_times
    return (round(sum(times), 6), round(min(times), 6), round(max(times), 6),
            round(query_class.lock_time_total, 6), round(query_class.lock_time_max, 6),
            query_class.rows_examined_total, query_class.rows_examined_max,
            query_class.rows_sent_total, query_class.rows_sent_max)
