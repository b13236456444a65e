"""The schema model of MySQL and PostgreSQL dumps, and the schema findings."""

from __future__ import annotations

import orjson
import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer
from tests.analyzers.sql.material import corpus
from tests.growth import assert_linear

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


def test_crafted_long_ddl_does_not_backtrack() -> None:
    def crafted(n: int) -> bytes:
        return b"CREATE TABLE t (" + b"a int, " * n + b"KEY (" * (n // 4) + b");"

    def read(statement: bytes) -> object:
        return run_analyzer(SqlAnalyzer(), statement, name="x.sql", kind=ArtifactKind.SQL_DUMP)

    run = read(crafted(2_000))
    assert (run.stats["statements"], run.stats["tables"]) == (1, 1)
    assert_linear(read, crafted, 500)


def test_dump_with_invalid_utf8_in_names_gives_serializable_stats() -> None:
    # A dump re-encoded by an editor: the table and a column name hold Latin-1 bytes.
    dump = (b"CREATE TABLE `kunden_\xfcbersicht` (\n  `id` int NOT NULL,\n"
            b"  `stra\xdfe` varchar(64) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
    run = run_analyzer(SqlAnalyzer(), dump, name="dump.sql", kind=ArtifactKind.SQL_DUMP)
    text = orjson.dumps(run.stats).decode()
    assert "kunden_\ufffdbersicht" in text and "stra\ufffde" in text
