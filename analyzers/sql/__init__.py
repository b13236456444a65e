"""SQL analyzers: schema dumps, MySQL slow-query logs, PostgreSQL and MySQL server logs.

``SqlAnalyzer`` (``sql``) says, per artifact, which queries hurt and why;
``SqlCrossAnalyzer`` (``sql-cross``) checks the slow queries of the whole bundle against
the schema of its dumps. The modules, in the order the data flows:

- ``analyzer``: the per-artifact analyzer; which material an artifact is;
- ``schema``: the schema model of a dump and its findings;
- ``slowlog``: slow-query logs split as pt-query-digest splits them;
- ``fingerprint``: pt-query-digest's fingerprints and query ids, and query shapes;
- ``query_classes``: queries grouped by fingerprint, and the slow-query findings;
- ``serverlog``: PostgreSQL and MySQL error logs, and their findings;
- ``deadlock``: InnoDB deadlock reports;
- ``cross``: the bundle-level slow query x schema check;
- ``rules``, ``excerpts``, ``identifiers``: what they share (rules, masked excerpts,
  SQL names).

>>> import io
>>> classes, kept, dropped = digest_slow_log(parse_slow_log(io.BytesIO(
...     b"# Query_time: 2.5  Lock_time: 0.0  Rows_sent: 1  Rows_examined: 9\\n"
...     b"SELECT * FROM t WHERE id = 7;\\n")))
>>> [(query_id(name)[:8], name, c.count) for name, c in classes.items()], kept, dropped
([('86A4FD49', 'select * from t where id = ?', 1)], 1, 0)
"""

from analyzers.sql.analyzer import SqlAnalyzer
from analyzers.sql.cross import SqlCrossAnalyzer
from analyzers.sql.fingerprint import fingerprint, query_id
from analyzers.sql.slowlog import digest_slow_log, parse_slow_log

__all__ = ["SqlAnalyzer", "SqlCrossAnalyzer", "digest_slow_log", "fingerprint",
           "parse_slow_log", "query_id"]
