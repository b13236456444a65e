"""The virtualized text viewer: checkpoint index, block reads, search, the widget."""

from __future__ import annotations

import gzip
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.model import LineLocator, OffsetLocator
from ui.viewers import text as text_module
from ui.viewers.text import (
    LEVEL,
    LineIndex,
    LineReader,
    SearchQuery,
    TextViewer,
    find_line,
    index_lines,
    level_of,
)
from ui.worker import TaskState


def log_lines(count: int) -> list[bytes]:
    levels = ("INFO", "WARN", "ERROR", "DEBUG")
    return [f"2024-05-01 10:{n // 60 % 60:02d}:{n % 60:02d} {levels[n % 4]} request {n} "
            f"{'x' * (n % 97)}\n".encode() for n in range(count)]


def built_index(source) -> LineIndex:
    index = LineIndex()
    result = index_lines(TaskState(), source)
    index.add(result.checkpoints)
    index.lines, index.done = result.lines, result.done
    return index


def all_checkpoints(source) -> LineIndex:
    """The index as the viewer builds it from every partial result."""
    index = LineIndex()
    state = TaskState(lambda progress: (index.add(progress.checkpoints),
                                        setattr(index, "lines", progress.lines)))
    final = index_lines(state, source)
    index.done = final.done
    return index


@pytest.mark.parametrize("trailing_newline", [True, False])
def test_index_counts_lines_and_checkpoints_point_at_line_starts(member, monkeypatch,
                                                                 trailing_newline):
    monkeypatch.setattr(text_module, "CHECKPOINT_BYTES", 1000)
    monkeypatch.setattr(text_module, "READ_CHUNK", 4096)
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
    state = TaskState()
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


def test_levels_are_recognized_and_the_pattern_is_linear():
    assert level_of("10:00:01 ERROR boom") == "error"
    assert level_of("[WARNING] disk") == "warning"
    assert level_of("no level here") is None
    crafted = "W" * 200_000 + "ARN" + "ERRO" * 100_000
    assert LEVEL.search(crafted, 0, 300) is None  # bounded window, no backtracking blow-up


def test_viewer_shows_a_gzip_member_at_the_evidence_and_searches(qtbot, qtmodeltester,
                                                                 member):
    lines = log_lines(6000)
    source = member("app.log.gz", gzip.compress(b"".join(lines)))
    viewer = TextViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 500)
    viewer.show()
    with qtbot.waitSignal(viewer.indexed, timeout=10_000):
        viewer.show_evidence(source, LineLocator(4500, end_line=4502))
    qtmodeltester.check(viewer.model)
    assert viewer.model.rowCount() == 6000
    qtbot.waitUntil(lambda: viewer.current_line() == 4499)
    qtbot.waitUntil(lambda: viewer.line_detail.toPlainText().startswith(
        lines[4499].decode()[:30]), timeout=5000)
    assert viewer.model.evidence == (4499, 4501)
    assert viewer.model.index(4499, 0).data() == "4500"

    viewer.find_box.setText("request 12 ")
    with qtbot.waitSignal(viewer.search_finished, timeout=10_000) as found:
        viewer.find()  # wraps around past the end
    assert found.args == [12]
    assert viewer.current_line() == 12
    viewer.regex.setChecked(True)
    viewer.find_box.setText("([a-z")
    viewer.find()
    assert viewer.info.text().startswith("Invalid regular expression")

    viewer.show_evidence(source, OffsetLocator(sum(len(line) for line in lines[:100]) + 3))
    qtbot.waitUntil(lambda: viewer.current_line() == 100, timeout=5000)
    viewer.wait_idle()


def test_memory_is_the_cache_not_the_file(qtbot, member, monkeypatch):
    monkeypatch.setattr(text_module, "CACHE_BLOCKS", 3)
    source = member("app.log", b"".join(log_lines(20_000)))
    viewer = TextViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.indexed, timeout=10_000):
        viewer.show_evidence(source)
    for line in range(0, 20_000, 2_000):
        viewer.go_to_line(line)
        qtbot.waitUntil(lambda line=line: viewer.model.line_text(line) is not None,
                        timeout=5000)
    assert len(viewer.model._cache) <= 3
    viewer.wait_idle()
