import io

import pytest

import analyzers.logs.reader
from analyzers.logs.reader import LineReader
from inspector.formats.templates import shape
from tests.analyzers.logs.sample_logs import analyze


def test_bad_input_is_survived_and_reported():
    long_line = b"2026-11-17 08:00:02,000 ERROR [x] c.a.B - " + b"A" * (10 * 1024 * 1024) + b"\n"
    data = (b"2026-11-17 08:00:01,000 INFO [x] c.a.B - caf\xe9 ok\n" + long_line
            + b"\x00\x01\x02binary\x00junk\n" + b"\x00" + bytes(range(11, 256)) + b"\n"
            + b"2026-11-17 08:00:03,000 INFO [x] c.a.B - still reading\n")
    run = analyze(data)
    assert run.stats["lines"] == 5
    assert run.stats["invalid_utf8_lines"] == 1
    assert run.stats["binary_lines"] == 2
    assert run.stats["long_lines"] == 1
    assert len(run.context.warnings) == 3
    assert run.stats["levels"]["info"] == 2


@pytest.mark.parametrize("block", [7, 61, 1 << 19])
def test_lines_keep_their_numbers_and_shapes_across_blocks(block):
    data = b"a 12\r\nb\xff 3\n\x00skip\n\nlast 45"
    reader = LineReader()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs.reader, "BLOCK", block)
        runs = list(reader.blocks(io.BytesIO(data)))
    numbered = [(number + offset + 1, line, line_shape) for number, lines, shapes in runs
                for offset, (line, line_shape) in enumerate(zip(lines, shapes, strict=True))]
    assert numbered == [(1, "a 12", "a 00"), (2, "b\ufffd 3", shape("b\ufffd 3")),
                        (4, "", ""), (5, "last 45", "last 00")]
    assert reader.lines == 5
    assert reader.problems == {"invalid_utf8_lines": 1, "binary_lines": 1, "long_lines": 0}
