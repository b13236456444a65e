"""Bundle reader: listing and reading a large nested tar.gz, against GNU tar.

Input (scale 1): a tar.gz of 40 rotated application logs (plain and .gz) totalling about
600 MB uncompressed, plus a zip nested inside it. Measured in a child process: the time to
list and sniff every member (``open_bundle``), the time to stream every member to the end
(``Bundle.open``), and peak RSS. Reference: ``tar -xzOf BUNDLE`` (GNU tar streaming every
member to /dev/null), which does strictly less work (no sniffing, no nested members).
"""

from __future__ import annotations

import gzip
import io
import random
import shutil
import tarfile
from pathlib import Path

from bench.run import Row, python_command, timed
from inspector.testing import FIXED_EPOCH, zip_bytes

LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR")


def _log(rng: random.Random, megabytes: float) -> bytes:
    lines = []
    size = 0
    second = 0
    while size < megabytes * 1024 * 1024:
        second += rng.randint(0, 2)
        line = (f"2026-11-17 {9 + second // 3600 % 10:02d}:{second // 60 % 60:02d}:"
                f"{second % 60:02d},{rng.randint(0, 999):03d} {rng.choice(LEVELS):<5} "
                f"[worker-{rng.randint(1, 32)}] c.a.orders.Service - order "
                f"{rng.randint(10**6, 10**7)} processed in {rng.randint(1, 900)} ms\n")
        lines.append(line)
        size += len(line)
    return "".join(lines).encode()


def make_input(path: Path, scale: float) -> int:
    rng = random.Random(20261117)
    total = 0
    with tarfile.open(path, "w:gz", compresslevel=6) as archive:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), FIXED_EPOCH
            archive.addfile(info, io.BytesIO(data))

        for index in range(max(2, int(40 * scale))):
            data = _log(rng, 15)
            total += len(data)
            if index % 2:
                add(f"node/logs/app.log.{index}.gz", gzip.compress(data, 6, mtime=0))
            else:
                add(f"node/logs/app.log.{index}", data)
        nested = _log(rng, 5)
        total += len(nested)
        add("node/extra.zip", zip_bytes({"more/app.log": nested}))
    return total


READ_ALL = """
import sys, time
from inspector.bundle import open_bundle
start = time.perf_counter()
bundle = open_bundle(sys.argv[1])
listed = time.perf_counter()
total = 0
for artifact in bundle.readable_artifacts:
    with bundle.open(artifact) as stream:
        while chunk := stream.read(1 << 20):
            total += len(chunk)
done = time.perf_counter()
print(f"{listed - start:.3f} {done - listed:.3f} {total}", file=sys.stderr)
"""


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    bundle = workdir / "bundle.tar.gz"
    uncompressed = make_input(bundle, scale)
    megabytes = uncompressed / 1024**2
    seconds, peak_kib = timed([*python_command(READ_ALL), str(bundle)])
    rows = [
        Row("bundle", "input (uncompressed)", megabytes, "MiB",
            f"{bundle.stat().st_size / 1024**2:.0f} MiB compressed"),
        Row("bundle", "list + read every member", seconds, "s", "median of 3"),
        Row("bundle", "throughput", megabytes / seconds, "MiB/s"),
        Row("bundle", "peak RSS", peak_kib / 1024, "MiB"),
    ]
    tar = shutil.which("tar")
    if tar:
        reference, _ = timed(["sh", "-c", f"{tar} -xzOf {bundle} > /dev/null"])
        rows += [Row("bundle", "GNU tar -xzOf (reference)", reference, "s", "median of 3"),
                 Row("bundle", "ratio ours / tar", seconds / reference, "x",
                     "tar decompresses the outer stream only; we also sniff and read the "
                     "nested .gz and zip members")]
    return rows
