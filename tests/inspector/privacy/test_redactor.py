"""The redactor: secrets out, identifiers pseudonymized consistently, changes recorded, and
no pattern that can backtrack; on real logs and HAR files from the shared corpus too."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.privacy.gate import gate, write_checked
from inspector.privacy.pseudonyms import Identifier
from inspector.privacy.redactor import Redactor
from inspector.privacy.secrets import scan_header
from tests.corpus import CORPUS


def test_same_value_same_pseudonym_everywhere_and_in_every_form():
    redactor = Redactor()
    first = redactor.text("user=jdoe from 10.0.0.5 (db1.corp.example.com)")
    second = redactor.text("jdoe again via DB1.CORP.EXAMPLE.COM at 10.0.0.5; 10.0.0.6 too")
    assert first == "user=user1 from 240.0.0.1 (host1.redacted.invalid)"
    assert second == ("user1 again via host1.redacted.invalid at 240.0.0.1; "
                      "240.0.0.2 too")


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
    assert gate(clean, redactor.known_values()) == []
    write_checked(tmp_path / "history.txt", clean, redactor)  # the gate lets it out
    assert (tmp_path / "history.txt").read_text() == clean


# --- cannot backtrack --------------------------------------------------------------------

ADVERSARIAL = ["a" * 1_000_000, "a." * 500_000, "1." * 500_000, ":" * 1_000_000,
               "a@" * 500_000, "user=" * 200_000, "0:" * 500_000, "aa:" * 333_333,
               "/home/" * 166_666, "'a'@" * 250_000, "x" * 999_999 + "@", "a-" * 500_000,
               "C:\\Users\\" * 100_000, "ab:cd-" * 166_666]


@pytest.mark.parametrize("line", ADVERSARIAL, ids=lambda line: repr(line[:8]))
def test_one_megabyte_adversarial_lines_are_scanned(line):
    redactor = Redactor()
    out = redactor.text(line)
    assert gate(out, redactor.known_values()) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab1.:@-_=/'\" \\%eyJ", max_size=400))
def test_redacted_text_always_passes_its_own_gate(text):
    redactor = Redactor()
    assert gate(redactor.text(text), redactor.known_values()) == []


# --- real logs and HAR files (the shared corpus) ------------------------------------------

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
    redactor.survey(original)  # a value first seen late is replaced early on too
    clean = "".join(redactor.text(line, name) for line in original.splitlines(keepends=True))
    assert gate(clean, redactor.known_values()) == []
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
        assert gate(clean, redactor.known_values()) == [], path.name
        for entry in document["log"]["entries"]:
            for message in (entry["request"], entry["response"]):
                for header in message.get("headers", []):
                    for match in scan_header(header["name"], header["value"]):
                        secret = header["value"][match.start:match.end]
                        assert orjson.dumps(secret).decode()[1:-1] not in clean, path.name
        assert orjson.loads(clean)["log"]["entries"]  # still a HAR


def test_a_password_glued_to_a_host_is_no_email_and_the_host_is_pseudonymized():
    redactor = Redactor()
    out = redactor.text("jdbc:oracle:thin:scott/Ora-tiger9@erp01.acme-corp.com:1521:ERP")
    assert out == "jdbc:oracle:thin:scott/REDACTED:password@host1.redacted.invalid:1521:ERP"


def test_a_value_once_seen_is_replaced_wherever_it_stands():
    redactor = Redactor()
    redactor.survey("config: db_password=Hunter-22x user=mrossi\n")
    out = redactor.text("mrossi typed Hunter-22x into logs/mrossi.log; changeme stays")
    assert out == "user1 typed REDACTED:password into logs/user1.log; changeme stays"
    assert {"hunter-22x", "mrossi"} <= set(redactor.known_values())


def test_changes_record_the_line_they_were_made_on():
    redactor = Redactor()
    redactor.text("ok\nok\nuser=jdoe\n", "logs/app.log", line=40)
    assert [change.where for change in redactor.changes] == ["logs/app.log:42"]


def test_escaped_forms_are_redacted_whole():
    redactor = Redactor()
    out = redactor.text('{"msg": "DB_PASSWORD=\\"Esc-s3cret\\" for jane.doe%40acme-corp.com"}')
    assert out == '{"msg": "DB_PASSWORD=\\"REDACTED:password\\" for user1@redacted.invalid"}'
