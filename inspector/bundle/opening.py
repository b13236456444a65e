"""Which container reads a path or a member, and opening it.

What a bundle or a member is comes from its first bytes, never from its name: a zip, a
tar, or a tar compressed with gzip, bzip2 or xz (found by decompressing its beginning);
anything else is a loose file (``SingleFileContainer``) or, inside a bundle, a member.

- ``open_root`` opens what the user gave: a folder, or a regular file. Only
  ``BundleOpenError`` escapes it, when there is nothing to open at all (missing path, not
  a file or folder, permission denied, an archive whose directory cannot be read); its
  message is one line for the user.
- ``open_nested`` opens an archive inside a container. A nested zip is read into memory,
  once, because ``zipfile`` seeks back and forth and a member stream cannot; one larger
  than ``Limits.max_nested_zip_bytes`` is not opened (``LimitExceeded``). A nested tar is
  streamed.
- A zip whose directory ``zipfile`` refuses, at the root or nested, is read from its local
  headers (``RecoveredZipContainer``), and only refused when not one entry is found there.

Every decompressed byte is paid for by the ``Budget`` passed in: the scan's own while
listing (a compressed tar at the root included), the member budget when a worker reopens
a nested archive to read one of its members.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from inspector.bundle.containers import Container
from inspector.bundle.filesystem import FolderContainer, SingleFileContainer
from inspector.bundle.sniff import HEAD_BYTES, compression_of, is_tar, is_zip
from inspector.bundle.streams import Budget, LimitExceeded, Limits, guarded, human_size
from inspector.bundle.tars import TarContainer
from inspector.bundle.zip_recovery import RecoveredZipContainer
from inspector.bundle.zips import ZipContainer


class BundleOpenError(Exception):
    """The bundle cannot be opened at all; the message is one line for the user."""


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


def archive_type(head: bytes, inner_head: Callable[[], bytes]) -> tuple[str, str | None] | None:
    """``("zip"|"tar", codec)`` when the head starts an archive we open, else None.

    ``inner_head`` gives the decompressed beginning, and is only called when ``head`` is
    compressed: a compressed tar is a tar once decompressed.
    """
    if is_zip(head):
        return ("zip", None)
    if is_tar(head):
        return ("tar", None)
    codec = compression_of(head)
    if codec and is_tar(inner_head()):
        return ("tar", codec)
    return None


def open_root(source: Path, limits: Limits, budget: Budget | None = None) -> Container:
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
    archive = archive_type(head, lambda: _decompressed_head(source, compression_of(head),
                                                            limits))
    if archive is None:
        return SingleFileContainer(source)
    container_kind, codec = archive
    raw = open(source, "rb")  # noqa: SIM115 - owned by the container
    try:
        return _make_container(raw, container_kind, codec,
                               budget or Budget(limits, limits.max_total_bytes), str(source))
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


def _make_container(stream: BinaryIO, container_kind: str, codec: str | None,
                    budget: Budget, name: str) -> Container:
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


def open_nested(parent: Container, key: Any, container_kind: str, codec: str | None,
                budget: Budget, limits: Limits, name: str) -> Container:
    """The archive that is member ``key`` of ``parent``, as ``archive_type`` named it.

    Raises ``LimitExceeded`` and what opening a broken archive raises (``BadZipFile``,
    ``TarError``, ``OSError``, ``EOFError``, ``ValueError``); the member stream is closed.
    """
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
        return _make_container(io.BytesIO(data), "zip", None, budget, name)
    return _make_container(stream, container_kind, codec, budget, name)
