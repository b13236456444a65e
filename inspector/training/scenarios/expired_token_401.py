"""Training scenario: an expired access token, a failed refresh, and a cascade of 401s.

The customer says "the portal logs me out, or rather everything just stops loading, around
nine". The bundle holds a Chrome HAR exported *with* sensitive data (the customer ticked
the box), so cookies and Authorization headers are in it. The SPA's access token (a JWT)
expires at 09:05:00; its refresh call at 09:05:01 is refused with 400 ``invalid_grant``
(the refresh token was revoked when the password was changed in another tab), and the app
keeps sending the expired token: every API call from then on is a 401. The HAR also
carries a still-valid notifications token in a WebSocket URL and the session cookie, which
is the second lesson: this file must be treated as leaked. Red herrings: a 404 favicon, a
slow report export and an image aborted by navigation.
"""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta

import orjson

from inspector.training.scenarios import Built, Scenario
from inspector.training.scenarios.gateway_502 import ChromeHar

START = datetime(2026, 11, 17, 8, 58, 0, tzinfo=UTC)
EXPIRY = datetime(2026, 11, 17, 9, 5, 0, tzinfo=UTC)
PORTAL = "https://portal.example.com"
API = "https://api.portal.example.com"
LOGIN = "https://login.portal.example.com"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def made_up_jwt(rng: random.Random, audience: str, issued: datetime, expires: datetime) -> str:
    """A JWT-shaped token with a random (meaningless) signature: no key exists for it."""
    header = {"alg": "RS256", "typ": "JWT", "kid": f"{rng.getrandbits(40):010x}"}
    claims = {"iss": LOGIN, "sub": f"user-{rng.randrange(1000, 9999)}", "aud": audience,
              "iat": int(issued.timestamp()), "exp": int(expires.timestamp()),
              "scope": "portal.read portal.write"}
    return ".".join((_b64url(orjson.dumps(header)), _b64url(orjson.dumps(claims)),
                     _b64url(rng.randbytes(256))))


def build(rng: random.Random) -> Built:
    har = ChromeHar(f"{PORTAL}/dashboard", START, rng)
    access = made_up_jwt(rng, "portal-api", EXPIRY - timedelta(hours=1), EXPIRY)
    notify = made_up_jwt(rng, "portal-notify", START - timedelta(minutes=2),
                         START + timedelta(hours=2))
    refresh = _b64url(rng.randbytes(36))
    session = {"portal_sid": _b64url(rng.randbytes(24)), "lang": "en"}
    bearer = {"authorization": f"Bearer {access}"}

    har.add(START, "GET", har.page_url, 200, resource_type="document", mime="text/html",
            size=21_000, wait=88.0, cookies=session)
    moment = START + timedelta(milliseconds=600)
    har.add(moment, "GET", f"{PORTAL}/favicon.ico", 404, resource_type="other",
            mime="text/html", size=150, wait=9.0, cookies=session)
    har.add(moment + timedelta(milliseconds=40), "GET",
            f"https://notify.portal.example.com/v1/stream?access_token={notify}", 101,
            resource_type="websocket", mime="", size=0, wait=35.0)

    rejected: list[int] = []
    refresh_entry = 0
    while moment < EXPIRY + timedelta(minutes=4):
        moment += timedelta(seconds=rng.uniform(3.0, 9.0))
        if moment >= EXPIRY and not refresh_entry:
            refresh_entry = har.add(moment, "POST", f"{LOGIN}/oauth/token", 400, size=96, wait=61.0,
                    post=("application/x-www-form-urlencoded",
                          f"grant_type=refresh_token&refresh_token={refresh}"
                          "&client_id=portal-web"),
                    body='{"error":"invalid_grant","error_description":"refresh token '
                         'revoked"}')
            continue
        path, size, wait = rng.choice((
            ("/v3/dashboard/widgets", 4_800, (40, 140)),
            ("/v3/tickets?status=open&page=1", 9_400, (60, 220)),
            (f"/v3/tickets/{rng.randrange(48_000, 49_000)}", 3_100, (30, 120)),
            ("/v3/me/notifications?unread=true", 1_200, (20, 80)),
            ("/v3/reports/export?format=csv", 210_000, (1_300, 1_900)),
        ))
        if moment < EXPIRY:
            har.add(moment, "GET", f"{API}{path}", 200, size=size, wait=rng.uniform(*wait),
                    request_headers=bearer)
        else:
            number = har.add(
                moment, "GET", f"{API}{path}", 401, size=64, wait=rng.uniform(8, 25),
                request_headers=bearer, body='{"error":"invalid_token"}',
                response_headers={"www-authenticate": 'Bearer error="invalid_token", '
                                  'error_description="The access token expired"'})
            rejected.append(number)
        if rng.random() < 0.1:
            har.add(moment + timedelta(milliseconds=300), "GET",
                    f"{PORTAL}/img/avatars/{rng.randrange(100)}.png", 0,
                    resource_type="image", mime="image/png", error="net::ERR_ABORTED")
    evidence = [
        {"artifact": "browser/portal.har", "locator": {"kind": "entry", "index": rejected[0]},
         "why": "the first call after 09:05:00 carries the expired JWT and gets 401",
         "cited_by": "http.expired-token"},
        {"artifact": "browser/portal.har", "locator": {"kind": "entry", "index": refresh_entry},
         "why": "the refresh is refused (400 invalid_grant), so the token is never renewed",
         "cited_by": "http.client-errors"},
        {"artifact": "browser/portal.har", "locator": {"kind": "entry", "index": 3},
         "why": "a notifications token, valid for two more hours, sits in a URL of this HAR",
         "cited_by": "http.credentials-exposed"},
    ]
    return Built(files={"browser/portal.har": har.to_bytes()},
                 rules=["http.client-errors", "http.expired-token", "http.credentials-exposed"],
                 evidence=evidence, forbidden=["http.failed-requests"],
                 # The CSV export is slow (about 1.5 s) but not this case's trouble.
                 allowed=["http.slow-responses", "kb.known-issue"])


SCENARIO = Scenario(
    name="expired_token_401",
    title="The portal stops loading data after a while; reloading does not help",
    difficulty="medium",
    summary=("The SPA's access token (JWT) expired at 09:05:00. Its refresh request was "
             "refused with 400 invalid_grant (the refresh token had been revoked), and the "
             "app kept sending the expired token, so every API call after 09:05 got 401. "
             "Fix: sign in again; the app should send the user to sign-in when a refresh "
             "fails. The HAR holds live credentials (session cookie, a notifications token "
             "valid until 11:00, the refresh token): revoke them and delete the file. The "
             "404 favicon, the slow CSV export and the aborted avatar image are noise."),
    build=build,
    tags=("http", "har", "authentication", "credentials"),
)
