import json
from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.levels import normalize_level
from tests.corpus import CORPUS


@pytest.mark.timeout(20)
@pytest.mark.parametrize("crafted", [
    "2026-11-17 09:14:01 " + "[" * 50_000,
    "2026-11-17 09:14:01 " + "[a" * 30_000 + "]" * 3,
    "2026-11-17 09:14:01 " + "a." * 100_000 + ":",
    "2026-11-17 09:14:01 " + "1 " * 100_000,
    "{" + '"a":' * 50_000,
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "' + "GET " * 50_000,
    "Nov 17 09:14:01 " + "h" * 200_000,
])
def test_no_catastrophic_backtracking_on_crafted_lines(crafted):
    for log_format in (detect([crafted]), detect(["2026-11-17 09:14:01 INFO x"] * 3),
                       detect(["Nov 17 09:14:01 host app[1]: x"] * 3)):
        record = log_format.parse(crafted)
        if record is not None:
            assert len(record.message) <= len(crafted)


IIS_LOG = """\
#Software: Microsoft Internet Information Services 10.0
#Version: 1.0
#Date: 2026-11-17 09:00:00
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
2026-11-17 09:00:01 10.0.0.5 GET /api/orders/17 page=2 443 - 10.0.0.31 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 41
2026-11-17 09:00:02 10.0.0.5 POST /api/orders - 443 alice 10.0.0.32 Mozilla/5.0+(Windows+NT+10.0) - 502 3 12030 30012
2026-11-17 09:00:03 10.0.0.5 GET /api/orders/18 - 443 - 10.0.0.31 Mozilla/5.0+(Windows+NT+10.0) - 404 0 2 7
"""  # noqa: E501  (IIS writes one long #Fields line)


def test_iis_w3c_logs_are_read_from_their_fields_directive():
    lines = IIS_LOG.splitlines()
    log = detect(lines)
    assert log.name == "w3c"
    records = [log.parse(line) for line in lines]
    assert [r.level for r in records] == [None, None, None, None, "info", "error", "warning"]
    assert records[3].message.startswith("#Fields: date time")
    assert records[5].message == "10.0.0.32 POST /api/orders 502 30012 ms"
    assert records[4].message == "10.0.0.31 GET /api/orders/17?page=2 200 41 ms"
    assert records[5].time == datetime(2026, 11, 17, 9, 0, 2, tzinfo=UTC)
    # The same line shape with another status is another level (the status is a variant).
    layout = log.layout(lines[4])
    assert lines[4][layout.variant_start:layout.variant_end] == "200"


def test_w3c_fields_without_a_status_still_read():
    # Found by mutating IIS_LOG: a #Fields directive without sc-status crashed the layout.
    lines = ["#Fields: date time c-ip cs-method cs-uri-stem time-taken",
             "2026-11-17 09:00:01 10.0.0.31 GET /health 3"] * 3
    log = detect(lines)
    assert log.name == "w3c"
    assert log.parse(lines[1]).message == "10.0.0.31 GET /health 3 ms"
    assert log.layout(lines[1]).level is None


def _records(lines, **kwargs):
    log = detect(lines, **kwargs)
    return log, [log.parse(line) for line in lines]


def test_icinga_matches_filebeats_golden_parse():
    """Filebeat's expected events: one per record (a multi-line one continued), ``@timestamp``
    in UTC, the level and the message."""
    folder = CORPUS / "realworld/logs/beats/icinga-main"
    if not folder.exists():
        pytest.skip("corpus absent")
    lines = (folder / "test.log").read_text().splitlines()
    expected = json.loads((folder / "test.log-expected.json").read_text())
    _, records = _records(lines)
    events = [r for r in records if r is not None]
    assert len(events) == len(expected)
    for record, event in zip(events, expected, strict=True):
        assert record.time.isoformat().replace("+00:00", ".000Z") == event["@timestamp"]
        assert record.zone_known
        assert record.level == normalize_level(event["icinga.main.severity"])
        assert event["icinga.main.message"].startswith(record.message)
    # the multi-line event: its second line continues it
    assert records[2] is None and "multiline" in expected[1]["log.flags"]


@pytest.mark.parametrize(("lines", "times", "levels", "messages"), [
    # MySQL 5.0/5.1: two-digit year, the hour padded with a space, InnoDB glued to the time
    (["080721  3:04:00 [Warning] option 'log_slow_rate_limit': unsigned value 0 adjusted",
      "080721 03:03:57  mysqld started",
      "091119 22:27:11InnoDB: Error: cannot find a free slot for an undo log",
      "InnoDB: many active transactions running concurrently?"],
     [datetime(2008, 7, 21, 3, 4, tzinfo=UTC), datetime(2008, 7, 21, 3, 3, 57, tzinfo=UTC),
      datetime(2009, 11, 19, 22, 27, 11, tzinfo=UTC), None],
     ["warning", None, "error", None],
     ["option 'log_slow_rate_limit': unsigned value 0 adjusted", "mysqld started",
      "InnoDB: Error: cannot find a free slot for an undo log", None]),
    # MySQL 5.7 and 8.0 (Percona XtraDB Cluster, the same file after an upgrade)
    (["2023-03-12T07:24:13.733958Z 0 [Note] /usr/sbin/mysqld (mysqld 5.7.40) starting",
      "2023-03-12T09:55:30.928545Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld "
      "8.0.28-19.1) starting as process 1744553",
      "2023-03-12T10:03:03.157601Z 0 [ERROR] [MY-010119] [Server] Aborting"],
     [datetime(2023, 3, 12, 7, 24, 13, 733958, UTC), datetime(2023, 3, 12, 9, 55, 30, 928545, UTC),
      datetime(2023, 3, 12, 10, 3, 3, 157601, UTC)],
     ["info", "info", "error"],
     ["/usr/sbin/mysqld (mysqld 5.7.40) starting",
      "/usr/sbin/mysqld (mysqld 8.0.28-19.1) starting as process 1744553", "Aborting"]),
    # Kafka's log4j with a bracketed time, Elasticsearch's padded level
    (["[2016-12-19 19:27:47,123] ERROR [KafkaServer id=1] Fatal error during KafkaServer "
      "startup. Prepare to shutdown (kafka.server.KafkaServer)",
      "[2018-05-17T08:19:35,939][INFO ][o.e.n.Node               ] [vWNJsZ3] started"],
     [datetime(2016, 12, 19, 19, 27, 47, 123000, UTC), datetime(2018, 5, 17, 8, 19, 35, 939000,
                                                               UTC)],
     ["error", "info"],
     [None, "started"]),
    # Monolog/Laravel, Python's %(asctime)s - %(name)s - %(levelname)s, OpenStack oslo.log
    (["[2019-02-25 10:00:00] local.ERROR: SQLSTATE[HY000] [2002] Connection refused",
      "2019-02-25 10:00:01,120 - billing - WARNING - retrying",
      "2019-02-25 10:00:02.123 4242 ERROR nova.compute.manager [req-7 - - -] Instance failed"],
     [datetime(2019, 2, 25, 10, 0, tzinfo=UTC), datetime(2019, 2, 25, 10, 0, 1, 120000, UTC),
      datetime(2019, 2, 25, 10, 0, 2, 123000, UTC)],
     ["error", "warning", "error"],
     ["SQLSTATE[HY000] [2002] Connection refused", "retrying", "[req-7 - - -] Instance failed"]),
    # Proxifier-style [MM.DD HH:MM:SS], no level written
    (["[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy"],
     [datetime(2026, 10, 30, 16, 49, 6, tzinfo=UTC)], [None], [None]),
])
def test_timestamp_first_dialects(lines, times, levels, messages):
    _, records = _records(lines, default_year=2026)
    assert [r.time if r else None for r in records] == times
    assert [r.level if r else None for r in records] == levels
    for record, message in zip(records, messages, strict=True):
        if message is not None:
            assert record.message == message


def test_a_level_word_is_read_only_where_a_header_puts_it():
    lines = ["2026-11-17 09:14:01 host1 app ERROR disk quota exceeded",
             "2026-11-17 09:14:02 job 7 finished: no ERROR found in 3 files",
             "2026-11-17 09:14:03 an error occurred while reading"]
    _, records = _records(lines)
    assert [r.level for r in records] == ["error", None, None]
