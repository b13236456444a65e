"""The scan: every member of a bundle listed, sniffed and judged, nested archives opened.

For each member, in container order (directories are not members):

1. It gets its artifact path: the shown name (``inspector.bundle.names``), prefixed by the
   archives it sits in (``support.zip!/node1.tgz!/logs/app.log``), made unique. Unsafe
   names are noted for ``bundle.unsafe-path``.
2. It is skipped before anything of it is read when its listing says enough: a problem
   its container found (overlapping zip entries are a bomb; a folder that cannot be
   listed), links, devices, FIFOs and sockets, encrypted zip members, and a declared size
   beyond ``max_ratio`` times its compressed size (a bomb).
3. Its first ``HEAD_BYTES`` are read; a compressed member is decompressed from the stream
   already open (in a compressed tar, reopening a member means decompressing the archive
   from its start) and read just past ``ratio_floor``, so a bomb is stopped now by the
   guarded stream's ratio check, not later in an analyzer.
4. An archive is scanned in turn, unless it nests deeper than ``max_depth`` or is one of
   its own ancestors (a recursive "quine" archive, recognised by its head and size);
   anything else gets its kind from ``sniff`` and, for text, its encoding.

One ``Budget`` pays for the whole scan: entries, decompressed bytes and time. A limit hit
while reading a member skips that member with the reason (a ratio hit counts as a bomb);
the entry and time limits stop the listing, and the bundle still opens with what was
listed. Nothing here raises for a broken member: it becomes a ``Problem`` and a note in
the ``ScanRecord`` that ``inspector.bundle.findings`` turns into ``bundle.*`` findings.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from inspector.bundle.containers import Container, Member
from inspector.bundle.filesystem import SingleFileContainer
from inspector.bundle.findings import ScanRecord
from inspector.bundle.names import (
    UniquePaths,
    link_target_name,
    printable_name,
    shown_name,
    unsafe_name_reasons,
)
from inspector.bundle.opening import archive_type, open_nested, read_head
from inspector.bundle.sniff import compression_of, sniff, text_encoding_of, unsupported_archive
from inspector.bundle.streams import Budget, LimitExceeded, Limits, guarded, human_size
from inspector.bundle.tars import TarContainer
from inspector.bundle.timestamps import gzip_modified
from inspector.bundle.zip_recovery import RecoveredZipContainer
from inspector.model import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    Finding,
    Problem,
    ProblemKind,
)

#: Separates an archive's path from its members' paths: ``outer.zip!/inner/app.log``.
NEST = "!/"


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


@dataclass(slots=True)
class _Skip:
    category: str
    reason: str


class Scanner:
    """Lists and sniffs every member of one bundle.

    Attributes:
        budget: what the scan may still spend; it also pays for opening the root.
        artifacts: every member in bundle order, archives included (kind ``archive``).
        problems: what was skipped or could not be read, with reasons.
        record: the notes ``findings`` is made from.
        findings: the ``bundle.*`` findings, once ``run`` has returned.
    """

    def __init__(self, source: Path, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.budget = Budget.for_scan(limits)
        self.artifacts: list[Artifact] = []
        self.problems: list[Problem] = []
        self.record = ScanRecord()
        self.findings: list[Finding] = []
        self._paths = UniquePaths()

    def run(self, root: Container) -> None:
        """Scan ``root`` (the bundle's outermost container) and everything nested in it."""
        self._scan(root, prefix="", steps=(), depth=0, ancestors=())
        if isinstance(root, TarContainer) and root.error:
            self._unreadable(self.source.name, root.error)
        read = {a.path for a in self.artifacts if a.status is ArtifactStatus.ANALYZED}
        self._explain_covered_links(read)
        self.findings = self.record.findings(read)

    def _explain_covered_links(self, read: set[str]) -> None:
        """A link whose target is read in its own right (sosreports link ``date`` to
        ``sos_commands/date/date``) loses nothing: its reason and problem say so."""
        covered = {path: target for path, target in self.record.links.items() if target in read}
        for artifact in self.artifacts:
            target = covered.get(artifact.path)
            if target is not None and artifact.reason:
                artifact.reason = f"{artifact.reason}; its target {target} is read"
        self.problems = [
            Problem(p.kind, f"{p.message}; its target {covered[p.artifact]} is read",
                    p.artifact, p.analyzer)
            if p.artifact in covered and p.kind is ProblemKind.SKIPPED else p
            for p in self.problems]

    # -- members ---------------------------------------------------------------------------

    def _scan(self, container: Container, prefix: str, steps: tuple[Any, ...], depth: int,
              ancestors: tuple[str, ...]) -> None:
        iterator = container.members()
        while True:
            if self.record.stopped:
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
        where = prefix.removesuffix(NEST) or self.source.name
        if isinstance(container, TarContainer) and container.error and prefix:
            self._unreadable(where, container.error)
        if isinstance(container, RecoveredZipContainer):
            self._unreadable(where, f"zip directory unreadable ({container.reason}); "
                                    f"{len(container.entries)} member(s) recovered from their "
                                    "local headers")

    def _stop(self, reason: str) -> None:
        self.record.stopped = reason
        self.problems.append(Problem(ProblemKind.SKIPPED, reason))

    def _unique_path(self, path: str) -> str:
        unique = self._paths.claim(path)
        if unique != path:
            self.problems.append(Problem(
                ProblemKind.WARNING, f"duplicate member name; this copy is listed as {unique!r}",
                artifact=unique))
        return unique

    def _member(self, container: Container, member: Member, prefix: str,
                steps: tuple[Any, ...], depth: int, ancestors: tuple[str, ...]) -> None:
        path = self._unique_path(prefix + (shown_name(member.name) or "(unnamed)"))
        reasons = unsafe_name_reasons(member.name)
        if reasons:
            self.record.unsafe[path] = reasons
        artifact = Artifact(path=path, kind=ArtifactKind.BINARY, size=member.size,
                            modified=member.modified, ref=(*steps, (member.key, None, None)))
        self.artifacts.append(artifact)
        skip = self._pre_read_skip(member)
        if skip and skip.category == "link" and member.link_target:
            self.record.links[path] = prefix + shown_name(link_target_name(member))
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
        archive = archive_type(head, lambda: inner_head)
        if archive is None:
            # The whole path: where a member sits (sos_commands/, etc/) says what it is.
            name = artifact.path.rsplit(".", 1)[0] if codec else artifact.path
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
            self.record.bombs.append((artifact.path, "archive contains itself"))
            return
        if depth + 1 > self.limits.max_depth:
            self._skip(artifact, _Skip("depth", f"archive nested deeper than "
                                       f"{self.limits.max_depth} levels; not opened"),
                       kind=ArtifactKind.ARCHIVE)
            return
        step = (member.key, container_kind, codec)
        try:
            nested = open_nested(container, member, container_kind, codec, self.budget,
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
        self.record.skips.setdefault(skip.category, {})[artifact.path] = skip.reason
        if skip.category == "bomb":
            self.record.bombs.append((artifact.path, skip.reason))
        if skip.category == "encrypted":
            self.record.unreadable.append((artifact.path, skip.reason))
        self.problems.append(Problem(ProblemKind.SKIPPED, skip.reason, artifact.path))

    def _limit(self, artifact: Artifact, exc: LimitExceeded) -> None:
        category = "bomb" if exc.limit == "ratio" else "limit"
        self._skip(artifact, _Skip(category, str(exc)))

    def _fail(self, artifact: Artifact, reason: str,
              status: ArtifactStatus = ArtifactStatus.FAILED) -> None:
        artifact.status = status
        artifact.reason = reason
        self.record.unreadable.append((artifact.path, reason))
        self.problems.append(Problem(
            ProblemKind.SKIPPED if status is ArtifactStatus.SKIPPED else ProblemKind.ERROR,
            reason, artifact.path))

    def _unreadable(self, path: str, reason: str) -> None:
        if (path, reason) not in self.record.unreadable:
            self.record.unreadable.append((path, reason))
            self.problems.append(Problem(ProblemKind.ERROR, reason, path))
