"""Benchmark the SQL splitter and slow-log digest (``python -m bench.run sql``).

Generates a mysqldump-style file (extended INSERTs with quotes, escapes and NULLs; 200 MB
at scale 1) and a slow log (200,000 events at scale 1), then measures, each in a child
process: the streaming splitter's MB/s and peak RSS, sqlparse.split on a 1 MB sample of the
same dump (the ratio is what the issue asks for), our slow-log digest, and pt-query-digest
on the same slow log when it is installed.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from bench.run import Row, python_command, timed

DUMP_MB = 200
SLOW_EVENTS = 200_000
SAMPLE_BYTES = 1 << 20

_WORDS = ["alpha", "beta", "O\\'Brien", "semi;colon", "back\\\\slash", "paren(", "ünïcode",
          "quote\\\"d", "the end", "plain text value"]


def write_dump(path: Path, megabytes: float, seed: int = 7) -> int:
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = 0
    with path.open("wb") as out:
        header = b"-- MySQL dump 10.13  Distrib 8.0.36\n/*!40101 SET NAMES utf8mb4 */;\n"
        out.write(header)
        written += len(header)
        table = 0
        while written < target:
            table += 1
            ddl = (f"DROP TABLE IF EXISTS `t{table}`;\nCREATE TABLE `t{table}` (\n"
                   "  `id` int NOT NULL AUTO_INCREMENT,\n  `name` varchar(64) DEFAULT NULL,\n"
                   "  `n` bigint DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
                   f"LOCK TABLES `t{table}` WRITE;\n").encode()
            out.write(ddl)
            written += len(ddl)
            for _ in range(50):
                rows = ",".join(
                    f"({i},'{rng.choice(_WORDS)} {rng.random():.6f}',{rng.randint(0, 10**12)},"
                    f"NULL,'2026-11-{1 + i % 28:02d} 10:00:00',{rng.random() * 1000:.3f})"
                    for i in range(250))
                line = f"INSERT INTO `t{table}` VALUES {rows};\n".encode()
                out.write(line)
                written += len(line)
            out.write(b"UNLOCK TABLES;\n")
    return written


def write_slow_log(path: Path, events: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    shapes = ["SELECT * FROM orders WHERE customer_id = {n} ORDER BY id DESC LIMIT 20",
              "UPDATE stock SET reserved = reserved + 1 WHERE item_id = {n}",
              "SELECT id, email FROM customers WHERE email = 'u{n}@example.com'",
              "INSERT INTO audit (who, what) VALUES ({n}, 'x'), ({n}, 'y')",
              "SELECT COUNT(*) FROM orders WHERE status IN ('new', 'paid') AND total > {n}"]
    with path.open("w") as out:
        for number in range(events):
            out.write(f"# Time: 2026-11-17T09:{number // 60 % 60:02d}:{number % 60:02d}Z\n"
                      f"# User@Host: app[app] @  [10.0.0.{number % 50}]  Id: {number % 99}\n"
                      f"# Query_time: {rng.uniform(0.1, 5):.6f}  Lock_time: 0.000010  "
                      f"Rows_sent: 1  Rows_examined: {rng.randint(1, 100000)}\n"
                      f"SET timestamp={1794906000 + number};\n"
                      + rng.choice(shapes).format(n=rng.randint(1, 10**6)) + ";\n")


SPLIT = """
import sys
from inspector.formats.sqlsplit import split_statements
with open(sys.argv[1], 'rb') as stream:
    print(sum(1 for _ in split_statements(stream)))
"""
SQLPARSE = """
import sys, sqlparse
print(len(sqlparse.split(open(sys.argv[1], encoding='utf-8').read())))
"""
DIGEST = """
import sys
from analyzers.sql import digest_slow_log, parse_slow_log
with open(sys.argv[1], 'rb') as stream:
    classes, kept, dropped = digest_slow_log(parse_slow_log(stream))
print(len(classes), kept)
"""


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    dump = workdir / "dump.sql"
    size = write_dump(dump, DUMP_MB * scale)
    sample = workdir / "sample.sql"
    with dump.open("rb") as source:
        head = source.read(SAMPLE_BYTES)
    sample.write_bytes(head[: head.rfind(b";\n") + 2])
    rows: list[Row] = []
    seconds, peak = timed([*python_command(SPLIT), str(dump)], repeat=3)
    ours = size / seconds / 1e6
    rows += [Row("sql", f"split {size / 1e6:,.0f} MB mysqldump", ours, "MB/s"),
             Row("sql", "split peak RSS", peak / 1024, "MiB")]
    sample_seconds, _ = timed([*python_command(SPLIT), str(sample)], repeat=3)
    reference_seconds, _ = timed([*python_command(SQLPARSE), str(sample)], repeat=1)
    sample_mb = sample.stat().st_size / 1e6
    reference = sample_mb / reference_seconds
    rows += [Row("sql", f"sqlparse.split on {sample_mb:.1f} MB sample", reference, "MB/s"),
             Row("sql", "speed ratio ours / sqlparse", ours / reference, "x"),
             Row("sql", "ratio on the sample itself (incl. start-up)",
                 reference_seconds / sample_seconds, "x")]
    slow_log = workdir / "slow.log"
    events = max(1000, int(SLOW_EVENTS * scale))
    write_slow_log(slow_log, events)
    digest_seconds, digest_peak = timed([*python_command(DIGEST), str(slow_log)], repeat=1)
    rows += [Row("sql", f"slow-log digest, {events:,} events", events / digest_seconds,
                 "events/s"),
             Row("sql", "slow-log digest peak RSS", digest_peak / 1024, "MiB")]
    pt = shutil.which("pt-query-digest")
    if pt:
        pt_seconds, pt_peak = timed([pt, "--limit", "100%", "--output", "json",
                                     str(slow_log)], repeat=1)
        rows += [Row("sql", "pt-query-digest, same slow log", events / pt_seconds, "events/s"),
                 Row("sql", "pt-query-digest peak RSS", pt_peak / 1024, "MiB")]
    else:
        rows.append(Row("sql", "pt-query-digest", 0.0, "", "not installed; skipped"))
    return rows
