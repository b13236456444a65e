"""Structured documents (Kubernetes JSON and YAML) opened at a place: a pointer and its line.

Evidence with a ``pointer`` locator (``/items/3/status/containerStatuses/0``, line 412)
opens here: the object that holds the place (one item of a list, one YAML document) is read
off the GUI thread with the one resource reader (``inspector.formats.resources``, which
streams: a 50 MB dump is never loaded whole) and shown as a tree of keys and values,
expanded down to the place, which is selected. Values are shown as plain text, never
rendered. A very large object is cut at ``MAX_NODES`` tree rows (the title says so) and
``MAX_DEPTH`` levels. A document broken after the object is still shown; one broken before
it says why it cannot be read.

``show_evidence`` with any other locator shows the document's first object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QWidget

from inspector.formats.resources import (
    ResourceError,
    escape_pointer_token,
    pointer_tokens,
    read_resources,
)
from inspector.model import Locator, PointerLocator
from inspector.views.source import MemberSource
from ui.viewers.base import MemberViewer, monospace_font, viewer_layout
from ui.worker import TaskState

MAX_NODES = 20_000
MAX_DEPTH = 64
_VALUE_CHARS = 500


@dataclass(frozen=True)
class Found:
    """The object holding a place, and the place inside it."""

    value: Any
    pointer: str  # the object's own pointer in the document
    line: int
    document: int | None
    inside: list[str]  # the tokens from the object down to the place


def find_resource(state: TaskState, source: MemberSource, pointer: str,
                  document: int | None) -> Found | None:
    """The object of ``source`` whose pointer leads to ``pointer`` (the first object when
    none does). Runs on a worker thread."""
    wanted = pointer_tokens(pointer)
    first: Found | None = None
    with source.open() as stream:
        try:
            for resource in read_resources(stream):
                if state.cancelled:
                    return None
                own = pointer_tokens(resource.pointer)
                if first is None:
                    first = Found(resource.value, resource.pointer, resource.line,
                                  resource.document, [])
                same_document = document is None or resource.document in (None, document)
                if same_document and wanted[:len(own)] == own:
                    return Found(resource.value, resource.pointer, resource.line,
                                 resource.document, wanted[len(own):])
        except ResourceError:
            if first is None:
                raise  # the viewer says the document cannot be read, and why
    return first


class DocumentViewer(MemberViewer):
    """A tree of one object of a JSON or YAML document, opened at a pointer.

    Signals:
        loaded(str): the object is shown (its pointer in the document).
    """

    loaded = Signal(str)
    ITEM, PLACE = "Place", "this document"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 280)
        self.tree.setFont(monospace_font())
        self.target = PointerLocator("")
        self.nodes = 0
        viewer_layout(self, self.title, body=self.tree)

    def show_evidence(self, source: MemberSource, locator: Locator | None = None) -> None:
        self.load(source)
        self.target = locator if isinstance(locator, PointerLocator) else PointerLocator("")
        self.title.setText(f"{source.path} · reading…")
        self.run(find_resource, source, self.target.pointer, self.target.document,
                 name="document", finished=self._on_found, failed=self._on_failed)

    def clear_view(self) -> None:
        self.tree.clear()
        self.title.clear()
        self.nodes = 0

    def locate(self, locator: Locator | None) -> None:
        """Places are opened by ``show_evidence``, which reads the object holding them."""

    def row_count(self) -> int:
        return self.tree.topLevelItemCount()

    def select_number(self, number: int) -> None:
        self.tree.setCurrentItem(self.tree.topLevelItem(number - 1))

    def _on_failed(self, message: str) -> None:
        self.title.setText(f"{self.source.path if self.source else ''} · cannot read: {message}")
        self.status.emit(f"Cannot read the document: {message}")

    def _on_found(self, found: Found | None) -> None:
        path = self.source.path if self.source else ""
        if found is None:
            self.title.setText(f"{path} · no object found")
            return
        self.nodes = 0
        root = QTreeWidgetItem([found.pointer or "/", _summary(found.value)])
        self.tree.addTopLevelItem(root)
        self._fill(root, found.value, found.pointer)
        item = root
        for token in found.inside:
            child = next((item.child(i) for i in range(item.childCount())
                          if item.child(i).text(0) == token), None)
            if child is None:
                break
            item.setExpanded(True)
            item = child
        root.setExpanded(True)
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        where = f" of document {found.document}" if found.document else ""
        cut = f" · cut at {MAX_NODES:,} rows" if self.nodes >= MAX_NODES else ""
        self.title.setText(f"{path} · {self.target.pointer or '/'} · line "
                           f"{self.target.line or found.line}{where}{cut}")
        self.finish_loading()
        self.loaded.emit(found.pointer)

    def _fill(self, parent: QTreeWidgetItem, value: Any, pointer: str, depth: int = 0) -> None:
        if depth >= MAX_DEPTH:
            return  # the summary in the parent's row still says what is below
        children = value.items() if isinstance(value, dict) else \
            enumerate(value) if isinstance(value, list) else ()
        for key, inner in children:
            if self.nodes >= MAX_NODES:
                return
            self.nodes += 1
            item = QTreeWidgetItem([str(key), _summary(inner)])
            item.setData(0, Qt.ItemDataRole.UserRole, f"{pointer}/{escape_pointer_token(key)}")
            parent.addChild(item)
            self._fill(item, inner, f"{pointer}/{escape_pointer_token(key)}", depth + 1)


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) \
        else str(value)
    text = text.replace("\n", "⏎ ")
    return text if len(text) <= _VALUE_CHARS else text[:_VALUE_CHARS] + "…"

