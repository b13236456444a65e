from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.miner import TemplateMiner


def test_miner_widens_templates_and_keeps_ids_stable():
    miner = TemplateMiner()
    ids = [miner.add(m) for m in ("Connected to alpha", "Connected to beta", "disk full",
                                  "Connected to gamma")]
    assert ids == [1, 1, 2, 1]
    assert miner.template(1) == "Connected to <*>"
    assert len(miner) == 2


def test_different_events_with_few_shared_words_stay_apart():
    miner = TemplateMiner()
    first = miner.add("Connection closed by peer 10.0.0.1")
    second = miner.add("Connection refused by server 10.0.0.2")
    assert first != second


def test_one_word_that_varies_in_a_short_message_is_a_variable():
    miner = TemplateMiner()
    ids = {miner.add(f"Invalid user {name} from 10.0.0.{n}")
           for n, name in enumerate(("webmaster", "chen", "pgadmin", "oracle"))}
    assert ids == {1} and miner.template(1) == "Invalid user <*> from <*>"


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
