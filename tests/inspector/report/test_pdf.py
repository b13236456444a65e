"""The report as a PDF, with the fonts the app ships (no font on the machine needed)."""

from __future__ import annotations

import subprocess
import sys

import pypdf

import resources
from inspector.report.pdf import FONTS, covered_code_points, render_pdf
from tests.corpus import ROOT
from tests.inspector.report.test_document import hostile_report


def test_pdf_renders_unicode_text(tmp_path):
    report = hostile_report()
    report.workaround = "Restart 東京 node"
    data = render_pdf(report)
    assert data.startswith(b"%PDF-")
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "Zürich" in text and "Ελλάδα" in text and "Москва" in text
    assert "alert(1)" in text  # customer text is shown as text, not dropped
    assert "Restart \ufffd\ufffd node" in text  # no glyph: a visible stand-in, not a blank


def read_back(data: bytes, tmp_path) -> pypdf.PdfReader:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return pypdf.PdfReader(path)


def test_the_pdf_embeds_the_shipped_fonts_only(tmp_path):
    pages = read_back(render_pdf(hostile_report()), tmp_path).pages
    embedded = {str(font["/BaseFont"]).split("+", 1)[-1]
                for page in pages for font in page["/Resources"]["/Font"].values()}
    assert embedded == {"DejaVuSansBook", "DejaVuSansBold", "DejaVuSansMonoBook"}


def test_the_fonts_ship_with_their_licence():
    for _family, _style, name in FONTS:
        assert resources.read_bytes(name)[:4] == b"\x00\x01\x00\x00"  # TrueType outlines
    licence = resources.read_text("fonts/LICENSE-DejaVu.txt")
    assert "Bitstream Vera" in licence and "Permission is hereby granted" in licence


def test_every_font_covers_the_scripts_customers_write():
    covered = covered_code_points()
    assert all(ord(char) in covered for char in "Zürich Ελλάδα Москва ‘’ … → €")
    assert ord("東") not in covered


def test_control_characters_and_tabs_are_drawn_visibly(tmp_path):
    report = hostile_report()
    report.reproduction = "step\tone\x07bell"
    text = "\n".join(page.extract_text()
                     for page in read_back(render_pdf(report), tmp_path).pages)
    assert "step    one?bell" in text


def test_pdf_export_opens_no_font_of_the_machine():
    # An audit hook sees every file opened while rendering, in a fresh process.
    code = ("import sys; opened = []\n"
            "sys.addaudithook(lambda event, args: opened.append(str(args[0]))"
            " if event == 'open' else None)\n"
            "from inspector.report.document import Report\n"
            "from inspector.report.pdf import render_pdf\n"
            "render_pdf(Report(title='Zürich'))\n"
            "print('\\n'.join(p for p in opened if p.lower().endswith(('.ttf', '.otf'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    fonts = result.stdout.split()
    assert fonts and all(path.startswith(str(ROOT / "resources" / "fonts")) for path in fonts)
