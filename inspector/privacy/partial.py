"""A file that is either complete at its path or not there at all, even when the process
writing it is killed (SIGKILL included).

``PartialFile(path)`` gives a writable, seekable ``handle`` on an anonymous file in the
target's folder (Linux ``O_TMPFILE``: it has no name, so the kernel frees it whatever
happens to the writer). ``commit()`` syncs it and links it into place: directly when the
path is free, else under a temporary name renamed over the old file. Without
``O_TMPFILE`` (other systems, some file systems) the file is a named
``.<name>.<pid>.partial`` beside the target, removed on any error; one left by a killed
writer is removed by the next ``PartialFile`` for the same target once its process is
gone.

>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.zip"
>>> with PartialFile(target) as partial:
...     _ = partial.handle.write(b"done")
...     partial.commit()
>>> target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
(b'done', ['out.zip'])
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from types import TracebackType
from typing import IO

from inspector.files import fsync_directory


class PartialFile:
    """See the module doc."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.folder = self.path.parent if str(self.path.parent) else Path(".")
        self._named: Path | None = None
        self.handle: IO[bytes]

    def __enter__(self) -> PartialFile:
        self._remove_abandoned()
        flag = getattr(os, "O_TMPFILE", 0)
        descriptor = -1
        if flag and Path("/proc/self/fd").is_dir():
            with contextlib.suppress(OSError):
                descriptor = os.open(self.folder, flag | os.O_RDWR, 0o644)
        if descriptor < 0:
            self._named = self.folder / f".{self.path.name}.{os.getpid()}.partial"
            descriptor = os.open(self._named, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        self.handle = os.fdopen(descriptor, "w+b")
        return self

    def commit(self) -> None:
        """Sync the file and put it at the path."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        if self._named is not None:
            os.replace(self._named, self.path)
            self._named = None
        else:
            self._link()
        fsync_directory(self.folder)

    def _link(self) -> None:
        # os.link only follows the /proc symlink (linkat with AT_SYMLINK_FOLLOW) when a
        # directory descriptor is given; the absolute source path makes its value moot.
        source = f"/proc/self/fd/{self.handle.fileno()}"
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            try:
                os.link(source, self.path, src_dir_fd=folder)
            except FileExistsError:
                staged = self.folder / f".{self.path.name}.{os.getpid()}.partial"
                staged.unlink(missing_ok=True)
                os.link(source, staged, src_dir_fd=folder)
                os.replace(staged, self.path)
        finally:
            os.close(folder)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.handle.close()
        if self._named is not None:
            self._named.unlink(missing_ok=True)

    def _remove_abandoned(self) -> None:
        pattern = re.compile(rf"\.{re.escape(self.path.name)}\.(\d+)\.partial")
        with contextlib.suppress(OSError):
            for entry in self.folder.iterdir():
                found = pattern.fullmatch(entry.name)
                if found is not None and not _alive(int(found.group(1))):
                    entry.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
