"""Exporting a report: redacted, rendered, gated, written whole, or refused."""

from __future__ import annotations

import pytest

from inspector.privacy.redaction import Identifier, RedactionRefused, Redactor
from inspector.report import exporting
from inspector.report.document import Report
from inspector.report.exporting import export


def test_export_redacts_then_writes(tmp_path, drafted):
    redactor = Redactor()
    written = export(drafted, "md", tmp_path / "r.md", redactor)
    text = (tmp_path / "r.md").read_text()
    assert "203.0.113.24" not in text and "api.example.com" not in text
    pseudonym = redactor.pseudonyms.known(Identifier.IPV4, "203.0.113.24")
    assert pseudonym is not None and pseudonym in text
    assert written.findings[0].title in text.replace("\\", "")


def test_export_refuses_when_the_gate_flags_the_output(tmp_path, monkeypatch):
    monkeypatch.setattr(exporting, "redact_report", lambda report, redactor: report)
    report = Report(title="Login fails", summary="Authorization: Bearer abcdefghijklmnop0123")
    for fmt in ("md", "html", "pdf"):
        with pytest.raises(RedactionRefused, match="bearer"):
            export(report, fmt, tmp_path / f"r.{fmt}", Redactor())
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="md, html, pdf"):
        export(Report(), "docx", tmp_path / "r.docx", Redactor())
