"""SQL: a dump's statements with highlighting and navigation by index, and for slow logs
the query-class table the SQL analyzer computed.

The statements (the analyzer's own streaming splitter, so numbers match
``StatementLocator``), the query classes and the highlighting spans are
``inspector.views.sql``'s; this module is their tables, the highlighter and the widget.
Statements are read in batches off the GUI thread. Activating a slow-log class opens its
example in the text viewer (``evidence_activated``). Syntax colours are the palette's
(``ui.theme``: ``sql``, light or dark).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QWidget,
)

from inspector.model import ArtifactKind, Evidence, LineLocator, Locator, StatementLocator
from inspector.views.source import MemberSource
from inspector.views.sql import (
    PREVIEW_CHARS,
    StatementRow,
    class_for_line,
    highlight_spans,
    load_statements,
    query_class_text,
    query_classes,
    statement_text,
)
from ui.models import ROW_ROLE, Column, RowsModel
from ui.theme import colour
from ui.viewers.base import (
    MemberViewer,
    calm_table,
    monospace_font,
    status_label,
    vertical_split,
    viewer_layout,
)

KINDS = ("comment", "string", "number", "keyword")


class SqlHighlighter(QSyntaxHighlighter):
    """Colours SQL a block (line) at a time; formats only, the text stays plain."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.update_palette()

    def update_palette(self) -> None:
        for kind in KINDS:
            text_format = QTextCharFormat()
            text_format.setForeground(colour(f"sql.{kind}"))
            if kind == "keyword":
                text_format.setFontWeight(700)
            self.formats[kind] = text_format

    def highlightBlock(self, text: str) -> None:
        for kind, start, length in highlight_spans(text[:PREVIEW_CHARS]):
            self.setFormat(start, length, self.formats[kind])


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



class SqlViewer(MemberViewer):
    """Statements of a dump, or the query classes of a slow log.

    Signals:
        loaded(int): every statement is listed (the count).
        evidence_activated(object): a slow-log class's example was opened (an ``Evidence``).
    """

    loaded = Signal(int)
    evidence_activated = Signal(object)
    evidence_chosen = Signal(object)
    LOCATOR = StatementLocator
    ITEM, PLACE = "Statement", "this file"
    EMPTY = ("No SQL dump or slow-query log is open.\n\nSelect a finding whose evidence is "
             "a statement or a slow query and press F4, or double-click a .sql member or a "
             "slow log in the Bundle tree.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats: dict[str, Any] = {}
        self.title = status_label()
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

        self.kinds = QStackedWidget()
        self.kinds.addWidget(statements_page)
        self.kinds.addWidget(classes_page)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.go_to)
        viewer_layout(self, bar, body=self.kinds)

    @staticmethod
    def _table(model: RowsModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        calm_table(table)
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
            self.show_classes(source, locator)
            return
        super().show_evidence(source, locator)

    def class_at(self, path: str, locator: Locator | None) -> int | None:
        """The rank of the slow-log class whose example is at ``locator``'s line, if any."""
        if not isinstance(locator, LineLocator):
            return None
        return class_for_line(query_classes(self.stats, path), locator.line)

    def show_classes(self, source: MemberSource, locator: Locator | None = None) -> None:
        """The digest of a slow log, with the class of ``locator``'s line selected."""
        self.close_source()
        self.source = source
        self.show_content()
        self.kinds.setCurrentIndex(1)
        self.go_to.setEnabled(False)
        classes = query_classes(self.stats, source.path)
        self.classes.reset(classes)
        if not classes:
            why = ("the analysis has not finished yet" if not self.stats else
                   "the SQL analyzer found no query it could read in it")
            self.show_placeholder(f"{source.path} is a slow-query log with no query class to "
                                  f"show: {why}.")
            return
        self.title.setText(f"{source.path} · {len(classes):,} query classes "
                           "(Return opens a class's example in the log)")
        rank = self.class_at(source.path, locator) or 1
        self.class_table.selectRow(rank - 1)
        self.class_table.scrollTo(self.classes.index(rank - 1, 0),
                                  QAbstractItemView.ScrollHint.PositionAtCenter)

    def load(self, source: MemberSource) -> None:
        super().load(source)
        self.kinds.setCurrentIndex(0)
        self.go_to.setEnabled(True)
        self.statements.reset()
        self.text.clear()
        self.title.setText(f"{source.path} · reading…")
        self.run(load_statements, source, name="sql", partial=self._on_rows,
                 finished=self._on_loaded,
                 failed=lambda message: self.title.setText(f"Cannot read: {message}"))

    def row_count(self) -> int:
        return self.statements.rowCount()

    def _on_rows(self, rows: list[StatementRow]) -> None:
        self.statements.append(rows)
        self.go_to.setMaximum(max(1, self.statements.rowCount()))
        self.select_pending()

    def clear_view(self) -> None:
        self.statements.reset()
        self.classes.reset()
        self.text.clear()
        self.class_text.clear()
        self.title.clear()
        self.go_to.setMaximum(1)

    def selected_evidence(self) -> list[Evidence]:
        """The selected statement, or the selected slow-log class's example line."""
        if self.source is None:
            return []
        if self.kinds.currentIndex() == 1:
            index = self.class_table.currentIndex()
            query = index.data(ROW_ROLE) if index.isValid() else None
            line = query.get("example_line") if query else None
            if not isinstance(line, int) or line <= 0:
                return []
            return [Evidence(self.source.path, LineLocator(line),
                             str(query.get("fingerprint", ""))[:300])]
        index = self.table.currentIndex()
        row: StatementRow | None = index.data(ROW_ROLE) if index.isValid() else None
        if row is None:
            return []
        return [Evidence(self.source.path, StatementLocator(row.number, row.line),
                         " ".join(row.text[:300].split()))]

    def _on_loaded(self, warnings: list[str]) -> None:
        count = self.statements.rowCount()
        text = f"{self.source.path if self.source else ''} · {count:,} statements"
        if warnings:
            text += f" · {len(warnings)} warning(s): {warnings[0][:120]}"
        self.title.setText(text)
        if count == 0 and self.source is not None:
            self.show_placeholder(f"No SQL statement was found in {self.source.path}"
                                  + (f": {warnings[0][:200]}" if warnings else "."))
        self.finish_loading()
        self.loaded.emit(count)

    def select_number(self, number: int) -> None:
        self.table.selectRow(number - 1)
        self.table.scrollTo(self.statements.index(number - 1, 0),
                            QAbstractItemView.ScrollHint.PositionAtCenter)

    def _go_to_statement(self, number: int) -> None:
        if 1 <= number <= self.statements.rowCount():
            self.pending = number
            self.select_pending()

    def _on_statement(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: StatementRow | None = current.data(ROW_ROLE) if current.isValid() else None
        if row is None:
            return
        self.text.setPlainText(statement_text(row))
        self.go_to.blockSignals(True)
        self.go_to.setValue(row.number)
        self.go_to.blockSignals(False)

    def _on_class(self, current: QModelIndex, _previous: QModelIndex) -> None:
        query = current.data(ROW_ROLE) if current.isValid() else None
        if query is not None:
            self.class_text.setPlainText(query_class_text(query))

    def _open_class_example(self, index: QModelIndex) -> None:
        query = index.data(ROW_ROLE)
        line = query.get("example_line") if query else None
        if self.source is not None and isinstance(line, int) and line > 0:
            self.evidence_activated.emit(Evidence(self.source.path, LineLocator(line)))
