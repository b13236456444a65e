"""Benchmark harness: ``make bench`` (or ``python -m bench.run [NAMES] [--scale X]``).

Each ``bench/bench_<name>.py`` defines ``run(workdir: Path, scale: float) -> list[Row]``.
A benchmark generates its own large deterministic input under ``workdir``, measures our
code and, when the reference tool is installed, the reference tool on the same input in the
same run, and returns rows. Figures are medians of ``repeat`` runs; peak memory is the
child process's max RSS. Benchmarks are never tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    benchmark: str
    measure: str
    value: float
    unit: str
    note: str = ""


def timed(command: list[str], repeat: int = 3, **kwargs) -> tuple[float, int]:
    """Median wall seconds and peak RSS (KiB) of ``command`` run ``repeat`` times.

    The command runs under ``/usr/bin/time -f %M`` when available, so the peak memory is
    the child's own, not this harness's.
    """
    times, peaks = [], []
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                        else None)
    for _ in range(repeat):
        wrapped = [gnu_time, "-f", "%M", *command] if gnu_time else command
        start = time.perf_counter()
        result = subprocess.run(wrapped, capture_output=True, text=True, **kwargs)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr[-500:]}")
        if gnu_time:
            peaks.append(int(result.stderr.strip().splitlines()[-1]))
    return statistics.median(times), max(peaks) if peaks else 0


def python_command(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="input size multiplier (1.0 = the sizes the issues name)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    import bench

    available = sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules(bench.__path__)
                       if m.name.startswith("bench_"))
    names = args.names or available
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="inspector-bench-"))
    rows: list[Row] = []
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== {name}", flush=True)
        for row in module.run(workdir / name, args.scale):
            rows.append(row)
            note = f"  ({row.note})" if row.note else ""
            print(f"   {row.measure:<48} {row.value:>14,.2f} {row.unit}{note}", flush=True)
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
