"""The report as a PDF, drawn with fpdf2 (no Qt, so the headless CLI can write it).

The PDF lays out the plain-text rendering's lines (``inspector.report.text``): headings
larger, evidence in a monospace font.

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

import resources
from inspector.report.document import SECTIONS, Report
from inspector.report.text import section_lines

# (fpdf2 family, style, resource): "Body" for prose and headings, "Mono" for evidence.
FONTS = (
    ("Body", "", "fonts/DejaVuSans.ttf"),
    ("Body", "B", "fonts/DejaVuSans-Bold.ttf"),
    ("Mono", "", "fonts/DejaVuSansMono.ttf"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render_pdf(report: Report) -> bytes:
    """The report as a PDF (fpdf2; no Qt, so the headless CLI can write it)."""
    from fpdf import FPDF  # imported here: only PDF export needs it

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_creator("Bundle Inspector")
    with contextlib.ExitStack() as font_files:
        for family, style, name in FONTS:
            pdf.add_font(family, style, str(font_files.enter_context(resources.as_file(name))))
        pdf.set_title(_fit(report.title))
        pdf.add_page()
        width = pdf.epw

        def write(text: str, size: float = 10, style: str = "", font: str = "Body",
                  gap: float = 1.5) -> None:
            pdf.set_font(font, style, size)
            pdf.multi_cell(width, size * 0.5, _fit(_printable(text)), new_x="LMARGIN",
                           new_y="NEXT")
            pdf.ln(gap)

        write(report.title or "Escalation report", 18, "B")
        write(f"Severity: {report.severity.value}"
              + (f"   Bundle: {report.bundle}" if report.bundle else ""), 10)
        if report.bundle_sha256:
            write(f"SHA-256: {report.bundle_sha256}", 8, font="Mono")
        for name, heading in SECTIONS:
            body_lines = section_lines(report, name)
            if not any(line.strip() for line in body_lines):
                continue
            pdf.ln(2)
            write(heading, 13, "B")
            for line in body_lines:
                monospace = name == "findings" and line.startswith("   - ")
                write(line, 8.5 if monospace else 10, font="Mono" if monospace else "Body",
                      gap=0.5)
        return bytes(pdf.output())


def _printable(text: str) -> str:
    """Tabs as spaces, other control characters as ``?``: fonts have no glyph for them."""
    return _CONTROL.sub("?", text.replace("\t", "    "))


def _fit(text: str) -> str:
    # A glyph the fonts lack would print as nothing; show U+FFFD instead.
    covered = covered_code_points()
    if all(ord(char) in covered for char in text):
        return text
    return "".join(c if ord(c) in covered else "\ufffd" for c in text)


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
