from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.miner import LINES_PER_VALUE, MIN_VALUES, TemplateMiner


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


def test_long_and_hostile_messages_are_mined_in_bounded_form():
    miner = TemplateMiner()
    huge = "x" * 10_000_000
    assert miner.add(huge) == miner.add(huge + "y")


def test_lookup_tells_what_the_miner_remembers():
    miner = TemplateMiner()
    template_id = miner.add(miner.key("user 7 logged in"), masked=True)
    assert miner.lookup(miner.key("user 9 logged in")) == template_id
    assert miner.lookup("never seen") is None


def test_the_key_leaves_the_header_rest_out():
    header = MessageHeader.learn([f"{n} D Tag{n % 3}: started worker {n}" for n in range(30)])
    miner = TemplateMiner(header=header)
    assert miner.key("12 I ActivityManager: started worker 9") == "started worker <*>"


def _family(miner: TemplateMiner, words: list[str], lines_each: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    for word in words:
        template_id = miner.add(f"Invalid user {word} from 10.0.0.1")
        counts[template_id] = counts.get(template_id, 0) + lines_each
    return counts


def test_a_word_with_many_values_is_a_variable_and_merged_at_the_end():
    users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
    miner = TemplateMiner()
    counts = _family(miner, users, 2)
    assert len(miner) == len(users)  # five tokens, one differs: below the threshold
    merged = miner.merge_variables(counts)
    assert len(miner) == 1 and set(merged) == set(counts) - {1}
    assert miner.template(5) == miner.template(1) == "Invalid user <*> from <*>"
    assert list(miner.templates()) == [(1, "Invalid user <*> from <*>")]
    assert miner.canonical(8) == 1


def test_a_few_values_that_recur_are_different_events():
    miner = TemplateMiner()
    counts = _family(miner, ["opened", "closed", "renewed"], 500)
    assert MIN_VALUES > 3 and miner.merge_variables(counts) == {}
    assert len(miner) == 3
    # Even many values stay apart when each recurs in far more lines than a parameter does.
    miner = TemplateMiner()
    counts = _family(miner, [f"v{chr(97 + n)}" for n in range(MIN_VALUES)],
                     LINES_PER_VALUE * 10)
    assert miner.merge_variables(counts) == {}
