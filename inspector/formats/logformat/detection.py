"""Which format a file is written in, told from a sample of its first lines.

``detect(lines)`` returns the ``LogFormat`` that explains most of the sample.

Decisions the next engineer needs:

- Formats are tried most specific first: JSON lines, IIS (W3C), then the pattern formats
  with a fixed shape (CRI, access logs, nginx; Redis, MongoDB, HAProxy, PostgreSQL; syslog
  and journals, klog, dmesg, JVM GC, logcat, Windows exports), logfmt, then "timestamp at
  the start" with the generic header, Python's default, and a plain-text fallback.
- A format wins when it parses at least half of the sample; of those, the most specific
  one that parses at least ``SPECIFIC_SHARE`` of what the best one parses (a specific
  format may leave some lines to continue the record before: PostgreSQL's DETAIL lines).
  A format whose lines start with a timestamp also wins with a twentieth of it (at least
  two lines) when nothing parses half: a log whose records run over many lines (MySQL 5's
  InnoDB reports and status dumps, a JVM's thread dump in its output) is still a log with
  records, not text; so is a file whose first line starts with such a timestamp, however
  long its records (MySQL 5 dumping 200 lines of semaphore waits under one timestamped
  warning). The plain-text fallback always works (every line is a record, its
  level is the one its own header writes).
- The timestamp format of "timestamp at the start" is the one the most sample lines start
  with (after a bracket or a syslog priority), else the one found within their first 40
  characters on the most lines: a number in a line's text is not a timestamp when others
  start the lines.
- Stack frames, tracebacks and a journal's ``-- `` lines never carry a header: lines that
  look like them do not vote.
- A journal's header (``-- Logs begin at ... UTC``) sets the zone and the first year of
  every format tried (``systems.journal_clock``).

>>> fmt = detect(["2026-11-17 09:14:01,233 ERROR [main] com.acme.Pool - pool exhausted"])
>>> fmt.name
'timestamp-first'
>>> rec = fmt.parse("2026-11-17 09:14:01,233 ERROR [main] com.acme.Pool - pool exhausted")
>>> (rec.time.isoformat(), rec.level, rec.logger, rec.message)
('2026-11-17T09:14:01.233000+00:00', 'error', 'com.acme.Pool', 'pool exhausted')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from inspector.formats.logformat.dialects import early_formats, timestamp_formats, w3c_format
from inspector.formats.logformat.jsonlines import parse_json_line
from inspector.formats.logformat.logfmt import parse_logfmt_line
from inspector.formats.logformat.model import FileClock, LogFormat
from inspector.formats.logformat.servers import server_formats
from inspector.formats.logformat.systems import journal_clock, system_formats
from inspector.formats.logformat.times import TIME_FORMATS, TimeFormat

_LIKELY_CONTINUATION = re.compile(
    r"\s|-- |Caused by:|Suppressed:|Traceback \(most recent|During handling of|"
    r"The above exception|goroutine \d|panic: |\.\.\. \d+ more|--- End of|"
    r"(?:[\w$]{1,100}\.){0,20}[\w$]{0,100}(?:Exception|Error)(?::|$)")
_TIME_START = [(f, re.compile(r"(?:<\d{1,3}>)?[\[(]?" + f.pattern)) for f in TIME_FORMATS]
_TIME_SEARCH = [(f, re.compile(r"^[^\n]{0,40}?\b" + f.pattern)) for f in TIME_FORMATS]
SAMPLE_LINES = 200
SPECIFIC_SHARE = 0.8


def _leading_time_format(lines: Sequence[str]) -> TimeFormat | None:
    """The ``TimeFormat`` the most sample lines start with, else the one found near the
    start of the most lines."""
    for searches in (_TIME_START, _TIME_SEARCH):
        best, best_hits = None, 0
        for time_format, regex in searches:
            hits = sum(1 for line in lines if regex.match(line[:200]))
            if hits > best_hits:
                best, best_hits = time_format, hits
        if best is not None:
            return best
    return None


def candidates(sample: Sequence[str], clock: FileClock) -> list[LogFormat]:
    """Every pattern or function format to try on ``sample``, most specific first."""
    time_format = _leading_time_format(sample)
    return [*early_formats(clock), *server_formats(time_format, clock),
            *system_formats(time_format, clock),
            LogFormat("logfmt", None, parse_line=parse_logfmt_line),
            *timestamp_formats(time_format, clock)]


def detect(lines: Iterable[str], default_year: int = 1970,
           anchor: datetime | None = None) -> LogFormat:
    """The format that parses most of ``lines`` (a sample of a file's first lines).

    Timestamps that carry no year (syslog, Android) are placed on ``anchor``, the file's
    modification time, when it is known, else start in ``default_year`` (see
    ``inspector.formats.logformat.times``), unless the file's header says its year. The
    returned format has read ``lines`` already: it keeps their year.
    """
    sample = [line for line in lines if line.strip()][:SAMPLE_LINES]
    if not sample:
        return LogFormat("plain", None)
    clock = journal_clock(sample, FileClock(default_year, anchor))
    json_hits = sum(1 for line in sample if line.lstrip().startswith("{")
                    and parse_json_line(line) is not None)
    if json_hits * 2 >= len(sample):
        return LogFormat("json", None, parse_line=parse_json_line)
    w3c = w3c_format(sample, clock)
    if w3c is not None and sum(1 for line in sample if w3c.parse(line)) * 2 >= len(sample):
        return w3c
    # Stack frames and tracebacks never carry a header; they do not vote.
    voters = [line for line in sample if not _LIKELY_CONTINUATION.match(line)] or sample
    scored = [(candidate, sum(1 for line in voters if candidate.parse(line) is not None))
              for candidate in candidates(sample, clock)]
    best_hits = max(hits for _, hits in scored)
    if best_hits * 2 >= len(voters):
        return next(candidate for candidate, hits in scored
                    if hits * 2 >= len(voters) and hits >= SPECIFIC_SHARE * best_hits)
    timed, timed_hits = None, 0
    for candidate, hits in scored:
        if candidate.has_time and candidate.time_first and hits > timed_hits:
            timed, timed_hits = candidate, hits
    first = next((line for line in sample if line.strip()), "")
    if timed is not None and timed_hits >= 2 and (
            timed_hits * 20 >= len(voters) or timed.parse(first) is not None):
        return timed
    return LogFormat("plain", None)
