"""What a view reads, and what its background work reports through.

- ``MemberSource``: one member of a bundle, readable from any thread or child process. Each
  ``open()`` reopens the bundle (``reopen_bundle``) and streams the member decompressed, in
  place: nothing is extracted, and two threads never share an archive handle. It pickles,
  so a work function run in a child process (``ui.viewers.child.in_child``) gets one too.
- ``State``: what a work function ``work(state, *args)`` needs of its caller: ``emit`` for
  partial results (a batch of rows, index progress) and ``cancelled`` to poll. The UI's
  ``ui.worker.TaskState`` and the child's ``ChildState`` are two; a test can pass its own.
  Work functions never touch a widget: they live in the Qt-free ``inspector.views``.

>>> from inspector.model import Artifact, ArtifactKind
>>> from inspector.bundle.streams import Limits
>>> MemberSource(Path("case.zip"), Limits(), Artifact("logs/app.log", ArtifactKind.LOG, 10)).path
'logs/app.log'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from inspector.bundle import reopen_bundle
from inspector.bundle.streams import Limits
from inspector.model import Artifact


class State(Protocol):
    """What a work function sees of its caller."""

    @property
    def cancelled(self) -> bool: ...

    def emit(self, item: Any) -> None: ...


@dataclass(frozen=True)
class MemberSource:
    """One member of a bundle, readable from any thread.

    Attributes:
        bundle_source: the bundle's path, reopened for each read.
        limits: the reading limits the bundle was opened with.
        artifact: the member.
    """

    bundle_source: Path
    limits: Limits
    artifact: Artifact

    @property
    def path(self) -> str:
        return self.artifact.path

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        bundle = reopen_bundle(self.bundle_source, self.limits)
        try:
            with bundle.open(self.artifact) as stream:
                yield stream
        finally:
            bundle.close()
