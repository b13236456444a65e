"""What the SQL analyzer tests share: the corpus folders, and a bundle of analyzed files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from analyzers.sql.analyzer import SqlAnalyzer
from inspector.bundle.sniff import sniff
from inspector.model import Artifact, Finding
from inspector.plugins import ArtifactResults
from inspector.testing import run_analyzer
from tests.corpus import CORPUS


def corpus(folder: str) -> Path:
    """A folder of the shared corpus; the test is skipped when it is absent."""
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"corpus folder {folder} absent")
    return path


@dataclass
class FakeBundle:
    """A ``BundleView`` holding per-artifact results only, as the cross analyzer needs."""

    items: list[ArtifactResults]

    def results(self) -> list[ArtifactResults]:
        return self.items

    def open(self, artifact_path: str) -> Any:
        raise AssertionError("the cross analyzer works from stats only")


def analyze_files(files: dict[str, bytes]) -> tuple[list[Finding], FakeBundle]:
    """``SqlAnalyzer`` over each file (kind sniffed): every finding, and the bundle view."""
    findings, items = [], []
    for path, data in files.items():
        run = run_analyzer(SqlAnalyzer(), data, name=path)
        findings += run.findings
        artifact_kind = sniff(data[:65536], path)
        items.append(ArtifactResults(Artifact(path, artifact_kind, len(data)), run.findings,
                                     run.events, {"sql": run.stats} if run.stats else {}))
    return findings, FakeBundle(items)
