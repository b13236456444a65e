"""The escalation report: drafted from an analysis, edited by the engineer, exported safely.

One module per job:

- ``document``: the ``Report`` (plain, editable text in fixed ``SECTIONS``), its JSON.
- ``drafting`` and ``environment``: the first version, from the evidence only.
- ``markdown`` (GitHub and Jira), ``html`` (one self-contained file, styled by
  ``resources/report/report.css``), ``text`` (the preview, and what the PDF is drawn from),
  ``pdf`` (fpdf2, with the DejaVu fonts shipped in ``resources/fonts/``): one renderer each.
- ``exporting``: the one safe way out (redact, render, gate, write atomically, or refuse).
- ``summary``: the Markdown triage summary of an analysis (``inspector analyze --format
  md``), not the report.

The modules are named for what they do (``drafting``, ``exporting``) so that they are not
hidden behind the functions ``draft`` and ``export`` this front door offers.

>>> from inspector.model import Severity
>>> report = Report(title="Checkout fails", severity=Severity.HIGH, summary="Since 09:14.")
>>> print(render_markdown(report).splitlines()[0])
# Checkout fails
"""

from __future__ import annotations

from inspector.report.document import (
    FORMAT,
    SECTIONS,
    Attachment,
    EnvironmentItem,
    Report,
    ReportEvidence,
    ReportFinding,
    TimelineEntry,
    map_text,
)
from inspector.report.drafting import draft
from inspector.report.environment import detect_environment
from inspector.report.exporting import FORMATS, export, redact_report, render
from inspector.report.html import render_html
from inspector.report.markdown import render_markdown
from inspector.report.pdf import render_pdf
from inspector.report.text import render_text

__all__ = [
    "FORMAT",
    "FORMATS",
    "SECTIONS",
    "Attachment",
    "EnvironmentItem",
    "Report",
    "ReportEvidence",
    "ReportFinding",
    "TimelineEntry",
    "detect_environment",
    "draft",
    "export",
    "map_text",
    "redact_report",
    "render",
    "render_html",
    "render_markdown",
    "render_pdf",
    "render_text",
]
