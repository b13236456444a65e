"""The report draft: saved shortly after each edit, restored with the bundle, and said when
it cannot be saved."""

from __future__ import annotations

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.workspace import WorkspaceError
from ui import draft_keeper as draft_keeper_module
from ui.draft_keeper import DraftKeeper
from ui.report_pane import ReportPane


def analysis() -> Analysis:
    return Analysis(bundle=BundleInfo("/cases/4711.zip", "cd" * 32, 1234))


def keeper(qtbot) -> DraftKeeper:
    pane = ReportPane()
    qtbot.addWidget(pane)
    return DraftKeeper(pane)


def test_an_edit_is_saved_shortly_and_comes_back_with_the_bundle(qtbot):
    first = keeper(qtbot)
    first.open(analysis())
    first.report.title.setText("Invoices fail since 09:14")
    qtbot.waitUntil(lambda: first.session.workspace.report is not None
                    and first.session.workspace.report.title.startswith("Invoices"),
                    timeout=5_000)
    first.close()
    assert first.session is None
    second = keeper(qtbot)
    with qtbot.waitSignal(second.message) as said:
        second.open(analysis())
    assert second.report.title.text() == "Invoices fail since 09:14"
    assert said.args[0].startswith("Report draft restored as saved")
    second.close()


def test_a_workspace_that_cannot_be_opened_leaves_a_working_report(qtbot, monkeypatch):
    def refuse(*_args):
        raise WorkspaceError("the workspace is locked by another window")

    monkeypatch.setattr(draft_keeper_module, "open_workspace", refuse)
    drafts = keeper(qtbot)
    with qtbot.waitSignal(drafts.message) as said:
        drafts.open(analysis())
    assert said.args == ["The report will not be saved: the workspace is locked by another "
                         "window", draft_keeper_module.MESSAGE_MS]
    assert drafts.session is None
    drafts.schedule_save()
    drafts.save()  # nothing to save into: a no-op, not an error
