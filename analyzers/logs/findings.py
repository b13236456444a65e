"""The ``logs`` analyzer's error and activity rules, and their findings for one file.

``findings(analysis)`` yields, in this order: ``log.exception`` (one per exception
signature), ``log.error-burst``, ``log.new-error``, ``log.errors`` (the most frequent error
messages the other rules did not say), ``log.gap`` and ``log.known-issue``;
each rule's findings come from one function below, at most ``MAX_FINDINGS_PER_RULE`` of
them. Restarts, crashes and stops are ``availability``'s.

Decisions the next engineer needs:

- A time in a finding's title or detail is UTC when the log writes its zone, else it is
  written as the log writes it and says so (``log time, no zone``): the timeline infers
  the real offset, the finding must not pretend to know it.
- A burst is a run of minutes at five times the log's error baseline (and at least ten
  errors a minute); a "burst" covering most of the log is its normal state, not a burst.
- A new error is an error template first seen after the log settled (a tenth of its span,
  at least five minutes), in a log of ten minutes or more.
- ``log.errors`` is severe by volume: ``high`` for critical records, ``medium`` from ten
  records, ``low`` from two, ``info`` for one. Its evidence is the first record's line.
- A gap is a silence of five minutes or more where the log was busy before it; a silence
  that ends where the service starts again is its downtime, said by ``log.restart``.
- Errors that came only while the service started and stopped once it settled (see
  ``lifecycle.StartupWindows``) are start-up noise: their findings are ``info`` and say so.
- A file whose errors another analyzer judges (``FileAnalysis.judge_errors`` off: a
  PostgreSQL log) gets none of the error findings, only its gaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from analyzers.logs.lifecycle import START_WINDOW
from analyzers.logs.records import minute_of, minute_start, short
from inspector.formats.clipping import clip_middle
from inspector.formats.logformat import ERROR_RANK
from inspector.formats.templates import WILDCARD
from inspector.knowledge import Signature
from inspector.model import Evidence, Finding, LineLocator, Severity, format_time
from inspector.rules import rule

if TYPE_CHECKING:
    from analyzers.logs.state import FileAnalysis

EXCEPTION = rule("log.exception", Severity.MEDIUM, "errors",
                 "An exception (one stack-trace signature) logged, with its count and example",
                 same_cause=("signature",))
ERROR_BURST = rule("log.error-burst", Severity.HIGH, "errors",
                   "The error rate rose far above the log's baseline for a while")
NEW_ERROR = rule("log.new-error", Severity.MEDIUM, "errors",
                 "An error message that first appears after the log's start (e.g. a deploy)",
                 same_cause=("template",))
ERRORS = rule("log.errors", Severity.MEDIUM, "errors",
              "One of the log's most frequent error messages (by template), with its count "
              "and first line", same_cause=("template",))
GAP = rule("log.gap", Severity.LOW, "availability",
           "The log went silent for a while where it was busy")
# A signature names the cause of the records it matches; the stack-trace group and the
# template of those same records are the same event without a name.
KNOWN_ISSUE = rule("log.known-issue", Severity.HIGH, "errors",
                   "A line matches a known-issue signature of the knowledge base",
                   same_cause=("signature",),
                   explains=("log.exception", "log.new-error", "log.errors"))
RULES = (EXCEPTION, ERROR_BURST, NEW_ERROR, ERRORS, GAP, KNOWN_ISSUE)

MAX_FINDINGS_PER_RULE = 50
MAX_ERROR_TEMPLATES = 5  # ``log.errors``: the most frequent ones


def findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """Every finding of one file, rule by rule (see the module doc)."""
    if analysis.inspection.judge_errors:
        yield from exception_findings(analysis)
        yield from burst_findings(analysis)
        new = list(new_error_findings(analysis))
        yield from new
        yield from error_findings(analysis, {f.facts["template_id"] for f in new})
    yield from gap_findings(analysis)
    yield from known_issue_findings(analysis)


def log_time(analysis: FileAnalysis, moment: datetime,
             pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A time for a finding's title or detail: UTC when the log writes its zone, else as
    the log writes it and said so (the timeline infers the real offset)."""
    suffix = " UTC" if analysis.zone_written() else " (log time, no zone)"
    return f"{moment:{pattern}}{suffix}"


_STARTUP_NOTE = (" They came only while the service was starting (within "
                 f"{START_WINDOW.seconds // 60} minutes of a start) and stopped once it ran: "
                 "start-up noise (a dependency not up yet), unless the start itself is the "
                 "problem.")


def _startup(analysis: FileAnalysis, first: datetime | None, last: datetime | None
             ) -> tuple[Severity | None, str, str]:
    """Severity override, title suffix and detail note for what came only at start-up."""
    if analysis.startup.settled(first, last):
        return Severity.INFO, " (during start-up)", _STARTUP_NOTE
    return None, "", ""


def exception_findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """``log.exception``: one per exception signature, the most frequent first."""
    exceptions = analysis.inspection.exceptions
    ranked = sorted(exceptions.items(), key=lambda item: (-item[1].count, item[0]))
    for signature, group in ranked[:MAX_FINDINGS_PER_RULE]:
        extra = group.extra
        cause = f", caused by {extra['root_cause']}" if extra["root_cause"] else ""
        severity = Severity.HIGH if group.count >= 10 or group.worst_rank > ERROR_RANK \
            else None
        startup, suffix, note = _startup(analysis, group.first, group.last)
        frames = extra["frames"]
        yield EXCEPTION.finding(
            f"{extra['type']} x{group.count}{cause}{suffix}", analyzer="logs",
            severity=startup or severity,
            detail=(f"{group.count} occurrence(s) of {extra['type']}"
                    + (f" at {frames[0]}" if frames else "")
                    + f".{note} Example:\n{extra['example']}"),
            count=group.count, first_seen=group.first, last_seen=group.last,
            evidence=group.evidence,
            facts={"signature": signature, "type": extra["type"],
                   "message": short(extra["message"]), "frames": frames,
                   "root_cause": extra["root_cause"], "language": extra["language"]})


def _span_minutes(analysis: FileAnalysis) -> int:
    if not analysis.per_minute:
        return 0
    return max(analysis.per_minute) - min(analysis.per_minute) + 1


def burst_findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """``log.error-burst``: runs of minutes far above the log's error baseline."""
    errors_per_minute = analysis.errors_per_minute
    span = _span_minutes(analysis)
    total = sum(errors_per_minute.values())
    if span < 10 or total < 10:
        return
    baseline = total / span
    threshold = max(10.0, 5 * baseline)
    windows: list[list[int]] = []
    for minute in sorted(errors_per_minute):
        if errors_per_minute[minute] < threshold:
            continue
        if windows and minute - windows[-1][-1] <= 1:
            windows[-1].append(minute)
        else:
            windows.append([minute])
    # A "burst" covering most of the log is the log's normal state, not a burst.
    windows = [w for w in windows if len(w) <= max(1, span // 3)]
    for window in windows[:MAX_FINDINGS_PER_RULE]:
        count = sum(errors_per_minute[m] for m in window)
        peak = max(errors_per_minute[m] for m in window)
        start, end = minute_start(window[0]), minute_start(window[-1] + 1)
        startup, suffix, note = _startup(analysis, start, minute_start(window[-1]))
        yield ERROR_BURST.finding(
            f"Error burst: {count} errors in {len(window)} min from "
            f"{log_time(analysis, start, '%H:%M')} ({peak}/min vs {baseline:.1f}/min baseline)"
            f"{suffix}",
            analyzer="logs", severity=startup,
            detail=(f"Between {log_time(analysis, start)} and {log_time(analysis, end)} the "
                    f"log has {count} error records, peaking at {peak} per minute, against an "
                    f"average of {baseline:.2f} per minute over the whole log.{note}"),
            count=count, first_seen=start, last_seen=end,
            evidence=_evidence_in(analysis, start, end),
            facts={"window_start": format_time(start), "window_end": format_time(end),
                   "errors": count, "peak_per_minute": peak,
                   "baseline_per_minute": round(baseline, 3)})


def _evidence_in(analysis: FileAnalysis, start: datetime, end: datetime) -> list[Evidence]:
    found = [Evidence(e.artifact, e.locator, e.message) for e in analysis.inspection.events
             if start <= e.time < end and e.severity >= Severity.MEDIUM]
    return found[:3]


def new_error_findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """``log.new-error``: error templates first seen after the log settled."""
    if analysis.first_time is None or analysis.last_time is None:
        return
    span = analysis.last_time - analysis.first_time
    if span < timedelta(minutes=10):
        return
    settle = analysis.first_time + max(span / 10, timedelta(minutes=5))
    template_counts = analysis.template_counts
    new = []
    for template_id, rank in analysis.template_rank.items():
        first_time, line = analysis.template_first[template_id]
        if rank >= ERROR_RANK and first_time is not None and first_time > settle:
            new.append((first_time, template_id, line))
    new.sort(key=lambda item: (-template_counts[item[1]], item[0], item[1]))
    for first_time, template_id, line in new[:MAX_FINDINGS_PER_RULE]:
        template = analysis.miner.template(template_id)
        count = template_counts[template_id]
        startup, suffix, note = _startup(
            analysis, first_time, analysis.inspection.error_last.get(template_id, first_time))
        # A title never shows the template's placeholders: "…" stands for what varies.
        yield NEW_ERROR.finding(
            f"New error since {log_time(analysis, first_time, '%Y-%m-%d %H:%M')}: "
            f"{short(template.replace(WILDCARD, '…'), 120)}{suffix}",
            analyzer="logs", severity=startup,
            detail=(f"This error message never appears in the first "
                    f"{(first_time - analysis.first_time)} of the log, then {count} time(s) "
                    f"from {log_time(analysis, first_time)}: something changed then (a "
                    f"deploy, a configuration change, a dependency failing).{note}"),
            count=count, first_seen=first_time,
            evidence=[Evidence(analysis.path, LineLocator(line), short(template))],
            facts={"template_id": template_id, "template": short(template, 500),
                   "first_seen": format_time(first_time)})


def error_findings(analysis: FileAnalysis, reported: set[int]) -> Iterator[Finding]:
    """``log.errors``: the most frequent error templates no other finding said (not new,
    no exception or known issue in their records)."""
    inspection = analysis.inspection
    said = reported | inspection.said_templates
    counts = [(template_id, count) for template_id, count in inspection.error_counts.items()
              if template_id not in said]
    counts.sort(key=lambda item: (-item[1], item[0]))
    for template_id, count in counts[:MAX_ERROR_TEMPLATES]:
        first_time, line, text, message = inspection.error_first[template_id]
        last_time = inspection.error_last.get(template_id)
        template = analysis.miner.template(template_id)
        severity = Severity.HIGH if analysis.template_rank.get(template_id, 0) > ERROR_RANK \
            else Severity.MEDIUM if count >= 10 else Severity.LOW if count >= 2 \
            else Severity.INFO
        startup, suffix, note = _startup(analysis, first_time, last_time)
        span = ""
        if first_time is not None and last_time is not None:
            span = (f" from {log_time(analysis, first_time)} to "
                    f"{log_time(analysis, last_time)}")
        yield ERRORS.finding(
            # The middle goes: messages of one call differ at their end (the resource).
            f"{count} × {clip_middle(message, 120)}{suffix}", analyzer="logs",
            severity=startup or severity,
            detail=f"{count} error record(s) with this message (template: "
                   f"{short(template, 300)}){span}; the first is line {line}.{note}",
            count=count, first_seen=first_time, last_seen=last_time,
            evidence=[Evidence(analysis.path, LineLocator(line), text)],
            facts={"template_id": template_id, "template": short(template, 500),
                   "count": count})


def gap_findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """``log.gap``: silences of five minutes or more where the log was busy."""
    reported = 0
    # A silence that ends where the service starts again is its downtime (``log.restart``).
    restart_lines = {r.down_line for r in analysis.inspection.lifecycle.restarts}
    for start, end, line in analysis.gaps:
        silence = (end - start).total_seconds()
        if silence < 300 or max(1, line - 1) in restart_lines:
            continue
        start_minute = minute_of(start)
        before = sum(analysis.per_minute.get(m, 0) for m in range(start_minute - 9,
                                                                  start_minute + 1))
        rate = before / 10
        # Busy: two records a minute or more, and the silence is worth a hundred of them
        # and twenty of the log's usual intervals.
        if rate < 2 or rate * silence / 60 < 100 or silence < 20 * 60 / rate:
            continue
        reported += 1
        if reported > MAX_FINDINGS_PER_RULE:
            return
        yield GAP.finding(
            f"Log silent for {silence / 60:.0f} min from "
            f"{log_time(analysis, start, '%Y-%m-%d %H:%M')}",
            analyzer="logs",
            detail=(f"About {rate:.0f} records per minute before, then nothing from "
                    f"{log_time(analysis, start)} to {log_time(analysis, end)}: the process "
                    f"may have hung, stopped, or lost its log."),
            first_seen=start, last_seen=end,
            evidence=[Evidence(analysis.path, LineLocator(max(1, line - 1), line),
                               f"{silence:.0f} s without a record")],
            facts={"silence_seconds": int(silence), "from": format_time(start),
                   "to": format_time(end), "rate_before_per_minute": round(rate, 2)})


def known_issue_findings(analysis: FileAnalysis) -> Iterator[Finding]:
    """``log.known-issue``: one per matched signature, the most frequent first."""
    known = analysis.inspection.known
    for _, group in sorted(known.items(), key=lambda item: (-item[1].count, item[0])):
        signature: Signature = group.extra["signature"]
        startup, suffix, note = _startup(analysis, group.first, group.last)
        yield KNOWN_ISSUE.finding(
            f"{signature.title} x{group.count}{suffix}", analyzer="logs",
            severity=startup or signature.severity,
            detail=f"{group.count} line(s) match the known issue {signature.id}.{note}",
            count=group.count, first_seen=group.first, last_seen=group.last,
            evidence=group.evidence, remediation=signature.remediation,
            references=list(signature.references),
            facts={"signature": signature.id, "title": signature.title,
                   "remediation": signature.remediation})
