"""Hostile member names: shown escaped and flagged, never used as paths; duplicates kept."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from inspector.bundle.names import printable_name, unsafe_name_reasons
from inspector.bundle.reader import open_bundle
from inspector.testing import make_bundle
from tests.inspector.bundle.contents import LOG


def test_traversal_and_absolute_names_are_flagged_and_shown_as_given(tmp_path):
    path = make_bundle(tmp_path / "case.tar", {"../../etc/cron.d/x": b"* * * * * root sh\n",
                                               "/etc/passwd": b"root:x:0:0\n", "fine.txt": b"ok"})
    with open_bundle(path) as bundle:
        paths = [a.path for a in bundle.artifacts]
        assert "../../etc/cron.d/x" in paths
        (finding,) = [f for f in bundle.findings if f.rule == "bundle.unsafe-path"]
        assert finding.count == 2
        assert set(finding.facts["members"]) == {"../../etc/cron.d/x", "/etc/passwd"}
        assert bundle.open("../../etc/cron.d/x").read().startswith(b"* * *")


def test_control_and_bidi_characters_are_escaped(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"invoice\u202egpj.exe": b"MZ",
                                               "line\nbreak.log": LOG})
    with open_bundle(path) as bundle:
        paths = {a.path for a in bundle.artifacts}
        assert paths == {"invoice\\u202egpj.exe", "line\\x0abreak.log"}
        reasons = next(f for f in bundle.findings if f.rule == "bundle.unsafe-path").facts
        assert reasons["members"]["invoice\\u202egpj.exe"] == ["bidirectional-override characters"]
        assert reasons["members"]["line\\x0abreak.log"] == ["control characters"]


def test_invalid_utf8_names_in_tar(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as archive:
        info = tarfile.TarInfo("bad\udcffname.log")
        info.size = len(LOG)
        archive.addfile(info, io.BytesIO(LOG))
    (tmp_path / "case.tar").write_bytes(buffer.getvalue())
    with open_bundle(tmp_path / "case.tar") as bundle:
        assert [a.path for a in bundle.artifacts] == ["bad\\xffname.log"]
        assert bundle.open("bad\\xffname.log").read() == LOG


def test_duplicate_names_are_both_kept(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("logs/app.log", b"first copy\n")
        archive.writestr("logs/app.log", b"second copy\n")
    (tmp_path / "dup.zip").write_bytes(buffer.getvalue())
    with open_bundle(tmp_path / "dup.zip") as bundle:
        assert [a.path for a in bundle.artifacts] == ["logs/app.log",
                                                      "logs/app.log (duplicate 2)"]
        assert bundle.open("logs/app.log").read() == b"first copy\n"
        assert bundle.open("logs/app.log (duplicate 2)").read() == b"second copy\n"
        assert any("duplicate" in p.message for p in bundle.problems)


def test_name_helpers():
    assert unsafe_name_reasons("C:\\Windows\\evil.dll") == ["absolute path"]
    assert printable_name("tab\there") == "tab\\x09here"

