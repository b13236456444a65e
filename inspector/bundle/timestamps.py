"""Member modification times, as their containers record them.

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
"""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime, timedelta

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


def dos_date_time(date: int, time: int) -> tuple[int, ...]:
    """The fields of a DOS date and time as ``zipfile.ZipInfo.date_time`` holds them.

    >>> dos_date_time(0x5C25, 0x3BC0)
    (2026, 1, 5, 7, 30, 0)
    """
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
