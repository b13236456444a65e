"""``LogAnalyzer``: the ``logs`` analyzer's entry point, one log artifact at a time.

It reads the artifact (``reader``), detects the format from the first ``SAMPLE_LINES``
lines (``inspector.formats.logformat.detect``), feeds every line to the per-file state
(``state``), and at the end yields the findings (``findings``), the timeline's events and
the stats (``stats``).

Decisions the next engineer needs:

- Timestamps without a year (RFC 3164 syslog, Android) are placed on the artifact's
  modification time (``Artifact.modified``), as lnav does: a bundle collected last year,
  or around New Year, keeps its syslog in the year it was written, so the timeline lines
  it up with the capture and the HAR (rules in ``inspector.formats.logformat.times``).
  Without that time they start in ``default_year`` when the analyzer was given one (tests,
  benchmarks), else in the current year; ``stats["year_from"]`` says which. Rotated files
  are separate artifacts, each placed on its own time.
- The analyzer runs per artifact; the order of rotated files (``app.log.2.gz``,
  ``app.log.1``, ``app.log``) is ``inspector.formats.logformat.stitch_order``.
- A stream that stops being readable (a truncated gzip member) keeps what was read, with
  one warning; so do the reader's bad-input counts, one warning each.
- Progress is reported every ``PROGRESS_BYTES``, because it may cross processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from analyzers.logs.findings import RULES, findings
from analyzers.logs.known_issues import KnownIssues
from analyzers.logs.reader import MAX_LINE, LineReader
from analyzers.logs.state import FileAnalysis
from analyzers.logs.stats import log_stats
from inspector.formats.logformat import detect
from inspector.formats.templates import MessageHeader, sample_messages
from inspector.knowledge import KnowledgeBase
from inspector.model import ArtifactKind
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats

PROGRESS_BYTES = 8 << 20  # progress is reported this often (it may cross processes)
SAMPLE_LINES = 200


class LogAnalyzer:
    """The ``logs`` analyzer (see the module doc).

    Attributes:
        knowledge: the known-issue signatures matched against records.
        default_year: the year of timestamps that carry none, when the artifact's
            modification time is unknown; ``None``: the current year.
    """

    name = "logs"
    # Journals and kernel logs are logs with their own conventions; GC logs are read as logs
    # for their times until a JVM analyzer reads them (issue 16 decides who keeps them).
    kinds = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.JOURNAL,
                       ArtifactKind.KERNEL_LOG, ArtifactKind.GC_LOG})
    rules = RULES

    def __init__(self, knowledge: KnowledgeBase | None = None,
                 default_year: int | None = None) -> None:
        self._knowledge = knowledge
        self._known_issues: KnownIssues | None = None
        self.default_year = default_year

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            self._knowledge = KnowledgeBase.load()
        return self._knowledge

    def analyze(self, source: ArtifactSource,
                context: AnalysisContext) -> Iterator[AnalyzerItem]:
        path = source.artifact.path
        size = max(1, source.artifact.size)
        year = self.default_year or datetime.now(UTC).year
        anchor = source.artifact.modified
        reader = LineReader()
        analysis: FileAnalysis | None = None
        sample: list[tuple[int, list[str], list[str]]] = []
        sampled = 0
        next_progress = PROGRESS_BYTES
        try:
            with source.open() as stream:
                for number, lines, shapes in reader.blocks(stream):
                    if analysis is None:
                        sample.append((number, lines, shapes))
                        sampled += len(lines)
                        if sampled < SAMPLE_LINES:
                            continue
                        analysis = self._start(path, sample, year, anchor)
                        sample = []
                    else:
                        analysis.feed(number, lines, shapes)
                    context.check_cancelled()
                    if reader.bytes_read >= next_progress:
                        context.progress(min(1.0, reader.bytes_read / size))
                        next_progress = reader.bytes_read + PROGRESS_BYTES
        except (OSError, EOFError, ValueError) as exc:
            # A truncated gzip member or an unreadable stream: keep what was read.
            context.warn(f"{path}: reading stopped at line {reader.lines}: "
                         f"{type(exc).__name__}: {exc}")
        if analysis is None:
            analysis = self._start(path, sample, year, anchor)
        analysis.close()
        problems = reader.problems
        for key, what in (("invalid_utf8_lines", "lines with invalid UTF-8 (replaced)"),
                          ("binary_lines", "lines with binary data (NUL bytes, skipped)"),
                          ("long_lines", f"lines longer than {MAX_LINE:,} bytes (cut)")):
            if problems[key]:
                context.warn(f"{path}: {problems[key]:,} {what}")
        context.progress(1.0)
        yield from findings(analysis)
        yield from analysis.inspection.events
        yield Stats(log_stats(analysis, reader.lines, problems,
                              "default-year" if self.default_year else "current-year"))

    def _start(self, path: str, sample: list[tuple[int, list[str], list[str]]],
               year: int, anchor: datetime | None) -> FileAnalysis:
        """Detect the format from the first ``SAMPLE_LINES`` lines, then read them."""
        first_lines = [line for _, lines, _ in sample for line in lines][:SAMPLE_LINES]
        if self._known_issues is None or self._known_issues.knowledge is not self.knowledge:
            self._known_issues = KnownIssues(self.knowledge)
        log_format = detect(first_lines, year, anchor=anchor)
        analysis = FileAnalysis(path, self._known_issues, log_format,
                                MessageHeader.learn(sample_messages(first_lines, log_format)))
        for number, lines, shapes in sample:
            analysis.feed(number, lines, shapes)
        return analysis
