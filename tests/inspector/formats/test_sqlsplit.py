"""Tests for inspector/formats/sqlsplit.py: same boundaries as sqlparse.split, streaming,
extras; with the boundary scanner compiled and as its Python twin, which must agree on
every statement, line, offset and warning."""

from __future__ import annotations

import io

import pytest
import sqlparse
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats import sqlscan
from inspector.formats.sqlscan import PAREN_DEPTH
from inspector.formats.sqlsplit import (
    SLOW_LIMIT_BYTES,
    StatementReader,
    quote_aware_semicolon,
    split,
    split_statements,
    statement_kind,
)
from tests.backends import BACKENDS, running
from tests.corpus import CORPUS
from tests.growth import assert_linear

CASES = [
    "select 1; select 2",
    "select 1;\n-- note\nselect 2;",
    "select 1; -- same line\nselect 2;",
    "select 1; # hash comment\nselect 2;",
    "select (1;2); x",
    "select 'a;b'; select \"x;\"; select `a;`",
    "insert into t values ('it''s', 'a\\'b;'), (1, NULL);select 1",
    "select $$a;b$$; select $t$ ; $t$; select 2",
    "select $a$x$a$, $1; select 2",
    "create function f() returns int as $body$ begin return 1; end $body$ language plpgsql;",
    "create procedure p() begin select 1; select 2; end; select 3;",
    "BEGIN; update t set a = 1; COMMIT;",
    "select case when a then 1 end from t; select 2",
    "select 1 GO\nselect 2",
    "x +-- not a comment;\ny;",
    "select #a;\nb;",
    "/*!40101 SET NAMES utf8 */;\n/*!40103 SET TIME_ZONE='+00:00' */;",
    "select 1 /* ; */ ; select 2",
    "select 1;\n/* only a comment */\n",
    "select 'unterminated; select 2",
    "select a[1]; select [b;c]; select 3",
    "select 1;   \n\n  ",
    "a;b;c",
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", CASES)
def test_same_boundaries_as_sqlparse(text: str, backend: str) -> None:
    with running(backend):
        assert split(text) == sqlparse.split(text)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("word", ["begin", "BEGIN", "declare", "Declare", "end", "END", "GO",
                                  "Go", "go"])
def test_block_words_in_any_case_split_like_sqlparse(word: str, backend: str) -> None:
    with running(backend):
        check_block_words(word)


def check_block_words(word: str) -> None:
    for text in [f"select ({word} x; 1); select 2", f"select 1 {word} x; select 2;",
                 f"create table t (a int, {word} x; y); select 2",
                 f"create procedure p() {word} x int; select 2;",
                 f"select x{word} (;); select 2", f"select 0x1{word} (;); select 2"]:
        assert split(text) == sqlparse.split(text)


_WORDS = st.sampled_from(["select", "from", "t", "where", "a", "=", "1", "and", "end", "case",
                          "when", "then", "insert", "into", "values", "create", "table",
                          "begin", "declare", "GO", "update", "set", "NULL", ",", "+", "-",
                          "*", "/", "%", "::", ".", "0x1F", "1e5", "x$y", "@v", "#t", "[1]",
                          "\n", "\t"])
_STRINGS = st.text(alphabet=st.sampled_from("ab ;()'\"\\$-/*#\nü"), max_size=8)
_ATOMS = st.one_of(
    _WORDS,
    _STRINGS.map(lambda s: "'" + s.replace("\\", "").replace("'", "''") + "'"),
    _STRINGS.map(lambda s: '"' + s.replace("\\", "").replace('"', '""') + '"'),
    _STRINGS.map(lambda s: "`" + s.replace("`", "") + "`"),
    _STRINGS.map(lambda s: "/*" + s.replace("*/", "") + "*/"),
    _STRINGS.map(lambda s: "-- " + s.replace("\n", "") + "\n"),
    _STRINGS.map(lambda s: "$$" + s.replace("$", "") + "$$"),
    st.sampled_from(["(", ")", ";", " ; ", "'a\\'b'", "$q$ ; $q$"]),
)
_STATEMENT = st.lists(_ATOMS, max_size=14).map(" ".join)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=300, deadline=None)
@given(st.lists(_STATEMENT, min_size=1, max_size=5).map(";\n".join))
def test_generated_statements_split_like_sqlparse(backend: str, text: str) -> None:
    with running(backend):
        assert split(text) == sqlparse.split(text)


@pytest.mark.corpus
@pytest.mark.parametrize("backend", BACKENDS)
def test_pagila_schema_matches_sqlparse(backend: str) -> None:
    path = CORPUS / "sql" / "pagila-schema.sql"
    if not path.exists():
        pytest.skip("corpus absent")
    text = path.read_text()
    with running(backend):
        assert split(text) == sqlparse.split(text)


def _dump(rows: int) -> bytes:
    values = ",".join(f"({i},'name {i}; it''s',NULL,'2026-01-01')" for i in range(rows))
    return (b"-- MySQL dump\n/*!40101 SET NAMES utf8mb4 */;\n"
            b"CREATE TABLE `t` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n);\n"
            + b"".join(f"INSERT INTO `t` VALUES {values};\n".encode() for _ in range(20)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_small_chunks_give_the_same_statements(backend: str) -> None:
    data = _dump(300)
    with running(backend):
        whole = [(s.index, s.line, s.offset, s.raw) for s in split_statements(data)]
        tiny = [(s.index, s.line, s.offset, s.raw)
                for s in split_statements(io.BytesIO(data), chunk_bytes=97)]
    assert whole == tiny
    assert next(s for s in whole if s[3].startswith(b"INSERT"))[1] == 7
    first_insert = whole[3]
    assert data[first_insert[2]:].startswith(b"INSERT INTO")


def test_delimiter_blocks() -> None:
    text = ("DELIMITER ;;\nCREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW BEGIN\n"
            "  SET NEW.a = 1; SET NEW.b = ';;';\nEND ;;\nDELIMITER ;\nSELECT 1;")
    statements = list(split_statements(text))
    assert [s.kind for s in statements] == ["DELIMITER", "CREATE TRIGGER", "DELIMITER",
                                            "SELECT"]
    assert statements[1].text.endswith("END ;;") and statements[3].line == 6


def test_copy_data_blocks_and_psql_meta_commands() -> None:
    text = ("\\connect shop\nCOPY public.t (a, b) FROM stdin;\n1\tx;y\n2\t'q\n\\.\n"
            "SELECT 1;\n")
    statements = list(split_statements(text.encode(), chunk_bytes=5))
    assert [s.kind for s in statements] == ["PSQL", "COPY", "SELECT"]
    assert statements[1].copy_rows == 2 and statements[2].line == 6


def test_runaway_statement_is_cut_with_a_warning() -> None:
    data = b"SELECT (" + b"1," * 5000 + b"2;\nSELECT 3;\n"
    reader = StatementReader(io.BytesIO(data), chunk_bytes=1024, max_statement_bytes=4096)
    statements = list(reader)
    assert reader.warnings and statements[-1].text == "SELECT 3;"


def test_a_long_statement_only_sqlparse_reads_is_ended_at_its_semicolon() -> None:
    # Values nested deeper than PAREN_DEPTH send a statement to sqlparse, which reads at
    # ~0.1 MB/s there: past SLOW_LIMIT_BYTES the next ';' outside quotes ends it instead.
    row = b"(1," + b"(" * (PAREN_DEPTH + 2) + b"1" + b")" * (PAREN_DEPTH + 2) + b",'a;b'),"
    data = b"INSERT INTO t VALUES " + row * (4 * SLOW_LIMIT_BYTES // len(row)) + b"(2);\n" \
        + b"SELECT 3;\n"
    reader = StatementReader(io.BytesIO(data))
    statements = list(reader)
    assert [s.kind for s in statements] == ["INSERT", "SELECT"]
    assert statements[0].raw.endswith(b"(2);") and "longer than" in reader.warnings[0]


def test_statement_kinds() -> None:
    assert statement_kind(b"-- c\nCREATE OR REPLACE VIEW v AS SELECT 1") == "CREATE VIEW"
    assert statement_kind(b"ALTER TABLE ONLY x ADD CONSTRAINT") == "ALTER TABLE"
    assert statement_kind(b"-- only a comment") == "COMMENT"


def split_with_a_limit_half_the_text(text: str) -> list:
    """The limit grows with the text, so the runaway cut's own cost is what is measured."""
    return list(split_statements(text, max_statement_bytes=max(1024, len(text) // 2)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("make", "n"), [
    (lambda n: "'" + "\\'" * n, 3000),  # unclosed quotes past the limit: the runaway cut
    (lambda n: "$a$" * n, 3000),
    (lambda n: "/*" * n, 3000),
    (lambda n: "(" * n + ";", 3000),
    (lambda n: "--" * n, 3000),
    (lambda n: "select " + "a " * n + ";", 3000),
    (lambda n: ("insert into t values ('" + "x;" * n) * 2, 800),
    # After DELIMITER, where a lazy pattern once tried every way of cutting the text.
    (lambda n: "DELIMITER ;;\nselect " + "a;" * n + "'", 3000),
    (lambda n: "DELIMITER ;;\nselect '" + "a;' " * n + ";", 3000),
], ids=["escaped-quotes", "dollar-tags", "comments", "parentheses", "dashes", "words",
        "unclosed-then-semicolons", "custom-delimiter-halves", "custom-delimiter-quotes"])
def test_crafted_inputs_stay_linear(make, n, backend) -> None:
    with running(backend):
        assert_linear(split_with_a_limit_half_the_text, make, n)


def test_a_runaway_statement_is_cut_and_the_rest_still_splits() -> None:
    hostile = "insert into t values ('" + "\\'" * 3000 + "\n;\nselect 2;\n"
    splitter = StatementReader(io.BytesIO(hostile.encode()), max_statement_bytes=1 << 12)
    statements = list(splitter)
    assert any("does not end within" in warning for warning in splitter.warnings)
    assert all(len(s.raw) <= 1 << 12 for s in statements)
    assert statements[-1].raw.strip() == b"select 2;"


def test_the_cut_skips_quoted_semicolons_and_treats_an_unclosed_quote_as_a_character():
    assert quote_aware_semicolon(b"a ';' `;` \";\" b; c;", 0, 100) == 16
    assert quote_aware_semicolon(b"a 'never closed; b", 0, 100) == 16
    assert quote_aware_semicolon(b"x 'y", 0, 100) is None
    assert quote_aware_semicolon(b"a; b;", 2, 4) is None  # the limit bounds the search


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", [
    "end (;\n)",
    "select case when a then 1 end, f(x; y) from t;\nselect 2;",
    "SELECT CASE WHEN a THEN 1 END FROM t WHERE b IN (1, 2);\nSELECT 3;",
    "select case when a then 1 End as e, case when b then 2 END from t;",
])
def test_end_at_the_top_then_a_semicolon_in_parentheses_splits_like_sqlparse(text, backend):
    # sqlparse's level goes below zero at a top-level END, so a ';' inside a later
    # parenthesis ends the statement (found by hypothesis).
    with running(backend):
        assert split(text) == sqlparse.split(text)


# --- the compiled scanner and its twin, end to end -------------------------------------------

def read_on(backend: str, data: bytes, **options: int) -> tuple[list[tuple], list[str]]:
    """Everything a reader gives: each statement whole, and its warnings."""
    with running(backend):
        reader = StatementReader(io.BytesIO(data), **options)
        statements = [(s.index, s.line, s.offset, s.raw, s.kind, s.copy_rows) for s in reader]
    return statements, reader.warnings


_FRAGMENTS = st.sampled_from([b";", b"'", b'"', b"`", b"\\", b"(", b")", b"[", b"$$", b"$a$",
                              b"--", b"/*", b"*/", b"# ", b"#", b"\n", b"\r", b"\xc2\xb4",
                              b"begin", b"END", b"GO", b"1e5", b"DELIMITER ;;\n",
                              b"\nDELIMITER ;\n", b"\n\\.\n", b"COPY t FROM stdin;\n"])


@settings(max_examples=200, deadline=None)
@given(text=st.lists(_STATEMENT, min_size=1, max_size=6).map(";\n".join),
       mutations=st.lists(st.tuples(st.integers(0, 10_000), _FRAGMENTS), max_size=5),
       chunk_bytes=st.integers(1, 300), max_statement_bytes=st.sampled_from([64, 500, 1 << 20]))
def test_both_backends_read_the_same_statements_and_warnings(text, mutations, chunk_bytes,
                                                             max_statement_bytes) -> None:
    data = bytearray(text.encode())
    for position, fragment in mutations:
        position %= len(data) + 1
        data[position:position] = fragment
    options = {"chunk_bytes": chunk_bytes, "max_statement_bytes": max_statement_bytes}
    assert read_on("compiled", bytes(data), **options) == \
        read_on("python", bytes(data), **options)


@pytest.mark.corpus
def test_both_backends_read_the_corpus_schema_alike() -> None:
    path = CORPUS / "sql" / "pagila-schema.sql"
    if not path.exists():
        pytest.skip("corpus absent")
    data = path.read_bytes()
    for chunk_bytes in (1 << 20, 4096, 61):
        assert read_on("compiled", data, chunk_bytes=chunk_bytes) == \
            read_on("python", data, chunk_bytes=chunk_bytes)


def test_the_switch_is_read_when_a_reader_starts(monkeypatch) -> None:
    calls = []
    python_statement_end = sqlscan.statement_end

    def spy(*arguments):
        calls.append(arguments)
        return python_statement_end(*arguments)

    monkeypatch.setattr(sqlscan, "statement_end", spy)
    with running("python"):
        assert len(list(split_statements(_dump(5)))) == 22
    assert calls
    calls.clear()
    with running("compiled"):
        assert len(list(split_statements(_dump(5)))) == 22
    assert not calls
