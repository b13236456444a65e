"""The credential ledger: one credential per secret, scanned where credentials live."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson

from analyzers.http.credentials import SMALL_BODY_SCAN_LIMIT, CredentialLedger
from analyzers.http.entries import Record
from inspector.privacy.secrets import SecretKind
from tests.analyzers.http.hars import T0, make_jwt

TOKEN = "tk_" + "Q7x2" * 10


def record(index: int = 1, path: str = "/api/items", started: datetime = T0) -> Record:
    return Record(index=index, started=started, method="GET", url=f"https://a.test{path}",
                  scheme="https", host="a.test", path=path, status=200, status_text="OK",
                  reason="", error="", wait=1.0, queued=None, time=2.0, size=10,
                  resource_type="fetch", from_cache=False, pageref="")


def scan(ledger: CredentialLedger, entry: Record, *, request_headers=(), request=None,
         body: str | None = None) -> None:
    content = {"text": body} if body is not None else {}
    ledger.add_entry(entry, [], request or {}, {}, list(request_headers), [], content,
                     "application/json")


def test_a_session_sent_with_every_request_is_one_credential():
    ledger = CredentialLedger()
    for index in (1, 2, 3):
        scan(ledger, record(index), request={"cookies": [{"name": "x", "value": TOKEN}]})
    [credential] = ledger.credentials.values()
    assert credential.kind is SecretKind.COOKIE and credential.entries == [1, 2, 3]
    assert credential.where == "request cookie" and TOKEN not in credential.masked
    assert ledger.credential_entries == {SecretKind.COOKIE: {1, 2, 3}}
    assert ledger.request_credentials_seen


def test_large_response_bodies_are_scanned_only_on_auth_paths():
    body = orjson.dumps({"access_token": TOKEN, "padding": "x" * SMALL_BODY_SCAN_LIMIT}).decode()
    ledger = CredentialLedger()
    scan(ledger, record(1, "/api/items"), body=body)
    assert not ledger.credentials and not ledger.request_credentials_seen
    scan(ledger, record(2, "/oauth/token"), body=body)
    [credential] = ledger.credentials.values()
    assert credential.where == "response body" and credential.entries == [2]


def test_a_bearer_token_sent_after_it_expired_marks_the_record():
    expires = T0 - timedelta(minutes=5)
    late = record(started=T0)
    scan(CredentialLedger(), late,
         request_headers=[("Authorization", f"Bearer {make_jwt(expires)}")])
    masked, expired_at = late.bearer_jwt_expired
    assert expired_at == expires and masked.startswith("eyJ")
    in_time = record(started=expires - timedelta(seconds=1))
    scan(CredentialLedger(), in_time,
         request_headers=[("Authorization", f"Bearer {make_jwt(expires)}")])
    assert in_time.bearer_jwt_expired is None
