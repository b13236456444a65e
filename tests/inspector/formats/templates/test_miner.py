import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.templates.header import MessageHeader
from inspector.formats.templates.masks import WILDCARD
from inspector.formats.templates.miner import MAX_LEAF_CLUSTERS, TemplateMiner


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


def _full_scan(keys, similarity, max_children):
    """Drain as the miner states it, comparing a new key with every cluster of its leaf:
    the oracle for the miner's token index. Returns the ids and the final templates."""
    root, templates, known, ids = {}, [], {}, []
    for key in keys:
        if key not in known:
            tokens = key.split() or [""]
            node = root.setdefault(len(tokens), {})
            for token in tokens[:2]:
                route = WILDCARD if WILDCARD in token else token
                if route not in node and len(node) >= max_children:
                    route = WILDCARD
                node = node.setdefault(route, {})
            leaf = node.setdefault("", [])
            best, best_score = None, (-1.0, -1)
            for index in leaf:
                template = templates[index]
                same = sum(1 for a, b in zip(template, tokens, strict=True)
                           if a == b != WILDCARD)
                score = (same / len(tokens), template.count(WILDCARD))
                if score > best_score:
                    best, best_score = index, score
            if best is not None and best_score[0] >= similarity:
                templates[best] = [a if a == b else WILDCARD
                                   for a, b in zip(templates[best], tokens, strict=True)]
            else:
                best = len(templates)
                templates.append(tokens)
                if len(leaf) < MAX_LEAF_CLUSTERS:
                    leaf.append(best)
            known[key] = best + 1
        ids.append(known[key])
    return ids, [" ".join(template) for template in templates]


_WORDS = st.sampled_from(["open", "close", "disk", "user", "alice", "from", "to", "a",
                          WILDCARD, "id=<*>", "x<*>y"])


@st.composite
def _events(draw):
    """Keys of a few events, each a token list with some tokens redrawn: near misses,
    merges and ties at the threshold, which random keys seldom give."""
    events = draw(st.lists(st.lists(_WORDS, min_size=1, max_size=6), min_size=1, max_size=4))
    keys = []
    for _ in range(draw(st.integers(0, 120))):
        tokens = list(draw(st.sampled_from(events)))
        for position in draw(st.lists(st.integers(0, len(tokens) - 1), max_size=3)):
            tokens[position] = draw(_WORDS)
        keys.append(" ".join(tokens))
    return keys


@settings(max_examples=100, deadline=None)
@given(_events(), st.sampled_from([0.5, 0.6, 0.75, 1.0]), st.sampled_from([2, 100]))
def test_the_token_index_chooses_what_a_full_scan_of_the_leaf_chooses(keys, similarity,
                                                                      max_children):
    miner = TemplateMiner(similarity, max_children=max_children)
    ids = [miner.add(key, masked=True) for key in keys]
    expected_ids, expected_templates = _full_scan(keys, similarity, max_children)
    assert ids == expected_ids
    assert [template for _, template in miner.templates()] == expected_templates


def test_a_full_leaf_is_joined_only_through_its_first_clusters():
    # Events of one route sharing two words in five (0.4) stay apart; the leaf keeps the
    # first MAX_LEAF_CLUSTERS, so a later line matching a template past them makes its own.
    def word(n):
        return "".join("abcdefghij"[int(digit)] for digit in f"{n:03d}")

    count = MAX_LEAF_CLUSTERS + 20
    keys = [f"job run a{word(n)} b{word(n)} c{word(n)}" for n in range(count)]
    keys += [f"job run a{word(n)} b{word(n)} other" for n in range(count)]
    miner = TemplateMiner()
    ids = [miner.add(key, masked=True) for key in keys]
    assert ids == _full_scan(keys, 0.6, 100)[0]
    assert ids[count:count + MAX_LEAF_CLUSTERS] == list(range(1, MAX_LEAF_CLUSTERS + 1))
    assert ids[-1] == count + 20


def test_the_similarity_is_a_fraction_above_zero():
    with pytest.raises(ValueError, match="similarity"):
        TemplateMiner(0)
