import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.logformat import (
    MAX_HEADER,
    TIME_FORMATS,
    TimeReader,
    detect,
    digit_blind,
    from_micros,
    json_time,
    normalize_level,
    rotation_key,
    stitch_order,
    to_micros,
)
from inspector.formats.templates import shape

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
     datetime(2026, 11, 17, 9, 14, 1, 123456, UTC), True, "error", "ERROR boom"),
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
    ("2026-11-17 09:14:01 CET [3029]: db=x LOG:  connection received", "timestamp-first",
     datetime(2026, 11, 17, 8, 14, 1, tzinfo=UTC), True, None, None),
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


def test_syslog_year_rolls_over_in_january():
    time_format = next(f for f in TIME_FORMATS if f.name == "syslog")
    reader = TimeReader(time_format, 2025)
    regex = time_format.compiled()
    december = reader.read(regex.match("Dec 31 23:59:59"))
    january = reader.read(regex.match("Jan  1 00:00:01"))
    assert december[0].year == 2025 and january[0].year == 2026
    assert january[0] - december[0] == timedelta(seconds=2)


SYSLOG = next(f for f in TIME_FORMATS if f.name == "syslog")
MONTH_DAY = next(f for f in TIME_FORMATS if f.name == "month-day")


def read_years(time_format, texts, anchor, default_year=2030):
    """The times a fresh reader gives ``texts`` in order, and what placed their year."""
    reader = TimeReader(time_format, default_year, anchor=anchor)
    regex = time_format.compiled()
    times = [reader.read(regex.match(text)) for text in texts]
    return [t[0] if t else None for t in times], reader.year_source


@pytest.mark.parametrize(("texts", "anchor", "expected"), [
    # Collected on 2 January: the December lines were written the year before.
    (["Dec 29 06:14:01", "Dec 31 18:44:01"], datetime(2026, 1, 2, 6, 25, 3, tzinfo=UTC),
     [datetime(2025, 12, 29, 6, 14, 1, tzinfo=UTC), datetime(2025, 12, 31, 18, 44, 1, tzinfo=UTC)]),
    # Spanning New Year, modified in January: December in 2025, January in 2026.
    (["Dec 31 23:59:58", "Jan  1 00:00:03", "Jan  1 06:25:01"],
     datetime(2026, 1, 1, 6, 25, 2, tzinfo=UTC),
     [datetime(2025, 12, 31, 23, 59, 58, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 3, tzinfo=UTC),
      datetime(2026, 1, 1, 6, 25, 1, tzinfo=UTC)]),
    # The usual case: written in the days before the collection, same year.
    (["Nov 17 09:14:01"], datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
     [datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC)]),
    # A log in local time ahead of UTC runs up to a day past its UTC mtime: same year.
    (["Nov 18 08:59:59"], datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
     [datetime(2026, 11, 18, 8, 59, 59, tzinfo=UTC)]),
    # More than a day after the mtime: it was written last year (a year-old file).
    (["Nov 18 09:00:01"], datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
     [datetime(2025, 11, 18, 9, 0, 1, tzinfo=UTC)]),
    # An anchor given in another zone is compared in UTC (08:00 in Tokyo is 23:00 UTC).
    (["Jan  2 23:30:00"], datetime(2026, 1, 2, 8, 0, tzinfo=timezone(timedelta(hours=9))),
     [datetime(2025, 1, 2, 23, 30, tzinfo=UTC)]),
    # Modified on 31 December: every date of that year is at most a day later.
    (["Dec 31 23:10:00"], datetime(2026, 12, 31, 22, 0, tzinfo=UTC),
     [datetime(2026, 12, 31, 23, 10, tzinfo=UTC)]),
])
def test_yearless_syslog_is_placed_on_the_file_modification_time(texts, anchor, expected):
    assert read_years(SYSLOG, texts, anchor) == (expected, "anchor")


def test_without_an_anchor_the_default_year_starts_the_file():
    times, source = read_years(SYSLOG, ["Dec 31 23:59:58", "Jan  1 00:00:03"], None, 2026)
    assert [t.year for t in times] == [2026, 2027] and source == "default"
    # A year written in the line is never second-guessed, and no year was chosen.
    times, source = read_years(SYSLOG, ["Dec 31 2024 23:59:58"],
                               datetime(2026, 1, 2, tzinfo=UTC))
    assert times == [datetime(2024, 12, 31, 23, 59, 58, tzinfo=UTC)] and source is None


def test_android_month_day_times_use_the_anchor_and_ignore_impossible_months():
    # Android logcat ``MM-DD``: the same rule. A garbage month must not move the year.
    times, source = read_years(MONTH_DAY, ["12-30 23:10:00.120", "13-01 00:00:00.000",
                                           "01-02 08:00:00.000"],
                               datetime(2026, 1, 2, 9, 0, tzinfo=UTC))
    assert times == [datetime(2025, 12, 30, 23, 10, 0, 120000, tzinfo=UTC), None,
                     datetime(2026, 1, 2, 8, 0, tzinfo=UTC)]
    assert source == "anchor"


def test_detect_passes_the_anchor_to_the_format_it_returns():
    lines = [f"Dec 31 {hour:02d}:14:01 web-01 systemd[1]: Started Session {hour}."
             for hour in range(20, 24)]
    log_format = detect(lines, default_year=2030, anchor=datetime(2026, 1, 2, tzinfo=UTC))
    assert log_format.name == "syslog" and log_format.year_source == "anchor"
    assert log_format.parse(lines[0]).time == datetime(2025, 12, 31, 20, 14, 1, tzinfo=UTC)
    plain = detect(["2026-11-17 09:14:01,233 ERROR [main] c.a.Pool - timeout"],
                   anchor=datetime(2026, 1, 2, tzinfo=UTC))
    assert plain.year_source is None


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


def test_levels_are_normalized():
    assert [normalize_level(w) for w in ("TRACE", "Debug", "information", "[warn]", "ERR",
                                         "Fatal", "emerg", "nonsense", None)] == \
        ["trace", "debug", "info", "warning", "error", "critical", "critical", None, None]


def test_rotated_files_are_stitched_oldest_first():
    paths = ["x/app.log", "x/app.log.10.gz", "x/app.log.2.gz", "x/app.log.1",
             "x/app-2026-11-16.log", "x/other.log"]
    groups = stitch_order(paths)
    assert ["x/app.log.10.gz", "x/app.log.2.gz", "x/app.log.1", "x/app.log"] in groups
    assert rotation_key("app.log.2.gz") == ("app.log", (-2, ""))


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


def test_time_zone_names_are_applied():
    log_format = detect(["2019-10-21 12:03:31.311 MSK [5133] LOG:  duration: 0.007 ms"])
    record = log_format.parse("2019-10-21 12:03:31.311 MSK [5133] LOG:  duration: 0.007 ms")
    assert record.time == datetime(2019, 10, 21, 12, 3, 31, 311000,
                                   timezone(timedelta(hours=3))).astimezone(UTC)


def test_digit_blind_formats_are_the_memoizable_ones():
    assert [f.name for f in TIME_FORMATS if not digit_blind(f.pattern)] == ["epoch-millis",
                                                                          "epoch"]
    assert detect(["2026-11-17 09:14:01,233 INFO [main] c.a.B - ok"]).memoizable
    assert detect(["1763370000 INFO [main] c.a.B - ok"]).memoizable is False  # "1\d{9}"
    assert detect(['{"time": "2026-11-17T09:14:01Z", "msg": "ok"}']).memoizable is False
    assert digit_blind(r"[^\d]\W\s\S") and not digit_blind(r"(\d)\1")


def test_micros_round_trip_exactly():
    moment = datetime(2026, 11, 17, 9, 14, 1, 999999, UTC)
    assert from_micros(to_micros(moment)) == moment
    assert from_micros(-1) == datetime(1969, 12, 31, 23, 59, 59, 999999, UTC)


# Timestamp renderings, one per time format the header grammar sees in practice.
_STAMPS = [
    lambda r: (f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
               f"{r.choice(' T')}{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
               f"{r.randint(0, 60):02d}{r.choice(['', ',', '.'])}{r.randint(0, 10**9)}"
               f"{r.choice(['', '', 'Z', ' +0200', '-05:00', ' UTC', ' CEST'])}"),
    lambda r: f"2026/11/{r.randint(10, 31):02d} 09:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
    lambda r: f"Nov {r.randint(1, 30):>2} 09:14:{r.randint(0, 59):02d}",
    lambda r: f"{r.randint(10, 28)}-Nov-2026 09:14:{r.randint(0, 59):02d}.{r.randint(0, 999)}",
    lambda r: f"2611{r.randint(10, 28)} 0914{r.randint(10, 59)}",
    lambda r: f"11-{r.randint(10, 28)} 09:14:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}",
]
_HEADER = st.sampled_from([
    " INFO", " WARN ", " ERROR", " [main]", " [exec-12]", " [a[b]c]", " 1234", " 12#3:",
    " -", " |", " :", " c.a.Pool", " com.acme.Pool:", " - ", " ERROR:", " error", " [WARN]",
    " [app:ERROR]", " x.y[12] -", " Pool", " failed 42 times", " 0x1f", " 3.5 s", "(", ")",
])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_STAMPS), st.lists(st.lists(_HEADER, max_size=8), min_size=1,
                                           max_size=12), st.randoms(use_true_random=False))
def test_layout_gives_exactly_what_parse_gives(stamp, headers, rng):
    lines = [rng.choice(["", "[", "<13>"]) + stamp(rng) + "".join(parts) for parts in headers]
    lines += ["\tat a.b.C(C.java:1)", "Caused by: x.Y: z", ""]
    log_format = detect(lines, 2026)
    if not log_format.memoizable:
        return
    for line in lines:
        assert len(line) <= MAX_HEADER
        record, layout = log_format.parse(line), log_format.layout(line)
        assert (record is None) == (layout is None), line
        if record is None:
            continue
        assert (layout.level, line[layout.message_start:]) == (record.level, record.message)
        if log_format.has_time:
            read = log_format.read_time(line, layout.time_key(line))
            time = None if read is None else from_micros(read[0] + layout.fraction(line))
            assert (time, read is not None and read[1]) == (record.time, record.zone_known)
        # Any line of the same shape has the same layout.
        twin = "".join(rng.choice("0123456789") if c.isdigit() and c.isascii() else c
                       for c in line)
        assert shape(twin) == shape(line)
        twin_layout = log_format.layout(twin)
        if layout.variant_start >= 0 and (twin[layout.variant_start:layout.variant_end]
                                          != line[layout.variant_start:layout.variant_end]):
            # The level depends on these digits (a syslog priority): only the rest holds.
            twin_layout = dataclasses.replace(twin_layout, level=layout.level)
        assert twin_layout == layout


def test_a_zone_a_day_or_more_from_utc_is_no_time():
    # "+9959" after a mutated byte: datetime refuses such an offset; the line keeps no time.
    log = detect(["2026-11-17T09:14:01.000+01:00 INFO ready"] * 5)
    assert log.parse("2026-11-17T09:14:01.000+01:00 INFO ready").time is not None
    record = log.parse("2026-11-17T09:14:01.000+99:59 INFO ready")
    assert record is None or record.time is None


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


def test_docker_json_file_lines_take_the_level_of_the_wrapped_line():
    line = ('{"log":"2026-11-17 09:30:01.120 ERROR 1 --- [main] c.a.Api : refused\\n",'
            '"stream":"stdout","time":"2026-11-17T09:30:01.123456789Z"}')
    log = detect([line] * 3)
    record = log.parse(line)
    assert log.name == "json" and record.level == "error"
    assert record.message.endswith(": refused")


def test_w3c_fields_without_a_status_still_read():
    # Found by mutating IIS_LOG: a #Fields directive without sc-status crashed the layout.
    lines = ["#Fields: date time c-ip cs-method cs-uri-stem time-taken",
             "2026-11-17 09:00:01 10.0.0.31 GET /health 3"] * 3
    log = detect(lines)
    assert log.name == "w3c"
    assert log.parse(lines[1]).message == "10.0.0.31 GET /health 3 ms"
    assert log.layout(lines[1]).level is None
