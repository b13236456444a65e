"""Running an analysis: what the reader listed, updates, the result; one run at a time."""

from __future__ import annotations

from inspector.engine import Update
from ui.analysis_run import AnalysisRun
from ui.worker import BundleOpened


def test_a_run_reports_the_bundle_then_updates_then_the_analysis(qtbot, sample_dir):
    run = AnalysisRun()
    seen = []
    run.opened.connect(lambda item: seen.append(type(item)))
    run.updated.connect(lambda item: seen.append(type(item)))
    with qtbot.waitSignal(run.finished, timeout=60_000) as finished:
        run.start(sample_dir / "gateway_502.zip")
        assert run.running
    assert not run.running and not run.cancel()
    assert seen[0] is BundleOpened and Update in seen
    assert finished.args[0].findings


def test_a_new_run_silences_the_old_one(qtbot, sample_dir):
    run = AnalysisRun()
    opened = []
    run.opened.connect(lambda item: opened.append(item.source.name))
    run.start(sample_dir / "gateway_502.zip")
    first = run.task
    with qtbot.waitSignal(run.finished, timeout=60_000):
        run.start(sample_dir / "bundle_basics.zip")
    assert first.state.cancelled and first.wait(30)
    assert opened == ["bundle_basics.zip"]


def test_a_bundle_that_cannot_be_opened_says_which_and_why(qtbot, tmp_path):
    run = AnalysisRun()
    missing = tmp_path / "nope.zip"
    with qtbot.waitSignal(run.failed, timeout=10_000) as failed:
        run.start(missing)
    path, message = failed.args
    assert path == missing and message and not run.running


def test_cancel_keeps_what_was_found_and_stop_waits(qtbot, sample_dir):
    run = AnalysisRun()
    with qtbot.waitSignal(run.finished, timeout=60_000):
        run.start(sample_dir / "bundle_basics.zip")
        assert run.cancel()
    run.stop(5)  # nothing left to stop
    assert run.task is None
