"""The result of analyzing a bundle, and its JSON contract.

``Analysis.to_json()`` produces the documented, versioned document that scripts consume
(``"format": "bundle-inspector.analysis/1"``, see the README). Later versions may add keys;
they never remove or change the meaning of one. ``Analysis.from_json`` reads it back
losslessly, so a saved analysis can be reopened without the bundle.

Everything but ``timings`` is deterministic: the same bundle gives the same document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from inspector import __version__, native
from inspector.bundle import BundleInfo, Layout
from inspector.model import Artifact, Event, Finding, Problem, Severity

FORMAT = "bundle-inspector.analysis/1"
TOOL_NAME = "bundle-inspector"


@dataclass
class Analysis:
    """Everything known about one bundle after a run.

    Attributes:
        bundle: source path, SHA-256 and size of what was opened.
        artifacts: every member, in bundle order, with its status.
        findings: sorted most severe first, then by rule id.
        stats: ``{artifact path: {analyzer name: {...}}}``.
        timeline: events of every source, in time order as written; a source whose
            clock the timeline corrected has a ``timeline.clock-offset`` finding.
        problems: what could not be read or analyzed, and why.
        layouts: the collectors whose layout the bundle has, and the cluster or host each
            describes (``inspector.bundle.layouts``); documents written before this key
            existed read back with none.
        timings: seconds spent (``scan``, ``analyze``, ``total``, per analyzer); the only
            part of the document that differs between runs.
        backend: how the hot loops ran (``inspector.native.backend()``): ``compiled``,
            ``python`` or ``mixed``; None when read from a document that predates it.
    """

    bundle: BundleInfo
    artifacts: list[Artifact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    timeline: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, Any] = field(default_factory=dict)
    layouts: list[Layout] = field(default_factory=list)
    backend: str | None = field(default_factory=native.backend)

    def sort(self) -> None:
        """Put every list in its canonical order (the engine calls this once at the end)."""
        self.findings.sort(key=Finding.sort_key)
        self.timeline.sort(key=Event.sort_key)
        self.problems.sort(key=Problem.sort_key)
        order = {artifact.path: index for index, artifact in enumerate(self.artifacts)}
        self.stats = {
            path: dict(sorted(per_analyzer.items()))
            for path, per_analyzer in sorted(self.stats.items(),
                                             key=lambda item: order.get(item[0], len(order)))
        }

    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "tool": {"name": TOOL_NAME, "version": __version__, "backend": self.backend},
            "bundle": self.bundle.to_json(),
            "artifacts": [a.to_json() for a in self.artifacts],
            "findings": [f.to_json() for f in self.findings],
            "stats": self.stats,
            "timeline": [e.to_json() for e in self.timeline],
            "problems": [p.to_json() for p in self.problems],
            "layouts": [layout.to_json() for layout in self.layouts],
            "timings": self.timings,
        }

    def dumps(self, *, indent: bool = True) -> bytes:
        option = orjson.OPT_INDENT_2 if indent else 0
        return orjson.dumps(self.to_json(), option=option | orjson.OPT_APPEND_NEWLINE)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis:
        if data.get("format", "").rsplit("/", 1)[0] != FORMAT.rsplit("/", 1)[0]:
            raise ValueError(f"not a Bundle Inspector analysis: format {data.get('format')!r}")
        bundle = data["bundle"]
        return cls(
            bundle=BundleInfo(bundle["source"], bundle["sha256"], int(bundle["size"])),
            artifacts=[Artifact.from_json(a) for a in data.get("artifacts", [])],
            findings=[Finding.from_json(f) for f in data.get("findings", [])],
            stats=data.get("stats", {}),
            timeline=[Event.from_json(e) for e in data.get("timeline", [])],
            problems=[Problem.from_json(p) for p in data.get("problems", [])],
            timings=data.get("timings", {}),
            layouts=[Layout.from_json(layout) for layout in data.get("layouts", [])],
            backend=data.get("tool", {}).get("backend"),
        )

    @classmethod
    def loads(cls, text: bytes | str) -> Analysis:
        return cls.from_json(orjson.loads(text))
