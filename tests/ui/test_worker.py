"""The adapter: background work reports through queued signals on the GUI thread."""

from __future__ import annotations

import threading
import time

from inspector.engine import Update
from ui.worker import BundleOpened, Task, TaskState, analyze


def count(state: TaskState, limit: int) -> str:
    for number in range(limit):
        state.emit((number, threading.current_thread().name))
    return "counted"


def test_partials_arrive_in_order_on_the_gui_thread(qtbot):
    seen = []
    task = Task(count, 50, name="count")
    task.partial.connect(lambda item: seen.append((item, threading.current_thread())))
    with qtbot.waitSignal(task.finished, timeout=5000) as finished:
        task.start()
    assert finished.args == ["counted"]
    assert [item[0] for item, _ in seen] == list(range(50))
    assert {item[1] for item, _ in seen} == {"inspector-count"}  # emitted off the GUI thread
    assert {thread for _, thread in seen} == {threading.main_thread()}  # delivered on it


def test_an_exception_becomes_a_one_line_failure(qtbot):
    def broken(state):
        raise ValueError("bad input")

    task = Task(broken)
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args[0].startswith("ValueError: bad input (test_worker.py:")


def test_cancel_stops_the_work_and_its_partials(qtbot):
    def forever(state):
        while not state.cancelled:
            state.emit("tick")
            time.sleep(0.001)
        return "stopped"

    task = Task(forever)
    with qtbot.waitSignal(task.finished, timeout=5000) as finished:
        task.start()
        qtbot.waitSignal(task.partial, timeout=5000).wait()
        task.cancel()
    assert finished.args == ["stopped"]
    assert task.wait(1)


def test_analyze_reports_the_opened_bundle_then_updates(qtbot, sample_dir):
    items = []
    task = Task(analyze, sample_dir / "gateway_502.zip")
    task.partial.connect(items.append)
    with qtbot.waitSignal(task.finished, timeout=60_000) as finished:
        task.start()
    analysis = finished.args[0]
    assert isinstance(items[0], BundleOpened)
    assert [a.path for a in items[0].artifacts] == [a.path for a in analysis.artifacts]
    updates = [item for item in items if isinstance(item, Update)]
    assert updates and updates[-1].progress.overall == 1.0
    streamed = sum(len(u.findings) for u in updates) + len(items[0].findings)
    assert streamed == len(analysis.findings)


def test_a_missing_bundle_fails_with_the_readers_message(qtbot, tmp_path):
    task = Task(analyze, tmp_path / "absent.zip")
    with qtbot.waitSignal(task.failed, timeout=10_000) as failed:
        task.start()
    assert "absent.zip" in failed.args[0]
