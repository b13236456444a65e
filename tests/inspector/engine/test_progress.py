"""Progress snapshots and the cancellation handle."""

from __future__ import annotations

import threading

from inspector.engine.progress import AnalyzerProgress, Progress, RunHandle


def test_a_snapshot_does_not_change_with_later_progress():
    progress = Progress(0.5, 1, 2, {"logs": AnalyzerProgress(1, 2)}, [("a.log", "logs", 0.5)])
    snapshot = progress.snapshot()
    progress.analyzers["logs"].done = 2
    progress.running.clear()
    progress.overall = 1.0
    assert snapshot.analyzers["logs"].done == 1
    assert snapshot.running == [("a.log", "logs", 0.5)] and snapshot.overall == 0.5


def test_any_thread_can_cancel():
    handle = RunHandle()
    assert not handle.cancelled
    thread = threading.Thread(target=handle.cancel)
    thread.start()
    thread.join()
    assert handle.cancelled
