from datetime import UTC, datetime, timedelta, timezone

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.times import TIME_FORMATS, TimeReader, from_micros, to_micros


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


def test_time_zone_names_are_applied():
    log_format = detect(["2019-10-21 12:03:31.311 MSK [5133] LOG:  duration: 0.007 ms"])
    record = log_format.parse("2019-10-21 12:03:31.311 MSK [5133] LOG:  duration: 0.007 ms")
    assert record.time == datetime(2019, 10, 21, 12, 3, 31, 311000,
                                   timezone(timedelta(hours=3))).astimezone(UTC)


def test_micros_round_trip_exactly():
    moment = datetime(2026, 11, 17, 9, 14, 1, 999999, UTC)
    assert from_micros(to_micros(moment)) == moment
    assert from_micros(-1) == datetime(1969, 12, 31, 23, 59, 59, 999999, UTC)


def test_a_zone_a_day_or_more_from_utc_is_no_time():
    # "+9959" after a mutated byte: datetime refuses such an offset; the line keeps no time.
    log = detect(["2026-11-17T09:14:01.000+01:00 INFO ready"] * 5)
    assert log.parse("2026-11-17T09:14:01.000+01:00 INFO ready").time is not None
    record = log.parse("2026-11-17T09:14:01.000+99:59 INFO ready")
    assert record is not None and record.time is None and record.message == "ready"


def test_the_reader_counts_the_offsets_timestamps_write():
    iso = next(f for f in TIME_FORMATS if f.name == "iso")
    reader = TimeReader(iso, 2026)
    for text in ("2026-11-17 09:00:00+0100", "2026-11-17 09:00:01+0100",
                 "2026-11-17 09:00:01+0100", "2026-11-17 09:00:02Z", "2026-11-17 09:00:03"):
        reader.read(iso.compiled().match(text))
    assert dict(reader.offsets) == {60: 2, 0: 1}  # once per distinct timestamp
