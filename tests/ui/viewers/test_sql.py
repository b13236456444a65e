"""SQL statements with navigation, and a slow log's class table."""

from __future__ import annotations

from inspector.bundle import open_bundle
from inspector.formats.sqlsplit import split_statements
from inspector.model import ArtifactKind, LineLocator, StatementLocator
from ui.models import ROW_ROLE
from ui.theme import colour
from ui.viewers import MemberSource
from ui.viewers.sql import SqlViewer


def sources(path):
    with open_bundle(path) as bundle:
        return {a.kind: MemberSource(path, bundle.limits, a) for a in bundle.artifacts}


def test_statements_match_the_splitter_and_navigate(qtbot, qtmodeltester, sample_dir):
    source = sources(sample_dir / "slow_query_missing_index.zip")[ArtifactKind.SQL_DUMP]
    with source.open() as stream:
        expected = list(split_statements(stream.read()))
    viewer = SqlViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000) as loaded:
        viewer.show_evidence(source, StatementLocator(3))
    assert loaded.args == [len(expected)]
    qtmodeltester.check(viewer.statements)
    assert viewer.table.currentIndex().row() == 2
    assert viewer.text.toPlainText().startswith(expected[2].text[:40])
    viewer.go_to.setValue(len(expected))
    assert viewer.table.currentIndex().row() == len(expected) - 1
    viewer.wait_idle()


def test_slow_log_shows_classes_and_opens_an_example(qtbot, qtmodeltester, sample_dir):
    stats = {"db/mysql-slow.log": {"sql": {"queries": [
        {"id": "1EA093591D154523", "fingerprint": "select * from orders where customer_id=?",
         "count": 16, "query_time": {"total": 495.5, "max": 40.1, "p95": 39.0},
         "rows_examined": {"total": 384748585}, "example": "SELECT * FROM orders",
         "example_line": 825, "db": "shop"}]}}}
    source = sources(sample_dir / "slow_query_missing_index.zip")[ArtifactKind.MYSQL_SLOW_LOG]
    viewer = SqlViewer()
    qtbot.addWidget(viewer)
    viewer.set_stats(stats)
    viewer.show_evidence(source)
    qtmodeltester.check(viewer.classes)
    assert viewer.classes.rowCount() == 1
    assert "SELECT * FROM orders" in viewer.class_text.toPlainText()
    with qtbot.waitSignal(viewer.evidence_activated) as opened:
        viewer.class_table.activated.emit(viewer.classes.index(0, 0))
    assert opened.args[0].locator == LineLocator(825)


def test_keywords_strings_and_comments_take_the_palettes_sql_colours(qtbot):
    viewer = SqlViewer()
    qtbot.addWidget(viewer)
    formats = viewer.highlighter.formats
    for kind in ("comment", "string", "number", "keyword"):
        assert formats[kind].foreground().color() == colour(f"sql.{kind}")
    assert formats["keyword"].fontWeight() == 700


def test_a_slow_query_line_selects_its_class_and_empty_viewers_say_why(qtbot, sample_dir):
    queries = [{"id": "A", "fingerprint": "select a", "count": 9, "query_time": {"total": 9.0},
                "example": "SELECT a", "example_line": 40, "lines": [12, 40]},
               {"id": "B", "fingerprint": "select b", "count": 2, "query_time": {"total": 1.0},
                "example": "SELECT b", "example_line": 825, "lines": [800, 825]}]
    source = sources(sample_dir / "slow_query_missing_index.zip")[ArtifactKind.MYSQL_SLOW_LOG]
    viewer = SqlViewer()
    qtbot.addWidget(viewer)
    viewer.show_evidence(source)  # before the analysis has given its classes
    assert viewer.showing_placeholder
    assert "the analysis has not finished yet" in viewer.placeholder.text()
    viewer.set_stats({source.path: {"sql": {"queries": queries}}})
    assert viewer.class_at(source.path, LineLocator(823)) == 2  # a line of its header
    viewer.show_evidence(source, LineLocator(823))
    assert not viewer.showing_placeholder
    assert viewer.class_table.currentIndex().data(ROW_ROLE)["id"] == "B"
    [evidence] = viewer.selected_evidence()
    assert evidence.locator == LineLocator(825)
    viewer.close_source()
    assert viewer.showing_placeholder and viewer.classes.rowCount() == 0
    assert "No SQL dump or slow-query log is open" in viewer.placeholder.text()
