"""One HAR entry, normalized: the ``Record`` the findings use, and the helpers that read it.

The analyzer keeps a ``Record`` per entry and drops the raw entry, so memory follows the
number of entries, not the size of their bodies. A ``Record`` holds its URL and path
already masked (``shown_url``): a token in a query string or a path never reaches a title,
fact or excerpt.

Exporters disagree on types; the readers here are lenient and count what they coerce:

- ``har_number``: a HAR number; -1 (anything negative) means "not available" and gives
  None. Numbers written as strings are read, anything else is None, and every coercion is
  noted in ``Coercions`` per field, for one warning per field, not one per entry.
- ``parse_started``: ``startedDateTime`` in UTC; a time without a zone is read as UTC and
  noted.
- ``json_object``, ``name_value_pairs``, ``headers_by_name``: an object, a HAR name/value
  list, a header index, whatever the exporter wrote instead.

``failure_reason`` puts a status-0 entry's error text (Chrome's ``net::ERR_...``, Charles's
status) in a plain category; ``path_template`` lets ``/orders/17`` group with
``/orders/18``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inspector.privacy.secrets import SecretMatch, redact

# Characters of a URL shown in excerpts, facts and the waterfall.
URL_SHOWN = 300
# A HAR entry's timing phases, in the order they happen.
PHASES = ("blocked", "dns", "connect", "ssl", "send", "wait", "receive")
_ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-fA-F-]{16,}|[\w-]*\d[\w-]*\d[\w-]{14,})$")


class Coercions:
    """Counts values coerced to numbers, per field, for one warning at the end."""

    def __init__(self) -> None:
        self.fields: dict[str, list[int]] = {}  # field -> [count, first entry]

    def note(self, where: str, entry: int) -> None:
        """One value of field ``where`` in entry ``entry`` was coerced or left out."""
        counted = self.fields.setdefault(where, [0, entry])
        counted[0] += 1

    def message(self) -> str | None:
        """The warning, or None when nothing was coerced."""
        if not self.fields:
            return None
        parts = ", ".join(f"{name}: {count} (first in entry {first})"
                          for name, (count, first) in sorted(self.fields.items()))
        return f"values of the wrong type were coerced or left out: {parts}"


def har_number(value: Any, where: str, entry: int, coercions: Coercions) -> float | None:
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


def json_object(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def name_value_pairs(value: Any) -> list[tuple[str, str]]:
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


def headers_by_name(pairs: list[tuple[str, str]]) -> Headers:
    """Headers by lower-case name; a repeated header keeps its first value."""
    index: Headers = {}
    for name, value in pairs:
        index.setdefault(name.lower(), value)
    return index


def parse_started(value: Any) -> tuple[datetime | None, bool]:
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
    (("BLOCKED_BY_CLIENT",), "blocked by an extension (an ad or content blocker)"),
    (("BLOCKED",), "blocked (by the browser, an extension or a policy)"),
    (("ABORTED", "CANCEL"), "aborted (cancelled by the page or the user)"),
    (("TIMED_OUT", "TIMEOUT"), "timed out"),
    (("CONNECTION_RESET", "CONNECTION_CLOSED", "EMPTY_RESPONSE", "ECONNRESET",
      "CONNECTION_ABORTED"), "connection reset or closed"),
    (("INTERNET_DISCONNECTED", "NETWORK_CHANGED", "ADDRESS_UNREACHABLE",
      "NETWORK_ACCESS_DENIED"), "network unreachable"),
    (("ERR_FAILED",), "failed (often a CORS refusal)"),
)

# Failures the user's own browser chose (an ad or content blocker refused the request, the
# page or the user cancelled it by navigating on): nothing between the client and the
# server went wrong, so they are context, never a finding. A request blocked by a policy
# (the response's CORP/COEP headers, an administrator's rule) stays a failure: the site or
# the company set that policy.
CLIENT_SIDE_REASONS = frozenset({"blocked by an extension (an ad or content blocker)",
                                 "aborted (cancelled by the page or the user)"})

# Resources a browser asks the site root for on its own, whatever the page says: a 404 for
# them is what every site without them gets, not something the customer did wrong.
_BROWSER_PROBES = re.compile(r"^/(?:favicon\.ico|apple-touch-icon(?:-precomposed)?"
                             r"(?:-\d+x\d+)?\.png)$", re.IGNORECASE)


def browser_probe(path: str) -> bool:
    """Whether ``path`` is one a browser requests by itself (``/favicon.ico``...).

    >>> browser_probe("/favicon.ico"), browser_probe("/apple-touch-icon-120x120.png")
    (True, True)
    >>> browser_probe("/static/favicon.ico.js"), browser_probe("/api/favicon.ico/items")
    (False, False)
    """
    return _BROWSER_PROBES.search(path.split("?", 1)[0]) is not None


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
        """``METHOD url -> status`` (or ``-> failed: reason``), for evidence."""
        outcome = (f"failed: {self.error or self.reason}" if self.status == 0
                   else f"{self.status} {self.status_text}".rstrip())
        return f"{self.method} {self.url} -> {outcome}"[:URL_SHOWN + 80]


def shown_url(url: str, matches: list[SecretMatch]) -> str:
    """``url`` with the secrets ``matches`` found in it masked, cut at ``URL_SHOWN``."""
    masked = redact(url, matches) if matches else url
    return masked if len(masked) <= URL_SHOWN else masked[:URL_SHOWN] + "…"
