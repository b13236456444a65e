import pytest

from analyzers.host.journal import UnitTracker
from analyzers.host.times import Prefix, split_line
from tests.analyzers.host.material import SOS, real


def track(path):
    tracker = UnitTracker()
    year = 2022
    for n, line in enumerate(real(path).read_text(errors="replace").splitlines(), 1):
        if line.startswith("-- "):
            year = tracker.header(line) or year
            tracker.feed(n, Prefix(line))
            continue
        tracker.feed(n, split_line(line, year))
    return tracker


@pytest.mark.corpus
def test_bootstrap_crash_loop_that_settled_is_recovered():
    folder = SOS / "sosreport-juju-110cc2-k8stest-4" / "sos_commands" / "kubernetes"
    tracker = track(folder / "journalctl_--no-pager_--unit_snap.kube-scheduler.daemon")
    unit = tracker.units()["snap.kube-scheduler.daemon.service"]
    assert unit["start_limit_hits"] == 1 and unit["restarts"] >= 13 and unit["recovered"]
    assert tracker.end.isoformat() == "2022-02-11T19:23:42+00:00"


def test_unit_still_failing_at_the_end_is_not_recovered():
    tracker = UnitTracker()
    lines = ["Feb 11 19:03:14 h systemd[1]: db.service: Main process exited, code=killed, "
             "status=9/KILL", "Feb 11 19:03:14 h systemd[1]: db.service: Failed with result "
             "'signal'.", "Feb 11 19:03:15 h systemd[1]: db.service: Start request repeated "
             "too quickly.", "Feb 11 19:03:15 h systemd[1]: Failed to start Database.",
             "Feb 11 19:30:00 h sshd[1]: still here"]
    for n, line in enumerate(lines, 1):
        tracker.feed(n, split_line(line, 2022))
    unit = tracker.units()["db.service"]
    assert not unit["recovered"] and unit["exits"] == {"killed/9/KILL": 1}
    assert unit["results"] == {"signal": 1} and unit["start_limit_hits"] == 1
