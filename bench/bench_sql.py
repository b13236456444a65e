"""Benchmark the SQL splitter and slow-log digest (``python -m bench.run sql``).

Generates a mysqldump-style file (extended INSERTs with quotes, escapes and NULLs; 200 MB
at scale 1) and a slow log (200,000 events at scale 1), then measures, each in a child
process:

- the splitter on the dump, with the compiled boundary scanner and with its pure-Python
  twin (``INSPECTOR_NO_EXTENSIONS=1``), beside the floor: reading the same file in the
  splitter's chunks and doing nothing else. Each side runs ``REPEAT`` times and the child
  times only the work (not the interpreter's start-up); medians of wall time, and of CPU
  time, which others' work on a shared machine disturbs far less. Both backends must give
  the same statements (a digest of their text) before a ratio between them is printed.
- ``sqlparse.split`` on a 1 MB sample of the same dump (it runs at about 1 MB/s), and our
  splitter on the same sample, the same number of times; the ratio is printed only when
  both gave the same statements.
- our slow-log digest, and pt-query-digest on the same slow log when it is installed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.run import Row, python_command, timed
from inspector import native

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


REPEAT = 5
# One child script for every side, so each is timed the same way: the work only, then a
# digest of the statements' text (as sqlparse.split gives it) computed outside the timing.
SIDE = """
import hashlib, json, sys, time
side, path = sys.argv[1], sys.argv[2]
digest = hashlib.sha256()
if side == "sqlparse":
    import sqlparse
    text = open(path, encoding="utf-8").read()
    start, cpu_start = time.perf_counter(), time.process_time()
    statements = sqlparse.split(text)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    for statement in statements:
        digest.update(statement.encode("utf-8", "surrogateescape") + b"\\0")
    count = len(statements)
else:
    from inspector import native
    from inspector.formats.sqlsplit import CHUNK_BYTES, split_statements
    if side != "floor" and native.backend() != side:
        sys.exit(f"asked for the {side} backend, running {native.backend()}: {native.status()}")
    with open(path, "rb") as stream:
        start, cpu_start = time.perf_counter(), time.process_time()
        if side == "floor":
            while stream.read(CHUNK_BYTES):
                pass
            spans = []
        else:
            spans = [(s.offset, len(s.raw)) for s in split_statements(stream)]
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        # The statements' text as sqlparse.split gives it, read back one at a time so the
        # peak memory stays the splitter's.
        for offset, length in spans:
            stream.seek(offset)
            text = stream.read(length).decode("utf-8", "surrogateescape").strip()
            digest.update(text.encode("utf-8", "surrogateescape") + b"\\0")
    count = len(spans)
print(json.dumps({"seconds": seconds, "cpu": cpu, "statements": count,
                  "digest": digest.hexdigest()}))
"""

DIGEST = """
import sys
from analyzers.sql import digest_slow_log, parse_slow_log
with open(sys.argv[1], 'rb') as stream:
    classes, kept, dropped = digest_slow_log(parse_slow_log(stream))
print(len(classes), kept)
"""


@dataclass
class Side:
    """One side's medians over ``REPEAT`` runs, what it produced, and its peak RSS (KiB)."""

    seconds: float  # wall time, the figure the targets are about
    cpu: float  # CPU time, which other work on a shared machine disturbs far less
    statements: int
    digest: str
    peak: int


def measure(side: str, path: Path) -> Side:
    """Run ``side`` on ``path`` ``REPEAT`` times, each in a fresh child process."""
    environment = dict(os.environ)
    environment.pop(native.SWITCH, None)
    if side == "python":
        environment[native.SWITCH] = "1"
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                        else None)
    seconds, cpu, answers, peaks = [], [], set(), []
    for _ in range(REPEAT):
        command = [*python_command(SIDE), side, str(path)]
        wrapped = [gnu_time, "-f", "%M", *command] if gnu_time else command
        result = subprocess.run(wrapped, capture_output=True, text=True, env=environment)
        if result.returncode != 0:
            raise RuntimeError(f"{side} failed: {result.stderr[-500:]}")
        answer = json.loads(result.stdout)
        seconds.append(answer["seconds"])
        cpu.append(answer["cpu"])
        answers.add((answer["statements"], answer["digest"]))
        if gnu_time:
            peaks.append(int(result.stderr.strip().splitlines()[-1]))
    (count, digest), = answers  # every run of a side gives the same statements
    return Side(statistics.median(seconds), statistics.median(cpu), count, digest,
                max(peaks, default=0))


def speed(megabytes: float, side: Side) -> str:
    rate = megabytes / side.cpu
    shown = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2f}"
    return f"{shown} MB/s in CPU time, {REPEAT} runs"


def splitter_rows(dump: Path, size: int, sample: Path) -> list[Row]:
    mb = size / 1e6
    floor = measure("floor", dump)
    rows = [Row("sql", f"floor: read the {mb:,.0f} MB dump in chunks", mb / floor.seconds,
                "MB/s", speed(mb, floor))]
    sides = ["compiled", "python"] if native.backend() == "compiled" else ["python"]
    if sides == ["python"]:
        rows.append(Row("sql", "split, compiled scanner", 0.0, "",
                        f"not built here ({native.status()}); run make"))
    results = {side: measure(side, dump) for side in sides}
    for side, result in results.items():
        rows += [Row("sql", f"split {mb:,.0f} MB mysqldump, {side} scanner",
                     mb / result.seconds, "MB/s",
                     f"{speed(mb, result)}, {result.statements:,} statements"),
                 Row("sql", f"split peak RSS, {side} scanner", result.peak / 1024, "MiB")]
    if len(results) == 2:
        compiled, python = results["compiled"], results["python"]
        if (compiled.statements, compiled.digest) == (python.statements, python.digest):
            rows.append(Row("sql", "speed ratio compiled / python scanner",
                            python.seconds / compiled.seconds, "x",
                            f"{python.cpu / compiled.cpu:.2f}x in CPU time; same statements"))
        else:
            rows.append(Row("sql", "speed ratio compiled / python scanner", 0.0, "",
                            "NOT PRINTED: the backends gave different statements"))
    fastest = min(results.values(), key=lambda result: result.seconds)
    rows.append(Row("sql", "fastest split's speed / the floor's",
                    floor.seconds / fastest.seconds, "x"))
    sample_mb = sample.stat().st_size / 1e6
    reference = measure("sqlparse", sample)
    rows.append(Row("sql", f"sqlparse.split on {sample_mb:.1f} MB sample",
                    sample_mb / reference.seconds, "MB/s", speed(sample_mb, reference)))
    for side in sides:
        ours = measure(side, sample)
        if (ours.statements, ours.digest) != (reference.statements, reference.digest):
            rows.append(Row("sql", f"speed ratio {side} / sqlparse", 0.0, "",
                            f"NOT PRINTED: {ours.statements} statements, sqlparse "
                            f"{reference.statements}, or different text"))
            continue
        rows += [Row("sql", f"speed ratio {side} / sqlparse, on the dump",
                     mb / results[side].seconds / (sample_mb / reference.seconds), "x"),
                 Row("sql", f"speed ratio {side} / sqlparse, on the sample itself",
                     reference.seconds / ours.seconds, "x", "same statements")]
    return rows


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    dump = workdir / "dump.sql"
    size = write_dump(dump, DUMP_MB * scale)
    sample = workdir / "sample.sql"
    with dump.open("rb") as source:
        head = source.read(SAMPLE_BYTES)
    sample.write_bytes(head[: head.rfind(b";\n") + 2])
    rows = splitter_rows(dump, size, sample)
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
