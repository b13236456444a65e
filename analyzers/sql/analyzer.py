"""The per-artifact SQL analyzer, ``sql``: which material an artifact is, and who reads it.

One analyzer reads four kinds of material and says which queries hurt and why:

- dumps (``sql_dump``): statements come from ``inspector.formats.sqlsplit`` (streaming, at
  dump speed); only DDL of at most ``DDL_PARSE_CAP`` bytes is parsed into the schema model
  (``schema``); longer DDL is counted, with a warning;
- slow-query logs (``mysql_slow_log``): ``slowlog`` and ``query_classes``;
- PostgreSQL logs (``postgres_log``) and MySQL error logs: ``serverlog``, and for InnoDB
  deadlock reports ``deadlock``.

A ``log`` or ``text`` artifact is taken as ours from its first ``HEAD_BYTES`` (one read):
``LATEST DETECTED DEADLOCK``, ``INNODB MONITOR OUTPUT`` or ``Transactions deadlock
detected`` anywhere in it makes it InnoDB output; two or more MySQL error-log lines
(``<time> [<thread>] [ERROR|Warning|Note|System]``) make it a MySQL error log; two or more
PostgreSQL ``LEVEL:  message`` lines (or csvlog rows) make it a PostgreSQL log the sniffer
missed. Anything else is left to the logs analyzer and yields nothing here.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from analyzers.sql.deadlock import innodb_deadlocks
from analyzers.sql.excerpts import MAX_EVENTS, excerpt
from analyzers.sql.query_classes import query_findings, rank_classes
from analyzers.sql.rules import ANALYZER, DEADLOCK, RULES
from analyzers.sql.schema import SchemaBuilder, schema_findings
from analyzers.sql.serverlog import (
    LINE_CAP,
    MYSQL_ERROR_LINE,
    POSTGRES_CSV_LINE,
    POSTGRES_LINE,
    LogEntry,
    ServerLogFindings,
    parse_mysql_error_log,
    parse_postgres_csv,
    parse_postgres_stderr,
    text_lines,
)
from analyzers.sql.slowlog import digest_slow_log, parse_slow_log
from inspector.formats.sqlsplit import StatementReader
from inspector.model import ArtifactKind, Event, EventSource, Finding, LineLocator, Severity
from inspector.plugins import AnalysisContext, ArtifactSource, Stats

DDL_PARSE_CAP = 256 * 1024
HEAD_BYTES = 64 * 1024
_INNODB_MARKERS = ("LATEST DETECTED DEADLOCK", "INNODB MONITOR OUTPUT",
                   "Transactions deadlock detected")


def _content_kind(head: bytes) -> str | None:
    """``innodb``, ``mysql_error``, ``postgres`` or None for a log/text artifact."""
    text = head.decode("utf-8", "replace")
    if any(marker in text for marker in _INNODB_MARKERS):
        return "innodb"
    lines = text.splitlines()[:200]
    if sum(1 for line in lines if MYSQL_ERROR_LINE.match(line)) >= 2:
        return "mysql_error"
    if sum(1 for line in lines if POSTGRES_LINE.match(line[:LINE_CAP])) >= 2:
        return "postgres"
    if sum(1 for line in lines if POSTGRES_CSV_LINE.match(line)) >= 2:
        return "postgres"
    return None


class SqlAnalyzer:
    """Per-artifact SQL analysis (see the module docstring)."""

    name = ANALYZER
    kinds = frozenset({ArtifactKind.SQL_DUMP, ArtifactKind.MYSQL_SLOW_LOG,
                       ArtifactKind.POSTGRES_LOG, ArtifactKind.LOG, ArtifactKind.TEXT})
    rules = RULES

    def analyze(self, source: ArtifactSource, context: AnalysisContext
                ) -> Iterator[Finding | Event | Stats]:
        kind = source.artifact.kind
        if kind is ArtifactKind.SQL_DUMP:
            yield from self._dump(source, context)
        elif kind is ArtifactKind.MYSQL_SLOW_LOG:
            yield from self._slow_log(source, context)
        else:
            with source.open() as stream:
                head = stream.read(HEAD_BYTES)
            content = "postgres" if kind is ArtifactKind.POSTGRES_LOG else _content_kind(head)
            if content is not None:
                yield from self._server_log(source, context, content, head)

    def _dump(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[Any]:
        path = source.artifact.path
        size = max(source.artifact.size, 1)
        kinds: Counter[str] = Counter()
        schema = SchemaBuilder()
        statements = oversized = 0
        with source.open() as stream:
            reader = StatementReader(stream)
            try:
                for statement in reader:
                    statements += 1
                    kinds[statement.kind] += 1
                    if statement.kind.startswith(("CREATE", "ALTER")):
                        if len(statement.raw) <= DDL_PARSE_CAP:
                            # Names and types end up in stats and findings: invalid
                            # UTF-8 is shown replaced, never as unencodable surrogates.
                            schema.feed(statement.raw.decode("utf-8", "replace"),
                                        statement.index, statement.line)
                        else:
                            oversized += 1
                    if statements % 256 == 0:
                        context.check_cancelled()
                        context.progress(min(reader.bytes_consumed / size, 1.0))
            except (OSError, EOFError, ValueError) as error:
                context.warn(f"dump unreadable after statement {statements}: {error}")
            for warning in reader.warnings:
                context.warn(warning)
        if oversized:
            context.warn(f"{oversized} DDL statement(s) over {DDL_PARSE_CAP:,} bytes "
                         "were counted but not parsed")
        if schema.unparsed:
            context.warn(f"{schema.unparsed} DDL statement(s) could not be parsed")
        model = schema.schema()
        yield from schema_findings(model, path)
        yield Stats(statements=statements, tables=len(model),
                    statement_kinds=dict(sorted(kinds.items())), schema=model)

    def _slow_log(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[Any]:
        path = source.artifact.path
        with source.open() as stream:
            try:
                classes, kept, dropped = digest_slow_log(parse_slow_log(stream, context))
            except (OSError, EOFError) as error:
                context.warn(f"slow log unreadable: {error}")
                classes, kept, dropped = {}, 0, 0
        if dropped:
            context.warn(f"{dropped} slow-log event(s) had no numeric Query_time; skipped, as "
                         "pt-query-digest skips them")
        yield from query_findings(classes, path, "slow log")
        ranked = rank_classes(classes)
        for query_class in ranked[:MAX_EVENTS]:
            if query_class.last_seen and query_class.example_time >= 1.0:
                yield Event(query_class.last_seen, path,
                            LineLocator(query_class.example_line), Severity.LOW,
                            EventSource.SQL,
                            excerpt(f"slow query {query_class.example_time:.1f} s: "
                                    f"{query_class.shown(query_class.fingerprint)}", 200))
        yield Stats(events=kept, skipped_events=dropped, classes=len(classes),
                    queries=[c.to_stats() for c in ranked])

    def _server_log(self, source: ArtifactSource, context: AnalysisContext, content: str,
                    head: bytes) -> Iterator[Any]:
        path = source.artifact.path
        dialect = "postgresql" if content == "postgres" else "mysql"
        collector = ServerLogFindings(path, dialect)
        innodb_lines: list[tuple[int, str]] = []
        with source.open() as stream:
            if content == "postgres" and POSTGRES_CSV_LINE.match(head.decode("utf-8", "replace")):
                entries: Iterable[LogEntry] = parse_postgres_csv(stream, context)
            elif content == "postgres":
                entries = parse_postgres_stderr(stream, context)
            else:
                entries = self._mysql_entries(stream, context, innodb_lines)
            for entry in entries:
                collector.add(entry)
        findings = list(collector.findings())
        findings.extend(innodb_deadlocks(innodb_lines, path))
        yield from findings
        for finding in findings:
            if finding.rule == DEADLOCK.id and finding.first_seen:
                collector.events.append(Event(finding.first_seen, path,
                                              finding.evidence[0].locator, Severity.HIGH,
                                              EventSource.SQL, finding.title))
        yield from sorted(collector.events, key=Event.sort_key)
        yield Stats(**collector.stats(),
                    innodb_deadlocks=sum(1 for f in findings if f.title.startswith("InnoDB")))

    @staticmethod
    def _mysql_entries(stream: BinaryIO, context: AnalysisContext,
                       innodb_lines: list[tuple[int, str]]) -> Iterator[LogEntry]:
        """MySQL error-log entries; the raw lines are kept for the InnoDB deadlock pass
        (InnoDB status output is not line-structured like the error log)."""
        lines = list(text_lines(stream))
        innodb_lines.extend(lines)
        encoded = io.BytesIO("\n".join(text for _, text in lines).encode())
        yield from parse_mysql_error_log(encoded, context)
