"""The ``logs`` analyzer's availability findings and events: restarts, crashes, stops.

From the story ``lifecycle`` tells, once a file is read:

- ``log.restart``, one per service that restarted: every stop-and-start with how it
  stopped and the downtime; high when a stop was not clean (a crash, or no stop logged at
  all: killed, its host or container gone) or the restarts are a crash loop, medium when
  every stop was clean (someone restarted it). Its evidence is each start line, then the
  line where the service was last seen up.
- ``log.crash``: the service ended abnormally and did not start again before the log
  ends (it was down when the bundle was collected, as far as this log tells).
- ``log.stopped``: the service stopped cleanly and did not start again before the log
  ends; context, not a fault.
- Timeline events for every stop, crash and start.

Times in titles and details are written as the log writes them (``findings.log_time``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from analyzers.logs.findings import log_time
from analyzers.logs.lifecycle import Ending, Restart, crash_loop
from analyzers.logs.records import short
from inspector.model import (
    Event,
    EventSource,
    Evidence,
    Finding,
    LineLocator,
    Severity,
    format_time,
)
from inspector.rules import rule

if TYPE_CHECKING:
    from analyzers.logs.state import FileAnalysis

RESTART = rule("log.restart", Severity.MEDIUM, "availability",
               "The service stopped and started again during the log, with the downtime; "
               "high when a stop was not clean (a crash, or no stop logged) or it crash-loops")
CRASH = rule("log.crash", Severity.HIGH, "availability",
             "The service ended abnormally (a crash, an abort, a fatal signal) and did not "
             "start again before the log ends")
STOPPED = rule("log.stopped", Severity.INFO, "availability",
               "The service stopped cleanly and did not start again before the log ends")
RULES = (RESTART, CRASH, STOPPED)

MAX_EVIDENCE = 8
_HOW = {"clean": "a clean stop", "crash": "a crash", "unlogged": "no stop logged"}


def duration_text(span: timedelta) -> str:
    """A duration in the two largest units that matter.

    >>> duration_text(timedelta(days=5, hours=11, minutes=8)), duration_text(timedelta(seconds=75))
    ('5 d 11 h', '1 min 15 s')
    """
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def _name(service: str, program: str | None) -> str:
    if program and service == "the application":
        return program
    return f"{service} ({program})" if program else service


def _when(analysis: FileAnalysis, moment: datetime | None) -> str:
    return log_time(analysis, moment) if moment is not None else "(no time)"


def availability_findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """``log.restart`` per service, then ``log.crash`` and ``log.stopped`` per ending."""
    lifecycle = analysis.inspection.lifecycle
    by_service: dict[tuple[str, str | None], list[Restart]] = {}
    for restart in lifecycle.restarts:
        by_service.setdefault((restart.service, restart.program), []).append(restart)
    for (service, program), restarts in by_service.items():
        yield _restart_finding(analysis, _name(service, program), restarts)
    for ending in lifecycle.endings:
        yield _ending_finding(analysis, _name(ending.service, ending.program), ending)


def _restart_finding(analysis: FileAnalysis, name: str, restarts: list[Restart]) -> Finding:
    unclean = [r for r in restarts if not r.clean]
    loop = crash_loop(restarts)
    downtimes = [(r.downtime, r) for r in restarts if r.downtime is not None]
    longest = max(downtimes, key=lambda item: item[0], default=None)
    title = f"{name} restarted {len(restarts)} time(s)"
    if unclean:
        title += f", {len(unclean)} without a clean stop"
    if loop:
        title += " (crash loop)"
    if longest is not None:
        title += (f": down {duration_text(longest[0])} from "
                  f"{_when(analysis, longest[1].down_from)}")
    lines = []
    for restart in restarts[:20]:
        how = _HOW[restart.stop] if restart.recovery_line is None else \
            f"{_HOW[restart.stop]}; it recovered from an unclean stop on start"
        down = f"down {duration_text(restart.downtime)}, " if restart.downtime is not None \
            else ""
        lines.append(f"- started again at {_when(analysis, restart.started)} (line "
                     f"{restart.start_line}) after {how}: {down}last seen up at "
                     f"{_when(analysis, restart.down_from)} (line {restart.down_line})"
                     + (f"; last error before: {short(restart.cause[2], 200)}"
                        if restart.cause else ""))
    detail = (f"{name} stopped and started again {len(restarts)} time(s) in this log.\n"
              + "\n".join(lines))
    if any(r.stop == "unlogged" for r in restarts):
        detail += ("\nA start with no stop logged before it means the process ended without "
                   "a word: it was killed (OOM killer, kill -9), or its host or container "
                   "stopped. The host's logs (kernel, journal, hypervisor) say which.")
    evidence = [Evidence(analysis.path, LineLocator(r.start_line), short(r.start_text))
                for r in restarts]
    evidence += [Evidence(analysis.path, LineLocator(r.down_line),
                          short(r.down_text) or "last line before the silence")
                 for r in restarts]
    times = [r.started for r in restarts if r.started is not None]
    return RESTART.finding(
        title, analyzer="logs", severity=Severity.HIGH if unclean or loop else None,
        detail=detail, count=len(restarts),
        first_seen=min(times) if times else None, last_seen=max(times) if times else None,
        evidence=evidence[:MAX_EVIDENCE],
        facts={"service": name, "restarts": len(restarts), "unclean": len(unclean),
               "times": [format_time(t) for t in times[:20]], "crash_loop": loop,
               "longest_downtime_seconds": int(longest[0].total_seconds()) if longest else None,
               "episodes": [_episode(r) for r in restarts[:20]]},
        remediation=("Find why the service stopped: the lines before each stop, and for a "
                     "stop that was not logged, the host's kernel log and journal (OOM "
                     "killer, reboots) and the orchestrator's events.") if unclean else "")


def _episode(restart: Restart) -> dict[str, object]:
    return {"stop": restart.stop, "last_seen": format_time(restart.down_from),
            "last_seen_line": restart.down_line, "started": format_time(restart.started),
            "start_line": restart.start_line,
            "downtime_seconds": int(restart.downtime.total_seconds())
            if restart.downtime is not None else None,
            "recovered_on_start": restart.recovery_line is not None}


def _ending_finding(analysis: FileAnalysis, name: str, ending: Ending) -> Finding:
    when = _when(analysis, ending.time)
    evidence = [Evidence(analysis.path, LineLocator(ending.line), short(ending.text))]
    if ending.cause is not None:
        evidence.append(Evidence(analysis.path, LineLocator(ending.cause[1]),
                                 short(ending.cause[2])))
    facts = {"service": name, "stopped": format_time(ending.time), "line": ending.line,
             "how": ending.stop}
    if ending.stop == "crash":
        cause = f" The last error before it: {short(ending.cause[2], 300)}" \
            if ending.cause else ""
        return CRASH.finding(
            f"{name} ended abnormally at {when} and did not start again in this log",
            analyzer="logs",
            detail=(f"{name} wrote {short(ending.text, 200)!r} (line {ending.line}) and "
                    f"nothing says it started again before the log ends.{cause}"),
            first_seen=ending.time, last_seen=ending.time, evidence=evidence, facts=facts,
            remediation="Read the lines before the crash for its cause; check whether the "
                        "service runs now.")
    return STOPPED.finding(
        f"{name} stopped cleanly at {when} and was not started again in this log",
        analyzer="logs",
        detail=f"{name} wrote {short(ending.text, 200)!r} (line {ending.line}).",
        first_seen=ending.time, last_seen=ending.time, evidence=evidence[:1], facts=facts)


def availability_events(analysis: FileAnalysis) -> list[Event]:
    """The timeline's events: every stop, crash and start of a restart, and every ending."""
    events: list[Event] = []
    path = analysis.path
    lifecycle = analysis.inspection.lifecycle
    for restart in lifecycle.restarts:
        name = _name(restart.service, restart.program)
        if restart.down_from is not None and restart.stop != "unlogged":
            severity = Severity.HIGH if restart.stop == "crash" else Severity.LOW
            word = "crashed" if restart.stop == "crash" else "stopped"
            events.append(Event(restart.down_from, path, LineLocator(restart.down_line),
                                severity, EventSource.LOG,
                                f"{name} {word}: {short(restart.down_text, 160)}"))
        if restart.started is not None:
            down = f" after {duration_text(restart.downtime)} down" \
                if restart.downtime is not None else ""
            events.append(Event(restart.started, path, LineLocator(restart.start_line),
                                Severity.LOW if restart.clean else Severity.MEDIUM,
                                EventSource.LOG,
                                f"{name} started again{down} ({_HOW[restart.stop]})"))
    for ending in lifecycle.endings:
        if ending.time is not None:
            name = _name(ending.service, ending.program)
            crashed = ending.stop == "crash"
            events.append(Event(ending.time, path, LineLocator(ending.line),
                                Severity.HIGH if crashed else Severity.LOW, EventSource.LOG,
                                f"{name} {'crashed' if crashed else 'stopped'}: "
                                f"{short(ending.text, 160)}"))
    return events
