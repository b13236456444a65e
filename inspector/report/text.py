"""The report as plain text, every string of it in reading order.

The report pane's preview shows it, and it is what the PDF is drawn from
(``inspector.report.pdf`` lays out ``section_lines``), so the export gate reads the PDF's
text here rather than parsing the PDF back.

>>> from inspector.report.document import Report
>>> print(render_text(Report(title="Checkout fails", ask="Renew the certificate.")), end="")
Checkout fails
Severity: info
<BLANKLINE>
WHAT WE ASK OF ENGINEERING
Renew the certificate.
"""

from __future__ import annotations

from inspector.report.document import SECTIONS, Report


def render_text(report: Report) -> str:
    """Plain text with every string of the report: the preview, and what the PDF gate reads."""
    lines = [report.title or "Escalation report",
             f"Severity: {report.severity.value}"
             + (f" | Bundle: {report.bundle}" if report.bundle else "")
             + (f" | SHA-256: {report.bundle_sha256}" if report.bundle_sha256 else ""), ""]
    for name, heading in SECTIONS:
        body = section_lines(report, name)
        if body:
            lines += [heading.upper(), *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def section_lines(report: Report, name: str) -> list[str]:
    """The lines of one section (a ``SECTIONS`` name) as plain text; the PDF draws these."""
    if name == "environment":
        return [f"{i.label}: {i.value}" + (f" ({i.source})" if i.source else "")
                for i in report.environment]
    if name == "timeline":
        return [f"{t.time}  {t.source}  {t.message}"
                + (f"  [{t.artifact}, {t.where}]" if t.artifact else "") for t in report.timeline]
    if name == "findings":
        out = []
        for number, finding in enumerate(report.findings, 1):
            out.append(f"{number}. {finding.severity.value.upper()}: {finding.title}")
            out.append(f"   Rule {finding.rule}" + (f", {finding.seen}" if finding.seen else ""))
            out += [f"   {line}" for line in finding.detail.splitlines() if line.strip()]
            for evidence in finding.evidence:
                out.append(f"   - {evidence.artifact}, {evidence.where}"
                           + (f": {evidence.excerpt}" if evidence.excerpt else ""))
            if finding.remediation:
                out.append(f"   Next step: {finding.remediation}")
        return out
    if name == "attachments":
        return [f"- {a.path}" + (f": {a.note}" if a.note else "") for a in report.attachments]
    return [line for line in getattr(report, name).splitlines()]
