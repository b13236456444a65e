"""Every analyzer survives damaged copies of the sample bundles' members.

Bundles are untrusted and often damaged in transit (a truncated upload, a bad disk, an
editor that "fixed" the encoding). Each member of every sample scenario is mutated a few
times the way real damage looks (bytes flipped, runs dropped or inserted, the tail cut)
and run through every analyzer that accepts its sniffed kind, in process: an analyzer may
warn and give partial results, never raise. The mutations come from a fixed seed, so a
failure here is reproducible; six real crashes were found this way before this test
existed (see the regression tests under tests/analyzers/sql, tests/analyzers/tls and
tests/inspector/formats/logformat).
"""

from __future__ import annotations

import random

import orjson
import pytest

from analyzers import BUILTIN
from inspector.bundle.sniff import sniff
from inspector.testing import run_analyzer
from inspector.training import scenarios

MUTATIONS_PER_MEMBER = 8
MAX_MEMBER_BYTES = 1 << 20

ANALYZERS = [a for a in BUILTIN if hasattr(a, "kinds")]


def damaged(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 5, 20))):
        if not out:
            break
        where = rng.randrange(len(out))
        roll = rng.random()
        if roll < 0.5:
            out[where] = rng.randrange(256)
        elif roll < 0.7:
            del out[where:where + rng.randrange(1, 64)]
        elif roll < 0.85:
            out[where:where] = rng.randbytes(rng.randrange(1, 16))
        else:
            del out[where:]
    return bytes(out)


@pytest.mark.parametrize("scenario", scenarios.CATALOGUE)
def test_every_analyzer_survives_damaged_members(scenario):
    chosen = scenarios.load(scenario)
    rng = random.Random(f"damage:{scenario}")
    failures = []
    for path, data in sorted(chosen.build(chosen.rng()).files.items()):
        if len(data) > MAX_MEMBER_BYTES:
            continue
        for _ in range(MUTATIONS_PER_MEMBER):
            copy = damaged(data, rng)
            kind = sniff(copy[:65536], path)
            for analyzer in ANALYZERS:
                if kind not in analyzer.kinds:
                    continue
                try:
                    run = run_analyzer(analyzer, copy, name=path)
                    orjson.dumps(run.stats)
                except Exception as exc:  # the point: nothing may escape
                    failures.append(f"{analyzer.name} on damaged {path}: "
                                    f"{type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)
