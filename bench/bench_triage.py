"""Benchmark batch triage (``python -m bench.run triage``).

Generates 200 small bundles at scale 1: the training scenarios in turn, each built with its
own seed (so every bundle differs: other ports, timings, counts, sizes), then runs the real
``inspector triage`` command over them three times, each with a fresh case database and
output folder: ``--jobs 1``, ``--jobs 2``, and ``--engine dask://`` on a two-worker
``LocalCluster`` (one thread each, on 127.0.0.1) started here. It prints bundles per minute
for each and Dask's overhead over the two-process local pool, from the same run. The
cluster's start-up is not counted (a team's cluster is already running); each command's own
start-up is.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.run import Row

BUNDLES = 200


def write_bundles(folder: Path, count: int) -> list[Path]:
    from inspector.formats.archives import zip_bytes
    from inspector.training import scenarios

    folder.mkdir(parents=True, exist_ok=True)
    names = scenarios.CATALOGUE
    paths = []
    for number in range(count):
        scenario = scenarios.load(names[number % len(names)])
        built = scenario.build(random.Random(number))
        path = folder / f"{number:04d}-{scenario.name}.zip"
        path.write_bytes(zip_bytes(built.files))
        paths.append(path)
    return paths


def triage_seconds(bundles: Path, workdir: Path, label: str, engine: list[str]) -> float:
    data = workdir / f"data-{label}"
    command = [sys.executable, "-m", "inspector", "triage", str(bundles), "--quiet",
               "--format", "json", "--out", str(workdir / f"out-{label}"),
               "--db", str(data / "cases.sqlite3"), *engine]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True,
                            env={**os.environ, "BUNDLE_INSPECTOR_DATA": str(data)})
    seconds = time.perf_counter() - started
    lines = result.stdout.splitlines()
    if result.returncode not in (0, 1) or len(lines) != len(list(bundles.iterdir())):
        raise RuntimeError(f"triage {label} failed ({result.returncode}): "
                           f"{result.stderr[-800:]}")
    return seconds


def run(workdir: Path, scale: float) -> list[Row]:
    import dask
    from distributed import LocalCluster

    count = max(10, int(BUNDLES * scale))
    bundles = workdir / "bundles"
    write_bundles(bundles, count)
    rows = []
    seconds = {}
    for label, engine in (("jobs-1", ["--jobs", "1"]), ("jobs-2", ["--jobs", "2"])):
        seconds[label] = triage_seconds(bundles, workdir, label, engine)
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=":0") as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        seconds["dask-2"] = triage_seconds(bundles, workdir, "dask-2", ["--engine", address])
    for label, note in (("jobs-1", "--jobs 1"), ("jobs-2", "--jobs 2"),
                        ("dask-2", "two-worker LocalCluster")):
        rows.append(Row("triage", f"{count} bundles, {note}", count / seconds[label] * 60,
                        "bundles/min", f"{seconds[label]:.1f} s"))
    overhead = seconds["dask-2"] / seconds["jobs-2"] - 1
    rows.append(Row("triage", "Dask overhead over the local pool (2 workers each)",
                    overhead * 100, "%", "time on the cluster / time on --jobs 2, minus 1"))
    rows.append(Row("triage", "speed-up of --jobs 2 over --jobs 1",
                    seconds["jobs-1"] / seconds["jobs-2"], "x", "2 cores, shared machine"))
    return rows
