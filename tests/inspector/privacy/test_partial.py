"""A file complete at its path or not there at all."""

from __future__ import annotations

import os

import pytest

from inspector.privacy import partial as partial_module
from inspector.privacy.partial import PartialFile


def test_nothing_is_visible_before_commit_and_an_error_leaves_nothing(tmp_path):
    target = tmp_path / "out.zip"
    with pytest.raises(RuntimeError), PartialFile(target) as partial:
        partial.handle.write(b"half")
        assert list(tmp_path.iterdir()) == []
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_commit_replaces_an_existing_file(tmp_path):
    target = tmp_path / "out.zip"
    target.write_bytes(b"old")
    with PartialFile(target) as partial:
        partial.handle.write(b"new")
        partial.commit()
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["out.zip"]


def test_without_o_tmpfile_a_named_file_is_used_and_abandoned_ones_removed(tmp_path,
                                                                          monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    abandoned = tmp_path / ".out.zip.999999999.partial"
    abandoned.write_bytes(b"left by a killed writer")
    monkeypatch.setattr(partial_module, "_alive", lambda pid: pid == os.getpid())
    target = tmp_path / "out.zip"
    with PartialFile(target) as partial:
        assert not abandoned.exists()
        partial.handle.write(b"done")
        partial.commit()
    assert [p.name for p in tmp_path.iterdir()] == ["out.zip"]
