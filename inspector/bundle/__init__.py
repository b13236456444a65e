"""Reading a customer's bundle, safely, in place.

A bundle is a folder, a single file, a zip, a tar (plain, gz, bz2, xz), or a single
compressed file; archives may nest (``support.zip!/node1.tgz!/logs/app.log``). The bundle
is untrusted input:

- nothing is extracted: members are read as streams, from the archive, every time;
- nothing is followed: symbolic and hard links, devices and FIFOs are listed as skipped
  members (with the reason), never opened; a folder is walked without following links;
- names are data: ``../`` and absolute names, control and bidi characters and invalid
  UTF-8 are shown escaped and flagged, and never used as host paths;
- one ``Budget`` bounds the scan (nesting depth, entries, decompressed bytes, compression
  ratio, time); hitting a limit skips the member with a recorded reason, and the bundle
  still opens.

``open_bundle(path)`` lists and sniffs every member; ``Bundle.open(artifact)`` gives a
decompressed stream of one member, later, in any process (workers reopen the bundle from
``Bundle.source`` and use each artifact's ``ref``).

Only ``BundleOpenError`` escapes ``open_bundle``, when there is nothing to open at all
(missing path, not a file or folder, permission denied, an archive whose directory cannot
be read). Everything else becomes a ``Problem`` and a ``bundle.*`` finding.

Every artifact carries its modification time (``Artifact.modified``, aware UTC) as its
container records it; analyzers anchor timestamps without a year on it (a log cannot be
written after its file was last modified). Where it comes from:

- a folder or loose file: the file's ``mtime`` (not following links);
- a tar member: its header ``mtime`` (epoch seconds, fractional in pax headers);
- a zip member: the Info-ZIP extended timestamp (extra field ``0x5455``, UTC) when present,
  else the NTFS times (extra field ``0x000a``, UTC), else the DOS date and time. The DOS
  time is local time of an unknown zone: it is read as UTC, so it may be off by the
  collector's zone, hours at most, which is fine for choosing a year;
- a gzip-compressed member: the gzip header ``MTIME`` (the original file's time) when
  nonzero and plausible, else the time of the member holding it;
- a member of a nested archive: its own time in that archive, never its parent's.

A time that is missing, zero, before 1990 (zip's 1980-01-01 default, tar's 0), after 2200
or unreadable is ``None``: it is better to know nothing than to anchor on garbage. Reading
a time never raises; a hostile extra field or header is ignored, field by field.

UTF-16 text members (``inspector.bundle.sniff.text_encoding_of``: a byte-order mark, or NULs in
every other byte of ASCII text) are read through ``inspector.bundle.streams.transcoded``: every
consumer gets UTF-8, and ``Artifact.encoding`` says it was UTF-16.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import stat
import struct
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from inspector.bundle.sniff import (
    HEAD_BYTES,
    compression_of,
    is_tar,
    is_zip,
    sniff,
    text_encoding_of,
    unsupported_archive,
)
from inspector.bundle.streams import Budget, LimitExceeded, Limits, guarded, human_size, transcoded
from inspector.model import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    Evidence,
    Finding,
    Problem,
    ProblemKind,
    Severity,
    WholeLocator,
)
from inspector.rules import rule

NEST = "!/"

MEMBER_SKIPPED = rule("bundle.member-skipped", Severity.LOW, "bundle",
                      "A member of the bundle was not read; the reason is in the facts.")
ARCHIVE_BOMB = rule("bundle.archive-bomb", Severity.HIGH, "bundle",
                    "A member decompresses far beyond its size or overlaps other entries: a "
                    "decompression bomb, or a badly broken archive.")
UNSAFE_PATH = rule("bundle.unsafe-path", Severity.MEDIUM, "bundle",
                   "Member names that would escape the extraction folder or mislead a reader "
                   "(../, absolute, control or bidi characters, invalid UTF-8).")
UNREADABLE = rule("bundle.unreadable", Severity.MEDIUM, "bundle",
                  "An archive or member is corrupt, truncated, encrypted or empty, so part of "
                  "the bundle could not be read.")


class BundleOpenError(Exception):
    """The bundle cannot be opened at all; the message is one line for the user."""


# --- names -----------------------------------------------------------------------------------

_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)),
         *map(chr, range(0x2066, 0x206A))}


def printable_name(name: str) -> str:
    r"""A member name made safe to show: control, bidi and undecodable characters escaped.

    >>> printable_name("logs/app\u202etxt.exe")
    'logs/app\\u202etxt.exe'
    >>> printable_name("bad\udcffname")
    'bad\\xffname'
    """
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in _BIDI or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def unsafe_name_reasons(name: str) -> list[str]:
    """Why a member name is dangerous to extract or to show, if it is.

    >>> unsafe_name_reasons("../../etc/passwd")
    ['parent-directory (..) components']
    >>> unsafe_name_reasons("logs/app.log")
    []
    """
    reasons = []
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        reasons.append("absolute path")
    if ".." in posix.split("/"):
        reasons.append("parent-directory (..) components")
    if any(char in _BIDI for char in name):
        reasons.append("bidirectional-override characters")
    if any(unicodedata.category(char) == "Cc" for char in name):
        reasons.append("control characters")
    if any(0xDC80 <= ord(char) <= 0xDCFF for char in name):
        reasons.append("invalid UTF-8")
    return reasons


def _display_name(name: str) -> str:
    posix = name.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return printable_name(posix)


# --- modification times ---------------------------------------------------------------------

_EARLIEST_MODIFIED = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST_MODIFIED = datetime(2201, 1, 1, tzinfo=UTC)
_NTFS_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def _plausible(moment: datetime) -> datetime | None:
    return moment if _EARLIEST_MODIFIED <= moment < _LATEST_MODIFIED else None


def modified_from_epoch(seconds: float) -> datetime | None:
    """A container's epoch time as an aware UTC datetime, or ``None`` when it is not a
    plausible modification time (zero, before 1990, after 2200, not a finite number).

    >>> modified_from_epoch(1_794_906_000)
    datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.timezone.utc)
    >>> modified_from_epoch(0), modified_from_epoch(float("nan")), modified_from_epoch(2**62)
    (None, None, None)
    """
    try:
        if not math.isfinite(seconds):
            return None
        return _plausible(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def zip_modified(date_time: tuple[int, ...], extra: bytes) -> datetime | None:
    """A zip member's modification time: from its extra field when it holds a UTC time,
    else from its DOS ``date_time`` (local time, read as UTC).

    >>> zip_modified((2026, 1, 5, 7, 30, 0), b"")
    datetime.datetime(2026, 1, 5, 7, 30, tzinfo=datetime.timezone.utc)
    >>> zip_modified((1980, 1, 1, 0, 0, 0), b"") is None  # the "no time" default
    True
    >>> zip_modified((1980, 1, 1, 0, 0, 0), bytes.fromhex("555405000178685b69"))
    datetime.datetime(2026, 1, 5, 7, 30, tzinfo=datetime.timezone.utc)
    """
    found = _extra_field_time(extra)
    if found is not None:
        return found
    try:
        return _plausible(datetime(*date_time[:6], tzinfo=UTC))
    except (ValueError, TypeError, OverflowError):
        return None


def _dos_date_time(date: int, time: int) -> tuple[int, ...]:
    """The fields of a DOS date and time as ``zipfile.ZipInfo.date_time`` holds them."""
    return ((date >> 9) + 1980, (date >> 5) & 0xF, date & 0x1F,
            time >> 11, (time >> 5) & 0x3F, (time & 0x1F) * 2)


def _extra_field_time(extra: bytes) -> datetime | None:
    """The first plausible UTC modification time in a zip extra field: Info-ZIP's extended
    timestamp (``0x5455``) first, then NTFS times (``0x000a``). Blocks without a plausible
    time are skipped; the walk ends at a block whose length runs past the field."""
    ntfs: datetime | None = None
    position = 0
    while position + 4 <= len(extra):
        header_id, length = struct.unpack_from("<HH", extra, position)
        if position + 4 + length > len(extra):
            break  # a block claiming more than there is: nothing in it can be trusted
        data = extra[position + 4 : position + 4 + length]
        position += 4 + length
        if header_id == 0x5455 and len(data) >= 5 and data[0] & 0x01:
            # Flags, then the modification time when bit 0 is set: 32-bit Unix seconds,
            # read unsigned so that times past 2038 survive.
            found = modified_from_epoch(struct.unpack_from("<I", data, 1)[0])
            if found is not None:
                return found
        elif header_id == 0x000A and ntfs is None:
            ntfs = _ntfs_time(data)
    return ntfs


def _ntfs_time(data: bytes) -> datetime | None:
    # Four reserved bytes, then attributes; attribute 1 holds mtime, atime, ctime as
    # 100-nanosecond ticks since 1601.
    position = 4
    while position + 4 <= len(data):
        tag, size = struct.unpack_from("<HH", data, position)
        if position + 4 + size > len(data):
            return None
        if tag == 0x0001 and size >= 24:
            ticks = struct.unpack_from("<Q", data, position + 4)[0]
            try:
                return _plausible(_NTFS_EPOCH + timedelta(microseconds=ticks // 10))
            except OverflowError:
                return None
        position += 4 + size
    return None


# --- containers ------------------------------------------------------------------------------


@dataclass(slots=True)
class Member:
    """One entry of a container, as listed, before anything of it is read."""

    name: str
    key: Any
    size: int
    type: str = "file"  # file, dir, symlink, hardlink, device, fifo, socket, other
    compressed_size: int | None = None
    link_target: str | None = None
    encrypted: bool = False
    problem: str | None = None
    modified: datetime | None = None


class Container:
    """A folder or archive whose members can be listed and opened as raw streams."""

    kind = "container"

    def members(self) -> Iterator[Member]:
        raise NotImplementedError

    def open_member(self, member: Member | Any, budget: Budget, name: str) -> BinaryIO:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the container holds open."""


class FolderContainer(Container):
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


class _Replay(io.RawIOBase):
    """Bytes already read from a stream, then the rest of that stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        # The caller owns the stream being replayed; closing the replay must not close it.
        super().close()


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
    problem: str | None = None
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
                                modified=zip_modified(_dos_date_time(dos_date, dos_time),
                                                      extra))
            if flags & 0x08 and compressed == 0:
                if method != 8:
                    return  # stored data of unknown length: no way to find the next header
                entry.compressed_size, entry.size = self._measure_deflate(data_offset)
            end = data_offset + entry.compressed_size
            if end > self._size:
                entry.problem = "the entry is cut short (the zip is truncated)"
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
                         encrypted=bool(entry.flags & 0x1), problem=None,
                         modified=entry.modified)

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


_TAR_TYPES = {tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink",
              tarfile.CHRTYPE: "device", tarfile.BLKTYPE: "device",
              tarfile.FIFOTYPE: "fifo", tarfile.DIRTYPE: "dir"}


class TarContainer(Container):
    """A tar read from a (possibly decompressing) seekable stream; members keyed by offset."""

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


# --- the bundle ------------------------------------------------------------------------------


@dataclass(slots=True)
class BundleInfo:
    source: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "size": self.size}


@dataclass(slots=True)
class _Skip:
    category: str
    reason: str


@dataclass
class Bundle:
    """An opened bundle: its artifacts, what the reader had to say, and member access.

    Attributes:
        source: the path given by the user.
        info: source, content hash and size.
        artifacts: every member in bundle order, archives included (kind ``archive``).
        problems: what the reader skipped or could not read, with reasons.
        findings: the reader's ``bundle.*`` findings.
    """

    source: Path
    limits: Limits = field(default_factory=Limits)
    info: BundleInfo | None = None
    artifacts: list[Artifact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _root: Container | None = field(default=None, repr=False)
    _nested: dict[tuple[Any, ...], Container] = field(default_factory=dict, repr=False)

    # -- access ---------------------------------------------------------------------------

    def artifact(self, path: str) -> Artifact:
        for artifact in self.artifacts:
            if artifact.path == path:
                return artifact
        raise KeyError(path)

    def open(self, artifact: Artifact | str, budget: Budget | None = None) -> BinaryIO:
        """A fresh decompressed, guarded stream of a member. Close it when done."""
        if isinstance(artifact, str):
            artifact = self.artifact(artifact)
        if artifact.kind is ArtifactKind.ARCHIVE or artifact.status is ArtifactStatus.SKIPPED:
            raise OSError(f"{artifact.path} is not a readable member")
        budget = budget or Budget.for_member(self.limits)
        *containers, last = artifact.ref
        container = self._container_for(tuple(containers), budget)
        stream = container.open_member(last[0], budget, artifact.path)
        if artifact.compression:
            stream = guarded(stream, budget, name=artifact.path, codec=artifact.compression)
        if artifact.encoding:
            stream = transcoded(stream, artifact.encoding)
        return stream

    def _root_container(self) -> Container:
        if self._root is None:
            self._root = _open_root(self.source, self.limits)
        return self._root

    def _container_for(self, steps: tuple[Any, ...], budget: Budget) -> Container:
        container = self._root_container()
        for depth in range(len(steps)):
            prefix = steps[: depth + 1]
            cached = self._nested.get(prefix)
            if cached is None:
                key, container_kind, codec = prefix[-1]
                cached = _open_nested(container, key, container_kind, codec, budget,
                                      self.limits, name=str(key))
                if len(self._nested) >= 8:  # keep the most recent few nested archives open
                    oldest = next(iter(self._nested))
                    self._nested.pop(oldest).close()
                self._nested[prefix] = cached
            container = cached
        return container

    def close(self) -> None:
        for container in self._nested.values():
            container.close()
        self._nested.clear()
        if self._root is not None:
            self._root.close()
            self._root = None

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def readable_artifacts(self) -> list[Artifact]:
        return [a for a in self.artifacts
                if a.kind is not ArtifactKind.ARCHIVE and a.status is ArtifactStatus.ANALYZED]


def _open_root(source: Path, limits: Limits, budget: Budget | None = None) -> Container:
    """The outermost container. ``budget`` pays for decompressing a compressed tar."""
    try:
        info = source.stat()
    except FileNotFoundError:
        raise BundleOpenError(f"{source}: no such file or folder") from None
    except OSError as exc:
        raise BundleOpenError(f"{source}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        if not os.access(source, os.R_OK | os.X_OK):
            raise BundleOpenError(f"{source}: permission denied")
        return FolderContainer(source)
    if not stat.S_ISREG(info.st_mode):
        raise BundleOpenError(f"{source}: not a regular file or folder")
    try:
        with open(source, "rb") as probe:
            head = probe.read(HEAD_BYTES)
    except OSError as exc:
        raise BundleOpenError(f"{source}: {exc.strerror or exc}") from None
    archive = _archive_type(head, lambda: _decompressed_head(source, compression_of(head),
                                                             limits))
    if archive is None:
        return SingleFileContainer(source)
    container_kind, codec = archive
    raw = open(source, "rb")  # noqa: SIM115 - owned by the container
    try:
        return _make_container(raw, container_kind, codec,
                               budget or Budget(limits, limits.max_total_bytes), limits,
                               str(source))
    except LimitExceeded as exc:
        raw.close()
        raise BundleOpenError(f"{source}: {exc}") from None
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raw.close()
        raise BundleOpenError(f"{source}: unreadable {container_kind} archive: {exc}") from None


def _decompressed_head(source: Path, codec: str | None, limits: Limits) -> bytes:
    if codec is None:
        return b""
    with open(source, "rb") as raw:
        stream = guarded(raw, Budget.for_scan(limits), name=str(source), codec=codec)
        head, _ = read_head(stream)
        return head


def read_head(stream: BinaryIO) -> tuple[bytes, str | None]:
    """Up to ``HEAD_BYTES`` of a stream, and why it ended early if it broke (truncation).

    A truncated download still has a readable beginning; sniff what there is.
    """
    chunks: list[bytes] = []
    size = 0
    while size < HEAD_BYTES:
        try:
            chunk = stream.read(min(16 * 1024, HEAD_BYTES - size))
        except (OSError, EOFError, ValueError) as exc:
            return b"".join(chunks), str(exc)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), None


def gzip_modified(head: bytes) -> datetime | None:
    """The ``MTIME`` of a gzip header (the compressed file's own time), when it is set
    and plausible.

    >>> gzip_modified(bytes.fromhex("1f8b080078685b690003"))
    datetime.datetime(2026, 1, 5, 7, 30, tzinfo=datetime.timezone.utc)
    >>> gzip_modified(bytes.fromhex("1f8b08000000000000ff")) is None  # not recorded
    True
    """
    if len(head) < 8 or head[:3] != b"\x1f\x8b\x08":
        return None
    return modified_from_epoch(struct.unpack_from("<I", head, 4)[0])


def _archive_type(head: bytes, inner_head) -> tuple[str, str | None] | None:
    """``("zip"|"tar", codec)`` when the head starts an archive we open, else None."""
    if is_zip(head):
        return ("zip", None)
    if is_tar(head):
        return ("tar", None)
    codec = compression_of(head)
    if codec and is_tar(inner_head()):
        return ("tar", codec)
    return None


def _make_container(stream: BinaryIO, container_kind: str, codec: str | None,
                    budget: Budget, limits: Limits, name: str) -> Container:
    if container_kind == "zip":
        try:
            return ZipContainer(stream, name)
        except (zipfile.BadZipFile, NotImplementedError) as exc:
            # zipfile also refuses a directory entry that claims a "version needed to
            # extract" it lacks (damage, or a tool that writes nonsense there): the local
            # headers may still be read.
            recovered = RecoveredZipContainer(stream, name, str(exc))
            if not recovered.entries:
                raise zipfile.BadZipFile(str(exc)) from None
            return recovered
    if codec:
        stream = guarded(stream, budget, name=name, codec=codec)
    return TarContainer(stream, name)


def _open_nested(parent: Container, key: Any, container_kind: str, codec: str | None,
                 budget: Budget, limits: Limits, name: str) -> Container:
    stream = parent.open_member(key, budget, name)
    try:
        return _container_over(stream, container_kind, codec, budget, limits, name)
    except BaseException:
        stream.close()
        raise


def _container_over(stream: BinaryIO, container_kind: str, codec: str | None, budget: Budget,
                    limits: Limits, name: str) -> Container:
    if container_kind == "zip":
        # zipfile seeks back and forth; a zip inside an archive is read into memory, once.
        data = stream.read(limits.max_nested_zip_bytes + 1)
        stream.close()
        if len(data) > limits.max_nested_zip_bytes:
            raise LimitExceeded("nested-zip", "a zip inside an archive larger than "
                                f"{human_size(limits.max_nested_zip_bytes)} is not opened")
        # Recovered from its local headers when its directory is damaged, like the root.
        return _make_container(io.BytesIO(data), "zip", None, budget, limits, name)
    return _make_container(stream, container_kind, codec, budget, limits, name)


# --- the scan --------------------------------------------------------------------------------


def _hash_source(source: Path) -> tuple[str, int]:
    """SHA-256 and size of the bundle: the file's bytes, or a folder's names and bytes."""
    digest = hashlib.sha256()
    if source.is_file():
        with open(source, "rb") as handle:
            size = 0
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size
    size = 0
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        dirnames.sort()
        for filename in sorted(filenames):
            path = os.path.join(dirpath, filename)
            relative = os.path.relpath(path, source)
            digest.update(os.fsencode(relative) + b"\0")
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
                with open(path, "rb") as handle:
                    while chunk := handle.read(1024 * 1024):
                        digest.update(chunk)
                        size += len(chunk)
            except OSError:
                continue
    return digest.hexdigest(), size


def _read_past_ratio_floor(stream: BinaryIO, limits: Limits) -> None:
    """Read a compressed member just past the ratio floor, so a bomb is caught now.

    The ratio check needs ``ratio_floor`` bytes of output before it judges; a legitimate
    log costs at most that much decompression here, a bomb is stopped by the guard.
    """
    remaining = limits.ratio_floor + 1
    while remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            return
        remaining -= len(chunk)


class _Scanner:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.limits = bundle.limits
        self.budget = Budget.for_scan(bundle.limits)
        self.paths: set[str] = set()
        self.skips: dict[str, dict[str, str]] = {}
        self.unsafe: dict[str, list[str]] = {}
        self.bombs: list[tuple[str, str]] = []
        self.unreadable: list[tuple[str, str]] = []
        self.entry_limit_hit = False
        self.stopped: str | None = None

    def run(self) -> None:
        root = self.bundle._root_container()
        self._scan(root, prefix="", steps=(), depth=0, ancestors=())
        if isinstance(root, TarContainer) and root.error:
            self._unreadable(self.bundle.source.name, root.error)
        self._summarize()

    # -- members ---------------------------------------------------------------------------

    def _scan(self, container: Container, prefix: str, steps: tuple[Any, ...], depth: int,
              ancestors: tuple[str, ...]) -> None:
        iterator = container.members()
        while True:
            if self.stopped:
                return
            try:
                member = next(iterator)
            except StopIteration:
                break
            except LimitExceeded as exc:
                self._stop(f"{exc}; the rest of {prefix.removesuffix(NEST) or 'the bundle'} "
                           "was not listed")
                return
            if member.type == "dir":
                continue
            self.budget.entries += 1
            if self.budget.entries > self.limits.max_entries:
                self._stop(f"entry limit of {self.limits.max_entries:,} reached; later "
                           "members were not listed")
                return
            try:
                self.budget.check_time()
            except LimitExceeded as exc:
                self._stop(f"{exc}; later members were not listed")
                return
            self._member(container, member, prefix, steps, depth, ancestors)
        where = prefix.removesuffix(NEST) or self.bundle.source.name
        if isinstance(container, TarContainer) and container.error and prefix:
            self._unreadable(where, container.error)
        if isinstance(container, RecoveredZipContainer):
            self._unreadable(where, f"zip directory unreadable ({container.reason}); "
                                    f"{len(container.entries)} member(s) recovered from their "
                                    "local headers")

    def _stop(self, reason: str) -> None:
        self.stopped = reason
        self.bundle.problems.append(Problem(ProblemKind.SKIPPED, reason))

    def _unique_path(self, path: str) -> str:
        if path not in self.paths:
            self.paths.add(path)
            return path
        number = 2
        while f"{path} (duplicate {number})" in self.paths:
            number += 1
        unique = f"{path} (duplicate {number})"
        self.paths.add(unique)
        self.bundle.problems.append(Problem(
            ProblemKind.WARNING, f"duplicate member name; this copy is listed as {unique!r}",
            artifact=unique))
        return unique

    def _member(self, container: Container, member: Member, prefix: str,
                steps: tuple[Any, ...], depth: int, ancestors: tuple[str, ...]) -> None:
        path = self._unique_path(prefix + (_display_name(member.name) or "(unnamed)"))
        reasons = unsafe_name_reasons(member.name)
        if reasons:
            self.unsafe[path] = reasons
        artifact = Artifact(path=path, kind=ArtifactKind.BINARY, size=member.size,
                            modified=member.modified, ref=(*steps, (member.key, None, None)))
        self.bundle.artifacts.append(artifact)
        skip = self._pre_read_skip(member)
        if skip:
            # Nothing of it was read: its name is all there is to go by.
            self._skip(artifact, skip, kind=sniff(b"", path))
            return
        try:
            stream = container.open_member(member, self.budget, path)
        except LimitExceeded as exc:
            self._limit(artifact, exc)
            return
        except (OSError, zipfile.BadZipFile, tarfile.TarError, RuntimeError, ValueError,
                EOFError, NotImplementedError) as exc:
            self._fail(artifact, f"cannot be read: {exc}")
            return
        with stream:
            try:
                head, error = read_head(stream)
            except LimitExceeded as exc:
                self._limit(artifact, exc)
                return
            if error is not None:
                if not head:
                    self._fail(artifact, f"cannot be read: {error}")
                    return
                self._unreadable(artifact.path, f"only the beginning can be read: {error}")
            self._classify(container, member, artifact, head, stream, prefix, steps, depth,
                           ancestors)

    def _pre_read_skip(self, member: Member) -> _Skip | None:
        if member.problem and "overlap" in member.problem:
            return _Skip("bomb", member.problem)
        if member.problem:
            return _Skip("unreadable", member.problem)
        if member.type == "symlink":
            target = printable_name(member.link_target or "?")
            return _Skip("link", f"symbolic link to {target!r}; links are never followed")
        if member.type == "hardlink":
            target = printable_name(member.link_target or "?")
            return _Skip("link", f"hard link to {target!r}; links are never followed")
        if member.type in ("device", "fifo", "socket", "other"):
            return _Skip("special", f"{member.type} entry, not a regular file; never opened")
        if member.encrypted:
            return _Skip("encrypted", "encrypted zip member; the bundle holds no password")
        limits = self.limits
        if (member.compressed_size is not None and member.size > limits.ratio_floor
                and member.size > limits.max_ratio * max(member.compressed_size, 1)):
            return _Skip("bomb", f"declares {human_size(member.size)} from "
                         f"{human_size(member.compressed_size)} compressed (ratio above "
                         f"{limits.max_ratio:g}:1): likely a decompression bomb")
        return None

    def _classify(self, container: Container, member: Member, artifact: Artifact, head: bytes,
                  stream: BinaryIO, prefix: str, steps: tuple[Any, ...], depth: int,
                  ancestors: tuple[str, ...]) -> None:
        if not head:
            artifact.kind = sniff(b"", artifact.path)
            if member.size == 0 and not prefix and isinstance(container, SingleFileContainer):
                self._fail(artifact, "the bundle is an empty file (0 bytes): nothing to read",
                           status=ArtifactStatus.SKIPPED)
            return
        codec = compression_of(head)
        inner_head = head
        if codec:
            artifact.compression = codec
            artifact.modified = gzip_modified(head) or artifact.modified
            try:
                # Continue the stream already open rather than opening the member again:
                # in a compressed tar, going back to the member's start means decompressing
                # the whole archive from its beginning.
                replay = io.BufferedReader(_Replay(head, stream))
                with guarded(replay, self.budget, name=artifact.path, codec=codec) as inner:
                    inner_head, error = read_head(inner)
                    if error is None:
                        _read_past_ratio_floor(inner, self.limits)
            except LimitExceeded as exc:
                self._limit(artifact, exc)
                return
            except (OSError, EOFError, ValueError) as exc:
                inner_head, error = b"", str(exc)
            if error is not None:
                if not inner_head:
                    self._fail(artifact, f"corrupt or truncated {codec} data: {error}")
                    return
                # The beginning is readable: keep it, and say the end is missing.
                self._unreadable(artifact.path, f"{codec} data ends early or is corrupt "
                                                f"after the first bytes: {error}")
        archive = _archive_type(head, lambda: inner_head)
        if archive is None:
            name = artifact.path.rsplit("/", 1)[-1]
            if codec:
                name = name.rsplit(".", 1)[0]
            artifact.kind = sniff(inner_head, name)
            if artifact.kind not in (ArtifactKind.PCAP, ArtifactKind.PCAPNG,
                                     ArtifactKind.BINARY):
                artifact.encoding = text_encoding_of(inner_head)
            foreign = unsupported_archive(inner_head)
            if foreign:
                self._skip(artifact, _Skip("unsupported", f"{foreign} archive: not a format "
                                           "the reader opens"), kind=ArtifactKind.BINARY)
            return
        artifact.kind = ArtifactKind.ARCHIVE
        artifact.compression = None
        container_kind, archive_codec = archive
        self._nested_archive(container, member, artifact, container_kind, archive_codec,
                             head if not codec else inner_head, steps, depth, ancestors)

    def _nested_archive(self, container: Container, member: Member, artifact: Artifact,
                        container_kind: str, codec: str | None, head: bytes,
                        steps: tuple[Any, ...], depth: int, ancestors: tuple[str, ...]) -> None:
        identity = hashlib.sha256(head + str(member.size).encode()).hexdigest()
        if identity in ancestors:
            self._skip(artifact, _Skip("bomb", "the archive contains itself (a recursive "
                                       "archive); not opened again"), kind=ArtifactKind.ARCHIVE)
            self.bombs.append((artifact.path, "archive contains itself"))
            return
        if depth + 1 > self.limits.max_depth:
            self._skip(artifact, _Skip("depth", f"archive nested deeper than "
                                       f"{self.limits.max_depth} levels; not opened"),
                       kind=ArtifactKind.ARCHIVE)
            return
        step = (member.key, container_kind, codec)
        try:
            nested = _open_nested(container, member, container_kind, codec, self.budget,
                                  self.limits, artifact.path)
        except LimitExceeded as exc:
            self._limit(artifact, exc)
            return
        except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as exc:
            self._fail(artifact, f"unreadable {container_kind} archive: {exc}")
            self._unreadable(artifact.path, f"unreadable {container_kind} archive: {exc}")
            return
        try:
            self._scan(nested, artifact.path + NEST, (*steps, step), depth + 1,
                       (*ancestors, identity))
        finally:
            nested.close()

    # -- outcomes ------------------------------------------------------------------------

    def _skip(self, artifact: Artifact, skip: _Skip, kind: ArtifactKind | None = None) -> None:
        artifact.status = ArtifactStatus.SKIPPED
        artifact.reason = skip.reason
        if kind is not None:
            artifact.kind = kind
        self.skips.setdefault(skip.category, {})[artifact.path] = skip.reason
        if skip.category == "bomb":
            self.bombs.append((artifact.path, skip.reason))
        if skip.category == "encrypted":
            self.unreadable.append((artifact.path, skip.reason))
        self.bundle.problems.append(Problem(ProblemKind.SKIPPED, skip.reason, artifact.path))

    def _limit(self, artifact: Artifact, exc: LimitExceeded) -> None:
        category = "bomb" if exc.limit == "ratio" else "limit"
        self._skip(artifact, _Skip(category, str(exc)))

    def _fail(self, artifact: Artifact, reason: str,
              status: ArtifactStatus = ArtifactStatus.FAILED) -> None:
        artifact.status = status
        artifact.reason = reason
        self.unreadable.append((artifact.path, reason))
        self.bundle.problems.append(Problem(
            ProblemKind.SKIPPED if status is ArtifactStatus.SKIPPED else ProblemKind.ERROR,
            reason, artifact.path))

    def _unreadable(self, path: str, reason: str) -> None:
        if (path, reason) not in self.unreadable:
            self.unreadable.append((path, reason))
            self.bundle.problems.append(Problem(ProblemKind.ERROR, reason, path))

    # -- findings --------------------------------------------------------------------------

    def _summarize(self) -> None:
        findings = self.bundle.findings
        analyzer = "bundle"
        evidence_cap = 50
        if self.unsafe:
            paths = sorted(self.unsafe)
            findings.append(UNSAFE_PATH.finding(
                f"{len(paths)} member name(s) would escape an extraction folder or mislead "
                "a reader",
                analyzer=analyzer, count=len(paths),
                detail="These names were read as data and never used as paths on this "
                       "machine. Do not unpack this bundle with tools that trust member "
                       "names; ask the customer how it was produced.",
                evidence=[Evidence(p, WholeLocator(), "; ".join(self.unsafe[p]))
                          for p in paths[:evidence_cap]],
                facts={"members": {p: self.unsafe[p] for p in paths}},
                remediation="Open the bundle only with Bundle Inspector or list it without "
                            "extracting; request a fresh bundle if names look tampered."))
        for path, reason in self.bombs:
            findings.append(ARCHIVE_BOMB.finding(
                f"{path} looks like a decompression bomb", analyzer=analyzer,
                detail=f"Reading stopped: {reason}. The member was skipped; the rest of the "
                       "bundle was read.",
                evidence=[Evidence(path, WholeLocator(), reason)],
                facts={"member": path, "reason": reason},
                remediation="Ask the customer for the file uncompressed or re-collected; "
                            "do not decompress it with other tools."))
        for category, members in sorted(self.skips.items()):
            if category == "bomb":
                continue
            paths = sorted(members)
            findings.append(MEMBER_SKIPPED.finding(
                f"{len(paths)} member(s) skipped: {_SKIP_TITLES.get(category, category)}",
                analyzer=analyzer, count=len(paths),
                detail="; ".join(f"{p}: {members[p]}" for p in paths[:5])
                       + ("; ..." if len(paths) > 5 else ""),
                evidence=[Evidence(p, WholeLocator(), members[p]) for p in paths[:evidence_cap]],
                facts={"reason": category, "members": members}))
        if self.stopped:
            findings.append(MEMBER_SKIPPED.finding(
                "The bundle was only partly listed", analyzer=analyzer,
                detail=self.stopped, facts={"reason": "limit", "message": self.stopped},
                remediation="Raise the limit (see `inspector analyze --help`) if the bundle "
                            "is trusted enough."))
        for path, reason in sorted(set(self.unreadable)):
            findings.append(UNREADABLE.finding(
                f"{path} could not be read", analyzer=analyzer, detail=reason,
                evidence=[Evidence(path, WholeLocator(), reason)],
                facts={"member": path, "reason": reason},
                remediation="Ask the customer to re-create and re-send this file."))


_SKIP_TITLES = {
    "link": "links are never followed",
    "special": "devices, FIFOs and sockets are never opened",
    "encrypted": "encrypted",
    "depth": "archives nested too deep",
    "limit": "a reading limit was reached",
    "unsupported": "archive formats the reader does not open",
    "unreadable": "unreadable entries",
}


def open_bundle(source: str | os.PathLike[str], limits: Limits | None = None) -> Bundle:
    """List and sniff every member of a bundle. Raises only ``BundleOpenError``."""
    path = Path(source)
    bundle = Bundle(source=path, limits=limits or Limits())
    scanner = _Scanner(bundle)
    bundle._root = _open_root(path, bundle.limits, scanner.budget)
    try:
        sha256, size = _hash_source(path)
    except OSError as exc:
        bundle.close()
        raise BundleOpenError(f"{path}: {exc.strerror or exc}") from None
    bundle.info = BundleInfo(str(source), sha256, size)
    try:
        scanner.run()
    except BaseException:
        bundle.close()
        raise
    return bundle


def reopen_bundle(source: str | os.PathLike[str], limits: Limits | None = None) -> Bundle:
    """A bundle for reading members whose artifacts are already known (worker side)."""
    return Bundle(source=Path(source), limits=limits or Limits())
