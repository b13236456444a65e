"""Drafting signatures: what is needed first, and editors closed with their bundle."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.signature_drafting import HINT_MS, SignatureDrafting


def test_a_draft_needs_a_finding_or_a_line_with_text(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    drafting = SignatureDrafting(window)
    with qtbot.waitSignal(drafting.message) as said:
        assert drafting.from_finding(None) is None
    assert said.args == ["Select a finding to draft a signature from", HINT_MS]
    for line in (None, "   "):
        with qtbot.waitSignal(drafting.message) as said:
            assert drafting.from_line(line) is None
        assert said.args[0].startswith("Select a log line with text")
    assert drafting.editor is None
    drafting.close()  # no editor and no samples yet: nothing to close


def test_an_editor_before_the_analysis_previews_the_samples_only(qtbot, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    window = QWidget()
    qtbot.addWidget(window)
    drafting = SignatureDrafting(window)
    editor = drafting.from_line("2026-11-17 09:14:01 ERROR pool exhausted for db1")
    assert editor is not None and drafting.editor is editor and editor.isVisible()
    with qtbot.waitSignal(editor.preview_finished, timeout=60_000):
        pass
    assert all(result.name.startswith("sample:") for result in editor.results)
    drafting.close()
    assert drafting.editor is None
