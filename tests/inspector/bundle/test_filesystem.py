"""Folders and loose files: links, FIFOs and loops listed and never followed or opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inspector.bundle.reader import open_bundle
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.testing import make_bundle
from tests.inspector.bundle.contents import HAR, LOG, kinds


def test_loose_file_is_a_one_member_bundle(tmp_path):
    path = tmp_path / "session.har"
    path.write_bytes(HAR)
    with open_bundle(path) as bundle:
        assert kinds(bundle) == {"session.har": ArtifactKind.HAR}


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



def test_a_member_swapped_for_a_link_or_a_fifo_after_listing_is_refused(tmp_path):
    root = make_bundle(tmp_path / "bundle", {"logs/app.log": LOG, "logs/gc.log": LOG})
    with open_bundle(root) as bundle:
        (root / "logs" / "app.log").unlink()
        (root / "logs" / "app.log").symlink_to("/etc/passwd")
        (root / "logs" / "gc.log").unlink()
        os.mkfifo(root / "logs" / "gc.log")  # a blocking open would wait for a writer
        for swapped in ("logs/app.log", "logs/gc.log"):
            with pytest.raises(OSError):
                bundle.open(swapped)


def test_an_unreadable_folder_is_a_member_with_a_problem(tmp_path, monkeypatch):
    root = make_bundle(tmp_path / "bundle", {"ok.log": LOG, "locked/app.log": LOG})
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":  # chmod 0 would not stop a test run as root
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with open_bundle(root) as bundle:
        locked = bundle.artifact("locked")
        assert locked.status is ArtifactStatus.SKIPPED
        assert locked.reason == "folder cannot be listed: Permission denied"
        assert bundle.artifact("ok.log").status is ArtifactStatus.ANALYZED
        assert "bundle.member-skipped" in {f.rule for f in bundle.findings}
