"""Findings as the findings pane shows them: the detail text, the evidence list's lines, and
which findings its filters keep.

Everything here is plain text: the pane shows it in plain-text widgets, so customer text
in a title, a fact or an excerpt is never read as markup. Times are on the UTC axis: a
finding of a source whose clock was read with an offset (a log in local time) is shown
corrected (``clock_offsets``, by artifact path, from ``inspector.timeline``), and says so.
Facts are written as words (``fact_text``), never as Python's lists and dicts.

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
from typing import Any

from inspector.model import Evidence, Finding, Severity
from inspector.timeline import corrected_span, offset_text, span_text

EXCERPT_CHARS = 200
MAX_FACT_ITEMS = 20


def describe_finding(finding: Finding, offsets: Mapping[str, timedelta] | None = None) -> str:
    """The detail pane's text: everything about a finding, as plain text. ``offsets`` (by
    artifact) put the times of a source that writes local time on UTC."""
    parts = [finding.title, "",
             f"{finding.severity.value.upper()} · {finding.rule} · {finding.category} · "
             f"by {finding.analyzer} · seen {finding.count:,}×"]
    first, last, offset = corrected_span(finding, offsets or {})
    if first:
        parts.append(f"Seen {span_text(first, last)}")
        if offset:
            parts.append(f"(its source writes {offset_text(offset)} without a zone: "
                         "corrected here; the text below keeps its own times)")
    if finding.detail:
        parts += ["", finding.detail]
    if finding.facts:
        parts += ["", "Facts:"]
        for name, value in finding.facts.items():
            text = fact_text(value)
            if "\n" in text:
                parts.append(f"  {fact_name(name)}:")
                parts += [f"    {line}" for line in text.splitlines()]
            else:
                parts.append(f"  {fact_name(name)}: {text}")
    if finding.remediation:
        parts += ["", "Remediation:", finding.remediation]
    if finding.references:
        parts += ["", "References:", *(f"  {reference}" for reference in finding.references)]
    return "\n".join(parts)


def fact_name(name: str) -> str:
    """A fact's key as words: ``first_seen`` reads "first seen"."""
    return name.replace("_", " ")


def fact_text(value: Any, depth: int = 0) -> str:
    """A fact's value as a person reads it, never as a Python literal: lists as commas,
    records one per line as ``key: value; key: value``, numbers with thousands separators.

    >>> fact_text(["logs/app.log", "net.pcap"])
    'logs/app.log, net.pcap'
    >>> print(fact_text([{"artifact": "a.log", "line": 12}, {"artifact": "b.pcap", "count": 1500}]))
    a.log, line 12
    b.pcap, count 1,500
    >>> fact_text({"client": "10.0.0.1", "refused": True})
    'client 10.0.0.1; refused yes'
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if value is None:
        return "none"
    if isinstance(value, dict):
        items = list(value.items())
        if depth == 0 and items and isinstance(items[0][1], str) and items[0][0] in (
                "artifact", "path", "host", "name", "title"):
            head, *rest = items
            return ", ".join([head[1], *(f"{fact_name(k)} {fact_text(v, depth + 1)}"
                                         for k, v in rest)])
        return "; ".join(f"{fact_name(k)} {fact_text(v, depth + 1)}" for k, v in items)
    if isinstance(value, list | tuple):
        if value and all(isinstance(item, dict) for item in value) and depth == 0:
            return "\n".join(fact_text(item, depth) for item in value[:MAX_FACT_ITEMS]) + (
                f"\n… {len(value) - MAX_FACT_ITEMS:,} more" if len(value) > MAX_FACT_ITEMS
                else "")
        return ", ".join(fact_text(item, depth + 1) for item in value)
    return str(value)


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
