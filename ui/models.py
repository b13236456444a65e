"""Qt item models shared by the main window and the viewers.

- ``RowsModel``: a flat, append-only table of Python objects described by ``Column``s.
  Every table in the app (findings, problems, packets, HAR entries, statements, events)
  is one, so sorting, tooltips and colours work the same everywhere. Rows arrive in
  batches (``append``) while work is still running; the view never waits for the end.
- ``FindingsFilter``: the findings table's filter by severity, analyzer and text, with
  the count of rows it hides.
- ``BundleTree``: the bundle's members as a tree (folders, and nested archives as
  folders), with kind, size and status.

Sorting goes through ``SORT_ROLE`` so that sizes sort as numbers and severities by rank,
not as the text shown. Colours and icons come from ``ui.theme`` (severity badges with their
icon, member kinds, failed and skipped members). Customer text is only ever returned for
``DisplayRole`` and ``ToolTipRole`` as plain strings; views show it with plain-text
delegates (Qt does not interpret item text as HTML, except tooltips, which get
``escape_tooltip``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from inspector.bundle.streams import human_size
from inspector.model import Artifact, ArtifactKind, ArtifactStatus, Finding, Problem, Severity
from inspector.timeline import corrected_span
from inspector.views.findings import matches
from ui.theme import colour, icon, kind_icon, severity_colour, severity_icon, text_colour_on

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the Python object behind a row
PATH_ROLE = Qt.ItemDataRole.UserRole + 3  # an artifact path in the bundle tree

def escape_tooltip(text: str, limit: int = 2000) -> str:
    """Tooltips are rich text when they look like HTML: escape customer text for them."""
    shortened = text if len(text) <= limit else text[:limit] + "…"
    return f"<pre>{html.escape(shortened)}</pre>" if shortened else ""


Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column of a ``RowsModel``.

    Attributes:
        title: the header.
        display: the text shown for a row.
        sort_key: what sorting compares (str, int or float); defaults to the text.
        background: a colour for the cell, or None (the text on it is black or white,
            whichever reads better).
        align_right: for numbers.
        icon: an icon before the text, or None.
    """

    title: str
    display: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None
    background: Callable[[Any], QColor | None] | None = None
    align_right: bool = False
    icon: Callable[[Any], QIcon | None] | None = None


class RowsModel(QAbstractTableModel):
    """A flat table of Python objects, appended to in batches."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return escape_tooltip(column.display(row))
        if role == SORT_ROLE:
            return column.sort_key(row) if column.sort_key else column.display(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.BackgroundRole and column.background:
            return column.background(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.background:
            colour = column.background(row)
            return text_colour_on(colour) if colour is not None else None
        if role == Qt.ItemDataRole.DecorationRole and column.icon:
            return column.icon(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def append(self, rows: Iterable[Any]) -> None:
        new = list(rows)
        if not new:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
        self.rows.extend(new)
        self.endInsertRows()

    def reset(self, rows: Iterable[Any] = ()) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self.rows[row]


def _time(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


class FindingsModel(RowsModel):
    """The findings table. "First seen" is on the UTC axis: a finding of a source whose
    clock was read with an offset (a log in local time) is shown corrected, as the timeline
    places it, so the table sorts the way things happened.

    Attributes:
        clock_offsets: each source's offset, by artifact path (``set_clock_offsets``).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        self.clock_offsets: dict[str, timedelta] = {}
        self.compact = False
        super().__init__((
            Column("Severity", lambda f: "" if self.compact else f.severity.value,
                   lambda f: f.severity.rank, lambda f: severity_colour(f.severity),
                   icon=lambda f: severity_icon(f.severity)),
            Column("Title", lambda f: f.title),
            Column("Analyzer", lambda f: f.analyzer),
            Column("Count", lambda f: f"{f.count:,}", lambda f: f.count, align_right=True),
            Column("First seen", lambda f: self.seen_text(self.first_seen(f)),
                   lambda f: seen.isoformat() if (seen := self.first_seen(f)) else ""),
        ), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() in (0, 4):
            finding = self.rows[index.row()]
            seen = self.first_seen(finding)
            return escape_tooltip(finding.severity.value if index.column() == 0 else
                                  _time(seen) + " UTC" if seen else "")
        return super().data(index, role)

    def first_seen(self, finding: Finding) -> datetime | None:
        return corrected_span(finding, self.clock_offsets)[0]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (self.compact and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole and section in (0, 3)):
            return "" if section == 0 else "×"
        return super().headerData(section, orientation, role)

    def seen_text(self, seen: datetime | None) -> str:
        """The time of day when every finding is of one day (the detail has the date)."""
        if seen is None:
            return ""
        days = {first.date() for finding in self.rows if (first := self.first_seen(finding))}
        return f"{seen:%H:%M:%S}" if len(days) == 1 else _time(seen)

    def set_compact(self, compact: bool) -> None:
        """Severity as its badge alone, for a narrow pane (the tooltip names it)."""
        if compact != self.compact:
            self.compact = compact
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)
            if self.rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0),
                                      [Qt.ItemDataRole.DisplayRole])

    def set_clock_offsets(self, offsets: Mapping[str, timedelta]) -> None:
        self.clock_offsets = dict(offsets)
        if self.rows:
            column = len(self.columns) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                   SORT_ROLE])


def findings_model(parent: QObject | None = None) -> FindingsModel:
    return FindingsModel(parent)


class FindingsFilter(QSortFilterProxyModel):
    """Shows the findings that match the chosen severities, analyzer and text.

    What matches is ``inspector.views.findings.matches``: the text, case-insensitively, in
    the title, rule id, detail or an evidence path.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.severities: set[Severity] = set(Severity)
        self.analyzer: str | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def _changed(self, apply: Callable[[], None]) -> None:
        self.beginFilterChange()
        apply()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_severities(self, severities: Iterable[Severity]) -> None:
        self._changed(lambda: setattr(self, "severities", set(severities)))

    def set_analyzer(self, analyzer: str | None) -> None:
        self._changed(lambda: setattr(self, "analyzer", analyzer or None))

    def set_text(self, text: str) -> None:
        self._changed(lambda: setattr(self, "text", text.strip().casefold()))

    def hidden_count(self) -> int:
        source = self.sourceModel()
        return source.rowCount() - self.rowCount() if source is not None else 0

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        finding: Finding = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if finding is None:
            return False
        return matches(finding, self.severities, self.analyzer, self.text)


# --- the bundle tree -------------------------------------------------------------------------

TREE_HEADERS = ("Name", "Kind", "Size", "Modified", "Status")
_STATUS_COLUMN = TREE_HEADERS.index("Status")


def status_text(artifact: Artifact) -> str:
    if artifact.status is ArtifactStatus.ANALYZED:
        return "analyzed" if artifact.analyzers else "not analyzed (no analyzer for this kind)"
    return f"{artifact.status.value}: {artifact.reason or 'no reason given'}"


class BundleTree(QStandardItemModel):
    """The bundle's members in a tree; nested archives hold their members.

    Attributes:
        items: artifact path -> the name item of its row.
        artifacts: artifact path -> the member as last shown.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: dict[str, QStandardItem] = {}
        self.artifacts: dict[str, Artifact] = {}
        self.setHorizontalHeaderLabels(list(TREE_HEADERS))

    def set_artifacts(self, artifacts: Iterable[Artifact]) -> None:
        self.clear()
        self.items = {}
        self.artifacts = {}
        self.setHorizontalHeaderLabels(list(TREE_HEADERS))
        folders: dict[str, QStandardItem] = {}
        style = QApplication.style()
        for artifact in artifacts:
            parent, name = self._parent_for(artifact.path, folders, style)
            # When the member was last written, as its container says (UTC): whether the
            # app was still logging when the bundle was collected, and the anchor of
            # yearless timestamps.
            # "log · UTF-16": the reader transcodes it; an engineer opening the raw file
            # elsewhere should know why their editor shows NULs.
            kind = artifact.kind.value + (" · UTF-16" if artifact.encoding else "")
            row = [QStandardItem(name), QStandardItem(kind),
                   QStandardItem(human_size(artifact.size)),
                   QStandardItem(_time(artifact.modified)), QStandardItem("")]
            for item in row:
                item.setEditable(False)
                item.setData(artifact.path, PATH_ROLE)
            row[0].setIcon(kind_icon(artifact.kind))
            row[0].setToolTip(escape_tooltip(artifact.path))
            row[2].setData(artifact.size, SORT_ROLE)
            row[2].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            parent.appendRow(row)
            self.items[artifact.path] = row[0]
            if artifact.kind is ArtifactKind.ARCHIVE:
                folders[artifact.path + "!"] = row[0]
            self.update_artifact(artifact)

    def _parent_for(self, path: str, folders: dict[str, QStandardItem],
                    style: QStyle) -> tuple[QStandardItem, str]:
        """The item a member hangs under, creating folder items on the way."""
        parent = self.invisibleRootItem()
        prefix = ""
        *containers, last = path.split("!/")
        for container in containers:
            prefix += container + "!"
            parent = folders.get(prefix, parent)
            prefix += "/"
        *directories, name = last.split("/")
        for directory in directories:
            prefix += directory + "/"
            folder = folders.get(prefix)
            if folder is None:
                folder = QStandardItem(style.standardIcon(QStyle.StandardPixmap.SP_DirIcon),
                                       directory)
                folder.setEditable(False)
                blanks = [QStandardItem("") for _ in TREE_HEADERS[1:]]
                for blank in blanks:
                    blank.setEditable(False)
                parent.appendRow([folder, *blanks])
                folders[prefix] = folder
            parent = folder
        return parent, name or last

    def update_artifact(self, artifact: Artifact) -> None:
        """Show an artifact's status (after the analysis marked it failed or skipped)."""
        item = self.items.get(artifact.path)
        if item is None:
            return
        self.artifacts[artifact.path] = artifact
        parent = item.parent() or self.invisibleRootItem()
        status = parent.child(item.row(), _STATUS_COLUMN)
        text = status_text(artifact)
        status.setText(text)
        status.setToolTip(escape_tooltip(text))
        name = {ArtifactStatus.FAILED: "status.failed",
                ArtifactStatus.SKIPPED: "status.skipped"}.get(artifact.status)
        status.setData(colour(name) if name else None, Qt.ItemDataRole.ForegroundRole)

    def mark_problems(self, problems: Iterable[Problem]) -> None:
        """Members with problems carry a warning icon and say what went wrong in their
        tooltip (the Status column is often scrolled out of a narrow dock)."""
        by_path: dict[str, list[Problem]] = {}
        for problem in problems:
            if problem.artifact:
                by_path.setdefault(problem.artifact, []).append(problem)
        for path, item in self.items.items():
            found = by_path.get(path)
            artifact = self.artifacts.get(path)
            if found:
                item.setIcon(icon("severity-medium", colour("status.problem")))
                text = "\n".join(f"{p.kind.value} ({p.analyzer or 'reader'}): {p.message}"
                                  for p in found[:5])
                more = f"\n… {len(found) - 5} more" if len(found) > 5 else ""
                item.setToolTip(escape_tooltip(f"{path}\n{len(found)} problem(s):\n{text}{more}"))
            elif artifact is not None:
                item.setIcon(kind_icon(artifact.kind))
                item.setToolTip(escape_tooltip(path))

    def problem_paths(self) -> set[str]:
        """The members marked as having problems (tests read it)."""
        marked = icon("severity-medium", colour("status.problem")).cacheKey()
        return {path for path, item in self.items.items() if item.icon().cacheKey() == marked}
