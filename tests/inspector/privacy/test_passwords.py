"""Named values, command lines, SQL and connection strings: what each finds and the look-
alikes each leaves alone."""

from __future__ import annotations

import pytest

from inspector.privacy.passwords import (
    command_line_secrets,
    connection_secrets,
    named_secrets,
    sql_secrets,
)


def _found(finder, text):
    return [text[m.start:m.end] for m in finder(text)]


@pytest.mark.parametrize(("text", "secret"), [
    ("password=\\\n    Cont-s3cr3t-value", "Cont-s3cr3t-value"),
    ('config DB_PASSWORD=\\"Esc-s3cr3t\\" rejected', "Esc-s3cr3t"),
    ('{\\"SecretAccessKey\\": \\"abcdEFGH1234ijkl\\"}', "abcdEFGH1234ijkl"),
    ("cookie PHPSESSID=9f8e7d6c5b4a39281726; path=/", "9f8e7d6c5b4a39281726"),
    ("cookie connect.sid=s%3AabcdEFGH12345678.sig", "s%3AabcdEFGH12345678.sig"),
    ("_acme_session=QWERTYuiop1234567890", "QWERTYuiop1234567890"),
    ('"private_key_id": "0123456789abcdef0123456789abcdef01234567"',
     "0123456789abcdef0123456789abcdef01234567"),
])
def test_named_values(text, secret):
    assert _found(named_secrets, text) == [secret]


@pytest.mark.parametrize("text", [
    "Access denied for user 'app'@'10.0.0.5' (using password: YES)",
    "Access denied for user 'app'@'10.0.0.5' (using password: NO)",
    "password_expired=false session_index=3", "token=abc",
    "password: ${DB_PASSWORD}",
])
def test_named_look_alikes(text):
    assert named_secrets(text) == []


def test_connection_strings_and_oauth_codes():
    text = ("jdbc:oracle:thin:scott/Ora-tiger9@db:1521:ERP sqlplus -s scott/Sq1-tiger@orcl "
            "GET /cb?code=4/0AX4XfWhAbCdEfGhIjKl&state=1 and code=short")
    assert _found(connection_secrets, text) == ["Ora-tiger9", "Sq1-tiger",
                                                "4/0AX4XfWhAbCdEfGhIjKl"]


def test_command_lines_and_sql():
    assert _found(command_line_secrets, "mysqldump -uroot -pCli-s3cret db && ssh -p 22 x") \
        == ["Cli-s3cret"]
    assert _found(sql_secrets, "CREATE USER 'r'@'%' IDENTIFIED BY 'Idb-s3cret';") \
        == ["Idb-s3cret"]
