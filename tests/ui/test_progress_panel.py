"""Analysis progress: in the status bar while it runs, a bar per analyzer on demand."""

from __future__ import annotations

from inspector.engine import AnalyzerProgress, Progress, Update
from ui.progress_panel import PROGRESS_COLUMNS, REFRESH_MS, ProgressPanel, StatusProgress


def update(analyzers: dict[str, tuple[int, int, int]], running=()) -> Update:
    progress = Progress(overall=0.5, analyzers={
        name: AnalyzerProgress(total=total, done=done, failed=failed)
        for name, (done, total, failed) in analyzers.items()}, running=list(running))
    return Update(findings=[], problems=[], progress=progress)


def test_one_bar_per_analyzer_two_to_a_row(qtbot):
    panel = ProgressPanel()
    qtbot.addWidget(panel)
    names = ["http", "logs", "network", "sql", "tls"]
    panel.show_progress(update({name: (1, 2, 0) for name in names},
                               [("logs/app.log", "logs", 0.25)]))
    assert list(panel.bars) == names
    assert panel.grid.getItemPosition(panel.grid.indexOf(panel.bars["sql"]))[:2] == (
        1, 2 * (3 % PROGRESS_COLUMNS) + 1)
    assert panel.running.text() == "logs: logs/app.log (25%)"
    panel.show_progress(update({"logs": (2, 2, 1)}))
    assert panel.bars["logs"].text() == "2/2, 1 failed" and panel.bars["logs"].value() == 2
    panel.clear()
    assert panel.bars == {} and panel.running.text() == ""


def test_the_status_bar_shows_the_latest_progress_at_most_five_times_a_second(qtbot):
    status = StatusProgress()
    qtbot.addWidget(status)
    status.start()
    assert not status.isHidden()
    for step in range(20):  # the engine reports in bursts
        status.show_progress(update({"logs": (step, 20, 0)},
                                    [("logs/very/long/" + "x" * 80 + ".log", "logs", 0.5)]))
    assert status.bar.value() == 0  # nothing drawn yet: one refresh for the burst
    qtbot.waitUntil(lambda: status.bar.value() == 500, timeout=REFRESH_MS * 5)
    assert status.panel.bars["logs"].value() == 19
    assert status.running.text().startswith("…") and len(status.running.text()) <= 60
    status.finish()
    assert status.isHidden()
