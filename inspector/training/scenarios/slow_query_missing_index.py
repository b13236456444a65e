"""Scenario: checkout got slow because ``orders`` has no index on ``customer_id``.

The bundle holds the customer's mysqldump schema (``db/schema.sql``) and the MySQL slow
log of the same hour (``db/mysql-slow.log``). Every order lookup by customer scans the
whole ``orders`` table; the schema shows indexes on ``id`` and ``created_at`` only. The
SQL analyzer's cross-check (slow log x schema) names the table, the column and the index
to create (``sql.missing-index-for-slow-query``).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from inspector.training.scenarios import Built, Scenario

SCHEMA = """-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: db-1    Database: shop
-- ------------------------------------------------------
/*!40101 SET NAMES utf8mb4 */;

DROP TABLE IF EXISTS `customers`;
CREATE TABLE `customers` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(190) NOT NULL,
  `name` varchar(120) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_customers_email` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS `orders`;
CREATE TABLE `orders` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `customer_id` int unsigned NOT NULL,
  `status` varchar(16) NOT NULL,
  `total_cents` int NOT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_orders_created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
"""


def _slow_log(rng: random.Random) -> tuple[str, int]:
    """The slow log, and the first line of the slowest order lookup's entry (six lines): the
    sample a digest shows."""
    start = datetime(2026, 11, 17, 9, 0, 0, tzinfo=UTC)
    lines = ["/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:",
             "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
             "Time                 Id Command    Argument"]
    moment = start
    slowest = (0.0, 0)
    for number in range(240):
        moment += timedelta(seconds=rng.randint(5, 25))
        slow = number % 3 != 2
        if slow:
            customer = rng.randint(1, 90_000)
            query = (f"SELECT id, status, total_cents FROM orders WHERE customer_id = {customer} "
                     "ORDER BY created_at DESC LIMIT 20;")
            seconds, examined, sent = rng.uniform(1.8, 4.5), 2_400_000 + rng.randint(0, 9999), 20
        else:
            query = f"SELECT id, email FROM customers WHERE id = {rng.randint(1, 90_000)};"
            seconds, examined, sent = rng.uniform(1.0, 1.2), 1, 1
        if slow:
            slowest = max(slowest, (seconds, len(lines) + 1))
        lines += [f"# Time: {moment.strftime('%Y-%m-%dT%H:%M:%S')}.{rng.randint(0, 999999):06d}Z",
                  f"# User@Host: shop[shop] @  [10.0.4.{rng.randint(2, 40)}]  Id: "
                  f"{rng.randint(100, 999)}",
                  f"# Query_time: {seconds:.6f}  Lock_time: 0.000012  Rows_sent: {sent}  "
                  f"Rows_examined: {examined}",
                  "use shop;",
                  f"SET timestamp={int(moment.timestamp())};",
                  query]
    return "\n".join(lines) + "\n", slowest[1]


def build(rng: random.Random) -> Built:
    slow_log, slowest_line = _slow_log(rng)
    return Built(
        files={"db/schema.sql": SCHEMA.encode(), "db/mysql-slow.log": slow_log.encode()},
        rules=["sql.missing-index-for-slow-query", "sql.slow-query", "sql.full-scan"],
        evidence=[
            {"artifact": "db/mysql-slow.log", "locator": {"kind": "line", "line": slowest_line,
                                                                "end_line": slowest_line + 5},
             "why": "orders looked up by customer_id examine ~2.4M rows to return 20 (the "
                    "slowest of them)", "cited_by": "sql.slow-query"},
            {"artifact": "db/schema.sql", "locator": {"kind": "statement", "index": 5},
             "why": "orders has indexes on id and created_at only, none on customer_id",
             "cited_by": "sql.missing-index-for-slow-query"},
        ])


SCENARIO = Scenario(
    name="slow_query_missing_index",
    title="Order history takes seconds to load",
    difficulty="medium",
    summary=("orders has no index on customer_id, so every order-history query scans the "
             "whole table; CREATE INDEX idx_orders_customer_id ON orders (customer_id)."),
    build=build,
    tags=("sql", "performance"),
)
