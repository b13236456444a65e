"""The report as plain text: the preview, and the text the PDF is drawn from."""

from __future__ import annotations

from inspector.report.text import render_text


def test_text_rendering_holds_every_string(drafted):
    text = render_text(drafted)
    for finding in drafted.findings:
        assert finding.title in text
        for evidence in finding.evidence:
            assert evidence.excerpt in text
