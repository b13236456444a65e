"""What an analyzer is, and how the engine finds them.

An analyzer is a small object (see ``Analyzer``): a ``name``, the artifact ``kinds`` it
accepts, the ``rules`` it may emit, and a pure ``analyze(source, context)`` generator that
yields ``Finding``, ``Event`` and ``Stats`` items. It knows nothing of Qt, the UI or other
analyzers; it reports progress and warnings through ``context`` and checks for
cancellation there.

A ``BundleAnalyzer`` runs after the per-artifact pass over everything it produced, for
cross-artifact work (slow query x schema, HAR x capture x logs).

Built-in analyzers are listed explicitly, in order, in ``analyzers.BUILTIN``, which only the
composition roots (the CLI and the UI) import and hand to ``load_analyzers``: the core never
imports an analyzer. Third-party ones are found through the ``bundle_inspector.analyzers``
entry-point group; one that fails to load is reported by ``load_analyzers`` and left out,
never fatal.

A minimal analyzer:

>>> from inspector.model import ArtifactKind
>>> class LineCounter:
...     name = "linecount"
...     kinds = frozenset({ArtifactKind.TEXT})
...     rules = ()
...     def analyze(self, source, context):
...         with source.open() as stream:
...             yield Stats({"lines": sum(1 for _ in stream)})
>>> from inspector.testing import run_analyzer
>>> run_analyzer(LineCounter(), b"a\\nb\\n", name="notes.txt").stats
{'lines': 2}
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol, runtime_checkable

from inspector.model import Artifact, ArtifactKind, Event, Finding, Problem, ProblemKind
from inspector.rules import Rule

ENTRY_POINT_GROUP = "bundle_inspector.analyzers"


@dataclass(slots=True)
class Stats:
    """Counts and measurements an analyzer reports for one artifact; yielded items merge."""

    values: dict[str, Any] = field(default_factory=dict)

    def __init__(self, values: Mapping[str, Any] | None = None, /, **more: Any) -> None:
        self.values = {**(values or {}), **more}


AnalyzerItem = Finding | Event | Stats


class Cancelled(Exception):
    """Raised by ``AnalysisContext.check_cancelled`` when the user stopped the run."""


class ArtifactSource(Protocol):
    """Read access to one artifact: its record and a fresh decompressed stream per call."""

    artifact: Artifact

    def open(self) -> BinaryIO: ...


class AnalysisContext(Protocol):
    """What an analyzer may ask of the engine while it runs."""

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress on this artifact, 0.0 to 1.0. Cheap; call as often as you like."""

    def warn(self, message: str) -> None:
        """Record a problem the analyzer worked past (bad input coerced or skipped)."""

    def check_cancelled(self) -> None:
        """Raise ``Cancelled`` if the run was cancelled. Call it in long loops."""


@runtime_checkable
class Analyzer(Protocol):
    name: str
    kinds: frozenset[ArtifactKind]
    rules: Sequence[Rule]

    def analyze(self, source: ArtifactSource, context: AnalysisContext) -> Iterable[AnalyzerItem]:
        ...


@dataclass(frozen=True, slots=True)
class ArtifactResults:
    """What the per-artifact pass produced for one artifact, as a bundle analyzer sees it."""

    artifact: Artifact
    findings: Sequence[Finding]
    events: Sequence[Event]
    stats: Mapping[str, Mapping[str, Any]]


class BundleView(Protocol):
    """The bundle after the per-artifact pass: every artifact and what was found in it."""

    def results(self) -> Sequence[ArtifactResults]: ...

    def open(self, artifact_path: str) -> BinaryIO: ...


@runtime_checkable
class BundleAnalyzer(Protocol):
    name: str
    rules: Sequence[Rule]

    def analyze_bundle(self, bundle: BundleView,
                       context: AnalysisContext) -> Iterator[Finding | Event]: ...


AnyAnalyzer = Analyzer | BundleAnalyzer


def is_bundle_analyzer(analyzer: object) -> bool:
    return hasattr(analyzer, "analyze_bundle")


def _instantiate(obj: Any) -> Any:
    return obj() if isinstance(obj, type) else obj


def load_analyzers(builtin: Sequence[Any] = (), include_entry_points: bool = True,
                   ) -> tuple[list[Any], list[Problem]]:
    """``builtin`` (the caller's: ``analyzers.BUILTIN`` for the CLI and the app), then
    third-party analyzers from their entry points; failures become problems."""
    problems: list[Problem] = []
    loaded: list[Any] = list(builtin)
    if include_entry_points:
        for entry_point in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
                                  key=lambda ep: ep.name):
            try:
                analyzer = _instantiate(entry_point.load())
                if not (isinstance(analyzer, Analyzer) or is_bundle_analyzer(analyzer)):
                    raise TypeError("not an analyzer (needs name, kinds, rules, analyze)")
            except Exception as exc:
                problems.append(Problem(
                    ProblemKind.ERROR,
                    f"analyzer plugin {entry_point.name!r} ({entry_point.value}) failed to "
                    f"load: {type(exc).__name__}: {exc}", analyzer=entry_point.name))
                continue
            loaded.append(analyzer)
    names: set[str] = set()
    unique = []
    for analyzer in loaded:
        if analyzer.name in names:
            problems.append(Problem(ProblemKind.ERROR, f"two analyzers are named "
                                    f"{analyzer.name!r}; the second was left out",
                                    analyzer=analyzer.name))
            continue
        names.add(analyzer.name)
        unique.append(analyzer)
    return unique, problems


def select(analyzers: Iterable[Any], only: Iterable[str] | None) -> list[Any]:
    """Keep the analyzers named in ``only`` (all when it is empty); unknown names raise."""
    analyzers = list(analyzers)
    if not only:
        return analyzers
    wanted = set(only)
    unknown = wanted - {a.name for a in analyzers}
    if unknown:
        known = ", ".join(sorted(a.name for a in analyzers)) or "none"
        raise ValueError(f"unknown analyzer(s): {', '.join(sorted(unknown))} (known: {known})")
    return [a for a in analyzers if a.name in wanted]
