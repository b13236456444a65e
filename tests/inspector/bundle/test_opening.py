"""Opening the root and nested archives: what cannot be opened at all is one
``BundleOpenError``."""

from __future__ import annotations

import bz2
import gzip
import io
import os

import pytest

from inspector.bundle.opening import BundleOpenError, archive_type, open_root, read_head
from inspector.bundle.reader import open_bundle
from inspector.bundle.sniff import HEAD_BYTES
from inspector.bundle.streams import Limits
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.testing import compress, make_bundle, tar_bytes, zip_bytes
from tests.inspector.bundle.contents import LOG


@pytest.mark.parametrize("make", [
    lambda p: None,
    lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)),
    lambda p: os.mkfifo(p),
])
def test_nothing_to_open_raises_bundle_open_error(tmp_path, make):
    target = tmp_path / "bundle.zip"
    make(target)
    with pytest.raises(BundleOpenError):
        open_bundle(target)



def test_what_a_bundle_is_comes_from_its_bytes_not_its_name(tmp_path):
    disguised = tmp_path / "collector-output.bin"
    disguised.write_bytes(tar_bytes({"logs/app.log": LOG}, "xz"))
    with open_bundle(disguised) as bundle:
        assert [a.path for a in bundle.artifacts] == ["logs/app.log"]
    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_bytes(b"call the customer back on Monday\n")
    with open_bundle(not_a_zip) as bundle:
        assert [(a.path, a.kind) for a in bundle.artifacts] == [("notes.zip", ArtifactKind.TEXT)]


@pytest.mark.parametrize(("data", "expected", "looks_inside"), [
    (zip_bytes({"a.log": LOG}), ("zip", None), False),
    (tar_bytes({"a.log": LOG}), ("tar", None), False),
    (tar_bytes({"a.log": LOG}, "gzip"), ("tar", "gzip"), True),
    (tar_bytes({"a.log": LOG}, "bz2"), ("tar", "bz2"), True),
    (compress(LOG, "gzip"), None, True),
    (LOG, None, False),
])
def test_archive_type_looks_inside_compressed_data_only(data, expected, looks_inside):
    looked = []

    def inner_head() -> bytes:
        looked.append(True)
        decompress = bz2.decompress if data[:3] == b"BZh" else gzip.decompress
        return decompress(data)[:HEAD_BYTES]

    assert archive_type(data[:HEAD_BYTES], inner_head) == expected
    assert bool(looked) is looks_inside


def test_read_head_keeps_the_beginning_of_a_stream_that_breaks():
    class Breaks(io.RawIOBase):
        def __init__(self):
            self.calls = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.calls += 1
            if self.calls > 1:
                raise OSError("unexpected end of data")
            buffer[:5] = b"hello"
            return 5

    assert read_head(Breaks()) == (b"hello", "unexpected end of data")
    assert read_head(io.BytesIO(b"x" * (HEAD_BYTES + 10))) == (b"x" * HEAD_BYTES, None)


def test_a_nested_zip_too_big_to_hold_in_memory_is_not_opened(tmp_path):
    inner = zip_bytes({f"logs/{n}.log": os.urandom(2_000) for n in range(4)})
    path = make_bundle(tmp_path / "case.tar", {"inner.zip": inner, "ok.log": LOG})
    with open_bundle(path, Limits(max_nested_zip_bytes=len(inner) - 1)) as bundle:
        skipped = bundle.artifact("inner.zip")
        assert skipped.status is ArtifactStatus.SKIPPED
        assert "a zip inside an archive larger than" in skipped.reason
        assert not any(a.path.startswith("inner.zip!/") for a in bundle.artifacts)
    with open_bundle(path) as bundle:
        assert len([a for a in bundle.artifacts if a.path.startswith("inner.zip!/")]) == 4


def test_open_root_reports_why_in_one_line(tmp_path):
    with pytest.raises(BundleOpenError, match="no such file or folder"):
        open_root(tmp_path / "missing.zip", Limits())
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(BundleOpenError, match="not a regular file or folder"):
        open_root(tmp_path / "pipe", Limits())
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(BundleOpenError, match="unreadable zip archive") as raised:
        open_root(tmp_path / "broken.zip", Limits())
    assert "\n" not in str(raised.value)
