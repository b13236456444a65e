"""The packet list: number, time, source, destination, protocol, length and a summary per
frame, filterable by conversation and text, with the selected frame decoded.

Rows come from ``inspector.formats.pcap`` (``read_packets``/``decode``: plain ``struct`` parsing at
hundreds of thousands of frames a second) in batches, off the GUI thread, so the first
rows show while the rest load. A row keeps only the columns (no payload): the decoded
fields of the selected frame are read again from the capture when it is selected, and
dissected by scapy there (one packet, so its speed does not matter). Beyond ``MAX_ROWS``
frames the list stops and says so; memory stays bounded whatever the capture's size.

Frame numbers are Wireshark's (1-based, every frame, IP or not), as in ``PacketLocator``.

>>> protocol_name(6, 51514, 443)
'TLS'
>>> tcp_flags_text(0x12)
'SYN, ACK'
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from inspector.model import Locator, PacketLocator
from ui.models import ROW_ROLE, SORT_ROLE, Column, RowsModel
from ui.viewers import MemberSource
from ui.viewers.text import monospace_font, vertical_split, viewer_layout
from ui.worker import Task, TaskState, stop_tasks

try:  # being written alongside the app: the viewer says so rather than failing to import
    from inspector.formats.pcap import CaptureError, decode, read_packets
except ImportError:  # pragma: no cover - only while inspector.formats.pcap is absent
    read_packets = None  # type: ignore[assignment]

MAX_ROWS = 1_000_000
BATCH_SECONDS = 0.05
WELL_KNOWN = {443: "TLS", 80: "HTTP", 8080: "HTTP", 53: "DNS", 3306: "MySQL",
              5432: "PostgreSQL", 22: "SSH", 25: "SMTP", 123: "NTP", 6379: "Redis",
              8443: "TLS", 5353: "mDNS", 67: "DHCP", 68: "DHCP"}
TCP_FLAGS = ("FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR")
IP_PROTOCOLS = {6: "TCP", 17: "UDP", 1: "ICMP", 58: "ICMPv6"}


def protocol_name(protocol: int, source_port: int, destination_port: int) -> str:
    for port in (min(source_port, destination_port), max(source_port, destination_port)):
        if port in WELL_KNOWN and protocol in (6, 17):
            return WELL_KNOWN[port]
    return IP_PROTOCOLS.get(protocol, f"IP proto {protocol}")


def tcp_flags_text(flags: int) -> str:
    return ", ".join(name for bit, name in enumerate(TCP_FLAGS) if flags & (1 << bit))


@dataclass(frozen=True, slots=True)
class PacketRow:
    """What the list shows of one frame.

    Attributes:
        conversation: the two endpoints and the protocol, order-independent, or None.
    """

    number: int
    time: float
    source: str
    destination: str
    protocol: str
    length: int
    summary: str
    conversation: tuple | None


def packet_row(packet: Any) -> PacketRow:
    transport = decode(packet)
    if transport is None:
        return PacketRow(packet.index, packet.time, "", "", f"link {packet.linktype}",
                         packet.wire_length, "not IP, or headers cut short", None)
    ports = transport.protocol in (6, 17)
    source = f"{transport.src}:{transport.src_port}" if ports else transport.src
    destination = f"{transport.dst}:{transport.dst_port}" if ports else transport.dst
    if transport.protocol == 6:
        summary = (f"{transport.src_port} → {transport.dst_port} "
                   f"[{tcp_flags_text(transport.tcp_flags)}] Seq={transport.seq} "
                   f"Ack={transport.ack} Win={transport.window} Len={transport.payload_length}")
    elif transport.protocol == 17:
        summary = f"{transport.src_port} → {transport.dst_port} Len={transport.payload_length}"
    elif transport.protocol in (1, 58) and transport.payload:
        summary = f"type {transport.payload[0]}" + (
            f" code {transport.payload[1]}" if len(transport.payload) > 1 else "")
    else:
        summary = f"Len={transport.payload_length}"
    endpoints = sorted([(transport.src, transport.src_port), (transport.dst, transport.dst_port)])
    return PacketRow(packet.index, packet.time, source, destination,
                     protocol_name(transport.protocol, transport.src_port, transport.dst_port),
                     packet.wire_length, summary, (transport.protocol, *endpoints))


@dataclass(frozen=True)
class LoadResult:
    frames: int
    truncated: bool = False
    error: str | None = None


def load_packets(state: TaskState, source: MemberSource, limit: int = MAX_ROWS) -> LoadResult:
    """Emit ``list[PacketRow]`` batches; return how it ended (a bad record keeps what came)."""
    if read_packets is None:
        return LoadResult(0, error="packet reading is not available in this build")
    batch: list[PacketRow] = []
    frames = 0
    reported = time.monotonic()
    error = None
    truncated = False
    with source.open() as stream:
        try:
            for packet in read_packets(stream):
                if state.cancelled:
                    break
                if frames >= limit:
                    truncated = True
                    break
                batch.append(packet_row(packet))
                frames += 1
                if time.monotonic() - reported >= BATCH_SECONDS:
                    state.emit(batch)
                    batch = []
                    reported = time.monotonic()
        except (CaptureError, OSError) as exc:
            error = str(exc)
    state.emit(batch)
    return LoadResult(frames, truncated, error)


def hexdump(data: bytes, limit: int = 4096) -> str:
    """
    >>> hexdump(b"GET / HTTP/1.1")
    '0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31        GET / HTTP/1.1'
    """
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset:offset + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:04x}  {chunk.hex(' '):<47}  {text}")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes")
    return "\n".join(lines)


def packet_details(state: TaskState, source: MemberSource, number: int) -> str:
    """The decoded fields of frame ``number``: our header fields, scapy's dissection, hex."""
    with source.open() as stream:
        for packet in read_packets(stream):
            if state.cancelled:
                return ""
            if packet.index == number:
                break
        else:
            return f"Frame {number} is not in the capture."
    when = datetime.fromtimestamp(packet.time, UTC).isoformat()
    parts = [f"Frame {number}: {packet.wire_length} bytes on wire, {len(packet.data)} captured,"
             f" link type {packet.linktype}, {when}"]
    transport = decode(packet)
    if transport is not None:
        flags = f", flags {tcp_flags_text(transport.tcp_flags)}" if transport.protocol == 6 else ""
        parts.append(f"IPv{transport.ip_version} {transport.src} → {transport.dst}, "
                     f"{IP_PROTOCOLS.get(transport.protocol, transport.protocol)} "
                     f"{transport.src_port} → {transport.dst_port}{flags}, payload "
                     f"{transport.payload_length} bytes")
    parts += ["", _dissect(packet), "", hexdump(packet.data)]
    return "\n".join(parts)


def _dissect(packet: Any) -> str:
    try:
        from scapy.config import conf
        from scapy.layers import dns, inet, inet6, l2  # noqa: F401 - registers the layers
        from scapy.layers.tls import all as tls  # noqa: F401

        layer = conf.l2types.get(packet.linktype)
        if layer is None:
            return f"(no dissector for link type {packet.linktype})"
        return layer(packet.data).show(dump=True)
    except Exception as exc:  # a dissector bug must not lose the rest of the detail
        return f"(dissection failed: {type(exc).__name__}: {exc})"


PACKET_COLUMNS = (
    Column("No.", lambda p: str(p.number), lambda p: p.number, align_right=True),
    Column("Time", lambda p: datetime.fromtimestamp(p.time, UTC).strftime("%H:%M:%S.%f"),
           lambda p: p.time),
    Column("Source", lambda p: p.source),
    Column("Destination", lambda p: p.destination),
    Column("Protocol", lambda p: p.protocol),
    Column("Length", lambda p: str(p.length), lambda p: p.length, align_right=True),
    Column("Info", lambda p: p.summary),
)


class PacketFilter(QSortFilterProxyModel):
    """Keeps one conversation's frames, and/or frames whose columns contain a text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conversation: tuple | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, conversation: tuple | None, text: str) -> None:
        self.beginFilterChange()
        self.conversation = conversation
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        row: PacketRow = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if row is None:
            return False
        if self.conversation is not None and row.conversation != self.conversation:
            return False
        if self.text:
            haystack = f"{row.source} {row.destination} {row.protocol} {row.summary}".casefold()
            return self.text in haystack
        return True


class PacketViewer(QWidget):
    """Packet list over decoded fields and bytes of the selected frame.

    Signals:
        status(str): a message for the status bar.
        loaded(int): every frame is listed (the count).
        details_shown(int): the selected frame's fields are shown (its number).
    """

    status = Signal(str)
    loaded = Signal(int)
    details_shown = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: MemberSource | None = None
        self.model = RowsModel(PACKET_COLUMNS, self)
        self.proxy = PacketFilter(self)
        self.proxy.setSourceModel(self.model)
        self._tasks: list[Task] = []
        self._detail_task: Task | None = None
        self._pending: int | None = None
        self._done = False

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_box = QLineEdit(placeholderText="Filter: address, port, protocol, flags")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._apply_filter)
        self.follow = QPushButton("Follow conversation")
        self.follow.setCheckable(True)
        self.follow.toggled.connect(self._apply_filter)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((70, 120, 180, 180, 80, 70)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.detail = QPlainTextEdit(readOnly=True)
        self.detail.setFont(monospace_font())
        self.detail.setPlaceholderText("Select a packet to decode it")

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.follow)
        viewer_layout(self, self.title, bar,
                      body=vertical_split(self.table, self.detail, (3, 2)), footer=self.info)

    def show_evidence(self, source: MemberSource, locator: Locator | None = None) -> None:
        if self.source != source:
            self.load(source)
        if isinstance(locator, PacketLocator):
            self._pending = locator.index
            self._select_pending()

    def load(self, source: MemberSource) -> None:
        self.close_source()
        self.source = source
        self._done = False
        self.model.reset()
        self.detail.clear()
        self.follow.setChecked(False)
        self.title.setText(source.path)
        self.info.setText("reading…")
        task = Task(load_packets, source, name="packets", parent=self)
        task.partial.connect(self._on_rows)
        task.finished.connect(self._on_loaded)
        task.failed.connect(lambda message: self.info.setText(f"Cannot read: {message}"))
        self._tasks = [task.start()]

    def close_source(self) -> None:
        stop_tasks([*self._tasks, self._detail_task])
        self._tasks = []
        self._detail_task = None
        self.source = None

    def wait_idle(self, timeout: float = 5.0) -> None:
        stop_tasks([*self._tasks, self._detail_task], timeout)

    def _on_rows(self, rows: list[PacketRow]) -> None:
        self.model.append(rows)
        self.info.setText(f"reading… {self.model.rowCount():,} frames")
        self._select_pending()

    def _on_loaded(self, result: LoadResult) -> None:
        self._done = True
        text = f"{result.frames:,} frames"
        if result.truncated:
            text += f" (list stops at {MAX_ROWS:,})"
        if result.error:
            text += f"; stopped at a bad record: {result.error}"
        self.info.setText(text)
        self._select_pending()
        self.loaded.emit(result.frames)

    def _select_pending(self) -> None:
        number = self._pending
        if number is None or (number > self.model.rowCount() and not self._done):
            return
        self._pending = None
        if not 1 <= number <= self.model.rowCount():
            self.status.emit(f"Packet {number} is not in the capture")
            return
        if self.proxy.rowCount() < self.model.rowCount():
            self.follow.setChecked(False)
            self.filter_box.clear()
        source_index = self.model.index(number - 1, 0)
        index = self.proxy.mapFromSource(source_index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _apply_filter(self) -> None:
        conversation = None
        if self.follow.isChecked():
            current = self.table.currentIndex()
            row = current.data(ROW_ROLE) if current.isValid() else None
            conversation = row.conversation if row is not None else None
            if conversation is None:
                self.follow.setChecked(False)
        self.proxy.set_filter(conversation, self.filter_box.text())
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: PacketRow | None = current.data(ROW_ROLE) if current.isValid() else None
        if row is None or self.source is None:
            return
        if self._detail_task is not None:
            self._detail_task.cancel()
        self.detail.setPlainText(f"Decoding frame {row.number}…")
        task = Task(packet_details, self.source, row.number, name="packet-detail", parent=self)
        task.finished.connect(lambda text, number=row.number: self._show_detail(number, text))
        task.failed.connect(lambda message: self.detail.setPlainText(f"Cannot decode: {message}"))
        self._detail_task = task.start()

    def _show_detail(self, number: int, text: str) -> None:
        current = self.table.currentIndex().data(ROW_ROLE)
        if current is not None and current.number == number:
            self.detail.setPlainText(text)
            self.details_shown.emit(number)
