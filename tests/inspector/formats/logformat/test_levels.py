import pytest

from inspector.formats.logformat.digits import digit_blind
from inspector.formats.logformat.levels import (
    LEVEL_FIELD,
    MESSAGE_HEAD,
    level_from_status,
    message_level,
    normalize_level,
)


def test_levels_are_normalized():
    assert [normalize_level(w) for w in ("TRACE", "Debug", "information", "[warn]", "ERR",
                                         "Fatal", "emerg", "Note", "dbug", "nonsense", None)] == \
        ["trace", "debug", "info", "warning", "error", "critical", "critical", "info", "debug",
         None, None]
    assert [level_from_status(s) for s in (200, 404, 503)] == ["info", "warning", "error"]


@pytest.mark.parametrize(("message", "level"), [
    # klog inside a journal or a container log: the letter is the level
    ('E0211 19:12:25.133070   67177 server.go:495] "Error running ProxyServer"', "error"),
    ("W1110 14:17:44.066997    2296 patch_prober.go:28] probe", "warning"),
    # logfmt and JSON fields
    ('level=warn ts=2021-11-15T09:21:29.685Z caller=cluster.go:228 msg="failed to join"',
     "warning"),
    ('time="2025-01-02T03:04:05Z" level=fatal msg="bye"', "critical"),
    ('{"ts": 1.5, "level": "error", "msg": "x"}', "error"),
    # a header of the program's own: a bracketed level, capitals, ``level:``
    ("[WARN] disk low", "warning"),
    ("<error> cannot bind", "error"),
    ("ERROR: relation does not exist", "error"),
    ("error: no such file or directory", "error"),
    ("fail: Microsoft.AspNetCore.Server[0]", "error"),
    ("2022-02-04 09:52:57,561 ERROR [main] c.a.Api - failed", "error"),
    ("12 WARN pool low", "warning"),
    # free text is never guessed at
    ("job failed: an ERROR occurred", None),
    ("Failed to start Network Service.", None),
    ("(root) CMD (run-parts ERROR)", None),
    ("errors=remount-ro", None),
    ("Error handling request", None),
])
def test_a_message_level_comes_from_its_own_header(message, level):
    assert message_level(message) == level


def test_message_level_patterns_treat_all_digits_alike():
    # The fast path memoizes a level per line shape (digits turned into 0).
    for pattern in (MESSAGE_HEAD.pattern, LEVEL_FIELD.pattern):
        assert digit_blind(pattern)
