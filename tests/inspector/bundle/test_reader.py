"""The opened bundle: every shape lists and reads its members, in place, as many times as
asked, decompressed and in UTF-8; a reopened bundle reads them the same way."""

from __future__ import annotations

import gzip

import pytest

from inspector.bundle.reader import open_bundle, reopen_bundle
from inspector.bundle.streams import LimitExceeded, Limits
from inspector.model import ArtifactKind
from inspector.testing import compress, make_bundle, tar_bytes, zip_bytes
from tests.inspector.bundle.contents import DUMP, HAR, LOG, PCAPNG, kinds


@pytest.mark.parametrize("suffix", [".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
                                    "-folder"])
def test_every_bundle_shape_lists_and_reads_members(tmp_path, suffix):
    path = make_bundle(tmp_path / f"case{suffix}", {"logs/app.log": LOG, "net/c.pcapng": PCAPNG})
    with open_bundle(path) as bundle:
        assert kinds(bundle) == {"logs/app.log": ArtifactKind.LOG,
                                 "net/c.pcapng": ArtifactKind.PCAPNG}
        with bundle.open("logs/app.log") as stream:
            assert stream.read() == LOG
        # A folder's size is its files' bytes; an archive's, the archive file's.
        expected = (len(LOG) + len(PCAPNG) if suffix == "-folder" else path.stat().st_size)
        assert bundle.info.size == expected
        assert len(bundle.info.sha256) == 64


@pytest.mark.parametrize("codec", ["gzip", "bz2", "xz"])
def test_single_compressed_file_is_read_through(tmp_path, codec):
    path = tmp_path / f"app.log.{codec}"
    path.write_bytes(compress(LOG, codec))
    with open_bundle(path) as bundle:
        (artifact,) = bundle.artifacts
        assert (artifact.kind, artifact.compression) == (ArtifactKind.LOG, codec)
        assert bundle.open(artifact).read() == LOG


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


def test_member_read_is_guarded_too(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"app.log": LOG * 100})
    with open_bundle(path, Limits(max_member_bytes=10_000)) as bundle, \
            pytest.raises(LimitExceeded):
        bundle.open("app.log").read()


# --- UTF-16 text --------------------------------------------------------------------------

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



# --- the worker side -------------------------------------------------------------------------

def test_a_reopened_bundle_reads_members_by_their_ref(tmp_path):
    nodes = {f"nodes/web-{n:02d}.tgz": tar_bytes({"var/log/app.log": LOG + b"node %d\n" % n},
                                                 "gzip") for n in range(10)}
    path = make_bundle(tmp_path / "case.zip", {**nodes, "app.log.gz": gzip.compress(LOG)})
    with open_bundle(path) as listed:
        artifacts = listed.readable_artifacts
    assert len(artifacts) == 11
    with reopen_bundle(path) as worker:
        assert worker.artifacts == []  # a worker gets the artifacts from the listing
        # More nested archives than a bundle keeps open, twice over, in both orders.
        for artifact in [*artifacts, *reversed(artifacts)]:
            with worker.open(artifact) as stream:
                data = stream.read()
            assert data.startswith(LOG)
            if artifact.path.startswith("nodes/web-"):
                assert data.endswith(b"node %d\n" % int(artifact.path[10:12]))


def test_archives_and_skipped_members_are_not_opened(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {"inner.zip": zip_bytes({"a.log": LOG}),
                                               "dump.7z": b"7z\xbc\xaf\x27\x1c" + bytes(64)})
    with open_bundle(path) as bundle:
        for member in ("inner.zip", "dump.7z"):
            with pytest.raises(OSError, match="not a readable member"):
                bundle.open(member)
        with pytest.raises(KeyError):
            bundle.artifact("missing.log")


def test_a_folder_hashes_the_same_until_a_name_or_a_byte_changes(tmp_path):
    folder = make_bundle(tmp_path / "case", {"logs/app.log": LOG, "net/c.pcapng": PCAPNG})
    with open_bundle(folder) as first, open_bundle(folder) as again:
        assert first.info == again.info
        assert first.info.size == len(LOG) + len(PCAPNG)
    (folder / "logs" / "app.log").rename(folder / "logs" / "app.log.1")
    with open_bundle(folder) as renamed:
        assert renamed.info.sha256 != first.info.sha256
