"""A bundle seeded with canaries: secrets, personal data and identifiers of every kind, in
every artifact kind and every place the issue's adversarial test found a leak.

``CANARIES`` maps a name to a value that must appear in no export (report in any format,
redacted bundle members, member names, manifest), whole or, for values of 12 characters
or more, by any 12-character piece. ``IDENTIFIERS`` holds one original of each identifier
kind that must be replaced by its pseudonym everywhere. Every value is random from a
fixed seed or reserved for documentation (``example.com``, ``2001:db8::/32``), never a
live credential; card numbers are generated to pass the Luhn check.

Where they sit (member: mechanism):

- ``logs/app.log``: vendor tokens by prefix (one long enough to straddle the analyzers'
  200- and 240-character cuts of event messages), named values, URL, Oracle, Redis and command
  line passwords, session cookies of several frameworks, OAuth codes, percent-encoded
  forms, a token with no name (entropy), personal data (cards plain, SSN, phones), a
  percent-encoded email, identifiers;
- ``logs/events.jsonl``: JSON-escaped ``DB_PASSWORD=\\"...\\"`` and
  ``{\\"SecretAccessKey\\": \\"...\\"}``;
- ``config/app.env``: a ``password=\\`` continuation, Azure connection string and SAS URL,
  an AWS secret key, a JDBC URL to a host whose last label is on no list;
- ``config/service-account.json``: a GCP key (``private_key_id``, a JSON-escaped PEM);
- ``keys/deploy_key``: a multi-line PEM key (only its header line names it);
- ``cluster/secrets.yaml``: a Kubernetes Secret whose short values sit under keys that
  name nothing (``cert-bundle``), one as a block scalar;
- ``browser/session.har``: headers, cookies, query, form and JSON bodies, personal data;
- ``db/dump.sql``: users by column (password, token, card, SSN, phone), ``IDENTIFIED BY``;
- ``db/pg_dump.sql``: a ``COPY`` block with a password column;
- ``db/slow.log`` and ``db/postgresql.log``: literals and connection errors;
- ``network/capture.pcap``: a bearer token in a payload, a Stripe key in a later IP
  fragment;
- ``nested/node.tar.gz``: a token two archives deep;
- names: ``logs/export_<github token>.log``, ``logs/db1.corp.example.com.log``,
  ``nodes/pg-orders.prod.acme.log``, ``reports/<email>/summary.txt``.
"""

from __future__ import annotations

import base64
import io
import random
import string
import struct
from pathlib import Path
from urllib.parse import quote

import orjson

from inspector.formats.pcap import LINKTYPE_ETHERNET, PcapWriter
from inspector.privacy.pseudonyms import Identifier
from inspector.testing import tar_bytes, zip_bytes
from inspector.training.scenarios.packets import Capture, TcpFlow, ethernet

_RNG = random.Random(20)


def _token(length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _b64(size: int) -> str:
    return base64.b64encode(_RNG.randbytes(size)).decode()


def _luhn(prefix: str, length: int) -> str:
    body = prefix + "".join(_RNG.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for index, character in enumerate(reversed(body)):
        value = int(character)
        if index % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return body + str(-total % 10)


_HEX = "0123456789abcdef"
_PEM_LINES = [_b64(48) for _ in range(6)]
_GCP_PEM_LINES = [_b64(48) for _ in range(4)]
CARD_PLAIN = _luhn("4", 16)
CARD_SPACED = _luhn("51", 16)
CARD_COLUMN = _luhn("37", 15)

CANARIES = {
    # vendor tokens, by prefix
    "github": "ghp_" + _token(36),
    "github_fine_grained": "github_pat_" + _token(22) + "_" + _token(59),
    "github_in_name": "ghp_" + _token(36),
    # Long, and placed so that the analyzers' 200- and 240-character cuts fall inside it.
    "github_across_the_cut": "github_pat_" + _token(22) + "_" + _token(59),
    "gitlab": "glpat-" + _token(20, string.ascii_letters + string.digits + "_-"),
    "slack": "xoxb-" + _token(12, string.digits) + "-" + _token(24),
    "slack_webhook": _token(24),
    "stripe_fragment": "sk_live_" + _token(24),
    "aws_key_id": "AKIA" + _token(16, string.ascii_uppercase + string.digits),
    "aws_secret": _b64(30),
    "google": "AIza" + _token(35, string.ascii_letters + string.digits + "_-"),
    "sendgrid": "SG." + _token(22) + "." + _token(43),
    "twilio": "SK" + _token(32, _HEX),
    "npm": "npm_" + _token(36),
    "azure_account_key": _b64(64),
    "azure_sas_sig": _b64(32),
    "gcp_private_key_id": _token(40, _HEX),
    "gcp_private_key_body": _GCP_PEM_LINES[2],
    "pem_body": _PEM_LINES[3],
    "jwt_signature": _token(43, string.ascii_letters + string.digits + "_-"),
    "bearer_log": _token(32),
    "no_name_token": _token(32),
    # passwords and named values
    "password_config": "Cfg-" + _token(12),
    "password_continued": "Cont-" + _token(12),
    "db_password_escaped": "Esc-" + _token(12),
    "secret_access_key_escaped": _b64(30),
    "url_password": "Url-" + _token(12),
    "redis_password": "Rds-" + _token(12),
    "oracle_password": "Ora-" + _token(12),
    "mysql_cli_password": "Cli-" + _token(12),
    "curl_password": "Crl-" + _token(12),
    "identified_by": "Idb-" + _token(12),
    "basic_credentials": base64.b64encode(f"svc-backup:Bas-{_token(12)}".encode()).decode(),
    "percent_password": "Pct-" + _token(12),
    "percent_bearer": _token(32),
    "postgres_log_password": "Pgl-" + _token(12),
    # session cookies and codes in log lines
    "phpsessid": _token(26, string.ascii_lowercase + string.digits),
    "connect_sid": _token(32),
    "rails_session": _token(40),
    "jsessionid": _token(32, "0123456789ABCDEF"),
    "oauth_code": _token(30),
    # HAR
    "har_bearer": _token(40),
    "har_cookie": _token(26),
    "har_set_cookie": _token(30),
    "har_api_key": _token(32),
    "har_query_token": _token(28),
    "har_json_password": "Hjp-" + _token(12),
    "har_form_password": "Hfp-" + _token(12),
    "har_client_secret": _token(36),
    # SQL
    "sql_users_password": "Summer2026!x",
    "sql_api_token": "tok-" + _token(20, string.ascii_lowercase + string.digits),
    "pg_copy_password": "Pgc-" + _token(12),
    # captures and nested archives
    "pcap_bearer": _token(36),
    "nested_token": "glpat-" + _token(20),
    # a Kubernetes Secret: short values under keys that name nothing
    "kubernetes_secret": base64.b64encode(_token(9).encode()).decode(),
    "kubernetes_secret_block": base64.b64encode(_token(30).encode()).decode(),
    # personal data
    "card_plain": CARD_PLAIN,
    "card_spaced": " ".join(CARD_SPACED[i:i + 4] for i in range(0, 16, 4)),
    "card_column": CARD_COLUMN,
    "card_slow_log": _luhn("4", 16),
    "card_har": _luhn("6011", 16),
    "ssn_log": "219-09-9999",
    "ssn_column": "078-05-1120",
    "ssn_slow_log": "536-22-4821",
    "ssn_har": "457-55-5462",
    "phone_international": "+44 20 7946 0321",
    "phone_nanp": "(415) 867-5309",
    "phone_labelled": "030 5550 1234",
    "phone_column": "+1 212 555 0187",
    "phone_har": "212-867-5309",
    "email_percent_local": "maria.rossi",
    "email_in_name_local": "k.tanaka",
}
IDENTIFIERS = {
    Identifier.IPV4: "10.20.4.17",
    Identifier.IPV6: "2001:db8:4:17::25",
    Identifier.EMAIL: "jane.doe@acme-corp.com",
    Identifier.HOST: "erp01.acme-corp.com",
    Identifier.MAC: "3c:22:fb:11:22:33",
    Identifier.USER: "jdoe",
}
#: Identifiers that stand only in member names.
HOST_IN_NAME = "db1.corp.example.com"
#: A host whose last label is on no list: a host by where it stands (a URL, a file name).
HOST_WITHOUT_KNOWN_TLD = "pg-orders.prod.acme"
EMAIL_IN_NAME = f"{CANARIES['email_in_name_local']}@acme-corp.com"

_C = CANARIES
_JWT = ".".join((base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode(),
                 base64.urlsafe_b64encode(b'{"sub":"42","exp":1794906000}').rstrip(b"=").decode(),
                 _C["jwt_signature"]))


def canary_log() -> bytes:
    basic = _C["basic_credentials"]
    lines = [
        "login user=jdoe from 10.20.4.17 mac 3c:22:fb:11:22:33 via 2001:db8:4:17::25",
        "ERROR auth failed for jane.doe@acme-corp.com on erp01.acme-corp.com",
        f"WARN git push rejected for token {_C['github']}",
        "ERROR sync failed after retrying the upstream call many times with backoff and "
        "jitter, giving up on batch 42 of the nightly export run, credentials "
        f"{_C['github_across_the_cut']} rejected by the remote",
        f"WARN fine-grained PAT {_C['github_fine_grained']} expired",
        f"INFO gitlab runner uses {_C['gitlab']}",
        f"INFO slack {_C['slack']} posted to "
        f"https://hooks.slack.com/services/T0ACME123/B0ACME456/{_C['slack_webhook']}",
        f"DEBUG aws {_C['aws_key_id']} google {_C['google']} sendgrid {_C['sendgrid']}",
        f"DEBUG twilio {_C['twilio']} npm {_C['npm']}",
        f"ERROR token {_JWT} rejected",
        f"ERROR upstream said 401 to Authorization: Bearer {_C['bearer_log']}",
        f"ERROR basic auth Authorization: Basic {basic}",
        f"DEBUG request trace {_C['no_name_token']} done",
        f"WARN retry https://svc:{_C['url_password']}@erp01.acme-corp.com/api",
        f"WARN cache redis://:{_C['redis_password']}@cache.acme-corp.com:6379/0",
        f"INFO datasource jdbc:oracle:thin:scott/{_C['oracle_password']}"
        "@erp01.acme-corp.com:1521:ERP",
        f"INFO ran: mysqldump -uroot -p{_C['mysql_cli_password']} erp > /backup/erp.sql",
        f"INFO ran: curl -su admin:{_C['curl_password']} https://erp01.acme-corp.com/health",
        f"DEBUG cookie PHPSESSID={_C['phpsessid']}; path=/",
        f"DEBUG cookie connect.sid=s%3A{_C['connect_sid']}.sig; "
        f"_acme_session={_C['rails_session']}",
        f"DEBUG cookie JSESSIONID={_C['jsessionid']}",
        f"INFO GET /oauth/callback?code={_C['oauth_code']}&state=xyz 302",
        f"WARN form body login=jdoe&password%3D{_C['percent_password']}%26next%3D%2F",
        f"WARN header Authorization%3A%20Bearer%20{_C['percent_bearer']}",
        f"INFO mailto jane.doe signup {_C['email_percent_local']}%40acme-corp.com confirmed",
        f"WARN paid with card {CARD_PLAIN} and {_C['card_spaced']}",
        f"WARN customer ssn {_C['ssn_log']} on file",
        f"INFO call back {_C['phone_international']} or {_C['phone_nanp']}",
        f"INFO contact tel: {_C['phone_labelled']}",
        "INFO home directory /home/jdoe is full",
        "INFO order 4111111111111112 shipped at 2026-11-17 09:14:02, build 2026.11.17.1234",
    ]
    return "".join(f"2026-11-17T09:14:{n:02d}Z {line}\n"
                   for n, line in enumerate(lines)).encode()


def canary_jsonl() -> bytes:
    events = [
        {"ts": "2026-11-17T09:15:00Z", "level": "ERROR",
         "msg": f'config DB_PASSWORD="{_C["db_password_escaped"]}" rejected'},
        {"ts": "2026-11-17T09:15:01Z", "level": "ERROR",
         "msg": orjson.dumps({"AccessKeyId": _C["aws_key_id"],
                              "SecretAccessKey": _C["secret_access_key_escaped"]}).decode()},
    ]
    return b"".join(orjson.dumps(event) + b"\n" for event in events)


def canary_env() -> bytes:
    return (
        "# application settings\n"
        f"DB_USER=jdoe\npassword=\\\n    {_C['password_continued']}\n"
        f"api_password={_C['password_config']}\n"
        "STORAGE=DefaultEndpointsProtocol=https;AccountName=acmelogs;"
        f"AccountKey={_C['azure_account_key']};EndpointSuffix=core.windows.net\n"
        "EXPORT_URL=https://acmelogs.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=o"
        f"&sp=r&se=2026-12-01T00:00:00Z&sig={quote(_C['azure_sas_sig'], safe='')}\n"
        f"aws_secret_access_key = {_C['aws_secret']}\n"
        f"ORDERS_DB=jdbc:postgresql://{HOST_WITHOUT_KNOWN_TLD}:5432/orders\n"
    ).encode()


def canary_service_account() -> bytes:
    pem = ("-----BEGIN PRIVATE KEY-----\n" + "\n".join(_GCP_PEM_LINES)
           + "\n-----END PRIVATE KEY-----\n")
    return orjson.dumps({
        "type": "service_account", "project_id": "acme-erp-prod",
        "private_key_id": _C["gcp_private_key_id"], "private_key": pem,
        "client_email": "exporter@acme-erp-prod.iam.gserviceaccount.com",
    }, option=orjson.OPT_INDENT_2)


def canary_key() -> bytes:
    return ("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(_PEM_LINES)
            + "\n-----END RSA PRIVATE KEY-----\n").encode()


def canary_har() -> bytes:
    request_body = orjson.dumps({"username": "jdoe", "password": _C["har_json_password"]})
    response_body = orjson.dumps({
        "client_secret": _C["har_client_secret"], "owner": "jane.doe@acme-corp.com",
        "billing": {"card": _C["card_har"], "ssn": _C["ssn_har"], "phone": _C["phone_har"]}})
    entry = {
        "startedDateTime": "2026-11-17T09:14:03.000Z", "time": 12.0,
        "request": {
            "method": "POST",
            "url": f"https://erp01.acme-corp.com/api/login?access_token={_C['har_query_token']}",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Authorization", "value": f"Bearer {_C['har_bearer']}"},
                {"name": "Cookie", "value": f"theme=dark; sid={_C['har_cookie']}"},
                {"name": "X-Api-Key", "value": _C["har_api_key"]},
                {"name": "User-Agent", "value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                 "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
            ],
            "queryString": [{"name": "access_token", "value": _C["har_query_token"]}],
            "cookies": [{"name": "sid", "value": _C["har_cookie"]}],
            "postData": {"mimeType": "application/json", "text": request_body.decode()},
            "headersSize": -1, "bodySize": len(request_body),
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Set-Cookie",
                         "value": f"session={_C['har_set_cookie']}; Path=/; HttpOnly"}],
            "cookies": [],
            "content": {"size": len(response_body), "mimeType": "application/json",
                        "text": response_body.decode()},
            "redirectURL": "", "headersSize": -1, "bodySize": len(response_body),
        },
        "cache": {}, "timings": {"send": 1, "wait": 10, "receive": 1},
        "serverIPAddress": "10.20.4.17",
    }
    form = dict(entry, request=dict(
        entry["request"], url="https://erp01.acme-corp.com/login",
        postData={"mimeType": "application/x-www-form-urlencoded",
                  "text": f"user=jdoe&password={_C['har_form_password']}",
                  "params": [{"name": "password", "value": _C["har_form_password"]}]}))
    return orjson.dumps({"log": {"version": "1.2", "creator": {"name": "WebInspector",
                                                                "version": "537.36"},
                                 "pages": [], "entries": [entry, form]}})


def canary_dump() -> bytes:
    return (
        "-- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)\n"
        "-- Host: erp01.acme-corp.com    Database: erp\n"
        "-- Server version\t8.0.35\n\n"
        "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `login` varchar(32) DEFAULT NULL,\n"
        "  `password` varchar(64) DEFAULT NULL,\n  `api_token` varchar(64) DEFAULT NULL,\n"
        "  `card_number` varchar(19) DEFAULT NULL,\n  `ssn` char(11) DEFAULT NULL,\n"
        "  `phone` varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
        "INSERT INTO `users` VALUES (1,'jdoe','" + _C["sql_users_password"] + "','"
        + _C["sql_api_token"] + "','" + CARD_COLUMN + "','" + _C["ssn_column"] + "','"
        + _C["phone_column"] + "'),(2,'asmith',NULL,NULL,NULL,NULL,NULL);\n"
        f"CREATE USER 'report'@'%' IDENTIFIED BY '{_C['identified_by']}';\n"
    ).encode()


def canary_pg_dump() -> bytes:
    return (
        "--\n-- PostgreSQL database dump\n--\n\n"
        "CREATE TABLE public.accounts (\n    id integer NOT NULL,\n    login text,\n"
        "    password text\n);\n\n"
        "COPY public.accounts (id, login, password) FROM stdin;\n"
        f"1\tjdoe\t{_C['pg_copy_password']}\n2\tasmith\t\\N\n\\.\n"
    ).encode()


def canary_slow_log() -> bytes:
    return (
        "/usr/sbin/mysqld, Version: 8.0.35 (MySQL Community Server - GPL). started with:\n"
        "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n"
        "Time                 Id Command    Argument\n"
        "# Time: 2026-11-17T09:14:05.123456Z\n"
        "# User@Host: jdoe[jdoe] @  [10.20.4.17]  Id:    42\n"
        "# Query_time: 3.250000  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 500000\n"
        "SET timestamp=1794906845;\n"
        f"SELECT * FROM payments WHERE card = '{_C['card_slow_log']}' "
        f"OR ssn = '{_C['ssn_slow_log']}';\n"
    ).encode()


def canary_postgres_log() -> bytes:
    return (
        "2026-11-17 09:14:06.100 UTC [4242] jdoe@erp FATAL:  password authentication failed "
        "for user \"jdoe\"\n"
        "2026-11-17 09:14:06.200 UTC [4243] LOG:  connection string host=erp01.acme-corp.com "
        f"user=jdoe password={_C['postgres_log_password']} dbname=erp\n"
    ).encode()


def canary_pcap() -> bytes:
    capture = Capture()
    flow = TcpFlow(capture, "10.20.4.17", 50123, "10.20.8.60", 8080)
    start = flow.handshake(1_794_906_000.0, rtt=0.01)
    flow.send(start + 0.001, f"GET /x HTTP/1.1\r\nAuthorization: Bearer {_C['pcap_bearer']}"
                             "\r\n\r\n".encode())
    data = capture.pcap()
    # A later fragment of an IP packet: its bytes are payload, not a TCP header.
    payload = f"....stripe={_C['stripe_fragment']}&x=1".encode()
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 7, 0x00B9, 64, 6, 0,
                         bytes([10, 20, 4, 17]), bytes([10, 20, 8, 60]))
    out = io.BytesIO()
    writer = PcapWriter(out, LINKTYPE_ETHERNET, snaplen=65535)
    writer.write(1_794_906_001, 0, ethernet(header + payload), len(header + payload) + 14)
    return data + out.getvalue()[24:]  # the same link type: append the record alone


def canary_kubernetes_secrets() -> bytes:
    return (
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n"
        f"    cert-bundle: {_C['kubernetes_secret']}\n"
        f"    ca.pem: |\n      {_C['kubernetes_secret_block']}\n"
        "  kind: Secret\n  metadata:\n    name: orders-db\n    namespace: shop\n"
        "  type: Opaque\n- apiVersion: v1\n  data:\n    retries: \"3\"\n"
        "  kind: ConfigMap\n  metadata:\n    name: orders-settings\nkind: List\n"
    ).encode()


def write_canary_bundle(path: Path) -> Path:
    """A zip at ``path`` with every canary member (see the module doc)."""
    path.write_bytes(zip_bytes({
        "logs/app.log": canary_log(),
        "logs/events.jsonl": canary_jsonl(),
        f"logs/export_{_C['github_in_name']}.log": b"2026-11-17T09:16:00Z INFO export done\n",
        f"logs/{HOST_IN_NAME}.log": b"2026-11-17T09:16:01Z INFO replica in sync\n",
        f"nodes/{HOST_WITHOUT_KNOWN_TLD}.log": b"2026-11-17T09:16:02Z INFO vacuum done\n",
        f"reports/{EMAIL_IN_NAME}/summary.txt": b"Weekly summary: all green.\n",
        "config/app.env": canary_env(),
        "config/service-account.json": canary_service_account(),
        "cluster/secrets.yaml": canary_kubernetes_secrets(),
        "keys/deploy_key": canary_key(),
        "browser/session.har": canary_har(),
        "db/dump.sql": canary_dump(),
        "db/pg_dump.sql": canary_pg_dump(),
        "db/slow.log": canary_slow_log(),
        "db/postgresql.log": canary_postgres_log(),
        "network/capture.pcap": canary_pcap(),
        "nested/node.tar.gz": tar_bytes({
            "var/log/agent.log": f"2026-11-17T09:17:00Z WARN runner token "
                                 f"{_C['nested_token']} invalid\n".encode()}, "gzip"),
    }))
    return path


def leaks(text: str) -> list[str]:
    """The canaries found in ``text``: whole, or by a 12-character piece of a longer one
    (a cut token still leaks), blanks and line breaks ignored (a PDF wraps long words)."""
    flat = "".join(text.split())
    found = []
    for name, value in CANARIES.items():
        compact = "".join(value.split())
        pieces = [compact] if len(compact) < 12 else \
            [compact[i:i + 12] for i in range(0, len(compact) - 11, 4)]
        if any(piece in flat for piece in pieces):
            found.append(name)
    return found
