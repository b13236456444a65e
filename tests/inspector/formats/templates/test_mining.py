import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.logformat import detect
from inspector.formats.templates import miner as miner_module
from inspector.formats.templates.generated import generated_systems
from inspector.formats.templates.mining import mine
from tests.corpus import CORPUS
from tests.inspector.formats.templates.test_masks import MESSAGES

LOGHUB = CORPUS / "loghub"


def test_mine_leaves_the_header_out():
    lines = ["2026-11-17 09:00:01,000 INFO [pool-1-thread-3] com.acme.Job - job 17 done",
             "2026-11-17 09:00:02,000 WARN [pool-1-thread-4] com.acme.Job - job 18 done",
             "\tat com.acme.Job.run(Job.java:1)"]
    results = mine(lines)
    assert results[0] == results[1] == (1, "job <*> done")
    assert results[2][0] == 2


def _slow_mine(lines):
    log_format = detect(lines[:200])
    log_format.memoizable = False  # every line parsed and masked on its own
    return mine(lines, log_format)


@pytest.mark.parametrize("dataset", ["Apache", "HDFS", "Spark", "Zookeeper"])
def test_mining_by_shape_gives_what_mining_each_line_gives(dataset):
    log = LOGHUB / f"{dataset}_2k.log"
    if not log.exists():
        pytest.skip("corpus absent")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert mine(lines) == _slow_mine(lines)


def test_mining_by_shape_on_generated_systems():
    for system in generated_systems():
        assert mine(system.lines) == _slow_mine(system.lines), system.name


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["INFO", "WARN", "ERROR"]), MESSAGES), min_size=1,
                max_size=60), st.randoms(use_true_random=False))
def test_mining_by_shape_on_generated_lines(records, rng):
    lines = [f"2026-11-17 09:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d},"
             f"{rng.randint(0, 999):03d} {level} [exec-{rng.randint(1, 12)}] c.a.B - {message}"
             for level, message in records]
    lines += [f"\tat c.a.B.f(B.java:{rng.randint(1, 99)})", "multi\nline 12"]
    assert mine(lines) == _slow_mine(lines)


class _CountingMiner(miner_module.TemplateMiner):
    """Counts the token comparisons the tree makes: the work that is not a dict lookup."""

    comparisons = 0

    def _best(self, leaf, tokens):
        _CountingMiner.comparisons += len(leaf) * len(tokens)
        return super()._best(leaf, tokens)


def _log(lines: int, seed: int = 3) -> list[str]:
    # User and host names without digits: every line a new key for the tree to place.
    rng = random.Random(seed)
    events = ("user {} logged in from host {}", "job {} of {} finished",
              "cache miss for key {} owned by {}", "disk {} full on node {}")

    def word():
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))

    return [f"2026-11-17 09:{n // 60 % 60:02d}:{n % 60:02d},000 INFO [w-{n % 9}] c.a.B - "
            + rng.choice(events).format(word(), word()) for n in range(lines)]


def test_mining_is_linear_in_lines():
    work = []
    for lines in (10_000, 40_000):
        _CountingMiner.comparisons = 0
        mine(_log(lines), miner_factory=lambda header: _CountingMiner(header=header))
        work.append(_CountingMiner.comparisons)
    # Four times the lines cost about four times the tree's work (a little more while the
    # leaves fill up to their bound in the first lines), never the sixteen of a quadratic.
    assert 0 < work[1] <= 4.5 * work[0]
