"""The timeline analyzer: one UTC timeline for every source's events, per-source clock
offsets, and cross-source incidents.

``Timeline(results, overrides)`` gathers the events of all artifacts after the per-artifact
pass, corrects each source's clock, and sorts them. ``TimelineAnalyzer`` is the bundle
analyzer that turns windows where several sources show trouble together into
``incident.cross-source`` findings, and reports each inferred clock offset as
``timeline.clock-offset``.

Decisions the next engineer needs:

- A source's *offset* is the UTC offset its clock was written in: a log printing local CET
  time without a zone has offset +01:00, and its true UTC time is ``written - offset``.
  Captures (epoch times), HAR (ISO with offset) and logs whose stats say
  ``time_zone: "explicit"`` are references and never shifted. A log whose stats say
  ``time_zone: "unknown"`` gets its offset from one of two kinds of evidence:

  * its host: sources of the same node (``same_node``: the same folder, or the same host
    name in their paths) whose timestamps carry a non-zero offset (stats ``utc_offset``,
    a GC log stamped ``+0100``) say what local time that host keeps, and a log written
    there without a zone is read in it, when those sources agree on one offset. A source
    written in UTC says nothing about local time and is not asked; sources that disagree
    (the GC logs of two JVMs of different years) say nothing either.
  * its events: the offset, among whole and half hours from -12 h to +14 h, that lines up
    the most of its events with reference events (within ``ALIGN_WITHIN``). A few events
    near a reference by chance are no evidence: an offset needs ``MIN_ALIGNED`` events
    and a ``MIN_ALIGNED_SHARE`` of the source's events lined up.

  The host's offset is taken unless the events line up strictly better at another one;
  with neither, the log stays at zero. An override (``{artifact path: timedelta}``)
  always wins. The ``timeline.clock-offset`` finding's facts say which (``basis``).
- An incident is a run of events without a pause longer than ``window`` that involves at
  least two artifacts. Events of severity ``info`` are context (a request the browser's ad
  blocker stopped, one the page cancelled): shown on the timeline, never part of a run.
  So are the events of a source in trouble all along: one whose trouble starts with its
  first line, ends with its last and never pauses for a ``window`` (a client retrying an
  API that is not there yet, every few seconds, for the whole log). Its trouble has no
  onset, so it can neither date an incident nor join two that happen beside it. A source
  whose time span is unknown (no ``time_range`` in its stats) is never taken for one.
  It links the findings of each source that overlap it, one piece of evidence per source,
  and states the sequence: first time, source, first message, count. It is as severe as
  the worst finding it links; when none is worse than low (two stray error lines of a
  deployment, a minute apart), the events are only near each other and make no incident.
- Rotated files of one log (``inspector.formats.logformat.stitch_order``) share the offset inferred
  for their group: together they have more events to align.

>>> from datetime import datetime, UTC
>>> from inspector.model import Event, EventSource, Severity, LineLocator
>>> t = datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)
>>> describe_sequence([Event(t, "logs/app.log", LineLocator(3), Severity.HIGH, EventSource.LOG,
...                          "SSLHandshakeException")] * 2)
'09:14:01 app.log SSLHandshakeException x2'
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from inspector.formats.clipping import clip
from inspector.formats.logformat import stitch_order
from inspector.model import Event, Evidence, Finding, Severity, format_time
from inspector.plugins import AnalysisContext, ArtifactResults, BundleView
from inspector.rules import rule
from inspector.timeline import CLOCK_OFFSET, SourceClock

INCIDENT = rule("incident.cross-source", Severity.HIGH, "correlation",
                "Several sources show trouble in the same time window")

ALIGN_WITHIN = timedelta(minutes=2)
MIN_ALIGNED = 3
MIN_ALIGNED_SHARE = 0.25
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d\d):(?P<minutes>\d\d)")
CANDIDATE_OFFSETS = [timedelta(minutes=30 * step) for step in range(-24, 29)]
MAX_INCIDENTS = 20


def _zone_unknown(result: ArtifactResults) -> bool:
    """Any analyzer of the artifact read times written without a zone (``logs``, ``host``)."""
    return any(isinstance(stats, dict) and stats.get("time_zone") == "unknown"
               for stats in result.stats.values())


def _alignment(events: Sequence[Event], reference: Sequence[datetime],
               offset: timedelta) -> int:
    """How many ``events`` shifted by ``offset`` fall within ``ALIGN_WITHIN`` of a reference."""
    aligned = 0
    for event in events:
        moment = event.time - offset
        index = bisect.bisect_left(reference, moment - ALIGN_WITHIN)
        if index < len(reference) and reference[index] <= moment + ALIGN_WITHIN:
            aligned += 1
    return aligned


_HOST_LIKE = re.compile(r"(?=[^/]*[A-Za-z])(?=[^/]*\d)[A-Za-z0-9][A-Za-z0-9._-]{1,252}")
_ARCHIVE_SUFFIX = re.compile(r"\.(?:zip|tgz|tar(?:\.(?:gz|bz2|xz|zst))?|gz|bz2|xz)$", re.I)


def node_of(path: str) -> tuple[str, str | None]:
    """Where an artifact was written: its folder, and the first host name its path shows
    (a component with letters and digits: ``node1``, ``app-01.tgz``, ``sosreport-web-3``).

    >>> node_of("cases/app-01.tgz!/var/log/kafka/server.log")
    ('cases/app-01.tgz!/var/log/kafka', 'app-01')
    >>> node_of("logs/gc.log")
    ('logs', None)
    """
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    components = path.replace("!/", "/").split("/")[:-1]
    for component in components:
        name = _ARCHIVE_SUFFIX.sub("", component)
        if _HOST_LIKE.fullmatch(name) and not name.replace(".", "").replace("-", "").isdigit():
            return folder, name
    return folder, None


def _same_node(path: str, other: str) -> bool:
    folder, host = node_of(path)
    other_folder, other_host = node_of(other)
    return folder == other_folder or (host is not None and host == other_host)


def _written_offset(result: ArtifactResults) -> timedelta | None:
    """The non-zero UTC offset a zoned log writes (any analyzer's stats ``utc_offset``: the
    logs analyzer's, the jvm analyzer's for a GC log), else ``None``."""
    zoned = [stats for stats in result.stats.values() if isinstance(stats, dict)
             and stats.get("time_zone") == "explicit" and stats.get("utc_offset")]
    written = _OFFSET.fullmatch(str(zoned[0]["utc_offset"])) if zoned else None
    if written is None:
        return None
    sign = -1 if written["sign"] == "-" else 1
    offset = sign * timedelta(hours=int(written["hours"]), minutes=int(written["minutes"]))
    return offset or None


def _host_offset(group: Sequence[str], zoned: Mapping[str, timedelta]
                 ) -> tuple[timedelta | None, tuple[str, ...]]:
    """The local offset the same node's zoned sources agree on, and which they are."""
    neighbours = tuple(sorted(path for path in zoned
                              if any(_same_node(member, path) for member in group)))
    offsets = {zoned[path] for path in neighbours}
    if len(offsets) != 1:
        return None, ()
    return offsets.pop(), neighbours


def infer_clocks(results: Sequence[ArtifactResults],
                 overrides: Mapping[str, timedelta] | None = None) -> dict[str, SourceClock]:
    """The clock of every artifact that has events (see the module doc)."""
    overrides = overrides or {}
    unknown = [r for r in results if _zone_unknown(r)]
    unknown_paths = {r.artifact.path for r in unknown}
    reference = sorted(e.time for r in results if r.artifact.path not in unknown_paths
                       for e in r.events)
    zoned = {r.artifact.path: offset for r in results
             if (offset := _written_offset(r)) is not None}
    clocks: dict[str, SourceClock] = {}
    for result in results:
        path = result.artifact.path
        if path not in unknown_paths:
            clocks[path] = SourceClock(path, timedelta(0), "reference")
    by_path = {r.artifact.path: r for r in unknown}
    for group in stitch_order(by_path):
        events = [e for path in group for e in by_path[path].events]
        host, neighbours = _host_offset(group, zoned)
        best, best_score = timedelta(0), 0
        if reference and events:
            best_score = _alignment(events, reference, timedelta(0))
            enough = max(MIN_ALIGNED, MIN_ALIGNED_SHARE * len(events))
            for offset in CANDIDATE_OFFSETS:
                score = _alignment(events, reference, offset)
                if score > best_score and score >= enough:
                    best, best_score = offset, score
        host_score = _alignment(events, reference, host) if host and reference else 0
        for path in group:
            if host and not (best != host and best_score > host_score):
                clocks[path] = SourceClock(path, host, "inferred", host_score, "same-node",
                                           neighbours)
            elif best:
                clocks[path] = SourceClock(path, best, "inferred", best_score, "alignment")
            else:
                clocks[path] = SourceClock(path, timedelta(0), "assumed-utc")
    for path, offset in overrides.items():
        clocks[path] = SourceClock(path, offset, "override")
    return clocks


def _time_range(result: ArtifactResults) -> tuple[datetime, datetime] | None:
    """The first and last time an artifact's lines carry, as any analyzer's stats say."""
    for stats in result.stats.values():
        span = stats.get("time_range") if isinstance(stats, dict) else None
        if isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) for t in span):
            try:
                return datetime.fromisoformat(span[0]), datetime.fromisoformat(span[1])
            except ValueError:
                return None
    return None


def in_trouble_all_along(events: Sequence[Event], span: tuple[datetime, datetime],
                         window: timedelta) -> bool:
    """Whether ``events`` (one source's, not ``info``, oldest first) cover its whole
    ``span`` with no pause longer than ``window`` (see the module doc)."""
    first, last = span
    if len(events) < 3 or last - first < 2 * window:
        return False
    if events[0].time - first > window or last - events[-1].time > window:
        return False
    return all(later.time - earlier.time <= window
               for earlier, later in pairwise(events))


class Timeline:
    """All events of a bundle on one corrected UTC timeline, oldest first.

    Attributes:
        clocks: per artifact, how its times were corrected.
        events: every event with its time corrected.
        spans: per artifact whose stats give one, its first and last time, corrected.
    """

    def __init__(self, results: Sequence[ArtifactResults],
                 overrides: Mapping[str, timedelta] | None = None) -> None:
        self.clocks = infer_clocks(results, overrides)
        events = []
        self.spans: dict[str, tuple[datetime, datetime]] = {}
        for result in results:
            clock = self.clocks.get(result.artifact.path)
            shift = clock.offset if clock else timedelta(0)
            for event in result.events:
                events.append(event if not shift else Event(
                    event.time - shift, event.artifact, event.locator, event.severity,
                    event.source, event.message))
            if (span := _time_range(result)) is not None:
                self.spans[result.artifact.path] = (span[0] - shift, span[1] - shift)
        self.events = sorted(events, key=Event.sort_key)

    def background(self, window: timedelta) -> set[str]:
        """The artifacts in trouble all along (see the module doc)."""
        trouble: dict[str, list[Event]] = {}
        for event in self.events:
            if event.severity is not Severity.INFO:
                trouble.setdefault(event.artifact, []).append(event)
        return {artifact for artifact, events in trouble.items()
                if artifact in self.spans
                and in_trouble_all_along(events, self.spans[artifact], window)}

    def windows(self, window: timedelta) -> Iterator[list[Event]]:
        """Runs of events with no pause longer than ``window`` (``info`` events and those of
        sources in trouble all along left out)."""
        background = self.background(window)
        run: list[Event] = []
        for event in self.events:
            if event.severity is Severity.INFO or event.artifact in background:
                continue
            if run and event.time - run[-1].time > window:
                yield run
                run = []
            run.append(event)
        if run:
            yield run


def _clock_detail(clock: SourceClock) -> str:
    offset = clock.to_json()["offset"]
    if clock.how == "override":
        return f"The offset {offset} was set by the user."
    if clock.basis == "same-node":
        others = ", ".join(clock.same_node[:3]) + (" and others" if len(clock.same_node) > 3
                                                   else "")
        one = len(clock.same_node) == 1
        return (f"{clock.artifact} writes times without a zone; {others}, on the same node, "
                f"write{'s' if one else ''} {offset} in {'its' if one else 'their'} "
                f"timestamps, so its times are read as that local time"
                + (f" ({clock.aligned} of its events line up with the other sources)."
                   if clock.aligned else "."))
    return (f"{clock.artifact} writes times without a zone; shifting them by {offset} lines "
            f"up {clock.aligned} of its events with the other sources.")


def _label(artifact: str) -> str:
    return artifact.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]


def describe_sequence(events: Sequence[Event]) -> str:
    """``HH:MM:SS source first-message xN`` per source, in order, joined by arrows."""
    firsts: dict[str, Event] = {}
    counts: Counter[str] = Counter()
    for event in events:
        firsts.setdefault(event.artifact, event)
        counts[event.artifact] += 1
    parts = []
    for artifact, event in sorted(firsts.items(), key=lambda item: item[1].sort_key()):
        message = clip(event.message, 80)
        count = f" x{counts[artifact]}" if counts[artifact] > 1 else ""
        parts.append(f"{event.time:%H:%M:%S} {_label(artifact)} {message}{count}")
    return " -> ".join(parts)


class TimelineAnalyzer:
    """The bundle analyzer for incidents and clock offsets (see the module doc)."""

    name = "timeline"
    rules = (INCIDENT, CLOCK_OFFSET)

    def __init__(self, overrides: Mapping[str, timedelta] | None = None,
                 window: timedelta = timedelta(minutes=2)) -> None:
        self.overrides = dict(overrides or {})
        self.window = window

    def analyze_bundle(self, bundle: BundleView,
                       context: AnalysisContext) -> Iterator[Finding | Event]:
        results = list(bundle.results())
        timeline = Timeline(results, self.overrides)
        for clock in sorted(timeline.clocks.values(), key=lambda c: c.artifact):
            if clock.how in ("inferred", "override"):
                described = clock.to_json()
                yield CLOCK_OFFSET.finding(
                    f"{_label(clock.artifact)}: clock read as UTC{described['offset']} "
                    f"({clock.how})", analyzer=self.name, detail=_clock_detail(clock),
                    facts=described)
        findings_by_artifact: dict[str, list[Finding]] = {}
        for result in results:
            findings_by_artifact[result.artifact.path] = list(result.findings)
        clocks = {path: clock.to_json() for path, clock in timeline.clocks.items()}
        incidents = 0
        for run in timeline.windows(self.window):
            context.check_cancelled()
            artifacts = sorted({event.artifact for event in run})
            if len(artifacts) < 2:
                continue
            incident = self._incident(run, artifacts, findings_by_artifact, timeline, clocks)
            if incident is None:
                continue
            incidents += 1
            if incidents > MAX_INCIDENTS:
                context.warn(f"more than {MAX_INCIDENTS} incidents; the rest are left out")
                return
            yield incident

    def _incident(self, run: list[Event], artifacts: list[str],
                  findings_by_artifact: Mapping[str, list[Finding]], timeline: Timeline,
                  clocks: Mapping[str, Any]) -> Finding | None:
        """The incident of ``run``, or ``None`` when no finding it links is worse than low:
        then its sources' events only happen to be near each other."""
        start, end = run[0].time, run[-1].time
        linked = []
        worst_finding = Severity.INFO
        for artifact in artifacts:
            shift = timeline.clocks[artifact].offset if artifact in timeline.clocks \
                else timedelta(0)
            for finding in findings_by_artifact.get(artifact, []):
                first = finding.first_seen - shift if finding.first_seen else None
                last = finding.last_seen - shift if finding.last_seen else first
                if first is not None and last is not None and first <= end and last >= start:
                    linked.append({"artifact": artifact, "rule": finding.rule,
                                   "title": finding.title})
                    worst_finding = max(worst_finding, finding.severity)
        if worst_finding < Severity.MEDIUM:
            return None
        evidence = []
        seen = set()
        for event in run:
            if event.artifact not in seen:
                seen.add(event.artifact)
                evidence.append(Evidence(event.artifact, event.locator, clip(event.message, 300)))
        sequence = describe_sequence(run)
        return INCIDENT.finding(
            f"Incident {start:%H:%M:%S}-{end:%H:%M:%S} UTC across {len(artifacts)} sources",
            analyzer=self.name, severity=worst_finding,
            detail=f"Sequence: {sequence}",
            count=len(run), first_seen=start, last_seen=end, evidence=evidence,
            facts={"sources": artifacts, "sequence": sequence, "findings": linked[:50],
                   "clocks": {a: clocks[a] for a in artifacts if a in clocks},
                   "window_start": format_time(start), "window_end": format_time(end)})

