import csv
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.logformat import detect, digit_blind
from inspector.formats.templates import (
    VARIABLE_PARTS,
    TemplateMiner,
    mask,
    mine,
    shape,
    shape_decides_mask,
)
from tests.corpus import CORPUS as SHARED_CORPUS

CORPUS = SHARED_CORPUS / "loghub"

# Drain's published grouping accuracy (Zhu et al., ICSE-SEIP 2019), with per-dataset tuning.
DRAIN_GA = {"Apache": 1.000, "HDFS": 0.998, "Zookeeper": 0.967, "Spark": 0.920}


def grouping_accuracy(truth: list[str], ours: list[int]) -> float:
    """A line is right when its group holds exactly the lines that share its true template."""
    truth_groups: dict[str, set[int]] = defaultdict(set)
    our_groups: dict[int, set[int]] = defaultdict(set)
    for index, (true_id, our_id) in enumerate(zip(truth, ours, strict=True)):
        truth_groups[true_id].add(index)
        our_groups[our_id].add(index)
    right = sum(1 for index, (true_id, our_id) in enumerate(zip(truth, ours, strict=True))
                if truth_groups[true_id] == our_groups[our_id])
    return right / len(truth)


def test_grouping_accuracy_definition():
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 2]) == 1.0
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 1]) == 0.0
    assert grouping_accuracy(["a", "a", "b"], [1, 2, 3]) == pytest.approx(1 / 3)


@pytest.mark.corpus
@pytest.mark.parametrize("dataset", sorted(DRAIN_GA))
def test_grouping_accuracy_matches_drain_on_loghub(dataset):
    log = CORPUS / f"{dataset}_2k.log"
    if not log.exists():
        pytest.skip("corpus absent")
    lines = log.read_text(encoding="utf-8").splitlines()
    with (CORPUS / f"{dataset}_2k.log_structured.csv").open(encoding="utf-8") as stream:
        truth = [row["EventId"] for row in csv.DictReader(stream)]
    ours = [template_id for template_id, _ in mine(lines)]
    assert grouping_accuracy(truth, ours) >= DRAIN_GA[dataset]


@pytest.mark.parametrize(("message", "masked"), [
    ("user 42 logged in from 10.0.0.5:5432", "user <*> logged in from <*>"),
    ("request 3f2a9c1e-0b7d-4c5e-9f00-1234567890ab done", "request <*> done"),
    ("GET https://api.example.com/v1/users?id=7 took 120 ms", "GET <*> took <*>"),
    ("opened /var/lib/app/data/file.db", "opened <*>"),
    ('user "John Smith" not found', "user <*> not found"),
    ("pointer 0xdeadbeef freed", "pointer <*> freed"),
    ("stored block broadcast_0_piece0 (17.2 KB, free 413.9 MB)",
     "stored block <*> (<*>, free <*>)"),
    ("deleting blk_1 blk_2 blk_3", "deleting <*>"),
    ("Can't find child", "Can't find child"),
])
def test_mask(message, masked):
    assert mask(message) == masked


def test_miner_widens_templates_and_keeps_ids_stable():
    miner = TemplateMiner()
    ids = [miner.add(m) for m in ("Connected to alpha", "Connected to beta", "disk full",
                                  "Connected to gamma")]
    assert ids == [1, 1, 2, 1]
    assert miner.template(1) == "Connected to <*>"
    assert len(miner) == 2


def test_different_events_with_few_shared_words_stay_apart():
    miner = TemplateMiner()
    first = miner.add("Client attempting to establish new session at /10.0.0.1:5000")
    second = miner.add("Client attempting to renew session 0x1f at /10.0.0.2:5000")
    assert first != second


def test_mine_leaves_the_header_out():
    lines = ["2026-11-17 09:00:01,000 INFO [pool-1-thread-3] com.acme.Job - job 17 done",
             "2026-11-17 09:00:02,000 WARN [pool-1-thread-4] com.acme.Job - job 18 done",
             "\tat com.acme.Job.run(Job.java:1)"]
    results = mine(lines)
    assert results[0] == results[1] == (1, "job <*> done")
    assert results[2][0] == 2


def test_long_and_hostile_messages_are_mined_in_bounded_form():
    miner = TemplateMiner()
    huge = "x" * 10_000_000
    assert miner.add(huge) == miner.add(huge + "y")
    assert len(mask("a." * 500_000)) <= 2000


# Pieces of realistic messages, dense in what the masks look at: digits next to dots, colons,
# slashes, dashes, quotes, hex prefixes, units, UUID-like and IP-like runs.
_PIECES = st.sampled_from([
    "user", "took", "ms", "KB", "s", "in", "GET", "/api/v1/orders/", "http://h:80/x?a=", "blk_",
    "-", ".", ":", "/", '"', " ", "  ", "\t", "x", "X", "0x", "0X", "deadbeef", "(", ")", ",",
    "=", "e89b-12d3-", "10.0.0.", "a1b2c3d4", "é", "١٢", "<*>", "_", "v", "[", "]", ".log",
    " ms", "1x", "0x1",
])
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)
_MESSAGES = st.lists(st.one_of(_PIECES, _DIGITS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MESSAGES, st.randoms(use_true_random=False))
def test_messages_of_one_shape_share_their_mask(message, rng):
    # Another message of the same shape: every ASCII digit replaced by a 0 or a 1 (whether a
    # digit is 0 is all that could matter).
    twin = "".join(rng.choice("01") if c in "0123456789" else c for c in message)
    message_shape = shape(message)
    assert len(message_shape) == len(message) and shape(twin) == message_shape
    if shape_decides_mask(message_shape):
        assert mask(message) == mask(twin) == mask(message_shape)


def test_a_hex_prefix_is_why_some_shapes_do_not_decide_the_mask():
    # "1x5 s" is a number with a unit; "0x5 s" a hex value and a word: same shape, two masks.
    assert shape("1x5 s") == shape("0x5 s") == "0x0 s"
    assert mask("1x5 s") != mask("0x5 s")
    assert not shape_decides_mask(shape("1x5 s"))
    # And it is the only mask that tells digits apart: a new one must keep this true.
    assert not digit_blind(VARIABLE_PARTS.pattern)
    assert digit_blind(VARIABLE_PARTS.pattern.replace(r"|\b0[xX][0-9a-fA-F]++", ""))


def test_lookup_tells_what_the_miner_remembers():
    miner = TemplateMiner()
    template_id = miner.add(mask("user 7 logged in"), masked=True)
    assert miner.lookup(mask("user 9 logged in")) == template_id
    assert miner.lookup("never seen") is None


def _slow_mine(lines):
    log_format = detect(lines[:200])
    log_format.memoizable = False  # every line parsed and masked on its own
    return mine(lines, log_format)


@pytest.mark.parametrize("dataset", ["Apache", "HDFS", "Spark", "Zookeeper"])
def test_mining_by_shape_gives_what_mining_each_line_gives(dataset):
    log = CORPUS / f"{dataset}_2k.log"
    if not log.exists():
        pytest.skip("corpus absent")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert mine(lines) == _slow_mine(lines)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["INFO", "WARN", "ERROR"]), _MESSAGES), min_size=1,
                max_size=60), st.randoms(use_true_random=False))
def test_mining_by_shape_on_generated_lines(records, rng):
    lines = [f"2026-11-17 09:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d},"
             f"{rng.randint(0, 999):03d} {level} [exec-{rng.randint(1, 12)}] c.a.B - {message}"
             for level, message in records]
    lines += [f"\tat c.a.B.f(B.java:{rng.randint(1, 99)})", "multi\nline 12"]
    assert mine(lines) == _slow_mine(lines)
