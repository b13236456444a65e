"""Benchmark of message templates: leave-one-system-out grouping accuracy, and speed.

Prints, for each system left out in turn (the four Loghub samples of the shared corpus and
the six generated logs of ``inspector.formats.templates.generated``), the grouping
accuracy at the similarity threshold chosen on the *other* systems, and at the shipped
default; then the mean. Then ``mine`` on a generated log of ``200,000 x scale`` lines (a
Java-style log whose messages carry user and host names without digits, so most lines
hold a new key for the tree) in lines per second, and the tree's comparisons at that size
and at a quarter of it: linear work means a ratio near 4.

The reference is Drain as published with per-dataset tuning (Zhu et al., ICSE-SEIP 2019):
Apache 1.000, HDFS 0.998, Zookeeper 0.967, Spark 0.920. Twelve other Loghub systems are
not in the corpus; see the README's Benchmarks section for what was measured on them.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench.run import Row
from inspector.formats.templates import TemplateMiner, mine
from inspector.formats.templates.generated import generated_systems
from inspector.formats.templates.quality import leave_one_system_out, loghub_system

LOGHUB = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "loghub"
CORPUS_SYSTEMS = ("Apache", "HDFS", "Spark", "Zookeeper")
LINES = 200_000


class _CountingMiner(TemplateMiner):
    comparisons = 0

    def _best(self, leaf, tokens):
        _CountingMiner.comparisons += len(leaf) * len(tokens)
        return super()._best(leaf, tokens)


def _log(lines: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    events = ("user {} logged in from host {}", "job {} of {} finished",
              "cache miss for key {} owned by {}", "request {} took {} ms",
              "disk {} full on node {}")

    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnop") for _ in range(6))

    return [f"2026-11-17 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d},{n % 1000:03d} "
            f"INFO [worker-{n % 16}] com.acme.Service - "
            + rng.choice(events).format(word(), rng.choice((word(), str(n))))
            for n in range(lines)]


def run(workdir: Path, scale: float) -> list[Row]:
    rows: list[Row] = []
    systems = [loghub_system(LOGHUB, name) for name in CORPUS_SYSTEMS
               if (LOGHUB / f"{name}_2k.log").exists()]
    systems += generated_systems()
    folds = leave_one_system_out(systems)
    for fold in folds:
        rows.append(Row("templates", f"held out: {fold.held_out}", fold.accuracy, "GA",
                        f"threshold {fold.chosen} chosen on the others; "
                        f"{fold.accuracy_at_default:.3f} at the default"))
    corpus = [f for f in folds if f.held_out in CORPUS_SYSTEMS]
    if corpus:
        rows.append(Row("templates", "mean, corpus systems held out",
                        sum(f.accuracy for f in corpus) / len(corpus), "GA"))
    rows.append(Row("templates", "mean, all systems held out",
                    sum(f.accuracy for f in folds) / len(folds), "GA"))
    lines = max(1000, int(LINES * scale))
    log = _log(lines)
    start = time.perf_counter()
    mine(log)
    seconds = time.perf_counter() - start
    rows.append(Row("templates", f"mine {lines:,} lines", lines / seconds, "lines/s"))
    work = []
    for size in (lines // 4, lines):
        _CountingMiner.comparisons = 0
        mine(log[:size], miner_factory=lambda header: _CountingMiner(header=header))
        work.append(_CountingMiner.comparisons)
    rows.append(Row("templates", "tree work, 4x the lines", work[1] / max(1, work[0]), "x",
                    "linear: about 4"))
    return rows
