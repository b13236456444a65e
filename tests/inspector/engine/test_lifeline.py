"""Workers end with the process that started them: SIGTERM, SIGKILL, mid-analysis.

The CLI runs as users run it, with a third-party analyzer (found through its entry point
from a dist-info folder on ``PYTHONPATH``) that spins at 100% CPU and never checks for
cancellation: the case seen in the field, a worker left running after its CLI was gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector.engine.lifeline import bind_to_parent
from inspector.testing import make_bundle
from tests.corpus import ROOT
from tests.inspector.broken_analyzers import PID_DIR_VARIABLE

GRACE_SECONDS = 5.0  # how long a worker may outlive its parent


def plugin_site(tmp_path: Path) -> Path:
    """A folder that makes ``tests.inspector.broken_analyzers:Spins`` an installed plugin."""
    dist = tmp_path / "site" / "spinning_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: spinning-plugin\n"
                                   "Version: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[bundle_inspector.analyzers]\nspins = tests.inspector.broken_analyzers:Spins\n")
    return dist.parent


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an orphan's zombie may linger here)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def start_spinning_cli(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    """``inspector analyze`` busy in a spinning worker: the CLI and every process it started
    (the worker among them, the fork server, the resource tracker)."""
    bundle = make_bundle(tmp_path / "case.zip", {"app.log": b"2026-11-17 09:14:01 INFO up\n"})
    pids = tmp_path / "pids"
    pids.mkdir()
    env = {**os.environ, PID_DIR_VARIABLE: str(pids),
           "PYTHONPATH": os.pathsep.join([str(plugin_site(tmp_path)), str(ROOT)])}
    cli = subprocess.Popen([sys.executable, "-m", "inspector", "analyze", str(bundle),
                            "--only", "spins", "--quiet"], env=env, cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not wait_for(lambda: any(pids.iterdir()) or cli.poll() is not None, 120):
        cli.kill()
        pytest.fail("the spinning analyzer never started")
    assert cli.poll() is None, cli.communicate()
    worker = int(next(pids.iterdir()).name)
    family = descendants(cli.pid)
    assert worker in family
    return cli, family


@pytest.mark.slow
def test_sigterm_stops_the_workers_and_exits_with_a_clear_message(tmp_path):
    cli, family = start_spinning_cli(tmp_path)
    time.sleep(0.5)  # well inside the analysis
    cli.send_signal(signal.SIGTERM)
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == 128 + signal.SIGTERM
    assert b"stopped by SIGTERM" in err
    assert out == b""  # no partial document a script could take for a finished one
    assert wait_for(lambda: not any(running(pid) for pid in family), GRACE_SECONDS), \
        [pid for pid in family if running(pid)]


@pytest.mark.slow
def test_sigkill_of_the_cli_leaves_no_worker_behind(tmp_path):
    cli, family = start_spinning_cli(tmp_path)
    cli.kill()
    cli.communicate(timeout=60)
    assert wait_for(lambda: not any(running(pid) for pid in family), GRACE_SECONDS), \
        [pid for pid in family if running(pid)]


def test_outside_multiprocessing_binding_does_nothing():
    bind_to_parent()  # the test process has no multiprocessing parent: must not exit
    assert running(os.getpid())
