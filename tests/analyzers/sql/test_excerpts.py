"""What the SQL analyzer shows of customer text: passwords masked, length capped."""

from __future__ import annotations

import orjson

from analyzers.sql.analyzer import SqlAnalyzer
from analyzers.sql.excerpts import EXCERPT_CHARS, excerpt
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer


def test_secrets_are_masked_in_examples() -> None:
    data = (b"# Time: 2026-11-17T09:00:00Z\n# User@Host: root[root] @ localhost []\n"
            b"# Query_time: 9.0  Lock_time: 0  Rows_sent: 0  Rows_examined: 0\n"
            b"ALTER USER 'app'@'%' IDENTIFIED BY 's3cr3t-Pa55';\n")
    run = run_analyzer(SqlAnalyzer(), data, name="slow.log", kind=ArtifactKind.MYSQL_SLOW_LOG)
    dumped = orjson.dumps([f.to_json() for f in run.findings]) + orjson.dumps(run.stats)
    assert b"s3cr3t-Pa55" not in dumped
    assert b"IDENTIFIED BY '***'" in dumped


def test_passwords_are_masked_before_the_text_is_cut() -> None:
    # Cut first, the literal would lose its closing quote and no longer read as a password.
    statement = "x" * (EXCERPT_CHARS - 40) + " IDENTIFIED BY 'Tr0ub4dor-with-a-tail-past-the-cut'"
    shown = excerpt(statement)
    assert shown.endswith(" IDENTIFIED BY '***'") and "Tr0ub" not in shown
    assert len(excerpt("word " * 1000)) <= EXCERPT_CHARS  # cut at a blank, never in a word
