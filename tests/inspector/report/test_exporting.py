"""Exporting a report: redacted, rendered, gated, written whole, or refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.model import Event, EventSource, LineLocator, Severity
from inspector.privacy.redaction import Identifier, RedactionRefused, Redactor
from inspector.report import exporting
from inspector.report.document import Report
from inspector.report.drafting import draft
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


def test_a_value_across_a_cut_is_exported_whole_or_not_at_all(tmp_path):
    # Drafting cuts timeline messages at 240 characters: a host name across the cut,
    # cut in two, would no longer read as a host (``vault-prod-7.finance.acme-c``).
    host = "vault-prod-7.finance.acme-corp.com"
    message = "x " * 110 + f"failover to {host} refused"
    assert message.index(host) < 240 < message.index(host) + len(host)
    event = Event(datetime(2026, 11, 17, 9, 14, tzinfo=UTC), "logs/app.log", LineLocator(3),
                  Severity.HIGH, EventSource.LOG, message)
    report = draft(Analysis(BundleInfo("case.zip", "0" * 64, 1), timeline=[event]))
    export(report, "md", tmp_path / "r.md", Redactor())
    text = (tmp_path / "r.md").read_text()
    assert "vault-prod-7" not in text and "failover to …" in text
