"""The workspace: contents round-trip, crash safety under SIGKILL, full disk, lock, recovery."""

from __future__ import annotations

import errno
import os
import random
import signal
import sys
import time

import orjson
import pytest

from inspector import workspace as workspace_module
from inspector.model import Evidence, LineLocator, Severity
from inspector.privacy.redaction import Identifier
from inspector.report import Report
from inspector.rules import REGISTRY
from inspector.workspace import (
    FILE_NAME,
    Triage,
    TriageStatus,
    Workspace,
    WorkspaceLocked,
    WorkspaceSaveError,
    data_directory,
    finding_key,
    load_workspace,
    open_workspace,
    workspace_folder,
)

SHA = "0123456789abcdef" * 4
posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def test_contents_round_trip(tmp_path):
    with open_workspace(SHA, "/cases/4711.zip", root=tmp_path) as session:
        work = session.workspace
        work.report = Report(title="Checkout fails", severity=Severity.HIGH)
        work.triage["k1"] = Triage(TriageStatus.DISMISSED, "noise from the health check")
        work.clock_offsets["logs/app.log"] = -3600.0
        work.pseudonyms.pseudonym(Identifier.IPV4, "10.1.2.3")
        session.save()
    again = load_workspace(SHA, tmp_path)
    assert again is not None
    assert again.report == Report(title="Checkout fails", severity=Severity.HIGH)
    assert again.triage == {"k1": Triage(TriageStatus.DISMISSED, "noise from the health check")}
    assert again.clock_offsets == {"logs/app.log": -3600.0}
    assert again.pseudonyms.known(Identifier.IPV4, "10.1.2.3") == "240.0.0.1"
    assert again.bundle_source == "/cases/4711.zip"
    assert again.session_open is False and again.revision == 2  # the save, then the close


def test_workspaces_are_keyed_by_hash_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    assert data_directory() == tmp_path / "data"
    assert workspace_folder(SHA) == tmp_path / "data" / "workspaces" / SHA
    with pytest.raises(ValueError, match="SHA-256"):
        workspace_folder("../../etc")
    assert load_workspace(SHA) is None


def test_finding_key_is_stable_and_tells_findings_apart():
    rule = next(iter(REGISTRY))
    one = rule.finding("Pool exhausted", analyzer="logs",
                       evidence=[Evidence("logs/a.log", LineLocator(3))])
    same = rule.finding("Pool exhausted", analyzer="logs",
                        evidence=[Evidence("logs/a.log", LineLocator(3))], count=9)
    other = rule.finding("Pool exhausted", analyzer="logs",
                         evidence=[Evidence("logs/b.log", LineLocator(3))])
    assert finding_key(one) == finding_key(same) != finding_key(other)


def test_a_second_instance_is_locked_out(tmp_path):
    session = open_workspace(SHA, root=tmp_path)
    with pytest.raises(WorkspaceLocked, match=f"process {os.getpid()}"):
        open_workspace(SHA, root=tmp_path)
    session.close()
    open_workspace(SHA, root=tmp_path).close()


def test_text_that_cannot_be_encoded_is_saved_with_replacements(tmp_path):
    with open_workspace(SHA, root=tmp_path) as session:
        session.workspace.triage["k"] = Triage(TriageStatus.OPEN, "bad byte \udcff here")
        session.workspace.report = Report(title="lone \ud800 surrogate")
        session.save()
    again = load_workspace(SHA, tmp_path)
    assert again.triage["k"].note == "bad byte \ufffd here"
    assert again.report.title == "lone \ufffd surrogate"


def test_a_corrupt_file_is_moved_aside_not_lost(tmp_path):
    folder = workspace_folder(SHA, tmp_path)
    folder.mkdir(parents=True)
    (folder / FILE_NAME).write_bytes(b'{"format": "bundle-inspector.workspace/1", "bund')
    with open_workspace(SHA, root=tmp_path) as session:
        assert session.discarded_corrupt is not None
        assert session.discarded_corrupt.read_bytes().endswith(b'"bund')
        assert session.workspace.revision == 0


# --- full disk -------------------------------------------------------------------------------


def test_full_disk_gives_a_clear_error_and_keeps_the_previous_save(tmp_path, monkeypatch):
    session = open_workspace(SHA, root=tmp_path)
    session.workspace.triage["k"] = Triage(TriageStatus.CONFIRMED, "first")
    session.save()
    before = (session.path).read_bytes()
    real_write = os.write

    def full_disk(descriptor, data):
        real_write(descriptor, bytes(data[:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(workspace_module.os, "write", full_disk)
    session.workspace.triage["k"].note = "second " * 1000
    with pytest.raises(WorkspaceSaveError, match=r"disk is full.*previous save is kept"):
        session.save()
    assert session.path.read_bytes() == before
    assert sorted(p.name for p in session.folder.iterdir()) == ["lock", FILE_NAME]
    assert session.workspace.revision == 1  # the failed save did not count
    monkeypatch.undo()
    session.save()  # space is back: the edit was not lost in memory
    assert load_workspace(SHA, tmp_path).triage["k"].note.startswith("second")
    session.close()


@posix_only
def test_a_real_file_size_limit_is_reported_and_the_previous_save_kept(tmp_path):
    with open_workspace(SHA, root=tmp_path) as session:
        session.workspace.triage["k"] = Triage(TriageStatus.CONFIRMED, "small")
    before = (workspace_folder(SHA, tmp_path) / FILE_NAME).read_bytes()
    child = os.fork()
    if child == 0:  # the kernel refuses writes past RLIMIT_FSIZE with EFBIG
        code = 1
        try:
            import resource
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 64,) * 2)
            session = open_workspace(SHA, root=tmp_path)
            session.workspace.triage["k"].note = "x" * 100_000
            try:
                session.save()
            except WorkspaceSaveError as exc:
                code = 0 if "disk is full" in str(exc) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (workspace_folder(SHA, tmp_path) / FILE_NAME).read_bytes() == before


# --- killed while saving -------------------------------------------------------------------


def _save_forever(root, seed: int) -> None:
    """Child: save revisions whose contents prove which revision they are."""
    rng = random.Random(seed)
    session = open_workspace(SHA, root=root)
    while True:
        work = session.workspace
        size = rng.randrange(1, 4000)
        work.triage = {f"k{i}": Triage(TriageStatus.CONFIRMED, f"{work.revision + 1}")
                       for i in range(size)}
        work.clock_offsets = {"check": float(size)}
        session.save()


@posix_only
def test_killed_at_random_points_while_saving_never_corrupts_or_loses(tmp_path):
    rng = random.Random(20261117)
    with open_workspace(SHA, root=tmp_path) as session:
        session.workspace.triage["k0"] = Triage(TriageStatus.CONFIRMED, "1")
        session.workspace.clock_offsets = {"check": 1.0}
        session.workspace.revision = 0
    path = workspace_folder(SHA, tmp_path) / FILE_NAME
    last_revision = orjson.loads(path.read_bytes())["revision"]
    recovered = 0
    for run in range(40):
        child = os.fork()
        if child == 0:
            try:
                _save_forever(tmp_path, run)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        # Whatever instant the kill hit, the file is one complete save, never an older one.
        data = orjson.loads(path.read_bytes())
        work = Workspace.from_json(data)
        assert work.revision >= last_revision
        assert len(work.triage) == int(work.clock_offsets["check"])
        notes = {t.note for t in work.triage.values()}
        assert len(notes) == 1 and int(notes.pop()) <= work.revision
        last_revision = work.revision
        with open_workspace(SHA, root=tmp_path) as session:  # the lock died with the child
            recovered += session.recovered
            assert not list(session.folder.glob("*.tmp"))
        last_revision += 1  # closing saved once more
    assert last_revision > 41  # the children did save, many times over
    assert recovered > 0  # and the crashed sessions were offered back


@posix_only
def test_a_crashed_session_is_offered_back_and_can_be_discarded(tmp_path):
    child = os.fork()
    if child == 0:
        try:
            session = open_workspace(SHA, root=tmp_path)
            session.workspace.triage["k"] = Triage(TriageStatus.CONFIRMED, "unsaved idea")
            session.save()
        finally:
            os._exit(0)  # dies without closing
    os.waitpid(child, 0)
    with open_workspace(SHA, root=tmp_path) as session:
        assert session.recovered
        assert session.workspace.triage["k"].note == "unsaved idea"
        session.discard()
        assert session.workspace.triage == {} and not session.recovered
    with open_workspace(SHA, root=tmp_path) as session:
        assert not session.recovered and session.workspace.triage == {}


def test_the_platform_default_data_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("BUNDLE_INSPECTOR_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert data_directory() == tmp_path / "bundle-inspector"
    else:
        assert data_directory().name == "bundle-inspector"
