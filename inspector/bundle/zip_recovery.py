"""Zips whose central directory cannot be used, read from their local file headers.

A download cut short loses the directory at the end of a zip, not the members before the
cut; like ``unzip``'s recovery, ``RecoveredZipContainer`` walks the local file headers front
to back. The same walk reads a zip whose directory ``zipfile`` refuses for any other
reason: damage, an extra field whose length runs past its entry, or an entry claiming a
"version needed to extract" that ``zipfile`` does not know (tools write nonsense there).

What the walk can and cannot recover:

- Stored and DEFLATE entries are read; other compression methods are listed and fail
  when opened.
- Sizes come from the local header, or its zip64 extra field. An entry whose sizes follow
  its data (a data descriptor, written by collectors streaming to a pipe) is measured by
  inflating it; a *stored* entry of unknown length ends the walk, since nothing says
  where the next header starts.
- An entry cut by the end of the file is the last one listed, and is read as far as its
  data goes. The walk also stops at the first thing that is not a local header (the
  directory, or garbage), and at a header without a name, which is not a real entry.
- The reader reports a recovered zip as ``bundle.unreadable``, with how many members
  were recovered, so the engineer knows the listing may be incomplete.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from inspector.bundle.containers import Container, Member
from inspector.bundle.streams import Budget, guarded
from inspector.bundle.timestamps import dos_date_time, zip_modified


class _Window(io.RawIOBase):
    """``length`` bytes of a shared file from ``start``: one zip entry's stored data."""

    def __init__(self, fileobj: BinaryIO, start: int, length: int) -> None:
        self._file = fileobj
        self._start = start
        self._length = length
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._length - self._position)
        if wanted <= 0:
            return 0
        self._file.seek(self._start + self._position)
        data = self._file.read(wanted)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


class _Inflater(io.RawIOBase):
    """Raw DEFLATE (zip method 8) as a stream."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._inflate = zlib.decompressobj(-15)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while True:
            if self._inflate.eof:
                return 0
            data = self._pending or self._raw.read(64 * 1024)
            if not data:
                raise OSError("deflate data ends early (the zip entry is truncated)")
            try:
                out = self._inflate.decompress(data, len(buffer))
            except zlib.error as exc:
                raise OSError(f"corrupt deflate data: {exc}") from exc
            self._pending = self._inflate.unconsumed_tail
            if out:
                buffer[: len(out)] = out
                return len(out)


@dataclass(slots=True)
class _LocalEntry:
    offset: int
    name: str
    flags: int
    method: int
    compressed_size: int
    size: int
    data_offset: int
    modified: datetime | None = None


class RecoveredZipContainer(Container):
    """A zip whose central directory is missing or broken, read from its local headers.

    A download cut short loses the directory at the end of a zip, not the members before
    the cut; like ``unzip``'s recovery, walk the local file headers front to back.
    ``reason`` says why the directory could not be used.
    """

    kind = "zip"

    def __init__(self, fileobj: BinaryIO, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        self._file = fileobj
        fileobj.seek(0, io.SEEK_END)
        self._size = fileobj.tell()
        self.entries = list(self._walk())

    def _walk(self) -> Iterator[_LocalEntry]:
        position = 0
        while position + 30 <= self._size:
            self._file.seek(position)
            header = self._file.read(30)
            if header[:4] != b"PK\x03\x04":
                return  # the central directory, or garbage: nothing more to recover
            (flags, method, dos_time, dos_date, _, compressed, size, name_length,
             extra_length) = struct.unpack("<xxxxxxHHHHIIIHH", header)
            if name_length == 0:
                return  # not a real entry: recovering garbage would only mislead
            raw_name = self._file.read(name_length)
            extra = self._file.read(extra_length)
            compressed, size = _zip64_sizes(extra, compressed, size)
            data_offset = position + 30 + name_length + extra_length
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "surrogateescape")
            entry = _LocalEntry(position, name, flags, method, compressed, size, data_offset,
                                modified=zip_modified(dos_date_time(dos_date, dos_time),
                                                      extra))
            if flags & 0x08 and compressed == 0:
                if method != 8:
                    return  # stored data of unknown length: no way to find the next header
                entry.compressed_size, entry.size = self._measure_deflate(data_offset)
            end = data_offset + entry.compressed_size
            if end > self._size:
                # Cut short by the end of the file: listed all the same, since its beginning
                # can still be read; the reader records where the data ends.
                yield entry
                return
            yield entry
            position = end + (_descriptor_length(self._file, end) if flags & 0x08 else 0)

    def _measure_deflate(self, start: int) -> tuple[int, int]:
        inflate = zlib.decompressobj(-15)
        self._file.seek(start)
        consumed = produced = 0
        while not inflate.eof:
            data = self._file.read(256 * 1024)
            if not data:
                break
            try:
                produced += len(inflate.decompress(data))
            except zlib.error:
                break
            consumed += len(data) - len(inflate.unused_data)
        return consumed, produced

    def members(self) -> Iterator[Member]:
        for index, entry in enumerate(self.entries):
            yield Member(entry.name, index, entry.size, compressed_size=entry.compressed_size,
                         encrypted=bool(entry.flags & 0x1), modified=entry.modified)

    def open_member(self, member: Member | Any, budget: Budget, name: str) -> BinaryIO:
        entry = self.entries[member.key if isinstance(member, Member) else member]
        window = io.BufferedReader(_Window(self._file, entry.data_offset,
                                           entry.compressed_size))
        if entry.method == 0:
            return guarded(window, budget, name=name,  # type: ignore[arg-type]
                           compressed_size=entry.compressed_size)
        if entry.method == 8:
            return guarded(io.BufferedReader(_Inflater(window)), budget,  # type: ignore[arg-type]
                           name=name, compressed_size=entry.compressed_size)
        raise OSError(f"zip compression method {entry.method} is not supported")

    def close(self) -> None:
        self._file.close()


def _zip64_sizes(extra: bytes, compressed: int, size: int) -> tuple[int, int]:
    position = 0
    while position + 4 <= len(extra):
        header_id, length = struct.unpack_from("<HH", extra, position)
        if header_id == 0x0001:
            values = extra[position + 4 : position + 4 + length]
            if size == 0xFFFFFFFF and len(values) >= 8:
                size = struct.unpack_from("<Q", values, 0)[0]
                values = values[8:]
            if compressed == 0xFFFFFFFF and len(values) >= 8:
                compressed = struct.unpack_from("<Q", values, 0)[0]
        position += 4 + length
    return compressed, size


def _descriptor_length(fileobj: BinaryIO, offset: int) -> int:
    """A data descriptor's length: optional signature, CRC and two sizes (4 or 8 bytes)."""
    fileobj.seek(offset)
    head = fileobj.read(4)
    base = 16 if head == b"PK\x07\x08" else 12
    fileobj.seek(offset + base)
    following = fileobj.read(4)
    if following in (b"PK\x03\x04", b"PK\x01\x02", b"") or base == 12:
        return base
    return base + 8  # zip64 descriptor: 8-byte sizes
