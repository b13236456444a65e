"""Everything gathered while a HAR's entries stream by: records, stats, waterfall, events.

``HarState.add`` turns each raw entry into a ``Record`` (``entries``), judges it
(``entry_checks``), scans it for credentials (``credentials``) and counts it into the
histograms, per-host figures and the waterfall; the raw entry is then dropped. After the
last entry, ``stats``, ``events`` and ``warnings`` say what the HAR holds.

Exporter quirks, handled as the entry is read:

- Firefox writes 0 (not -1) for unused phases, which reads as "no time"; and status 0 with
  empty timings and a body for a response it served from its cache or an HTTP/2 push: that
  is taken from cache (``WITHOUT_EXCHANGE``), not a failed request.
- Chrome's ``_error``, ``_resourceType``, ``_transferSize``, ``_fromCache`` and
  ``_blocked_queueing`` are used when present; Charles's ``_charlesStatus`` names a
  failure; other exporters give only a ``statusText``.
- ``pages`` and ``pageref`` are optional.
- An entry that is not an object, or whose values cannot be used, is skipped and counted;
  the first five reasons go into one warning. The reason never quotes a value: it could
  be a token.
- Chrome (since 2024) exports without cookies and ``Authorization`` unless asked to. When
  a Chrome HAR carries none at all, ``credentials_omitted`` is true: the stats say the
  exporter omitted them (``credentials.omitted_by_exporter``), and the 401 finding says
  whether one was sent is unknown, instead of "none were sent".

Timeline events are failed (status 0) and 5xx entries, at most ``MAX_EVENTS``; the stats
count the ones left out. Failures the browser chose (blocked, cancelled) are context on
the timeline (INFO), not trouble.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from analyzers.http.credentials import CredentialLedger
from analyzers.http.entries import (
    CLIENT_SIDE_REASONS,
    PHASES,
    URL_SHOWN,
    WITHOUT_EXCHANGE,
    Coercions,
    Record,
    failure_reason,
    har_number,
    headers_by_name,
    json_object,
    name_value_pairs,
    parse_started,
    shown_url,
)
from analyzers.http.entry_checks import cors_problem, payload_problem, uncached_static
from inspector.formats.har import HarReader
from inspector.model import EntryLocator, Event, EventSource, Severity, format_time
from inspector.privacy.secrets import redact, scan_url

MAX_EVENTS = 2_000


class HarState:
    """Everything gathered while the entries stream by.

    Attributes:
        artifact: the HAR's artifact path.
        records: one ``Record`` per usable entry, in file order.
        host_waits: time-to-first-byte of each host's answered, uncached requests.
        ledger: the credentials the entries carried.
        last_start: the latest entry start: "still valid" for a token means at this time.
    """

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
        self.ledger = CredentialLedger()
        self.first_start: datetime | None = None
        self.last_start: datetime | None = None
        self.chrome = False

    # -- per entry --

    def add(self, raw: Any) -> None:
        """Read one raw entry (any JSON value); an unusable one is skipped and counted."""
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
        request, response = json_object(raw.get("request")), json_object(raw.get("response"))
        content = json_object(response.get("content"))
        timings = json_object(raw.get("timings"))
        coercions = self.coercions
        started, zoneless = parse_started(raw.get("startedDateTime"))
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
            number = har_number(status_value, "response.status", index, coercions)
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
                phases[phase] = har_number(timings[phase], f"timings.{phase}", index, coercions)
            else:
                phases[phase] = None
        queueing = timings.get("_blocked_queueing")
        queued = (har_number(queueing, "timings._blocked_queueing", index, coercions)
                  if queueing is not None else phases["blocked"])
        total = har_number(raw.get("time", -1), "time", index, coercions)

        request_headers = name_value_pairs(request.get("headers"))
        response_headers = name_value_pairs(response.get("headers"))
        request_index = headers_by_name(request_headers)
        response_index = headers_by_name(response_headers)
        content_size = har_number(content.get("size", -1), "response.content.size", index,
                                  coercions) or 0.0
        # Firefox writes status 0 and empty timings for a response it took from its cache
        # or an HTTP/2 push, with the body it got: a response, not a failure.
        without_exchange = (status == 0 and not error
                            and (content_size > 0 or bool(content.get("text")))
                            and not any(value and value > 0 for value in phases.values()))
        if without_exchange:
            reason = WITHOUT_EXCHANGE
        from_cache = (bool(raw.get("_fromCache")) or (status == 304 and not phases["wait"])
                      or without_exchange)
        size = self._transferred(response, content, index, from_cache)
        resource_type = str(raw.get("_resourceType") or "").lower()
        mime = str(content.get("mimeType") or response_index.get("content-type") or "")

        url_secrets = scan_url(url) if url else []
        shown = shown_url(url, url_secrets)
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
        record.cors_problem = cors_problem(method, url, status, request_index,
                                           response_index, resource_type)
        record.payload_problem = payload_problem(request, content_size, mime,
                                                 response_index, status, from_cache)
        record.uncached_static = uncached_static(status, from_cache, resource_type, mime,
                                                 path, response_index)
        self.ledger.add_entry(record, url_secrets, request, response, request_headers,
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
            "phases": {phase: rounded(value) for phase, value in phases.items()},
            "queueing": rounded(queued),
            "time_ms": rounded(total),
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
            number = har_number(transfer, "response._transferSize", index, coercions)
            if number is not None:
                return int(number)
        body = har_number(response.get("bodySize", -1), "response.bodySize", index, coercions)
        headers = har_number(response.get("headersSize", -1), "response.headersSize", index,
                             coercions)
        if body is not None:
            return int(body + (headers or 0))
        return int(har_number(content.get("size", -1), "response.content.size", index,
                              coercions) or 0)

    # -- after the last entry --

    def finish(self, log: dict[str, Any]) -> None:
        """Note what the log's own fields say, once every entry is read."""
        creator = json_object(log.get("creator")).get("name")
        self.chrome = isinstance(creator, str) and creator.lower() in ("webinspector",
                                                                        "chrome", "chromium")

    def warnings(self, reader: HarReader) -> list[str]:
        """One warning per kind of trouble: coercions, lenient JSON, skipped entries."""
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
        """A Chrome export without one cookie or ``Authorization``: omitted, not unsent."""
        return self.chrome and self.count > 0 and not self.ledger.request_credentials_seen

    def stats(self, log: dict[str, Any]) -> dict[str, Any]:
        """The ``http`` stats, the waterfall included."""
        pages = log.get("pages")
        waits = sorted(w for values in self.host_waits.values() for w in values)
        hosts = {}
        for host in sorted(self.host_requests):
            host_waits = sorted(self.host_waits.get(host, ()))
            hosts[host] = {"requests": self.host_requests[host],
                           "errors": self.host_errors[host],
                           "bytes": self.host_bytes[host],
                           "wait_p50": rounded(percentile(host_waits, 50)),
                           "wait_p95": rounded(percentile(host_waits, 95))}
        creator = json_object(log.get("creator"))
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
            "wait_ms": {"p50": rounded(percentile(waits, 50)),
                        "p95": rounded(percentile(waits, 95)),
                        "max": rounded(waits[-1] if waits else None)},
            "credentials": {
                "entries": len(set().union(*self.ledger.credential_entries.values())),
                "kinds": {str(kind): len(entries)
                          for kind, entries in sorted(self.ledger.credential_entries.items())},
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
        """Timeline events: failed and 5xx entries with a start time, in file order."""
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
            elif record.reason in CLIENT_SIDE_REASONS:
                severity = Severity.INFO  # context on the timeline, not trouble
            else:
                severity = Severity.MEDIUM
            yield Event(record.started, self.artifact, EntryLocator(record.index), severity,
                        EventSource.HTTP, message[:URL_SHOWN + 80])


def _text_or_none(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) else None


def rounded(value: float | None) -> float | None:
    """Milliseconds as shown: three decimals."""
    return None if value is None else round(value, 3)


def percentile(ordered: list[float], percent: int) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]
