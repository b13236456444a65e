"""Tests for analyzers/sql.py: pt-query-digest conformance, schema, server logs, samples."""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from analyzers.sql import (
    SqlAnalyzer,
    SqlCrossAnalyzer,
    digest_slow_log,
    fingerprint,
    parse_slow_log,
    query_id,
)
from inspector.bundle.sniff import sniff
from inspector.model import Artifact, ArtifactKind
from inspector.plugins import ArtifactResults
from inspector.testing import RecordingContext, run_analyzer
from inspector.training.scenarios import deadlock, slow_query_missing_index
from tests.corpus import CORPUS


def corpus(folder: str) -> Path:
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"corpus folder {folder} absent")
    return path


# --- fingerprints and pt-query-digest conformance -------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * FROM t WHERE id IN (1, 2, 3) LIMIT 5", "select * from t where id in(?+) limit ?"),
    ("INSERT INTO t VALUES (1,'a'),(2,'b')", "insert into t values(?+)"),
    ("select a from t where b = NULL and c = TRUE", "select a from t where b = ? and c = ?"),
    ("SELECT 1 FROM t ORDER BY a ASC, b ASC", "select ? from t order by a, b"),
    ("select 1 union select 1 union all select 1", "select ? /*repeat union all*/"),
    ("SELECT * FROM t LIMIT 10, 20", "select * from t limit ?"),
    ("use `shop`", "use ?"),
    ("CALL proc(1, 2)", "call proc"),
    ("SELECT /* comment */ a -- trailing\nFROM t", "select a from t"),
])
def test_fingerprint_follows_pt_query_digest_rules(query: str, expected: str) -> None:
    assert fingerprint(query) == expected


def test_fingerprint_of_text_beyond_latin_1_lowers_only_ascii() -> None:
    # A PostgreSQL log with Japanese table names, and a statement whose bytes were not
    # UTF-8 (read with U+FFFD): the fingerprint crashed on both (found by mutation).
    assert fingerprint("SELECT * FROM 注文 WHERE 顧客 = 'Ä'") == "select * from 注文 where 顧客 = ?"
    assert fingerprint("SELECT \ufffd FROM T WHERE ID = 5") == "select \ufffd from t where id = ?"
    line = ("2026-11-17 09:14:0{n}.000 UTC [4305] app@shop LOG:  duration: 2500.000 ms  "
            "statement: SELECT * FROM {table} WHERE id = {n}\n")
    log = (line.format(n=5, table="注文") + line.format(n=6, table="orders")).encode() \
        + line.format(n=7, table="\0").encode().replace(b"\0", b"\xff\xfe")
    run = run_analyzer(SqlAnalyzer(), log, name="postgresql.log")
    queries = run.stats["queries"]
    assert [q["fingerprint"] for q in queries] == [
        "select * from orders where id = ?", "select * from 注文 where id = ?",
        "select * from \ufffd\ufffd where id = ?"]
    assert len({q["id"] for q in queries}) == 3  # no two names collapse to "??"


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


def test_union_collapse_stays_fast_on_long_queries() -> None:
    query = "select a from t " + " union select b from u" * 3000
    assert fingerprint(query).startswith("select a from t union select b from u")


@pytest.mark.corpus
def test_slow_logs_match_pt_query_digest_reference() -> None:
    logs = corpus("slowlog")
    references = corpus("reference/pt-query-digest")
    agreement = []
    for log in sorted(logs.glob("slow*.txt")):
        text = (references / f"{log.stem}.json").read_text()
        expected = {c["checksum"]: (c["query_count"], c["fingerprint"])
                    for c in (json.loads(text)["classes"] if text.strip() else [])}
        classes, _, _ = digest_slow_log(parse_slow_log(io.BytesIO(log.read_bytes())))
        got = {query_id(key): (value.count, key) for key, value in classes.items()}
        agreement.append((log.name, got == expected, got, expected))
    assert agreement, "no slow logs in the corpus"
    disagreements = [(name, got, expected) for name, same, got, expected in agreement
                     if not same]
    assert not disagreements


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


def test_secrets_are_masked_in_examples() -> None:
    data = (b"# Time: 2026-11-17T09:00:00Z\n# User@Host: root[root] @ localhost []\n"
            b"# Query_time: 9.0  Lock_time: 0  Rows_sent: 0  Rows_examined: 0\n"
            b"ALTER USER 'app'@'%' IDENTIFIED BY 's3cr3t-Pa55';\n")
    run = run_analyzer(SqlAnalyzer(), data, name="slow.log", kind=ArtifactKind.MYSQL_SLOW_LOG)
    dumped = orjson.dumps([f.to_json() for f in run.findings]) + orjson.dumps(run.stats)
    assert b"s3cr3t-Pa55" not in dumped
    assert b"IDENTIFIED BY '***'" in dumped


# --- schema ---------------------------------------------------------------------------------

MYSQL_DUMP = b"""-- MySQL dump 10.13  Distrib 8.0.36
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `customers` (
  `id` int NOT NULL AUTO_INCREMENT,
  `code` varchar(20) CHARACTER SET latin1 NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_code` (`code`),
  KEY `idx_code_again` (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `orders` (
  `id` int NOT NULL AUTO_INCREMENT,
  `customer_id` int NOT NULL,
  `customer_code` varchar(20) NOT NULL,
  `placed` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_placed` (`placed`),
  KEY `idx_placed_id` (`placed`, `id`),
  CONSTRAINT `fk_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`),
  CONSTRAINT `fk_code` FOREIGN KEY (`customer_code`) REFERENCES `customers` (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `audit` (
  `at` datetime NOT NULL,
  `what` text
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;
INSERT INTO `audit` VALUES ('2026-01-01 00:00:00','a;b'),('2026-01-02 00:00:00','c');
"""


def test_mysql_dump_schema_model_and_findings() -> None:
    run = run_analyzer(SqlAnalyzer(), MYSQL_DUMP, name="dump.sql")
    assert run.stats["statements"] == 5 and run.stats["tables"] == 3
    assert run.stats["statement_kinds"] == {"CREATE TABLE": 3, "INSERT": 1, "SET": 1}
    orders = run.stats["schema"]["orders"]
    assert orders["primary_key"] == ["id"] and orders["engine"] == "InnoDB"
    assert [fk["columns"] for fk in orders["foreign_keys"]] == [["customer_id"],
                                                                ["customer_code"]]
    assert run.by_rule("sql.missing-primary-key")[0].facts["tables"] == ["audit"]
    unindexed = {tuple(f.facts["columns"]) for f in run.by_rule("sql.unindexed-foreign-key")}
    assert unindexed == {("customer_id",), ("customer_code",)}
    duplicates = {(f.facts["index"], f.facts["covered_by"])
                  for f in run.by_rule("sql.duplicate-index")}
    assert duplicates == {("idx_code", "idx_code_again"), ("idx_placed", "idx_placed_id")}
    [charset] = run.by_rule("sql.charset-mismatch")
    assert charset.facts["column"] == "orders.customer_code"
    assert charset.facts["referenced_charset"] == "latin1"
    [engine] = run.by_rule("sql.engine-mismatch")
    assert engine.facts["tables"] == {"audit": "MyISAM"}


@pytest.mark.corpus
def test_pagila_postgres_schema() -> None:
    schema_file = corpus("sql") / "pagila-schema.sql"
    run = run_analyzer(SqlAnalyzer(), schema_file.read_bytes(), name="pagila-schema.sql")
    schema = run.stats["schema"]
    assert schema["film"]["primary_key"] == ["film_id"]
    assert {"language_id", "original_language_id"} <= {
        c for fk in schema["film"]["foreign_keys"] for c in fk["columns"]}
    assert schema["payment_p2022_01"]["partition_of"] == "payment"
    assert run.stats["statement_kinds"]["CREATE FUNCTION"] >= 5
    unindexed = {(f.facts["table"], tuple(f.facts["columns"]))
                 for f in run.by_rule("sql.unindexed-foreign-key")}
    assert ("film_actor", ("film_id",)) not in unindexed  # idx_fk_film_id covers it
    assert "sql.missing-primary-key" not in run.rules()


# --- server logs ----------------------------------------------------------------------------

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


@pytest.mark.corpus
def test_real_postgres_logs_parse_without_warnings() -> None:
    for log in sorted(corpus("pglog").glob("*.log")):
        run = run_analyzer(SqlAnalyzer(), log.read_bytes(), name=log.name,
                           kind=ArtifactKind.POSTGRES_LOG)
        assert run.stats["entries"] > 0, log.name
        assert not run.context.warnings, (log.name, run.context.warnings)
    multiline = corpus("pglog") / "multiline_param.log"
    run = run_analyzer(SqlAnalyzer(), multiline.read_bytes(), name=multiline.name,
                       kind=ArtifactKind.POSTGRES_LOG)
    assert run.stats["queries"][0]["count"] >= 1


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


def test_unrelated_log_yields_nothing() -> None:
    data = b"2026-11-17 09:00:00,000 INFO [main] started\n" * 5
    run = run_analyzer(SqlAnalyzer(), data, name="app.log", kind=ArtifactKind.LOG)
    assert not run.findings and not run.stats


@pytest.mark.parametrize("kind", [ArtifactKind.SQL_DUMP, ArtifactKind.MYSQL_SLOW_LOG,
                                  ArtifactKind.POSTGRES_LOG, ArtifactKind.LOG])
def test_garbage_never_raises(kind: ArtifactKind) -> None:
    rng = random.Random(kind.value)
    data = bytes(rng.randrange(256) for _ in range(20000)) + b"('\n# Query_time: x;\n#"
    run = run_analyzer(SqlAnalyzer(), data, name="junk", kind=kind)
    orjson.dumps(run.stats)


def test_crafted_long_lines_do_not_backtrack() -> None:
    line = ("2026-11-17 09:00:00 UTC " + "LOG" * 20000 + " (" * 20000).encode()
    run_analyzer(SqlAnalyzer(), line, name="pg.log", kind=ArtifactKind.POSTGRES_LOG)
    statement = b"CREATE TABLE t (" + b"a int, " * 20000 + b"KEY (" * 5000 + b");"
    run_analyzer(SqlAnalyzer(), statement, name="x.sql", kind=ArtifactKind.SQL_DUMP)


# --- bundle level and samples ---------------------------------------------------------------


@dataclass
class FakeBundle:
    items: list[ArtifactResults]

    def results(self) -> list[ArtifactResults]:
        return self.items

    def open(self, artifact_path: str) -> Any:
        raise AssertionError("the cross analyzer works from stats only")


def _analyze_files(files: dict[str, bytes]) -> tuple[list[Any], FakeBundle]:
    findings, items = [], []
    for path, data in files.items():
        run = run_analyzer(SqlAnalyzer(), data, name=path)
        findings += run.findings
        artifact_kind = sniff(data[:65536], path)
        items.append(ArtifactResults(Artifact(path, artifact_kind, len(data)), run.findings,
                                     run.events, {"sql": run.stats} if run.stats else {}))
    return findings, FakeBundle(items)


def test_slow_query_missing_index_scenario() -> None:
    scenario = slow_query_missing_index.SCENARIO
    built = scenario.build(scenario.rng())
    findings, bundle = _analyze_files(built.files)
    cross = list(SqlCrossAnalyzer().analyze_bundle(bundle, RecordingContext()))
    [missing] = cross
    assert missing.facts["table"] == "orders" and missing.facts["columns"] == ["customer_id"]
    assert "ON orders (customer_id)" in missing.facts["suggested_index"]
    rules = {f.rule for f in findings + cross}
    assert set(built.rules) <= rules
    assert built.files == scenario.build(scenario.rng()).files  # deterministic


def test_cross_analyzer_quiet_when_index_exists() -> None:
    scenario = slow_query_missing_index.SCENARIO
    built = scenario.build(scenario.rng())
    files = dict(built.files)
    files["db/schema.sql"] = files["db/schema.sql"].replace(
        b"  KEY `idx_orders_created_at`",
        b"  KEY `idx_c` (`customer_id`),\n  KEY `idx_orders_created_at`")
    _, bundle = _analyze_files(files)
    assert not list(SqlCrossAnalyzer().analyze_bundle(bundle, RecordingContext()))


def test_deadlock_scenario() -> None:
    scenario = deadlock.SCENARIO
    built = scenario.build(scenario.rng())
    findings, _ = _analyze_files(built.files)
    assert set(built.rules) <= {f.rule for f in findings}
    [dead] = [f for f in findings if f.rule == "sql.deadlock"]
    key_line = built.evidence[0]["locator"]["line"]
    assert dead.evidence[0].locator.line == key_line
    assert b"retry" in built.files["app/orders.log"]


def test_dump_with_invalid_utf8_in_names_gives_serializable_stats() -> None:
    # A dump re-encoded by an editor: the table and a column name hold Latin-1 bytes.
    dump = (b"CREATE TABLE `kunden_\xfcbersicht` (\n  `id` int NOT NULL,\n"
            b"  `stra\xdfe` varchar(64) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
    run = run_analyzer(SqlAnalyzer(), dump, name="dump.sql", kind=ArtifactKind.SQL_DUMP)
    text = orjson.dumps(run.stats).decode()
    assert "kunden_\ufffdbersicht" in text and "stra\ufffde" in text
