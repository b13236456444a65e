from dataclasses import replace

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from analyzers import BUILTIN
from inspector.knowledge import KnowledgeBase, SampleTargets
from ui.signature_editor import SignatureEditor

LINE = ("2026-11-17 09:14:19,200 ERROR [worker-a] order 7781: reservation failed: "
        "org.postgresql.util.PSQLException: ERROR: deadlock detected (SQLSTATE 40P01)")


@pytest.fixture(scope="module")
def samples():
    with SampleTargets(BUILTIN, ["deadlock", "gateway_502", "pool_exhaustion"]) as targets:
        targets.targets()
        yield targets


@pytest.fixture
def editor(qtbot, samples, tmp_path):
    bundle = next(t for t in samples.targets() if t.name == "sample:deadlock")
    dialog = SignatureEditor.from_line(LINE, bundle=bundle, samples=samples,
                                       directory=tmp_path / "signatures")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_finished, timeout=30_000):
        pass
    return dialog


def save_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_a_drafted_line_shows_its_matches_at_once(editor):
    counts = {r.name: sum(m.count for m in r.matches) for r in editor.results}
    assert counts["sample:deadlock"] >= 1
    assert counts["sample:gateway_502"] == 0 and counts["sample:pool_exhaustion"] == 0
    top = editor.tree.topLevelItem(0)
    assert top.text(0) == "sample:deadlock" and int(top.text(1)) == counts["sample:deadlock"]
    evidence = top.child(0).child(0)
    assert evidence.text(0) == "app/orders.log line 3"
    assert "deadlock detected" in evidence.text(2)
    assert save_button(editor).isEnabled()


def test_an_invalid_edit_is_explained_and_cannot_be_saved(editor, qtbot):
    editor.editor.setPlainText(editor.editor.toPlainText().replace(
        "patterns = [", "patterns = ['(a+)+', "))
    assert not save_button(editor).isEnabled()
    assert "backtrack" in editor.status.text()
    editor.editor.setPlainText(editor.editor.toPlainText().replace("'(a+)+', ", ""))
    assert save_button(editor).isEnabled()


def test_an_edit_reruns_the_preview(editor, qtbot):
    with qtbot.waitSignal(editor.preview_finished, timeout=30_000):
        editor.editor.setPlainText(editor.editor.toPlainText().replace(
            "patterns = [", "patterns = ['HikariPool-\\d+ - Connection is not available', "))
    counts = {r.name: sum(m.count for m in r.matches) for r in editor.results}
    assert counts["sample:pool_exhaustion"] > 0 and counts["sample:deadlock"] >= 1


def test_save_writes_what_was_tested_to_the_users_folder(editor, qtbot):
    with qtbot.waitSignal(editor.saved, timeout=5_000) as saved:
        save_button(editor).click()
    path = saved.args[0]
    assert path.parent == editor.directory and path.suffix == ".toml"
    loaded = KnowledgeBase.load(user_dir=editor.directory)
    assert loaded.problems == []
    assert loaded.get(editor.signature.id) == replace(editor.signature, source=str(path),
                                                      origin="user")
