"""``JvmAnalyzer`` (``jvm``): GC logs and thread dumps, one artifact at a time.

- A GC log (``gc_log``) is read by ``gclog`` into collections, added up by ``gcstats``
  and judged by ``gcfindings``: its findings, the timeline events of those that have a
  wall-clock time, and its stats (pauses p50/p99/max, time in GC, collections by kind;
  ``time_zone`` and ``utc_offset``, the offset its date stamps write, as the logs
  analyzer says them).
- A thread-dump file (``thread_dump``) is read dump by dump
  (``inspector.formats.threaddump``) and each dump summarized (``dumps``) into the stats
  (``thread_dumps``). It yields no finding: dumps are judged together, per JVM, by the
  bundle-level ``jvm-cross`` analyzer, whether the JVM's dumps sit in one file or one
  file each (a support bundle's ``jstack-1.txt`` .. ``jstack-6.txt``). Dump times are
  written without a zone, so they go into the stats as written, not onto the timeline.

Both read in constant memory: a 1 GB GC log or a 200 MB file of dumps is one pass
(``bench/bench_jvm.py``). A file of more than ``MAX_DUMP_SUMMARIES`` dumps (``kill -3``
every few seconds for hours) keeps the summaries of its first and its last
``MAX_DUMP_SUMMARIES // 2`` dumps, where a problem starts and how it ends; the dumps in
between are counted (``dumps``) and a warning says so. A summary holds lists of threads, so
keeping one per dump would grow with the file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from analyzers.jvm.dumps import summarize
from analyzers.jvm.gcfindings import GcJudge, gc_events
from analyzers.jvm.gclog import GcLogReader
from analyzers.jvm.gcstats import GcSummary
from analyzers.jvm.rules import ANALYZER, GC_RULES
from inspector.formats.textlines import TextLines
from inspector.formats.threaddump import read_dumps
from inspector.model import ArtifactKind
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats

PROGRESS_LINES = 200_000
MAX_DUMP_SUMMARIES = 200


class JvmAnalyzer:
    """The ``jvm`` analyzer (see the module doc)."""

    name = ANALYZER
    kinds = frozenset({ArtifactKind.GC_LOG, ArtifactKind.THREAD_DUMP})
    rules = GC_RULES

    def analyze(self, source: ArtifactSource,
                context: AnalysisContext) -> Iterator[AnalyzerItem]:
        if source.artifact.kind is ArtifactKind.THREAD_DUMP:
            yield from self._thread_dumps(source, context)
        else:
            yield from self._gc_log(source, context)

    @staticmethod
    def _lines(source: ArtifactSource, lines: TextLines,
               context: AnalysisContext) -> Iterator[tuple[int, str]]:
        size = max(1, source.artifact.size)
        for number, text in lines:
            if number % PROGRESS_LINES == 0:
                context.check_cancelled()
                context.progress(min(1.0, lines.bytes_read / size))
            yield number, text

    @staticmethod
    def _warn(source: ArtifactSource, lines: TextLines, context: AnalysisContext) -> None:
        path = source.artifact.path
        if lines.error:
            context.warn(f"{path}: reading stopped early ({lines.error}); kept what was read")
        if lines.invalid_utf8:
            context.warn(f"{path}: {lines.invalid_utf8:,} lines with invalid UTF-8 (replaced)")
        if lines.long_lines:
            context.warn(f"{path}: {lines.long_lines:,} lines longer than 1 MiB (cut)")

    def _gc_log(self, source: ArtifactSource,
                context: AnalysisContext) -> Iterator[AnalyzerItem]:
        reader, summary = GcLogReader(), GcSummary()
        with source.open() as stream:
            lines = TextLines(stream)
            for event in reader.read(self._lines(source, lines, context)):
                summary.add(event)
        self._warn(source, lines, context)
        context.progress(1.0)
        stats = summary.stats()
        findings = list(GcJudge(source.artifact.path, stats, reader.debug_build).findings())
        yield from findings
        yield from gc_events(source.artifact.path, findings)
        # The zone keys mean what the logs analyzer's do: the timeline reads a same-node
        # log's local time from the offset a GC log's date stamps write.
        yield Stats(gc=stats, dialect=reader.dialect, debug_build=reader.debug_build,
                    lines=reader.lines, time_zone="explicit" if reader.offsets else "none",
                    utc_offset=reader.utc_offset())

    def _thread_dumps(self, source: ArtifactSource,
                      context: AnalysisContext) -> Iterator[AnalyzerItem]:
        half = MAX_DUMP_SUMMARIES // 2
        first: list[dict] = []
        last: deque[dict] = deque(maxlen=half)
        dumps = 0
        with source.open() as stream:
            lines = TextLines(stream)
            for dump in read_dumps(self._lines(source, lines, context)):
                dumps += 1
                (first if len(first) < half else last).append(summarize(dump))
        self._warn(source, lines, context)
        summaries = first + list(last)
        if dumps > len(summaries):
            context.warn(f"{source.artifact.path}: {dumps:,} thread dumps; the first and the "
                         f"last {half:,} are judged, the {dumps - len(summaries):,} between "
                         "them only counted")
        context.progress(1.0)
        yield Stats(dumps=dumps, thread_dumps=summaries)
