"""A triage run: bundles through an engine, analyses written, findings indexed, results told.

``triage(refs, engine, store, out, analyze)`` is ``inspector triage`` without the terminal:

1. Bundles already done are skipped: those the case database says triage analysed and whose
   analysis JSON is still where it was written. A bundle that failed before, or whose JSON
   is gone, is analysed again. Bundles are keyed by SHA-256, so a renamed or moved bundle
   is still known, and a changed one is new.
2. The engine (``LocalPool`` or ``DaskCluster``) runs ``tasks.analyse`` on each bundle.
3. Each analysis that comes back is written to ``OUT/<bundle name>-<sha256 prefix>.json``
   (atomically, as ``inspector analyze --format json`` prints it) and recorded in the case
   database (``inspector.cases``): in the case the manifest or ``case`` names, else the
   bundle's earlier case, else its own.
4. ``on_result`` hears each bundle's ``BundleResult`` as it completes (the CLI's progress),
   with its worst finding and the earlier case it most resembles.

Only the client touches the database and ``OUT``; workers only read bundles.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import orjson

from inspector.analysis import Analysis
from inspector.cases import CaseStore, SimilarCase, recording_of, similar_cases
from inspector.cases.recording import CORRELATION
from inspector.files import write_atomically
from inspector.model import Finding, Severity
from inspector.triage.sources import BundleRef
from inspector.triage.tasks import Analyze, Outcome, Status, analyse

_UNSAFE_NAME = re.compile(r"[^\w.+-]+")


class Engine(Protocol):
    def run(self, refs: Iterable[BundleRef],
            task: Callable[[BundleRef], Outcome]) -> Iterable[Outcome]: ...


@dataclass(frozen=True, slots=True)
class BundleResult:
    """One bundle's result, as the CLI shows it.

    Attributes:
        outcome: what the worker reported (status, SHA-256, error, seconds, worker).
        output: the analysis JSON's path ("" when it failed).
        case_id: the case it is recorded in ("" when it failed).
        top: its worst finding, or None (no findings, or failed).
        finding_count: how many findings it has.
        seen_before: the earlier case it most resembles, or None.
    """

    outcome: Outcome
    output: str = ""
    case_id: str = ""
    top: Finding | None = None
    finding_count: int = 0
    seen_before: SimilarCase | None = None

    @property
    def severity(self) -> Severity | None:
        return self.top.severity if self.top else None


def output_path(out: Path, ref: BundleRef, sha256: str) -> Path:
    """Where the analysis of a bundle goes: its name made safe, and its hash's start."""
    stem = _UNSAFE_NAME.sub("_", ref.name).strip("._") or "bundle"
    return out / f"{stem[:80]}-{sha256[:12]}.json"


def already_done(store: CaseStore) -> dict[str, str]:
    """SHA-256 -> analysis JSON of the bundles earlier runs finished (their JSON still there)."""
    return {sha256: output for sha256, output in store.triaged().items()
            if Path(output).is_file()}


def _top(analysis: Analysis) -> Finding | None:
    """The first finding that names a problem (a correlation finding names a time window)."""
    problems = [f for f in analysis.findings if f.category != CORRELATION] or analysis.findings
    return problems[0] if problems else None


def triage(refs: list[BundleRef], engine: Engine, store: CaseStore, out: Path,
           analyze: Analyze, *, case: str | None = None,
           on_result: Callable[[BundleResult], None] | None = None) -> list[BundleResult]:
    """Triage ``refs`` (see the module docstring); the results in completion order."""
    done = already_done(store)
    task = functools.partial(analyse, analyze=analyze, skip=frozenset(done))
    results = []
    for outcome in engine.run(refs, task):
        if outcome.status is Status.ANALYSED:
            result = _record(outcome, store, out, case)
        elif outcome.status is Status.SKIPPED:
            result = _earlier(outcome, store, done[outcome.sha256])
        else:
            result = BundleResult(outcome)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _record(outcome: Outcome, store: CaseStore, out: Path, case: str | None) -> BundleResult:
    analysis = Analysis.loads(outcome.document)
    path = output_path(out, outcome.ref, outcome.sha256)
    write_atomically(path, outcome.document)
    recording = recording_of(analysis)
    case_id = store.record(recording, outcome.ref.case or case, origin="triage",
                           output=str(path.absolute()))
    similar = similar_cases(store, recording.fingerprints(), exclude_case=case_id,
                            exclude_bundle=outcome.sha256, limit=1)
    return BundleResult(outcome, str(path.absolute()), case_id, _top(analysis),
                        len(analysis.findings), similar[0] if similar else None)


def _earlier(outcome: Outcome, store: CaseStore, output: str) -> BundleResult:
    try:
        analysis = Analysis.loads(Path(output).read_bytes())
    except (OSError, ValueError, KeyError, orjson.JSONDecodeError):
        return BundleResult(outcome, output, store.case_of_bundle(outcome.sha256) or "")
    return BundleResult(outcome, output, store.case_of_bundle(outcome.sha256) or "",
                        _top(analysis), len(analysis.findings))
