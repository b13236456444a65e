"""PostgreSQL, Redis, MongoDB and HAProxy logs, from the corpus where it has them."""

from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.servers import postgres_level
from tests.corpus import CORPUS

BEATS = CORPUS / "realworld/logs/beats"


def test_postgres_stderr_levels_and_companions():
    lines = ["2026-11-17 09:14:01.100 UTC [4242] app@shop ERROR:  deadlock detected",
             "2026-11-17 09:14:01.100 UTC [4242] app@shop DETAIL:  Process 4242 waits",
             "2026-11-17 09:14:02.000 UTC [4300] app@shop FATAL:  too many clients already",
             "2026-11-17 09:15:00.000 UTC [1] LOG:  database system is shut down",
             "2026-11-17 09:15:01.000 UTC [7] PANIC:  could not write to file"]
    log = detect(lines)
    records = [log.parse(line) for line in lines]
    assert log.name == "postgres"
    assert records[1] is None  # DETAIL continues the ERROR
    assert [r.level for r in records if r] == ["error", "error", "info", "critical"]
    assert records[0].time == datetime(2026, 11, 17, 9, 14, 1, 100000, UTC)
    assert records[0].message == "deadlock detected"
    assert postgres_level("DEBUG3") == "debug"


def test_postgres_csvlog_reads_error_severity():
    path = CORPUS / "pglog/anonymize.log"
    if not path.exists():
        pytest.skip("corpus absent")
    lines = path.read_text().splitlines()
    log = detect(lines)
    assert log.name == "postgres-csv"
    records = [log.parse(line) for line in lines]
    assert records[0].time == datetime(2021, 1, 22, 9, 3, 22, 785000, UTC)  # CET
    assert {r.level for r in records if r} <= {"info", "error", "warning"}


def test_redis_dialects_match_filebeats_golden_parse():
    # Four dialects in one file: pid:role, old [pid], none, signal-handler.
    path = BEATS / "redis-log/test.log"
    if not path.exists():
        pytest.skip("corpus absent")
    lines = path.read_text().splitlines()
    log = detect(lines, default_year=2017)
    records = [log.parse(line) for line in lines]
    assert log.name == "redis"
    assert [r.level for r in records] == ["info", "debug", "info", None]  # notice, debug
    assert [r.message for r in records] == [
        "Saving the final RDB snapshot before exiting.",
        "0 clients connected (0 slaves), 618932 bytes in use, 0 shared objects.",
        'The server is now ready to accept connections on port 6379"',
        "Received SIGINT scheduling shutdown..."]
    assert records[0].time == datetime(2017, 5, 30, 12, 23, 52, 442000, UTC)
    assert records[3].time == datetime(2017, 5, 30, 10, 57, 24, tzinfo=UTC)  # its epoch
    written = (BEATS / "redis-log/redis-5.0.3.log").read_text().splitlines()
    record = detect(written).parse(written[0])
    assert record.time == datetime(2018, 12, 27, 11, 19, 18, 874000, UTC)  # the line's year


def test_mongodb_text_logs():
    path = BEATS / "mongodb-log/mongodb-debian-3.2.11.log"
    if not path.exists():
        pytest.skip("corpus absent")
    lines = path.read_text().splitlines()
    log = detect(lines)
    records = [log.parse(line) for line in lines]
    assert log.name == "mongodb" and all(records)
    assert records[0].time == datetime(2018, 2, 5, 12, 44, 56, 657000, UTC)  # +0100
    assert (records[0].level, records[0].logger) == ("info", "CONTROL")
    # The answer: the only E lines are 36-37.
    assert [n for n, r in enumerate(records, 1) if r.level == "error"] == [36, 37]


@pytest.mark.parametrize(("status", "level"), [("200", "info"), ("404", "warning"),
                                                ("503", "error")])
def test_haproxy_http_logs_take_the_status_as_level(status, level):
    line = (f"Feb  4 09:42:52 lb-01 haproxy[1234]: 10.0.0.7:51234 [04/Feb/2022:09:42:52.123] "
            f"www api/app-2 0/0/1/12/13 {status} 512 - - ---- 3/3/0/0/0 0/0 "
            '"GET /orders HTTP/1.1"')
    started = "Feb  4 09:40:00 lb-01 haproxy[1234]: Proxy www started."
    log = detect([line, line, started])
    assert log.name == "haproxy"
    assert log.parse(line).level == level
    assert log.parse(started).level is None
