"""Sample: the database connection pool runs dry behind slow queries.

The app log shows HikariCP timing out for a connection (``SQLTransientConnectionException``
stack traces, an error burst from 09:14) while the MySQL slow log shows the same minutes
full of long ``SELECT ... FOR UPDATE`` queries holding connections: the pool is exhausted
because slow queries hold its connections, not because it is too small.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from inspector.training.scenarios import Built, Scenario

START = datetime(2026, 11, 17, 8, 30, tzinfo=UTC)
INCIDENT = datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)

_TIMEOUT = "HikariPool-1 - Connection is not available, request timed out after 30000ms."
_TRACE = "\n".join([
    f"java.sql.SQLTransientConnectionException: {_TIMEOUT}",
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
    "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)",
    "\tat com.acme.orders.OrderRepository.findOpen(OrderRepository.java:{line})",
    "\tat com.acme.orders.OrderController.list(OrderController.java:58)",
])


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"


def _app_log(rng: random.Random) -> tuple[bytes, int]:
    lines: list[str] = []
    moment = START
    first_error_line = 0
    while moment < START + timedelta(hours=1):
        moment += timedelta(milliseconds=rng.randint(200, 900))
        thread = f"http-nio-8080-exec-{rng.randint(1, 40)}"
        trouble = INCIDENT <= moment < INCIDENT + timedelta(minutes=6)
        if trouble and rng.random() < 0.6:
            if not first_error_line:
                first_error_line = len(lines) + 1
            lines.append(f"{_stamp(moment)} ERROR [{thread}] c.a.o.OrderController - "
                         f"GET /api/orders failed for customer {rng.randint(1000, 9999)}")
            lines.extend(_TRACE.format(line=rng.choice((88, 88, 91))).splitlines())
            continue
        order = rng.randint(10_000, 99_999)
        took = rng.randint(3, 60) if not trouble else rng.randint(2000, 30000)
        lines.append(f"{_stamp(moment)} INFO  [{thread}] c.a.o.OrderController - "
                     f"GET /api/orders/{order} 200 in {took} ms")
    return ("\n".join(lines) + "\n").encode(), first_error_line


def _slow_log(rng: random.Random) -> tuple[bytes, int]:
    """The slow log, and the first line of its slowest query's entry (five lines): the
    sample a digest shows."""
    out = ["/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:",
           "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
           "Time                 Id Command    Argument"]
    moment = INCIDENT - timedelta(seconds=40)
    slowest = (0.0, 0)
    while moment < INCIDENT + timedelta(minutes=6):
        moment += timedelta(seconds=rng.randint(2, 9))
        query_time = rng.uniform(8, 45)
        slowest = max(slowest, (query_time, len(out) + 1))
        out += [f"# Time: {moment:%Y-%m-%dT%H:%M:%S}.{rng.randint(0, 999999):06d}Z",
                f"# User@Host: orders[orders] @ app-1 [10.0.3.{rng.randint(10, 40)}]  "
                f"Id: {rng.randint(100, 999)}",
                f"# Query_time: {query_time:.6f}  Lock_time: {query_time * 0.9:.6f} "
                f"Rows_sent: 1  Rows_examined: {rng.randint(200_000, 900_000)}",
                f"SET timestamp={int(moment.timestamp())};",
                "SELECT * FROM orders WHERE customer_id = "
                f"{rng.randint(1000, 9999)} AND status = 'open' FOR UPDATE;"]
    return ("\n".join(out) + "\n").encode(), slowest[1]


def build(rng: random.Random) -> Built:
    app, first_error_line = _app_log(rng)
    slow_log, slowest_line = _slow_log(rng)
    return Built(
        files={"logs/app.log": app, "mysql/slow.log": slow_log},
        # The exceptions' stack-trace group and new template are the known issue's records,
        # folded into it.
        rules=["log.known-issue", "log.error-burst", "sql.slow-query"],
        allowed=["incident.cross-source", "sql.full-scan"],
        evidence=[
            {"artifact": "logs/app.log",
             "locator": {"kind": "line", "line": first_error_line,
                         "end_line": first_error_line + 6},
             "why": "the first request that waited 30 s for a pool connection",
             "cited_by": "log.known-issue"},
            {"artifact": "mysql/slow.log", "locator": {"kind": "line", "line": slowest_line,
                                                             "end_line": slowest_line + 4},
             "why": "long SELECT ... FOR UPDATE queries hold the connections at the same time "
                    "(the slowest of them)", "cited_by": "sql.slow-query"},
        ])


SCENARIO = Scenario(
    name="pool_exhaustion",
    title="The orders API times out under load",
    difficulty="medium",
    summary=("From 09:14 UTC slow SELECT ... FOR UPDATE queries (8-45 s, see the slow log) "
             "hold every connection of HikariPool-1, so requests wait 30 s and fail with "
             "SQLTransientConnectionException; fix the query (index on customer_id, status) "
             "rather than growing the pool."),
    build=build,
    tags=("logs", "sql", "database"),
)
