"""Where a SQL statement ends, for the splitter's fast path: the pure-Python twin.

``statement_end(buffer, start, at_end)`` answers one question for
``inspector.formats.sqlsplit``: does the text at ``start`` hold a statement whose end
``sqlparse.split`` would certainly put at the same place, and where is that end? It accepts
only text whose split sqlparse would certainly agree with: quoted strings and names of both
dialects (``''``, backslash escapes, ``""``, backticks), ``--``/``# ``/``/* */`` comments (a
``/*!40101 ... */`` conditional comment is a comment to sqlparse too), PostgreSQL dollar
quotes (``$$``, ``$tag$``), parentheses nested up to ``PAREN_DEPTH`` (a ``;`` inside them
does not end a statement), and the same-line whitespace and ``--`` comments sqlparse
attaches to the statement before them. Anything else (a ``BEGIN`` or ``DECLARE`` block, a
``GO``, ``END`` inside parentheses, an unbalanced quote or parenthesis, deeper nesting, a
``#`` that is not a comment) gives -1, and the splitter asks sqlparse itself.

This module is the definition, written as one regular expression per answer;
``inspector/native/sqlscan.pyx`` is its compiled twin, a byte-at-a-time scanner that must
give the same answer for every input (tests/inspector/native/test_sqlscan.py feeds both).
A change to what is accepted is made in both, in the same commit.

>>> statement_end(b"INSERT INTO t VALUES (';'); -- done\\nSELECT 2;", 0, False)
36
>>> statement_end(b"SELECT 1", 0, False), statement_end(b"SELECT 1", 0, True)
(-1, 8)
>>> statement_end(b"CREATE PROCEDURE p() BEGIN SELECT 1; END;", 0, True)
-1
"""

from __future__ import annotations

import re

PAREN_DEPTH = 8

# Written for the speed of Python's regex engine: it passes over an alternative of
# "(?:A|B|...)" with a one-byte test only when the alternative starts with a literal byte
# or a byte class; one that starts with an assertion or a repetition is entered on every
# turn of the loop, and these loops turn once per token. So every alternative below starts
# with its first byte (a look-behind comes after that byte and looks back over it), and
# the loops are unrolled as "run (token run)*", so that runs of ordinary bytes, the bulk of
# a dump, never go through the alternation at all.

# A run: bytes that hold no statement-ending ';' and that sqlparse tokenizes the same way.
_RUN = rb"[^;'\"`\xb4()\[\-/#$+@%^&|A-Za-z_]*+"
# A byte 0xB4 is sqlparse's acute-accent name quote only as the UTF-8 of U+00B4.
_ACUTE = rb"\xb4(?<!\xc2\xb4)"
_STRING_SINGLE = rb"'[^'\\]*+(?:(?:''|\\'|\\\\(?!')|\\(?![\\']))[^'\\]*+)*+'"
_STRING_DOUBLE = rb'"[^"\\]*+(?:(?:""|\\"|\\\\(?!")|\\(?![\\"]))[^"\\]*+)*+"'
_BACKTICK = rb"`[^`]*+(?:``[^`]*+)*+`"
_COMMENT = rb"/\*(?s:.*?)\*/|--[^\r\n]*+|\#\ [^\r\n]*+"
_OPERATOR = rb"[+@%^&|][+/@#%^&|\-]*+|/(?!\*)[+/@#%^&|\-]*+|-(?!-)"
_BRACKET = rb"\[(?=\])|\[(?<=[A-Za-z0-9_\])]\[)"
_DOLLAR_OTHER = (rb"\$(?<=[A-Za-z0-9_\"$]\$)|\$(?![A-Za-z_$\x80-\xff])"
                 rb"|\$[A-Za-z_][A-Za-z0-9_]*+(?![$A-Za-z0-9_\x80-\xff])")

# BEGIN, DECLARE and GO change sqlparse's block level anywhere; so does END, but after it
# only a ';' inside parentheses can end the statement early (sqlparse's level goes below
# zero), so CASE ... END stays on the fast path at the top as long as no parenthesis after
# it holds a ';'. A word whose first letter cannot start one of them skips that check.
# sqlparse reads "0x1" in "0x1GO" and "1e5" in "1e5begin" as numbers and the rest as a
# keyword, so letters glued to digits must not hold a blocked word anywhere.
_WORD_TAIL = rb"(?![A-Za-z0-9_$#])"
_BLOCKED_TOP = (rb"(?i:begin|declare)" + _WORD_TAIL + rb"|GO" + _WORD_TAIL)
_BLOCKED_IN = (rb"(?i:begin|declare|end)" + _WORD_TAIL + rb"|GO" + _WORD_TAIL)
_WORD_REST = rb"[A-Za-z0-9_$#]*+"


def _words(blocked_words: bytes) -> bytes:
    """A word: a fast branch, a branch that checks for a blocked word, one after a digit."""
    return (rb"[ACFH-Zacf-z_](?<![0-9].)" + _WORD_REST
            + rb"|[bBdDeEG](?<=(?<![0-9])(?!" + blocked_words + rb").)" + _WORD_REST
            + rb"|[A-Za-z_](?<=[0-9](?![A-Za-z0-9_$#]*?(?i:begin|declare|end|go)).)"
            + _WORD_REST)


def _dollar_quote(tag: bytes) -> bytes:
    # The look-ahead keeps the group from being entered when it cannot match: CPython
    # before 3.11.11 then leaves its start after its end inside a possessive loop and
    # raises SystemError (python/cpython#101955), e.g. on "SELECT $a$x$a$, $1;".
    return (rb"\$(?<![A-Za-z0-9_\"$\x80-\xff]\$)(?:\$(?s:.*?)\$\$|(?=[A-Za-z_])(?P<" + tag
            + rb">[A-Za-z_][A-Za-z0-9_]*+)\$(?s:.*?)\$(?P=" + tag + rb")\$)")


def _tokens(tag: bytes, blocked_words: bytes) -> list[bytes]:
    """Every token but a run and a parenthesis, the most frequent in dumps first.

    None holds a statement-ending ';'. Their order only decides where two can start with
    the same byte: a comment before an operator, a dollar quote before another dollar.
    """
    return [_STRING_SINGLE, _words(blocked_words), _STRING_DOUBLE, _BACKTICK, _COMMENT,
            _ACUTE, _OPERATOR, _BRACKET, _dollar_quote(tag), _DOLLAR_OTHER]


def _loop(alternatives: list[bytes]) -> bytes:
    """A run, then any number of (one of ``alternatives``, a run)."""
    return _RUN + rb"(?:(?:" + b"|".join(alternatives) + rb")" + _RUN + rb")*+"


def _parens(name: bytes, semicolons: bool) -> list[bytes]:
    """Parentheses nested up to ``PAREN_DEPTH``, holding a ';' or not."""
    parens: list[bytes] = []  # the innermost level holds no parentheses
    for level in range(1, PAREN_DEPTH + 1):
        tokens = _tokens(name + str(level).encode(), _BLOCKED_IN)
        inside = [*parens, *tokens, b";"] if semicolons else [*parens, *tokens]
        parens = [rb"\(" + _loop(inside) + rb"\)"]
    return parens


def _body_pattern() -> bytes:
    # A parenthesis comes first in each loop: extended INSERTs are mostly parentheses.
    before_end = _loop([*_parens(b"a", True), *_tokens(b"a0", _BLOCKED_IN)])
    after_end = _loop([*_parens(b"b", False), *_tokens(b"b0", _BLOCKED_TOP)])
    return before_end + rb"(?:(?<![0-9])(?i:end)" + _WORD_TAIL + after_end + rb")?"


_BODY = _body_pattern()
# What sqlparse attaches to a statement after its ';': blanks and one-line comments, up to
# the first bare newline.
_TAIL = rb"(?:[ \t\x0b\x0c\x1c-\x1f]|(?:--|\#\ )[^\r\n]*+(?:\r\n|\r|\n)?)*+"
_STATEMENT = re.compile(_BODY + rb";" + _TAIL)
_LAST_STATEMENT = re.compile(_BODY + rb"\Z")


def statement_end(buffer: bytes, start: int, at_end: bool) -> int:
    """Where the statement at ``start`` ends, or -1.

    The end is after its ``;`` and the blanks and one-line comments sqlparse attaches to it,
    up to the first bare line break. When ``at_end`` (nothing follows ``buffer``), a last
    statement without a ``;`` ends at the end of ``buffer``. -1: no statement the fast path
    can vouch for here; more text may give one, or only sqlparse can tell. Bytes before
    ``start`` are looked at, as sqlparse's tokenizer would (a ``$`` after a letter is no
    dollar quote).
    """
    match = _STATEMENT.match(buffer, start)
    if match is not None:
        return match.end()
    if at_end and _LAST_STATEMENT.match(buffer, start) is not None:
        return len(buffer)
    return -1
