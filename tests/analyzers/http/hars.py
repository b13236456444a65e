"""HAR documents for the HTTP analyzer tests, built entry by entry, and how to run them."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from analyzers.http.analyzer import HttpAnalyzer
from inspector.model import ArtifactKind, EntryLocator
from inspector.testing import run_analyzer
from tests.corpus import CORPUS as SHARED_CORPUS

CORPUS = SHARED_CORPUS / "har"
T0 = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


def entry(url: str = "https://api.test/v1/items", status: int = 200, *, at: float = 0.0,
          method: str = "GET", wait: Any = 40.0, blocked: Any = 1.0, error: str | None = None,
          request_headers: dict[str, str] | None = None,
          response_headers: dict[str, str] | None = None, resource_type: str | None = None,
          mime: str = "application/json", size: int = 300, body: str | None = None,
          post: tuple[str, str] | None = None, redirect: str = "", **extra: Any
          ) -> dict[str, Any]:
    """One Chrome-style entry, ``at`` seconds after T0."""
    item: dict[str, Any] = {
        "startedDateTime": (T0 + timedelta(seconds=at)).isoformat().replace("+00:00", "Z"),
        "time": 50,
        "request": {"method": method, "url": url, "httpVersion": "http/2.0",
                    "headers": [{"name": k, "value": v}
                                for k, v in (request_headers or {}).items()],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0",
                     "headers": [{"name": k, "value": v}
                                 for k, v in ({"content-type": mime}
                                              | (response_headers or {})).items()],
                     "cookies": [], "content": {"size": size, "mimeType": mime},
                     "redirectURL": redirect, "headersSize": -1, "bodySize": size},
        "cache": {},
        "timings": {"blocked": blocked, "dns": -1, "connect": -1, "ssl": -1, "send": 0.5,
                    "wait": wait, "receive": 2.0},
    }
    if error is not None:
        item["response"]["_error"] = error
    if resource_type is not None:
        item["_resourceType"] = resource_type
    if body is not None:
        item["response"]["content"]["text"] = body
    if post is not None:
        item["request"]["postData"] = {"mimeType": post[0], "text": post[1]}
    item.update(extra)
    return item


def har(*entries: dict[str, Any], creator: str = "WebInspector", **log: Any) -> bytes:
    """A HAR 1.2 document of ``entries``, pretty-printed as browsers export it."""
    document = {"log": {"version": "1.2", "creator": {"name": creator, "version": "1"},
                        "entries": list(entries), **log}}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def analyze(data: bytes, name: str = "case.har", **kwargs: Any):
    """``HttpAnalyzer`` over ``data`` in-process, as a HAR artifact."""
    return run_analyzer(HttpAnalyzer(), data, name=name, kind=ArtifactKind.HAR, **kwargs)


def make_jwt(exp: datetime, seed: int = 5) -> str:
    """An RS256-shaped JWT for user u1 expiring at ``exp`` (its signature is random)."""
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=").decode()

    signature = base64.urlsafe_b64encode(random.Random(seed).randbytes(48)).rstrip(b"=")
    return ".".join((part({"alg": "RS256"}), part({"sub": "u1", "exp": int(exp.timestamp())}),
                     signature.decode()))


def entry_numbers(finding) -> list[int]:
    """The entry numbers a finding's evidence cites."""
    return [e.locator.index for e in finding.evidence if isinstance(e.locator, EntryLocator)]
