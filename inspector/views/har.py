"""HAR entries as the HAR viewer lists them (DevTools' Network panel): status, type, size,
the waterfall's phases, what the Headers, Payload, Response and Timing tabs show, and the
filter by text, status class and type.

The HAR is read through ``inspector.formats.har.HarReader``, the one HAR reader: it streams
the document an entry at a time, so memory follows what is kept (one ``HarEntry`` per
entry, holding only what is shown), not the file. A document that breaks after some
entries keeps them, and ``HarLoad.error`` says where it stopped. URLs, headers, cookies and
request bodies go through ``inspector.privacy.secrets`` before they are stored, so a secret
never reaches a widget, the clipboard or a screenshot. Response bodies are not kept: the
Response tab reads the selected entry's body again (``response_body``), masked the same way
and cut at ``RESPONSE_CHARS``. Entries are numbered from 1 in file order, as ``EntryLocator``
numbers them (an entry that is not an object keeps its number).

A request that got no response (status 0) reads as DevTools writes it: ``(failed)
net::ERR_CERT_DATE_INVALID``, with the browser's reason when the HAR records one.

>>> entry = har_entry(1, {"startedDateTime": "2024-05-01T09:14:02.000Z", "time": 120,
...     "_resourceType": "fetch",
...     "request": {"method": "GET", "url": "https://api.test/v1?access_token=abcdef123456",
...                 "headers": [{"name": "Authorization", "value": "Bearer abcdefghijklmnopqrst"}]},
...     "response": {"status": 0, "headers": [], "content": {"size": -1},
...                  "_error": "net::ERR_CERT_DATE_INVALID"},
...     "timings": {"wait": 100, "receive": 20}})
>>> entry.url
'https://api.test/v1?access_token=…[12 chars]'
>>> "abcdefghijklmnopqrst" in entry.headers, status_class(entry), entry.status_label
(False, 'failed', '(failed) net::ERR_CERT_DATE_INVALID')
>>> har_matches(entry, HarFilter("api.test", frozenset({"failed"}), frozenset({"fetch"})))
True
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from inspector.formats.har import HarFormatError, HarReader
from inspector.model import parse_time
from inspector.privacy.secrets import redact, scan_body, scan_header, scan_url
from inspector.views.source import MemberSource, State

BODY_CHARS = 4000
RESPONSE_CHARS = 256 * 1024
# The waterfall's phases in the order they happen; palette.toml's [har_phase] names them.
PHASES = ("blocked", "dns", "connect", "ssl", "send", "wait", "receive")
PHASE_NAMES = {"blocked": "Queueing and stalled", "dns": "DNS lookup",
               "connect": "Initial connection", "ssl": "SSL", "send": "Request sent",
               "wait": "Waiting for server response (TTFB)", "receive": "Content download"}
# DevTools' type filter buttons, and the resource types (Chrome's ``_resourceType``) each holds.
TYPES = {"fetch": "Fetch/XHR", "document": "Doc", "stylesheet": "CSS", "script": "JS",
         "font": "Font", "image": "Img", "media": "Media", "websocket": "WS", "other": "Other"}
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx", "failed")
_MIME_TYPES = (("json", "fetch"), ("xml", "fetch"), ("html", "document"), ("css", "stylesheet"),
               ("javascript", "script"), ("ecmascript", "script"), ("font", "font"),
               ("image/", "image"), ("audio/", "media"), ("video/", "media"))


@dataclass(frozen=True)
class HarEntry:
    """One HAR entry as shown (secrets already masked).

    Attributes:
        started: when the request started (UTC), or None when the HAR lacks it.
        error: why there is no response (the browser's ``net::ERR_...``), or empty.
        resource_type: a ``TYPES`` key: what DevTools' type filter files it under.
        timings: phase -> milliseconds (only phases with a positive time).
        headers: the request and response headers, as the Headers tab shows them.
        payload: the query string parameters and the request body, as the Payload tab does.
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
    payload: str = ""
    error: str = ""
    resource_type: str = "other"

    @property
    def status_label(self) -> str:
        """The Status column: the code, or ``(failed)`` and the browser's reason."""
        if self.status == 0:
            return f"(failed) {self.error}".rstrip()
        return f"{self.status} {self.status_text}".rstrip()

    @property
    def host(self) -> str:
        try:
            return urlsplit(self.url).hostname or ""
        except ValueError:  # a masked password reads like a bad IPv6 literal to urlsplit
            return ""

    def timing_rows(self) -> list[tuple[str, float]]:
        """The Timing tab: each phase's name and milliseconds, in the order they happen."""
        return [(PHASE_NAMES[phase], self.timings[phase]) for phase in PHASES
                if phase in self.timings]


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


def status_group(entry: HarEntry) -> str:
    """The status filter's class of an entry: ``2xx`` ... ``5xx``, or ``failed``."""
    if entry.status <= 0 or entry.status >= 600:
        return "failed"
    return f"{entry.status // 100}xx" if entry.status >= 200 else "2xx"


@dataclass(frozen=True)
class HarFilter:
    """What the HAR viewer's filter bar keeps.

    ``text`` is words that must all be in the URL (any case), or DevTools' properties:
    ``status-code:404``, ``method:POST``, ``domain:api.example.com``, ``mime-type:json``; a
    word with a leading ``-`` must not match. Empty ``statuses``/``types`` keep all.
    """

    text: str = ""
    statuses: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()


def _word_matches(entry: HarEntry, word: str) -> bool:
    name, colon, value = word.partition(":")
    if colon and name in ("status-code", "method", "domain", "mime-type") and value:
        if name == "status-code":
            return str(entry.status) == value
        if name == "method":
            return entry.method.casefold() == value
        if name == "domain":
            return entry.host.casefold().endswith(value)
        return value in entry.mime_type.casefold()
    return word in entry.url.casefold()


def har_matches(entry: HarEntry, wanted: HarFilter) -> bool:
    """Whether the filter bar keeps ``entry`` (see ``HarFilter``)."""
    if wanted.statuses and status_group(entry) not in wanted.statuses:
        return False
    if wanted.types and entry.resource_type not in wanted.types:
        return False
    for word in wanted.text.casefold().split():
        negated = word.startswith("-") and len(word) > 1
        if _word_matches(entry, word[1:] if negated else word) == negated:
            return False
    return True


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


def _resource_type(entry: dict[str, Any], mime_type: str) -> str:
    declared = str(entry.get("_resourceType") or "").lower()
    if declared in ("xhr", "fetch", "eventsource"):
        return "fetch"
    if declared in TYPES:
        return declared
    lowered = mime_type.lower()
    return next((kind for part, kind in _MIME_TYPES if part in lowered), "other")


def _payload(request: dict[str, Any], url: str) -> str:
    lines = []
    query = url.partition("?")[2].partition("#")[0]
    if query:
        lines.append("Query string parameters:")
        lines += [f"  {pair}" for pair in query.split("&") if pair]
    post = request.get("postData") if isinstance(request.get("postData"), dict) else {}
    if post.get("text"):
        body = str(post["text"])[:BODY_CHARS]
        mime = str(post.get("mimeType", ""))
        lines += ["", f"Request body ({mime or 'no type'}):",
                  redact(body, scan_body(body, mime))]
        if len(str(post["text"])) > BODY_CHARS:
            lines.append(f"[the first {BODY_CHARS:,} characters]")
    return "\n".join(lines).strip("\n")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def har_entry(number: int, entry: dict[str, Any]) -> HarEntry:
    request, response = _dict(entry.get("request")), _dict(entry.get("response"))
    content, timings = _dict(response.get("content")), _dict(entry.get("timings"))
    url = str(request.get("url", ""))
    url = redact(url, scan_url(url))
    try:
        started = parse_time(entry.get("startedDateTime"))
    except (ValueError, TypeError):
        started = None
    status = response.get("status") if isinstance(response.get("status"), int) else 0
    method = str(request.get("method", ""))
    error = str(entry.get("_error") or response.get("_error") or "")
    text = ["Request", f"{method} {url} {request.get('httpVersion', '')}".rstrip(),
            *_header_lines(request.get("headers"))]
    cookies = _cookie_lines(request.get("cookies"))
    if cookies:
        text += ["", "Request cookies:", *cookies]
    text += ["", "Response", f"{response.get('httpVersion', '')} {status} "
                             f"{response.get('statusText', '')}".strip(),
             *_header_lines(response.get("headers"))]
    if error:
        text += ["", f"Error: {error}"]
    size = content.get("size") if isinstance(content.get("size"), int) else -1
    body_size = response.get("bodySize") if isinstance(response.get("bodySize"), int) else -1
    mime_type = str(content.get("mimeType", ""))
    return HarEntry(number, started, method, url, status,
                    str(response.get("statusText", "")), mime_type,
                    max(size, body_size, 0), _number(entry.get("time")),
                    {phase: _number(timings.get(phase)) for phase in PHASES
                     if _number(timings.get(phase))},
                    "\n".join(text), _payload(request, url), error,
                    _resource_type(entry, mime_type))


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


def response_body(state: State, source: MemberSource, number: int) -> str:
    """Entry ``number``'s response body as the Response tab shows it: text masked like a
    request body, cut at ``RESPONSE_CHARS``; binary bodies are described, not shown."""
    with source.open() as stream:
        for index, entry in enumerate(HarReader(stream).entries(), 1):
            if state.cancelled:
                return ""
            if index == number:
                return _body_text(_dict(_dict(_dict(entry).get("response")).get("content")))
    return f"Entry {number} is not in the HAR."


def _body_text(content: dict[str, Any]) -> str:
    text = content.get("text")
    mime = str(content.get("mimeType", ""))
    if not isinstance(text, str) or not text:
        return "This request has no response data in the HAR."
    if content.get("encoding") == "base64":
        try:
            raw = base64.b64decode(text[:RESPONSE_CHARS * 2], validate=False)
        except (binascii.Error, ValueError):
            return "The body is marked base64 but does not decode."
        if not _textual(mime):
            return f"Binary body ({mime or 'no type'}), not shown."
        text = raw.decode("utf-8", "replace")
    body = text[:RESPONSE_CHARS]
    shown = redact(body, scan_body(body, mime))
    if len(text) > RESPONSE_CHARS:
        shown += f"\n[the first {RESPONSE_CHARS:,} characters of {len(text):,}]"
    return shown


def _textual(mime: str) -> bool:
    lowered = mime.lower()
    return lowered.startswith("text/") or any(part in lowered for part in (
        "json", "xml", "javascript", "ecmascript", "x-www-form-urlencoded", "svg"))
