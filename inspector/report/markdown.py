"""The report as Markdown, for GitHub issues and Jira.

Customer text never becomes markup: it is escaped, and excerpts go in code spans
(``inspector.report.summary``'s ``escape`` and ``inline_code``, shared with the triage
summary); a pipe in a table cell is escaped so it cannot split the row.

>>> from inspector.report.document import Report
>>> print(render_markdown(Report(title="Checkout fails", summary="Since *09:14*.")), end="")
# Checkout fails
<BLANKLINE>
**Severity:** info
<BLANKLINE>
## Summary
<BLANKLINE>
Since \\*09:14\\*.
"""

from __future__ import annotations

import re

from inspector.report.document import SECTIONS, Report
from inspector.report.summary import escape as markdown_escape
from inspector.report.summary import inline_code


def _paragraphs(text: str) -> list[str]:
    """Lines as Markdown, escaped, list items kept as list items."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            out.append("- " + markdown_escape(stripped[2:]))
        elif re.match(r"\d{1,3}[.)] ", stripped):
            number, _, rest = stripped.partition(" ")
            out.append(f"{number[:-1]}. {markdown_escape(rest)}")
        else:
            out.append(markdown_escape(stripped) if stripped else "")
    return out


def render_markdown(report: Report) -> str:
    """GitHub- and Jira-friendly Markdown; customer text never becomes markup."""
    lines = [f"# {markdown_escape(report.title or 'Escalation report')}", ""]
    meta = [f"**Severity:** {report.severity.value}"]
    if report.bundle:
        meta.append(f"**Bundle:** {inline_code(report.bundle)}")
    if report.bundle_sha256:
        meta.append(f"**SHA-256:** `{report.bundle_sha256}`")
    lines += [" · ".join(meta), ""]
    for name, heading in SECTIONS:
        body = _markdown_section(report, name)
        if body:
            lines += [f"## {heading}", "", *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_section(report: Report, name: str) -> list[str]:
    if name == "environment":
        if not report.environment:
            return []
        rows = ["| What | Value | Seen in |", "| --- | --- | --- |"]
        rows += [f"| {_cell(e.label)} | {_cell(e.value)} | {_cell(e.source)} |"
                 for e in report.environment]
        return rows
    if name == "timeline":
        if not report.timeline:
            return []
        rows = ["| Time (UTC) | Source | Event | Where |", "| --- | --- | --- | --- |"]
        rows += [f"| {_cell(t.time)} | {_cell(t.source)} | {_cell(t.message)} | "
                 f"{_cell(f'{t.artifact}, {t.where}' if t.artifact else t.where)} |"
                 for t in report.timeline]
        return rows
    if name == "findings":
        out: list[str] = []
        for number, finding in enumerate(report.findings, 1):
            out += [f"### {number}. {finding.severity.value.upper()}: "
                    f"{markdown_escape(finding.title)}", ""]
            meta = f"Rule `{finding.rule}`" + (f", {markdown_escape(finding.seen)}"
                                               if finding.seen else "")
            out += [meta, ""]
            if finding.detail:
                out += [*_paragraphs(finding.detail), ""]
            for evidence in finding.evidence:
                where = f"{inline_code(evidence.artifact)}, {markdown_escape(evidence.where)}"
                out.append(f"- {where}" + (f": {inline_code(evidence.excerpt)}"
                                           if evidence.excerpt else ""))
            if finding.evidence:
                out.append("")
            if finding.remediation:
                out += [f"Next step: {markdown_escape(finding.remediation)}", ""]
        return out[:-1] if out and out[-1] == "" else out
    if name == "attachments":
        return [f"- {inline_code(a.path)}" + (f": {markdown_escape(a.note)}" if a.note else "")
                for a in report.attachments]
    text = getattr(report, name)
    return _paragraphs(text) if text.strip() else []


def _cell(text: str) -> str:
    """A table cell: escaped, on one line; a pipe in customer text must not split the row."""
    return markdown_escape(text).replace("|", "\\|") or " "
