"""The per-artifact SQL analyzer: which logs it takes as its own, and robustness."""

from __future__ import annotations

import random

import orjson
import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer


def test_unrelated_log_yields_nothing() -> None:
    data = b"2026-11-17 09:00:00,000 INFO [main] started\n" * 5
    run = run_analyzer(SqlAnalyzer(), data, name="app.log", kind=ArtifactKind.LOG)
    assert not run.findings and not run.stats


@pytest.mark.parametrize("kind", [ArtifactKind.SQL_DUMP, ArtifactKind.MYSQL_SLOW_LOG,
                                  ArtifactKind.POSTGRES_LOG, ArtifactKind.LOG])
def test_garbage_never_raises(kind: ArtifactKind) -> None:
    rng = random.Random(kind.value)
    data = bytes(rng.randrange(256) for _ in range(20000)) + b"('\n# Query_time: x;\n#"
    run = run_analyzer(SqlAnalyzer(), data, name="junk", kind=kind)
    orjson.dumps(run.stats)


MYSQL_LINE = b"2026-11-17T09:14:02.000000Z 9 [ERROR] [MY-010000] [Server] Too many connections\n"
POSTGRES_LINE = b"2026-11-17 09:14:02.000 UTC [4300] app@shop FATAL:  too many clients\n"


@pytest.mark.parametrize(("data", "dialect"), [
    (MYSQL_LINE * 2, "mysql"),
    (POSTGRES_LINE * 2, "postgresql"),
    (b"------------------------\nLATEST DETECTED DEADLOCK\n", "mysql"),
    (MYSQL_LINE + b"an application line\n", None),
])
def test_a_log_is_taken_as_a_database_log_by_its_lines(data: bytes, dialect: str | None
                                                       ) -> None:
    for kind in (ArtifactKind.LOG, ArtifactKind.TEXT):
        run = run_analyzer(SqlAnalyzer(), data, name="server.log", kind=kind)
        assert run.stats.get("dialect") == dialect
