"""Clock offsets between a bundle's sources, as an analysis records them.

A source's *offset* is the UTC offset its clock was written in: a log printing local CET
time without a zone has offset +01:00, and its true UTC time is ``written - offset``. The
timeline analyzer (``analyzers.timeline``) infers offsets and records each as a
``timeline.clock-offset`` finding whose facts carry the artifact and the offset; this module
reads them back (``recorded_offsets``) and puts a finding's times on the UTC axis
(``corrected_span``, ``seen_text``), for the report, the Markdown summary and the app.
The rule lives here because the core reads it: it is part of the JSON contract.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from inspector.model import Finding, Severity
from inspector.rules import rule

CLOCK_OFFSET = rule("timeline.clock-offset", Severity.INFO, "correlation",
                    "A source's clock was read with an inferred UTC offset")


@dataclass(frozen=True, slots=True)
class SourceClock:
    """How one artifact's times were corrected.

    Attributes:
        artifact: the artifact path.
        offset: the UTC offset its times were written in (subtracted to get UTC).
        how: ``reference`` (times carry their zone), ``inferred``, ``override`` or
            ``assumed-utc`` (no zone, nothing to align with).
        aligned: for an inferred offset, how many of its events lined up.
        basis: for an inferred offset, what it rests on: ``alignment`` (its events line up
            with the references at that offset) or ``same-node`` (sources of the same host,
            same folder or host name, write that offset in their timestamps).
        same_node: for ``same-node``, the sources whose written offset it took.
    """

    artifact: str
    offset: timedelta
    how: str
    aligned: int = 0
    basis: str | None = None
    same_node: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "artifact": self.artifact, "offset": offset_text(self.offset).removeprefix("UTC"),
            "how": self.how, "aligned": self.aligned}
        if self.basis is not None:
            described["basis"] = self.basis
        if self.same_node:
            described["same_node"] = list(self.same_node)
        return described


def offset_text(offset: timedelta) -> str:
    """``UTC+01:00`` style.

    >>> offset_text(timedelta(hours=-5, minutes=-30)), offset_text(timedelta(0))
    ('UTC-05:30', 'UTC+00:00')
    """
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def recorded_offsets(findings: Iterable[Finding]) -> dict[str, timedelta]:
    """The clock offsets an analysis recorded (its ``timeline.clock-offset`` findings), by
    artifact path: what a consumer of the analysis subtracts to put a source's times in UTC.

    >>> clock = SourceClock("logs/app.log", timedelta(hours=-5, minutes=-30), "override")
    >>> finding = CLOCK_OFFSET.finding("x", analyzer="timeline", facts=clock.to_json())
    >>> recorded_offsets([finding]) == {"logs/app.log": clock.offset}
    True
    """
    offsets = {}
    for finding in findings:
        if finding.rule != CLOCK_OFFSET.id:
            continue
        written = _OFFSET_TEXT.fullmatch(str(finding.facts.get("offset", "")))
        artifact = finding.facts.get("artifact")
        if written and isinstance(artifact, str):
            sign = -1 if written["sign"] == "-" else 1
            offsets[artifact] = sign * timedelta(hours=int(written["hours"]),
                                                 minutes=int(written["minutes"]))
    return offsets


def corrected_span(finding: Finding, offsets: Mapping[str, timedelta]
                   ) -> tuple[datetime | None, datetime | None, timedelta]:
    """A finding's first and last seen on the UTC axis, and the offset subtracted to get
    there: the offset of its source when all its evidence comes from one artifact whose clock
    was read with one (a per-source finding), else none (its times are already UTC).

    >>> from inspector.model import Evidence, LineLocator
    >>> seen = datetime(2026, 11, 17, 10, 14, 2)
    >>> finding = CLOCK_OFFSET.finding("x", analyzer="logs", first_seen=seen, last_seen=seen,
    ...                                evidence=[Evidence("app.log", LineLocator(3))])
    >>> first, last, offset = corrected_span(finding, {"app.log": timedelta(hours=1)})
    >>> first.hour, offset
    (9, datetime.timedelta(seconds=3600))
    """
    artifacts = {evidence.artifact for evidence in finding.evidence}
    offset = offsets.get(artifacts.pop(), timedelta(0)) if len(artifacts) == 1 else timedelta(0)
    first, last = finding.first_seen, finding.last_seen
    return (first - offset if first else first, last - offset if last else last, offset)


def human_time(moment: datetime, day: date | None = None) -> str:
    """A UTC time as a person reads it: to the second, the date only when it is not
    ``day``, and no zone (the caller says "UTC" once).

    >>> moment = datetime(2026, 11, 17, 9, 14, 2, 517000, tzinfo=UTC)
    >>> human_time(moment), human_time(moment, day=moment.date())
    ('2026-11-17 09:14:02', '09:14:02')
    """
    moment = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return f"{moment:%H:%M:%S}" if day == moment.date() else f"{moment:%Y-%m-%d %H:%M:%S}"


def span_text(first: datetime, last: datetime | None) -> str:
    """``2026-11-17 09:14:02 to 09:16:47 UTC``: a span as a person reads it.

    >>> start = datetime(2026, 11, 17, 9, 14, 2, tzinfo=UTC)
    >>> span_text(start, start + timedelta(minutes=2)), span_text(start, start)
    ('2026-11-17 09:14:02 to 09:16:02 UTC', '2026-11-17 09:14:02 UTC')
    """
    text = human_time(first)
    if last is not None and last != first:
        text += f" to {human_time(last, day=first.astimezone(UTC).date())}"
    return text + " UTC"


def seen_text(finding: Finding, offsets: Mapping[str, timedelta]) -> str:
    """``2026-11-17 09:14:02 to 09:16:47 UTC``, on the UTC axis, saying when a source's
    local clock was corrected; empty for a finding without times."""
    first, last, offset = corrected_span(finding, offsets)
    if first is None:
        return ""
    span = span_text(first, last)
    if offset:
        span += f" (its source writes {offset_text(offset)}; corrected)"
    return span


_OFFSET_TEXT = re.compile(r"(?P<sign>[+-])(?P<hours>\d\d):(?P<minutes>\d\d)")
