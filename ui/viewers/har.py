"""HAR entries: a waterfall over time with timing phases, status and size, and the selected
entry's request and response headers with every credential masked.

The HAR is parsed off the GUI thread (orjson; HAR files are JSON documents, read whole,
up to ``MAX_HAR_BYTES``). Each entry becomes a ``HarEntry`` holding only what is shown;
URLs, headers, cookies and request bodies go through ``inspector.privacy.secrets`` before they
are stored, so a secret never reaches a widget, the clipboard or a screenshot.
Entries are numbered from 1 in file order, as ``EntryLocator`` numbers them.

>>> entry = har_entry(1, {"startedDateTime": "2024-05-01T09:14:02.000Z", "time": 120,
...     "request": {"method": "GET", "url": "https://api.test/v1?access_token=abcdef123456",
...                 "headers": [{"name": "Authorization", "value": "Bearer abcdefghijklmnopqrst"}]},
...     "response": {"status": 0, "headers": [], "content": {"size": -1}},
...     "timings": {"wait": 100, "receive": 20}})
>>> entry.url
'https://api.test/v1?access_token=…[12 chars]'
>>> "abcdefghijklmnopqrst" in entry.headers
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from inspector.model import EntryLocator, Locator, parse_time
from inspector.privacy.secrets import redact, scan_body, scan_header, scan_url
from ui.models import ROW_ROLE, Column, RowsModel
from ui.viewers import MemberSource
from ui.viewers.text import monospace_font, vertical_split, viewer_layout
from ui.worker import Task, TaskState, stop_tasks

MAX_HAR_BYTES = 512 * 1024**2
BODY_CHARS = 4000
PHASES = ("blocked", "dns", "connect", "ssl", "send", "wait", "receive")
PHASE_COLOURS = {"blocked": QColor("#9e9e9e"), "dns": QColor("#26a69a"),
                 "connect": QColor("#ef6c00"), "ssl": QColor("#8e24aa"),
                 "send": QColor("#1e88e5"), "wait": QColor("#43a047"),
                 "receive": QColor("#3949ab")}


@dataclass(frozen=True)
class HarEntry:
    """One HAR entry as shown (secrets already masked).

    Attributes:
        started: when the request started (UTC), or None when the HAR lacks it.
        timings: phase -> milliseconds (only phases with a positive time).
        headers: the request and response text shown under the list, masked.
    """

    number: int
    started: datetime | None
    method: str
    url: str
    status: int
    status_text: str
    mime_type: str
    size: int
    total_ms: float
    timings: dict[str, float] = field(default_factory=dict)
    headers: str = ""


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and value > 0 else 0.0


def _header_lines(headers: Any) -> list[str]:
    lines = []
    for header in headers if isinstance(headers, list) else []:
        if not isinstance(header, dict):
            continue
        name, value = str(header.get("name", "")), str(header.get("value", ""))
        lines.append(f"{name}: {redact(value, scan_header(name, value))}")
    return lines


def _cookie_lines(cookies: Any) -> list[str]:
    lines = []
    for cookie in cookies if isinstance(cookies, list) else []:
        if isinstance(cookie, dict):
            pair = f"{cookie.get('name', '')}={cookie.get('value', '')}"
            lines.append("  " + redact(pair, scan_header("Cookie", pair)))
    return lines


def har_entry(number: int, entry: dict[str, Any]) -> HarEntry:
    request = entry.get("request") if isinstance(entry.get("request"), dict) else {}
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    timings = entry.get("timings") if isinstance(entry.get("timings"), dict) else {}
    url = str(request.get("url", ""))
    url = redact(url, scan_url(url))
    try:
        started = parse_time(entry.get("startedDateTime"))
    except (ValueError, TypeError):
        started = None
    status = response.get("status") if isinstance(response.get("status"), int) else 0
    method = str(request.get("method", ""))
    text = [f"{method} {url} {request.get('httpVersion', '')}".rstrip(),
            *_header_lines(request.get("headers"))]
    cookies = _cookie_lines(request.get("cookies"))
    if cookies:
        text += ["", "Request cookies:", *cookies]
    post = request.get("postData") if isinstance(request.get("postData"), dict) else {}
    if post.get("text"):
        body = str(post["text"])[:BODY_CHARS]
        text += ["", "Request body:", redact(body, scan_body(body, str(post.get("mimeType", ""))))]
    text += ["", f"{response.get('httpVersion', '')} {status} "
                 f"{response.get('statusText', '')}".strip(),
             *_header_lines(response.get("headers"))]
    error = entry.get("_error") or response.get("_error")
    if error:
        text += ["", f"Error: {error}"]
    size = content.get("size") if isinstance(content.get("size"), int) else -1
    body_size = response.get("bodySize") if isinstance(response.get("bodySize"), int) else -1
    return HarEntry(number, started, method, url, status,
                    str(response.get("statusText", "")), str(content.get("mimeType", "")),
                    max(size, body_size, 0), _number(entry.get("time")),
                    {phase: _number(timings.get(phase)) for phase in PHASES
                     if _number(timings.get(phase))},
                    "\n".join(text))


def load_har(state: TaskState, source: MemberSource) -> list[HarEntry]:
    """Parse the HAR and return its entries (raises ``ValueError`` when it is not one)."""
    with source.open() as stream:
        data = stream.read(MAX_HAR_BYTES + 1)
    if len(data) > MAX_HAR_BYTES:
        raise ValueError(f"HAR larger than {MAX_HAR_BYTES // 1024**2} MB: open it as text")
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    entries = document.get("log", {}).get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("no log.entries in this file")
    rows = []
    for number, entry in enumerate(entries, 1):
        if state.cancelled:
            break
        if isinstance(entry, dict):
            rows.append(har_entry(number, entry))
    return rows


def _status_colour(entry: HarEntry) -> QColor | None:
    if entry.status == 0 or entry.status >= 500:
        return QColor("#c62828")
    if entry.status >= 400:
        return QColor("#ef6c00")
    return None


HAR_COLUMNS = (
    Column("#", lambda e: str(e.number), lambda e: e.number, align_right=True),
    Column("Started", lambda e: e.started.strftime("%H:%M:%S.%f")[:-3] if e.started else "",
           lambda e: e.started.isoformat() if e.started else ""),
    Column("Method", lambda e: e.method),
    Column("Status", lambda e: str(e.status), lambda e: e.status, _status_colour),
    Column("URL", lambda e: e.url),
    Column("Type", lambda e: e.mime_type),
    Column("Size", lambda e: f"{e.size:,}", lambda e: e.size, align_right=True),
    Column("Time (ms)", lambda e: f"{e.total_ms:,.0f}", lambda e: e.total_ms, align_right=True),
    Column("Waterfall", lambda e: "", lambda e: e.started.isoformat() if e.started else ""),
)
WATERFALL_COLUMN = len(HAR_COLUMNS) - 1


class WaterfallDelegate(QStyledItemDelegate):
    """Draws each entry's phases on a time axis shared by every row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = 0.0
        self.span = 1.0

    def set_range(self, entries: list[HarEntry]) -> None:
        started = [e.started.timestamp() for e in entries if e.started]
        if not started:
            self.start, self.span = 0.0, 1.0
            return
        ends = [e.started.timestamp() + e.total_ms / 1000 for e in entries if e.started]
        self.start = min(started)
        self.span = max(max(ends) - self.start, 0.001)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        entry: HarEntry | None = index.data(ROW_ROLE)
        if entry is None or entry.started is None:
            return
        rect: QRect = option.rect.adjusted(2, 4, -2, -4)  # type: ignore[attr-defined]
        scale = rect.width() / self.span
        x = rect.left() + (entry.started.timestamp() - self.start) * scale
        painter.save()
        if not entry.timings:
            painter.fillRect(int(x), rect.top(), max(2, int(entry.total_ms / 1000 * scale)),
                             rect.height(), PHASE_COLOURS["wait"])
        for phase in PHASES:
            width = entry.timings.get(phase, 0.0) / 1000 * scale
            if width > 0:
                painter.fillRect(int(x), rect.top(), max(1, round(width)), rect.height(),
                                 PHASE_COLOURS[phase])
                x += width
        painter.restore()


def phase_legend() -> QWidget:
    """The waterfall's key: a swatch in each phase's colour, then its name."""
    legend = QWidget()
    layout = QHBoxLayout(legend)
    layout.setContentsMargins(4, 2, 4, 2)
    title = QLabel("Waterfall phases:")
    title.setTextFormat(Qt.TextFormat.PlainText)
    layout.addWidget(title)
    size = title.fontMetrics().height() - 4
    for phase in PHASES:
        swatch = QPixmap(size, size)
        swatch.fill(PHASE_COLOURS[phase])
        icon = QLabel()
        icon.setPixmap(swatch)
        icon.setObjectName(f"phase-{phase}")
        name = QLabel(phase)
        name.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(icon)
        layout.addWidget(name)
        layout.addSpacing(8)
    layout.addStretch()
    return legend


class HarViewer(QWidget):
    """HAR entries with a waterfall, and the selected entry's headers.

    Signals:
        status(str): a message for the status bar.
        loaded(int): the entries are listed (the count).
    """

    status = Signal(str)
    loaded = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: MemberSource | None = None
        self.model = RowsModel(HAR_COLUMNS, self)
        self._task: Task | None = None
        self._pending: int | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.legend = phase_legend()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.waterfall = WaterfallDelegate(self.table)
        self.table.setItemDelegateForColumn(WATERFALL_COLUMN, self.waterfall)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 40), (1, 100), (2, 60), (3, 55), (4, 260), (5, 110), (6, 70),
                              (7, 70)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_selected)
        self.headers = QPlainTextEdit(readOnly=True)
        self.headers.setFont(monospace_font())
        self.headers.setPlaceholderText("Select an entry to see its headers (credentials "
                                        "masked)")
        viewer_layout(self, self.title, body=vertical_split(self.table, self.headers),
                      footer=self.legend)

    def show_evidence(self, source: MemberSource, locator: Locator | None = None) -> None:
        if isinstance(locator, EntryLocator):
            self._pending = locator.index
        if self.source != source:
            self.load(source)
        else:
            self._select_pending()

    def load(self, source: MemberSource) -> None:
        self.close_source()
        self.source = source
        self.model.reset()
        self.headers.clear()
        self.title.setText(f"{source.path} · reading…")
        task = Task(load_har, source, name="har", parent=self)
        task.finished.connect(self._on_loaded)
        task.failed.connect(self._on_failed)
        self._task = task.start()

    def close_source(self) -> None:
        stop_tasks([self._task])
        self._task = None
        self.source = None

    def wait_idle(self, timeout: float = 5.0) -> None:
        stop_tasks([self._task], timeout)

    def _on_failed(self, message: str) -> None:
        self.title.setText(f"{self.source.path if self.source else ''} · cannot read: {message}")
        self.status.emit(f"Cannot read the HAR: {message}")

    def _on_loaded(self, entries: list[HarEntry]) -> None:
        self.waterfall.set_range(entries)
        self.model.reset(entries)
        failed = sum(1 for e in entries if e.status == 0 or e.status >= 400)
        self.title.setText(f"{self.source.path if self.source else ''} · {len(entries):,} "
                           f"entries, {failed:,} failed or erroneous")
        self._select_pending()
        self.loaded.emit(len(entries))

    def _select_pending(self) -> None:
        if self._pending is None or not self.model.rowCount():
            return
        number, self._pending = self._pending, None
        if not 1 <= number <= self.model.rowCount():
            self.status.emit(f"Entry {number} is not in the HAR")
            return
        index = self.model.index(number - 1, 0)
        self.table.selectRow(number - 1)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry: HarEntry | None = current.data(ROW_ROLE) if current.isValid() else None
        self.headers.setPlainText(entry.headers if entry else "")
