"""The credentials a HAR carries: found entry by entry, kept masked, counted by kind.

Secrets are found by ``inspector.privacy.secrets`` and only their masked form is kept: a
``Credential`` holds the masked value, its kind, where it was first seen (URL, request or
response header, cookie or body) and the entries that carried it, one ``Credential`` per
distinct secret (by fingerprint). The ledger also tells whether any request carried a
``Cookie`` or ``Authorization`` header at all (``request_credentials_seen``), and marks a
``Record`` whose bearer JWT had expired when it was sent (``bearer_jwt_expired``).

What is scanned, and why:

- URLs, every request and response header and cookie, and request bodies (the first
  ``4 * BODY_SCAN_LIMIT`` characters, text and form parameters).
- Every cookie value of 8 characters or more counts, whatever its name: HAR cookie arrays
  list each cookie, and cookies are how sessions get hijacked.
- Headers that may carry a credential by name (``Authorization``, cookies, ``X-...``,
  ``...key...``, ``...token...``) are scanned one by one; the rest are scanned once,
  joined, and one by one only when the joined text holds a secret.
- Response bodies only when they are JSON or form data, not base64, and either small
  (``SMALL_BODY_SCAN_LIMIT``) or from an auth-looking path (login, token, session,
  user..., up to ``BODY_SCAN_LIMIT``): scripts and stylesheets are full of the word
  "token", and scanning every data response would halve the speed.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analyzers.http.entries import Record, json_object, name_value_pairs
from inspector.privacy.secrets import (
    SecretKind,
    SecretMatch,
    scan_body,
    scan_field,
    scan_header,
    scan_text,
)

BODY_SCAN_LIMIT = 256 * 1024  # response bodies of auth-looking paths (login, token, ...)
SMALL_BODY_SCAN_LIMIT = 4 * 1024  # other JSON responses: scanning them all costs half the time
_AUTH_PATH = re.compile(r"(?i)auth|token|login|logon|signin|sign-in|session|sso|oidc|saml"
                        r"|credential|key|account|/me\b|user")


@dataclass(slots=True)
class Credential:
    """One distinct secret (by fingerprint) and where it was seen."""

    kind: SecretKind
    masked: str
    where: str
    name: str | None
    entries: list[int] = field(default_factory=list)
    expires_at: datetime | None = None


class CredentialLedger:
    """Every credential seen in the entries so far.

    Attributes:
        credentials: one ``Credential`` per distinct secret, by (fingerprint, kind).
        credential_entries: the entries carrying each kind of secret.
        request_credentials_seen: whether any request had cookies or ``Authorization``.
    """

    def __init__(self) -> None:
        self.credentials: dict[tuple[str, SecretKind], Credential] = {}
        self.credential_entries: dict[SecretKind, set[int]] = defaultdict(set)
        self.request_credentials_seen = False

    def add_entry(self, record: Record, url_secrets: list[SecretMatch],
                  request: dict[str, Any], response: dict[str, Any],
                  request_headers: list[tuple[str, str]],
                  response_headers: list[tuple[str, str]], content: dict[str, Any],
                  mime: str) -> None:
        """Scan one entry (its URL's secrets already found) and record what it carries."""
        found: list[tuple[str, SecretMatch]] = [("URL", m) for m in url_secrets]
        found += _header_secrets("request header", request_headers)
        request_cookies = name_value_pairs(request.get("cookies"))
        found += _cookie_secrets("request cookie", request_cookies, "Cookie")
        post = json_object(request.get("postData"))
        post_text = post.get("text")
        if isinstance(post_text, str) and post_text:
            found += [("request body", m) for m in
                      scan_body(post_text[:4 * BODY_SCAN_LIMIT], str(post.get("mimeType") or ""))]
        found += [("request body", m) for name, value in name_value_pairs(post.get("params"))
                  for m in scan_field(name, value)]
        if request_cookies or any(name.lower() in ("cookie", "authorization")
                                  for name, _ in request_headers):
            self.request_credentials_seen = True
        found += _header_secrets("response header", response_headers)
        found += _cookie_secrets("response cookie", name_value_pairs(response.get("cookies")),
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
