"""The ``logs`` stats of one file: what was read, and what it is made of.

Keys: ``lines``, ``events`` (records), ``format``, ``timestamp_format``, ``year_from``,
``time_range``, ``time_zone``, ``utc_offset``, ``levels``, ``templates``, ``exceptions``,
``exception_signatures``, ``restarts``, ``known_issues``, ``top_templates`` (the 20 most
frequent), and the reader's problem counts (``invalid_utf8_lines``, ``binary_lines``,
``long_lines``).

Decisions the next engineer needs:

- ``time_zone`` is ``"explicit"`` when most timed records write their zone, ``"unknown"``
  when they do not (times are then kept as UTC and the timeline infers the offset), and
  ``"none"`` when no record has a time. ``utc_offset`` (``"+01:00"``) is the offset most
  of an explicit file's timestamps write, else ``null``: the timeline reads a source of
  the same host that writes no zone in that local time.
- ``year_from`` says what placed timestamps without a year (``"file-modified"``,
  ``"default-year"``, ``"current-year"``), and is there only for a file that had such
  timestamps.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from analyzers.logs.records import short
from inspector.formats.logformat import LEVEL_ORDER
from inspector.model import format_time
from inspector.timeline import offset_text

if TYPE_CHECKING:
    from analyzers.logs.state import FileAnalysis


def log_stats(analysis: FileAnalysis, lines: int, problems: dict[str, int],
              default_year_from: str = "current-year") -> dict[str, Any]:
    """The ``logs`` stats; ``default_year_from`` names where ``default_year`` came from,
    for ``year_from`` when no modification time placed the timestamps without a year."""
    levels = {name: analysis.levels[name] for name in (*LEVEL_ORDER, "none")
              if analysis.levels.get(name)}
    template_rank = analysis.template_rank
    top = [{"id": tid, "template": short(analysis.miner.template(tid), 300), "count": count,
            "level": LEVEL_ORDER[template_rank[tid]]
            if template_rank.get(tid, -1) >= 0 else None}
           for tid, count in sorted(analysis.template_counts.items(),
                                    key=lambda item: (-item[1], item[0]))[:20]]
    log_format = analysis.format
    year_source = log_format.year_source
    zone = "none" if not analysis.timed else (
        "explicit" if analysis.zone_written() else "unknown")
    inspection = analysis.inspection
    return {
        "lines": lines,
        "events": analysis.records,
        "format": log_format.name,
        "timestamp_format": log_format.time_format.name if log_format.time_format
        else None,
        **({"year_from": "file-modified" if year_source == "anchor" else default_year_from}
           if year_source else {}),
        "time_range": [format_time(analysis.first_time), format_time(analysis.last_time)]
        if analysis.first_time else None,
        "time_zone": zone,
        "utc_offset": offset_text(timedelta(minutes=log_format.utc_offset)).removeprefix("UTC")
        if zone == "explicit" and log_format.utc_offset is not None else None,
        "levels": levels,
        "templates": len(analysis.miner),
        "exceptions": inspection.exception_count,
        "exception_signatures": len(inspection.exceptions),
        "restarts": len(inspection.restarts),
        "known_issues": {k: g.count for k, g in sorted(inspection.known.items())},
        "top_templates": top,
        **problems,
    }
