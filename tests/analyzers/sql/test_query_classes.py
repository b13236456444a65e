"""Query classes: their figures, their ranking, and the slow-query and full-scan findings."""

from __future__ import annotations

import random

import orjson
import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from analyzers.sql.fingerprint import query_id
from inspector.bundle.sniff import sniff
from inspector.model import ArtifactKind, Severity
from inspector.testing import run_analyzer
from tests.analyzers.sql.material import corpus


@pytest.mark.corpus
def test_slow_log_analyzer_reports_classes_with_ids() -> None:
    log = corpus("slowlog") / "slow002.txt"
    run = run_analyzer(SqlAnalyzer(), log.read_bytes(), name="slow002.txt",
                       kind=ArtifactKind.MYSQL_SLOW_LOG)
    ids = {q["id"]: q for q in run.stats["queries"]}
    update = ids["45FE45AEC222350466825DDC008FFA89"]
    assert update["count"] == 1 and update["rows_examined"]["total"] == 62951
    assert update["query_time"]["max"] == pytest.approx(0.726052)
    assert run.stats["queries"][0]["id"] == "45FE45AEC222350466825DDC008FFA89"  # ranked by time
    assert "sql.full-scan" in run.rules()
    orjson.dumps(run.stats)


def _generated_slow_log(rng: random.Random, events: int) -> bytes:
    lines = []
    for number in range(events):
        user = rng.randint(1, 500)
        lines += [f"# Time: 2026-11-17T09:{number // 60 % 60:02d}:{number % 60:02d}.000000Z",
                  "# User@Host: app[app] @  [10.0.0.5]  Id:    12",
                  f"# Query_time: {rng.uniform(0.5, 3):.6f}  Lock_time: 0.000010  "
                  f"Rows_sent: 1  Rows_examined: {rng.randint(50_000, 90_000)}",
                  f"SET timestamp={1_794_906_000 + number};",
                  f"SELECT * FROM users WHERE email = 'user{user}@example.com';"]
    return ("\n".join(lines) + "\n").encode()


def test_generated_slow_log_groups_one_class_with_time_window() -> None:
    data = _generated_slow_log(random.Random(5), 200)
    assert sniff(data[:65536], "slow.log") is ArtifactKind.MYSQL_SLOW_LOG
    run = run_analyzer(SqlAnalyzer(), data, name="slow.log")
    [query] = run.stats["queries"]
    assert query["count"] == 200
    assert query["fingerprint"] == "select * from users where email = ?"
    assert query["first_seen"] == "2026-11-17T09:00:00Z"
    assert query["query_time"]["p95"] <= query["query_time"]["max"]
    [slow] = run.by_rule("sql.slow-query")
    assert slow.facts["query_id"] == query_id(query["fingerprint"]) and slow.count == 200


@pytest.mark.corpus
def test_millisecond_query_classes_are_not_raised_as_slow() -> None:
    # PostgreSQL logs that record every statement: their costliest classes can be
    # milliseconds long, and severity follows what users wait for.
    severities = []
    for log in sorted(corpus("pglog").glob("*.log")):
        run = run_analyzer(SqlAnalyzer(), log.read_bytes(), name=log.name,
                           kind=ArtifactKind.POSTGRES_LOG)
        for finding in run.by_rule("sql.slow-query"):
            severities.append(finding.severity)
            if finding.facts["max_time"] < 0.1 and finding.facts["total_time"] < 1:
                assert finding.severity is Severity.INFO, finding.title
            if finding.facts["max_time"] >= 1:
                assert finding.severity >= Severity.MEDIUM, finding.title
    assert Severity.INFO in severities and Severity.MEDIUM in severities
