"""A bundle member as citable plain text: what training mode shows a trainee.

``render_artifact`` never raises on bad content (a damaged member is itself something to
look at) and caps what it renders at ``MAX_VIEW_LINES`` lines or ``MAX_VIEW_BYTES`` bytes:
text as is, captures as one line per packet, HAR as one line per entry, SQL dumps as text
whose lines stand for their statements, anything else as a hex dump. Each line remembers
the locator it stands for (``ArtifactView.locators``), so a selection becomes a citation: a
line range for text, the packets, entries or statements under the selection otherwise.
Secrets the shared scanner recognizes are masked in what is shown (tokens in HAR URLs,
Authorization lines in logs).

Every format is read by its one reader in ``inspector.formats`` (``pcap``, ``har``,
``sqlsplit``), and packets are described with ``inspector.views.packets``' names, the same
words the analyzers' findings use.

>>> view = ArtifactView("a\\nb", [LineLocator(1), LineLocator(2)])
>>> view.locators[1].describe()
'line 2'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from inspector.bundle import Bundle
from inspector.formats.har import HarFormatError, HarReader
from inspector.formats.pcap import CaptureError, decode, read_packets
from inspector.formats.protocols import tcp_flag_names
from inspector.formats.sqlsplit import split_statements
from inspector.model import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    EntryLocator,
    LineLocator,
    Locator,
    OffsetLocator,
    PacketLocator,
    StatementLocator,
    WholeLocator,
)
from inspector.privacy.secrets import redact, scan_text, scan_url
from inspector.views.dissect import dns_summary, tls_summary

MAX_VIEW_LINES = 5_000
MAX_VIEW_BYTES = 2 * 1024 * 1024
HEX_DUMP_BYTES = 4_096
URL_CHARS = 300


@dataclass(frozen=True)
class ArtifactView:
    """An artifact as plain text; ``locators[i]`` is what line ``i + 1`` stands for.

    Attributes:
        note: what the text leaves out (cut, damaged, binary), or empty.
    """

    text: str
    locators: list[Locator]
    note: str = ""


def _masked(text: str) -> str:
    return redact(text, scan_text(text))


def _text_view(stream: BinaryIO) -> ArtifactView:
    data = stream.read(MAX_VIEW_BYTES + 1)
    cut = len(data) > MAX_VIEW_BYTES
    lines = data[:MAX_VIEW_BYTES].decode("utf-8", "replace").splitlines()
    if len(lines) > MAX_VIEW_LINES:
        lines, cut = lines[:MAX_VIEW_LINES], True
    note = f"only the first {len(lines):,} lines are shown" if cut else ""
    return ArtifactView("\n".join(_masked(line) for line in lines),
                        [LineLocator(number) for number in range(1, len(lines) + 1)], note)


def _sql_view(stream: BinaryIO) -> ArtifactView:
    """A dump as text, each line standing for the statement it belongs to."""
    view = _text_view(stream)
    data = view.text.encode("utf-8", "surrogateescape")
    starts = [(statement.line, statement.index) for statement in split_statements(data)]
    locators: list[Locator] = []
    current: Locator | None = None
    pending = iter(starts)
    upcoming = next(pending, None)
    for line in range(1, len(view.locators) + 1):
        while upcoming is not None and upcoming[0] <= line:
            current = StatementLocator(upcoming[1], upcoming[0])
            upcoming = next(pending, None)
        locators.append(current or LineLocator(line))
    return ArtifactView(view.text, locators, view.note)


def _packet_view(stream: BinaryIO) -> ArtifactView:
    lines: list[str] = []
    locators: list[Locator] = []
    note = ""
    try:
        for packet in read_packets(stream):
            if len(lines) >= MAX_VIEW_LINES:
                note = f"only the first {MAX_VIEW_LINES:,} packets are shown"
                break
            moment = datetime.fromtimestamp(packet.time, UTC).strftime("%H:%M:%S.%f")
            transport = decode(packet)
            if transport is None:
                info = f"non-IP frame, {packet.wire_length} bytes"
            else:
                ends = (f"{transport.src}:{transport.src_port} \u2192 "
                        f"{transport.dst}:{transport.dst_port}")
                if transport.protocol == 6:
                    info = (f"TCP {ends} [{tcp_flag_names(transport.tcp_flags)}] "
                            f"len={transport.payload_length} {tls_summary(transport.payload)}")
                elif transport.protocol == 17 and 53 in (transport.src_port,
                                                         transport.dst_port):
                    info = f"UDP {ends} {dns_summary(transport.payload)}"
                else:
                    info = f"IP proto {transport.protocol} {transport.src} \u2192 {transport.dst}"
            lines.append(f"{packet.index:>6}  {moment}  {info.rstrip()}")
            locators.append(PacketLocator(packet.index))
    except CaptureError as exc:
        note = f"the capture is damaged after packet {len(lines)}: {exc}"
    return ArtifactView("\n".join(lines), locators, note)


def _har_line(number: int, raw: Any) -> str:
    entry = raw if isinstance(raw, dict) else {}
    request = entry.get("request") if isinstance(entry.get("request"), dict) else {}
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    url = str(request.get("url", ""))
    url = redact(url, scan_url(url))
    error = response.get("_error") or ""
    took = entry.get("time")
    duration = f"{took:.0f} ms" if isinstance(took, int | float) else ""
    return (f"{number:>5}  {entry.get('startedDateTime', '')}  "
            f"{request.get('method', '')} {url[:URL_CHARS]}  \u2192 "
            f"{response.get('status', '')} {error}  {duration}").rstrip()


def _har_view(stream: BinaryIO) -> ArtifactView | None:
    """One line per entry; None when not one entry can be read (shown as text instead)."""
    lines: list[str] = []
    note = ""
    try:
        for number, raw in enumerate(HarReader(stream).entries(), 1):
            if number > MAX_VIEW_LINES:
                note = f"only the first {MAX_VIEW_LINES:,} entries are shown"
                break
            lines.append(_har_line(number, raw))
    except HarFormatError as exc:
        if not lines:
            return None
        note = f"the HAR is damaged after entry {len(lines)}: {exc}"
    return ArtifactView("\n".join(lines),
                        [EntryLocator(n) for n in range(1, len(lines) + 1)], note)


def _hex_view(stream: BinaryIO) -> ArtifactView:
    data = stream.read(HEX_DUMP_BYTES + 1)
    lines = []
    for offset in range(0, min(len(data), HEX_DUMP_BYTES), 16):
        chunk = data[offset:offset + 16]
        printable = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {chunk.hex(' '):<47}  {printable}")
    note = (f"binary: only the first {HEX_DUMP_BYTES:,} bytes are shown"
            if len(data) > HEX_DUMP_BYTES else "binary")
    return ArtifactView("\n".join(lines),
                        [OffsetLocator(offset) for offset in range(0, len(lines) * 16, 16)],
                        note)


def render_artifact(bundle: Bundle, artifact: Artifact) -> ArtifactView:
    """``artifact`` as capped plain text; never raises on bad content."""
    if artifact.status is ArtifactStatus.SKIPPED or artifact.kind is ArtifactKind.ARCHIVE:
        why = artifact.reason or "an archive: its members are listed separately"
        return ArtifactView(f"(not shown: {why})", [WholeLocator()])
    try:
        with bundle.open(artifact) as stream:
            if artifact.kind in (ArtifactKind.PCAP, ArtifactKind.PCAPNG):
                return _packet_view(stream)
            if artifact.kind is ArtifactKind.HAR:
                view = _har_view(stream)
                if view is not None:
                    return view
                with bundle.open(artifact) as again:
                    return _text_view(again)
            if artifact.kind is ArtifactKind.SQL_DUMP:
                return _sql_view(stream)
            if artifact.kind is ArtifactKind.BINARY:
                return _hex_view(stream)
            return _text_view(stream)
    except Exception as exc:  # a damaged member is itself something to look at
        return ArtifactView(f"(could not be read: {type(exc).__name__}: {exc})",
                            [WholeLocator()])
