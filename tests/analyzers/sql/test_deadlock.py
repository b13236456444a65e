"""InnoDB deadlock reports in MySQL error logs and status output."""

from __future__ import annotations

from analyzers.sql.analyzer import SqlAnalyzer
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer
from inspector.training.scenarios import deadlock
from tests.analyzers.sql.material import analyze_files

INNODB_STATUS = """2026-11-17T09:14:01.123456Z 0 [Note] [MY-010000] [Server] starting
2026-11-17T09:14:02.000000Z 9 [ERROR] [MY-010000] [Server] Too many connections
2026-11-17T09:14:03.000000Z 9 [Warning] [MY-010055] [Server] Access denied for user 'x'@'h'
------------------------
LATEST DETECTED DEADLOCK
------------------------
2026-11-17 09:14:05 0x7f
*** (1) TRANSACTION:
TRANSACTION 5001, ACTIVE 1 sec starting index read
MySQL thread id 11, OS thread handle 1, query id 99 10.0.0.2 app updating
UPDATE stock SET n = n - 1 WHERE id = 1
*** (1) HOLDS THE LOCK(S):
RECORD LOCKS space id 2 page no 4 n bits 72 index PRIMARY of table `shop`.`stock` trx id 5001 \
lock_mode X locks rec but not gap
*** (1) WAITING FOR THIS LOCK TO BE GRANTED:
RECORD LOCKS space id 2 page no 4 n bits 72 index PRIMARY of table `shop`.`stock` trx id 5001 \
lock_mode X locks rec but not gap waiting
*** (2) TRANSACTION:
TRANSACTION 5002, ACTIVE 1 sec starting index read
UPDATE stock SET n = n - 1 WHERE id = 2
*** (2) HOLDS THE LOCK(S):
RECORD LOCKS space id 2 page no 4 n bits 72 index PRIMARY of table `shop`.`stock` trx id 5002 \
lock_mode X locks rec but not gap
*** WE ROLL BACK TRANSACTION (2)
"""


def test_mysql_error_log_with_innodb_deadlock() -> None:
    run = run_analyzer(SqlAnalyzer(), INNODB_STATUS.encode(), name="mysqld.err",
                       kind=ArtifactKind.LOG)
    [dead] = run.by_rule("sql.deadlock")
    assert dead.facts["victim"] == "2"
    assert dead.facts["transactions"]["1"]["statement"].startswith("UPDATE stock")
    assert dead.facts["transactions"]["1"]["locks_waited"]
    assert run.by_rule("sql.connection-exhausted") and run.by_rule("sql.authentication-failed")


def test_deadlock_scenario() -> None:
    scenario = deadlock.SCENARIO
    built = scenario.build(scenario.rng())
    findings, _ = analyze_files(built.files)
    assert {rule for rule in built.rules if rule.startswith("sql.")} <= {f.rule for f in findings}
    [dead] = [f for f in findings if f.rule == "sql.deadlock"]
    key_line = built.evidence[0]["locator"]["line"]
    assert dead.evidence[0].locator.line == key_line
    assert b"retry" in built.files["app/orders.log"]
