"""The scan: bombs, nesting, entry and byte limits, empty and unsupported members; each
stops a member, never the bundle."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile

from inspector.bundle.reader import open_bundle
from inspector.bundle.sniff import text_encoding_of
from inspector.bundle.streams import Limits
from inspector.bundle.tars import TarContainer
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.testing import make_bundle, tar_bytes, zip_bytes
from tests.inspector.bundle.contents import LOG, rules


def test_high_ratio_gzip_member_is_stopped_at_scan(tmp_path):
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)
    path = make_bundle(tmp_path / "case.zip", {"heap.bin.gz": bomb, "app.log": LOG})
    with open_bundle(path) as bundle:
        artifact = bundle.artifact("heap.bin.gz")
        assert artifact.status is ArtifactStatus.SKIPPED
        assert "compression ratio above 250:1" in artifact.reason
        assert "bundle.archive-bomb" in rules(bundle)
        assert bundle.open("app.log").read() == LOG


def test_gzip_whose_size_trailer_lies(tmp_path):
    bomb = bytearray(gzip.compress(bytes(40 * 1024 * 1024), compresslevel=9))
    bomb[-4:] = struct.pack("<I", 1000)  # ISIZE claims 1,000 bytes
    small = bytearray(gzip.compress(LOG))
    small[-4:] = struct.pack("<I", 10)
    path = make_bundle(tmp_path / "case.tar", {"bomb.gz": bytes(bomb), "app.log.gz": bytes(small)})
    with open_bundle(path) as bundle:
        assert "compression ratio" in bundle.artifact("bomb.gz").reason
        liar = bundle.artifact("app.log.gz")
        assert liar.status is ArtifactStatus.FAILED
        assert "incorrect length" in liar.reason.lower()
        assert "bundle.unreadable" in rules(bundle)


def test_zip_member_declaring_a_bomb_ratio_is_not_read(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"zeros.bin": bytes(100 * 1024 * 1024)})
    with open_bundle(path) as bundle:
        artifact = bundle.artifact("zeros.bin")
        assert artifact.status is ArtifactStatus.SKIPPED
        assert "declares" in artifact.reason


def test_nesting_deeper_than_the_limit(tmp_path):
    data = zip_bytes({"bottom.log": LOG})
    for level in range(8):
        data = zip_bytes({f"level{level}.zip": data})
    (tmp_path / "deep.zip").write_bytes(data)
    with open_bundle(tmp_path / "deep.zip", Limits(max_depth=4)) as bundle:
        deepest = [a for a in bundle.artifacts if a.status is ArtifactStatus.SKIPPED]
        assert len(deepest) == 1
        assert "nested deeper than 4 levels" in deepest[0].reason
        assert deepest[0].path.count("!/") == 4
        assert not any(a.path.endswith("bottom.log") for a in bundle.artifacts)


def test_archive_that_contains_itself(tmp_path, monkeypatch):
    # A quine archive (r.zip) holds a member whose bytes are the archive itself. Emulate
    # one: every read of "self.tar" returns the whole tar it sits in.
    quine = tar_bytes({"self.tar": bytes(10_240), "a.log": LOG})
    (tmp_path / "quine.tar").write_bytes(quine)
    real_open = TarContainer.open_member

    def open_member(self, member, budget, name):
        if name.endswith("self.tar"):
            return io.BufferedReader(io.BytesIO(quine))
        return real_open(self, member, budget, name)

    monkeypatch.setattr(TarContainer, "open_member", open_member)
    with open_bundle(tmp_path / "quine.tar") as bundle:
        looped = [a for a in bundle.artifacts if "contains itself" in (a.reason or "")]
        assert [a.path for a in looped] == ["self.tar!/self.tar"]
        assert "bundle.archive-bomb" in rules(bundle)
        assert bundle.artifact("self.tar!/a.log").kind is ArtifactKind.LOG


def test_entry_limit_with_100000_empty_entries(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index in range(100_000):
            archive.writestr(f"e/{index:06d}", b"")
    (tmp_path / "many.zip").write_bytes(buffer.getvalue())
    with open_bundle(tmp_path / "many.zip", Limits(max_entries=5_000)) as bundle:
        assert len(bundle.artifacts) == 5_000
        partial = [f for f in bundle.findings if f.title == "The bundle was only partly listed"]
        assert partial and "entry limit of 5,000" in partial[0].detail


def test_byte_budget_stops_the_scan_not_the_bundle(tmp_path):
    logs = {"first.log": LOG}
    logs |= {f"logs/app{i}.log.gz": gzip.compress(LOG * 200) for i in range(5)}
    path = make_bundle(tmp_path / "case.zip", logs)
    with open_bundle(path, Limits(max_total_bytes=300_000)) as bundle:
        reasons = [a.reason for a in bundle.artifacts if a.status is ArtifactStatus.SKIPPED]
        assert len(reasons) == 5 and all("decompressed-size limit" in r for r in reasons)
        assert bundle.artifact("first.log").status is ArtifactStatus.ANALYZED


def test_corrupt_nested_archive_is_a_recorded_problem(tmp_path):
    broken = zip_bytes({"a.log": LOG})[:-30]  # central directory cut
    path = make_bundle(tmp_path / "case.tar", {"inner.zip": broken, "ok.log": LOG})
    with open_bundle(path) as bundle:
        assert bundle.artifact("ok.log").status is ArtifactStatus.ANALYZED
        # The problem is recorded, and what the local headers still hold is read.
        assert "bundle.unreadable" in rules(bundle)
        with bundle.open("inner.zip!/a.log") as stream:
            assert stream.read() == LOG


def test_zero_byte_bundle_opens_with_a_reason(tmp_path):
    (tmp_path / "empty.zip").write_bytes(b"")
    with open_bundle(tmp_path / "empty.zip") as bundle:
        (artifact,) = bundle.artifacts
        assert artifact.status is ArtifactStatus.SKIPPED
        assert "empty file" in artifact.reason
        assert "bundle.unreadable" in rules(bundle)


def test_unsupported_archive_format_is_named(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"dump.7z": b"7z\xbc\xaf\x27\x1c" + bytes(64)})
    with open_bundle(path) as bundle:
        assert "7-Zip archive" in bundle.artifact("dump.7z").reason


def test_a_capture_of_utf16_traffic_is_never_taken_for_utf16_text(tmp_path):
    # SMB and other Windows protocols carry UTF-16LE strings: a capture that starts with one
    # long such packet looks, byte for byte, like UTF-16 text after its first 40 bytes.
    payload = ("\\\\FILESRV01\\share\\reports\\2026-11-17.xlsx " * 80).encode("utf-16-le")
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    record = struct.pack("<IIII", 1_794_906_000, 1, len(payload), len(payload)) + payload

    assert text_encoding_of(header + record) == "utf-16-le"  # what the guard is for
    path = make_bundle(tmp_path / "case.zip", {"net/smb.pcap": header + record})
    with open_bundle(path) as bundle:
        (capture,) = bundle.artifacts
        assert capture.kind is ArtifactKind.PCAP and capture.encoding is None
        with bundle.open(capture) as stream:
            assert stream.read() == header + record

