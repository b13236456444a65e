"""What regular expressions require: the literals a pattern cannot match without.

The knowledge base (signatures over log lines) and the log analyzer's known-issue check
both skip a line at once when it holds none of the strings every signature pattern needs:
a few substring searches are far cheaper than running the combined regex on every line.

``required_literals`` reads the pattern's parse tree (``re._parser``, the stable form the
``re`` module itself compiles from) and returns a set of literal strings one of which every
match contains, or ``None`` when it cannot name one. It is sound, never complete: a text
holding none of them cannot match; a text holding one still has to be matched.

>>> required_literals(r"HikariPool-\\d+ - (?:pool|Connection) is not available")
(' is not available',)
>>> required_literals(r"\\b(?:Bad Gateway|Gateway Time-?out) \\d+")
('Bad Gateway', 'Gateway Time')
>>> required_literals(r'"\\s(?:502|504)\\s')  # re factors the branch as 50[24]
('502', '504')
>>> required_literals(r"\\d+ ms") is None
False
>>> required_literals(r"[a-z]+\\d", min_length=3) is None
True
"""

from __future__ import annotations

from re import _constants as sre_constants  # the parsed-pattern opcodes of ``re``
from re import _parser as sre_parse
from typing import Any

REPEATS = frozenset({sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                     getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)})
MAX_SPELLINGS_PER_RUN = 8


def required_literals(pattern: str, *, min_length: int = 1,
                      ascii_only: bool = False) -> tuple[str, ...] | None:
    """Literals, one of which every match of ``pattern`` contains (see the module doc).

    Each candidate is a literal run (a small class of literal characters such as ``[24]``
    multiplies its spellings), a mandatory group or repeat, or an alternation whose every
    branch has one; the most selective candidate (the longest shortest string) of at least
    ``min_length`` characters wins. With ``ascii_only`` a non-ASCII character ends a run,
    for callers that fold case with ASCII rules.
    """
    return _literals(sre_parse.parse(pattern), min_length, ascii_only)


def _literals(items: Any, min_length: int, ascii_only: bool) -> tuple[str, ...] | None:
    best: tuple[str, ...] | None = None

    def consider(candidate: tuple[str, ...] | None) -> None:
        nonlocal best
        if candidate and min(map(len, candidate)) >= max(min_length, 1) and (
                best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    runs = [""]
    for op, arg in items:
        if op == sre_constants.LITERAL and (arg < 128 or not ascii_only):
            runs = [run + chr(arg) for run in runs]
            continue
        if (op == sre_constants.IN
                and all(kind == sre_constants.LITERAL and (value < 128 or not ascii_only)
                        for kind, value in arg)
                and len(runs) * len(arg) <= MAX_SPELLINGS_PER_RUN):
            runs = [run + chr(value) for run in runs for _, value in arg]
            continue
        consider(tuple(runs))
        runs = [""]
        if op == sre_constants.SUBPATTERN:
            consider(_literals(arg[-1], min_length, ascii_only))
        elif op == sre_constants.BRANCH:
            branches = [_literals(branch, min_length, ascii_only) for branch in arg[1]]
            if all(branches):
                consider(tuple(text for branch in branches for text in branch or ()))
        elif op in REPEATS and arg[0] >= 1:
            consider(_literals(arg[2], min_length, ascii_only))
    consider(tuple(runs))
    return best
