"""Test factories shipped with the code, for this project's tests and for plugin authors.

``make_bundle`` writes a bundle of any supported shape from a dict of member names to
bytes; ``run_analyzer`` runs one analyzer over bytes in-process and collects what it
yields. Archives are written deterministically (fixed timestamps and order).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = make_bundle(folder / "case.zip", {"logs/app.log": b"hello\\n"})
>>> path.name
'case.zip'
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from inspector.bundle.sniff import HEAD_BYTES, sniff
from inspector.formats.archives import (
    FIXED_EPOCH,
    FIXED_TIME,
    Link,
    Members,
    Special,
    compress,
    tar_bytes,
    zip_bytes,
)
from inspector.model import Artifact, ArtifactKind, Event, Finding, Problem, ProblemKind
from inspector.plugins import Cancelled, Stats

__all__ = ["FIXED_EPOCH", "FIXED_TIME", "BytesSource", "Link", "Members", "RecordingContext",
           "Special", "compress", "make_bundle", "run_analyzer", "tar_bytes", "zip_bytes"]

_SHAPES = {
    ".zip": lambda files: zip_bytes(files),
    ".tar": lambda files: tar_bytes(files),
    ".tar.gz": lambda files: tar_bytes(files, "gzip"),
    ".tgz": lambda files: tar_bytes(files, "gzip"),
    ".tar.bz2": lambda files: tar_bytes(files, "bz2"),
    ".tar.xz": lambda files: tar_bytes(files, "xz"),
}


def make_bundle(path: Path, files: Members) -> Path:
    """Write ``files`` as a bundle whose shape follows ``path``'s suffix.

    ``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz`` write an archive; a
    path without one of those suffixes becomes a folder holding the files.
    """
    for suffix, build in _SHAPES.items():
        if path.name.endswith(suffix):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(build(files))
            return path
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Link):
            target.symlink_to(data.target)
        elif isinstance(data, bytes):
            target.write_bytes(data)
        else:
            os.mkfifo(target)
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- running one analyzer in-process ---------------------------------------------------------


@dataclass
class BytesSource:
    """An ``ArtifactSource`` over bytes in memory."""

    artifact: Artifact
    data: bytes

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)


@dataclass
class RecordingContext:
    """An ``AnalysisContext`` that records progress and warnings, and can cancel."""

    cancel_after_checks: int | None = None
    progress_reports: list[float] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: int = 0

    def progress(self, fraction: float, message: str = "") -> None:
        self.progress_reports.append(fraction)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def check_cancelled(self) -> None:
        self.checks += 1
        if self.cancel_after_checks is not None and self.checks > self.cancel_after_checks:
            raise Cancelled()


@dataclass
class AnalyzerRun:
    findings: list[Finding]
    events: list[Event]
    stats: dict[str, Any]
    context: RecordingContext

    def rules(self) -> set[str]:
        return {finding.rule for finding in self.findings}

    def by_rule(self, rule_id: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.rule == rule_id]

    @property
    def problems(self) -> list[Problem]:
        return [Problem(ProblemKind.WARNING, w) for w in self.context.warnings]


def run_analyzer(analyzer: Any, data: bytes, *, name: str = "artifact",
                 kind: ArtifactKind | None = None,
                 context: RecordingContext | None = None) -> AnalyzerRun:
    """Run ``analyzer`` over ``data`` in this process and collect what it yields."""
    artifact = Artifact(path=name, kind=kind or sniff(data[:HEAD_BYTES], name), size=len(data))
    context = context or RecordingContext()
    findings: list[Finding] = []
    events: list[Event] = []
    stats: dict[str, Any] = {}
    for item in analyzer.analyze(BytesSource(artifact, data), context):
        if isinstance(item, Finding):
            findings.append(item)
        elif isinstance(item, Event):
            events.append(item)
        elif isinstance(item, Stats):
            stats.update(item.values)
        else:
            raise TypeError(f"{analyzer.name} yielded {type(item).__name__}")
    return AnalyzerRun(findings, events, stats, context)
