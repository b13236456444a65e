"""The report as a PDF, drawn with fpdf2 (no Qt, so the headless CLI can write it).

The layout is a document an engineer reads, not the text rendering poured onto a page:

- prose is left-aligned (fpdf2 justifies by default, which opens wide gaps in lines of
  hostnames and paths);
- evidence excerpts, cited lines (``> member, line N: ...``) and stack traces are monospace
  blocks on a shaded background, as code in the HTML report;
- the environment, the timeline and the attachments are real tables with a header row,
  their cells wrapping inside their column;
- each finding's heading says its severity in the severity's colour (``[severity_text]`` in
  ``resources/palette.toml``, the colours the HTML report uses on a white page).

Every string drawn is a string of the report: the export gate checks the PDF through
``inspector.report.text.render_text`` of the same report (it reads the same fields).

Decisions the next engineer needs:

- Customer text is Unicode, and fpdf2's core fonts only cover Latin-1, so the PDF embeds
  DejaVu Sans and DejaVu Sans Mono, shipped in ``resources/fonts/`` with their licence
  (``LICENSE-DejaVu.txt``; copied from Debian's ``fonts-dejavu-core`` 2.37). Export needs
  no font on the machine.
- fpdf2 wants a file per font: ``resources.as_file`` gives one (a temporary copy when the
  app is installed zipped), held for the whole render because fpdf2 reads the glyphs it
  embeds while it writes the file.
- Characters the fonts have no glyph for (CJK, emoji) are shown as U+FFFD rather than
  silently left blank; control characters as ``?``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import tomllib
from typing import Any

import resources
from inspector.report.document import SECTIONS, Report, ReportFinding

# (fpdf2 family, style, resource): "Body" for prose and headings, "Mono" for evidence.
FONTS = (
    ("Body", "", "fonts/DejaVuSans.ttf"),
    ("Body", "B", "fonts/DejaVuSans-Bold.ttf"),
    ("Mono", "", "fonts/DejaVuSansMono.ttf"),
)
MARGIN = 18  # mm
BODY, SMALL, CODE = 10, 8.5, 8
TABLE_COLUMNS = {  # section -> (headings, relative column widths)
    "environment": (("What", "Value", "Seen in"), (2, 5, 3)),
    "timeline": (("Time (UTC)", "Source", "Event", "Where"), (2.3, 1.2, 5, 3.2)),
    "attachments": (("Member", "What it is"), (5, 4)),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@functools.cache
def _palette() -> dict[str, Any]:
    return tomllib.loads(resources.read_text("palette.toml"))


def _rgb(name: str) -> tuple[int, int, int]:
    group, _, key = name.partition(".")
    value = _palette()[group][key].lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def render_pdf(report: Report) -> bytes:
    """The report as a PDF (fpdf2; no Qt, so the headless CLI can write it)."""
    from fpdf import FPDF  # imported here: only PDF export needs it

    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.set_creator("Bundle Inspector")
    with contextlib.ExitStack() as font_files:
        for family, style, name in FONTS:
            pdf.add_font(family, style, str(font_files.enter_context(resources.as_file(name))))
        pdf.set_title(_fit(report.title))
        pdf.add_page()
        _Layout(pdf).report(report)
        return bytes(pdf.output())


class _Layout:
    """Draws a report on ``pdf`` (see the module doc)."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.text_colour = _rgb("report.text")

    def paragraph(self, text: str, size: float = BODY, style: str = "",
                  colour: tuple[int, int, int] | None = None, gap: float = 1.5) -> None:
        pdf = self.pdf
        pdf.set_font("Body", style, size)
        pdf.set_text_color(*(colour or self.text_colour))
        pdf.multi_cell(pdf.epw, size * 0.5, _clean(text), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(gap)

    def code(self, text: str, label: str = "") -> None:
        """A monospace block on a shaded background, its label (where it is) above it."""
        pdf = self.pdf
        if label:
            self.paragraph(label, SMALL, colour=_rgb("report.muted"), gap=0.3)
        pdf.set_font("Mono", "", CODE)
        pdf.set_text_color(*self.text_colour)
        pdf.set_fill_color(*_rgb("report.code_background"))
        pdf.multi_cell(pdf.epw, CODE * 0.5, _clean(text), align="L", fill=True, padding=1.5,
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def heading(self, text: str, size: float = 13) -> None:
        pdf = self.pdf
        pdf.ln(2)
        self.paragraph(text, size, "B", gap=0.5)
        pdf.set_draw_color(*_rgb("report.rule"))
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
        pdf.ln(2)

    def table(self, headings: tuple[str, ...], widths: tuple[float, ...],
              rows: list[tuple[str, ...]]) -> None:
        pdf = self.pdf
        pdf.set_font("Body", "", SMALL)
        pdf.set_text_color(*self.text_colour)
        pdf.set_draw_color(*_rgb("report.rule"))
        with pdf.table(col_widths=widths, text_align="LEFT", align="LEFT", width=pdf.epw,
                       line_height=SMALL * 0.5, padding=1,
                       headings_style=_heading_style()) as table:
            for row in [headings, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(_clean(value))
        pdf.ln(3)

    def report(self, report: Report) -> None:
        self.paragraph(report.title or "Escalation report", 18, "B", gap=1)
        severity = report.severity.value
        self.paragraph(f"Severity: {severity}" + (f"   Bundle: {report.bundle}"
                                                  if report.bundle else ""),
                       BODY, "B", colour=_rgb(f"severity_text.{severity}"), gap=0.5)
        if report.bundle_sha256:
            self.paragraph(f"SHA-256: {report.bundle_sha256}", SMALL,
                           colour=_rgb("report.muted"))
        for name, heading in SECTIONS:
            if not _has(report, name):
                continue
            self.heading(heading)
            if name in TABLE_COLUMNS:
                headings, widths = TABLE_COLUMNS[name]
                self.table(headings, widths, _rows(report, name))
            elif name == "findings":
                for number, finding in enumerate(report.findings, 1):
                    self.finding(number, finding)
            else:
                self.prose(getattr(report, name))

    def prose(self, text: str) -> None:
        """Paragraphs, with cited lines (``> ...``) and stack traces as code blocks."""
        for block, is_code in _blocks(text):
            if is_code:
                self.code(block)
            elif block.strip():
                self.paragraph(block)

    def finding(self, number: int, finding: ReportFinding) -> None:
        severity = finding.severity.value
        self.paragraph(f"{number}. {severity.upper()}: {finding.title}", 11.5, "B",
                       colour=_rgb(f"severity_text.{severity}"), gap=0.5)
        self.paragraph(f"Rule {finding.rule}" + (f", {finding.seen}" if finding.seen else ""),
                       SMALL, colour=_rgb("report.muted"), gap=1)
        if finding.detail.strip():
            self.prose(finding.detail)
        for evidence in finding.evidence:
            where = f"{evidence.artifact}, {evidence.where}"
            if evidence.excerpt:
                self.code(evidence.excerpt, where)
            else:
                self.paragraph(where, SMALL, colour=_rgb("report.muted"), gap=1)
        if finding.remediation:
            self.paragraph(f"Next step: {finding.remediation}")
        self.pdf.ln(2)


def _heading_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=_rgb("report.code_background"))


def _has(report: Report, name: str) -> bool:
    value = getattr(report, name)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _rows(report: Report, name: str) -> list[tuple[str, ...]]:
    if name == "environment":
        return [(item.label, item.value, item.source) for item in report.environment]
    if name == "timeline":
        return [(entry.time, entry.source, entry.message,
                 f"{entry.artifact}, {entry.where}" if entry.artifact else entry.where)
                for entry in report.timeline]
    return [(attachment.path, attachment.note) for attachment in report.attachments]


_CODE_LINE = re.compile(r"^(> |\s+at |\s*Caused by: |\s*\.\.\. \d+ more|\t)")


def _blocks(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs of prose lines and of code lines (citations, stack frames)."""
    blocks: list[tuple[list[str], bool]] = []
    for line in text.splitlines():
        is_code = bool(_CODE_LINE.match(line))
        if blocks and blocks[-1][1] == is_code and line.strip():
            blocks[-1][0].append(line)
        elif line.strip() or is_code:
            blocks.append(([line], is_code))
    return [("\n".join(lines), is_code) for lines, is_code in blocks]


def _clean(text: str) -> str:
    return _fit(_printable(text))


def _printable(text: str) -> str:
    """Tabs as spaces, other control characters as ``?``: fonts have no glyph for them."""
    return _CONTROL.sub("?", text.replace("\t", "    "))


def _fit(text: str) -> str:
    # A glyph the fonts lack would print as nothing; show U+FFFD instead.
    covered = covered_code_points()
    if all(ord(char) in covered or char == "\n" for char in text):
        return text
    return "".join(c if ord(c) in covered or c == "\n" else "\ufffd" for c in text)


@functools.lru_cache(maxsize=1)
def covered_code_points() -> frozenset[int]:
    """Code points every one of the ``FONTS`` has a glyph for."""
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools

    covered: frozenset[int] | None = None
    for _family, _style, name in FONTS:
        with TTFont(io.BytesIO(resources.read_bytes(name)), lazy=True) as font:
            points = frozenset(font.getBestCmap())
        covered = points if covered is None else covered & points
    return covered or frozenset()
