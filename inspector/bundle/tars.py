"""Tars, plain or read through a decompressing stream (gzip, bzip2, xz).

Members are keyed by their header's offset in the (decompressed) stream, and ``tarfile``
is made to forget every header it has read: a tar of a million entries costs a list of
offsets, not a million ``TarInfo`` objects. Opening a member seeks back to its header; in
a compressed tar that means decompressing again from the start, which is why the reader
sniffs a member from the stream it already has open rather than reopening it.

Links (symbolic and hard), devices and FIFOs are listed with their type and never opened.
A tar that ends in corrupt or truncated data keeps the members before the damage; the
damage is kept in ``error`` for the reader to report.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from inspector.bundle.containers import Container, Member
from inspector.bundle.streams import Budget, LimitExceeded, guarded
from inspector.bundle.timestamps import modified_from_epoch

_TAR_TYPES = {tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink",
              tarfile.CHRTYPE: "device", tarfile.BLKTYPE: "device",
              tarfile.FIFOTYPE: "fifo", tarfile.DIRTYPE: "dir"}


class TarContainer(Container):
    """A tar read from a (possibly decompressing) seekable stream; members keyed by offset.

    Attributes:
        error: why the listing ended early (corrupt or truncated data), once listed.
    """

    kind = "tar"

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.name = name
        self.stream = stream
        self.tar = tarfile.open(fileobj=stream, mode="r:")  # noqa: SIM115 - closed in close()
        self.error: str | None = None

    def members(self) -> Iterator[Member]:
        # tarfile.open() read the first header already; start over from offset 0.
        self.tar.firstmember = None
        self.tar.offset = 0
        self.stream.seek(0)
        while True:
            try:
                info = self.tar.next()
            except LimitExceeded:
                raise
            except (tarfile.TarError, OSError, EOFError) as exc:
                self.error = f"tar stream ends in corrupt data: {exc}"
                return
            if info is None:
                return
            member_type = "file" if info.isreg() else _TAR_TYPES.get(info.type, "other")
            yield Member(info.name, info.offset, info.size, type=member_type,
                         link_target=info.linkname or None,
                         modified=modified_from_epoch(info.mtime))
            # tarfile remembers every member it has read; we keep offsets, not TarInfos.
            self.tar.members.clear()

    def open_member(self, member: Member | Any, budget: Budget, name: str) -> BinaryIO:
        offset = member.key if isinstance(member, Member) else member
        self.stream.seek(offset)
        info = self.tar.tarinfo.fromtarfile(self.tar)
        data = self.tar.extractfile(info)
        if data is None:
            raise OSError(f"{name} is not a regular file")
        return guarded(data, budget, name=name)  # type: ignore[arg-type]

    def close(self) -> None:
        self.tar.close()
        self.stream.close()
