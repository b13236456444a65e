import contextlib
import functools
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from inspector.triage.local import LocalPool
from inspector.triage.sources import BundleRef
from inspector.triage.tasks import Status, analyse
from tests.inspector.triage.bundles import die, stall_first_attempt, write_samples


def _kill_when_marked(marks: Path, count: int) -> threading.Thread:
    def kill() -> None:
        deadline = time.monotonic() + 60
        killed: set[str] = set()
        while len(killed) < count and time.monotonic() < deadline:
            for mark in marks.glob("*.pid"):
                pid = mark.read_text()
                if mark.name in killed or not pid:  # not yet written in full
                    continue
                # A pool whose worker died stops its other workers itself: one may be
                # gone already, which is what this test wants anyway.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
                killed.add(mark.name)
            time.sleep(0.05)
    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_a_worker_killed_mid_bundle_means_the_bundle_is_retried(tmp_path):
    bundles = write_samples(tmp_path / "bundles")
    marks = tmp_path / "marks"
    marks.mkdir()
    task = functools.partial(analyse, analyze=functools.partial(stall_first_attempt,
                                                                marks=str(marks)))
    killer = _kill_when_marked(marks, len(bundles))
    outcomes = list(LocalPool(2).run([BundleRef(str(b)) for b in bundles], task))
    killer.join(5)
    assert sorted(o.ref.name for o in outcomes) == sorted(b.name for b in bundles)
    assert {o.status for o in outcomes} == {Status.ANALYSED}
    assert len(list(marks.glob("*.pid"))) == len(bundles)  # each was killed once


def test_a_bundle_whose_worker_always_dies_fails_after_the_attempts(tmp_path):
    refs = [BundleRef(str(tmp_path / "poison.zip"))]
    outcomes = list(LocalPool(1, max_attempts=2).run(refs, die))
    assert [o.status for o in outcomes] == [Status.FAILED]
    assert "died 2 times" in outcomes[0].error


def test_jobs_must_be_positive():
    with pytest.raises(ValueError):
        LocalPool(0)
