"""Statistics > Conversations and Follow stream, for the packet list.

``ConversationsView`` is a table of every conversation of the capture (A <-> B, packets,
bytes each way, RSTs, start and duration; ``inspector.views.conversations``), computed off
the GUI thread from the rows already read. Activating a row, or *Filter*, asks the packet
list to show that conversation (``filter_requested`` with its display filter); *Follow*
asks for its stream (``follow_requested``).

``FollowView`` shows a followed stream as Wireshark does: A's bytes and B's bytes in turn, in
two colours (the palette's ``follow`` pair, readable in light and dark themes), plain text
only, with how many bytes each side sent.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.views.conversations import Conversation, FollowedStream, printable
from ui.models import ROW_ROLE, Column, RowsModel
from ui.theme import colour
from ui.viewers.base import calm_table, monospace_font, plain_label

CONVERSATION_COLUMNS = (
    Column("Protocol", lambda c: c.protocol),
    Column("Address A", lambda c: c.a[0]),
    Column("Port A", lambda c: str(c.a[1]) if c.a[1] else "", lambda c: c.a[1],
           align_right=True),
    Column("Address B", lambda c: c.b[0]),
    Column("Port B", lambda c: str(c.b[1]) if c.b[1] else "", lambda c: c.b[1],
           align_right=True),
    Column("Packets", lambda c: f"{c.packets:,}", lambda c: c.packets, align_right=True),
    Column("Bytes", lambda c: f"{c.bytes:,}", lambda c: c.bytes, align_right=True),
    Column("A → B", lambda c: f"{c.packets_ab:,} / {c.bytes_ab:,} B", lambda c: c.bytes_ab,
           align_right=True),
    Column("B → A", lambda c: f"{c.packets_ba:,} / {c.bytes_ba:,} B", lambda c: c.bytes_ba,
           align_right=True),
    Column("RSTs", lambda c: str(c.rsts) if c.rsts else "", lambda c: c.rsts,
           align_right=True),
    Column("Duration (s)", lambda c: f"{c.duration:,.3f}", lambda c: c.duration,
           align_right=True),
)


class ConversationsView(QDialog):
    """Every conversation of the capture, sortable (see the module doc).

    Signals:
        filter_requested(str): show this display filter in the packet list.
        follow_requested(object): follow this ``Conversation``.
    """

    filter_requested = Signal(str)
    follow_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conversations")
        self.resize(980, 460)
        self.model = RowsModel(CONVERSATION_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        calm_table(self.table)
        self.table.activated.connect(lambda _: self.filter_selected())
        self.summary = plain_label("Counting…")
        filter_button = QPushButton("Filter on it")
        filter_button.clicked.connect(self.filter_selected)
        follow_button = QPushButton("Follow stream")
        follow_button.clicked.connect(self.follow_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(filter_button)
        buttons.addWidget(follow_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def show_conversations(self, found: list[Conversation]) -> None:
        self.model.reset(found)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        resets = sum(1 for c in found if c.rsts)
        self.summary.setText(f"{len(found):,} conversations, {resets:,} with resets. Return "
                             "or Filter shows one in the packet list.")
        if found:
            self.table.selectRow(0)

    def selected(self) -> Conversation | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def filter_selected(self) -> None:
        conversation = self.selected()
        if conversation is not None:
            self.filter_requested.emit(conversation.display_filter())

    def follow_selected(self) -> None:
        conversation = self.selected()
        if conversation is not None:
            self.follow_requested.emit(conversation)


class FollowView(QDialog):
    """A followed stream: each side's bytes in its colour (see the module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Follow stream")
        self.resize(900, 620)
        self.title = plain_label(wrap=True)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setFont(monospace_font())
        self.text.setPlaceholderText("Reading the stream…")
        self.summary = plain_label(wrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.summary)

    def show_stream(self, followed: FollowedStream) -> None:
        conversation = followed.conversation
        a = f"{conversation.a[0]}:{conversation.a[1]}"
        b = f"{conversation.b[0]}:{conversation.b[1]}"
        self.title.setText(f"{conversation.protocol} {a} ↔ {b} ({conversation.display_filter()})")
        self.text.clear()
        cursor = self.text.textCursor()
        formats = {}
        for side, name in ((True, "follow.a"), (False, "follow.b")):
            text_format = QTextCharFormat()
            text_format.setForeground(colour(name))
            formats[side] = text_format
        for chunk in followed.chunks:
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(printable(chunk.data) + ("" if chunk.data.endswith(b"\n")
                                                       else "\n"), formats[chunk.from_a])
        sent_a, sent_b = followed.bytes_each_way()
        cut = " The stream is longer: only its first 4 MiB are shown." if followed.cut else ""
        empty = " No payload: the packets carry headers only." if not followed.chunks else ""
        self.summary.setText(f"{a} sent {sent_a:,} bytes (first colour), {b} sent {sent_b:,} "
                             f"bytes, in {len(followed.frames):,} segments; retransmissions "
                             f"are left out.{cut}{empty}")
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
