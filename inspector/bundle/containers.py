"""What every kind of container offers the reader: its members, listed, and a member's
bytes, streamed.

A container is a folder, a loose file, a zip (read through its directory, or recovered
from its local headers) or a tar, at the top of a bundle or nested in another container.
Nothing is extracted: a member is read as a stream from its container, every time it is
needed. Listing reads no member's data; links, devices, FIFOs and sockets are listed with
their ``type`` so the reader can skip them without ever opening them.

A ``Member``'s ``key`` is what its container needs to find it again, in this process or in
a worker that reopened the bundle: a folder's relative path, a zip's entry index, a tar's
header offset. Streams from ``open_member`` are guarded (``inspector.bundle.streams``):
every byte counts against the caller's ``Budget``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from inspector.bundle.streams import Budget


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
