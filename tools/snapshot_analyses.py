"""Snapshot ``inspector analyze --format json`` over many inputs, to prove a refactoring
changed no behaviour.

    python tools/snapshot_analyses.py OUT [--corpus DIR] [--samples] [--jobs N]

Runs the installed ``inspector`` command (the CLI, as users run it) on every sample bundle
(built from their fixed seeds into ``OUT/_samples``) and on every file under ``--corpus``,
and writes each document to ``OUT/samples/<name>.json`` or ``OUT/corpus/<path>.json`` with
``timings`` removed (the only part that differs between runs) and ``bundle.source`` made
relative (samples are built in a different folder each time). Exit codes and stderr are
kept beside it, in ``.status``. Take one snapshot before the change and one after, then
``diff -r BEFORE AFTER``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson


def snapshot(target: Path, output: Path, shown_as: str) -> str:
    result = subprocess.run([sys.executable, "-m", "inspector", "analyze", str(target),
                             "--format", "json", "--quiet", "--workers", "1"],
                            capture_output=True, timeout=1800)
    text = f"exit {result.returncode}\n{result.stderr.decode(errors='replace')}"
    if result.returncode in (0, 1):
        document = orjson.loads(result.stdout)
        document.pop("timings", None)
        document["bundle"]["source"] = shown_as
        output.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2
                                        | orjson.OPT_SORT_KEYS))
    output.with_suffix(".status").write_text(text)
    return f"{result.returncode} {target}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--samples", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work: list[tuple[Path, Path, str]] = []
    if args.samples:
        from inspector.training import scenarios

        built = args.out / "_samples"
        built.mkdir(exist_ok=True)
        for name in scenarios.CATALOGUE:
            bundle, _ = scenarios.build(name, built)
            work.append((bundle, args.out / "samples" / f"{bundle.name}.json", bundle.name))
    if args.corpus is not None:
        root = args.corpus.resolve()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = str(path.relative_to(root))
            work.append((path, args.out / "corpus" / f"{relative}.json", relative))
    for _, output, _ in work:
        output.parent.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        for line in pool.map(lambda item: snapshot(*item), work):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
