import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analyzers.logs.shapes
from tests.analyzers.logs.sample_logs import START, analyze, app_log, outcome, slow_outcome


def test_shape_table_is_bounded_and_the_rest_still_counts():
    data = app_log(minutes=5, per_minute=40)
    expected = analyze(data).stats
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs.shapes, "MAX_SHAPES", 3)
        assert analyze(data).stats == expected


def _other_format_line(log_format: str, moment: datetime, rng: random.Random) -> str:
    number = rng.randint(0, 10 ** rng.randint(1, 6))
    message = rng.choice([f"job {number} done", "Connection refused", f"oom 0x{number:x}",
                          f"ERROR disk {number % 3} full", "Starting app v2 on port 80"])
    if log_format == "syslog":
        priority = rng.choice(["", f"<{rng.randint(0, 191)}>"])
        return (f"{priority}{moment:%b} {moment.day:>2} {moment:%H:%M:%S} host{number % 3} "
                f"app[{number}]: {message}")
    if log_format == "cri":
        return (f"{moment:%Y-%m-%dT%H:%M:%S.%f}Z {rng.choice(['stdout', 'stderr'])} "
                f"{rng.choice('FP')} {message}")
    if log_format == "w3c":
        if rng.random() < 0.05:  # IIS writes its directives again after a restart
            return f"#Date: {moment:%Y-%m-%d %H:%M:%S}\n{_W3C_FIELDS}"
        return (f"{moment:%Y-%m-%d %H:%M:%S} 10.0.0.5 GET /api/{number} - 443 - "
                f"10.0.{number % 256}.{rng.randint(0, 255)} {message.replace(' ', '+')} "
                f"{rng.choice([200, 200, 301, 404, 502, 503])} 0 0 {number}")
    return (f"10.0.{number % 256}.{rng.randint(0, 255)} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "
            f'"GET /api/{number} HTTP/1.1" {rng.choice([200, 200, 301, 404, 502, 503])} '
            f'{number} "-" "{message}"')


_W3C_FIELDS = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
               "cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status "
               "time-taken")


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["syslog", "cri", "access", "w3c"]), st.integers(1, 150),
       st.randoms(use_true_random=False))
def test_fast_path_of_formats_with_rebuilt_levels_and_messages(log_format, count, rng):
    moment = START
    lines = [_W3C_FIELDS] if log_format == "w3c" else []
    for _ in range(count):
        moment += timedelta(seconds=rng.choice([0, 1, 30, 400]))
        lines.append(_other_format_line(log_format, moment, rng))
    data = ("\n".join(lines) + "\n").encode()
    fast = outcome(data)
    assert fast[2]["format"] == log_format
    assert slow_outcome(data) == fast
