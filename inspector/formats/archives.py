"""Deterministic archive writers: the sample scenarios build their bundles with them, the
redactor its sanitized copy, the tests their fixtures.

Members are written in the order given with fixed timestamps (``FIXED_TIME``, 2026-11-17
09:00 UTC) and modes, and gzip without a name or time, so the same members always give the
same bytes and hence the same bundle hash.

>>> import io, zipfile
>>> zipfile.ZipFile(io.BytesIO(zip_bytes({"a.log": b"x\\n"}))).namelist()
['a.log']
>>> zip_bytes({"a.log": b"x"}) == zip_bytes({"a.log": b"x"})
True
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

FIXED_TIME = (2026, 11, 17, 9, 0, 0)
FIXED_EPOCH = 1_794_906_000  # 2026-11-17T09:00:00Z

@dataclass(frozen=True)
class Link:
    """A tar member that is a symbolic (or, with ``hard=True``, hard) link."""

    target: str
    hard: bool = False


@dataclass(frozen=True)
class Special:
    """A tar member that is a device or FIFO (``type`` is a ``tarfile`` type flag)."""

    type: bytes


Members = Mapping[str, "bytes | Link | Special"]


def zip_bytes(files: Members, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            if not isinstance(data, bytes):
                raise TypeError(f"zip members are bytes; {name!r} is {type(data).__name__}")
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def tar_bytes(files: Members, codec: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.mtime = FIXED_EPOCH
            info.mode = 0o644
            if isinstance(data, Link):
                info.type = tarfile.LNKTYPE if data.hard else tarfile.SYMTYPE
                info.linkname = data.target
                archive.addfile(info)
            elif isinstance(data, Special):
                info.type = data.type
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return compress(buffer.getvalue(), codec)


def compress(data: bytes, codec: str | None) -> bytes:
    if codec is None:
        return data
    if codec == "gzip":
        return gzip.compress(data, mtime=0)
    if codec == "bz2":
        return bz2.compress(data)
    if codec == "xz":
        return lzma.compress(data)
    raise ValueError(codec)
