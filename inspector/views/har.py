"""HAR entries as the HAR viewer lists them: the waterfall's phases, status, size, and the
request and response text with every credential masked.

The HAR is read through ``inspector.formats.har.HarReader``, the one HAR reader: it streams
the document an entry at a time, so memory follows what is kept (one ``HarEntry`` per
entry, holding only what is shown), not the file. A document that breaks after some
entries keeps them, and ``HarLoad.error`` says where it stopped. URLs, headers, cookies and
request bodies go through ``inspector.privacy.secrets`` before they are stored, so a secret
never reaches a widget, the clipboard or a screenshot. Entries are numbered from 1 in file
order, as ``EntryLocator`` numbers them (an entry that is not an object keeps its number).

>>> entry = har_entry(1, {"startedDateTime": "2024-05-01T09:14:02.000Z", "time": 120,
...     "request": {"method": "GET", "url": "https://api.test/v1?access_token=abcdef123456",
...                 "headers": [{"name": "Authorization", "value": "Bearer abcdefghijklmnopqrst"}]},
...     "response": {"status": 0, "headers": [], "content": {"size": -1}},
...     "timings": {"wait": 100, "receive": 20}})
>>> entry.url
'https://api.test/v1?access_token=…[12 chars]'
>>> "abcdefghijklmnopqrst" in entry.headers, status_class(entry)
(False, 'failed')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inspector.formats.har import HarFormatError, HarReader
from inspector.model import parse_time
from inspector.privacy.secrets import redact, scan_body, scan_header, scan_url
from inspector.views.source import MemberSource, State

BODY_CHARS = 4000
# The waterfall's phases in the order they happen; palette.toml's [har_phase] names them.
PHASES = ("blocked", "dns", "connect", "ssl", "send", "wait", "receive")


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


@dataclass(frozen=True)
class HarLoad:
    """What ``load_har`` read.

    Attributes:
        error: why reading stopped before the end of the document, or None.
    """

    entries: list[HarEntry]
    error: str | None = None


def status_class(entry: HarEntry) -> str | None:
    """``failed`` (no response, or 5xx), ``client_error`` (4xx) or None: how the status
    column marks an entry (palette.toml's ``[har_status]`` colours them)."""
    if entry.status == 0 or entry.status >= 500:
        return "failed"
    if entry.status >= 400:
        return "client_error"
    return None


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


def load_har(state: State, source: MemberSource) -> HarLoad:
    """The HAR's entries; raises ``HarFormatError`` when not one could be read."""
    rows: list[HarEntry] = []
    with source.open() as stream:
        try:
            for number, entry in enumerate(HarReader(stream).entries(), 1):
                if state.cancelled:
                    break
                if isinstance(entry, dict):
                    rows.append(har_entry(number, entry))
        except HarFormatError as exc:
            if not rows:
                raise
            return HarLoad(rows, str(exc))
    return HarLoad(rows)
