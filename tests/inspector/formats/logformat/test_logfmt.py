from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.logfmt import parse_logfmt_line
from tests.corpus import CORPUS


@pytest.mark.parametrize(("line", "time", "level", "message"), [
    # logrus (Docker, containerd)
    ('time="2025-01-02T03:04:05.123456789Z" level=fatal msg="failed to start daemon: '
     'pid file found" pid=12', datetime(2025, 1, 2, 3, 4, 5, 123456, UTC), "critical",
     "failed to start daemon: pid file found"),
    # go-kit (Prometheus, Alertmanager): the level first, the time in ``ts``
    ('level=warn ts=2021-11-15T09:21:29.685Z caller=cluster.go:228 component=cluster '
     'msg="failed to join cluster"', datetime(2021, 11, 15, 9, 21, 29, 685000, UTC), "warning",
     "failed to join cluster"),
    # epoch seconds, a bare message word
    ("ts=1794906000 lvl=error msg=boom", datetime(2026, 11, 17, 9, 0, tzinfo=UTC), "error",
     "boom"),
    # a timestamp of its own before the pairs (kubectl logs --timestamps)
    ('2021-11-15T09:21:29.542014685Z level=info caller=main.go:216 msg="Starting Alertmanager"',
     datetime(2021, 11, 15, 9, 21, 29, 542014, UTC), "info", "Starting Alertmanager"),
])
def test_logfmt_records(line, time, level, message):
    log = detect([line] * 3)
    assert log.name == "logfmt"
    record = log.parse(line)
    assert (record.time, record.level, record.message) == (time, level, message)


def test_lines_that_are_not_logfmt_records_continue_the_one_before():
    assert parse_logfmt_line("just words = here") is None
    assert parse_logfmt_line("a=1 b=2") is None  # pairs, but no time and no level
    assert parse_logfmt_line('level=error msg="escaped \\"quote\\" kept"').message == \
        'escaped "quote" kept'


def test_real_operator_logs():
    path = (CORPUS / "realworld/kubernetes/insights-archive-sample/conditional/namespaces/"
            "openshift-monitoring/pods/alertmanager-main-0/containers/alertmanager/logs/"
            "last-50-lines.log")
    if not path.exists():
        pytest.skip("corpus absent")
    lines = path.read_text().splitlines()
    log = detect(lines)
    records = [log.parse(line) for line in lines]
    assert log.name == "logfmt" and all(records)
    # The answer: level=error at lines 20-21 (the bogus webhook), warnings at 3, 5, 14, 15.
    assert [n for n, r in enumerate(records, 1) if r.level == "error"][:2] == [20, 21]
    assert {3, 5, 14, 15} <= {n for n, r in enumerate(records, 1) if r.level == "warning"}
