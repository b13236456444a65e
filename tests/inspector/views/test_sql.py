"""Statements as the splitter numbers them, slow-log classes, linear highlighting."""

from __future__ import annotations

from inspector.formats.sqlsplit import split_statements
from inspector.model import ArtifactKind
from inspector.views.sql import (
    PREVIEW_CHARS,
    highlight_spans,
    load_statements,
    query_class_text,
    query_classes,
    statement_text,
)
from tests.inspector.views.work import WorkState


def test_statements_are_the_splitters(sample_member):
    source = sample_member("slow_query_missing_index", ArtifactKind.SQL_DUMP)
    with source.open() as stream:
        expected = list(split_statements(stream.read()))
    rows = []
    warnings = load_statements(WorkState(rows.extend), source)
    assert warnings == []
    assert [(row.number, row.line, row.kind) for row in rows] == [
        (s.index, s.line, s.kind) for s in expected]
    assert rows[2].text == expected[2].text[:PREVIEW_CHARS]


def test_a_long_statement_is_kept_cut_and_says_so(member):
    big = b"INSERT INTO t VALUES " + b",".join(b"(%d)" % n for n in range(20_000)) + b";\n"
    rows = []
    load_statements(WorkState(rows.extend), member("dump.sql", big))
    (row,) = rows
    assert len(row.text) == PREVIEW_CHARS and row.size == len(big.strip())
    assert statement_text(row).endswith(f"of {row.size:,} bytes")


def test_slow_log_classes_are_ranked_from_the_stats():
    stats = {"db/mysql-slow.log": {"sql": {"queries": [
        {"id": "1EA093591D154523", "fingerprint": "select * from orders where customer_id=?",
         "count": 16, "example": "SELECT * FROM orders", "example_line": 825}, "junk"]}}}
    (query,) = query_classes(stats, "db/mysql-slow.log")
    assert query["rank"] == 1 and query["query_time"] == {}
    assert query_class_text(query).splitlines() == [
        "-- select * from orders where customer_id=?", "-- example (line 825):",
        "SELECT * FROM orders"]
    assert query_classes({}, "db/mysql-slow.log") == []


def test_highlighting_spans_are_linear_on_crafted_input():
    assert [kind for kind, _, _ in highlight_spans("SELECT 1 FROM t WHERE a = 'x'")] == [
        "keyword", "number", "keyword", "keyword", "string"]
    crafted = "'" + "\\'" * 50_000  # an unterminated string full of escapes
    assert highlight_spans(crafted)[0][0] == "string"
