"""``JvmCrossAnalyzer`` (``jvm-cross``): the bundle-level JVM judgement.

After the per-artifact pass it reads the ``jvm`` analyzer's thread-dump summaries of every
artifact and judges each JVM's dumps together (``series``), then ties every
``OutOfMemoryError`` the logs analyzer found to the same JVM's GC log and thread dumps
(``memory``). It reads only what the per-artifact pass produced, never the members again.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.jvm.memory import out_of_memory
from analyzers.jvm.rules import ANALYZER, CROSS, CROSS_RULES
from analyzers.jvm.series import judge_dumps
from inspector.model import Event, Finding
from inspector.plugins import AnalysisContext, BundleView


class JvmCrossAnalyzer:
    """The ``jvm-cross`` analyzer (see the module doc)."""

    name = CROSS
    rules = CROSS_RULES

    def analyze_bundle(self, bundle: BundleView,
                       context: AnalysisContext) -> Iterator[Finding | Event]:
        results = bundle.results()
        dumps = [(result.artifact.path, summary) for result in results
                 for summary in result.stats.get(ANALYZER, {}).get("thread_dumps", [])]
        yield from judge_dumps(dumps)
        context.check_cancelled()
        yield from out_of_memory(results)
