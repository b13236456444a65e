"""The report as one self-contained HTML file.

An inline style sheet, no scripts, no remote resources; every customer string escaped with
``html.escape``, and a Content-Security-Policy that forbids scripts and loads even if
something slipped through.

The style sheet is ``resources/report/report.css``; its colours are named there as
``${table.name}`` and filled in from ``resources/palette.toml`` (the one palette the app
and the reports share), so a colour changes in one place. CSS has no other use for ``$``.
A name the palette lacks fails the render at once rather than leaving a hole in the page.
The sheet styles critical with high and info with low, one rule each, as the palette
colours them alike today; a test holds the palette to that.

>>> from inspector.report.document import Report
>>> page = render_html(Report(title="<b>Checkout</b> fails"))
>>> page.splitlines()[4]
'<title>&lt;b&gt;Checkout&lt;/b&gt; fails</title>'
>>> "${" in page
False
"""

from __future__ import annotations

import functools
import html
import string
import tomllib
from typing import Any

import resources
from inspector.report.document import SECTIONS, Report

STYLESHEET = "report/report.css"
PALETTE = "palette.toml"


class _PaletteTemplate(string.Template):
    idpattern = r"[a-z_]+(?:\.[a-z_]+)+"


@functools.lru_cache(maxsize=1)
def stylesheet() -> str:
    """The report's style sheet with the palette's colours filled in."""
    colours: dict[str, str] = {}

    def collect(table: dict[str, Any], prefix: str) -> None:
        for name, value in table.items():
            if isinstance(value, dict):
                collect(value, f"{prefix}{name}.")
            else:
                colours[f"{prefix}{name}"] = value

    collect(tomllib.loads(resources.read_text(PALETTE)), "")
    return _PaletteTemplate(resources.read_text(STYLESHEET)).substitute(colours)


def render_html(report: Report) -> str:
    """One self-contained HTML file: inline style, no script, no remote resource.

    Every string from the report goes through ``html.escape``; the Content-Security-Policy
    forbids scripts and loads even if something slipped through.
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(report.title or 'Escalation report')}</title>",
        f"<style>\n{stylesheet()}</style></head><body>",
        f"<h1>{e(report.title or 'Escalation report')}</h1>",
        f'<p class="meta">Severity: <span class="sev {e(report.severity.value)}">'
        f"{e(report.severity.value)}</span>"
        + (f" · Bundle: <code>{e(report.bundle)}</code>" if report.bundle else "")
        + (f" · SHA-256: <code>{e(report.bundle_sha256)}</code>" if report.bundle_sha256
           else "") + "</p>",
    ]
    for name, heading in SECTIONS:
        body = _html_section(report, name)
        if body:
            parts += [f"<h2>{e(heading)}</h2>", body]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _html_text(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _html_section(report: Report, name: str) -> str:
    e = html.escape
    if name == "environment":
        if not report.environment:
            return ""
        rows = "".join(f"<tr><td>{e(i.label)}</td><td>{e(i.value)}</td><td>{e(i.source)}</td>"
                       "</tr>" for i in report.environment)
        return f"<table><tr><th>What</th><th>Value</th><th>Seen in</th></tr>{rows}</table>"
    if name == "timeline":
        if not report.timeline:
            return ""
        rows = "".join(f"<tr><td>{e(t.time)}</td><td>{e(t.source)}</td><td>{e(t.message)}</td>"
                       f"<td>{e(t.artifact)} {e(t.where)}</td></tr>" for t in report.timeline)
        return ("<table><tr><th>Time (UTC)</th><th>Source</th><th>Event</th><th>Where</th>"
                f"</tr>{rows}</table>")
    if name == "findings":
        out = []
        for number, finding in enumerate(report.findings, 1):
            severity = e(finding.severity.value)
            out.append(f'<h3>{number}. <span class="sev {severity}">{severity}</span>: '
                       f"{e(finding.title)}</h3>")
            out.append(f'<p class="meta">Rule <code>{e(finding.rule)}</code>'
                       + (f", {e(finding.seen)}" if finding.seen else "") + "</p>")
            out.append(_html_text(finding.detail))
            if finding.evidence:
                items = "".join(
                    f"<li><code>{e(ev.artifact)}</code>, {e(ev.where)}"
                    + (f"<pre>{e(ev.excerpt)}</pre>" if ev.excerpt else "") + "</li>"
                    for ev in finding.evidence)
                out.append(f"<ul>{items}</ul>")
            if finding.remediation:
                out.append(f"<p>Next step: {e(finding.remediation)}</p>")
        return "\n".join(out)
    if name == "attachments":
        if not report.attachments:
            return ""
        items = "".join(f"<li><code>{e(a.path)}</code>" + (f": {e(a.note)}" if a.note else "")
                        + "</li>" for a in report.attachments)
        return f"<ul>{items}</ul>"
    return _html_text(getattr(report, name))
