"""Bundles that are a folder or one loose file on this machine.

A folder is walked without following links: symbolic links (to files or to folders, loops
included), FIFOs, devices and sockets are listed with their type and never opened. A
member is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked to still be a regular file,
so one swapped for a link or a FIFO between the listing and the read is refused rather
than followed or waited on. A folder or file that cannot be read becomes a member with a
``problem``, not an error.

A loose file is a one-member bundle: itself, maybe compressed (the reader decompresses it
like any member).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from inspector.bundle.containers import Container, Member
from inspector.bundle.streams import Budget, guarded
from inspector.bundle.timestamps import modified_from_epoch


class FolderContainer(Container):
    """A folder of the host, walked in name order; members keyed by their relative path."""

    kind = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root

    def members(self) -> Iterator[Member]:
        yield from self._walk(self.root, "")

    def _walk(self, folder: Path, prefix: str) -> Iterator[Member]:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield Member(prefix.rstrip("/") or ".", prefix, 0, type="other",
                         problem=f"folder cannot be listed: {exc.strerror or exc}")
            return
        for entry in entries:
            relative = prefix + entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                yield Member(relative, relative, 0, type="other",
                             problem=f"cannot be read: {exc.strerror or exc}")
                continue
            mode = info.st_mode
            modified = modified_from_epoch(info.st_mtime)
            if stat.S_ISDIR(mode):
                yield from self._walk(Path(entry.path), relative + "/")
            elif stat.S_ISLNK(mode):
                try:
                    target = os.readlink(entry.path)
                except OSError:
                    target = "?"
                yield Member(relative, relative, 0, type="symlink", link_target=target,
                             modified=modified)
            elif stat.S_ISREG(mode):
                yield Member(relative, relative, info.st_size, modified=modified)
            else:
                yield Member(relative, relative, 0, type=_special_type(mode), modified=modified)

    def open_member(self, member: Member | Any, budget: Budget, name: str) -> BinaryIO:
        key = member.key if isinstance(member, Member) else member
        path = os.path.join(self.root, key)
        # O_NOFOLLOW: a member swapped for a link since the scan is refused, not followed.
        # O_NONBLOCK: a FIFO swapped in cannot hang us; we check it is a regular file.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{name} is no longer a regular file")
            os.set_blocking(fd, True)
            raw = os.fdopen(fd, "rb", buffering=0)
        except BaseException:
            os.close(fd)
            raise
        return guarded(raw, budget, name=name)  # type: ignore[arg-type]


def _special_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


class SingleFileContainer(Container):
    """A bundle that is one loose file (maybe compressed): one member, itself."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def members(self) -> Iterator[Member]:
        info = self.path.stat()
        yield Member(self.path.name, "", info.st_size, modified=modified_from_epoch(info.st_mtime))

    def open_member(self, member: Member | Any, budget: Budget, name: str) -> BinaryIO:
        raw = open(self.path, "rb", buffering=0)  # noqa: SIM115 - closed by the caller
        return guarded(raw, budget, name=name)  # type: ignore[arg-type]
