"""Kinds come from content: magic numbers and structure, with the name only as a tie-break."""

from __future__ import annotations

import pytest

from inspector.bundle.sniff import is_tar, looks_binary, sniff
from inspector.model import ArtifactKind as K
from inspector.testing import tar_bytes, zip_bytes
from tests.growth import assert_linear

CASES = [
    (bytes.fromhex("d4c3b2a1") + bytes(20), "trace.dat", K.PCAP),
    (bytes.fromhex("a1b2c3d4") + bytes(20), "x", K.PCAP),
    (bytes.fromhex("4d3cb2a1") + bytes(20), "x", K.PCAP),  # nanosecond, little-endian
    (bytes.fromhex("a1b23c4d") + bytes(20), "x", K.PCAP),
    (bytes.fromhex("0a0d0d0a") + bytes(24), "capture.pcap", K.PCAPNG),  # content wins
    (b'\xef\xbb\xbf{"log": {"version": "1.2", "creator": {}, "entries": []}}', "a.json", K.HAR),
    (b'{\n  "log": {\n    "version": "1.2",\n    "pages": []', "export.har", K.HAR),
    (b'{"config": {"retries": 3}}', "settings.json", K.JSON),
    (b'{"ts":"2026-11-17T09:14:01Z","level":"error","msg":"x"}\n' * 4, "out.txt", K.LOG),
    (b"-- MySQL dump 10.13  Distrib 8.0.36\n--\nCREATE TABLE t (id int);\n", "x", K.SQL_DUMP),
    (b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n", "x", K.SQL_DUMP),
    (b"CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\n", "x",
     K.SQL_DUMP),
    (b"# Time: 071218 11:48:27\n# User@Host: root[root] @ localhost []\n"
     b"# Query_time: 0.000012  Lock_time: 0.000000  Rows_sent: 0\nBEGIN;\n", "x", K.MYSQL_SLOW_LOG),
    (b"2019-10-21 12:03:31.311 MSK [5133] LOG:  duration: 0.007 ms  statement: BEGIN;\n" * 3
     + b"2019-10-21 12:03:33.151 MSK [5134] ERROR:  relation \"x\" does not exist\n", "pg",
     K.POSTGRES_LOG),
    (b"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1\n" * 3, "x", K.LOG),
    (b"17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered\n" * 3, "x",
     K.LOG),
    (b"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok\n" * 3, "x", K.LOG),
    (b"Nov 17 09:14:01 app-01 sshd[812]: Accepted publickey for deploy\n" * 3, "x", K.LOG),
    (b'10.0.0.5 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\n' * 3, "x", K.LOG),
    (b"Dear team,\nplease find the logs attached.\nThanks\n", "README", K.TEXT),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "shot.png", K.BINARY),
    (b"", "empty.log", K.LOG),
    (b"", "empty.pcap", K.PCAP),
    (b"", "notes", K.TEXT),
    ("2026-11-17 09:14:01 INFO café\n".encode("utf-16") * 3, "win.log", K.LOG),
]


@pytest.mark.parametrize(("head", "name", "kind"), CASES)
def test_sniff(head, name, kind):
    assert sniff(head, name) is kind


def test_archives_are_recognized_by_structure():
    assert sniff(zip_bytes({"a": b"x"}), "data.bin") is K.ARCHIVE
    assert is_tar(tar_bytes({"a": b"x"}))
    assert not is_tar(b"hello" * 200)


def test_binary_detection_ignores_utf16_text():
    assert looks_binary(b"\x00\x01\x02\x03" * 10)
    assert not looks_binary("hello".encode("utf-16"))


def test_sniffing_a_huge_single_line_is_linear():
    # A long line with no newline must not make the timestamp regex backtrack.
    assert sniff(b"9" * 1_000_000, "x") is K.TEXT
    assert_linear(lambda data: sniff(data, "x"), lambda n: b"9" * n, 100_000)


@pytest.mark.parametrize(("data", "expected"), [
    # PowerShell 5's "> out.log": UTF-16LE with a byte-order mark.
    ("\ufeff2026-11-17 09:14:01 ERROR refused\r\n".encode("utf-16-le") * 2, "utf-16-le"),
    ("\ufeffEvent exported\r\n".encode("utf-16-be"), "utf-16-be"),
    # No mark, as some services write: a NUL in every other byte of ASCII text.
    (("2026-11-17 09:14:01 ERROR refused\r\n" * 3).encode("utf-16-le"), "utf-16-le"),
    (("2026-11-17 09:14:01 ERROR refused\r\n" * 3).encode("utf-16-be"), "utf-16-be"),
    (b"2026-11-17 09:14:01 ERROR refused\n", None),
    ("\ufeffx".encode("utf-32-le"), None),  # UTF-32's mark starts like UTF-16LE's
    (bytes(4096), None),  # zeros are not text
    (bytes(range(256)) * 4, None),
])
def test_utf16_text_is_recognized_with_or_without_a_mark(data, expected):
    from inspector.bundle.sniff import text_encoding_of

    assert text_encoding_of(data) == expected
    if expected:
        assert sniff(data, "out.log") is K.LOG
