"""Masks: a message's variable parts replaced by ``<*>``, judged by the shape of each part.

``mask`` replaces what varies between the lines of one event: UUIDs, URLs, IP addresses and
ports, hex values, paths, quoted values, the value of every ``key=value``, and every word
holding a digit (with the unit that follows a number: ``17.2 KB`` is one value). Adjacent
variables become one, and so does a value followed by another rendering of it in
parentheses: ``18846 bytes (18.4 KB)`` is one quantity written twice, so a line that
writes it once and a line that writes it twice stay one event.

Decisions the next engineer needs:

- Every part is recognised by its shape, never by a word list of one system: a value is
  what looks like a value anywhere (digits, a path, a quoted string, the right side of
  ``=``). Words without digits (user and host names) are left to the miner, which merges
  messages that differ in a few words (``miner``).
- ``shape(text)`` turns every ASCII digit into ``0`` and keeps the length. Every mask but
  the hex one (``0x``) treats all digits alike and bounds only lengths, and every digit ends
  up masked, so two messages of the same shape have the same mask whenever the shape holds
  no ``0x``/``0X`` (``shape_decides_mask``). The ``logs`` analyzer and ``mine`` mine big
  files per shape, not per line: millions of lines share a few thousand shapes. Shape whole
  chunks at once (``translate`` costs nanoseconds a character on a big string, a
  microsecond a call).
- Messages are masked on their first ``MAX_MESSAGE`` characters; every mask is linear
  (possessive or bounded repeats), so a crafted 10 MB line costs linear time.

>>> mask("Connection 42 from 10.0.0.5:5432 closed after 3.5 s")
'Connection <*> from <*> closed after <*>'
>>> mask("close, 451 bytes sent, 18846 bytes (18.4 KB) received, user=alice")
'close, <*> sent, <*> received, user=<*>'
"""

from __future__ import annotations

import re

MAX_MESSAGE = 1000
WILDCARD = "<*>"

# The variable parts ``mask`` replaces, one alternative per kind; public so that tests can
# hold it to the shape rule (see the module doc).
VARIABLE_PARTS = re.compile(
    # The value of key=value: whatever its shape, it is what varies.
    r"(?<=[\w\])]=)[^\s,;&|)\]}>\"'=]{1,500}+"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s\"'<>]{1,2000}"
    r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])"
    r"|\b0[xX][0-9a-fA-F]++"
    r"|(?<![\w.])(?:/[\w.@%+~-]{1,200}){2,64}/?+"
    r"|(?<!\w)\"[^\"\n]{0,200}\""
    # A word holding a digit; parts joined by colons are one value (a time, a duration, a
    # MAC address), and so is a bound ("<1 sec").
    r"|(?:(?<![\w.-])[<>]?[A-Za-z_.-]*+\d[\w.-]*+(?::[\w.-]*\d[\w.-]*+)*+|\d++)"
    # A quantity's unit belongs to the quantity: "17.2 KB" and "384 B" are one value.
    r"(?:[ \t]?(?:[KMGT]i?B|B|bytes|ms|us|ns|s|sec|secs|seconds|min)\b)?+"
)
# A value followed by another rendering of it: "18846 bytes (18.4 KB)".
_RESTATED = re.compile(r"<\*>[ \t]?\(<\*>\)")
# Adjacent variables are one variable: a list of block ids, a number and its unit.
_REPEATED_WILDCARDS = re.compile(r"<\*>(?:[ \t]{0,10}<\*>)++")
_SHAPE = str.maketrans("123456789", "000000000")


def shape(text: str) -> str:
    """``text`` with every ASCII digit turned into ``0`` (same length).

    >>> shape("took 17.25 ms on 0x1f"), shape_decides_mask(shape("took 17.25 ms on 0x1f"))
    ('took 00.00 ms on 0x0f', False)
    """
    return text.translate(_SHAPE)


def shape_decides_mask(message_shape: str) -> bool:
    """Whether every message of this shape has the mask of the shape (see the module doc)."""
    return "0x" not in message_shape and "0X" not in message_shape


def mask(message: str) -> str:
    """``message`` with its variable parts replaced by ``<*>`` (see the module doc)."""
    if len(message) > MAX_MESSAGE:
        # Cut at a word boundary: a half token would make a template of its own.
        message = message[:MAX_MESSAGE].rsplit(None, 1)[0] + " " + WILDCARD
    masked = VARIABLE_PARTS.sub(WILDCARD, message)
    if "*> (<*" in masked or "*>(<*" in masked or "*>\t(<*" in masked:
        masked = _RESTATED.sub(WILDCARD, masked)
    if "*> <*" not in masked and "*><*" not in masked and "*>\t<*" not in masked:
        return masked
    return _REPEATED_WILDCARDS.sub(WILDCARD, masked)
