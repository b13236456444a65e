"""The text viewer widget: evidence, search in a child process, folding, and memory."""

from __future__ import annotations

import gzip

from inspector.model import LineLocator, OffsetLocator
from tests.inspector.views.test_lines import JAVA_TRACE, log_lines, trace_log
from ui.viewers import text as text_module
from ui.viewers.text import FOLDED, LEVEL, UNFOLDED, TextViewer, level_of


def test_levels_are_recognized_and_the_pattern_is_linear():
    assert level_of("10:00:01 ERROR boom") == "error"
    assert level_of("[WARNING] disk") == "warning"
    assert level_of("no level here") is None
    crafted = "W" * 200_000 + "ARN" + "ERRO" * 100_000
    assert LEVEL.search(crafted, 0, 300) is None  # bounded window, no backtracking blow-up


def opened(qtbot, source, locator=None) -> TextViewer:
    viewer = TextViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 500)
    viewer.show()
    with qtbot.waitSignal(viewer.indexed, timeout=20_000):
        viewer.show_evidence(source, locator)
    return viewer


def test_viewer_shows_a_gzip_member_at_the_evidence_and_searches(qtbot, qtmodeltester,
                                                                 member):
    lines = log_lines(6000)
    source = member("app.log.gz", gzip.compress(b"".join(lines)))
    viewer = opened(qtbot, source, LineLocator(4500, end_line=4502))
    qtmodeltester.check(viewer.model)
    assert viewer.model.rowCount() == 6000
    qtbot.waitUntil(lambda: viewer.current_line() == 4499)
    qtbot.waitUntil(lambda: viewer.line_detail.toPlainText().startswith(
        lines[4499].decode()[:30]), timeout=5000)
    assert viewer.model.evidence == (4499, 4501)
    assert viewer.model.index(4499, 0).data() == "4500"

    viewer.find_box.setText("request 12 ")
    with qtbot.waitSignal(viewer.search_finished, timeout=20_000) as found:
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


def test_a_utf16_member_reads_as_text_at_its_evidence_and_searches(qtbot, member):
    # PowerShell's "> out.log": UTF-16LE with a mark; the viewer seeks in UTF-8 offsets.
    lines = log_lines(3000)
    text = b"".join(lines).decode()
    source = member("out.log", ("\ufeff" + text).encode("utf-16-le"))
    viewer = opened(qtbot, source, LineLocator(2500))
    assert viewer.model.rowCount() == 3000
    qtbot.waitUntil(lambda: viewer.line_detail.toPlainText().startswith(
        lines[2499].decode()[:30]), timeout=5000)
    viewer.find_box.setText("request 12 ")
    with qtbot.waitSignal(viewer.search_finished, timeout=20_000) as found:
        viewer.find()
    assert found.args == [12]
    viewer.wait_idle()


def test_a_runaway_regex_search_is_stopped_and_the_viewer_searches_on(qtbot, member):
    source = member("evil.log", b"a" * 40 + b"!\n" + b"".join(log_lines(50)))
    viewer = opened(qtbot, source)
    viewer.regex.setChecked(True)
    viewer.find_box.setText(r"(a+)+$")
    viewer.find()
    qtbot.wait(300)
    assert viewer._search_task is not None and viewer._search_task.running
    viewer.stop_search()
    assert viewer.info.text() == "Search stopped"
    viewer.find_box.setText(r"request 4\d ")
    with qtbot.waitSignal(viewer.search_finished, timeout=20_000) as found:
        viewer.find()
    assert found.args == [41]
    viewer.wait_idle()


def test_stack_traces_fold_one_by_one_and_all_at_once(qtbot, qtmodeltester, member):
    data, folds = trace_log(400)
    total = data.count(b"\n")
    viewer = opened(qtbot, member("app.log", data))
    model = viewer.model
    assert [(model.folds.headers[i], model.folds.lasts[i]) for i in range(len(model.folds))] \
        == folds
    header, last = folds[2]
    assert model.index(header, 0).data() == f"{UNFOLDED} {header + 1}"

    viewer.table.setCurrentIndex(model.index(header + 2, 1))
    viewer.fold_current(True)
    assert model.rowCount() == total - (last - header)
    assert model.index(header, 0).data() == f"{FOLDED} {header + 1}"
    assert model.line_of(header + 1) == last + 1
    assert viewer.current_line() == header
    # The folded record's lines are still what the selection holds, in full.
    assert viewer.selected_lines() == list(range(header, last + 1))
    assert last - header == len(JAVA_TRACE)
    qtbot.waitUntil(lambda: viewer.line_detail.toPlainText().endswith(
        JAVA_TRACE[-1].expandtabs(4)), timeout=5000)
    qtmodeltester.check(model)

    rect = viewer.table.visualRect(model.index(model.row_of(header), 0))
    qtbot.mouseClick(viewer.table.viewport(), text_module.Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert model.rowCount() == total

    viewer.fold_all(True)
    hidden = sum(last - header for header, last in folds)
    assert model.rowCount() == total - hidden
    # Evidence inside a folded trace unfolds it and selects the line.
    viewer.go_to_line(folds[5][0] + 2)
    assert viewer.current_line() == folds[5][0] + 2
    assert model.rowCount() == total - hidden + (folds[5][1] - folds[5][0])
    viewer.fold_all(False)
    assert model.rowCount() == total
    assert viewer.current_line() == folds[5][0] + 2
    viewer.wait_idle()


def test_a_selected_line_asks_for_a_signature(qtbot, member):
    data, folds = trace_log(30)
    viewer = opened(qtbot, member("app.log", data), LineLocator(folds[0][0] + 1))
    qtbot.waitUntil(lambda: viewer.selected_text() is not None, timeout=5000)
    assert "ERROR" in viewer.selected_text()
    viewer.wait_idle()


def test_memory_is_the_cache_not_the_file(qtbot, member, monkeypatch):
    monkeypatch.setattr(text_module, "CACHE_BLOCKS", 3)
    viewer = opened(qtbot, member("app.log", b"".join(log_lines(20_000))))
    for line in range(0, 20_000, 2_000):
        viewer.go_to_line(line)
        qtbot.waitUntil(lambda line=line: viewer.model.line_text(line) is not None,
                        timeout=5000)
    assert len(viewer.model._cache) <= 3
    viewer.wait_idle()
