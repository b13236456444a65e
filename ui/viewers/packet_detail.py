"""The selected frame as Wireshark shows it: the collapsible details tree beside the bytes,
the bytes of the selected field highlighted.

The tree and the byte ranges are ``inspector.views.packet_tree``'s; this widget shows them:
a ``QTreeWidget`` (layers collapsed except the application layer, as Wireshark opens them),
and a read-only hex dump in which the selected field's hex digits and characters are marked
with the palette's evidence highlight. Everything is plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QPlainTextEdit,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from inspector.views.packet_tree import Field, PacketDetail, hex_dump, hex_spans
from ui.theme import colour
from ui.viewers.base import monospace_font

RANGE_ROLE = Qt.ItemDataRole.UserRole + 1


class PacketDetailView(QSplitter):
    """The details tree over the bytes pane.

    Attributes:
        tree: one item per field; ``RANGE_ROLE`` holds its ``(start, length)``.
        bytes: the hex dump of the frame.
        detail: what is shown, or None.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.detail: PacketDetail | None = None
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.currentItemChanged.connect(self._on_field)
        self.bytes = QPlainTextEdit(readOnly=True)
        self.bytes.setFont(monospace_font())
        self.bytes.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.bytes.setPlaceholderText("The selected frame's bytes")
        self.addWidget(self.tree)
        self.addWidget(self.bytes)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def clear(self) -> None:
        self.detail = None
        self.tree.clear()
        self.bytes.clear()

    def show_message(self, text: str) -> None:
        self.clear()
        self.tree.addTopLevelItem(QTreeWidgetItem([text]))

    def show_detail(self, detail: PacketDetail) -> None:
        self.detail = detail
        self.tree.clear()
        self.bytes.setPlainText(hex_dump(detail.data))
        for position, node in enumerate(detail.tree):
            item = self._item(node)
            self.tree.addTopLevelItem(item)
            # Wireshark opens the innermost layer: what the packet is about.
            item.setExpanded(position == len(detail.tree) - 1 and position > 0)

    def _item(self, node: Field) -> QTreeWidgetItem:
        item = QTreeWidgetItem([node.label])
        item.setData(0, RANGE_ROLE, (node.start, node.length))
        item.setToolTip(0, "" if not node.length else
                        f"bytes {node.start}-{node.start + node.length - 1}")
        for child in node.children:
            item.addChild(self._item(child))
        return item

    def select_field(self, label_start: str) -> QTreeWidgetItem | None:
        """Select the first field whose label starts with ``label_start`` (tests, keyboard)."""
        matches = self.tree.findItems(label_start, Qt.MatchFlag.MatchStartsWith
                                      | Qt.MatchFlag.MatchRecursive)
        if matches:
            self.tree.setCurrentItem(matches[0])
            return matches[0]
        return None

    def highlighted(self) -> list[str]:
        """The text of the highlighted parts of the bytes pane (tests read it)."""
        return [selection.cursor.selectedText() for selection in self.bytes.extraSelections()]

    def _on_field(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
                  ) -> None:
        if current is None or self.detail is None:
            self.bytes.setExtraSelections([])
            return
        start, length = current.data(0, RANGE_ROLE) or (0, 0)
        selections = []
        mark = QTextCharFormat()
        mark.setBackground(colour("highlight.evidence"))
        document = self.bytes.document()
        first_line = None
        for line, begin, end in hex_spans(start, length):
            block = document.findBlockByNumber(line)
            if not block.isValid():
                break
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + begin)
            cursor.setPosition(block.position() + min(end, block.length() - 1),
                               QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = mark
            selections.append(selection)
            first_line = block if first_line is None else first_line
        self.bytes.setExtraSelections(selections)
        if first_line is not None:
            self.bytes.setTextCursor(QTextCursor(first_line))
            self.bytes.ensureCursorVisible()
