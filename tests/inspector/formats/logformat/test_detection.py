from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect

CASES = [
    # (line, format name, UTC time, zone known, level, message)
    ("2026-11-17 09:14:01,233 ERROR [main] com.acme.Pool - pool exhausted", "timestamp-first",
     datetime(2026, 11, 17, 9, 14, 1, 233000, UTC), False, "error", "pool exhausted"),
    ("2026-11-17T09:14:01.5+02:00 WARN  [worker-3] c.a.Job: slow", "timestamp-first",
     datetime(2026, 11, 17, 7, 14, 1, 500000, UTC), True, "warning", "slow"),
    ("2026-11-17 09:14:01,233 - myapp.db - ERROR - failed", "timestamp-first",
     datetime(2026, 11, 17, 9, 14, 1, 233000, UTC), False, "error", "failed"),
    ("ERROR:myapp.db:connection lost", "python-default", None, False, "error",
     "connection lost"),
    ("<34>1 2003-10-11T22:14:15.003Z host su - ID47 - 'su root' failed", "syslog",
     datetime(2003, 10, 11, 22, 14, 15, 3000, UTC), True, "critical", "'su root' failed"),
    ("Nov 17 09:14:01 web1 kernel: Out of memory: Killed process 1234 (java)", "syslog",
     datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC), False, None,
     "Out of memory: Killed process 1234 (java)"),
    ('10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 502 12 "-" "curl"',
     "access", datetime(2000, 10, 10, 20, 55, 36, tzinfo=UTC), True, "error", None),
    ("2026/11/17 09:14:01 [error] 12#0: *5 upstream timed out", "nginx-error",
     datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC), False, "error", "upstream timed out"),
    ("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok", "timestamp-first",
     datetime(2005, 12, 4, 4, 47, 44, tzinfo=UTC), False, "info", "workerEnv.init() ok"),
    ("[Wed Oct 11 14:32:52.123 2000] [core:error] [pid 35708:tid 4328] [client 1.2.3.4] "
     "File does not exist", "timestamp-first",
     datetime(2000, 10, 11, 14, 32, 52, 123000, UTC), False, "error", "File does not exist"),
    ("2026-11-17T09:14:01.123456789Z stderr F ERROR boom", "cri",
     datetime(2026, 11, 17, 9, 14, 1, 123456, UTC), True, "error", "boom"),
    ('{"@timestamp":"2026-11-17T09:14:01Z","log":{"level":"ERROR"},"message":"x failed"}',
     "json", datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC), True, "error", "x failed"),
    ('{"time":1794906000123,"level":50,"msg":"pino error"}', "json",
     datetime(2026, 11, 17, 9, 0, 0, 123000, UTC), True, "error", "pino error"),
    ("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating",
     "timestamp-first", datetime(2008, 11, 9, 20, 36, 15, tzinfo=UTC), False, "info",
     "PacketResponder 1 terminating"),
    ("17/06/09 20:10:40 INFO executor.Backend: Registered signal handlers", "timestamp-first",
     datetime(2017, 6, 9, 20, 10, 40, tzinfo=UTC), False, "info",
     "Registered signal handlers"),
    ("2026-11-17 09:14:01.120  INFO 4242 --- [main] c.a.r.App : Started App in 5.1 seconds",
     "timestamp-first", datetime(2026, 11, 17, 9, 14, 1, 120000, UTC), False, "info",
     "Started App in 5.1 seconds"),
    ("2026-11-17 09:14:01 CET [3029]: db=x LOG:  connection received", "postgres",
     datetime(2026, 11, 17, 8, 14, 1, tzinfo=UTC), True, "info", "connection received"),
    ("17-Nov-2026 09:14:01.233 SEVERE [main] org.apache.catalina.Start failed",
     "timestamp-first", datetime(2026, 11, 17, 9, 14, 1, 233000, UTC), False, "error", None),
    ("1794906000.25 kernel: boot", "timestamp-first",
     datetime(2026, 11, 17, 9, 0, 0, 250000, UTC), True, None, None),
]


@pytest.mark.parametrize(("line", "name", "time", "zone_known", "level", "message"), CASES)
def test_detects_format_and_reads_record(line, name, time, zone_known, level, message):
    log_format = detect([line] * 3, default_year=2026)
    assert log_format.name == name
    record = log_format.parse(line)
    assert record is not None
    assert record.time == time
    if time is not None:
        assert record.zone_known is zone_known
    assert record.level == level
    if message is not None:
        assert record.message == message


def test_stack_frames_are_continuations_and_do_not_spoil_detection():
    lines = ["2026-11-17 09:14:01,233 ERROR [main] c.a.Api - failed",
             "java.lang.IllegalStateException: boom",
             *["\tat com.acme.Api.handle(Api.java:7)"] * 10,
             "2026-11-17 09:14:02,000 INFO [main] c.a.Api - ok"]
    log_format = detect(lines)
    assert log_format.name == "timestamp-first"
    assert [log_format.parse(line) is None for line in lines[1:3]] == [True, True]


def test_plain_text_fallback_still_reads_levels():
    log_format = detect(["just some text", "ERROR something broke", "more text"])
    assert log_format.name == "plain"
    assert log_format.parse("ERROR something broke").level == "error"
    assert detect([]).name == "plain"


def test_detect_passes_the_anchor_to_the_format_it_returns():
    lines = [f"Dec 31 {hour:02d}:14:01 web-01 systemd[1]: Started Session {hour}."
             for hour in range(20, 24)]
    log_format = detect(lines, default_year=2030, anchor=datetime(2026, 1, 2, tzinfo=UTC))
    assert log_format.name == "syslog" and log_format.year_source == "anchor"
    assert log_format.parse(lines[0]).time == datetime(2025, 12, 31, 20, 14, 1, tzinfo=UTC)
    plain = detect(["2026-11-17 09:14:01,233 ERROR [main] c.a.Pool - timeout"],
                   anchor=datetime(2026, 1, 2, tzinfo=UTC))
    assert plain.year_source is None


def test_a_file_starting_with_a_timestamp_keeps_it_however_long_its_records():
    """MySQL 5 dumps a long semaphore-wait report under one timestamped warning: two
    timestamped lines in 200, the first of them the file's first line."""
    report = ["--Thread 1594 has waited at btr0sea.c line 1127 for 789.00 seconds the semaphore:",
              "S-lock on RW-latch at 0x2aaab1c37b8 created in file btr0sea.c line 139",
              "a writer (thread id 1538) has reserved it in mode  exclusive",
              "number of readers 0, waiters flag 1",
              "Last time read locked in file btr0sea.c line 746"] * 39
    lines = ["091121 13:17:58InnoDB: Warning: a long semaphore wait:", *report,
             "091121 13:18:30InnoDB: Warning: a long semaphore wait:", *report[:4]]
    log_format = detect(lines, default_year=2030)
    assert log_format.name == "timestamp-first"
    assert log_format.parse(lines[0]).time == datetime(2009, 11, 21, 13, 17, 58, tzinfo=UTC)
    assert log_format.parse(report[0]) is None  # it continues the warning
    # Text that merely mentions two times later on stays text.
    prose = ["Notes from the call", *["the customer restarted the node twice"] * 100,
             "2026-11-17 09:14:01 first restart", "2026-11-17 09:30:00 second restart"]
    assert detect(prose).name == "plain"
