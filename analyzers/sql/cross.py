"""The bundle-level SQL analyzer, ``sql-cross``: slow queries checked against the schema.

It works from the per-artifact ``sql`` stats only, never from the files: the query
classes of every slow log and PostgreSQL log (each with the tables it reads and the
columns it filters or joins on, from ``fingerprint.query_shape``) against the tables of
every dump in the bundle (the first dump to define a table wins). When none of a query's
filtered columns on a table leads an index of it (nor its primary key), that table and
column set gets a ``sql.missing-index-for-slow-query`` finding with a suggested ``CREATE
INDEX``, once in the bundle. An unqualified column is given to a table only when exactly
one of the query's tables has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from analyzers.sql.excerpts import excerpt
from analyzers.sql.rules import ANALYZER, MISSING_INDEX
from analyzers.sql.schema import index_column_lists
from inspector.model import Event, Evidence, Finding, LineLocator, StatementLocator
from inspector.plugins import AnalysisContext, BundleView


class SqlCrossAnalyzer:
    """``sql.missing-index-for-slow-query``: slow-query classes (from slow logs and
    PostgreSQL durations) checked against the schema of every dump in the bundle."""

    name = "sql-cross"
    rules = (MISSING_INDEX,)

    def analyze_bundle(self, bundle: BundleView, context: AnalysisContext
                       ) -> Iterator[Finding | Event]:
        tables: dict[str, dict[str, Any]] = {}
        schema_sources: dict[str, str] = {}
        query_sources: list[tuple[str, dict[str, Any]]] = []
        for results in bundle.results():
            stats = results.stats.get(ANALYZER) or {}
            for name, table in (stats.get("schema") or {}).items():
                tables.setdefault(name, table)
                schema_sources.setdefault(name, results.artifact.path)
            for query in stats.get("queries") or []:
                query_sources.append((results.artifact.path, query))
        if not tables:
            return
        reported: set[tuple[str, tuple[str, ...]]] = set()
        for path, query in query_sources:
            context.check_cancelled()
            for table_name, columns in _unindexed_predicates(query, tables).items():
                key = (table_name, tuple(columns))
                if key in reported:
                    continue
                reported.add(key)
                table = tables[table_name]
                index_name = f"idx_{table_name}_{'_'.join(columns)}"[:64]
                statement = f"CREATE INDEX {index_name} ON {table_name} ({', '.join(columns)});"
                total = query["query_time"]["total"]
                yield MISSING_INDEX.finding(
                    f"Slow query {query['id'][:16]} filters {table_name} on "
                    f"({', '.join(columns)}) with no index", analyzer=self.name,
                    detail=(f"`{query['fingerprint'][:300]}` ran {query['count']:,} times for "
                            f"{total:,.3f} s. No index on {table_name} starts with "
                            f"{' or '.join(columns)}; existing: "
                            + (", ".join(f"{i['name']}({', '.join(i['columns'])})"
                                         for i in table["indexes"]) or "none")
                            + (f", PRIMARY({', '.join(table['primary_key'])})"
                               if table["primary_key"] else "") + "."),
                    count=query["count"], first_seen=_parse_iso(query.get("first_seen")),
                    last_seen=_parse_iso(query.get("last_seen")),
                    evidence=[Evidence(path, LineLocator(query.get("example_line") or 1),
                                       excerpt(query.get("example") or "")),
                              Evidence(schema_sources[table_name],
                                       StatementLocator(table["statement"], table["line"]),
                                       f"CREATE TABLE {table_name}")],
                    facts={"query_id": query["id"], "table": table_name, "columns": columns,
                           "suggested_index": statement, "total_time": total},
                    remediation=f"Consider {statement} (check selectivity with EXPLAIN first).")


def _parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _unindexed_predicates(query: dict[str, Any], tables: dict[str, dict[str, Any]]
                          ) -> dict[str, list[str]]:
    """Per table the query reads: its filtered columns, when no index leads with any."""
    aliases = {alias: table for alias, table in (query.get("tables") or {}).items()
               if table in tables}
    if not aliases:
        return {}
    used = sorted(set(aliases.values()))
    by_table: dict[str, list[str]] = {}
    for qualifier, column in query.get("predicates") or []:
        if qualifier is not None:
            table_name = aliases.get(qualifier)
        else:
            owners = [t for t in used if column in tables[t]["columns"]]
            table_name = owners[0] if len(owners) == 1 else None
        if table_name is None or column not in tables[table_name]["columns"]:
            continue
        columns = by_table.setdefault(table_name, [])
        if column not in columns:
            columns.append(column)
    result = {}
    for table_name, columns in sorted(by_table.items()):
        leading = {index[0] for index in index_column_lists(tables[table_name]) if index}
        if not leading.intersection(columns):
            result[table_name] = columns
    return result
