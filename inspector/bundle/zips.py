"""Zips read through their central directory, with ``zipfile``.

Safety and repair decisions:

- Entries whose data overlaps another entry's are listed with a ``problem`` and never read:
  overlapping entries are how the smallest zip bombs (Fifield's) multiply one compressed
  stream into many.
- Unix file types in the external attributes (symbolic links, devices, FIFOs, sockets) are
  listed as such, so the reader skips them.
- ``zipfile`` decodes a name flagged UTF-8 strictly and refuses the whole archive when one
  is not valid. Such a zip is reopened through a view with the UTF-8 flags cleared, so
  every name decodes as cp437, and each name's original bytes are recovered from that:
  the member is listed with its invalid bytes escaped, not lost with the whole archive.
- A zip ``zipfile`` refuses altogether (no directory, a cut directory, a "version needed
  to extract" it does not know) is read from its local headers instead
  (``inspector.bundle.zip_recovery``); ``inspector.bundle.opening`` makes that choice.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from inspector.bundle.containers import Container, Member
from inspector.bundle.names import printable_name
from inspector.bundle.streams import Budget, guarded
from inspector.bundle.timestamps import zip_modified


class _PatchedFile(io.RawIOBase):
    """A read-only view of a file with a few bytes overridden (see ``_clear_utf8_flags``)."""

    def __init__(self, inner: BinaryIO, patches: dict[int, int]) -> None:
        self._inner = inner
        self._patches = patches

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def readinto(self, buffer) -> int:  # type: ignore[override]
        start = self._inner.tell()
        data = bytearray(self._inner.read(len(buffer)))
        for offset, value in self._patches.items():
            if start <= offset < start + len(data):
                data[offset - start] = value
        buffer[: len(data)] = data
        return len(data)


def _clear_utf8_flags(fileobj: BinaryIO) -> dict[int, int]:
    """Offsets of central-directory flag bytes with the UTF-8 bit cleared.

    zipfile decodes a name flagged UTF-8 strictly and refuses the whole archive when one is
    not; with the flag cleared it decodes as cp437, which never fails, and we recover the
    original bytes from that (``_zip_name``).
    """
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    tail_size = min(size, 65_557)
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    eocd = tail.rfind(b"PK\x05\x06")
    if eocd < 0 or eocd + 22 > len(tail):
        return {}
    count, cd_size, cd_offset = struct.unpack("<xxxxxxxxxxHII", tail[eocd : eocd + 20])
    cd_start = size - tail_size + eocd - cd_size
    if cd_start < 0:
        return {}
    fileobj.seek(cd_start)
    directory = fileobj.read(cd_size)
    # Data prepended to the archive (self-extractors) shifts every recorded offset.
    shift = cd_start - cd_offset
    patches = {}
    position = 0
    while position + 46 <= len(directory) and directory[position : position + 4] == b"PK\x01\x02":
        flags = struct.unpack_from("<H", directory, position + 8)[0]
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", directory, position + 28)
        local_header = struct.unpack_from("<I", directory, position + 42)[0] + shift
        if flags & 0x800:
            # The flag's high byte, in the central entry and in the entry's local header.
            patches[cd_start + position + 9] = directory[position + 9] & ~0x08
            fileobj.seek(local_header + 7)
            local_flag = fileobj.read(1)
            if local_flag:
                patches[local_header + 7] = local_flag[0] & ~0x08
        position += 46 + name_len + extra_len + comment_len
    del count
    return patches


def _zip_name(info: zipfile.ZipInfo, utf8_cleared: bool) -> str:
    if utf8_cleared or not info.flag_bits & 0x800:
        try:
            raw = info.orig_filename.encode("cp437")
        except UnicodeEncodeError:
            return info.orig_filename
        if utf8_cleared:
            return raw.decode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return info.orig_filename
    return info.orig_filename


_UNIX_TYPES = {0o120000: "symlink", 0o020000: "device", 0o060000: "device",
               0o010000: "fifo", 0o140000: "socket"}


class ZipContainer(Container):
    """A zip read through its central directory; members keyed by their entry index.

    Raises what ``zipfile`` raises when it refuses the archive (``BadZipFile``,
    ``NotImplementedError``).
    """

    kind = "zip"

    def __init__(self, fileobj: BinaryIO, name: str) -> None:
        self.name = name
        self._fileobj = fileobj  # zipfile does not close a file object it was given
        self._utf8_cleared = False
        try:
            self.zip = zipfile.ZipFile(fileobj)
        except UnicodeDecodeError:
            self._utf8_cleared = True
            patched = io.BufferedReader(_PatchedFile(fileobj, _clear_utf8_flags(fileobj)))
            self.zip = zipfile.ZipFile(patched)  # type: ignore[arg-type]
        self._overlaps = _overlapping_entries(self.zip.infolist())

    def members(self) -> Iterator[Member]:
        for index, info in enumerate(self.zip.infolist()):
            unix_type = _UNIX_TYPES.get((info.external_attr >> 16) & 0o170000)
            member_type = "dir" if info.filename.endswith("/") else unix_type or "file"
            yield Member(
                _zip_name(info, self._utf8_cleared), index, info.file_size, type=member_type,
                compressed_size=info.compress_size, encrypted=bool(info.flag_bits & 0x1),
                problem=self._overlaps.get(index),
                modified=zip_modified(info.date_time, info.extra),
            )

    def open_member(self, member: Member | Any, budget: Budget, name: str) -> BinaryIO:
        index = member.key if isinstance(member, Member) else member
        info = self.zip.infolist()[index]
        try:
            raw = self.zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as exc:
            raise OSError(f"cannot open zip member: {exc}") from exc
        return guarded(raw, budget, name=name,  # type: ignore[arg-type]
                       compressed_size=info.compress_size)

    def close(self) -> None:
        self.zip.close()
        self._fileobj.close()


def _overlapping_entries(infos: list[zipfile.ZipInfo]) -> dict[int, str]:
    """Entries whose data overlaps another's: the shape of overlapping-entry zip bombs."""
    order = sorted(range(len(infos)), key=lambda i: infos[i].header_offset)
    overlaps: dict[int, str] = {}
    previous_end = -1
    previous_name = ""
    for index in order:
        info = infos[index]
        if info.header_offset < previous_end:
            overlaps[index] = (f"its data overlaps entry {previous_name!r}: "
                               "overlapping entries are a zip-bomb technique")
        header = 30 + len(info.orig_filename.encode("utf-8", "surrogateescape"))
        end = info.header_offset + header + info.compress_size
        if end > previous_end:
            previous_end = end
            previous_name = printable_name(info.orig_filename)
    return overlaps
