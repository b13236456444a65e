import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.logformat import digit_blind
from inspector.formats.templates.masks import (
    MAX_MESSAGE,
    VARIABLE_PARTS,
    mask,
    shape,
    shape_decides_mask,
)


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
    # The value of key=value varies whatever its shape; an empty value stays empty.
    ("acquire name=com.android.systemui, ws=null, tag=\"View Lock\"",
     "acquire name=<*>, ws=<*>, tag=<*>"),
    ("logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=host.example.net",
     "logname= uid=<*> euid=<*> tty=<*> ruser= rhost=<*>"),
    # A quantity written twice is one value; so is a bound, and a time written with colons.
    ("18846 bytes (18.4 KB) received, lifetime <1 sec", "<*> received, lifetime <*>"),
    ("426 bytes received, lifetime 00:01", "<*> received, lifetime <*>"),
    ("listening on host:8080", "listening on host:<*>"),
])
def test_mask(message, masked):
    assert mask(message) == masked


def test_long_and_hostile_messages_are_masked_in_bounded_form():
    for hostile in ("a." * 500_000, "k=" * 500_000, "0:" * 500_000, "<1 " * 500_000):
        assert len(mask(hostile)) <= 4 * MAX_MESSAGE
    assert mask("x" * 10_000_000).endswith("<*>")


# Pieces of realistic messages, dense in what the masks look at: digits next to dots, colons,
# slashes, dashes, quotes, equal signs, parentheses, hex prefixes, units, UUID-like and
# IP-like runs.
_PIECES = st.sampled_from([
    "user", "took", "ms", "KB", "s", "in", "GET", "/api/v1/orders/", "http://h:80/x?a=", "blk_",
    "-", ".", ":", "/", '"', " ", "  ", "\t", "x", "X", "0x", "0X", "deadbeef", "(", ")", ",",
    "=", "e89b-12d3-", "10.0.0.", "a1b2c3d4", "é", "١٢", "<*>", "_", "v", "[", "]", ".log",
    " ms", "1x", "0x1", "<", ">", " (", "bytes", "k=", "sec",
])
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)
MESSAGES = st.lists(st.one_of(_PIECES, _DIGITS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(MESSAGES, st.randoms(use_true_random=False))
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
