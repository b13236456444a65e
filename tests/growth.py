"""Linearity guards that can fail: measure the work at n and 4n and compare.

A guard that only runs a crafted input proves nothing (a quadratic scan of a hostile input
still finishes, just late); one that times an absolute budget fails on a busy machine. This
compares the same code on inputs of size n and 4n, the best of a few runs each: linear work
grows about 4x, quadratic 16x. The bound is loose on purpose, so noise cannot fail it and a
quadratic step cannot pass it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GROWTH_BOUND = 8.0  # linear is ~4, quadratic ~16
REPEATS = 3
FLOOR_SECONDS = 0.005  # below this a measure is noise: tiny work passes unless 4n is slow


def best_seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def growth(run: Callable[[object], object], make: Callable[[int], object], n: int) -> float:
    """How many times longer ``run(make(4n))`` takes than ``run(make(n))``."""
    small, large = make(n), make(4 * n)
    return best_seconds(lambda: run(large)) / max(best_seconds(lambda: run(small)),
                                                  FLOOR_SECONDS)


def assert_linear(run: Callable[[object], object], make: Callable[[int], object],
                  n: int) -> None:
    ratio = growth(run, make, n)
    assert ratio < GROWTH_BOUND, f"4x the input took {ratio:.1f}x the time: not linear"
