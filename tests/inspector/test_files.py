from __future__ import annotations

import errno
import os

import pytest

from inspector import files
from inspector.files import write_atomically


def test_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a" / "state.json"
    write_atomically(target, b"old")
    write_atomically(target, b"new" * 1000)
    assert target.read_bytes() == b"new" * 1000
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    write_atomically(target, b"previous")

    def full_disk(descriptor, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"next")
    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["state.json"]
