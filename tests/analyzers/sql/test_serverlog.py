"""PostgreSQL stderr and csv logs, and their findings."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer
from tests.analyzers.sql.material import corpus
from tests.growth import assert_linear

PG_LOG = """2026-11-17 09:14:01.100 UTC [4242] app@shop ERROR:  deadlock detected
2026-11-17 09:14:01.100 UTC [4242] app@shop DETAIL:  Process 4242 waits for ShareLock on \
transaction 9; blocked by process 4317.
\tProcess 4317 waits for ShareLock on transaction 8; blocked by process 4242.
\tProcess 4242: UPDATE stock SET n = n - 1 WHERE id = 2
\tProcess 4317: UPDATE stock SET n = n - 1 WHERE id = 1
2026-11-17 09:14:01.100 UTC [4242] app@shop STATEMENT:  UPDATE stock SET n = n - 1 WHERE id = 2
2026-11-17 09:14:02.000 UTC [4300] app@shop FATAL:  sorry, too many clients already
2026-11-17 09:14:03.000 UTC [4301] app@shop FATAL:  sorry, too many clients already
2026-11-17 10:14:03.000 CET [4302] bob@shop FATAL:  password authentication failed for user "bob"
2026-11-17 09:14:05.000 UTC [4303] app@shop ERROR:  canceling statement due to lock timeout
2026-11-17 09:14:06.000 UTC [4304] app@shop ERROR:  relation "missing_table" does not exist at \
character 15
2026-11-17 09:14:07.000 UTC [4305] app@shop LOG:  duration: 2500.000 ms  statement: SELECT * \
FROM stock WHERE name = 'x'
"""


def test_postgres_stderr_log_findings() -> None:
    data = PG_LOG.encode()
    run = run_analyzer(SqlAnalyzer(), data, name="postgresql.log")
    assert {"sql.deadlock", "sql.connection-exhausted", "sql.authentication-failed",
            "sql.lock-timeout", "sql.errors", "sql.slow-query"} <= run.rules()
    [dead] = run.by_rule("sql.deadlock")
    assert dead.facts["processes"] == ["4242", "4317"]
    assert len(dead.facts["waits"]) == 2 and dead.evidence[0].locator.end_line == 6
    assert "UPDATE stock" in dead.facts["victim_statement"]
    [connections] = run.by_rule("sql.connection-exhausted")
    assert connections.count == 2
    [auth] = run.by_rule("sql.authentication-failed")
    assert auth.first_seen.hour == 9  # 10:14 CET is 09:14 UTC
    assert run.stats["queries"][0]["query_time"]["total"] == pytest.approx(2.5)
    assert all(event.time.tzinfo is not None for event in run.events)


def test_postgres_csvlog() -> None:
    row = ('2026-11-17 09:14:01.100 UTC,"app","shop",4242,"10.0.0.1:5000",6009.5ce,1,"UPDATE",'
           '2026-11-17 09:00:00 UTC,3/7,0,ERROR,40P01,"deadlock detected","Process 4242 waits '
           'for ShareLock on transaction 9; blocked by process 4317.\nProcess 4317 waits for '
           'ShareLock on transaction 8; blocked by process 4242.",,,,,"UPDATE t SET a=1",,,'
           '"psql"\n')
    data = (row + row.replace("09:14:01", "09:15:01")).encode()
    run = run_analyzer(SqlAnalyzer(), data, name="postgresql.csv", kind=ArtifactKind.LOG)
    assert len(run.by_rule("sql.deadlock")) == 2
    assert run.stats["errors"] == {"40P01": 2}


# An entry of a stderr log starts with a time and a message severity after its prefix, which
# the parser must find whatever log_line_prefix wrote; DETAIL, HINT and the like continue it.
_PG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S* \S+.*?\b(LOG|ERROR|FATAL|PANIC|WARNING|"
                      r"NOTICE|INFO|DEBUG\d?|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION): ")
_PG_CONTINUATIONS = {"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"}
_DURATION = re.compile(r"duration: ([\d.]+) ms")


def _independent_count(text: str) -> tuple[Counter[str], float]:
    """Entries by severity and the total of their ``duration:`` times in seconds, read with
    the csv module (csvlog) or one regular expression (stderr), not with the parser."""
    if text.startswith(tuple("0123456789")) and text.split("\n", 1)[0].count(",") > 10:
        rows = [row for row in csv.reader(io.StringIO(text)) if row]
        messages = [(row[11], row[13]) for row in rows]
    else:
        matches = [_PG_LINE.match(line) for line in text.splitlines()]
        messages = [(m.group(1), m.string[m.end():]) for m in matches
                    if m and m.group(1) not in _PG_CONTINUATIONS]
    durations = [float(d.group(1)) for _, message in messages
                 if (d := _DURATION.match(message.lstrip()))]
    return Counter(severity for severity, _ in messages), sum(durations) / 1000


@pytest.mark.corpus
def test_real_postgres_logs_parse_without_warnings() -> None:
    for log in sorted(corpus("pglog").glob("*.log")):
        run = run_analyzer(SqlAnalyzer(), log.read_bytes(), name=log.name,
                           kind=ArtifactKind.POSTGRES_LOG)
        levels, query_seconds = _independent_count(log.read_text())
        assert run.stats["entries"] == levels.total() and run.stats["levels"] == levels, log.name
        timed = sum(query["query_time"]["total"] for query in run.stats["queries"])
        assert timed == pytest.approx(query_seconds, abs=1e-6), log.name
        assert not run.context.warnings, (log.name, run.context.warnings)
    multiline = corpus("pglog") / "multiline_param.log"
    run = run_analyzer(SqlAnalyzer(), multiline.read_bytes(), name=multiline.name,
                       kind=ArtifactKind.POSTGRES_LOG)
    assert run.stats["queries"][0]["count"] >= 1


def test_crafted_long_lines_do_not_backtrack() -> None:
    def crafted(n: int) -> bytes:
        return ("2026-11-17 09:00:00 UTC " + "LOG" * n + " (" * n).encode()

    def read(line: bytes) -> object:
        return run_analyzer(SqlAnalyzer(), line, name="pg.log", kind=ArtifactKind.POSTGRES_LOG)

    assert read(crafted(20_000)).stats["entries"] == 0  # no severity: no entry
    assert_linear(read, crafted, 5_000)


def test_error_titles_show_a_real_message_and_say_when_others_differ() -> None:
    lines = [f"2026-11-17 09:14:0{n}.000 UTC [43{n}] app@shop FATAL:  unrecognized "
             f'configuration parameter "{name}"' for n, name in enumerate(
                 ("work_mem_x", "work_mem_x", "statement_timeot"))]
    run = run_analyzer(SqlAnalyzer(), ("\n".join(lines) + "\n").encode(),
                       name="postgresql.log")
    [errors] = run.by_rule("sql.errors")
    assert "?" not in errors.title
    assert errors.title == '3 × unrecognized configuration parameter "work_mem_x" ' \
        "(and 1 similar)"


@pytest.mark.corpus
def test_real_postgres_error_titles_never_show_placeholders() -> None:
    for log in sorted(corpus("pglog").glob("*.log")):
        run = run_analyzer(SqlAnalyzer(), log.read_bytes(), name=log.name,
                           kind=ArtifactKind.POSTGRES_LOG)
        for finding in run.by_rule("sql.errors"):
            assert " ? " not in f" {finding.title} " and "?:" not in finding.title, finding.title
