"""The trainee's progress: kept across restarts, never lost, never fatal."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from inspector.model import Evidence, PacketLocator
from inspector.training.progress import PROGRESS_FILE, TrainingProgress
from inspector.training.scoring import Diagnosis, Score, score


def some_score(points_wanted: str) -> Score:
    key = {"summary": "s", "rules": [], "evidence": [
        {"artifact": "a.pcap", "locator": {"kind": "packet", "index": 3}, "why": "w"}]}
    cause = "service-down" if points_wanted == "pass" else "disk-full"
    return score("backend_refused", key, Diagnosis(cause, "my notes", [
        Evidence("a.pcap", PacketLocator(3))]))


def test_progress_survives_a_restart(tmp_path):
    progress = TrainingProgress(tmp_path)
    assert progress.best("backend_refused") is None and progress.problem is None
    when = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    progress.record(some_score("fail"), when)
    progress.record(some_score("pass"), when)
    reopened = TrainingProgress(tmp_path)
    assert reopened.best("backend_refused") == 100
    assert reopened.passed() == {"backend_refused"}
    assert [a["points"] for a in reopened.attempts_for("backend_refused")] == [40, 100]
    assert reopened.attempts[0]["time"] == "2026-11-18T10:00:00Z"
    assert reopened.attempts[0]["diagnosis"] == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == [PROGRESS_FILE]


def test_a_failed_write_keeps_the_previous_progress(tmp_path, monkeypatch):
    progress = TrainingProgress(tmp_path)
    progress.record(some_score("pass"))
    before = (tmp_path / PROGRESS_FILE).read_bytes()

    def power_cut(source, destination):
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="unplugged"):
        progress.record(some_score("fail"))
    monkeypatch.undo()
    assert (tmp_path / PROGRESS_FILE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [PROGRESS_FILE]


@pytest.mark.parametrize("content", [b"{not json", b'{"format": "other/9", "attempts": []}',
                                     b"[1, 2]", b'{"format": "bundle-inspector.training-'
                                     b'progress/1"}'])
def test_unreadable_progress_is_moved_aside_not_fatal(tmp_path, content):
    (tmp_path / PROGRESS_FILE).write_bytes(content)
    progress = TrainingProgress(tmp_path)
    assert progress.attempts == [] and "could not be read" in progress.problem
    assert (tmp_path / (PROGRESS_FILE + ".unreadable")).read_bytes() == content
    progress.record(some_score("pass"))
    assert TrainingProgress(tmp_path).best("backend_refused") == 100
