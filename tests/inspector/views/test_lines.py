"""The lines of a member: checkpoint index, block reads, search, continuation lines, folds."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.views import lines as lines_module
from inspector.views.lines import (
    ContinuationFinder,
    Folds,
    LineIndex,
    LineReader,
    SearchQuery,
    find_line,
    index_lines,
    search_with_wrap,
)
from tests.inspector.views.work import WorkState


def log_lines(count: int) -> list[bytes]:
    levels = ("INFO", "WARN", "ERROR", "DEBUG")
    return [f"2024-05-01 10:{n // 60 % 60:02d}:{n % 60:02d} {levels[n % 4]} request {n} "
            f"{'x' * (n % 97)}\n".encode() for n in range(count)]


def built_index(source) -> LineIndex:
    index = LineIndex()
    result = index_lines(WorkState(), source)
    index.add(result.checkpoints)
    index.lines, index.done = result.lines, result.done
    return index


def all_checkpoints(source) -> LineIndex:
    """The index as the viewer builds it from every partial result."""
    index = LineIndex()
    state = WorkState(lambda progress: (index.add(progress.checkpoints),
                                        setattr(index, "lines", progress.lines)))
    final = index_lines(state, source)
    index.done = final.done
    return index


@pytest.mark.parametrize("trailing_newline", [True, False])
def test_index_counts_lines_and_checkpoints_point_at_line_starts(member, monkeypatch,
                                                                 trailing_newline):
    monkeypatch.setattr(lines_module, "CHECKPOINT_BYTES", 1000)
    monkeypatch.setattr(lines_module, "READ_CHUNK", 4096)
    lines = log_lines(3000)
    data = b"".join(lines)
    if not trailing_newline:
        data = data[:-1]
    source = member("app.log", data)
    index = all_checkpoints(source)
    assert index.lines == 3000 and index.done
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    assert len(index.offsets) > 100
    for line_number, offset in zip(index.first_lines, index.offsets, strict=True):
        assert starts[line_number] == offset


@settings(max_examples=25, deadline=None)
@given(first=st.integers(0, 2999), count=st.integers(1, 700))
def test_blocks_read_through_checkpoints_are_the_lines(first, count):
    lines = log_lines(3000)
    data = b"".join(lines)
    index = LineIndex()
    offset = 0
    for number, line in enumerate(lines):
        if number % 37 == 0:
            index.add([(number, offset)])
        offset += len(line)
    index.lines = 3000
    reader = LineReader(io.BytesIO(data), index)
    expected = [line.decode().rstrip("\n") for line in lines[first:first + count]]
    assert reader.read(first, count) == expected


def test_offsets_map_to_their_line(member):
    lines = log_lines(2000)
    source = member("app.log", b"".join(lines))
    index = built_index(source)
    offset = sum(len(line) for line in lines[:1234]) + 5
    with source.open() as stream:
        assert LineReader(stream, index).line_at_offset(offset) == 1234


def test_search_plain_regex_case_and_bounds(member):
    source = member("app.log", b"".join(log_lines(5000)))
    index = built_index(source)
    state = WorkState()
    assert find_line(state, source, index, SearchQuery("request 4321 "), 0) == 4321
    assert find_line(state, source, index, SearchQuery("REQUEST 4321 "), 0) == 4321
    assert find_line(state, source, index, SearchQuery("REQUEST 4321 ", match_case=True),
                     0) is None
    assert find_line(state, source, index, SearchQuery(r"request 4\d{3} ", regex=True),
                     100) == 4000
    assert find_line(state, source, index, SearchQuery("ERROR"), 0, 10, last=True) == 6
    assert find_line(state, source, index, SearchQuery("request 4321 "), 0, 4321) is None
    with pytest.raises(re.error):
        SearchQuery("(unclosed", regex=True).compile()


def test_search_wraps_around_both_ways(member):
    source = member("app.log", b"".join(log_lines(3000)))
    index = built_index(source)
    state = WorkState()
    assert search_with_wrap(state, source, index, SearchQuery("request 12 "), 2000,
                            backwards=False) == 12
    assert search_with_wrap(state, source, index, SearchQuery("request 2500 "), 100,
                            backwards=True) == 2500
    assert search_with_wrap(state, source, index, SearchQuery("no such text"), 5,
                            backwards=False) is None


# --- multi-line records ----------------------------------------------------------------------

JAVA_TRACE = [
    "java.lang.IllegalStateException: Connection is not available, request timed out",
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
    "Caused by: java.sql.SQLTransientConnectionException: pool-1 - timeout after 30000ms",
    "\t... 12 more",
]
PYTHON_TRACE = [
    "Traceback (most recent call last):",
    '  File "/srv/app/worker.py", line 88, in handle',
    "    reply = client.fetch(order_id)",
    "TimeoutError: upstream did not answer in 5.0 s",
]


def trace_log(records: int) -> tuple[bytes, list[tuple[int, int]]]:
    """A log4j-style log with Java and Python traces after some records; the expected folds."""
    lines: list[str] = []
    folds = []
    for n in range(records):
        level = "ERROR" if n % 7 == 3 else "INFO"
        lines.append(f"2024-05-01 10:{n // 60 % 60:02d}:{n % 60:02d},{n % 1000:03d} {level} "
                     f"[worker-{n % 4}] c.a.Orders - order {n} handled in {n % 97} ms")
        if n % 7 == 3:
            trace = JAVA_TRACE if n % 2 else PYTHON_TRACE
            folds.append((len(lines) - 1, len(lines) + len(trace) - 1))
            lines.extend(trace)
    return ("\n".join(lines) + "\n").encode(), folds


def folds_of(source) -> tuple[list[tuple[int, int]], str]:
    found: list[tuple[int, int]] = []
    state = WorkState(lambda progress: found.extend(progress.folds))
    final = index_lines(state, source)
    return found, final.log_format


@pytest.mark.parametrize("chunk", [4096, 1024 * 1024])
def test_the_index_finds_every_stack_trace_across_chunks(member, monkeypatch, chunk):
    monkeypatch.setattr(lines_module, "READ_CHUNK", chunk)
    data, expected = trace_log(2000)
    found, log_format = folds_of(member("app.log", data))
    assert log_format == "timestamp-first"
    assert found == expected


def test_a_trace_at_the_end_without_newline_and_plain_text(member):
    data, expected = trace_log(10)
    data += b"2024-05-01 11:00:00,000 ERROR [main] c.a.Orders - crashed\n" + "\n".join(
        JAVA_TRACE).encode()
    lines = data.count(b"\n")
    found, _ = folds_of(member("app.log", data))
    assert found == [*expected, (lines - len(JAVA_TRACE), lines)]
    prose = b"A README.\n    indented, but prose is not a log.\nThe end.\n"
    assert folds_of(member("README.txt", prose)) == ([], "plain")


def test_continuations_agree_with_the_log_formats_parser():
    data, _ = trace_log(300)
    text = data.decode().splitlines()
    finder = ContinuationFinder(text[:200])
    expected = [n for n, line in enumerate(text) if finder.format.parse(line) is None]
    assert finder.continuations(data, 0) == expected
    assert len(expected) > 100


def test_the_screen_is_linear_on_crafted_lines():
    finder = ContinuationFinder(["2024-05-01 10:00:00,001 ERROR boom"] * 3)
    crafted = b"2024-05-01 10:00:00,002 ERROR ok\n" + b"1-" * 500_000 + b"\n" + \
        b"2" * 2_000_000 + b"\n"
    assert finder.continuations(crafted, 0) == [1]  # the 2 MB line is taken for a record


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 6), st.booleans()), max_size=12))
def test_rows_and_lines_map_both_ways_whatever_is_folded(layout):
    folds = Folds()
    line, spans, collapsed = 0, [], []
    for gap, size, folded in layout:
        header = line + gap
        spans.append((header, header + size))
        collapsed.append(folded)
        line = header + size + 1
    total = line + 3
    folds.add(spans)
    for fold, folded in enumerate(collapsed):
        folds.set_collapsed(fold, folded)
    hidden = {n for (header, last), folded in zip(spans, collapsed, strict=True) if folded
              for n in range(header + 1, last + 1)}
    visible = [n for n in range(total) if n not in hidden]
    assert folds.hidden == len(hidden)
    assert [folds.line_of(row) for row in range(len(visible))] == visible
    for n in range(total):
        shown = n if n not in hidden else folds.headers[folds.at(n)]
        assert folds.row_of(n) == visible.index(shown)
