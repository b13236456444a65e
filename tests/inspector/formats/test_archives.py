"""Deterministic archive writers: same members, same bytes, every shape readable."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from inspector.formats.archives import FIXED_EPOCH, Link, Special, compress, tar_bytes, zip_bytes

MEMBERS = {"logs/app.log": b"2026-11-17 09:00:00 INFO up\n", "notes.txt": b"hello\n"}


def test_a_zip_is_the_same_bytes_every_time_and_keeps_member_order():
    data = zip_bytes(MEMBERS)
    assert data == zip_bytes(dict(MEMBERS))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == list(MEMBERS)
        assert archive.read("notes.txt") == b"hello\n"
        assert archive.getinfo("notes.txt").date_time == (2026, 11, 17, 9, 0, 0)


@pytest.mark.parametrize("codec", [None, "gzip", "bz2", "xz"])
def test_tars_hold_files_links_and_specials_with_a_fixed_time(codec):
    data = tar_bytes({**MEMBERS, "current.log": Link("logs/app.log"),
                      "fifo": Special(tarfile.FIFOTYPE)}, codec)
    assert data == tar_bytes({**MEMBERS, "current.log": Link("logs/app.log"),
                              "fifo": Special(tarfile.FIFOTYPE)}, codec)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = {member.name: member for member in archive.getmembers()}
        assert members["current.log"].issym() and members["fifo"].isfifo()
        assert {member.mtime for member in members.values()} == {FIXED_EPOCH}
        assert archive.extractfile("notes.txt").read() == b"hello\n"


def test_zip_members_must_be_bytes_and_codecs_are_checked():
    with pytest.raises(TypeError, match=r"current\.log"):
        zip_bytes({"current.log": Link("x")})
    with pytest.raises(ValueError):
        compress(b"x", "zstd")
