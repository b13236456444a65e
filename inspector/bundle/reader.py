"""The opened bundle: ``open_bundle`` lists and sniffs every member once; ``Bundle.open``
gives one member's decompressed stream, later, any number of times, in any process.

Workers do not receive the listing's open files: they ``reopen_bundle`` from
``Bundle.source`` and reach each member through its artifact's ``ref``, the chain of
container keys from the root (``inspector.bundle.containers``). A bundle keeps the most
recent few nested archives open, so reading the members of one nested archive in turn does
not reopen it each time.

UTF-16 text members (``inspector.bundle.sniff.text_encoding_of``: a byte-order mark, or
NULs in every other byte of ASCII text) are read through
``inspector.bundle.streams.transcoded``: every consumer gets UTF-8, and
``Artifact.encoding`` says it was UTF-16.

Only ``BundleOpenError`` escapes ``open_bundle``, when there is nothing to open at all;
everything else becomes a ``Problem`` and a ``bundle.*`` finding. ``BundleInfo`` names
the bundle in every analysis: its SHA-256 is of the file's bytes, or of a folder's names
and regular files' bytes in name order (links not followed), so the same bundle always
gets the same hash.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from inspector.bundle.containers import Container
from inspector.bundle.layouts import Layout, recognise, wants_head
from inspector.bundle.opening import BundleOpenError, open_nested, open_root
from inspector.bundle.scanner import Scanner
from inspector.bundle.streams import Budget, Limits, guarded, transcoded
from inspector.model import Artifact, ArtifactKind, ArtifactStatus, Finding, Problem

# Nested archives a bundle keeps open for reading their members.
_OPEN_NESTED_ARCHIVES = 8


@dataclass(slots=True)
class BundleInfo:
    """Which bundle an analysis is of: the path as given, its content hash and size."""

    source: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "size": self.size}


@dataclass
class Bundle:
    """An opened bundle: its artifacts, what the reader had to say, and member access.

    Attributes:
        source: the path given by the user.
        info: source, content hash and size.
        artifacts: every member in bundle order, archives included (kind ``archive``).
        problems: what the reader skipped or could not read, with reasons.
        findings: the reader's ``bundle.*`` findings.
        layouts: the collectors whose layout the bundle has (``inspector.bundle.layouts``).
    """

    source: Path
    limits: Limits = field(default_factory=Limits)
    info: BundleInfo | None = None
    artifacts: list[Artifact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    layouts: list[Layout] = field(default_factory=list)
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
            self._root = open_root(self.source, self.limits)
        return self._root

    def _container_for(self, steps: tuple[Any, ...], budget: Budget) -> Container:
        container = self._root_container()
        for depth in range(len(steps)):
            prefix = steps[: depth + 1]
            cached = self._nested.get(prefix)
            if cached is None:
                key, container_kind, codec = prefix[-1]
                cached = open_nested(container, key, container_kind, codec, budget,
                                     self.limits, name=str(key))
                if len(self._nested) >= _OPEN_NESTED_ARCHIVES:
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


def open_bundle(source: str | os.PathLike[str], limits: Limits | None = None) -> Bundle:
    """List and sniff every member of a bundle. Raises only ``BundleOpenError``."""
    path = Path(source)
    bundle = Bundle(source=path, limits=limits or Limits())
    scanner = Scanner(path, bundle.limits, keep_head=wants_head)
    bundle._root = open_root(path, bundle.limits, scanner.budget)
    try:
        sha256, size = _hash_source(path)
    except OSError as exc:
        bundle.close()
        raise BundleOpenError(f"{path}: {exc.strerror or exc}") from None
    bundle.info = BundleInfo(str(source), sha256, size)
    try:
        scanner.run(bundle._root)
    except BaseException:
        bundle.close()
        raise
    bundle.artifacts = scanner.artifacts
    bundle.problems = scanner.problems
    bundle.findings = scanner.findings
    bundle.layouts = recognise(bundle.artifacts, scanner.heads)
    return bundle


def reopen_bundle(source: str | os.PathLike[str], limits: Limits | None = None) -> Bundle:
    """A bundle for reading members whose artifacts are already known (worker side)."""
    return Bundle(source=Path(source), limits=limits or Limits())
