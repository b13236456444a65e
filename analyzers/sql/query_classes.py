"""Query classes: executions that share a fingerprint, and the findings about the costly ones.

A ``QueryClass`` holds the figures a Percona report shows for one fingerprint (count, total,
max and p95 time, lock time, rows examined and sent, first and last seen, the slowest
example). Slow logs fill them (``slowlog.digest_slow_log``) and so do PostgreSQL
``duration:`` lines (``serverlog``). ``query_findings`` ranks the classes by total time,
as pt-query-digest does, and reports the top ``TOP_SLOW_CLASSES``: ``sql.slow-query``
always, and ``sql.full-scan`` when the log flags ``Full_scan`` or the class examines at
least ``FULL_SCAN_RATIO`` times the rows it returns (and ``FULL_SCAN_MIN_ROWS`` rows per
execution). Each class's stats carry its query shape, which the ``sql-cross`` analyzer
checks against the schema.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analyzers.sql.excerpts import excerpt
from analyzers.sql.fingerprint import query_id, query_shape
from analyzers.sql.rules import ANALYZER, FULL_SCAN, SLOW_QUERY
from inspector.model import Evidence, Finding, LineLocator, Severity

# Characters kept of a class's slowest query: its example.
EXAMPLE_CHARS = 2000
TOP_SLOW_CLASSES = 5
FULL_SCAN_RATIO = 1000
FULL_SCAN_MIN_ROWS = 10_000


@dataclass
class QueryClass:
    """Events that share a fingerprint, with the figures a Percona report shows.

    ``latin1_bytes``: the texts hold a slow log's bytes read as Latin-1, as pt-query-digest
    reads them (its id is the MD5 of those bytes; they are shown decoded as UTF-8); False
    for text already decoded (PostgreSQL server logs), shown and hashed as UTF-8.
    """

    fingerprint: str
    count: int = 0
    query_times: list[float] = field(default_factory=list)
    lock_time_total: float = 0.0
    lock_time_max: float = 0.0
    rows_examined_total: int = 0
    rows_examined_max: int = 0
    rows_sent_total: int = 0
    rows_sent_max: int = 0
    full_scans: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    db: str | None = None
    example: str = ""
    example_time: float = -1.0
    example_line: int = 0
    lines: list[int] = field(default_factory=list)
    latin1_bytes: bool = True

    def add(self, query: str, time: float, lock: float, examined: int, sent: int,
            when: datetime | None, line: int, db: str | None, full_scan: bool) -> None:
        """Count one execution; the slowest one so far becomes the example."""
        self.count += 1
        self.query_times.append(time)
        self.lock_time_total += lock
        self.lock_time_max = max(self.lock_time_max, lock)
        self.rows_examined_total += examined
        self.rows_examined_max = max(self.rows_examined_max, examined)
        self.rows_sent_total += sent
        self.rows_sent_max = max(self.rows_sent_max, sent)
        self.full_scans += full_scan
        if when:
            self.first_seen = min(self.first_seen or when, when)
            self.last_seen = max(self.last_seen or when, when)
        if self.db is None and db:
            self.db = db
        if time > self.example_time:
            self.example, self.example_time, self.example_line = (
                query[:EXAMPLE_CHARS], time, line)
        if len(self.lines) < 5:
            self.lines.append(line)

    @property
    def total_time(self) -> float:
        """Seconds spent in all executions: what the classes are ranked by."""
        return sum(self.query_times)

    @property
    def id(self) -> str:
        """The class's query id: pt-query-digest's for slow logs."""
        if self.latin1_bytes:
            return query_id(self.fingerprint)
        return hashlib.md5(self.fingerprint.encode("utf-8", "surrogateescape")).hexdigest().upper()

    def shown(self, text: str) -> str:
        """``text`` (its fingerprint or example) as readable text."""
        if self.latin1_bytes:
            return text.encode("latin-1", "replace").decode("utf-8", "replace")
        return text

    def to_stats(self) -> dict[str, Any]:
        """The class in the stats: figures, example (masked), and the query's shape."""
        shape = query_shape(self.example)
        return {
            "id": self.id,
            "fingerprint": self.shown(self.fingerprint),
            "count": self.count,
            "query_time": {"total": round(self.total_time, 6),
                           "max": round(max(self.query_times, default=0.0), 6),
                           "p95": round(_percentile(self.query_times, 0.95), 6)},
            "lock_time": {"total": round(self.lock_time_total, 6),
                          "max": round(self.lock_time_max, 6)},
            "rows_examined": {"total": self.rows_examined_total, "max": self.rows_examined_max},
            "rows_sent": {"total": self.rows_sent_total, "max": self.rows_sent_max},
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "db": self.db,
            "example": excerpt(self.shown(self.example), EXAMPLE_CHARS),
            "example_line": self.example_line,
            "lines": list(self.lines),
            "tables": shape["tables"],
            "predicates": shape["predicates"],
        }


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def slow_query_severity(total: float, share: float, slowest: float) -> Severity:
    """Severity follows what users wait for: ``high`` for a class that holds the database
    (a minute or more in all, or most of the logged time and ten seconds or more);
    ``medium`` when one execution takes a second or more, or ten seconds in all; ``low``
    from a tenth of a second per execution or a second in all; else ``info``: the costliest
    classes of a log that records every query can be milliseconds long, and those are not
    slow.

    >>> [slow_query_severity(t, s, m).value for t, s, m in
    ...  ((120, 0.2, 3), (12, 0.1, 0.2), (0.3, 0.5, 0.2), (0.013, 0.9, 0.004))]
    ['high', 'medium', 'low', 'info']
    """
    if total >= 60 or (share >= 0.5 and total >= 10):
        return Severity.HIGH
    if slowest >= 1 or total >= 10:
        return Severity.MEDIUM
    if slowest >= 0.1 or total >= 1:
        return Severity.LOW
    return Severity.INFO


def rank_classes(classes: dict[str, QueryClass]) -> list[QueryClass]:
    """The classes by total time, then count, costliest first (pt-query-digest's order)."""
    return sorted(classes.values(), key=lambda c: (-c.total_time, -c.count, c.fingerprint))


def query_findings(classes: dict[str, QueryClass], path: str, source_name: str
                   ) -> Iterator[Finding]:
    """``sql.slow-query`` and ``sql.full-scan`` for the costliest classes of one artifact;
    ``source_name`` says in the detail what the times come from."""
    ranked = rank_classes(classes)
    grand_total = sum(c.total_time for c in ranked) or 1.0
    for rank, query_class in enumerate(ranked[:TOP_SLOW_CLASSES], start=1):
        total = query_class.total_time
        if total <= 0:
            continue
        stats = query_class.to_stats()
        share = total / grand_total
        window = (f" from {stats['first_seen']} to {stats['last_seen']}"
                  if stats["first_seen"] else "")
        yield SLOW_QUERY.finding(
            f"Query class {stats['id'][:16]} (rank {rank}) took {total:,.3f} s over "
            f"{query_class.count:,} executions ({share:.0%} of logged time)",
            analyzer=ANALYZER,
            severity=slow_query_severity(total, share, stats["query_time"]["max"]),
            detail=(f"{source_name}: fingerprint `{stats['fingerprint'][:300]}`; max "
                    f"{stats['query_time']['max']:.3f} s, p95 {stats['query_time']['p95']:.3f} s"
                    f"{window}; rows examined {query_class.rows_examined_total:,}, rows sent "
                    f"{query_class.rows_sent_total:,}."),
            count=query_class.count, first_seen=query_class.first_seen,
            last_seen=query_class.last_seen,
            evidence=[Evidence(path, LineLocator(query_class.example_line),
                               excerpt(stats["example"]))],
            facts={"query_id": stats["id"], "fingerprint": stats["fingerprint"],
                   "rank": rank, "total_time": round(total, 6), "share": round(share, 4),
                   "max_time": stats["query_time"]["max"], "p95": stats["query_time"]["p95"],
                   "db": stats["db"]},
            remediation=("Run EXPLAIN on the example; add an index for its WHERE/JOIN "
                         "columns, rewrite it, or cache its result. pt-query-digest shows "
                         "this class under the same query id."),
            references=["https://docs.percona.com/percona-toolkit/pt-query-digest.html"])
        examined, sent = query_class.rows_examined_total, query_class.rows_sent_total
        if (query_class.full_scans or (examined >= FULL_SCAN_MIN_ROWS * query_class.count
                                       and examined >= FULL_SCAN_RATIO * max(sent, 1))):
            yield FULL_SCAN.finding(
                f"Query class {stats['id'][:16]} examines {examined:,} rows to return "
                f"{sent:,}", analyzer=ANALYZER,
                detail=(f"`{stats['fingerprint'][:300]}` reads "
                        f"{examined / max(query_class.count, 1):,.0f} rows per execution on "
                        f"average; {query_class.full_scans} executions were flagged "
                        "Full_scan. The query is not using a selective index."),
                count=query_class.count, first_seen=query_class.first_seen,
                last_seen=query_class.last_seen,
                evidence=[Evidence(path, LineLocator(query_class.example_line),
                                   excerpt(stats["example"]))],
                facts={"query_id": stats["id"], "rows_examined": examined, "rows_sent": sent},
                remediation="Index the filtered columns, or add a LIMIT / narrower predicate.")
