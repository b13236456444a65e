"""Whether a regex treats all ASCII digits alike: the fact the fast path for big logs rests on.

When a pattern is ``digit_blind`` (no literal digit, no class holding some digits but not
others, no back-reference), two lines of the same *shape* (every ASCII digit turned into
``0``, see ``inspector.formats.templates.shape``) take exactly the same path through it, with
the same spans. So a format's layout (level, where the message and the timestamp are) is
computed once per shape (``LogFormat.layout``, ``LogFormat.memoizable``), and the message
masks of ``inspector.formats.templates`` are held to the same rule, all but the hex one.

The answer comes from the pattern as ``re`` parses it, so it covers every construct ``re``
has: repeats, groups, branches, lookarounds, atomic groups and possessive repeats.
"""

from __future__ import annotations

from re import _constants as sre_constants  # the parsed-pattern opcodes of ``re``
from re import _parser as sre_parse
from typing import Any

_SOME_DIGITS = {sre_constants.CATEGORY_DIGIT: True, sre_constants.CATEGORY_NOT_DIGIT: False,
                sre_constants.CATEGORY_WORD: True, sre_constants.CATEGORY_NOT_WORD: False,
                sre_constants.CATEGORY_SPACE: False, sre_constants.CATEGORY_NOT_SPACE: True}
_DIGIT_CODES = range(ord("0"), ord("9") + 1)


def digit_blind(pattern: str) -> bool:
    """Whether ``pattern`` treats all ASCII digits alike, so that replacing digits by other
    digits in a text never changes which path a match takes, nor any span.

    >>> digit_blind(r"\\d{4}-\\w+ [^0-9]"), digit_blind(r"0x[0-9a-f]+"), digit_blind(r"[0-5]")
    (True, False, False)
    """
    def blind(items: Any) -> bool:
        for op, arg in items:
            if op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
                return False  # a back-reference compares the digits themselves
            if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
                if arg in _DIGIT_CODES:
                    return False
            elif op == sre_constants.IN:
                if len({_in_class(arg, code) for code in _DIGIT_CODES}) > 1:
                    return False
            elif not all(blind(inner) for inner in _inner_patterns(op, arg)):
                return False
        return True

    return blind(sre_parse.parse(pattern))


def _inner_patterns(op: Any, arg: Any) -> list[Any]:
    """The sub-patterns of one parsed-pattern item (repeats, groups, branches, lookarounds)."""
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
              getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)):
        return [arg[2]]
    if op == sre_constants.SUBPATTERN:
        return [arg[-1]]
    if op == sre_constants.BRANCH:
        return list(arg[1])
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [arg[1]]
    if op == getattr(sre_constants, "ATOMIC_GROUP", None):
        return [arg]
    return []


def _in_class(items: Any, code: int) -> bool:
    inside = False
    negate = False
    for op, arg in items:
        if op == sre_constants.NEGATE:
            negate = True
        elif op == sre_constants.LITERAL:
            inside |= arg == code
        elif op == sre_constants.RANGE:
            inside |= arg[0] <= code <= arg[1]
        elif op == sre_constants.CATEGORY:
            inside |= _SOME_DIGITS.get(arg, True)
    return inside != negate
