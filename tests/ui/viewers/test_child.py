"""Work in a child process: results, progress, errors, and a kill that always works."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from inspector.views.lines import SearchQuery, find_line
from ui.viewers.child import ChildDied, in_child
from ui.worker import TaskState


def count_to(state, limit: int) -> int:
    for number in range(limit):
        state.emit(number)
    return limit


def refuse(state, message: str) -> None:
    raise ValueError(message)


def die(state) -> None:
    os._exit(3)


def report_pid(state) -> None:
    state.emit(os.getpid())
    time.sleep(600)


def test_results_and_progress_come_back_in_order():
    seen: list[int] = []
    assert in_child(TaskState(seen.append), count_to, 5) == 5
    assert seen == [0, 1, 2, 3, 4]


def test_an_exception_in_the_child_is_raised_here_and_a_death_is_explained():
    with pytest.raises(ValueError, match="not a log"):
        in_child(TaskState(), refuse, "not a log")
    with pytest.raises(ChildDied, match="exit code 3"):
        in_child(TaskState(), die)


def test_cancelling_kills_the_child_however_busy_it_is():
    pids: list[int] = []

    def reported(pid: int) -> None:  # the child runs (however slow it was to start): stop it
        pids.append(pid)
        threading.Timer(0.2, state.handle.cancel).start()
    state = TaskState(reported)
    assert in_child(state, report_pid) is None
    assert pids and not os.path.exists(f"/proc/{pids[0]}")  # killed and reaped


def test_a_catastrophic_user_regex_is_stopped(member):
    # (a+)+$ on a long run of "a" followed by "!" backtracks for longer than anyone waits.
    source = member("evil.log", b"a" * 40 + b"!\n")
    state = TaskState()
    threading.Timer(0.5, state.handle.cancel).start()
    # Without the kill this would hang until pytest's own timeout.
    assert in_child(state, find_line, source, _one_checkpoint(), SearchQuery(
        r"(a+)+$", regex=True), 0) is None


def _one_checkpoint():
    from inspector.views.lines import LineIndex

    index = LineIndex()
    index.add([(0, 0)])
    index.lines = 1
    return index


SPINNING_PARENT = """
import sys
from ui.viewers.child import in_child
from tests.inspector.broken_analyzers import spin_forever

class State:
    cancelled = False
    def emit(self, item):
        pass

in_child(State(), spin_forever)
"""


@pytest.mark.slow
def test_a_child_dies_with_its_parent_even_when_the_parent_is_killed(tmp_path):
    """The app crashing (or being killed) must not leave a scan spinning on a big member."""
    from tests.corpus import ROOT
    from tests.inspector.broken_analyzers import PID_DIR_VARIABLE
    from tests.inspector.engine.test_lifeline import GRACE_SECONDS, running, wait_for

    env = {**os.environ, PID_DIR_VARIABLE: str(tmp_path), "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", SPINNING_PARENT], env=env, cwd=ROOT)
    try:
        assert wait_for(lambda: any(tmp_path.iterdir()), 60), "the child never started"
        child = int(next(tmp_path.iterdir()).name)
        assert running(child)
    finally:
        parent.kill()
        parent.wait(30)
    assert wait_for(lambda: not running(child), GRACE_SECONDS)
