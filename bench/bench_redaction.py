"""Benchmark of ``inspector redact`` against detect-secrets scanning the same log.

Generates the ``logs`` benchmark's Java-style application log at ``40 MB x scale`` with
credentials, addresses, users and card numbers sprinkled in, zips it, and runs
``inspector redact`` on it in a child process (survey, redaction, gate, zip). The
reference is Yelp's ``detect-secrets scan`` on the same log, when installed (it is a test
dependency): it only finds secrets, it neither pseudonymizes, nor checks, nor writes a
copy, so it is a floor rather than a peer. A second run at 4x the size shows memory
staying flat and time growing linearly. Nothing here asserts a time.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import zipfile
from pathlib import Path

from bench.bench_logs import generate
from bench.run import Row, timed

TARGET_BYTES = 40 * 1024 * 1024


def _sprinkle(path: Path, seed: int = 20) -> None:
    """Every 50th line gets an identifier or a secret, as support bundles have them."""
    rng = random.Random(seed)
    extras = [
        lambda: f" user=u{rng.randint(1, 500)} from 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
                f".{rng.randint(1, 254)}",
        lambda: f" password=Pw-{rng.getrandbits(40):x}",
        lambda: " token " + "".join(rng.choice("abcdefghijkLMNOPQ0123456789") for _ in range(32)),
        lambda: f" mail ops{rng.randint(1, 50)}@acme-corp.com host db{rng.randint(1, 9)}.acme.io",
        lambda: " paid 4111 1111 1111 1111",
    ]
    lines = path.read_text().splitlines()
    for index in range(0, len(lines), 50):
        lines[index] += rng.choice(extras)()
    path.write_text("\n".join(lines) + "\n")


def _bundle(folder: Path, size: int) -> tuple[Path, Path]:
    log = folder / f"app-{size}.log"
    generate(log, size)
    _sprinkle(log)
    bundle = folder / f"bundle-{size}.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(log, "logs/app.log")
    return log, bundle


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    size = int(TARGET_BYTES * scale)
    rows: list[Row] = []
    for factor in (1, 4):
        log, bundle = _bundle(workdir, size * factor)
        megabytes = log.stat().st_size / 1e6
        out = workdir / f"clean-{factor}.zip"
        seconds, peak = timed([sys.executable, "-m", "inspector", "redact", str(bundle),
                               "-o", str(out)], repeat=1,
                              env={**os.environ,
                                   "BUNDLE_INSPECTOR_DATA": str(workdir / "data")})
        rows += [Row("redaction", f"inspector redact, {megabytes:,.0f} MB log", seconds, "s"),
                 Row("redaction", f"  throughput ({factor}x)", megabytes / seconds, "MB/s"),
                 Row("redaction", f"  peak RSS ({factor}x)", peak / 1024, "MiB")]
        if factor == 1:
            tool = shutil.which("detect-secrets") or str(Path(sys.executable).parent
                                                         / "detect-secrets")
            if Path(tool).exists():
                reference, _ = timed([tool, "scan", str(log)], repeat=1)
                rows += [Row("redaction", "detect-secrets scan, same log", reference, "s"),
                         Row("redaction", "  ratio (detect-secrets time / ours)",
                             reference / seconds, "x", "above 1: we are faster")]
        log.unlink()
    return rows
