"""The first version of the escalation report, drafted from an analysis.

``draft(analysis, bundle=None)`` writes it from the evidence only: the numbers, hosts, times
and excerpts come from the findings, timeline and stats; nothing is invented, and what only
the engineer knows (customer, reproduction, workaround, the ask) is left empty. With the
opened ``bundle`` it also reads the environment from the members
(``inspector.report.environment``).

Decisions the next engineer needs:

- Findings are taken in the bundle's order (``inspector.findings.ranking``): the outage
  first, so the title, the impact and the summary lead with it. Findings about the bundle
  itself (credentials a HAR carries, hostile members) are never the title or the root
  cause: the summary names them on a "Handle with care" line.
- The draft keeps the first ``DRAFT_FINDINGS`` findings about the system at low severity or
  above (of all of them when none is), each with its first few evidence items
  (``inspector.report.document.DRAFT_EVIDENCE``), and at most ``DRAFT_TIMELINE`` timeline
  entries, the worst kept.
- Every time is put on UTC with the clock offsets the analysis inferred or the engineer set
  (``timeline.clock-offset``, or ``offsets``); the timeline says which entries were
  corrected. Times are written as a person reads them (``2026-11-17 09:14:02``, then
  ``09:14:05`` on the same day), never as ISO timestamps.
- The title is the top finding's, skipping incidents: they are named after their times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, timedelta
from pathlib import Path

from inspector.analysis import Analysis
from inspector.bundle import Bundle
from inspector.findings import handle_with_care, rank_order
from inspector.model import HANDLING, ArtifactKind, Event, Finding, Severity
from inspector.report.document import (
    Attachment,
    Report,
    ReportFinding,
    TimelineEntry,
    clip,
)
from inspector.report.environment import detect_environment
from inspector.timeline import corrected_span, human_time, offset_text, recorded_offsets

DRAFT_FINDINGS = 8
DRAFT_TIMELINE = 25
_NAMED_BY_TIME = ("incident.", "timeline.")


def draft(analysis: Analysis, bundle: Bundle | None = None,
          offsets: Mapping[str, timedelta] | None = None) -> Report:
    """The first version of the report, in plain words, from the evidence only.

    ``offsets`` are clock offsets the engineer set (by artifact path), over the ones the
    analysis inferred."""
    ordered = [f for f in rank_order(analysis.findings) if f.concern != HANDLING]
    findings = [f for f in ordered if f.severity >= Severity.LOW] or ordered
    chosen = findings[:DRAFT_FINDINGS]
    # The case's severity is its system's: a warning about the bundle is not an outage.
    worst = max((f.severity for f in ordered), default=Severity.INFO)
    offsets = {**recorded_offsets(analysis.findings), **(offsets or {})}
    return Report(
        title=_title(chosen),
        severity=worst,
        business_impact=_impact(analysis, offsets),
        environment=detect_environment(analysis, bundle),
        summary=_summary(analysis, chosen),
        timeline=_timeline(analysis, offsets),
        findings=[ReportFinding.of(f, offsets=offsets) for f in chosen],
        attachments=[Attachment(a.path, f"{a.kind.value}, {a.size:,} bytes"
                                + (f", {a.status.value}: {a.reason}" if a.reason else ""))
                     for a in analysis.artifacts if a.kind is not ArtifactKind.ARCHIVE],
        bundle=Path(analysis.bundle.source).name,
        bundle_sha256=analysis.bundle.sha256,
    )


def _title(chosen: list[Finding]) -> str:
    """The top finding's title, but never an incident's, which is named after its times
    ("Incident 09:14:05-09:14:12 UTC across 2 sources"): the report is named after what
    is wrong."""
    for finding in chosen:
        if not finding.rule.startswith(_NAMED_BY_TIME):
            return finding.title
    return "Trouble across several sources" if chosen else "No problem found in the bundle"


def _impact(analysis: Analysis, offsets: Mapping[str, timedelta]) -> str:
    serious = [f for f in rank_order(analysis.findings)
               if f.severity >= Severity.HIGH and f.concern != HANDLING]
    if not serious:
        return ""
    sentences = []
    for finding in serious[:3]:
        first = corrected_span(finding, offsets)[0]
        when = f" from {human_time(first)} UTC" if first else ""
        sentences.append(f"{finding.title}{when}.")
    sources = sorted({e.artifact for f in serious for e in f.evidence})
    sentences.append(f"{len(serious)} high or critical finding(s) in {len(sources)} "
                     "artifact(s) of the bundle.")
    return " ".join(sentences)


def _summary(analysis: Analysis, chosen: list[Finding]) -> str:
    if not chosen and not handle_with_care(analysis.findings):
        readable = sum(1 for a in analysis.artifacts if a.kind is not ArtifactKind.ARCHIVE)
        return (f"The analysis of {readable} artifact(s) found nothing at low severity or "
                "above.")
    lines = []
    incident = next((f for f in chosen if f.rule == "incident.cross-source"), None)
    if incident is not None:
        lines.append(incident.title + ".")
        sequence = incident.facts.get("sequence")
        if isinstance(sequence, str) and sequence:
            lines.append(f"Sequence: {sequence}.")
    for finding in chosen:
        if finding is incident or finding.severity < Severity.MEDIUM:
            continue
        where = finding.evidence[0] if finding.evidence else None
        proof = f" ({where.artifact}, {where.locator.describe()})" if where else ""
        lines.append(f"- {finding.title}{proof}.")
        if len(lines) >= 6:
            break
    careful = handle_with_care(analysis.findings)
    if careful:
        lines.append("Handle with care: " + "; ".join(f.title for f in careful)
                     + ". These concern the bundle itself, not the root cause.")
    if analysis.problems:
        lines.append(f"{len(analysis.problems)} part(s) of the bundle could not be fully "
                     "read or analyzed; see the attachments.")
    return "\n".join(lines)


def _timeline(analysis: Analysis, offsets: Mapping[str, timedelta]) -> list[TimelineEntry]:
    """Notable events, one per distinct message and one per place (a log record that is
    both an error and a known issue is one entry, the more severe), the worst kept when
    there are too many.

    Times are corrected with the clock offsets the analysis inferred or the engineer set
    (``timeline.clock-offset``), as the timeline view shows them, and the entry says so:
    a report's sequence must be the true one, not each source's own clock.
    """
    seen: set[str] = set()
    places: dict[tuple[str, str], int] = {}
    candidates: list[Event] = []
    for event in analysis.timeline:
        if event.severity < Severity.MEDIUM:
            continue
        key = re.sub(r"\d+", "#", event.message)
        place = (event.artifact, event.locator.describe())
        if key in seen:
            continue
        seen.add(key)
        if place in places:
            index = places[place]
            if event.severity > candidates[index].severity:
                candidates[index] = event
            continue
        places[place] = len(candidates)
        candidates.append(event)
    if len(candidates) > DRAFT_TIMELINE:
        ranked = sorted(range(len(candidates)),
                        key=lambda i: (-candidates[i].severity.rank, i))[:DRAFT_TIMELINE]
        candidates = [candidates[i] for i in sorted(ranked)]
    entries = []
    for event in candidates:
        offset = offsets.get(event.artifact, timedelta(0))
        where = event.locator.describe()
        if offset:
            where += f" (written as {offset_text(offset)}, corrected)"
        entries.append((event.time - offset, TimelineEntry(
            "", event.source.value, clip(event.message, 240), event.artifact, where)))
    entries.sort(key=lambda pair: pair[0])
    day = None
    for moment, entry in entries:  # the date on the first entry and when it changes
        entry.time = human_time(moment, day)
        day = moment.astimezone(UTC).date()
    return [entry for _, entry in entries]
