"""What every evidence viewer shares: background work, one member at a time, the place to
show once it is loaded, and the layout helpers the viewers are built with.

- ``Viewer``: a widget whose work runs off the GUI thread. ``run`` starts a ``ui.worker.Task``
  and keeps it, so ``stop_work`` (a new member, a new search) and ``wait_idle`` (shutdown,
  tests) reach every task still running. ``status`` carries one-line messages to the
  window's status bar. The timeline is one (it places the whole analysis, not a member).
- ``MemberViewer``: a ``Viewer`` of one bundle member, opened at a locator. The lifecycle
  the window relies on: ``show_evidence(source, locator)`` loads ``source`` unless it is the
  member shown, then ``locate(locator)``; ``load(source)`` stops the work on the previous
  member before reading this one; ``close_source()`` stops it and forgets the member.
  Rows arrive in batches while the member is read, so the place asked for is kept
  *pending* and applied once its row has arrived, or said to be missing once everything
  has (``select_pending``, called by subclasses as rows arrive and by ``finish_loading``).
  A viewer that selects by a locator's index names that locator's type in ``LOCATOR`` and
  implements ``row_count`` and ``select_number``; the text viewer places lines its own way
  and overrides ``locate``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.model import Locator
from inspector.views.source import MemberSource
from ui.worker import Task, stop_tasks


def monospace_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def vertical_split(top: QWidget, bottom: QWidget,
                   stretch: tuple[int, int] | None = None) -> QSplitter:
    """``top`` over ``bottom`` (a list over the detail of its selected row)."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(top)
    splitter.addWidget(bottom)
    if stretch is not None:
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
    return splitter


def viewer_layout(viewer: QWidget, *rows: QWidget | QHBoxLayout, body: QWidget,
                  footer: QWidget | None = None) -> None:
    """A viewer's column: its ``rows`` (title, tool bar), ``body`` taking the height,
    then ``footer`` (a status line), edge to edge. A ``MemberViewer`` shows it in turn with
    its placeholder (``show_placeholder``, ``show_content``)."""
    content = QWidget() if isinstance(viewer, MemberViewer) else viewer
    layout = QVBoxLayout(content)
    layout.setContentsMargins(0, 0, 0, 0)
    for row in rows:
        if isinstance(row, QHBoxLayout):
            layout.addLayout(row)
        else:
            layout.addWidget(row)
    layout.addWidget(body, 1)
    if footer is not None:
        layout.addWidget(footer)
    if isinstance(viewer, MemberViewer):
        viewer.pages.addWidget(content)


def plain_label(text: str = "", wrap: bool = False) -> QLabel:
    """A label that never reads its text as markup (customer text can look like HTML)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def status_label() -> QLabel:
    """A viewer's title or status line: plain text that may be cut by a narrow pane rather
    than widen it (a long member path must not push the panes around)."""
    label = plain_label()
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(1)
    return label


def calm_table(table: QAbstractItemView) -> QAbstractItemView:
    """Tab leaves the view instead of walking its cells, as in every other pane."""
    table.setTabKeyNavigation(False)
    return table


class Viewer(QWidget):
    """A widget whose work runs in ``ui.worker.Task`` threads (see the module doc).

    Signals:
        status(str): a one-line message for the status bar.
    """

    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks: list[Task] = []

    def run(self, work: Callable[..., Any], *args: Any, name: str,
            partial: Callable[[Any], None] | None = None,
            finished: Callable[[Any], None] | None = None,
            failed: Callable[[str], None] | None = None) -> Task:
        """Start ``work(state, *args)`` on a task whose signals go to the given slots."""
        task = Task(work, *args, name=name, parent=self)
        for signal, slot in ((task.partial, partial), (task.finished, finished),
                             (task.failed, failed)):
            if slot is not None:
                signal.connect(slot)
        # Tasks that have ended are dropped here, so searches and details do not pile up.
        self._tasks = [kept for kept in self._tasks if kept.running]
        self._tasks.append(task.start())
        return task

    def stop_work(self, timeout: float | None = None) -> None:
        """Cancel every task still running; with ``timeout``, also wait for each to end."""
        stop_tasks(self._tasks, timeout)
        self._tasks = []

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Stop and join background work (shutdown, tests)."""
        self.stop_work(timeout)


class MemberViewer(Viewer):
    """A viewer of one bundle member at a time (see the module doc).

    Until a member is opened, and again when the bundle changes, it shows a placeholder
    saying what to do (``EMPTY``) instead of its tables; a member that turns out to hold
    nothing to show says why in the same place (``show_placeholder(reason)``).

    Attributes:
        source: the member shown, or None.
        done: every row of the member has arrived.
        pending: the 1-based number of the row to select once it is there, or None.
        placeholder: the text shown instead of the content.
    """

    LOCATOR: ClassVar[type | None] = None  # the locator whose ``index`` names a row
    ITEM: ClassVar[str] = "Row"  # what a row is, and where it is, for "not found"
    PLACE: ClassVar[str] = "this member"
    EMPTY: ClassVar[str] = "Nothing is open here yet."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: MemberSource | None = None
        self.done = False
        self.pending: int | None = None
        self.placeholder = plain_label(self.EMPTY, wrap=True)
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMargin(24)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

    def show_placeholder(self, text: str | None = None) -> None:
        self.placeholder.setText(text or self.EMPTY)
        self.pages.setCurrentIndex(0)

    def show_content(self) -> None:
        self.pages.setCurrentIndex(1)

    @property
    def showing_placeholder(self) -> bool:
        return self.pages.currentIndex() == 0

    def show_evidence(self, source: MemberSource, locator: Locator | None = None) -> None:
        if self.source != source:
            self.load(source)
        self.locate(locator)

    def load(self, source: MemberSource) -> None:
        """Start reading ``source``; subclasses clear their rows, then start their work."""
        self.close_source()
        self.source = source
        self.done = False
        self.show_content()

    def close_source(self) -> None:
        """Forget the member: stop its work, empty every view and field, show the
        placeholder (a new bundle must not show anything of the previous one)."""
        self.stop_work()
        self.source = None
        self.pending = None
        self.clear_view()
        self.show_placeholder()

    def clear_view(self) -> None:
        """Empty the tables, details and search fields (subclasses)."""

    def locate(self, locator: Locator | None) -> None:
        """Select the row ``locator`` names, now or once it has arrived."""
        if self.LOCATOR is not None and isinstance(locator, self.LOCATOR):
            self.pending = locator.index
        self.select_pending()

    def finish_loading(self) -> None:
        """Every row is in: the pending row is selected, or said to be missing."""
        self.done = True
        self.select_pending()

    def select_pending(self) -> None:
        number = self.pending
        if number is None or (number > self.row_count() and not self.done):
            return
        self.pending = None
        if not 1 <= number <= self.row_count():
            self.status.emit(f"{self.ITEM} {number} is not in {self.PLACE}")
            return
        self.select_number(number)

    def row_count(self) -> int:
        """How many rows have arrived."""
        raise NotImplementedError

    def select_number(self, number: int) -> None:
        """Select and show row ``number`` (1-based, present)."""
        raise NotImplementedError
