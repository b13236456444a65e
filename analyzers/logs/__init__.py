"""The ``logs`` analyzer: formats, levels, stack traces, templates, bursts, known issues.

For one log artifact it detects the format from the first lines (``inspector.formats.logformat``),
folds every line that does not start a record (stack frames, ``Caused by:``, tracebacks,
goroutine dumps) into the record before it, and then, per record: counts its level, mines
its template (``inspector.formats.templates``), parses its stack trace, matches the knowledge
base (``inspector.knowledge``) and feeds per-minute counters. Findings come at the end:
``log.exception`` (one per exception signature), ``log.error-burst``, ``log.new-error``,
``log.restart``, ``log.gap`` and ``log.known-issue``. Stats: ``lines``, ``events``,
``format``, ``time_range``, ``levels``, ``templates``, ``exceptions`` and more.

The modules, in the order a file goes through them:

- ``analyzer``: ``LogAnalyzer``, one artifact from its bytes to its findings.
- ``reader``: blocks of bytes into lines and their digit shapes; bad input survived.
- ``shapes``: what every line of one shape has in common, learnt once per shape.
- ``state``: the per-file state and the per-line loop (the hot path).
- ``records``: the work a record needs once its lines are in: restarts, events.
- ``exceptions``: stack traces of Java, .NET, JavaScript, Python and Go, and their grouping.
- ``known_issues``: the knowledge base behind an exact pre-check.
- ``findings`` and ``stats``: what the analyzer says about the file at the end.
"""

from analyzers.logs.analyzer import LogAnalyzer
from analyzers.logs.exceptions import ExceptionInfo, parse_exception
from analyzers.logs.known_issues import KnownIssues

__all__ = ["ExceptionInfo", "KnownIssues", "LogAnalyzer", "parse_exception"]
