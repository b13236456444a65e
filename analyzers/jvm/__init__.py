"""The JVM analyzers: GC logs, thread dumps, and OutOfMemoryError tied to both.

``JvmAnalyzer`` (``jvm``) reads each GC log and thread-dump file; ``JvmCrossAnalyzer``
(``jvm-cross``) judges the thread dumps of each JVM together and ties an
``OutOfMemoryError`` in any log to the same JVM's GC log and thread dumps. The modules, in
the order the data flows (lines come from ``inspector.formats.textlines``):

- ``gclog``: GC logs (JDK 8 and unified logging) into one ``GcEvent`` per collection;
- ``gcstats``: the log's totals in constant memory; ``gcfindings``: its findings;
- ``dumps``: one thread dump's summary (deadlocks, contention, hottest stack), read by
  ``inspector.formats.threaddump``;
- ``series``: the dumps of one JVM judged together; ``memory``: OutOfMemoryError by kind;
- ``analyzer``, ``cross``: the two analyzers; ``rules``: every rule they may raise.
"""

from analyzers.jvm.analyzer import JvmAnalyzer
from analyzers.jvm.cross import JvmCrossAnalyzer

__all__ = ["JvmAnalyzer", "JvmCrossAnalyzer"]
