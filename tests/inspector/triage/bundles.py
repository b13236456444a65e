"""Small real bundles and analyze functions for the triage tests (workers import these)."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

from inspector.formats.archives import zip_bytes
from inspector.training import scenarios
from tests.analyses import analyze


def write_samples(folder: Path, names: tuple[str, ...] = ("tls_expired_certificate",
                                                          "slow_query_missing_index",
                                                          "deadlock")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed, name in enumerate(names):
        scenario = scenarios.load(name)
        path = folder / f"{name}.zip"
        path.write_bytes(zip_bytes(scenario.build(random.Random(seed)).files))
        paths.append(path)
    return paths


def stall_first_attempt(bundle: Any, *, marks: str, **options: Any) -> Any:
    """Analyse as the CLI does, but the first attempt at a bundle writes its worker's pid to
    ``marks/<name>.pid`` and waits there to be killed."""
    mark = Path(marks) / (Path(str(bundle.source)).name + ".pid")
    if not mark.exists():
        mark.write_text(str(os.getpid()))
        time.sleep(120)
    return analyze(bundle, **options)


def die(_ref: Any) -> Any:
    """A task whose worker process dies every time (a bundle that crashes its reader)."""
    os._exit(9)
