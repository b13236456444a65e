"""The report as a PDF, with the fonts the app ships (no font on the machine needed)."""

from __future__ import annotations

import re
import subprocess
import sys

import pypdf

import resources
from inspector.model import Severity
from inspector.report.document import (
    Attachment,
    EnvironmentItem,
    Report,
    ReportEvidence,
    ReportFinding,
    TimelineEntry,
)
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


# --- the layout: left-aligned prose, monospace excerpts, real tables, severity headings ----


def drawn(data: bytes, tmp_path) -> list[dict]:
    """Every piece of text drawn: its text, x, y, font and fill colour."""
    pieces: list[dict] = []
    colour = [(0.0, 0.0, 0.0)]

    def operand(operator, args, _cm, _tm):
        if operator == b"rg":
            colour[0] = tuple(round(float(value), 3) for value in args)

    for page, content in enumerate(read_back(data, tmp_path).pages):
        def text(value, _cm, tm, font, _size, page=page):
            if value.strip():
                pieces.append({"text": value, "x": round(tm[4], 1), "y": round(tm[5], 1),
                               "page": page, "font": str((font or {}).get("/BaseFont", "")),
                               "colour": colour[0]})
        content.extract_text(visitor_text=text, visitor_operand_before=operand)
    return pieces


def sample_report() -> Report:
    report = Report(title="Payments fail", severity=Severity.CRITICAL, bundle="case-4711.zip",
                    summary="The partner certificate expired at midnight and every payment "
                            "call since then fails with a fatal TLS alert, which the app logs "
                            "as an SSLHandshakeException.\n"
                            "> logs/app.log, line 13: javax.net.ssl.SSLHandshakeException: "
                            "PKIX path validation failed")
    report.timeline = [TimelineEntry("2026-11-17 09:14:01", "log", "SSLHandshakeException "
                                     "while charging order 5175563 to the partner's API, "
                                     "attempt 1 of 3", "logs/app.log", "line 13"),
                       TimelineEntry("09:14:02", "http", "status 0", "ui.har", "entry 7"),
                       TimelineEntry("09:14:03", "packet", "alert 45", "net.pcap", "packet 80")]
    report.environment = [EnvironmentItem("TLS servers", "payments.example.net:443",
                                          "net.pcap")]
    report.findings = [ReportFinding("tls.certificate-expired", Severity.CRITICAL,
                                     "Certificate of payments.example.net expired",
                                     "It expired on 2026-11-16.", "2026-11-17 09:14:03 UTC",
                                     [ReportEvidence("net.pcap", "packet 80",
                                                     "client sent fatal alert certificate_"
                                                     "expired (45)")], "Renew it."),
                       ReportFinding("log.exception", Severity.MEDIUM, "SSLHandshakeException "
                                     "x3", evidence=[ReportEvidence("logs/app.log", "line 13",
                                                                    "at sun.security.ssl")])]
    report.attachments = [Attachment("net.pcap", "pcap, 4,096 bytes")]
    return report


def test_prose_is_left_aligned_never_justified(tmp_path):
    data = render_pdf(sample_report())
    streams = "".join(page.get_contents().get_data().decode("latin-1")
                      for page in read_back(data, tmp_path).pages)
    # fpdf2 justifies with TJ arrays that widen the gaps between words; none may be left.
    assert not re.search(r"\)\s*-?\d+(\.\d+)?\s*\(", streams)
    pieces = drawn(data, tmp_path)
    summary = [p for p in pieces if "Mono" not in p["font"]]
    left = min(p["x"] for p in summary)
    wrapped = [p for p in summary if "partner certificate" in p["text"] or "as an SSL" in
               p["text"]]
    assert wrapped and all(p["x"] == left for p in wrapped)


def test_excerpts_are_monospace_blocks_and_prose_is_not(tmp_path):
    pieces = drawn(render_pdf(sample_report()), tmp_path)

    def font_of(fragment):
        return next(p["font"] for p in pieces if fragment in p["text"])
    assert "Mono" in font_of("client sent fatal alert")
    assert "Mono" in font_of("logs/app.log, line 13: javax.net.ssl")  # a cited line
    assert "Mono" not in font_of("It expired on 2026-11-16.")
    assert "Mono" not in font_of("The partner certificate expired")


def test_the_timeline_is_a_real_table_its_columns_aligned(tmp_path):
    pieces = drawn(render_pdf(sample_report()), tmp_path)
    headings = {p["text"].strip(): p["x"] for p in pieces
                if p["text"].strip() in ("Time (UTC)", "Source", "Event", "Where")}
    assert list(headings) == ["Time (UTC)", "Source", "Event", "Where"]
    assert headings["Time (UTC)"] < headings["Source"] < headings["Event"] < headings["Where"]
    sources = [p for p in pieces if p["text"].strip() in ("log", "http", "packet")]
    assert len(sources) == 3 and {p["x"] for p in sources} == {headings["Source"]}
    # The long event wraps inside its own column: its lines share the column's x.
    event = [p for p in pieces if p["x"] == headings["Event"] and p["y"] < max(
        q["y"] for q in pieces if q["text"].strip() == "Event")]
    assert len({p["y"] for p in event}) > len(sources)  # more lines than rows: it wrapped


def test_finding_headings_carry_their_severity_in_its_colour(tmp_path):
    pieces = drawn(render_pdf(sample_report()), tmp_path)
    critical = next(p for p in pieces if p["text"].startswith("1. CRITICAL: "))
    medium = next(p for p in pieces if p["text"].startswith("2. MEDIUM: "))
    assert critical["colour"] == (round(0xA4 / 255, 3), round(0x0E / 255, 3),
                                  round(0x26 / 255, 3))  # palette.toml [severity_text]
    assert medium["colour"] != critical["colour"] and "Bold" in critical["font"]
