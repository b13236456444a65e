"""InnoDB deadlock reports, from ``SHOW ENGINE INNODB STATUS`` output and the MySQL error log.

``innodb_deadlocks`` finds each ``LATEST DETECTED DEADLOCK`` section (status output) or
``Transactions deadlock detected`` dump (MySQL 8 with ``innodb_print_all_deadlocks``, every
line behind an error-log prefix) up to its ``WE ROLL BACK TRANSACTION`` line, and reads the
transactions' statements, the locks each held and waited for, and the victim. The report
is not line-structured like the rest of the error log, so it is read from the raw lines
of the whole artifact. PostgreSQL reports deadlocks as log entries; ``serverlog`` reads
those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.sql.excerpts import excerpt
from analyzers.sql.rules import ANALYZER, DEADLOCK
from inspector.formats.clipping import clip
from inspector.model import Evidence, Finding, LineLocator

_INNODB_TRANSACTION = re.compile(r"^\*\*\* \((\d+)\) TRANSACTION:", re.M)
_INNODB_ROLLBACK = re.compile(r"^\*\*\* WE ROLL BACK TRANSACTION \((\d+)\)", re.M)


def innodb_deadlocks(lines: list[tuple[int, str]], path: str) -> Iterator[Finding]:
    """``LATEST DETECTED DEADLOCK`` sections (SHOW ENGINE INNODB STATUS) and the MySQL 8
    error-log dumps written with innodb_print_all_deadlocks."""
    start = None
    for position, (_, text) in enumerate(lines):
        if "LATEST DETECTED DEADLOCK" in text or "Transactions deadlock detected" in text:
            start = position
        elif start is not None and _INNODB_ROLLBACK.match(text.split("] ", 1)[-1]
                                                           if "] " in text[:80] else text):
            yield _innodb_finding(lines[start:position + 1], path)
            start = None


def _innodb_finding(section: list[tuple[int, str]], path: str) -> Finding:
    text = "\n".join(line for _, line in section)
    transactions: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    mode = None
    for raw in text.split("\n"):
        line = re.sub(r"^\S+ \d+ \[\w+\] (?:\[MY-\d+\] )?(?:\[InnoDB\] )?", "", raw)
        header = _INNODB_TRANSACTION.match(line)
        if header:
            current = transactions.setdefault(header.group(1), {"locks_held": [],
                                                                "locks_waited": [],
                                                                "statement": ""})
            mode = "transaction"
            continue
        if current is None:
            continue
        if "HOLDS THE LOCK" in line:
            mode = "held"
        elif "WAITING FOR THIS LOCK" in line:
            mode = "waited"
        elif line.startswith("RECORD LOCKS") or line.startswith("TABLE LOCK"):
            lock = clip(re.sub(r" trx id \d+", "", line), 200)
            (current["locks_held"] if mode == "held" else current["locks_waited"]).append(lock)
        elif line.startswith("MySQL thread id"):
            current["thread"] = clip(line, 200)
        elif mode == "transaction" and re.match(r"^(?:UPDATE|DELETE|INSERT|SELECT|REPLACE)\b",
                                                line, re.I):
            current["statement"] = excerpt(line, 300)
    victim = _INNODB_ROLLBACK.search(text)
    victim_id = victim.group(1) if victim else None
    statements = {number: info["statement"] for number, info in sorted(transactions.items())}
    return DEADLOCK.finding(
        f"InnoDB deadlock between {len(transactions) or 2} transactions; transaction "
        f"({victim_id}) rolled back", analyzer=ANALYZER,
        detail="\n".join(f"({n}) {s}" for n, s in statements.items()),
        evidence=[Evidence(path, LineLocator(section[0][0], section[-1][0]),
                           excerpt(" | ".join(s for s in statements.values() if s), 300))],
        facts={"transactions": {n: {"statement": t["statement"],
                                    "locks_held": t["locks_held"][:5],
                                    "locks_waited": t["locks_waited"][:5]}
                                for n, t in sorted(transactions.items())},
               "victim": victim_id},
        remediation=("Access rows in the same order in every transaction, index the columns "
                     "the UPDATE/DELETE filter on so fewer rows are locked, keep transactions "
                     "short, and retry on error 1213."))
