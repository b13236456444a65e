"""Member modification times, as every kind of container records them; garbage is None,
never an exception."""

from __future__ import annotations

import gzip
import io
import os
import struct
import tarfile
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.bundle.reader import open_bundle
from inspector.bundle.timestamps import zip_modified
from inspector.model import ArtifactKind
from inspector.testing import compress, make_bundle
from tests.inspector.bundle.contents import LOG, rules

# A syslog written in the last days of December, collected (last modified) on 2 January.
SYSLOG_DECEMBER = b"".join(
    b"Dec %d %02d:%02d:01 web-01 systemd[1]: Started Session %d of user deploy.\n"
    % (day, hour, minute, day * 100 + hour) for day in (29, 30, 31) for hour in (6, 18)
    for minute in (14, 44))
COLLECTED = datetime(2026, 1, 2, 6, 25, 3, tzinfo=UTC)
COLLECTED_IN_TOKYO = (2026, 1, 2, 15, 25, 2)  # the same moment as a DOS time, UTC+9
DOS_1980 = (1980, 1, 1, 0, 0, 0)  # what a zip writer stores when it has no time


def extended_timestamp(moment: datetime) -> bytes:
    """Info-ZIP's extended-timestamp extra field (0x5455) holding a modification time."""
    return struct.pack("<HHBI", 0x5455, 5, 0x01, int(moment.timestamp()))


def ntfs_times(moment: datetime) -> bytes:
    """The NTFS extra field (0x000a): mtime, atime, ctime in 100 ns ticks since 1601."""
    ticks = int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds()) * 10_000_000
    return struct.pack("<HHIHHQQQ", 0x000A, 32, 0, 0x0001, 24, ticks, ticks, ticks)


def zip_with_times(members: dict[str, tuple[bytes, tuple[int, ...], bytes]]) -> bytes:
    """A zip whose members carry the given DOS time and extra field."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, date_time, extra) in members.items():
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.extra = extra
            archive.writestr(info, data)
    return buffer.getvalue()


def tar_with_times(members: dict[str, tuple[bytes, float]], codec: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, (data, mtime) in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            archive.addfile(info, io.BytesIO(data))
    return compress(buffer.getvalue(), codec)


def test_zip_member_time_comes_from_the_extended_timestamp_else_the_dos_time(tmp_path):
    path = tmp_path / "case.zip"
    path.write_bytes(zip_with_times({
        # Info-ZIP zip on a host in Tokyo: local DOS time, and the UTC time in 0x5455.
        "var/log/syslog": (SYSLOG_DECEMBER, COLLECTED_IN_TOKYO, extended_timestamp(COLLECTED)),
        # Python's zipfile, or a collector that writes no extra field: the DOS time only.
        "var/log/syslog.1": (SYSLOG_DECEMBER, (2026, 1, 2, 6, 25, 2), b""),
        # 7-Zip on Windows: NTFS times.
        "C/Logs/app.log": (LOG, COLLECTED_IN_TOKYO, ntfs_times(COLLECTED)),
        "no-time.log": (LOG, DOS_1980, b""),
    }))
    with open_bundle(path) as bundle:
        modified = {a.path: a.modified for a in bundle.artifacts}
    assert modified == {
        "var/log/syslog": COLLECTED,
        "var/log/syslog.1": datetime(2026, 1, 2, 6, 25, 2, tzinfo=UTC),  # 2-second steps
        "C/Logs/app.log": COLLECTED,
        "no-time.log": None,
    }


@pytest.mark.parametrize("extra", [
    struct.pack("<HHB", 0x5455, 1, 0x01),  # flags say mtime, the field is too short
    struct.pack("<HHBI", 0x5455, 5, 0x00, 1_767_335_103),  # flags say no mtime
    struct.pack("<HHBI", 0x5455, 5, 0x01, 0),  # mtime zero
    struct.pack("<HHBI", 0x5455, 5, 0x01, 12),  # 1970
    struct.pack("<HHIHH", 0x000A, 8, 0, 0x0001, 24),  # NTFS attribute cut short
    struct.pack("<HHIHHQQQ", 0x000A, 32, 0, 0x0001, 24, 2**64 - 1, 0, 0),  # year 60,000
    struct.pack("<HHIHHQ", 0x000A, 16, 0, 0x0001, 24, 2**60),  # attribute longer than field
    struct.pack("<HH", 0xCAFE, 0) + struct.pack("<HHBI", 0x5455, 5, 0x01, 0),  # unknown, zero
])
def test_garbage_zip_extra_fields_fall_back_to_the_dos_time(tmp_path, extra):
    path = tmp_path / "case.zip"
    path.write_bytes(zip_with_times({"var/log/syslog": (SYSLOG_DECEMBER,
                                                        (2026, 1, 2, 6, 25, 2), extra)}))
    with open_bundle(path) as bundle:
        (artifact,) = bundle.artifacts
        assert artifact.kind is ArtifactKind.LOG
        assert artifact.modified == datetime(2026, 1, 2, 6, 25, 2, tzinfo=UTC)


def test_extra_field_overrunning_its_entry_is_read_from_local_headers(tmp_path):
    # A length running past the field makes zipfile refuse the directory; the recovered
    # entries keep their DOS time and the lying extended timestamp is ignored.
    extra = struct.pack("<HHBI", 0x5455, 200, 0x01, 1_767_335_103)
    path = tmp_path / "case.zip"
    path.write_bytes(zip_with_times({"var/log/syslog": (SYSLOG_DECEMBER,
                                                        (2026, 1, 2, 6, 25, 2), extra)}))
    with open_bundle(path) as bundle:
        (artifact,) = bundle.artifacts
        assert "bundle.unreadable" in rules(bundle)  # the directory was refused
        assert bundle.open(artifact).read() == SYSLOG_DECEMBER
        assert artifact.modified == datetime(2026, 1, 2, 6, 25, 2, tzinfo=UTC)


@given(st.binary(max_size=200), st.tuples(*[st.integers(0, 4000)] * 6))
def test_no_extra_field_or_dos_time_makes_the_time_raise(extra, date_time):
    found = zip_modified(date_time, extra)
    assert found is None or datetime(1990, 1, 1, tzinfo=UTC) <= found.astimezone(UTC) \
        < datetime(2201, 1, 1, tzinfo=UTC)


def test_recovered_zip_keeps_member_times(tmp_path):
    data = zip_with_times({
        "var/log/syslog": (SYSLOG_DECEMBER, COLLECTED_IN_TOKYO, extended_timestamp(COLLECTED)),
        "var/log/syslog.1": (SYSLOG_DECEMBER, (2026, 1, 1, 6, 25, 2), b"")})
    (tmp_path / "cut.zip").write_bytes(data[: data.rindex(b"PK\x01\x02")])
    with open_bundle(tmp_path / "cut.zip") as bundle:
        assert [a.modified for a in bundle.artifacts] == [
            COLLECTED, datetime(2026, 1, 1, 6, 25, 2, tzinfo=UTC)]


def test_tar_member_time_and_missing_times(tmp_path):
    path = tmp_path / "case.tgz"
    path.write_bytes(tar_with_times({
        "var/log/syslog": (SYSLOG_DECEMBER, COLLECTED.timestamp()),
        "var/log/pax.log": (LOG, COLLECTED.timestamp() + 0.5),  # pax keeps fractions
        "epoch-zero.log": (LOG, 0),
        "far-future.log": (LOG, 8**11 - 1),  # the largest ustar time, year 4147
    }, "gzip"))
    with open_bundle(path) as bundle:
        modified = {a.path: a.modified for a in bundle.artifacts}
    assert modified == {"var/log/syslog": COLLECTED,
                        "var/log/pax.log": COLLECTED + timedelta(seconds=0.5),
                        "epoch-zero.log": None, "far-future.log": None}


def test_gzip_member_time_is_its_header_mtime_else_the_member_time(tmp_path):
    rotated = datetime(2025, 12, 29, 6, 25, 1, tzinfo=UTC)
    path = tmp_path / "case.tar"
    path.write_bytes(tar_with_times({
        "var/log/syslog.2.gz": (gzip.compress(SYSLOG_DECEMBER, mtime=int(rotated.timestamp())),
                                COLLECTED.timestamp()),
        "var/log/syslog.3.gz": (gzip.compress(SYSLOG_DECEMBER, mtime=0), COLLECTED.timestamp()),
    }))
    with open_bundle(path) as bundle:
        assert {a.path: (a.compression, a.modified) for a in bundle.artifacts} == {
            "var/log/syslog.2.gz": ("gzip", rotated),
            "var/log/syslog.3.gz": ("gzip", COLLECTED)}


def test_nested_archive_members_keep_their_own_time(tmp_path):
    node = tar_with_times({"var/log/syslog": (SYSLOG_DECEMBER, COLLECTED.timestamp())}, "gzip")
    path = tmp_path / "case.zip"
    path.write_bytes(zip_with_times({"nodes/web-01.tgz": (node, (2026, 1, 7, 10, 0, 0), b"")}))
    with open_bundle(path) as bundle:
        assert {a.path: a.modified for a in bundle.artifacts} == {
            "nodes/web-01.tgz": datetime(2026, 1, 7, 10, 0, tzinfo=UTC),
            "nodes/web-01.tgz!/var/log/syslog": COLLECTED}


def test_folder_and_loose_file_times_come_from_the_file(tmp_path):
    folder = make_bundle(tmp_path / "case", {"var/log/syslog": SYSLOG_DECEMBER,
                                             "untouched.log": LOG})
    os.utime(folder / "var/log/syslog", (COLLECTED.timestamp(), COLLECTED.timestamp()))
    os.utime(folder / "untouched.log", (0, 0))
    with open_bundle(folder) as bundle:
        assert {a.path: a.modified for a in bundle.artifacts} == {
            "untouched.log": None, "var/log/syslog": COLLECTED}
    with open_bundle(folder / "var/log/syslog") as bundle:
        assert bundle.artifacts[0].modified == COLLECTED


def test_same_bundle_same_times(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"logs/app.log": LOG})
    with open_bundle(path) as first, open_bundle(path) as second:
        assert [a.to_json() for a in first.artifacts] == [a.to_json() for a in second.artifacts]
        assert first.artifacts[0].to_json()["modified"] == "2026-11-17T09:00:00Z"

