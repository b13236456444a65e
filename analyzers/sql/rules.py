"""The rules SQL findings come from, and the name of the per-artifact analyzer.

Declared together, not beside the code that builds each finding: a deadlock finding comes
from a PostgreSQL log entry (``serverlog``) or an InnoDB status section (``deadlock``),
and ``ANALYZER`` is both the ``analyzer`` every per-artifact finding carries and the key
under which the bundle-level ``sql-cross`` analyzer (``cross``) reads the stats.

>>> ANALYZER, DEADLOCK.id in {r.id for r in RULES}, MISSING_INDEX in RULES
('sql', True, False)
"""

from __future__ import annotations

from inspector.model import Severity
from inspector.rules import rule

# The per-artifact analyzer's name, and the key of its stats.
ANALYZER = "sql"

MISSING_PRIMARY_KEY = rule("sql.missing-primary-key", Severity.MEDIUM, "schema",
                           "A table has no primary key")
UNINDEXED_FOREIGN_KEY = rule("sql.unindexed-foreign-key", Severity.MEDIUM, "performance",
                             "Foreign-key columns are not the leading columns of any index")
DUPLICATE_INDEX = rule("sql.duplicate-index", Severity.LOW, "performance",
                       "An index is identical to, or a left prefix of, another index")
CHARSET_MISMATCH = rule("sql.charset-mismatch", Severity.MEDIUM, "performance",
                        "Joined columns have different character sets or collations")
ENGINE_MISMATCH = rule("sql.engine-mismatch", Severity.MEDIUM, "schema",
                       "Tables use a different storage engine from the rest of the schema")
SLOW_QUERY = rule("sql.slow-query", Severity.MEDIUM, "performance",
                  "A query class takes much of the database's time")
FULL_SCAN = rule("sql.full-scan", Severity.MEDIUM, "performance",
                 "A query examines far more rows than it returns")
MISSING_INDEX = rule("sql.missing-index-for-slow-query", Severity.HIGH, "performance",
                     "A slow query filters or joins on columns no index covers")
# A server log read as a log too gives its error lines as templates: the same errors,
# without their SQLSTATE.
ERRORS = rule("sql.errors", Severity.MEDIUM, "errors", "The database server logged errors",
              same_cause=("group", "dialect"), explains=("log.new-error", "log.errors"))
# Each names the cause of the error lines it reads, which ``sql.errors`` groups by message
# and a knowledge-base signature may match too: on the same lines, those are this event.
_NAMED_ERRORS = ("sql.errors", "kb.known-issue")
CONNECTIONS_EXHAUSTED = rule("sql.connection-exhausted", Severity.HIGH, "availability",
                             "The database refused connections: all slots were in use",
                             explains=_NAMED_ERRORS)
AUTH_FAILED = rule("sql.authentication-failed", Severity.MEDIUM, "security",
                   "Clients failed to authenticate to the database", explains=_NAMED_ERRORS)
DEADLOCK = rule("sql.deadlock", Severity.HIGH, "errors",
                "Transactions deadlocked and one was rolled back", explains=_NAMED_ERRORS)
LOCK_TIMEOUT = rule("sql.lock-timeout", Severity.MEDIUM, "errors",
                    "Statements gave up waiting for a lock", explains=_NAMED_ERRORS)

# The per-artifact analyzer's rules; ``MISSING_INDEX`` is the bundle-level analyzer's.
RULES = (MISSING_PRIMARY_KEY, UNINDEXED_FOREIGN_KEY, DUPLICATE_INDEX, CHARSET_MISMATCH,
         ENGINE_MISMATCH, SLOW_QUERY, FULL_SCAN, ERRORS, CONNECTIONS_EXHAUSTED, AUTH_FAILED,
         DEADLOCK, LOCK_TIMEOUT)
