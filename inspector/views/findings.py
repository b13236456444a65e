"""Findings as the findings pane shows them: the detail text, the evidence list's lines, and
which findings its filters keep.

Everything here is plain text: the pane shows it in plain-text widgets, so customer text
in a title, a fact or an excerpt is never read as markup. Times are on the UTC axis: a
finding of a source whose clock was read with an offset (a log in local time) is shown
corrected (``clock_offsets``, by artifact path, from ``inspector.timeline``), and says so.

>>> from inspector.model import Evidence, Finding, LineLocator, Severity
>>> finding = Finding(rule="log.exception", severity=Severity.HIGH, category="errors",
...                   title="Timeout x3", analyzer="logs", count=3,
...                   evidence=[Evidence("logs/app.log", LineLocator(7), "  Timeout  after 5 s")])
>>> describe_finding(finding).splitlines()[2]
'HIGH · log.exception · errors · by logs · seen 3\xd7'
>>> evidence_line(finding.evidence[0])
'logs/app.log · line 7\\n    Timeout after 5 s'
>>> matches(finding, {Severity.HIGH}, analyzer=None, text="APP.LOG")
True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import timedelta

from inspector.model import Evidence, Finding, Severity
from inspector.timeline import corrected_span, offset_text

EXCERPT_CHARS = 200


def describe_finding(finding: Finding, offsets: Mapping[str, timedelta] | None = None) -> str:
    """The detail pane's text: everything about a finding, as plain text. ``offsets`` (by
    artifact) put the times of a source that writes local time on UTC."""
    parts = [finding.title, "",
             f"{finding.severity.value.upper()} · {finding.rule} · {finding.category} · "
             f"by {finding.analyzer} · seen {finding.count:,}×"]
    first, last, offset = corrected_span(finding, offsets or {})
    if first:
        until = f" to {last:%Y-%m-%d %H:%M:%S}" if last else ""
        parts.append(f"From {first:%Y-%m-%d %H:%M:%S}{until} UTC")
        if offset:
            parts.append(f"(its source writes {offset_text(offset)} without a zone: "
                         "corrected here; the text below keeps its own times)")
    if finding.detail:
        parts += ["", finding.detail]
    if finding.facts:
        parts += ["", "Facts:"]
        parts += [f"  {name}: {value}" for name, value in finding.facts.items()]
    if finding.remediation:
        parts += ["", "Remediation:", finding.remediation]
    if finding.references:
        parts += ["", "References:", *(f"  {reference}" for reference in finding.references)]
    return "\n".join(parts)


def evidence_line(evidence: Evidence) -> str:
    """One entry of the evidence list: where, then the excerpt on one indented line."""
    excerpt = " ".join(evidence.excerpt.split())[:EXCERPT_CHARS]
    return (f"{evidence.artifact} · {evidence.locator.describe()}"
            + (f"\n    {excerpt}" if excerpt else ""))


def matches(finding: Finding, severities: Collection[Severity], analyzer: str | None,
            text: str) -> bool:
    """Whether the findings filters keep ``finding``: one of ``severities``, from
    ``analyzer`` (None: any), and ``text`` (case-insensitive; empty: any) in its title, rule
    id, detail or an evidence path."""
    if finding.severity not in severities:
        return False
    if analyzer and finding.analyzer != analyzer:
        return False
    if text:
        haystack = " ".join([finding.title, finding.rule, finding.detail,
                             *(e.artifact for e in finding.evidence)]).casefold()
        return text.casefold() in haystack
    return True
