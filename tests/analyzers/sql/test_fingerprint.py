"""pt-query-digest fingerprints and query ids, and query shapes."""

from __future__ import annotations

import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from analyzers.sql.fingerprint import fingerprint, query_shape
from inspector.testing import run_analyzer


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * FROM t WHERE id IN (1, 2, 3) LIMIT 5", "select * from t where id in(?+) limit ?"),
    ("INSERT INTO t VALUES (1,'a'),(2,'b')", "insert into t values(?+)"),
    ("select a from t where b = NULL and c = TRUE", "select a from t where b = ? and c = ?"),
    ("SELECT 1 FROM t ORDER BY a ASC, b ASC", "select ? from t order by a, b"),
    ("select 1 union select 1 union all select 1", "select ? /*repeat union all*/"),
    ("SELECT * FROM t LIMIT 10, 20", "select * from t limit ?"),
    ("use `shop`", "use ?"),
    ("CALL proc(1, 2)", "call proc"),
    ("SELECT /* comment */ a -- trailing\nFROM t", "select a from t"),
])
def test_fingerprint_follows_pt_query_digest_rules(query: str, expected: str) -> None:
    assert fingerprint(query) == expected


def test_fingerprint_of_text_beyond_latin_1_lowers_only_ascii() -> None:
    # A PostgreSQL log with Japanese table names, and a statement whose bytes were not
    # UTF-8 (read with U+FFFD): the fingerprint crashed on both (found by mutation).
    assert fingerprint("SELECT * FROM 注文 WHERE 顧客 = 'Ä'") == "select * from 注文 where 顧客 = ?"
    assert fingerprint("SELECT \ufffd FROM T WHERE ID = 5") == "select \ufffd from t where id = ?"
    line = ("2026-11-17 09:14:0{n}.000 UTC [4305] app@shop LOG:  duration: 2500.000 ms  "
            "statement: SELECT * FROM {table} WHERE id = {n}\n")
    log = (line.format(n=5, table="注文") + line.format(n=6, table="orders")).encode() \
        + line.format(n=7, table="\0").encode().replace(b"\0", b"\xff\xfe")
    run = run_analyzer(SqlAnalyzer(), log, name="postgresql.log")
    queries = run.stats["queries"]
    assert [q["fingerprint"] for q in queries] == [
        "select * from orders where id = ?", "select * from 注文 where id = ?",
        "select * from \ufffd\ufffd where id = ?"]
    assert len({q["id"] for q in queries}) == 3  # no two names collapse to "??"


def test_union_collapse_stays_fast_on_long_queries() -> None:
    query = "select a from t " + " union select b from u" * 3000
    assert fingerprint(query).startswith("select a from t union select b from u")


def test_query_shape_names_tables_bare_and_ignores_literals() -> None:
    shape = query_shape("UPDATE `shop`.`Orders` AS o SET total = 1 "
                        "WHERE o.customer_id = 'a = b' AND placed > NOW()")
    assert shape["tables"] == {"orders": "orders", "o": "orders"}
    assert shape["predicates"] == [["o", "customer_id"], [None, "placed"]]
