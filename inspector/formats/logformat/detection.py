"""Which format a file is written in, told from a sample of its first lines.

``detect(lines)`` returns the ``LogFormat`` that explains most of the sample.

Decisions the next engineer needs:

- Formats are tried most specific first: JSON lines, IIS (W3C), then the pattern formats
  of ``dialects.candidates`` (CRI container logs, access logs, syslog, nginx error logs,
  "timestamp at the start", Python's default), and a plain-text fallback. A format wins
  when it parses at least half of the sample; the plain-text fallback always works (every
  line is a record, the level is searched in its first words).
- The timestamp format of "timestamp at the start" is the one found within the first 40
  characters of the most sample lines.
- Stack frames and tracebacks never carry a header: lines that look like them do not vote.

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

from inspector.formats.logformat.dialects import candidates, w3c_format
from inspector.formats.logformat.jsonlines import parse_json_line
from inspector.formats.logformat.model import LogFormat
from inspector.formats.logformat.times import TIME_FORMATS, TimeFormat

_LIKELY_CONTINUATION = re.compile(
    r"\s|Caused by:|Suppressed:|Traceback \(most recent|During handling of|The above exception|"
    r"goroutine \d|panic: |\.\.\. \d+ more|--- End of|(?:[\w$]{1,100}\.){0,20}[\w$]{0,100}"
    r"(?:Exception|Error)(?::|$)")
_TIME_SEARCH = [(f, re.compile(r"^[^\n]{0,40}?\b" + f.pattern)) for f in TIME_FORMATS]


def _leading_time_format(lines: Sequence[str]) -> TimeFormat | None:
    """The ``TimeFormat`` found near the start of the most sample lines."""
    best, best_hits = None, 0
    for time_format, regex in _TIME_SEARCH:
        hits = sum(1 for line in lines if regex.match(line[:200]))
        if hits > best_hits:
            best, best_hits = time_format, hits
    return best if best_hits else None


def detect(lines: Iterable[str], default_year: int = 1970,
           anchor: datetime | None = None) -> LogFormat:
    """The format that parses most of ``lines`` (a sample of a file's first lines).

    Timestamps that carry no year (syslog, Android) are placed on ``anchor``, the file's
    modification time, when it is known, else start in ``default_year`` (see
    ``inspector.formats.logformat.times``). The returned format has read ``lines`` already:
    it keeps their year.
    """
    sample = [line for line in lines if line.strip()][:200]
    if not sample:
        return LogFormat("plain", None)
    json_hits = sum(1 for line in sample if line.lstrip().startswith("{")
                    and parse_json_line(line) is not None)
    if json_hits * 2 >= len(sample):
        return LogFormat("json", None, parse_line=parse_json_line)
    w3c = w3c_format(sample, default_year, anchor)
    if w3c is not None and sum(1 for line in sample if w3c.parse(line)) * 2 >= len(sample):
        return w3c
    time_format = _leading_time_format(sample)
    # Stack frames and tracebacks never carry a header; they do not vote.
    voters = [line for line in sample if not _LIKELY_CONTINUATION.match(line)] or sample
    best, best_hits = None, 0
    for candidate in candidates(time_format, default_year, anchor):
        hits = sum(1 for line in voters if candidate.parse(line) is not None)
        if hits > best_hits:
            best, best_hits = candidate, hits
    if best is not None and best_hits * 2 >= len(voters):
        return best
    return LogFormat("plain", None)
