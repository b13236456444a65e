"""HTTP analyzer: turns a browser or proxy HAR export into a diagnosis.

What it reports, for one HAR artifact:

- stats under ``"http"``: entry and page counts, status/method histograms, per-host requests,
  errors, bytes and time-to-first-byte percentiles, and a ``waterfall`` row per entry
  (start offset, timing phases, status, size, masked URL, failure reason) for the UI;
- findings, one rule each: ``http.server-errors``, ``http.client-errors``,
  ``http.failed-requests``, ``http.slow-responses``, ``http.redirect-loop``,
  ``http.mixed-content``, ``http.cors-failure``, ``http.large-payload``, ``http.caching``,
  ``http.expired-token``, ``http.credentials-exposed``; evidence is entry numbers (1-based);
- events for the cross-source timeline: failed (status 0) and 5xx entries, capped.

Decisions the next engineer needs:

- Reading is streaming: ``HarReader`` walks the document's outer objects itself and hands
  each value (each entry, ``pages``, ``creator``...) to orjson through a bounded window; a
  parse that stops with "unexpected content after document" tells where the value ends. So
  memory follows the largest entry, not the file, and a multi-GB export is readable. Values
  orjson refuses (lone surrogates, invalid UTF-8, NaN, numbers beyond a double) are retried
  with the standard library's lenient decoder; truncated, invalid or absurdly nested JSON
  stops the read with a recorded warning and the entries read so far are still analyzed.
- Exporter quirks: Firefox writes 0 (not -1) for unused phases, which reads as "no time";
  Chrome's ``_error``, ``_resourceType``, ``_transferSize``, ``_fromCache`` and
  ``_blocked_queueing`` are used when present; Charles's ``_charlesStatus`` names a failure;
  ``pages``/``pageref`` are optional; numbers written as strings are coerced and times
  without a zone read as UTC, each counted in one warning per field, not one per entry.
- Chrome (since 2024) exports without cookies and ``Authorization`` unless asked to. When a
  Chrome HAR carries none at all, the stats say the exporter omitted them
  (``credentials.omitted_by_exporter``) and the 401 finding says whether one was sent is
  unknown, instead of "none were sent".
- Secrets are found by ``inspector.privacy.secrets`` and only their masked form ever leaves
  this module: URLs in excerpts, facts and stats are redacted first.
- "Still valid" for a token means not expired at the *end of the capture* (the last entry),
  so the same HAR always gives the same answer; the finding states the expiry time.
- Response bodies are scanned for secrets only when they are JSON or form data, not base64,
  and either small (4 KB) or from an auth-looking path (login, token, session, user...,
  up to 256 KB): scripts and stylesheets are full of the word "token", and scanning every
  data response would halve the speed. Request bodies are always scanned (first 1 MB).

>>> import orjson
>>> from inspector.testing import run_analyzer
>>> har = {"log": {"version": "1.2", "entries": [{"startedDateTime": "2026-11-17T09:00:00Z",
...     "time": 12, "request": {"method": "GET", "url": "https://api.test/v1/x", "headers": []},
...     "response": {"status": 502, "headers": [], "content": {"size": 0}},
...     "timings": {"send": 1, "wait": 10, "receive": 1}}]}}
>>> run = run_analyzer(HttpAnalyzer(), orjson.dumps(har), name="case.har")
>>> sorted(run.rules()), run.stats["status"]
(['http.server-errors'], {'502': 1})
"""

from __future__ import annotations

import bisect
import functools
import lzma
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from inspector.formats.har import HarFormatError, HarReader
from inspector.model import (
    ArtifactKind,
    EntryLocator,
    Event,
    EventSource,
    Evidence,
    Finding,
    Severity,
    format_time,
)
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats
from inspector.privacy.secrets import (
    SecretKind,
    SecretMatch,
    redact,
    scan_body,
    scan_field,
    scan_header,
    scan_text,
    scan_url,
)
from inspector.rules import rule

SERVER_ERRORS = rule("http.server-errors", Severity.HIGH, "errors",
                     "Requests the server answered with a 5xx status")
CLIENT_ERRORS = rule("http.client-errors", Severity.MEDIUM, "errors",
                     "Requests refused with a 4xx status (401/403 bursts: authentication)")
FAILED_REQUESTS = rule("http.failed-requests", Severity.HIGH, "connectivity",
                       "Requests that got no response at all (status 0)")
SLOW_RESPONSES = rule("http.slow-responses", Severity.MEDIUM, "performance",
                      "Requests that waited long for the first byte, or queued in the browser")
REDIRECT_LOOP = rule("http.redirect-loop", Severity.HIGH, "errors",
                     "Redirects that loop, chain too long, or downgrade https to http")
MIXED_CONTENT = rule("http.mixed-content", Severity.MEDIUM, "security",
                     "Plain-http requests made by an https page")
CORS_FAILURE = rule("http.cors-failure", Severity.HIGH, "errors",
                    "Cross-origin requests the browser refuses: failed preflights, "
                    "missing Access-Control-Allow-Origin")
LARGE_PAYLOAD = rule("http.large-payload", Severity.LOW, "performance",
                     "Very large responses or requests, and big text sent uncompressed")
CACHING = rule("http.caching", Severity.LOW, "performance",
               "Static assets served without cache headers")
EXPIRED_TOKEN = rule("http.expired-token", Severity.HIGH, "authentication",
                     "A bearer JWT was sent after its exp time")
CREDENTIALS_EXPOSED = rule("http.credentials-exposed", Severity.HIGH, "security",
                           "The HAR carries credentials (cookies, tokens, keys, passwords)")

SLOW_WAIT_MS = 1_000.0
QUEUEING_MS = 1_000.0
LARGE_BYTES = 5 * 1024 * 1024
UNCOMPRESSED_TEXT_BYTES = 100 * 1024
LONG_REDIRECT_CHAIN = 5
AUTH_BURST = 3  # this many 401/403 answers make a burst worth calling out
MAX_EVENTS = 2_000
MAX_EVIDENCE = 8
MAX_GROUPS = 25  # findings per rule; the rest are summed into the last one's facts
BODY_SCAN_LIMIT = 256 * 1024  # response bodies of auth-looking paths (login, token, ...)
SMALL_BODY_SCAN_LIMIT = 4 * 1024  # other JSON responses: scanning them all costs half the time
_AUTH_PATH = re.compile(r"(?i)auth|token|login|logon|signin|sign-in|session|sso|oidc|saml"
                        r"|credential|key|account|/me\b|user")
URL_SHOWN = 300


# --- one entry, normalized ------------------------------------------------------------------


PHASES = ("blocked", "dns", "connect", "ssl", "send", "wait", "receive")
_STATIC_TYPES = {"script", "stylesheet", "image", "font", "media"}
_STATIC_EXTENSIONS = (".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp",
                      ".avif", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".mp4")
_TEXT_MIME = re.compile(r"^(?:text/|application/(?:[\w.+-]*\+)?(?:json|javascript|xml|"
                        r"x-javascript|ecmascript)|image/svg)")
_ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-fA-F-]{16,}|[\w-]*\d[\w-]*\d[\w-]{14,})$")


class Coercions:
    """Counts values coerced to numbers, per field, for one warning at the end."""

    def __init__(self) -> None:
        self.fields: dict[str, list[int]] = {}  # field -> [count, first entry]

    def note(self, where: str, entry: int) -> None:
        counted = self.fields.setdefault(where, [0, entry])
        counted[0] += 1

    def message(self) -> str | None:
        if not self.fields:
            return None
        parts = ", ".join(f"{name}: {count} (first in entry {first})"
                          for name, (count, first) in sorted(self.fields.items()))
        return f"values of the wrong type were coerced or left out: {parts}"


def _number(value: Any, where: str, entry: int, coercions: Coercions) -> float | None:
    """A HAR number; -1 (and anything negative) means "not available" and gives None."""
    if type(value) is int or type(value) is float:
        if value < 0:
            return None
        if math.isfinite(value):
            return float(value)
        coercions.note(where, entry)
        return None
    if value is None:
        coercions.note(where, entry)
        return None
    coercions.note(where, entry)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) and number >= 0 else None
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pairs(value: Any) -> list[tuple[str, str]]:
    """A HAR name/value list as (name, value) strings; anything else is dropped."""
    if not isinstance(value, list):
        return []
    pairs = []
    for item in value:
        if type(item) is dict:
            name, text = item.get("name"), item.get("value")
            if type(name) is str:
                pairs.append((name, text if type(text) is str else
                              "" if text is None else str(text)))
    return pairs


Headers = dict[str, str]  # lower-case name -> value of its first occurrence


def _by_name(pairs: list[tuple[str, str]]) -> Headers:
    index: Headers = {}
    for name, value in pairs:
        index.setdefault(name.lower(), value)
    return index


def _parse_time(value: Any) -> tuple[datetime | None, bool]:
    """The entry's start in UTC, and whether it had no zone (read as UTC then)."""
    if not isinstance(value, str):
        return None, False
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None, False
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC), True
    return parsed.astimezone(UTC), False


def path_template(path: str) -> str:
    """A path with its id-like segments replaced, so ``/orders/17`` groups with ``/orders/18``.

    >>> path_template("/v1/orders/123/items/9f8e7d6c-5b4a-3c2d-1e0f-a1b2c3d4e5f6")
    '/v1/orders/{id}/items/{id}'
    """
    return "/".join("{id}" if segment and _ID_SEGMENT.match(segment) else segment
                    for segment in path.split("/"))


def failure_reason(error: str) -> str:
    """A plain category for a status-0 entry's error text (Chrome's ``net::ERR_...``).

    >>> failure_reason("net::ERR_NAME_NOT_RESOLVED"), failure_reason("")
    ('DNS lookup failed', 'no reason recorded')
    """
    text = error.upper()
    for needles, reason in _FAILURE_REASONS:
        if any(needle in text for needle in needles):
            return reason
    return "no reason recorded" if not text.strip() else "other"


_FAILURE_REASONS = (
    (("CONNECTION_REFUSED", "ECONNREFUSED", "CONNECTION REFUSED"), "connection refused"),
    (("NAME_NOT_RESOLVED", "NAME_RESOLUTION", "ENOTFOUND", "DNS"), "DNS lookup failed"),
    (("CERT", "SSL", "TLS"), "certificate or TLS error"),
    (("TOO_MANY_REDIRECTS",), "too many redirects"),
    (("BLOCKED",), "blocked (by the browser, an extension or a policy)"),
    (("ABORTED", "CANCEL"), "aborted (cancelled by the page or the user)"),
    (("TIMED_OUT", "TIMEOUT"), "timed out"),
    (("CONNECTION_RESET", "CONNECTION_CLOSED", "EMPTY_RESPONSE", "ECONNRESET",
      "CONNECTION_ABORTED"), "connection reset or closed"),
    (("INTERNET_DISCONNECTED", "NETWORK_CHANGED", "ADDRESS_UNREACHABLE",
      "NETWORK_ACCESS_DENIED"), "network unreachable"),
    (("ERR_FAILED",), "failed (often a CORS refusal)"),
)

# Failures the browser chose (an extension or policy blocked the request, the page or the
# user cancelled it): nothing between the client and the server went wrong.
_CLIENT_SIDE_REASONS = frozenset({"blocked (by the browser, an extension or a policy)",
                                  "aborted (cancelled by the page or the user)"})


@dataclass(slots=True)
class Record:
    """What the findings need of one entry, after the raw entry is dropped."""

    index: int
    started: datetime | None
    method: str
    url: str  # masked and shortened
    scheme: str
    host: str
    path: str
    status: int
    status_text: str
    reason: str
    error: str
    wait: float | None
    queued: float | None
    time: float | None
    size: int
    resource_type: str
    from_cache: bool
    pageref: str
    redirect_to: str | None = None
    cors_problem: str | None = None
    payload_problem: str | None = None
    uncached_static: bool = False
    bearer_jwt_expired: tuple[str, datetime] | None = None  # (masked, exp)

    def excerpt(self) -> str:
        outcome = (f"failed: {self.error or self.reason}" if self.status == 0
                   else f"{self.status} {self.status_text}".rstrip())
        return f"{self.method} {self.url} -> {outcome}"[:URL_SHOWN + 80]


def _shown_url(url: str, matches: list[SecretMatch]) -> str:
    masked = redact(url, matches) if matches else url
    return masked if len(masked) <= URL_SHOWN else masked[:URL_SHOWN] + "…"


@dataclass(slots=True)
class Credential:
    """One distinct secret (by fingerprint) and where it was seen."""

    kind: SecretKind
    masked: str
    where: str
    name: str | None
    entries: list[int] = field(default_factory=list)
    expires_at: datetime | None = None


# --- the analyzer -----------------------------------------------------------------------------


class HttpAnalyzer:
    """Diagnoses a HAR file; see the module docstring."""

    name = "http"
    kinds = frozenset({ArtifactKind.HAR})
    rules = (SERVER_ERRORS, CLIENT_ERRORS, FAILED_REQUESTS, SLOW_RESPONSES, REDIRECT_LOOP,
             MIXED_CONTENT, CORS_FAILURE, LARGE_PAYLOAD, CACHING, EXPIRED_TOKEN,
             CREDENTIALS_EXPOSED)

    def analyze(self, source: ArtifactSource, context: AnalysisContext
                ) -> Iterator[AnalyzerItem]:
        artifact = source.artifact.path
        state = _State(artifact)
        size = max(source.artifact.size, 1)
        with source.open() as stream:
            reader = HarReader(stream)
            try:
                for raw in reader.entries():
                    state.add(raw)
                    if state.count % 256 == 0:
                        context.check_cancelled()
                        context.progress(min(reader.offset / size, 0.99))
            except HarFormatError as exc:
                context.warn(f"HAR read stopped after {state.count:,} entries: {exc}")
            except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                # A corrupt compressed member: what was read so far still counts.
                context.warn(f"reading the HAR failed after {state.count:,} entries: "
                             f"{type(exc).__name__}: {exc}")
        state.finish(reader.log)
        for message in state.warnings(reader):
            context.warn(message)
        yield Stats(state.stats(reader.log))
        yield from state.events()
        yield from _Diagnosis(state).findings()
        context.progress(1.0)


class _State:
    """Everything gathered while the entries stream by."""

    def __init__(self, artifact: str) -> None:
        self.artifact = artifact
        self.count = 0
        self.records: list[Record] = []
        self.waterfall: list[dict[str, Any]] = []
        self.coercions = Coercions()
        self.skipped: list[str] = []  # the first few, for the warning
        self.skipped_count = 0
        self.status: Counter[int] = Counter()
        self.methods: Counter[str] = Counter()
        self.host_requests: Counter[str] = Counter()
        self.host_errors: Counter[str] = Counter()
        self.host_bytes: Counter[str] = Counter()
        self.host_waits: dict[str, list[float]] = defaultdict(list)
        self.total_bytes = 0
        self.credentials: dict[tuple[str, SecretKind], Credential] = {}
        self.credential_entries: dict[SecretKind, set[int]] = defaultdict(set)
        self.request_credentials_seen = False
        self.first_start: datetime | None = None
        self.last_start: datetime | None = None
        self.chrome = False

    # -- per entry --

    def add(self, raw: Any) -> None:
        self.count += 1
        index = self.count
        if not isinstance(raw, dict):
            self._skip(f"entry {index} is not an object")
            return
        try:
            self._add(index, raw)
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            # The exception's text may quote a value (a token); its type says enough.
            self._skip(f"entry {index} has unusable values ({type(exc).__name__})")

    def _skip(self, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < 5:
            self.skipped.append(reason)

    def _add(self, index: int, raw: dict[str, Any]) -> None:
        request, response = _dict(raw.get("request")), _dict(raw.get("response"))
        content = _dict(response.get("content"))
        timings = _dict(raw.get("timings"))
        coercions = self.coercions
        started, zoneless = _parse_time(raw.get("startedDateTime"))
        if zoneless:
            coercions.note("startedDateTime without a time zone (read as UTC)", index)
        if started is None:
            coercions.note("startedDateTime (not an ISO 8601 time)", index)
        else:
            if self.first_start is None or started < self.first_start:
                self.first_start = started
            if self.last_start is None or started > self.last_start:
                self.last_start = started
        method = str(request.get("method") or "GET").upper()[:16]
        url = request.get("url") if isinstance(request.get("url"), str) else ""
        split = urlsplit(url) if "://" in url else None
        scheme = split.scheme.lower() if split else ""
        host = (split.hostname or "") if split else ""
        path = split.path or "/" if split else url[:60]

        status_value = response.get("status")
        if type(status_value) is int:
            status = status_value
        else:
            number = _number(status_value, "response.status", index, coercions)
            status = int(number) if number is not None and number < 1000 else 0
        # Chrome: response._error; Charles: _charlesStatus; others only a statusText.
        error = (response.get("_error") or raw.get("_error")
                 or (response.get("_charlesStatus") if status == 0 else "") or "")
        error = error if isinstance(error, str) else str(error)
        reason = failure_reason(error or str(response.get("statusText") or "")) \
            if status == 0 else ""

        phases = {}
        for phase in PHASES:
            if phase in timings:
                phases[phase] = _number(timings[phase], f"timings.{phase}", index, coercions)
            else:
                phases[phase] = None
        queueing = timings.get("_blocked_queueing")
        queued = (_number(queueing, "timings._blocked_queueing", index, coercions)
                  if queueing is not None else phases["blocked"])
        total = _number(raw.get("time", -1), "time", index, coercions)

        request_headers = _pairs(request.get("headers"))
        response_headers = _pairs(response.get("headers"))
        request_index, response_index = _by_name(request_headers), _by_name(response_headers)
        from_cache = bool(raw.get("_fromCache")) or (status == 304 and not phases["wait"])
        size = self._transferred(response, content, index, from_cache)
        content_size = _number(content.get("size", -1), "response.content.size", index,
                               coercions) or 0.0
        resource_type = str(raw.get("_resourceType") or "").lower()
        mime = str(content.get("mimeType") or response_index.get("content-type") or "")

        url_secrets = scan_url(url) if url else []
        shown = _shown_url(url, url_secrets)
        if url_secrets and split:
            # Paths go into titles and facts: a token in the path must be masked there too.
            path = urlsplit(redact(url, url_secrets)).path or "/"
        record = Record(index=index, started=started, method=method, url=shown, scheme=scheme,
                        host=host or "(no host)", path=path, status=status,
                        status_text=str(response.get("statusText") or "")[:60], reason=reason,
                        error=error[:120], wait=phases["wait"], queued=queued, time=total,
                        size=size, resource_type=resource_type, from_cache=from_cache,
                        pageref=str(raw.get("pageref") or ""))
        if 300 <= status < 400 and status != 304:
            target = response.get("redirectURL") or response_index.get("location")
            if isinstance(target, str) and target:
                record.redirect_to = urljoin(url, target)
        record.cors_problem = _cors_problem(method, url, status, request_index,
                                            response_index, resource_type)
        record.payload_problem = _payload_problem(request, content_size, mime,
                                                  response_index, status, from_cache)
        record.uncached_static = _uncached_static(status, from_cache, resource_type, mime,
                                                  path, response_index)
        self._credentials(record, url_secrets, request, response, request_headers,
                          response_headers, content, mime)
        self.records.append(record)

        self.status[status] += 1
        self.methods[method] += 1
        self.host_requests[record.host] += 1
        if status == 0 or status >= 400:
            self.host_errors[record.host] += 1
        self.host_bytes[record.host] += size
        self.total_bytes += size
        if record.wait is not None and not from_cache and status:
            self.host_waits[record.host].append(record.wait)
        self.waterfall.append({
            "entry": index,
            "started": format_time(started),
            "start_ms": None,  # filled in by stats(): the earliest start is known at the end
            "phases": {phase: _rounded(value) for phase, value in phases.items()},
            "queueing": _rounded(queued),
            "time_ms": _rounded(total),
            "status": status,
            "method": method,
            "url": shown,
            "size": size,
            "resource_type": resource_type or None,
            "from_cache": from_cache,
            "error": (error or reason) if status == 0 else None,
        })

    def _transferred(self, response: dict[str, Any], content: dict[str, Any], index: int,
                     from_cache: bool) -> int:
        if from_cache:
            return 0
        coercions = self.coercions
        transfer = response.get("_transferSize")
        if transfer is not None:
            number = _number(transfer, "response._transferSize", index, coercions)
            if number is not None:
                return int(number)
        body = _number(response.get("bodySize", -1), "response.bodySize", index, coercions)
        headers = _number(response.get("headersSize", -1), "response.headersSize", index,
                          coercions)
        if body is not None:
            return int(body + (headers or 0))
        return int(_number(content.get("size", -1), "response.content.size", index,
                           coercions) or 0)

    def _credentials(self, record: Record, url_secrets: list[SecretMatch],
                     request: dict[str, Any], response: dict[str, Any],
                     request_headers: list[tuple[str, str]],
                     response_headers: list[tuple[str, str]], content: dict[str, Any],
                     mime: str) -> None:
        found: list[tuple[str, SecretMatch]] = [("URL", m) for m in url_secrets]
        found += _header_secrets("request header", request_headers)
        request_cookies = _pairs(request.get("cookies"))
        found += _cookie_secrets("request cookie", request_cookies, "Cookie")
        post = _dict(request.get("postData"))
        post_text = post.get("text")
        if isinstance(post_text, str) and post_text:
            found += [("request body", m) for m in
                      scan_body(post_text[:4 * BODY_SCAN_LIMIT], str(post.get("mimeType") or ""))]
        found += [("request body", m) for name, value in _pairs(post.get("params"))
                  for m in scan_field(name, value)]
        if request_cookies or any(name.lower() in ("cookie", "authorization")
                                  for name, _ in request_headers):
            self.request_credentials_seen = True
        found += _header_secrets("response header", response_headers)
        found += _cookie_secrets("response cookie", _pairs(response.get("cookies")),
                                 "Set-Cookie")
        body = content.get("text")
        if (isinstance(body, str) and body and content.get("encoding") != "base64"
                and len(body) <= (BODY_SCAN_LIMIT if _AUTH_PATH.search(record.path)
                                  else SMALL_BODY_SCAN_LIMIT)
                and ("json" in mime or "x-www-form-urlencoded" in mime)):
            found += [("response body", m) for m in scan_body(body, mime)]
        if not found:
            return
        for where, match in found:
            # SecretKind is a StrEnum: the member is the key (its .value is slow in 3.11).
            key = (match.fingerprint or f"{where}:{match.name}:{match.masked}", match.kind)
            credential = self.credentials.get(key)
            if credential is None:
                credential = self.credentials[key] = Credential(
                    match.kind, match.masked, where, match.name, expires_at=match.expires_at)
            if not credential.entries or credential.entries[-1] != record.index:
                credential.entries.append(record.index)
            self.credential_entries[match.kind].add(record.index)
        for where, match in found:
            if (where == "request header" and match.kind is SecretKind.BEARER_TOKEN
                    and match.expires_at and record.started
                    and match.expires_at < record.started):
                record.bearer_jwt_expired = (match.masked, match.expires_at)

    # -- after the last entry --

    def finish(self, log: dict[str, Any]) -> None:
        creator = _dict(log.get("creator")).get("name")
        self.chrome = isinstance(creator, str) and creator.lower() in ("webinspector",
                                                                        "chrome", "chromium")

    def warnings(self, reader: HarReader) -> list[str]:
        messages = []
        coerced = self.coercions.message()
        if coerced:
            messages.append(coerced)
        if reader.repaired:
            messages.append(f"{reader.repaired} value(s) were not strict JSON (invalid UTF-8, "
                            "lone surrogates, NaN or huge numbers) and were read leniently")
        if self.skipped_count:
            messages.append(f"{self.skipped_count} entries could not be used: "
                            + "; ".join(self.skipped))
        return messages

    @property
    def credentials_omitted(self) -> bool:
        return self.chrome and self.count > 0 and not self.request_credentials_seen

    def stats(self, log: dict[str, Any]) -> dict[str, Any]:
        pages = log.get("pages")
        waits = sorted(w for values in self.host_waits.values() for w in values)
        hosts = {}
        for host in sorted(self.host_requests):
            host_waits = sorted(self.host_waits.get(host, ()))
            hosts[host] = {"requests": self.host_requests[host],
                           "errors": self.host_errors[host],
                           "bytes": self.host_bytes[host],
                           "wait_p50": _rounded(_percentile(host_waits, 50)),
                           "wait_p95": _rounded(_percentile(host_waits, 95))}
        creator = _dict(log.get("creator"))
        return {
            "entries": self.count,
            "pages": len(pages) if isinstance(pages, list) else 0,
            "creator": _text_or_none(creator.get("name")),
            "creator_version": _text_or_none(creator.get("version")),
            "first_request": format_time(self.first_start),
            "last_request": format_time(self.last_start),
            "status": {str(code): count for code, count in sorted(self.status.items())},
            "methods": dict(sorted(self.methods.items())),
            "hosts": hosts,
            "bytes": self.total_bytes,
            "wait_ms": {"p50": _rounded(_percentile(waits, 50)),
                        "p95": _rounded(_percentile(waits, 95)),
                        "max": _rounded(waits[-1] if waits else None)},
            "credentials": {
                "entries": len(set().union(*self.credential_entries.values())),
                "kinds": {str(kind): len(entries)
                          for kind, entries in sorted(self.credential_entries.items())},
                "omitted_by_exporter": self.credentials_omitted,
            },
            "timeline_events_left_out": max(0, self._eventful() - MAX_EVENTS),
            "waterfall": self._waterfall(),
        }

    def _eventful(self) -> int:
        return sum(1 for record in self.records if record.started is not None
                   and (record.status == 0 or record.status >= 500))

    def _waterfall(self) -> list[dict[str, Any]]:
        """Rows with ``start_ms``: milliseconds from the earliest entry's start."""
        first = self.first_start
        for row, record in zip(self.waterfall, self._recorded(), strict=True):
            if first is not None and record is not None and record.started is not None:
                row["start_ms"] = round((record.started - first).total_seconds() * 1000, 3)
        return self.waterfall

    def _recorded(self) -> Iterator[Record | None]:
        by_index = {record.index: record for record in self.records}
        for row in self.waterfall:
            yield by_index.get(row["entry"])

    def events(self) -> Iterator[Event]:
        emitted = 0
        for record in self.records:
            if record.started is None or not (record.status == 0 or record.status >= 500):
                continue
            if emitted >= MAX_EVENTS:
                return
            emitted += 1
            if record.status == 0:
                message = f"request failed ({record.reason}): {record.method} {record.url}"
            else:
                message = f"HTTP {record.status} {record.method} {record.url}"
            if record.status >= 500:
                severity = Severity.HIGH
            elif record.reason in _CLIENT_SIDE_REASONS:
                severity = Severity.INFO  # context on the timeline, not trouble
            else:
                severity = Severity.MEDIUM
            yield Event(record.started, self.artifact, EntryLocator(record.index), severity,
                        EventSource.HTTP, message[:URL_SHOWN + 80])


def _text_or_none(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) else None


def _cookie_secrets(where: str, cookies: list[tuple[str, str]], header: str
                    ) -> list[tuple[str, SecretMatch]]:
    """HAR cookie arrays list every cookie; each value is a credential whatever its name."""
    return [(where, match) for name, value in cookies if value
            for match in scan_header(header, f"{name}={value}")]


def _header_secrets(where: str, headers: list[tuple[str, str]]
                    ) -> list[tuple[str, SecretMatch]]:
    """Secrets in a header list; plain headers are scanned together, once, for speed."""
    found: list[tuple[str, SecretMatch]] = []
    plain: list[tuple[str, str]] = []
    for name, value in headers:
        if _scanned_alone(name):
            found += [(where, m) for m in scan_header(name, value)]
        elif len(value) >= 8:
            plain.append((name, value))
    if plain and scan_text("\n".join(value for _, value in plain)):
        for name, value in plain:
            found += [(where, m) for m in scan_header(name, value)]
    return found


@functools.lru_cache(maxsize=4096)
def _scanned_alone(name: str) -> bool:
    """Headers that may carry a credential by name are scanned one by one."""
    lowered = name.lower()
    return (lowered in ("authorization", "proxy-authorization", "cookie", "set-cookie")
            or lowered.startswith("x-") or "key" in lowered or "token" in lowered)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _percentile(ordered: list[float], percent: int) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def _origin(url: str) -> str:
    split = urlsplit(url)
    port = f":{split.port}" if split.port else ""
    return f"{split.scheme.lower()}://{(split.hostname or '').lower()}{port}"


def _cors_problem(method: str, url: str, status: int, request_headers: Headers,
                  response_headers: Headers, resource_type: str) -> str | None:
    origin = request_headers.get("origin")
    if not origin or origin == "null" or "://" not in url or resource_type == "document":
        return None
    try:
        cross_origin = origin.rstrip("/").lower() != _origin(url)
    except ValueError:
        return None
    if not cross_origin:
        return None
    allowed = response_headers.get("access-control-allow-origin")
    preflight = method == "OPTIONS" and (
        resource_type == "preflight"
        or request_headers.get("access-control-request-method") is not None)
    if preflight:
        if status == 0:
            return "preflight got no response"
        if not 200 <= status < 300:
            return f"preflight answered {status}"
        if allowed is None:
            return "preflight answer lacks Access-Control-Allow-Origin"
        wanted = (request_headers.get("access-control-request-method") or "").upper()
        methods = response_headers.get("access-control-allow-methods")
        if wanted and methods and methods.strip() != "*" and wanted not in {
                m.strip().upper() for m in methods.split(",")}:
            return f"preflight does not allow method {wanted}"
    elif status == 0:
        return None  # counted as a failed request; the reason there says more
    elif resource_type not in ("", "xhr", "fetch", "font", "other"):
        return None
    if allowed is None:
        return "response lacks Access-Control-Allow-Origin"
    if allowed.strip() not in ("*", origin.strip()):
        return "Access-Control-Allow-Origin names another origin"
    return None


def _payload_problem(request: dict[str, Any], content_size: float, mime: str,
                     response_headers: Headers, status: int, from_cache: bool) -> str | None:
    body_size = request.get("bodySize")
    post_text = _dict(request.get("postData")).get("text")
    sent = max(body_size if type(body_size) is int else 0,
               len(post_text) if isinstance(post_text, str) else 0)
    if sent >= LARGE_BYTES:
        return "large request"
    if from_cache or status == 0:
        return None
    if content_size >= LARGE_BYTES:
        return "large response"
    encoding = response_headers.get("content-encoding")
    if (content_size >= UNCOMPRESSED_TEXT_BYTES and _TEXT_MIME.match(mime.lower())
            and (not encoding or encoding.strip().lower() == "identity")):
        return "uncompressed text"
    return None


def _uncached_static(status: int, from_cache: bool, resource_type: str, mime: str, path: str,
                     response_headers: Headers) -> bool:
    if status != 200 or from_cache:
        return False
    static = (resource_type in _STATIC_TYPES if resource_type
              else path.lower().endswith(_STATIC_EXTENSIONS)
              or mime.lower().startswith(("image/", "font/", "text/css")))
    if not static:
        return False
    return "cache-control" not in response_headers and "expires" not in response_headers


# --- findings ----------------------------------------------------------------------------------


class _Diagnosis:
    """Turns the gathered records into findings, one rule at a time."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.artifact = state.artifact
        self.records = state.records

    def findings(self) -> Iterator[Finding]:
        yield from self.server_errors()
        yield from self.client_errors()
        yield from self.failed_requests()
        yield from self.slow_responses()
        yield from self.redirects()
        yield from self.mixed_content()
        yield from self.cors()
        yield from self.large_payloads()
        yield from self.caching()
        yield from self.expired_tokens()
        yield from self.credentials()

    # -- helpers --

    def evidence(self, records: list[Record]) -> list[Evidence]:
        chosen = records if len(records) <= MAX_EVIDENCE else (
            records[:MAX_EVIDENCE - 1] + records[-1:])
        return [Evidence(self.artifact, EntryLocator(r.index), r.excerpt()) for r in chosen]

    def span(self, records: list[Record]) -> dict[str, Any]:
        times = [r.started for r in records if r.started is not None]
        return {"first_seen": min(times) if times else None,
                "last_seen": max(times) if times else None}

    @staticmethod
    def when(records: list[Record]) -> str:
        times = sorted(r.started for r in records if r.started is not None)
        if not times:
            return ""
        first, last = times[0], times[-1]
        if first == last:
            return f" at {first:%H:%M:%S} UTC"
        return f" between {first:%H:%M:%S} and {last:%H:%M:%S} UTC"

    def group_findings(self, groups: dict[Any, list[Record]],
                       build: Callable[[Any, list[Record]], Finding]) -> Iterator[Finding]:
        """One finding per group, largest first; past ``MAX_GROUPS`` the last one counts the
        groups and requests left out, so nothing disappears silently."""
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), str(item[0])))
        shown = [build(key, records) for key, records in ordered[:MAX_GROUPS]]
        if len(ordered) > MAX_GROUPS:
            shown[-1].facts["groups_not_shown"] = len(ordered) - MAX_GROUPS
            shown[-1].facts["requests_not_shown"] = sum(len(r) for _, r in
                                                        ordered[MAX_GROUPS:])
        yield from shown

    def total_for(self, host: str, template: str) -> tuple[int, int]:
        same = [r for r in self.records if r.host == host and path_template(r.path) == template]
        return len(same), sum(1 for r in same if 200 <= r.status < 400)

    # -- rules --

    def server_errors(self) -> Iterator[Finding]:
        groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in self.records:
            if record.status >= 500:
                groups[(record.host, path_template(record.path))].append(record)
        if not groups:
            return
        others_ok = sum(1 for r in self.records if 200 <= r.status < 400)

        def build(key: tuple[str, str], records: list[Record]) -> Finding:
            host, template = key
            statuses = Counter(r.status for r in records)
            codes = "/".join(str(code) for code in sorted(statuses))
            total, succeeded = self.total_for(host, template)
            return SERVER_ERRORS.finding(
                f"{len(records)} request(s) to {host}{template} got server errors ({codes})",
                analyzer="http",
                detail=(f"The server answered {len(records)} of {total} request(s) to "
                        f"{host}{template} with {codes}{self.when(records)}; "
                        f"{succeeded} request(s) to the same path succeeded and "
                        f"{others_ok} request(s) in the whole HAR succeeded. "
                        + _gateway_hint(statuses)),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"host": host, "path": template,
                       "statuses": {str(c): n for c, n in sorted(statuses.items())},
                       "requests_to_path": total, "succeeded_on_path": succeeded},
                remediation=("Check the service behind this path (its logs at these times, "
                             "its health checks, the gateway's upstream timeouts); 502/504 "
                             "from a gateway mean the backend failed or was too slow, not "
                             "the gateway itself."))
        yield from self.group_findings(groups, build)

    def client_errors(self) -> Iterator[Finding]:
        auth: dict[tuple[str, int], list[Record]] = defaultdict(list)
        other: dict[tuple[str, str, int], list[Record]] = defaultdict(list)
        for record in self.records:
            if record.status in (401, 403, 407):
                auth[(record.host, record.status)].append(record)
            elif 400 <= record.status < 500:
                other[(record.host, path_template(record.path), record.status)].append(record)
        omitted = self.state.credentials_omitted

        def build_auth(key: tuple[str, int], records: list[Record]) -> Finding:
            host, status = key
            meaning = ("rejected as not authorized (403: the credentials are valid but lack "
                       "permission)" if status == 403 else
                       "rejected as unauthenticated (401: missing, invalid or expired "
                       "credentials)" if status == 401 else
                       "refused by a proxy asking for credentials (407)")
            burst = len(records) >= AUTH_BURST
            paths = sorted({path_template(r.path) for r in records})
            notes = [f"{len(records)} request(s) across {len(paths)} path(s) got {status}"
                     f"{self.when(records)}."]
            if omitted:
                notes.append("This Chrome export omits cookies and Authorization headers, so "
                             "whether credentials were sent cannot be told from the HAR.")
            expired = sum(1 for r in records if r.bearer_jwt_expired)
            if expired:
                notes.append(f"{expired} of these requests carried a bearer token that had "
                             "already expired (see http.expired-token).")
            return CLIENT_ERRORS.finding(
                (f"Authentication burst: {len(records)} requests to {host} {meaning}"
                 if burst else f"{len(records)} request(s) to {host} {meaning}"),
                analyzer="http", severity=Severity.HIGH if burst else Severity.MEDIUM,
                detail=" ".join(notes),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"host": host, "status": status,
                       "kind": "authorization" if status == 403 else "authentication",
                       "paths": paths[:20], "burst": burst,
                       "expired_token_requests": expired,
                       "credentials_omitted_by_exporter": omitted},
                remediation=("Sign in again or refresh the token; if it repeats, check the "
                             "identity provider and the token lifetime/refresh logic, and "
                             "the clocks of client and server."
                             if status != 403 else
                             "Check the user's roles and the resource's permissions."))

        def build_other(key: tuple[str, str, int], records: list[Record]) -> Finding:
            host, template, status = key
            return CLIENT_ERRORS.finding(
                f"{len(records)} request(s) to {host}{template} got {status}",
                analyzer="http",
                severity=Severity.LOW if status in (404, 410) else Severity.MEDIUM,
                detail=(f"The server refused {len(records)} request(s) to {host}{template} "
                        f"with {status}{self.when(records)}."),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"host": host, "path": template, "status": status},
                remediation=("A 4xx is the server saying the request is wrong: compare the "
                             "request (URL, body, headers) with what the API expects."))

        yield from self.group_findings(auth, build_auth)
        yield from self.group_findings(other, build_other)

    def failed_requests(self) -> Iterator[Finding]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.status == 0 and not record.from_cache:
                groups[record.reason].append(record)

        def build(reason: str, records: list[Record]) -> Finding:
            hosts = Counter(r.host for r in records)
            errors = Counter(r.error for r in records if r.error)
            minor = reason.startswith(("aborted", "blocked"))
            return FAILED_REQUESTS.finding(
                f"{len(records)} request(s) got no response: {reason}",
                analyzer="http", severity=Severity.LOW if minor else Severity.HIGH,
                detail=(f"{len(records)} request(s) ended with status 0 ({reason})"
                        f"{self.when(records)}, to "
                        + ", ".join(f"{h} ({n})" for h, n in hosts.most_common(5)) + "."),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"reason": reason, "hosts": dict(hosts.most_common(10)),
                       "errors": dict(errors.most_common(5))},
                remediation=_FAILURE_REMEDIATION.get(reason, "Compare with a packet capture "
                                                     "or the proxy/firewall logs of the time."))
        yield from self.group_findings(groups, build)

    def slow_responses(self) -> Iterator[Finding]:
        slow: dict[str, list[Record]] = defaultdict(list)
        queued: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.from_cache or record.status == 0:
                continue
            if record.wait is not None and record.wait >= SLOW_WAIT_MS:
                slow[record.host].append(record)
            if record.queued is not None and record.queued >= QUEUEING_MS:
                queued[record.host].append(record)

        def build(host: str, records: list[Record]) -> Finding:
            ranked = sorted(records, key=lambda r: (-(r.wait or 0), r.index))
            waits = sorted(r.wait or 0 for r in records)
            host_waits = sorted(self.state.host_waits.get(host, ()))
            return SLOW_RESPONSES.finding(
                f"{len(records)} request(s) to {host} waited over "
                f"{SLOW_WAIT_MS / 1000:g} s for the first byte (slowest {waits[-1] / 1000:.1f} s)",
                analyzer="http",
                severity=Severity.HIGH if waits[-1] >= 10 * SLOW_WAIT_MS else Severity.MEDIUM,
                detail=(f"Time to first byte is server time (plus network round trip): "
                        f"{host} took a median of {_percentile(waits, 50) or 0:.0f} ms over "
                        f"these requests{self.when(records)}; its median over all requests "
                        f"is {_percentile(host_waits, 50) or 0:.0f} ms. Queueing in the "
                        "browser is not included."),
                count=len(records), **self.span(records), evidence=self.evidence(ranked),
                facts={"host": host, "kind": "server", "slowest_ms": _rounded(waits[-1]),
                       "p50_ms": _rounded(_percentile(waits, 50)),
                       "host_p95_ms": _rounded(_percentile(host_waits, 95)),
                       "slowest_entries": [r.index for r in ranked[:10]]},
                remediation=("Look at the server's handling of these paths at these times "
                             "(slow queries, locks, upstream calls); the waterfall shows "
                             "whether the time is server wait or transfer."))

        def build_queued(host: str, records: list[Record]) -> Finding:
            ranked = sorted(records, key=lambda r: (-(r.queued or 0), r.index))
            worst = ranked[0].queued or 0
            return SLOW_RESPONSES.finding(
                f"{len(records)} request(s) to {host} stalled over "
                f"{QUEUEING_MS / 1000:g} s in the browser before being sent",
                analyzer="http", severity=Severity.LOW,
                detail=("Queueing/stalled time is spent in the browser (connection limits, "
                        "priorities, a busy main thread), not on the server: the longest was "
                        f"{worst:.0f} ms{self.when(records)}."),
                count=len(records), **self.span(records), evidence=self.evidence(ranked),
                facts={"host": host, "kind": "queueing", "longest_ms": _rounded(worst)},
                remediation=("Fewer parallel requests to one host, HTTP/2, or lazy loading "
                             "shorten browser queues."))

        yield from self.group_findings(slow, build)
        yield from self.group_findings(queued, build_queued)

    def redirects(self) -> Iterator[Finding]:
        by_url: dict[str, list[int]] = defaultdict(list)
        raw_targets: dict[int, str] = {}
        for position, record in enumerate(self.records):
            by_url[record.url].append(position)
            if record.redirect_to:
                raw_targets[position] = _shown_url(record.redirect_to,
                                                   scan_url(record.redirect_to))
        targets: set[int] = set()
        follow: dict[int, int] = {}
        for position, target in raw_targets.items():
            candidates = by_url.get(target, [])
            later = bisect.bisect_right(candidates, position)
            if later < len(candidates):
                follow[position] = candidates[later]
                targets.add(candidates[later])
        found: list[Finding] = []
        for position in sorted(raw_targets):
            if position in targets:
                continue
            chain = [position]
            seen_urls = {self.records[position].url}
            loop = False
            while chain[-1] in follow and len(chain) <= 50:
                nxt = follow[chain[-1]]
                chain.append(nxt)
                if self.records[nxt].url in seen_urls:
                    loop = True
                    break
                seen_urls.add(self.records[nxt].url)
            if not loop and raw_targets.get(chain[-1]) in seen_urls:
                loop = True
            records = [self.records[p] for p in chain]
            hops = sum(1 for r in records if r.redirect_to)
            downgrade = any(a.scheme == "https" and raw_targets.get(p, "").startswith("http:")
                            for p, a in zip(chain, records, strict=True))
            if not (loop or hops >= LONG_REDIRECT_CHAIN or downgrade):
                continue
            what = ("loops back on itself" if loop else
                    f"is {hops} redirects long" if hops >= LONG_REDIRECT_CHAIN else
                    "downgrades https to http")
            if downgrade and what != "downgrades https to http":
                what += " and downgrades https to http"
            found.append(REDIRECT_LOOP.finding(
                f"A redirect chain from {records[0].url[:120]} {what}",
                analyzer="http",
                severity=Severity.HIGH if loop or downgrade else Severity.MEDIUM,
                detail=("The chain: " + " -> ".join(f"entry {r.index} ({r.status})"
                                                    for r in records[:12])
                        + (" ..." if len(records) > 12 else "") + "."),
                count=hops, **self.span(records), evidence=self.evidence(records),
                facts={"loop": loop, "hops": hops, "downgrade": downgrade,
                       "entries": [r.index for r in records[:50]]},
                remediation=("Loops usually come from a cookie or session the server keeps "
                             "not finding, or two rules (http->https, www, trailing slash) "
                             "that undo each other; fix the redirect rules, and never redirect "
                             "https to http.")))
        if len(found) > MAX_GROUPS:
            found[MAX_GROUPS - 1].facts["groups_not_shown"] = len(found) - MAX_GROUPS
        yield from found[:MAX_GROUPS]

    def mixed_content(self) -> Iterator[Finding]:
        # A page is https when its first document request is (its first request if none).
        page_https: dict[str, bool] = {}
        for record in self.records:
            if record.resource_type == "document":
                page_https.setdefault(record.pageref, record.scheme == "https")
        for record in self.records:
            page_https.setdefault(record.pageref, record.scheme == "https")
        mixed = [r for r in self.records
                 if r.scheme == "http" and page_https.get(r.pageref)
                 and r.resource_type != "document" and r.host not in ("localhost", "127.0.0.1")
                 and not (r.redirect_to or "").startswith("https:")]
        if not mixed:
            return
        hosts = Counter(r.host for r in mixed)
        yield MIXED_CONTENT.finding(
            f"{len(mixed)} plain-http request(s) from an https page",
            analyzer="http",
            detail=("An https page loaded these over unencrypted http, to "
                    + ", ".join(f"{h} ({n})" for h, n in hosts.most_common(5))
                    + ". Browsers block active mixed content (scripts, XHR) and warn on the "
                    "rest."),
            count=len(mixed), **self.span(mixed), evidence=self.evidence(mixed),
            facts={"hosts": dict(hosts.most_common(10))},
            remediation="Serve these resources over https (or use protocol-relative URLs).")

    def cors(self) -> Iterator[Finding]:
        groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in self.records:
            if record.cors_problem:
                groups[(record.host, record.cors_problem)].append(record)

        def build(key: tuple[str, str], records: list[Record]) -> Finding:
            host, problem = key
            return CORS_FAILURE.finding(
                f"{len(records)} cross-origin request(s) to {host} fail CORS: {problem}",
                analyzer="http",
                detail=(f"The browser refuses the response to script when the CORS checks "
                        f"fail; here: {problem}{self.when(records)}."),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"host": host, "problem": problem},
                remediation=(f"Configure {host} (or the gateway in front of it) to answer "
                             "OPTIONS preflights with 2xx and to send "
                             "Access-Control-Allow-Origin for the calling origin."))
        yield from self.group_findings(groups, build)

    def large_payloads(self) -> Iterator[Finding]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.payload_problem:
                groups[record.payload_problem].append(record)

        def build(problem: str, records: list[Record]) -> Finding:
            ranked = sorted(records, key=lambda r: (-r.size, r.index))
            total = sum(r.size for r in records)
            return LARGE_PAYLOAD.finding(
                f"{len(records)} {problem} payload(s)",
                analyzer="http",
                detail=(f"{len(records)} entries flagged as {problem}; they transferred "
                        f"{total / 1024 / 1024:.1f} MB in all."),
                count=len(records), **self.span(records), evidence=self.evidence(ranked),
                facts={"problem": problem, "transferred_bytes": total},
                remediation=("Enable gzip/brotli for text responses." if problem ==
                             "uncompressed text" else "Paginate or stream large payloads."))
        yield from self.group_findings(groups, build)

    def caching(self) -> Iterator[Finding]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.uncached_static:
                groups[record.host].append(record)

        def build(host: str, records: list[Record]) -> Finding:
            return CACHING.finding(
                f"{len(records)} static asset(s) from {host} have no cache headers",
                analyzer="http",
                detail=("Scripts, styles, images and fonts served without Cache-Control or "
                        "Expires are fetched again (or revalidated) on every visit."),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"host": host},
                remediation=("Send Cache-Control: max-age (immutable for fingerprinted "
                             "file names) for static assets."))
        yield from self.group_findings(groups, build)

    def expired_tokens(self) -> Iterator[Finding]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.bearer_jwt_expired:
                groups[record.bearer_jwt_expired[0]].append(record)

        def build(masked: str, records: list[Record]) -> Finding:
            expires = records[0].bearer_jwt_expired[1]  # type: ignore[index]
            first = next((r.started for r in records if r.started), None)
            late = first - expires if first else timedelta(0)
            rejected = sum(1 for r in records if r.status in (401, 403))
            return EXPIRED_TOKEN.finding(
                f"{len(records)} request(s) sent a bearer token that expired at "
                f"{format_time(expires)}",
                analyzer="http",
                detail=(f"The JWT {masked} has exp {format_time(expires)}; it was still "
                        f"being sent {_duration(late)} later, in {len(records)} request(s)"
                        f"{self.when(records)}, and {rejected} of them were answered "
                        "401/403."),
                count=len(records), **self.span(records), evidence=self.evidence(records),
                facts={"token": masked, "expired_at": format_time(expires),
                       "rejected": rejected},
                remediation=("The client kept using an expired access token: check its "
                             "refresh logic (refresh before exp, retry once on 401) and the "
                             "client's clock."))
        yield from self.group_findings(groups, build)

    def credentials(self) -> Iterator[Finding]:
        state = self.state
        if not state.credentials:
            return
        end = state.last_start
        live = [c for c in state.credentials.values()
                if c.expires_at is not None and end is not None and c.expires_at > end]
        lasting = [c for c in state.credentials.values()
                   if c.kind in (SecretKind.API_KEY, SecretKind.BASIC_AUTH,
                                 SecretKind.PASSWORD, SecretKind.CLOUD_KEY,
                                 SecretKind.PRIVATE_KEY, SecretKind.URL_CREDENTIALS)]
        entries = sorted(set().union(*state.credential_entries.values()))
        kinds = {str(kind): len(found)
                 for kind, found in sorted(state.credential_entries.items())}
        by_index = {r.index: r for r in self.records}
        records = [by_index[i] for i in entries if i in by_index]
        # Live and non-expiring secrets first: they are the ones to revoke now.
        ordered = sorted(state.credentials.values(),
                         key=lambda c: (c not in live, c not in lasting, c.kind.value,
                                        c.entries[0], c.masked))
        warning = ""
        if live:
            warning = (f" {len(live)} token(s) were still valid at the end of the capture "
                       "(expiring " + ", ".join(sorted({format_time(c.expires_at) or ""
                                                        for c in live})[:3]) + ").")
        if lasting:
            warning += (f" {len(lasting)} credential(s) do not expire by themselves "
                        "(API keys, passwords, basic auth).")
        yield CREDENTIALS_EXPOSED.finding(
            f"The HAR carries credentials in {len(entries)} entries: "
            + ", ".join(kinds),
            analyzer="http",
            severity=Severity.CRITICAL if live or lasting else Severity.HIGH,
            detail=(f"{len(state.credentials)} distinct secret(s) of kind(s) "
                    f"{', '.join(kinds)} appear in {len(entries)} entries.{warning} Anyone "
                    "holding this file can replay them; values are shown masked."),
            count=len(entries), **self.span(records),
            evidence=[Evidence(self.artifact, EntryLocator(c.entries[0]),
                               f"{c.where} {c.name or ''} {c.kind.value}: {c.masked}"
                               .replace("  ", " "))
                      for c in ordered[:MAX_EVIDENCE]],
            facts={"kinds": kinds, "entries": entries[:200],
                   "secrets": [{"kind": c.kind.value, "where": c.where, "name": c.name,
                                "masked": c.masked, "entries": len(c.entries),
                                "expires_at": format_time(c.expires_at),
                                "valid_at_capture_end": c in live}
                               for c in ordered[:50]]},
            remediation=("Treat these credentials as leaked: revoke the sessions and rotate "
                         "the keys, delete the HAR from shared places, and ask for sanitized "
                         "exports (Chrome's default export without sensitive data) in future."),
            references=["https://blog.cloudflare.com/how-cloudflare-mitigated-yet-another-"
                        "okta-compromise/"])


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _gateway_hint(statuses: Counter[int]) -> str:
    if statuses.keys() & {502, 503, 504}:
        return ("502/503/504 usually come from a gateway or load balancer that could not get "
                "an answer from the backend.")
    return "500 is the application itself failing."


_FAILURE_REMEDIATION = {
    "connection refused": "Nothing listened on the server port: check the service is up and "
                          "the address/port and any load balancer target are right.",
    "DNS lookup failed": "The name did not resolve: check the host name, the DNS server and "
                         "any VPN/split-DNS setup.",
    "certificate or TLS error": "Check the server certificate (expiry, name, chain) and any "
                                "TLS-inspecting proxy.",
    "timed out": "The server or a firewall never answered: check reachability and timeouts.",
    "connection reset or closed": "Something closed the connection mid-request: check proxies, "
                                  "load balancer idle timeouts and server crashes.",
    "too many redirects": "See http.redirect-loop: fix the redirect rules.",
}
