"""Zips whose directory is lost or refused, read from their local headers."""

from __future__ import annotations

import io
import os
import struct
import zipfile

from inspector.bundle.reader import open_bundle
from inspector.testing import make_bundle, zip_bytes
from tests.inspector.bundle.contents import LOG


def test_truncated_zip_is_recovered_from_local_headers(tmp_path):
    noisy = b"".join(b"%d %s\n" % (n, os.urandom(24).hex().encode()) for n in range(2000))
    data = zip_bytes({f"logs/{i}.log": noisy for i in range(4)})
    (tmp_path / "cut.zip").write_bytes(data[: len(data) * 3 // 5])  # directory and more lost
    with open_bundle(tmp_path / "cut.zip") as bundle:
        assert [a.path for a in bundle.artifacts][:2] == ["logs/0.log", "logs/1.log"]
        assert bundle.open("logs/1.log").read() == noisy
        unreadable = [f for f in bundle.findings if f.rule == "bundle.unreadable"]
        assert any("recovered from their local headers" in f.detail for f in unreadable)


def test_zip_with_data_descriptors_is_recovered(tmp_path):
    class Unseekable(io.RawIOBase):  # as when a collector streams its zip to a pipe
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, chunk):
            self.data += chunk
            return len(chunk)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("streamed.log", LOG)
        archive.writestr("second.log", LOG[:100])
    data = bytes(sink.data)
    assert struct.unpack_from("<H", data, 6)[0] & 0x08  # sizes come after the data
    (tmp_path / "nodir.zip").write_bytes(data[: data.rindex(b"PK\x01\x02")])
    with open_bundle(tmp_path / "nodir.zip") as bundle:
        assert bundle.open("streamed.log").read() == LOG
        assert bundle.open("second.log").read() == LOG[:100]


def _claims_a_future_zip_version(data: bytes) -> bytes:
    """``data`` with its first central-directory entry claiming "version needed to
    extract" 10.0, which zipfile refuses with NotImplementedError (found by mutation)."""
    damaged = bytearray(data)
    entry = damaged.index(b"PK\x01\x02")
    struct.pack_into("<H", damaged, entry + 6, 100)
    return bytes(damaged)


def test_a_zip_claiming_a_future_version_is_read_from_its_local_headers(tmp_path):
    inner = _claims_a_future_zip_version(zip_bytes({"logs/app.log": b"2026 ERROR x\n" * 5}))
    root = tmp_path / "case.zip"
    root.write_bytes(inner)
    with open_bundle(root) as bundle:  # before: NotImplementedError out of open_bundle
        assert [a.path for a in bundle.readable_artifacts] == ["logs/app.log"]
        with bundle.open("logs/app.log") as stream:
            assert stream.read() == b"2026 ERROR x\n" * 5
    nested = make_bundle(tmp_path / "outer.zip", {"support/inner.zip": inner})
    with open_bundle(nested) as bundle:
        assert "support/inner.zip!/logs/app.log" in {a.path for a in bundle.readable_artifacts}
        assert any("recovered from their local headers" in problem.message
                   for problem in bundle.problems)

