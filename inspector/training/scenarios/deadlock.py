"""Scenario: two order workers deadlock on ``stock`` rows they lock in opposite order.

The bundle holds the PostgreSQL server log (``db/postgresql.log``, stderr with a
``%m [%p] %q%u@%d`` prefix) and the order service's log (``app/orders.log``). Worker A
updates item 17 then 42, worker B 42 then 17; PostgreSQL reports ``deadlock detected``
with both processes' waits, rolls one transaction back, and the application log shows the
retried transaction succeeding. The fix: lock rows in a fixed order.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from inspector.training.scenarios import Built, Scenario


def _server_log(rng: random.Random, start: datetime) -> tuple[str, int]:
    lines: list[str] = []
    moment = start
    for _ in range(30):
        moment += timedelta(milliseconds=rng.randint(200, 900))
        pid = rng.randint(2000, 2100)
        lines.append(f"{moment:%Y-%m-%d %H:%M:%S.%f}"[:-3] + f" UTC [{pid}] shop@orders LOG:  "
                     f"duration: {rng.uniform(0.2, 4):.3f} ms  statement: SELECT * FROM stock "
                     f"WHERE item_id = {rng.randint(1, 99)}")
    moment += timedelta(seconds=1)
    stamp = f"{moment:%Y-%m-%d %H:%M:%S.%f}"[:-3] + " UTC [4242] shop@orders"
    deadlock_line = len(lines) + 1
    lines += [
        f"{stamp} ERROR:  deadlock detected",
        f"{stamp} DETAIL:  Process 4242 waits for ShareLock on transaction 90811; blocked by "
        "process 4317.",
        "\tProcess 4317 waits for ShareLock on transaction 90810; blocked by process 4242.",
        "\tProcess 4242: UPDATE stock SET reserved = reserved + 1 WHERE item_id = 42",
        "\tProcess 4317: UPDATE stock SET reserved = reserved + 1 WHERE item_id = 17",
        f"{stamp} HINT:  See server log for query details.",
        f"{stamp} CONTEXT:  while updating tuple (0,42) in relation \"stock\"",
        f"{stamp} STATEMENT:  UPDATE stock SET reserved = reserved + 1 WHERE item_id = 42",
    ]
    for _ in range(10):
        moment += timedelta(milliseconds=rng.randint(200, 900))
        lines.append(f"{moment:%Y-%m-%d %H:%M:%S.%f}"[:-3] + f" UTC [{rng.randint(2000, 2100)}]"
                     " shop@orders LOG:  duration: 1.204 ms  statement: COMMIT")
    return "\n".join(lines) + "\n", deadlock_line


def _app_log(start: datetime) -> str:
    def at(seconds: float) -> str:
        return f"{start + timedelta(seconds=seconds):%Y-%m-%d %H:%M:%S,%f}"[:-3]
    return "\n".join([
        f"{at(1)} INFO  [worker-a] order 7781: reserving items [17, 42]",
        f"{at(1.1)} INFO  [worker-b] order 7782: reserving items [42, 17]",
        f"{at(19.2)} ERROR [worker-a] order 7781: reservation failed: "
        "org.postgresql.util.PSQLException: ERROR: deadlock detected (SQLSTATE 40P01)",
        f"{at(19.2)} WARN  [worker-a] order 7781: transaction rolled back, retry 1 of 3 in 50 ms",
        f"{at(19.3)} INFO  [worker-a] order 7781: reserving items [17, 42]",
        f"{at(19.4)} INFO  [worker-b] order 7782: reserved",
        f"{at(19.5)} INFO  [worker-a] order 7781: reserved after 1 retry",
    ]) + "\n"


def build(rng: random.Random) -> Built:
    start = datetime(2026, 11, 17, 9, 14, 0, tzinfo=UTC)
    server_log, deadlock_line = _server_log(rng, start)
    return Built(
        files={"db/postgresql.log": server_log.encode(),
               "app/orders.log": _app_log(start).encode()},
        # The error's group and the knowledge base's match are the deadlock's own lines,
        # folded into sql.deadlock; the app's exception into its known-issue match.
        rules=["sql.deadlock", "log.known-issue"],
        # The retried transaction succeeds: the application log shows no outage.
        forbidden=["log.error-burst", "log.restart"],
        allowed=["incident.cross-source", "sql.slow-query"],
        evidence=[
            {"artifact": "db/postgresql.log",
             "locator": {"kind": "line", "line": deadlock_line, "end_line": deadlock_line + 7},
             "why": "deadlock detected: 4242 and 4317 wait on each other's stock rows",
             "cited_by": "sql.deadlock"},
            {"artifact": "app/orders.log", "locator": {"kind": "line", "line": 3, "end_line": 7},
             "why": "the application retried the rolled-back transaction and it succeeded",
             "cited_by": "log.known-issue"},
        ])


SCENARIO = Scenario(
    name="deadlock",
    title="Orders fail intermittently with a database error",
    difficulty="medium",
    summary=("Two workers update the same stock rows in opposite order and deadlock; "
             "PostgreSQL rolls one back (40P01) and the app retries. Lock rows in a fixed "
             "order (sort item ids) to stop it."),
    build=build,
    tags=("sql", "locking"),
)
