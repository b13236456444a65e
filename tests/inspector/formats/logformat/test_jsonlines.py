import gzip
from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.jsonlines import json_time
from tests.corpus import CORPUS


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-11-17T09:14:01+01:00", datetime(2026, 11, 17, 8, 14, 1, tzinfo=UTC)),
    (1794906000, datetime(2026, 11, 17, 9, 0, tzinfo=UTC)),
    (1794906000500, datetime(2026, 11, 17, 9, 0, 0, 500000, tzinfo=UTC)),
    ("nonsense", None),
    (True, None),
])
def test_json_time_values(value, expected):
    found = json_time(value)
    assert (found[0] if found else None) == expected


def test_docker_json_file_lines_take_the_level_of_the_wrapped_line():
    line = ('{"log":"2026-11-17 09:30:01.120 ERROR 1 --- [main] c.a.Api : refused\\n",'
            '"stream":"stdout","time":"2026-11-17T09:30:01.123456789Z"}')
    log = detect([line] * 3)
    record = log.parse(line)
    assert log.name == "json" and record.level == "error"
    assert record.message.endswith(": refused")


def test_journalctl_json_reads_the_realtime_timestamp_and_the_priority():
    line = ('{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1643967772123456",'
            '"PRIORITY":"3","SYSLOG_IDENTIFIER":"backup","MESSAGE":"dump of orders failed"}')
    log = detect([line] * 3)
    record = log.parse(line)
    assert log.name == "json"
    assert record.time == datetime(2022, 2, 4, 9, 42, 52, 123456, UTC)
    assert (record.level, record.logger, record.message) == ("error", "backup",
                                                             "dump of orders failed")
    wrapped = line.replace('"dump of orders failed"',
                           '"W0204 09:42:52.000000    7 x.go:1] slow"').replace('"3"', '"6"')
    assert detect([wrapped] * 3).parse(wrapped).level == "warning"  # its own header wins


def test_mongodb_json_logs_read_their_letter_severity():
    line = ('{"t":{"$date":"2020-05-20T19:18:40.604+00:00"},"s":"E","c":"NETWORK",'
            '"id":23285,"ctx":"conn12","msg":"Error receiving request from client"}')
    record = detect([line] * 3).parse(line)
    assert record.time == datetime(2020, 5, 20, 19, 18, 40, 604000, UTC)
    assert (record.level, record.logger) == ("error", "NETWORK")
    assert detect([line.replace('"E"', '"D2"')]).parse(line.replace('"E"', '"D2"')).level == \
        "debug"


def test_cloudnativepg_records_take_postgresql_severity_not_the_operators():
    path = CORPUS / "realworld/db/postgresql/cnpg.log.gz"
    if not path.exists():
        pytest.skip("corpus absent")
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    log = detect(lines[:200])
    records = [log.parse(line) for line in lines]
    levels = {r.level for r in records}
    # The outer "level" is always "info"; PostgreSQL's LOG, ERROR and FATAL say more.
    assert sum(r.level == "error" for r in records) == 5  # 4 ERROR + 1 FATAL
    assert levels <= {"info", "error"}
    assert all(r.message != "record" for r in records)
