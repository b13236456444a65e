from datetime import UTC, datetime

import pytest

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.jsonlines import json_time


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
