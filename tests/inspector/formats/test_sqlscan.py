"""Tests for inspector/formats/sqlscan.py, the definition of the splitter's fast path.

What it accepts must be split exactly as ``sqlparse.split`` splits it; what sqlparse would
split differently (blocks, ``GO``, unbalanced text, deep nesting) must be refused, so the
splitter asks sqlparse. Its compiled twin is held to it in tests/inspector/native/.
"""

from __future__ import annotations

import pytest
import sqlparse
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.sqlscan import PAREN_DEPTH, statement_end

_PIECES = st.sampled_from([
    "select", "insert into t values", "a", "1", "1e5", "0x1F", ",", "(", ")", "[1]", ";",
    "'x'", "'it''s'", "'a\\'b'", "'a;b'", '"q"', "`t`", "$$ x; $$", "$a$ y; $a$", "$1",
    "-- c\n", "/* c; */", "/*!40101 x */", "# c\n", "case when a then 1 end", "begin",
    "declare", "GO", "end", "\n", " ", "\t", "\r\n", "+", "-", "/", "@x", "::text",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=20).map(" ".join))
def test_an_accepted_statement_is_sqlparse_first_statement(text: str) -> None:
    data = text.encode()
    end = statement_end(data, 0, True)
    statements = sqlparse.split(text)
    if end < 0 or not data[:end].strip():
        return  # refused: the splitter asks sqlparse, nothing to compare
    assert statements[0] == data[:end].decode().strip()
    rest = data[end:].decode()
    assert [s for s in sqlparse.split(rest) if s] == statements[1:]


@pytest.mark.parametrize("text", [
    b"CREATE PROCEDURE p() BEGIN SELECT 1; END;",
    b"DECLARE x int; SELECT 1;",
    b"select 1\nGO\nselect 2;",
    b"select 'unclosed; select 2;",
    b"select (1; select 2;",
    b"select 1) ; select 2;",
    b"SELECT " + b"(" * (PAREN_DEPTH + 1) + b"1" + b")" * (PAREN_DEPTH + 1) + b";",
    b"select 1 #comment without a blank;",
    b"select f(end; x);",
])
def test_text_sqlparse_reads_differently_is_refused(text: bytes) -> None:
    assert statement_end(text, 0, True) == -1


def test_the_end_takes_the_same_line_blanks_and_comments_sqlparse_attaches() -> None:
    # Comment lines go on being attached up to the first bare line break.
    for data, expected in [(b"select 1;  -- one\r\n-- two\nselect 2;",
                            b"select 1;  -- one\r\n-- two\n"),
                           (b"select 1;  -- one\n\n-- two\nselect 2;", b"select 1;  -- one\n")]:
        end = statement_end(data, 0, False)
        assert data[:end] == expected
        assert sqlparse.split(data.decode())[0] == expected.decode().strip()


def test_a_last_statement_without_a_semicolon_ends_only_at_the_end_of_input() -> None:
    assert statement_end(b"select 1", 0, False) == -1
    assert statement_end(b"select 1", 0, True) == 8
    assert statement_end(b"x; select 1", 3, True) == 11


def test_nesting_up_to_the_depth_is_accepted() -> None:
    data = b"SELECT " + b"(" * PAREN_DEPTH + b"1;" + b")" * PAREN_DEPTH + b"; x"
    assert statement_end(data, 0, False) == len(data) - 1


def test_bytes_before_the_start_are_looked_at() -> None:
    # "$a$" after a letter is no dollar quote to sqlparse: the ';' inside ends the statement.
    data = b"x$a$; $a$;"
    assert statement_end(data, 1, True) == 6
    assert statement_end(b" $a$; $a$;", 1, True) == 10
