"""Redaction: secrets out, identifiers pseudonymized consistently, the gate, bundles.

The canary test at the end holds the issue's promise: a bundle seeded with secrets of every
kind, in logs, HAR headers, bodies, URLs and SQL, leaves no canary in any export format nor
in the redacted bundle, and the report and the bundle share their pseudonyms.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import orjson
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.bundle import open_bundle
from inspector.formats.pcap import decode, read_packets
from inspector.model import Evidence, LineLocator, Severity
from inspector.privacy.redaction import (
    MANIFEST_NAME,
    CaptureMode,
    Identifier,
    PseudonymMap,
    RedactionRefused,
    Redactor,
    check,
    find_identifiers,
    gate,
    redact_bundle,
    write_checked,
)
from inspector.privacy.secrets import scan_header
from inspector.report import FORMATS, draft, export
from inspector.rules import Rule
from inspector.testing import zip_bytes
from inspector.training.scenarios.packets import Capture, TcpFlow
from tests.analyses import analyze
from tests.corpus import CORPUS

# Not registered: the global registry lists the product's rules only.
CANARY_EVIDENCE = Rule("test.canary-evidence", Severity.HIGH, "test",
                       "A finding built by the redaction tests to carry canary excerpts.")


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


@pytest.fixture(scope="module")
def canary_bundle(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("canary")
    path = folder / "case-4711.zip"
    path.write_bytes(zip_bytes({
        "logs/app.log": canary_log(),
        "browser/session.har": canary_har(),
        "db/dump.sql": canary_sql(),
        "network/capture.pcap": canary_pcap(),
    }))
    return path


def _leaks(text: str) -> list[str]:
    return [name for name, value in {**CANARIES, "jwt_payload": CANARY_JWT_PAYLOAD}.items()
            if value in text]


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("from 192.168.10.44:5432", Identifier.IPV4, "192.168.10.44"),
    ("mapped ::ffff:10.1.2.3 here", Identifier.IPV4, "10.1.2.3"),
    ("peer fe80::1ff:fe23:4567:890a%eth0 up", Identifier.IPV6, "fe80::1ff:fe23:4567:890a%eth0"),
    ("mail Bob.Smith+x@mail.example.org.", Identifier.EMAIL, "Bob.Smith+x@mail.example.org"),
    ("connect db-01.corp.acme.com:5432", Identifier.HOST, "db-01.corp.acme.com"),
    ("hw 00-1A-2B-3C-4D-5E link", Identifier.MAC, "00-1A-2B-3C-4D-5E"),
    ('{"username": "mrossi"}', Identifier.USER, "mrossi"),
    ("cd /home/kwong/.cache", Identifier.USER, "kwong"),
    (r"C:\Users\pnair\AppData", Identifier.USER, "pnair"),
    ("GRANT ALL ON *.* TO 'etl_svc'@'%'", Identifier.USER, "etl_svc"),
])
def test_identifiers_are_found_by_shape(text, kind, value):
    assert [(s.kind, s.value) for s in find_identifiers(text)] == [(kind, value)]


@pytest.mark.parametrize("text", [
    "at com.example.orders.ApiClient.push(ApiClient.java:42)",
    "edit app.py and readme.md then run.sh",
    "window 09:12:27-09:16:34 at 10:11:12.131",
    "listening on 127.0.0.1 and ::1 and 0.0.0.0",
    "user=root uid=0",
    "version 1.2.3 of libfoo",
    "Mozilla/5.0 Chrome/131.0.0.0 Safari/537.36",
])
def test_things_that_only_look_like_identifiers_are_left_alone(text):
    assert find_identifiers(text) == []


def test_same_value_same_pseudonym_everywhere_and_in_every_form():
    redactor = Redactor()
    first = redactor.text("user=jdoe from 10.0.0.5 (db1.corp.example.com)")
    second = redactor.text("jdoe again via DB1.CORP.EXAMPLE.COM at 10.0.0.5; 10.0.0.6 too")
    assert first == "user=user1 from 240.0.0.1 (host1.redacted.invalid)"
    assert second == ("user1 again via host1.redacted.invalid at 240.0.0.1; "
                      "240.0.0.2 too")


def test_pseudonym_map_round_trips_and_keeps_numbering():
    names = PseudonymMap()
    names.pseudonym(Identifier.EMAIL, "a@x.com")
    again = PseudonymMap.from_json(orjson.loads(orjson.dumps(names.to_json())))
    assert again.known(Identifier.EMAIL, "A@X.COM") == "user1@redacted.invalid"
    assert again.pseudonym(Identifier.EMAIL, "b@x.com") == "user2@redacted.invalid"
    assert again.is_pseudonym("user2@redacted.invalid")


def test_only_the_chosen_identifier_kinds_are_pseudonymized_and_kept_values_stay():
    redactor = Redactor(pseudonymize=frozenset({Identifier.IPV4}),
                        keep=frozenset({"10.0.0.9"}))
    out = redactor.text("alice@example.com at 10.0.0.5 and 10.0.0.9 password=hunter22")
    assert out == "alice@example.com at 240.0.0.1 and 10.0.0.9 password=REDACTED:password"


def test_preview_lists_every_change_without_the_secret():
    redactor = Redactor()
    redactor.text("password=Sup3rS3cretValue! from 10.0.0.5", "logs/a.log:3")
    redactor.text("again from 10.0.0.5", "logs/a.log:4")
    preview = redactor.preview()
    assert {(p["category"], p["kind"], p["count"]) for p in preview} == {
        ("secret", "password", 1), ("pseudonym", "ipv4", 2)}
    assert "Sup3rS3cretValue" not in orjson.dumps(preview).decode()
    assert next(p for p in preview if p["kind"] == "ipv4")["where"] == "logs/a.log:3"


# Command-line, SQL and password-hash secrets, as they come in a bundle: a shell history, a
# support script, a user dump, a slow log, /etc/shadow, a PHP application log.
SHAPED_SECRET_LINES = [
    ("  512  curl -sku elastic:Vx9mQ2rTz 'https://es01.internal:9200/_cluster/health'",
     "  512  curl -sku elastic:REDACTED:password 'https://es01.internal:9200/_cluster/health'"),
    ("mysqldump --single-transaction -h db01 -u backup -p'K7#pL9 qz' shop | gzip > shop.gz",
     "mysqldump --single-transaction -h db01 -u backup -p'REDACTED:password' shop | gzip > "
     "shop.gz"),
    ("wget --user=deploy --password='W9et!pw' https://repo.internal/release.tgz",
     "wget --user=deploy --password='REDACTED:password' https://repo.internal/release.tgz"),
    ("CREATE USER 'etl'@'10.%' IDENTIFIED BY 'Etl-Pw''s 9';",
     "CREATE USER 'etl'@'10.%' IDENTIFIED BY 'REDACTED:password';"),
    ("GRANT ALL ON shop.* TO 'shop'@'localhost' IDENTIFIED BY PASSWORD "
     "'*1746724C60A279DADCEA02CE722C6A1B763B9ADE';",
     "GRANT ALL ON shop.* TO 'shop'@'localhost' IDENTIFIED BY PASSWORD 'REDACTED:password';"),
    ("ALTER ROLE report WITH LOGIN PASSWORD 'Pg-Report-77';",
     "ALTER ROLE report WITH LOGIN PASSWORD 'REDACTED:password';"),
    ("root:$6$Qx7.Lm2/$1GuwGxhYqybSHQS3pRlybxOX8JpssIEYt/JWcwUE8kT7Nqo3Pt.BDV5Wv0OREnEvFeMBniVq"
     "gvHNMoeN8uFGH.:19683:0:99999:7:::", "root:REDACTED:password:19683:0:99999:7:::"),
    ("[2026-11-17 09:14:02] production.ERROR: insert into `users` (`email`, `password`) values "
     "(jdoe@example.com, $2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi)",
     "[2026-11-17 09:14:02] production.ERROR: insert into `users` (`email`, `password`) values "
     "(jdoe@example.com, REDACTED:password)"),
]
SHAPED_SECRETS = ["Vx9mQ2rTz", "K7#pL9 qz", "W9et!pw", "Etl-Pw''s 9", "1746724C60A279DADCEA",
                  "Pg-Report-77", "1GuwGxhYqybSHQS3", "92IXUNpkjO0rOQ5byMi"]


def test_command_line_sql_and_hash_secrets_are_redacted_and_pass_the_gate(tmp_path):
    secrets_only = Redactor(pseudonymize=frozenset())
    assert [secrets_only.text(line) for line, _ in SHAPED_SECRET_LINES] == [
        clean for _, clean in SHAPED_SECRET_LINES]
    redactor = Redactor()
    clean = redactor.text("\n".join(line for line, _ in SHAPED_SECRET_LINES) + "\n")
    assert [secret for secret in SHAPED_SECRETS if secret in clean] == []
    assert gate(clean, redactor.pseudonyms, redactor.pseudonymize) == []
    write_checked(tmp_path / "history.txt", clean, redactor)  # the gate lets it out
    assert (tmp_path / "history.txt").read_text() == clean


# --- the gate --------------------------------------------------------------------------------


def test_gate_flags_what_redaction_missed_and_passes_its_own_tokens():
    redactor = Redactor()
    clean = redactor.text("password=hunter2222 Authorization: Bearer abcdefghijklmnop0123 "
                          "from 10.1.1.1")
    assert gate(clean, redactor.pseudonyms, redactor.pseudonymize) == []
    leaks = gate("oops password=hunter2222\nhost 10.1.1.1", redactor.pseudonyms,
                 redactor.pseudonymize)
    assert [(leak.kind, leak.line) for leak in leaks] == [("password", 1), ("ipv4", 2)]
    assert all("hunter" not in leak.describe() for leak in leaks)


def test_gate_sees_a_known_user_name_wherever_it_stands():
    redactor = Redactor()
    redactor.text("user=mrossi")
    assert [leak.kind for leak in gate("ask mrossi", redactor.pseudonyms,
                                       redactor.pseudonymize)] == ["user"]


def test_write_checked_refuses_and_writes_nothing(tmp_path):
    redactor = Redactor()
    target = tmp_path / "out.md"
    with pytest.raises(RedactionRefused, match="password"):
        write_checked(target, "password=hunter2222", redactor)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    write_checked(target, redactor.text("password=hunter2222"), redactor)
    assert target.read_text() == "password=REDACTED:password"


def test_escaped_markup_does_not_hide_a_secret_from_the_gate():
    with pytest.raises(RedactionRefused):
        check("password\\=hunter2222 api\\_key=sk\\_live\\_", Redactor())
    with pytest.raises(RedactionRefused):
        check("Authorization: Bearer abcdefghijklmnop0123", Redactor())


# --- cannot backtrack --------------------------------------------------------------------

ADVERSARIAL = ["a" * 1_000_000, "a." * 500_000, "1." * 500_000, ":" * 1_000_000,
               "a@" * 500_000, "user=" * 200_000, "0:" * 500_000, "aa:" * 333_333,
               "/home/" * 166_666, "'a'@" * 250_000, "x" * 999_999 + "@", "a-" * 500_000,
               "C:\\Users\\" * 100_000, "ab:cd-" * 166_666]


@pytest.mark.parametrize("line", ADVERSARIAL, ids=lambda line: repr(line[:8]))
def test_one_megabyte_adversarial_lines_are_scanned(line):
    redactor = Redactor()
    out = redactor.text(line)
    assert gate(out, redactor.pseudonyms, redactor.pseudonymize) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab1.:@-_=/'\" \\%eyJ", max_size=400))
def test_redacted_text_always_passes_its_own_gate(text):
    redactor = Redactor()
    assert gate(redactor.text(text), redactor.pseudonyms, redactor.pseudonymize) == []


# --- bundles -------------------------------------------------------------------------------


def test_redacted_bundle_captures_keep_headers_only_with_pseudonymous_addresses(
        canary_bundle, tmp_path):
    redactor = Redactor()
    out = tmp_path / "clean.zip"
    redact_bundle(canary_bundle, out, redactor)
    with zipfile.ZipFile(out) as archive:
        capture = archive.read("network/capture.pcap")
    packets = list(read_packets(io.BytesIO(capture)))
    assert len(packets) == 4
    transports = [decode(p) for p in packets]
    assert {t.src for t in transports} == {redactor.pseudonyms.known(Identifier.IPV4, ip)
                                           for ip in ("10.20.4.17", "10.20.8.60")}
    assert all(len(t.payload) == 0 for t in transports)
    assert packets[-1].wire_length > len(packets[-1].data)  # the payload was cut, not lost


def test_captures_can_be_dropped_and_the_original_is_untouched(canary_bundle, tmp_path):
    before = canary_bundle.read_bytes()
    manifest = redact_bundle(canary_bundle, tmp_path / "clean.zip", Redactor(),
                             captures=CaptureMode.DROP)
    assert canary_bundle.read_bytes() == before
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert actions["network/capture.pcap"] == "dropped: packet capture"
    with zipfile.ZipFile(tmp_path / "clean.zip") as archive:
        assert "network/capture.pcap" not in archive.namelist()
        assert orjson.loads(archive.read(MANIFEST_NAME))["members"] == manifest.members


def test_redacting_onto_the_original_is_refused(canary_bundle):
    with pytest.raises(ValueError, match="original"):
        redact_bundle(canary_bundle, canary_bundle)


# --- the promise: canaries -------------------------------------------------------------------


def test_no_canary_survives_any_export_or_the_redacted_bundle(canary_bundle, tmp_path):
    analysis = analyze(canary_bundle)
    with open_bundle(canary_bundle) as bundle:
        report = draft(analysis, bundle)
    # The engineer adds the raw log lines as evidence, so the report really carries them.
    log_lines = canary_log().decode().splitlines()
    finding = CANARY_EVIDENCE.finding(
        "Authentication errors with credentials in the log", analyzer="test",
        evidence=[Evidence("logs/app.log", LineLocator(n), line)
                  for n, line in enumerate(log_lines, 1)])
    report.add_finding(finding)
    report.reproduction = f"curl https://svc:{CANARIES['url_password']}@erp01.acme-corp.com/"
    report.ask = f"Why does {IDENTIFIERS[Identifier.EMAIL]} get 401 from 10.20.4.17?"
    from inspector.report import render_markdown
    assert len(_leaks(render_markdown(report))) >= 5  # the test can fail

    redactor = Redactor()
    texts = {}
    for fmt in FORMATS:
        target = tmp_path / f"report.{fmt}"
        export(report, fmt, target, redactor)
        if fmt == "pdf":
            texts[fmt] = "\n".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
        else:
            texts[fmt] = target.read_text()
    out = tmp_path / "clean.zip"
    manifest = redact_bundle(canary_bundle, out, redactor)
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members_text = {name: data.decode("utf-8", "replace") for name, data in members.items()}

    for name, text in {**texts, **members_text}.items():
        assert _leaks(text) == [], name
    for name, data in members.items():
        assert not [c for c in CANARIES.values() if c.encode() in data], name
    assert {m["member"] for m in manifest.members if m["action"].startswith("redacted")} == {
        "logs/app.log", "browser/session.har", "db/dump.sql"}

    # Pseudonyms: the same in the report and in the bundle, originals in neither.
    for kind, original in IDENTIFIERS.items():
        pseudonym = redactor.pseudonyms.known(kind, original)
        assert pseudonym, kind
        assert pseudonym in texts["md"] and pseudonym in members_text["logs/app.log"], kind
        for name, text in {**texts, **members_text}.items():
            assert original not in text, (kind, name)
    assert "240.0.0." in texts["pdf"]
    har = orjson.loads(members["browser/session.har"])
    headers = {h["name"]: h["value"] for h in har["log"]["entries"][0]["request"]["headers"]}
    assert headers["Authorization"].startswith("Bearer REDACTED:bearer-token:")
    assert "Windows NT 10.0" in headers["User-Agent"]
    assert "Chrome/131.0.0.0" in headers["User-Agent"]


# --- real captures, logs and HAR files (the shared corpus) -------------------------------------

_ANY_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")


def _corpus(folder: str, pattern: str) -> list[Path]:
    if not (CORPUS / folder).is_dir():
        pytest.skip("the shared corpus is not here")
    return sorted((CORPUS / folder).glob(pattern))


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["Apache_2k.log", "HDFS_2k.log", "Spark_2k.log",
                                  "Zookeeper_2k.log"])
def test_loghub_logs_come_out_clean_with_every_address_replaced(name):
    [path] = [p for p in _corpus("loghub", name)]
    original = path.read_text(errors="replace")
    redactor = Redactor()
    clean = "".join(redactor.text(line, name) for line in original.splitlines(keepends=True))
    assert gate(clean, redactor.pseudonyms, redactor.pseudonymize) == []
    addresses = {a for a in _ANY_IPV4.findall(original)
                 if not a.startswith(("127.", "0.")) and all(int(o) < 256 for o in a.split("."))}
    assert addresses == {a for a in addresses if redactor.pseudonyms.known(Identifier.IPV4, a)}
    assert not [a for a in addresses if re.search(rf"(?<![\d.]){re.escape(a)}(?![\d.])", clean)]
    assert clean.count("\n") == original.count("\n")  # line for line, nothing dropped


@pytest.mark.corpus
def test_har_corpus_files_are_redacted_structurally():
    for path in _corpus("har", "*.har"):
        document = orjson.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        redactor = Redactor()
        clean = orjson.dumps(redactor.json_value(document, path.name)).decode()
        assert gate(clean, redactor.pseudonyms, redactor.pseudonymize) == [], path.name
        for entry in document["log"]["entries"]:
            for message in (entry["request"], entry["response"]):
                for header in message.get("headers", []):
                    for match in scan_header(header["name"], header["value"]):
                        secret = header["value"][match.start:match.end]
                        assert orjson.dumps(secret).decode()[1:-1] not in clean, path.name
        assert orjson.loads(clean)["log"]["entries"]  # still a HAR
