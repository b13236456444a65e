"""The Markdown triage summary of an analysis (``inspector analyze --format md``).

Meant to be pasted into a ticket: the headline (the first finding of the bundle's order, the
outage before anything else, ``inspector.findings.ranking``), a "handle with care" line for
what the bundle itself carries (credentials, hostile members), then the findings about the
system in that order with their evidence, the handling warnings in a section of their own,
what was in the bundle and what could not be read. Customer text never becomes markup:
excerpts go in code spans or fenced blocks whose fence is longer than any backtick run in
them, and other customer text is escaped.

>>> inline_code("a `tick` here")
'`` a `tick` here ``'
>>> escape("<script> *bold* [x](y)")
'&lt;script&gt; \\\\*bold\\\\* \\\\[x\\\\](y)'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta

from inspector.analysis import Analysis
from inspector.findings import ALSO_REPORTED_AS, handle_with_care, headline, rank_order
from inspector.model import HANDLING, ArtifactStatus, Finding, Severity
from inspector.timeline import recorded_offsets, seen_text

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~])")
_SEVERITY_MARK = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.INFO: "INFO",
}
MAX_EVIDENCE = 5
MAX_EXCERPT = 300


def escape(text: str) -> str:
    """Customer text as inert Markdown: no HTML, links, emphasis or headings."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.splitlines())


def inline_code(text: str) -> str:
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _excerpt(text: str) -> str:
    text = text if len(text) <= MAX_EXCERPT else text[: MAX_EXCERPT - 1] + "…"
    return inline_code(text) if text else ""


def _finding(finding: Finding, offsets: Mapping[str, timedelta]) -> list[str]:
    lines = [f"### {_SEVERITY_MARK[finding.severity]}: {escape(finding.title)}", ""]
    meta = [f"rule `{finding.rule}`", f"analyzer `{finding.analyzer}`"]
    if finding.count > 1:
        meta.append(f"count {finding.count:,}")
    if span := seen_text(finding, offsets):
        meta.append(escape(span))
    lines += [" · ".join(meta), ""]
    if finding.detail:
        lines += [escape(finding.detail), ""]
    if folded := finding.facts.get(ALSO_REPORTED_AS):
        lines += ["Also reported as: " + "; ".join(
            f"{inline_code(str(entry.get('rule')))} {escape(str(entry.get('title')))}"
            for entry in folded[:MAX_EVIDENCE])
            + (f"; and {len(folded) - MAX_EVIDENCE} more" if len(folded) > MAX_EVIDENCE
               else ""), ""]
    if finding.evidence:
        lines.append("Evidence:")
        for evidence in finding.evidence[:MAX_EVIDENCE]:
            where = f"{inline_code(evidence.artifact)}, {evidence.locator.describe()}"
            excerpt = _excerpt(evidence.excerpt)
            lines.append(f"- {where}" + (f": {excerpt}" if excerpt else ""))
        if len(finding.evidence) > MAX_EVIDENCE:
            lines.append(f"- ... and {len(finding.evidence) - MAX_EVIDENCE} more")
        lines.append("")
    if finding.remediation:
        lines += [f"Next step: {escape(finding.remediation)}", ""]
    return lines


def render(analysis: Analysis) -> str:
    bundle = analysis.bundle
    lines = ["# Bundle Inspector triage summary", "",
             f"Bundle {inline_code(bundle.source)} ({bundle.size:,} bytes, "
             f"sha256 `{bundle.sha256[:16]}…`)", ""]
    counts = Counter(f.severity for f in analysis.findings)
    if analysis.findings:
        summary = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])
        lines += [f"**{len(analysis.findings)} findings**: {summary}.", ""]
    else:
        lines += ["**No findings.**", ""]
    top = headline(analysis.findings)
    if top is not None:
        lines += [f"**Headline** ({top.severity.value}): {escape(top.title)}", ""]
    careful = handle_with_care(analysis.findings)
    if careful:
        lines += ["**Handle with care**: " + "; ".join(escape(f.title) for f in careful)
                  + ". These concern the bundle itself, not the case's root cause.", ""]
    kinds = Counter(a.kind.value for a in analysis.artifacts)
    lines += [f"{len(analysis.artifacts)} artifacts: "
              + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) + ".", ""]
    offsets = recorded_offsets(analysis.findings)
    system = [f for f in rank_order(analysis.findings) if f.concern != HANDLING]
    if system:
        lines += ["## Findings", ""]
        for finding in system:
            lines += _finding(finding, offsets)
    if careful:
        lines += ["## Handle with care", ""]
        for finding in careful:
            lines += _finding(finding, offsets)
    lines += ["## Artifacts", "", "| path | kind | size | status |", "|---|---|---:|---|"]
    for artifact in analysis.artifacts:
        status = artifact.status.value
        if artifact.status is not ArtifactStatus.ANALYZED and artifact.reason:
            status = f"{status}: {escape(artifact.reason)}"
        lines.append(f"| {inline_code(artifact.path)} | {artifact.kind.value} | "
                     f"{artifact.size:,} | {status} |")
    lines.append("")
    if analysis.problems:
        lines += ["## Problems", ""]
        for problem in analysis.problems:
            where = " / ".join(inline_code(p) for p in (problem.artifact, problem.analyzer) if p)
            lines.append(f"- **{problem.kind.value}** {where}: {escape(problem.message)}")
        lines.append("")
    return "\n".join(lines)
