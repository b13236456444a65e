from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect


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
