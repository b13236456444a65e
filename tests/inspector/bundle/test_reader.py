"""The bundle reader on ordinary bundles of every shape, and on hostile ones."""

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

from inspector.bundle import (
    BundleOpenError,
    open_bundle,
    printable_name,
    unsafe_name_reasons,
    zip_modified,
)
from inspector.bundle.streams import LimitExceeded, Limits
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.testing import Link, Special, compress, make_bundle, tar_bytes, zip_bytes

LOG = b"".join(b"2026-11-17 09:14:%02d,233 ERROR [main] c.a.Pool - timeout\n" % s
               for s in range(40))
HAR = b'{"log": {"version": "1.2", "creator": {"name": "x"}, "entries": []}}'
PCAPNG = bytes.fromhex("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000")
DUMP = b"-- MySQL dump 10.13\n--\nCREATE TABLE t (id int primary key);\n"


def kinds(bundle) -> dict[str, ArtifactKind]:
    return {a.path: a.kind for a in bundle.artifacts}


def rules(bundle) -> set[str]:
    return {f.rule for f in bundle.findings}


# --- shapes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
                                    "-folder"])
def test_every_bundle_shape_lists_and_reads_members(tmp_path, suffix):
    path = make_bundle(tmp_path / f"case{suffix}", {"logs/app.log": LOG, "net/c.pcapng": PCAPNG})
    with open_bundle(path) as bundle:
        assert kinds(bundle) == {"logs/app.log": ArtifactKind.LOG,
                                 "net/c.pcapng": ArtifactKind.PCAPNG}
        with bundle.open("logs/app.log") as stream:
            assert stream.read() == LOG
        assert bundle.info.size == path.stat().st_size or suffix == "-folder"
        assert len(bundle.info.sha256) == 64


@pytest.mark.parametrize("codec", ["gzip", "bz2", "xz"])
def test_single_compressed_file_is_read_through(tmp_path, codec):
    path = tmp_path / f"app.log.{codec}"
    path.write_bytes(compress(LOG, codec))
    with open_bundle(path) as bundle:
        (artifact,) = bundle.artifacts
        assert (artifact.kind, artifact.compression) == (ArtifactKind.LOG, codec)
        assert bundle.open(artifact).read() == LOG


def test_loose_file_is_a_one_member_bundle(tmp_path):
    path = tmp_path / "session.har"
    path.write_bytes(HAR)
    with open_bundle(path) as bundle:
        assert kinds(bundle) == {"session.har": ArtifactKind.HAR}


def test_messy_nested_bundle_gets_every_kind_right(tmp_path):
    node = tar_bytes({"var/log/app.log": LOG, "var/log/app.log.1": LOG,
                      "var/log/app.log.2.gz": gzip.compress(LOG)}, "gzip")
    inner_zip = zip_bytes({"deep/notes.txt": b"call the customer back on Monday\n"})
    path = make_bundle(tmp_path / "case.zip", {
        "node1.tgz": node, "capture.pcapng": PCAPNG, "browser.har": HAR, "db/dump.sql": DUMP,
        "more.zip": inner_zip})
    with open_bundle(path) as bundle:
        assert kinds(bundle) == {
            "node1.tgz": ArtifactKind.ARCHIVE,
            "node1.tgz!/var/log/app.log": ArtifactKind.LOG,
            "node1.tgz!/var/log/app.log.1": ArtifactKind.LOG,
            "node1.tgz!/var/log/app.log.2.gz": ArtifactKind.LOG,
            "capture.pcapng": ArtifactKind.PCAPNG,
            "browser.har": ArtifactKind.HAR,
            "db/dump.sql": ArtifactKind.SQL_DUMP,
            "more.zip": ArtifactKind.ARCHIVE,
            "more.zip!/deep/notes.txt": ArtifactKind.TEXT,
        }
        assert bundle.artifact("node1.tgz!/var/log/app.log.2.gz").compression == "gzip"
        # Members are read in place, any number of times, in any order.
        assert bundle.open("node1.tgz!/var/log/app.log.2.gz").read() == LOG
        assert bundle.open("more.zip!/deep/notes.txt").read().startswith(b"call")
        assert bundle.open("node1.tgz!/var/log/app.log").read() == LOG
        assert not bundle.findings


def test_reading_never_writes_to_the_host(tmp_path, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    evil = tar_bytes({"../escaped.txt": b"x", str(tmp_path / "absolute.txt"): b"y",
                      "ok.log": LOG})
    path = make_bundle(tmp_path / "in" / "case.zip", {"n.tar": evil, "../../up.txt": b"z"})
    before = sorted(p for p in tmp_path.rglob("*"))
    with open_bundle(path) as bundle:
        for artifact in bundle.readable_artifacts:
            bundle.open(artifact).read()
    assert sorted(p for p in tmp_path.rglob("*")) == before


# --- hostile names ----------------------------------------------------------------------------

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


def test_invalid_utf8_names_in_zip_and_tar(tmp_path):
    raw = zip_bytes({"caf\u00e9.log": LOG, "plain.txt": b"hello"})
    raw = raw.replace("café".encode(), b"caf\xff\xfe")  # flagged UTF-8, not valid UTF-8
    (tmp_path / "case.zip").write_bytes(raw)
    with open_bundle(tmp_path / "case.zip") as bundle:
        assert {a.path for a in bundle.artifacts} == {"caf\\xff\\xfe.log", "plain.txt"}
        assert bundle.open("caf\\xff\\xfe.log").read() == LOG
        assert "bundle.unsafe-path" in rules(bundle)

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


# --- links, devices, FIFOs -------------------------------------------------------------------

def test_tar_links_and_special_members_are_listed_never_followed(tmp_path):
    path = make_bundle(tmp_path / "case.tgz", {
        "logs/app.log": LOG,
        "logs/current": Link("app.log"),
        "logs/shadow": Link("/etc/shadow"),
        "logs/hard": Link("logs/app.log", hard=True),
        "logs/outside": Link("../../../../etc/passwd", hard=True),
        "dev/sda": Special(tarfile.BLKTYPE),
        "run/pipe": Special(tarfile.FIFOTYPE),
    })
    with open_bundle(path) as bundle:
        skipped = {a.path: a.reason for a in bundle.artifacts
                   if a.status is ArtifactStatus.SKIPPED}
        assert set(skipped) == {"logs/current", "logs/shadow", "logs/hard", "logs/outside",
                                "dev/sda", "run/pipe"}
        assert "symbolic link to '/etc/shadow'" in skipped["logs/shadow"]
        assert "hard link" in skipped["logs/outside"]
        assert "fifo" in skipped["run/pipe"]
        reasons = {f.facts["reason"] for f in bundle.findings if f.rule == "bundle.member-skipped"}
        assert reasons == {"link", "special"}
        with pytest.raises(OSError):
            bundle.open("logs/shadow")


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


def test_folder_with_links_fifo_and_a_symlink_loop(tmp_path):
    root = make_bundle(tmp_path / "bundle", {"logs/app.log": LOG})
    (root / "logs" / "loop").symlink_to(root / "logs")  # a directory symlink loop
    (root / "passwd").symlink_to("/etc/passwd")
    os.mkfifo(root / "logs" / "pipe")  # opening it would block forever
    with open_bundle(root) as bundle:
        statuses = {a.path: a.status for a in bundle.artifacts}
        assert statuses == {"logs/app.log": ArtifactStatus.ANALYZED,
                            "logs/loop": ArtifactStatus.SKIPPED,
                            "logs/pipe": ArtifactStatus.SKIPPED,
                            "passwd": ArtifactStatus.SKIPPED}


# --- bombs and limits ------------------------------------------------------------------------

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
    import inspector.bundle as reader

    quine = tar_bytes({"self.tar": bytes(10_240), "a.log": LOG})
    (tmp_path / "quine.tar").write_bytes(quine)
    real_open = reader.TarContainer.open_member

    def open_member(self, member, budget, name):
        if name.endswith("self.tar"):
            return io.BufferedReader(io.BytesIO(quine))
        return real_open(self, member, budget, name)

    monkeypatch.setattr(reader.TarContainer, "open_member", open_member)
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


def test_member_read_is_guarded_too(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"app.log": LOG * 100})
    with open_bundle(path, Limits(max_member_bytes=10_000)) as bundle, \
            pytest.raises(LimitExceeded):
        bundle.open("app.log").read()


# --- broken input ----------------------------------------------------------------------------

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


def test_truncated_tgz_keeps_the_members_before_the_cut(tmp_path):
    noisy = b"".join(b"%d %s\n" % (n, os.urandom(24).hex().encode()) for n in range(2000))
    data = tar_bytes({f"logs/{i}.log": noisy for i in range(6)}, "gzip")
    (tmp_path / "cut.tgz").write_bytes(data[: len(data) * 2 // 3])
    with open_bundle(tmp_path / "cut.tgz") as bundle:
        good = [a for a in bundle.artifacts if a.status is ArtifactStatus.ANALYZED]
        assert good and good[0].path == "logs/0.log"
        assert "bundle.unreadable" in rules(bundle)
        assert bundle.open("logs/0.log").read() == noisy


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


def test_corrupt_nested_archive_is_a_recorded_problem(tmp_path):
    broken = zip_bytes({"a.log": LOG})[:-30]  # central directory cut
    path = make_bundle(tmp_path / "case.tar", {"inner.zip": broken, "ok.log": LOG})
    with open_bundle(path) as bundle:
        assert bundle.artifact("ok.log").status is ArtifactStatus.ANALYZED
        assert "bundle.unreadable" in rules(bundle) or \
               bundle.artifact("inner.zip").status is not ArtifactStatus.ANALYZED


def test_zero_byte_bundle_opens_with_a_reason(tmp_path):
    (tmp_path / "empty.zip").write_bytes(b"")
    with open_bundle(tmp_path / "empty.zip") as bundle:
        (artifact,) = bundle.artifacts
        assert artifact.status is ArtifactStatus.SKIPPED
        assert "empty file" in artifact.reason
        assert "bundle.unreadable" in rules(bundle)


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


def test_unsupported_archive_format_is_named(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"dump.7z": b"7z\xbc\xaf\x27\x1c" + bytes(64)})
    with open_bundle(path) as bundle:
        assert "7-Zip archive" in bundle.artifact("dump.7z").reason


# --- modification times ---------------------------------------------------------------------

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


# --- UTF-16 text ---------------------------------------------------------------------------

POWERSHELL_LOG = "".join(
    f"2026-11-17 09:14:{second:02d},000 ERROR [worker-1] Sync - Connection refused: "
    f"db-01.internal:5432 (Zürich site)\r\n" for second in range(20))


def test_utf16_members_are_read_as_utf8_and_say_so(tmp_path):
    # PowerShell 5's "Get-Content ... > out.log" writes UTF-16LE with a mark; a Windows
    # service may write it without one; either may be gzipped by the collector.
    with_mark = ("\ufeff" + POWERSHELL_LOG).encode("utf-16-le")
    path = make_bundle(tmp_path / "case.zip", {
        "win/out.log": with_mark,
        "win/service.log.gz": gzip.compress(POWERSHELL_LOG.encode("utf-16-le")),
        "win/utf8.log": POWERSHELL_LOG.encode(),
    })
    with open_bundle(path) as bundle:
        by_path = {a.path: a for a in bundle.artifacts}
        assert by_path["win/out.log"].encoding == "utf-16-le"
        assert by_path["win/service.log.gz"].encoding == "utf-16-le"
        assert by_path["win/service.log.gz"].compression == "gzip"
        assert by_path["win/utf8.log"].encoding is None
        for name in by_path:
            assert by_path[name].kind is ArtifactKind.LOG
            with bundle.open(name) as stream:
                assert stream.read() == POWERSHELL_LOG.encode()


def test_a_utf16_log_is_analyzed_like_any_other(tmp_path):
    from tests.analyses import analyze

    path = make_bundle(tmp_path / "case", {
        "win/out.log": ("\ufeff" + POWERSHELL_LOG).encode("utf-16-le")})
    analysis = analyze(path)
    assert analysis.stats["win/out.log"]["logs"]["lines"] == 20
    assert not analysis.problems  # before: 20 lines "with binary data", skipped
    (refused,) = [f for f in analysis.findings if f.rule == "log.known-issue"]
    assert refused.count == 20 and refused.evidence[0].locator.line == 1
    assert "Zürich" in refused.evidence[0].excerpt


def test_a_capture_of_utf16_traffic_is_never_taken_for_utf16_text(tmp_path):
    # SMB and other Windows protocols carry UTF-16LE strings: a capture that starts with one
    # long such packet looks, byte for byte, like UTF-16 text after its first 40 bytes.
    payload = ("\\\\FILESRV01\\share\\reports\\2026-11-17.xlsx " * 80).encode("utf-16-le")
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    record = struct.pack("<IIII", 1_794_906_000, 1, len(payload), len(payload)) + payload
    from inspector.bundle.sniff import text_encoding_of

    assert text_encoding_of(header + record) == "utf-16-le"  # what the guard is for
    path = make_bundle(tmp_path / "case.zip", {"net/smb.pcap": header + record})
    with open_bundle(path) as bundle:
        (capture,) = bundle.artifacts
        assert capture.kind is ArtifactKind.PCAP and capture.encoding is None
        with bundle.open(capture) as stream:
            assert stream.read() == header + record


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
