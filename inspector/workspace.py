"""The engineer's work on one bundle, saved automatically, atomically, and recovered.

A workspace holds what the engineer adds to a bundle: the report draft, the triage of each
finding (confirmed, dismissed, a note), clock offsets per artifact, and the pseudonym map
redaction uses (kept here, locally, and never exported). It lives in the app's data folder
under the bundle's SHA-256, so the same bundle finds its work again wherever it is opened
from, and a different bundle with the same name does not.

Saving is crash-safe: the JSON goes to a temporary file in the same folder, is fsynced,
renamed over the old file, and the folder is fsynced, so at every instant the file on disk
is either the previous complete save or the new one. A failed save (full disk, quota,
permissions) raises ``WorkspaceSaveError`` with a plain message and leaves the previous
save untouched.

One instance at a time: ``open_workspace`` takes an exclusive lock (``flock``; on Windows
``msvcrt.locking``) on a lock file beside the workspace; a second instance gets
``WorkspaceLocked`` naming the holder's process id. The lock dies with its process, so a
crash never leaves the bundle locked.

Crash recovery: the saved file records whether the session that wrote it is still open.
Opening a workspace whose last session never closed sets ``Session.recovered``: the app
offers the work back (keep it, or ``discard`` it for a fresh start).

Text that cannot be encoded (lone surrogates from undecodable customer bytes) is saved
with U+FFFD in their place; the workspace still saves.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> with open_workspace("ab" * 32, "case.zip", root=root) as session:
...     session.workspace.triage["f1"] = Triage(TriageStatus.CONFIRMED, "seen at 09:14")
...     session.save()
>>> with open_workspace("ab" * 32, "case.zip", root=root) as session:
...     session.workspace.triage["f1"].note, session.recovered
('seen at 09:14', False)
"""

from __future__ import annotations

import contextlib
import enum
import errno
import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from inspector.files import data_directory, write_atomically
from inspector.model import Finding, format_time, parse_time
from inspector.privacy.redaction import PseudonymMap
from inspector.report import Report

FORMAT = "bundle-inspector.workspace/1"
FILE_NAME = "workspace.json"
LOCK_NAME = "lock"



# --- contents ------------------------------------------------------------------------------


class TriageStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


@dataclass
class Triage:
    status: TriageStatus = TriageStatus.OPEN
    note: str = ""


def finding_key(finding: Finding) -> str:
    """A stable key for a finding across runs: its rule, title and first evidence place."""
    first = finding.evidence[0] if finding.evidence else None
    text = "\x1f".join([finding.rule, finding.title, first.artifact if first else "",
                        orjson.dumps(first.locator.to_json()).decode() if first else ""])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Workspace:
    """Everything the engineer added to one bundle.

    Attributes:
        bundle_sha256: the key; ``bundle_source`` is where it was last opened from.
        report: the report draft, or ``None`` before the engineer touched it.
        triage: ``finding_key`` -> status and note.
        clock_offsets: artifact path -> seconds to add to its times (the user's override).
        pseudonyms: the redaction map; local only.
        saved_at: when this was last saved (UTC).
        session_open: True while an instance has it open; still True after a crash.
        revision: counts saves; lets a reader see a later save replaced an earlier one.
    """

    bundle_sha256: str
    bundle_source: str = ""
    report: Report | None = None
    triage: dict[str, Triage] = field(default_factory=dict)
    clock_offsets: dict[str, float] = field(default_factory=dict)
    pseudonyms: PseudonymMap = field(default_factory=PseudonymMap)
    saved_at: datetime | None = None
    session_open: bool = False
    revision: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "bundle_sha256": self.bundle_sha256,
            "bundle_source": self.bundle_source,
            "report": self.report.to_json() if self.report else None,
            "triage": {key: {"status": t.status.value, "note": t.note}
                       for key, t in sorted(self.triage.items())},
            "clock_offsets": dict(sorted(self.clock_offsets.items())),
            "pseudonyms": self.pseudonyms.to_json(),
            "saved_at": format_time(self.saved_at),
            "session_open": self.session_open,
            "revision": self.revision,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Workspace:
        if data.get("format", "").rsplit("/", 1)[0] != FORMAT.rsplit("/", 1)[0]:
            raise ValueError(f"not a Bundle Inspector workspace: format {data.get('format')!r}")
        return cls(
            bundle_sha256=data["bundle_sha256"],
            bundle_source=data.get("bundle_source", ""),
            report=Report.from_json(data["report"]) if data.get("report") else None,
            triage={key: Triage(TriageStatus(t["status"]), t.get("note", ""))
                    for key, t in data.get("triage", {}).items()},
            clock_offsets={k: float(v) for k, v in data.get("clock_offsets", {}).items()},
            pseudonyms=PseudonymMap.from_json(data.get("pseudonyms", {})),
            saved_at=parse_time(data.get("saved_at")),
            session_open=bool(data.get("session_open", False)),
            revision=int(data.get("revision", 0)),
        )


def encode(workspace: Workspace) -> bytes:
    """The workspace as JSON bytes; unencodable characters become U+FFFD."""
    data = workspace.to_json()
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return orjson.dumps(_encodable(data), option=orjson.OPT_INDENT_2)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    return value


# --- errors ------------------------------------------------------------------------------


class WorkspaceError(Exception):
    """A workspace problem, with a message meant for the user."""


class WorkspaceLocked(WorkspaceError):
    pass


class WorkspaceSaveError(WorkspaceError):
    pass


# --- saving ------------------------------------------------------------------------------


def save_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    Raises ``WorkspaceSaveError`` (the old file intact) when the data cannot be written.
    """
    try:
        write_atomically(path, data)
    except OSError as exc:
        reason = ("the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
                  else exc.strerror or str(exc))
        raise WorkspaceSaveError(f"Could not save the workspace in {path.parent}: {reason}. "
                                 "The previous save is kept.") from exc


# --- sessions ------------------------------------------------------------------------------


class _Lock:
    """An exclusive, non-blocking lock on a file, released when the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            self._acquire()
        except OSError:
            holder = os.pread(self._descriptor, 32, 0).decode("ascii", "replace").strip()
            os.close(self._descriptor)
            raise WorkspaceLocked(
                "This bundle is already open in another Bundle Inspector window"
                + (f" (process {holder})" if holder else "") + ".") from None
        os.ftruncate(self._descriptor, 0)
        os.pwrite(self._descriptor, str(os.getpid()).encode(), 0)

    def _acquire(self) -> None:
        if sys.platform == "win32":
            import msvcrt
            msvcrt.locking(self._descriptor, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(self._descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self) -> None:
        if self._descriptor < 0:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._descriptor, 0)
        os.close(self._descriptor)  # closing the descriptor releases the lock
        self._descriptor = -1


class Session:
    """An open, locked workspace. Use as a context manager, or call ``close``.

    Attributes:
        workspace: the contents; change them, then ``save``.
        recovered: the previous session never closed (a crash): offer its work back.
        discarded_corrupt: the name a corrupt workspace file was moved aside to, if any.
        path: the workspace file.
    """

    def __init__(self, folder: Path, workspace: Workspace, lock: _Lock, *, recovered: bool,
                 discarded_corrupt: Path | None) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.workspace = workspace
        self.recovered = recovered
        self.discarded_corrupt = discarded_corrupt
        self._lock: _Lock | None = lock

    def save(self) -> None:
        """Save now (the app calls this a moment after each edit). Raises WorkspaceSaveError."""
        if self._lock is None:
            raise WorkspaceError("the workspace is closed")
        self._write(session_open=True)

    def _write(self, *, session_open: bool) -> None:
        previous = (self.workspace.saved_at, self.workspace.session_open,
                    self.workspace.revision)
        self.workspace.saved_at = datetime.now(UTC)
        self.workspace.session_open = session_open
        self.workspace.revision += 1
        try:
            save_atomically(self.path, encode(self.workspace))
        except WorkspaceSaveError:
            (self.workspace.saved_at, self.workspace.session_open,
             self.workspace.revision) = previous
            raise

    def discard(self) -> None:
        """Drop the recovered work and start from an empty workspace (saved at once)."""
        self.workspace = Workspace(self.workspace.bundle_sha256, self.workspace.bundle_source,
                                   revision=self.workspace.revision)
        self.recovered = False
        self.save()

    def close(self) -> None:
        """Save with the session marked closed, then release the lock."""
        if self._lock is None:
            return
        try:
            self._write(session_open=False)
        finally:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def workspace_folder(bundle_sha256: str, root: Path | None = None) -> Path:
    if len(bundle_sha256) != 64 or any(c not in "0123456789abcdef" for c in bundle_sha256):
        raise ValueError("a workspace is keyed by the bundle's lower-case hex SHA-256")
    return (root or data_directory()) / "workspaces" / bundle_sha256


def load_workspace(bundle_sha256: str, root: Path | None = None) -> Workspace | None:
    """The saved workspace of a bundle, read without locking (headless export), or None."""
    path = workspace_folder(bundle_sha256, root) / FILE_NAME
    try:
        return Workspace.from_json(orjson.loads(path.read_bytes()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WorkspaceError(f"The saved workspace {path} cannot be read: {exc}") from exc


def open_workspace(bundle_sha256: str, bundle_source: str = "", *,
                   root: Path | None = None) -> Session:
    """Lock and load (or create) the workspace of a bundle.

    Raises ``WorkspaceLocked`` when another instance has it, ``WorkspaceError`` when the
    data folder cannot be created. A workspace file that cannot be parsed is moved aside
    (``workspace.json.corrupt-<time>``), never deleted, and a fresh one is started.
    """
    folder = workspace_folder(bundle_sha256, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"Cannot create the workspace folder {folder}: "
                             f"{exc.strerror or exc}") from exc
    lock = _Lock(folder / LOCK_NAME)
    try:
        for leftover in folder.glob(f".{FILE_NAME}.*.tmp"):
            leftover.unlink(missing_ok=True)  # a save interrupted before its rename
        path = folder / FILE_NAME
        corrupt_copy = None
        try:
            workspace = Workspace.from_json(orjson.loads(path.read_bytes()))
        except FileNotFoundError:
            workspace = Workspace(bundle_sha256)
        except (ValueError, KeyError, TypeError):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            corrupt_copy = folder / f"{FILE_NAME}.corrupt-{stamp}"
            os.replace(path, corrupt_copy)
            workspace = Workspace(bundle_sha256)
        recovered = workspace.session_open
        if bundle_source:
            workspace.bundle_source = bundle_source
        return Session(folder, workspace, lock, recovered=recovered,
                       discarded_corrupt=corrupt_copy)
    except BaseException:
        lock.release()
        raise
