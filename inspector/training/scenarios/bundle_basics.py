"""Scenario: a messy support bundle that exercises the bundle reader.

The customer's collector zipped a node's log folder as a nested tgz (with rotated and
gzipped logs and a symlink), a browser HAR, a database dump and slow log, and two things a
reader must handle safely: a member whose name climbs out of the extraction folder, and a
"heap dump" that is really a decompression bomb. The lesson: what the reader refuses, and
why, is itself evidence.
"""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime, timedelta

import orjson

from inspector.formats.archives import Link, tar_bytes
from inspector.training.scenarios import Built, Scenario

START = datetime(2026, 11, 17, 9, 0, 0, tzinfo=UTC)
USERS = ("jdoe", "asmith", "mlopez", "kchen", "rpatel")
ENDPOINTS = ("/api/v2/orders", "/api/v2/orders/{id}", "/api/v2/customers/{id}", "/api/v2/cart")


def _app_log(rng: random.Random, start: datetime, lines: int) -> bytes:
    out = []
    moment = start
    for _ in range(lines):
        moment += timedelta(milliseconds=rng.randint(40, 900))
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"
        thread = f"http-nio-8443-exec-{rng.randint(1, 24)}"
        roll = rng.random()
        if roll < 0.02:
            out.append(f"{stamp} WARN  [{thread}] c.a.orders.CartService - cart "
                       f"{rng.randint(10_000, 99_999)} expired before checkout")
        else:
            endpoint = rng.choice(ENDPOINTS).replace("{id}", str(rng.randint(1000, 9999)))
            out.append(f"{stamp} INFO  [{thread}] c.a.web.AccessFilter - {rng.choice(USERS)} "
                       f"GET {endpoint} 200 {rng.randint(4, 180)}ms")
    return ("\n".join(out) + "\n").encode()


def _har(rng: random.Random) -> bytes:
    entries = []
    for index in range(6):
        started = START + timedelta(seconds=index * 3)
        wait = rng.randint(20, 140)
        entries.append({
            "startedDateTime": started.isoformat().replace("+00:00", "Z"),
            "time": wait + 12,
            "request": {"method": "GET", "url": f"https://shop.example.com/api/v2/cart?i={index}",
                        "httpVersion": "HTTP/2", "headers": [], "queryString": [],
                        "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
                         "headers": [{"name": "content-type", "value": "application/json"}],
                         "cookies": [], "content": {"size": 512, "mimeType": "application/json"},
                         "redirectURL": "", "headersSize": -1, "bodySize": 512},
            "cache": {},
            "timings": {"blocked": 1, "dns": -1, "connect": -1, "ssl": -1, "send": 1,
                        "wait": wait, "receive": 10},
        })
    return orjson.dumps({"log": {"version": "1.2",
                                 "creator": {"name": "WebInspector", "version": "537.36"},
                                 "pages": [], "entries": entries}}, option=orjson.OPT_INDENT_2)


SCHEMA = b"""-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: db-primary    Database: shop
-- ------------------------------------------------------
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;

DROP TABLE IF EXISTS `orders`;
CREATE TABLE `orders` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `customer_id` bigint NOT NULL,
  `status` varchar(16) NOT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
"""

SLOW_LOG = b"""/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
# Time: 2026-11-17T09:02:11.402113Z
# User@Host: shop[shop] @ app-01 [10.20.0.11]  Id:    88
# Query_time: 2.417305  Lock_time: 0.000011 Rows_sent: 3  Rows_examined: 1482113
SET timestamp=1794906131;
SELECT id, status FROM orders WHERE customer_id = 48213 ORDER BY created_at DESC LIMIT 3;
"""


def build(rng: random.Random) -> Built:
    node = tar_bytes({
        "var/log/shop/app.log": _app_log(rng, START + timedelta(hours=2), 400),
        "var/log/shop/app.log.1": _app_log(rng, START + timedelta(hours=1), 400),
        "var/log/shop/app.log.2.gz": gzip.compress(_app_log(rng, START, 400), mtime=0),
        # A link to a file the bundle does not hold (a link to a member that is read would
        # lose nothing, and is not a finding).
        "var/log/shop/current.log": Link("/srv/shop/releases/current/app.log"),
        "etc/shop/application.yml": b"server:\n  port: 8443\nshop:\n  cart-ttl: 30m\n",
    }, "gzip")
    # 48 MiB of zeros gzip to ~48 KiB: a ratio near 1,000:1, as a bomb's would be.
    bomb = gzip.compress(bytes(48 * 1024 * 1024), compresslevel=9, mtime=0)
    files = {
        "MANIFEST.txt": b"collector 3.4.1\nhost app-01\ncollected 2026-11-17T11:40:00Z\n",
        "nodes/app-01.tgz": node,
        "browser/checkout.har": _har(rng),
        "db/schema.sql": SCHEMA,
        "db/mysql-slow.log": SLOW_LOG,
        "diagnostics/heap-dump.bin.gz": bomb,
        "../../tmp/collector-cleanup.sh": b"#!/bin/sh\nrm -rf /tmp/collector-*\n",
    }
    evidence = [
        {"artifact": "../../tmp/collector-cleanup.sh", "locator": {"kind": "artifact"},
         "why": "a member name that climbs out of any folder it is extracted to",
         "cited_by": "bundle.unsafe-path"},
        {"artifact": "diagnostics/heap-dump.bin.gz", "locator": {"kind": "artifact"},
         "why": "decompresses about 1,000:1: read only up to the bomb limit, then skipped",
         "cited_by": "bundle.archive-bomb"},
        {"artifact": "nodes/app-01.tgz!/var/log/shop/current.log", "locator": {"kind": "artifact"},
         "why": "a symbolic link inside the nested archive to a file the bundle does not "
                "hold: listed, never followed",
         "cited_by": "bundle.member-skipped"},
    ]
    # The rotated, gzipped and nested logs must all read: none of them is a problem. The
    # slow log's missing index is real, only not this lesson.
    return Built(files=files, evidence=evidence,
                 rules=["bundle.unsafe-path", "bundle.archive-bomb", "bundle.member-skipped"],
                 forbidden=["bundle.unreadable"],
                 allowed=["sql.full-scan", "sql.missing-index-for-slow-query",
                          "sql.slow-query"])


SCENARIO = Scenario(
    name="bundle_basics",
    title="Can you check the diagnostics we uploaded? Some files look odd",
    difficulty="easy",
    summary="The bundle holds a path-traversal member name and a decompression bomb; the "
            "reader lists both as evidence and skips the bomb and a symlink, and every other "
            "artifact is read in place.",
    build=build,
    tags=("bundle",),
)
