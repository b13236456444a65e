"""A bundle seeded with secrets of every kind and with identifiers, for the redaction tests.

Secrets sit in logs, HAR headers, cookies, bodies and URLs, SQL and a capture's payload;
``CANARIES`` holds every secret value and ``IDENTIFIERS`` one identifier of each kind, so a
test can look for each of them, whole, in whatever was exported.
"""

from __future__ import annotations

import base64
from pathlib import Path

import orjson

from inspector.privacy.pseudonyms import Identifier
from inspector.testing import zip_bytes
from inspector.training.scenarios.packets import Capture, TcpFlow


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


CANARY_JWT = ".".join((_b64url(b'{"alg":"HS256","typ":"JWT"}'),
                       _b64url(b'{"sub":"canary-jwt-subject","exp":1794906000}'),
                       _b64url(b"canary-jwt-signature-0123456789abcdef")))
CANARIES = {
    "password": "Canary-Pw-7731x",
    "bearer": "CanaryBearerTok3nQ9w8e7r6t5y4u3i2o1p",
    "cookie": "CanarySessi0nCookieV4lue99",
    "set_cookie": "CanarySetCookieV4lueZZ8812",
    "api_key_header": "CanaryApiKeyHeader0987654321",
    "query_token": "CanaryQueryAccessT0ken5566",
    "url_password": "CanaryUrlPassw0rd",
    "body_password": "Canary-Body-Pw-4242",
    "body_secret": "CanaryClientSecretInBody77",
    "aws": "AKIACANARY7777QWERTY",
    "sql_password": "Canary-Sql-Pw-1199",
    "sql_dsn_password": "CanaryDsnPassw0rd",
    "private_key_body": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCanaryKeyMaterial",
    "jwt_subject": "canary-jwt-subject",  # inside the JWT payload: JWTs go whole
    "jwt_signature": CANARY_JWT.rsplit(".", 1)[1],
}
CANARY_JWT_PAYLOAD = CANARY_JWT.split(".")[1]
IDENTIFIERS = {
    Identifier.IPV4: "10.20.4.17",
    Identifier.EMAIL: "jane.doe@acme-corp.com",
    Identifier.HOST: "erp01.acme-corp.com",
    Identifier.MAC: "3c:22:fb:11:22:33",
    Identifier.USER: "jdoe",
}


def canary_log() -> bytes:
    lines = [
        "2026-11-17T09:14:01Z INFO login user=jdoe from 10.20.4.17 mac 3c:22:fb:11:22:33",
        f"2026-11-17T09:14:02Z ERROR auth failed for jane.doe@acme-corp.com password="
        f"{CANARIES['password']}",
        f"2026-11-17T09:14:03Z ERROR upstream call Authorization: Bearer {CANARIES['bearer']}",
        f"2026-11-17T09:14:04Z WARN retry https://svc:{CANARIES['url_password']}"
        "@erp01.acme-corp.com/api",
        f"2026-11-17T09:14:05Z ERROR aws key {CANARIES['aws']} rejected by erp01.acme-corp.com",
        f"2026-11-17T09:14:06Z ERROR token {CANARY_JWT} expired",
        "2026-11-17T09:14:07Z ERROR loaded key -----BEGIN PRIVATE KEY-----"
        f"{CANARIES['private_key_body']}-----END PRIVATE KEY-----",
    ]
    return ("\n".join(lines) + "\n").encode()


def canary_har() -> bytes:
    entry = {
        "startedDateTime": "2026-11-17T09:14:03.000Z", "time": 12.0,
        "request": {
            "method": "POST",
            "url": f"https://erp01.acme-corp.com/api/login?access_token={CANARIES['query_token']}"
                   "&lang=en",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Authorization", "value": f"Bearer {CANARIES['bearer']}"},
                {"name": "Cookie", "value": f"theme=dark; sid={CANARIES['cookie']}"},
                {"name": "X-Api-Key", "value": CANARIES["api_key_header"]},
                {"name": "User-Agent", "value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                 "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
            ],
            "queryString": [{"name": "access_token", "value": CANARIES["query_token"]},
                            {"name": "lang", "value": "en"}],
            "cookies": [{"name": "sid", "value": CANARIES["cookie"]}],
            "postData": {"mimeType": "application/json",
                         "text": orjson.dumps({"username": "jdoe",
                                               "password": CANARIES["body_password"]}).decode()},
            "headersSize": -1, "bodySize": 80,
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Set-Cookie",
                         "value": f"session={CANARIES['set_cookie']}; Path=/; HttpOnly"}],
            "cookies": [],
            "content": {"size": 120, "mimeType": "application/json",
                        "text": orjson.dumps({"client_secret": CANARIES["body_secret"],
                                              "id_token": CANARY_JWT,
                                              "owner": "jane.doe@acme-corp.com"}).decode()},
            "redirectURL": "", "headersSize": -1, "bodySize": 120,
        },
        "cache": {}, "timings": {"send": 1, "wait": 10, "receive": 1},
        "serverIPAddress": "10.20.4.17",
    }
    return orjson.dumps({"log": {"version": "1.2", "creator": {"name": "WebInspector",
                                                                "version": "537.36"},
                                 "pages": [], "entries": [entry]}})


def canary_sql() -> bytes:
    return (
        "-- MySQL dump 10.13  Distrib 8.0.35\n"
        "-- Server version\t8.0.35\n"
        "CREATE TABLE settings (name varchar(64), value text);\n"
        f"UPDATE accounts SET password = '{CANARIES['sql_password']}' WHERE login = 'jdoe';\n"
        "INSERT INTO settings VALUES ('dsn', 'mysql://app:"
        f"{CANARIES['sql_dsn_password']}@erp01.acme-corp.com/erp');\n"
        f"INSERT INTO settings VALUES ('aws', '{CANARIES['aws']}');\n"
    ).encode()


def canary_pcap() -> bytes:
    capture = Capture()
    flow = TcpFlow(capture, "10.20.4.17", 50123, "10.20.8.60", 8080)
    start = flow.handshake(1_794_906_000.0, rtt=0.01)
    flow.send(start + 0.001, f"GET /x HTTP/1.1\r\nAuthorization: Bearer {CANARIES['bearer']}"
                             "\r\n\r\n".encode())
    return capture.pcap()


def write_canary_bundle(path: Path) -> Path:
    """A zip at ``path`` with the canary log, HAR file, SQL dump and capture."""
    path.write_bytes(zip_bytes({
        "logs/app.log": canary_log(),
        "browser/session.har": canary_har(),
        "db/dump.sql": canary_sql(),
        "network/capture.pcap": canary_pcap(),
    }))
    return path
