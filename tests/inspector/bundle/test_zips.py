"""Zips through their directory: links, encryption and overlapping entries recognised
before anything is read."""

from __future__ import annotations

import io
import struct
import zipfile

from inspector.bundle.reader import open_bundle
from inspector.model import ArtifactStatus
from inspector.testing import zip_bytes
from tests.inspector.bundle.contents import LOG, rules


def test_zip_symlink_member_is_not_followed(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("etc-passwd")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
        archive.writestr("ok.log", LOG)
    (tmp_path / "links.zip").write_bytes(buffer.getvalue())
    with open_bundle(tmp_path / "links.zip") as bundle:
        link_artifact = bundle.artifact("etc-passwd")
        assert link_artifact.status is ArtifactStatus.SKIPPED
        assert "symbolic link" in link_artifact.reason


def test_encrypted_zip_member_is_skipped(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("secret.log", LOG)
        archive.writestr("open.log", LOG)
    raw = bytearray(buffer.getvalue())
    # Set the "encrypted" flag of secret.log in its local and central headers.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = raw.index(signature)
        raw[position + flag_offset] |= 0x01
    (tmp_path / "enc.zip").write_bytes(bytes(raw))
    with open_bundle(tmp_path / "enc.zip") as bundle:
        secret = bundle.artifact("secret.log")
        assert secret.status is ArtifactStatus.SKIPPED
        assert "encrypted" in secret.reason
        assert bundle.open("open.log").read() == LOG


def overlapping_zip(copies: int) -> bytes:
    """Fifield's overlapping-entry bomb shape: many central entries, one local file."""
    data = bytes(1024 * 1024)
    single = zip_bytes({"kernel": data})
    eocd = single.rindex(b"PK\x05\x06")
    central_start = struct.unpack_from("<I", single, eocd + 16)[0]
    central = single[central_start:eocd]
    local = single[:central_start]
    entries = b"".join(central.replace(b"kernel", b"kern%02d" % i) for i in range(copies))
    end = bytearray(single[eocd:])
    struct.pack_into("<HHII", end, 8, copies, copies, len(entries), len(local))
    return local + entries + bytes(end)


def test_overlapping_entry_zip_bomb(tmp_path):
    (tmp_path / "overlap.zip").write_bytes(overlapping_zip(20))
    with open_bundle(tmp_path / "overlap.zip") as bundle:
        skipped = [a for a in bundle.artifacts if a.status is ArtifactStatus.SKIPPED]
        assert len(skipped) == 19  # every entry after the first overlaps it
        assert all("overlap" in a.reason for a in skipped)
        assert "bundle.archive-bomb" in rules(bundle)


def test_a_name_flagged_utf8_that_is_not_keeps_the_zip_readable(tmp_path):
    raw = zip_bytes({"caf\u00e9.log": LOG, "plain.txt": b"hello"})
    raw = raw.replace("café".encode(), b"caf\xff\xfe")  # flagged UTF-8, not valid UTF-8
    (tmp_path / "case.zip").write_bytes(raw)
    with open_bundle(tmp_path / "case.zip") as bundle:
        assert {a.path for a in bundle.artifacts} == {"caf\\xff\\xfe.log", "plain.txt"}
        assert bundle.open("caf\\xff\\xfe.log").read() == LOG
        assert "bundle.unsafe-path" in rules(bundle)
