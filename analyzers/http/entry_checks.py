"""The per-entry half of the CORS, payload and caching rules.

These judgements need the raw entry (headers, request body, mime type), which is dropped
once its ``Record`` is made; so they are made while the entry streams by, and the
``Record`` keeps only their verdict (``cors_problem``, ``payload_problem``,
``uncached_static``) for the finding families (``navigation``, ``performance``) to group.

- CORS: a request with an ``Origin`` header to another origin fails when its preflight
  got no answer or no 2xx, or does not allow the method, or when the answer lacks
  ``Access-Control-Allow-Origin`` or names another origin. A WebSocket upgrade (status 101,
  ``Upgrade: websocket``, a ``ws``/``wss`` URL) sends ``Origin`` too but is no CORS request:
  browsers never ask it for ``Access-Control-*`` headers (the Fetch standard leaves it out).
  Other than preflights, only fetch/XHR, fonts and entries of no or unknown type are judged;
  documents are never, and status-0 requests are left to ``http.failed-requests``, whose
  reason says more.
- Payloads: a request or response of ``LARGE_BYTES`` or more, or text (HTML, JSON,
  JavaScript, XML, SVG) of ``UNCOMPRESSED_TEXT_BYTES`` or more sent without compression.
- Caching: a 200 static asset (by resource type, else by extension or mime type) without
  ``Cache-Control`` or ``Expires``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from analyzers.http.entries import Headers, json_object

LARGE_BYTES = 5 * 1024 * 1024
UNCOMPRESSED_TEXT_BYTES = 100 * 1024
_STATIC_TYPES = {"script", "stylesheet", "image", "font", "media"}
_STATIC_EXTENSIONS = (".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp",
                      ".avif", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".mp4")
_TEXT_MIME = re.compile(r"^(?:text/|application/(?:[\w.+-]*\+)?(?:json|javascript|xml|"
                        r"x-javascript|ecmascript)|image/svg)")


def _origin(url: str) -> str:
    split = urlsplit(url)
    port = f":{split.port}" if split.port else ""
    return f"{split.scheme.lower()}://{(split.hostname or '').lower()}{port}"


def cors_problem(method: str, url: str, status: int, request_headers: Headers,
                 response_headers: Headers, resource_type: str) -> str | None:
    """Why the browser refuses this cross-origin request, or None."""
    origin = request_headers.get("origin")
    if not origin or origin == "null" or "://" not in url or resource_type == "document":
        return None
    if (status == 101 or resource_type == "websocket" or url.lower().startswith(("ws:", "wss:"))
            or (request_headers.get("upgrade") or "").lower() == "websocket"):
        return None  # WebSocket: the server checks Origin itself; CORS does not apply
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


def payload_problem(request: dict[str, Any], content_size: float, mime: str,
                    response_headers: Headers, status: int, from_cache: bool) -> str | None:
    """``large request``, ``large response``, ``uncompressed text``, or None."""
    body_size = request.get("bodySize")
    post_text = json_object(request.get("postData")).get("text")
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


def uncached_static(status: int, from_cache: bool, resource_type: str, mime: str, path: str,
                    response_headers: Headers) -> bool:
    """True for a static asset served fresh without cache headers."""
    if status != 200 or from_cache:
        return False
    static = (resource_type in _STATIC_TYPES if resource_type
              else path.lower().endswith(_STATIC_EXTENSIONS)
              or mime.lower().startswith(("image/", "font/", "text/css")))
    if not static:
        return False
    return "cache-control" not in response_headers and "expires" not in response_headers
