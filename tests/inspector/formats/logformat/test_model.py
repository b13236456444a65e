import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.model import MAX_HEADER
from inspector.formats.logformat.times import from_micros
from inspector.formats.templates import shape


def test_digit_blind_formats_are_the_memoizable_ones():
    assert detect(["2026-11-17 09:14:01,233 INFO [main] c.a.B - ok"]).memoizable
    assert detect(["1763370000 INFO [main] c.a.B - ok"]).memoizable is False  # "1\d{9}"
    assert detect(['{"time": "2026-11-17T09:14:01Z", "msg": "ok"}']).memoizable is False


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
