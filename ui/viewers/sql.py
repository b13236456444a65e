"""SQL: a dump's statements with highlighting and navigation by index, and for slow logs
the query-class table the SQL analyzer computed.

Statements come from ``inspector.formats.sqlsplit.StatementReader`` (the same streaming splitter
the analyzer uses, so statement numbers match ``StatementLocator``), in batches off the
GUI thread. A row keeps the first ``PREVIEW_CHARS`` of its statement: a dump's multi-MB
``INSERT`` is shown cut, with its size, and memory stays bounded.

A slow log's classes are read from the analysis stats (``queries``); activating one opens
its example in the text viewer (``evidence_activated``).

>>> [kind for kind, _, _ in highlight_spans("SELECT 'x' -- why")]
['keyword', 'string', 'comment']
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QWidget,
)

from inspector.formats.sqlsplit import StatementReader
from inspector.model import ArtifactKind, Evidence, LineLocator, Locator, StatementLocator
from ui.models import ROW_ROLE, Column, RowsModel
from ui.viewers import MemberSource
from ui.viewers.text import is_dark, monospace_font, vertical_split, viewer_layout
from ui.worker import Task, TaskState, stop_tasks

PREVIEW_CHARS = 20_000
BATCH_SECONDS = 0.05

# Linear-time: alternatives that each consume at least one character, no nested repeats.
_TOKENS = re.compile(
    r"(?P<comment>--[^\n]*|#[^\n]*|/\*.*?(?:\*/|$))"
    r"|(?P<string>'(?:[^'\\]|\\.|'')*'?|\"(?:[^\"\\]|\\.)*\"?|`[^`]*`?)"
    r"|(?P<number>\b\d+(?:\.\d+)?\b)"
    r"|(?P<keyword>\b(?:SELECT|FROM|WHERE|AND|OR|NOT|NULL|INSERT|INTO|VALUES|UPDATE|SET|"
    r"DELETE|CREATE|TABLE|INDEX|UNIQUE|PRIMARY|KEY|FOREIGN|REFERENCES|ALTER|DROP|ADD|"
    r"JOIN|LEFT|RIGHT|INNER|OUTER|ON|AS|ORDER|GROUP|BY|HAVING|LIMIT|OFFSET|IN|IS|LIKE|"
    r"BETWEEN|EXISTS|DISTINCT|UNION|ALL|CASE|WHEN|THEN|ELSE|END|BEGIN|COMMIT|ROLLBACK|"
    r"LOCK|TABLES|UNLOCK|DEFAULT|CONSTRAINT|ENGINE|CHARSET|IF|USE|DATABASE|COPY|WITH|"
    r"RETURNING|GRANT|REVOKE|VIEW|TRIGGER|PROCEDURE|FUNCTION|DELIMITER)\b)",
    re.IGNORECASE | re.DOTALL)


def highlight_spans(text: str) -> list[tuple[str, int, int]]:
    """``(kind, start, length)`` of the comments, strings, numbers and keywords in ``text``."""
    return [(match.lastgroup or "", match.start(), match.end() - match.start())
            for match in _TOKENS.finditer(text)]


class SqlHighlighter(QSyntaxHighlighter):
    """Colours SQL a block (line) at a time; formats only, the text stays plain."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.update_palette()

    def update_palette(self) -> None:
        dark = is_dark()
        colours = {"comment": "#8a8a8a", "string": "#ce9178" if dark else "#a31515",
                   "number": "#b5cea8" if dark else "#098658",
                   "keyword": "#569cd6" if dark else "#0000c0"}
        for kind, colour in colours.items():
            text_format = QTextCharFormat()
            text_format.setForeground(QColor(colour))
            if kind == "keyword":
                text_format.setFontWeight(700)
            self.formats[kind] = text_format

    def highlightBlock(self, text: str) -> None:
        for kind, start, length in highlight_spans(text[:PREVIEW_CHARS]):
            self.setFormat(start, length, self.formats[kind])


@dataclass(frozen=True, slots=True)
class StatementRow:
    number: int
    line: int
    kind: str
    text: str
    size: int


def load_statements(state: TaskState, source: MemberSource) -> list[str]:
    """Emit ``list[StatementRow]`` batches; return the splitter's warnings."""
    batch: list[StatementRow] = []
    reported = time.monotonic()
    with source.open() as stream:
        reader = StatementReader(stream)
        for statement in reader:
            if state.cancelled:
                break
            raw = statement.raw[:PREVIEW_CHARS * 4]
            text = raw.decode("utf-8", "replace").strip()[:PREVIEW_CHARS]
            batch.append(StatementRow(statement.index, statement.line, statement.kind, text,
                                      len(statement.raw)))
            if time.monotonic() - reported >= BATCH_SECONDS:
                state.emit(batch)
                batch = []
                reported = time.monotonic()
    state.emit(batch)
    return list(reader.warnings)


STATEMENT_COLUMNS = (
    Column("#", lambda s: str(s.number), lambda s: s.number, align_right=True),
    Column("Line", lambda s: str(s.line), lambda s: s.line, align_right=True),
    Column("Kind", lambda s: s.kind),
    Column("Size", lambda s: f"{s.size:,}", lambda s: s.size, align_right=True),
    Column("Statement", lambda s: " ".join(s.text[:300].split())),
)

CLASS_COLUMNS = (
    Column("Rank", lambda q: str(q["rank"]), lambda q: q["rank"], align_right=True),
    Column("Query id", lambda q: str(q.get("id", ""))[:16]),
    Column("Calls", lambda q: f"{q.get('count', 0):,}", lambda q: q.get("count", 0),
           align_right=True),
    Column("Total s", lambda q: f"{q['query_time'].get('total', 0):,.3f}",
           lambda q: q["query_time"].get("total", 0), align_right=True),
    Column("Max s", lambda q: f"{q['query_time'].get('max', 0):,.3f}",
           lambda q: q["query_time"].get("max", 0), align_right=True),
    Column("p95 s", lambda q: f"{q['query_time'].get('p95', 0):,.3f}",
           lambda q: q["query_time"].get("p95", 0), align_right=True),
    Column("Rows examined", lambda q: f"{q.get('rows_examined', {}).get('total', 0):,}",
           lambda q: q.get("rows_examined", {}).get("total", 0), align_right=True),
    Column("DB", lambda q: str(q.get("db") or "")),
    Column("Fingerprint", lambda q: str(q.get("fingerprint", ""))[:300]),
)


def query_classes(stats: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The slow-log classes the analysis found in ``path``, ranked, from any analyzer."""
    for values in stats.get(path, {}).values():
        queries = values.get("queries") if isinstance(values, dict) else None
        if isinstance(queries, list):
            return [{**q, "rank": rank, "query_time": q.get("query_time") or {}}
                    for rank, q in enumerate(queries, 1) if isinstance(q, dict)]
    return []


class SqlViewer(QWidget):
    """Statements of a dump, or the query classes of a slow log.

    Signals:
        status(str): a message for the status bar.
        loaded(int): every statement is listed (the count).
        evidence_activated(object): a slow-log class's example was opened (an ``Evidence``).
    """

    status = Signal(str)
    loaded = Signal(int)
    evidence_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: MemberSource | None = None
        self.stats: dict[str, Any] = {}
        self._task: Task | None = None
        self._pending: int | None = None
        self._done = False
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.go_to = QSpinBox(prefix="Statement ", minimum=1, maximum=1)
        self.go_to.setKeyboardTracking(False)
        self.go_to.valueChanged.connect(self._go_to_statement)

        self.statements = RowsModel(STATEMENT_COLUMNS, self)
        self.table = self._table(self.statements)
        self.table.selectionModel().currentRowChanged.connect(self._on_statement)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setFont(monospace_font())
        self.highlighter = SqlHighlighter(self.text.document())
        statements_page = vertical_split(self.table, self.text)

        self.classes = RowsModel(CLASS_COLUMNS, self)
        self.class_table = self._table(self.classes)
        self.class_table.selectionModel().currentRowChanged.connect(self._on_class)
        self.class_table.activated.connect(self._open_class_example)
        self.class_text = QPlainTextEdit(readOnly=True)
        self.class_text.setFont(monospace_font())
        self.class_highlighter = SqlHighlighter(self.class_text.document())
        classes_page = vertical_split(self.class_table, self.class_text)

        self.pages = QStackedWidget()
        self.pages.addWidget(statements_page)
        self.pages.addWidget(classes_page)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.go_to)
        viewer_layout(self, bar, body=self.pages)

    @staticmethod
    def _table(model: RowsModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def set_stats(self, stats: dict[str, Any]) -> None:
        self.stats = stats

    def show_evidence(self, source: MemberSource, locator: Locator | None = None) -> None:
        if source.artifact.kind is ArtifactKind.MYSQL_SLOW_LOG:
            self.show_classes(source)
            return
        if isinstance(locator, StatementLocator):
            self._pending = locator.index
        if self.source != source:
            self.load(source)
        else:
            self._select_pending()

    def show_classes(self, source: MemberSource) -> None:
        self.close_source()
        self.source = source
        self.pages.setCurrentIndex(1)
        self.go_to.setEnabled(False)
        classes = query_classes(self.stats, source.path)
        self.classes.reset(classes)
        self.title.setText(f"{source.path} · {len(classes):,} query classes "
                           "(Return opens a class's example in the log)"
                           if classes else f"{source.path} · no query classes (yet)")
        if classes:
            self.class_table.selectRow(0)

    def load(self, source: MemberSource) -> None:
        self.close_source()
        self.source = source
        self._done = False
        self.pages.setCurrentIndex(0)
        self.go_to.setEnabled(True)
        self.statements.reset()
        self.text.clear()
        self.title.setText(f"{source.path} · reading…")
        task = Task(load_statements, source, name="sql", parent=self)
        task.partial.connect(self._on_rows)
        task.finished.connect(self._on_loaded)
        task.failed.connect(lambda message: self.title.setText(f"Cannot read: {message}"))
        self._task = task.start()

    def close_source(self) -> None:
        stop_tasks([self._task])
        self._task = None
        self.source = None

    def wait_idle(self, timeout: float = 5.0) -> None:
        stop_tasks([self._task], timeout)

    def _on_rows(self, rows: list[StatementRow]) -> None:
        self.statements.append(rows)
        self.go_to.setMaximum(max(1, self.statements.rowCount()))
        self._select_pending()

    def _on_loaded(self, warnings: list[str]) -> None:
        self._done = True
        count = self.statements.rowCount()
        text = f"{self.source.path if self.source else ''} · {count:,} statements"
        if warnings:
            text += f" · {len(warnings)} warning(s): {warnings[0][:120]}"
        self.title.setText(text)
        self._select_pending()
        self.loaded.emit(count)

    def _select_pending(self) -> None:
        number = self._pending
        if number is None or (number > self.statements.rowCount() and not self._done):
            return
        self._pending = None
        if not 1 <= number <= self.statements.rowCount():
            self.status.emit(f"Statement {number} is not in this file")
            return
        self.table.selectRow(number - 1)
        self.table.scrollTo(self.statements.index(number - 1, 0),
                            QAbstractItemView.ScrollHint.PositionAtCenter)

    def _go_to_statement(self, number: int) -> None:
        if 1 <= number <= self.statements.rowCount():
            self._pending = number
            self._select_pending()

    def _on_statement(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: StatementRow | None = current.data(ROW_ROLE) if current.isValid() else None
        if row is None:
            return
        cut = (f"\n\n-- shown: the first {PREVIEW_CHARS:,} characters of {row.size:,} bytes"
               if row.size > len(row.text.encode()) + 2 else "")
        self.text.setPlainText(row.text + cut)
        self.go_to.blockSignals(True)
        self.go_to.setValue(row.number)
        self.go_to.blockSignals(False)

    def _on_class(self, current: QModelIndex, _previous: QModelIndex) -> None:
        query = current.data(ROW_ROLE) if current.isValid() else None
        if query is not None:
            self.class_text.setPlainText(
                f"-- {query.get('fingerprint', '')}\n-- example (line "
                f"{query.get('example_line', '?')}):\n{query.get('example', '')}")

    def _open_class_example(self, index: QModelIndex) -> None:
        query = index.data(ROW_ROLE)
        line = query.get("example_line") if query else None
        if self.source is not None and isinstance(line, int) and line > 0:
            self.evidence_activated.emit(Evidence(self.source.path, LineLocator(line)))
