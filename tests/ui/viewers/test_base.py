"""The viewers' shared lifecycle: load, the pending row applied once it arrives, close."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel

from inspector.model import LineLocator, PacketLocator
from ui.viewers.base import MemberViewer, Viewer, vertical_split, viewer_layout


def rows_in_batches(state, source, batches: int, gate: threading.Event) -> int:
    for batch in range(batches):
        gate.wait(5)
        state.emit(list(range(batch * 10 + 1, batch * 10 + 11)))
    return batches * 10


class Numbers(MemberViewer):
    """A viewer of numbered rows, each batch of ten arriving when ``gate`` is set."""

    LOCATOR = PacketLocator
    ITEM, PLACE = "Number", "the list"

    def __init__(self, batches: int = 3) -> None:
        super().__init__()
        self.batches = batches
        self.gate = threading.Event()
        self.rows: list[int] = []
        self.selected: list[int] = []
        self.loads = 0

    def load(self, source) -> None:
        super().load(source)
        self.loads += 1
        self.rows = []
        self.task = self.run(rows_in_batches, source, self.batches, self.gate, name="numbers",
                             partial=self._on_rows, finished=lambda _: self.finish_loading())

    def _on_rows(self, rows: list[int]) -> None:
        self.rows += rows
        self.select_pending()

    def row_count(self) -> int:
        return len(self.rows)

    def select_number(self, number: int) -> None:
        self.selected.append(number)


def test_the_pending_row_is_selected_once_it_has_arrived(qtbot, member):
    viewer = Numbers()
    qtbot.addWidget(viewer)
    source = member("a.log", b"x\n")
    viewer.show_evidence(source, PacketLocator(25))
    assert viewer.pending == 25 and not viewer.selected
    viewer.gate.set()
    qtbot.waitUntil(lambda: viewer.done)
    assert viewer.selected == [25] and viewer.pending is None
    viewer.show_evidence(source, PacketLocator(3))  # the same member: no second read
    assert viewer.loads == 1 and viewer.selected == [25, 3]
    viewer.show_evidence(source, LineLocator(7))  # not this viewer's kind of place
    assert viewer.selected == [25, 3]


def test_a_row_that_never_comes_is_said_to_be_missing(qtbot, member):
    viewer = Numbers(batches=1)
    qtbot.addWidget(viewer)
    viewer.gate.set()
    with qtbot.waitSignal(viewer.status) as said:
        viewer.show_evidence(member("a.log", b"x\n"), PacketLocator(99))
    assert said.args == ["Number 99 is not in the list"]
    assert viewer.selected == []


def test_closing_the_source_stops_its_work(qtbot, member):
    viewer = Numbers()
    qtbot.addWidget(viewer)
    viewer.show_evidence(member("a.log", b"x\n"), PacketLocator(5))
    task = viewer.task
    viewer.close_source()
    assert viewer.source is None and task.state.cancelled
    viewer.gate.set()
    assert task.wait(5)
    viewer.wait_idle()


def test_stopping_reaches_every_task_still_running(qtbot):
    viewer = Viewer()
    qtbot.addWidget(viewer)
    done = []
    first = viewer.run(lambda state: 1, name="one", finished=done.append)
    qtbot.waitUntil(lambda: done == [1])
    gate = threading.Event()
    second = viewer.run(lambda state: gate.wait(5), name="two")
    third = viewer.run(lambda state: gate.wait(5), name="three")
    viewer.stop_work()
    assert second.state.cancelled and third.state.cancelled and not first.state.cancelled
    gate.set()
    viewer.wait_idle()
    assert second.wait(5) and third.wait(5)


def test_layout_helpers(qtbot):
    viewer = Viewer()
    qtbot.addWidget(viewer)
    title, body, footer = QLabel("title"), vertical_split(QLabel("top"), QLabel("bottom"),
                                                          (3, 1)), QLabel("footer")
    viewer_layout(viewer, title, body=body, footer=footer)
    layout = viewer.layout()
    assert [layout.itemAt(i).widget() for i in range(layout.count())] == [title, body, footer]
    assert layout.stretch(1) == 1 and body.count() == 2
