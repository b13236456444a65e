"""Shared pieces of the cluster analyzer's findings: records gathered from every artifact's
stats, their evidence, times and the workload a pod belongs to.

>>> workload_of({"owner": "ReplicaSet/web-5c8d99cd56", "name": "web-5c8d99cd56-dvcdv"})
'web'
>>> workload_of({"owner": "StatefulSet/db", "name": "db-0"})
'db'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inspector.model import Evidence, LineLocator, PointerLocator, parse_time
from inspector.plugins import ArtifactResults

_HASH_SUFFIX = re.compile(r"-[a-z0-9]{5,10}$")


@dataclass
class Gathered:
    """Every record of every artifact, each tagged with its ``artifact`` path.

    Attributes:
        records: by stats key (``pods``, ``nodes``, ``events``...), in bundle order.
        normal: ``{"ns/Kind/name": {reason: last time}}`` merged over the bundle.
        cluster: identity facts (version, distribution...) with the artifact they came from.
        latest: the newest time any Kubernetes artifact mentions.
        modified: each artifact's modification time (when the collector wrote it).
    """

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    normal: dict[str, dict[str, str]] = field(default_factory=dict)
    cluster: dict[str, tuple[Any, str]] = field(default_factory=dict)
    latest: datetime | None = None
    modified: dict[str, datetime | None] = field(default_factory=dict)

    @classmethod
    def from_results(cls, results: list[ArtifactResults], analyzer: str) -> Gathered:
        gathered = cls()
        for result in results:
            stats = result.stats.get(analyzer)
            if not isinstance(stats, dict):
                continue
            path = result.artifact.path
            gathered.modified[path] = result.artifact.modified
            for key, value in stats.items():
                if isinstance(value, list):
                    gathered.records.setdefault(key, []).extend(
                        {**record, "artifact": path} for record in value
                        if isinstance(record, dict))
            for subject, reasons in (stats.get("normal_events") or {}).items():
                merged = gathered.normal.setdefault(subject, {})
                for reason, when in reasons.items():
                    merged[reason] = max(filter(None, (merged.get(reason), when)))
            for key, value in (stats.get("cluster") or {}).items():
                gathered.cluster.setdefault(key, (value, path))
            latest = time_of(stats.get("latest"))
            if latest and (gathered.latest is None or latest > gathered.latest):
                gathered.latest = latest
        return gathered

    def get(self, key: str) -> list[dict[str, Any]]:
        return self.records.get(key, [])

    def collected_at(self, path: str) -> datetime | None:
        """When ``path`` was collected: its modification time, but never before the newest
        time the bundle's Kubernetes material mentions (collection came after everything
        it recorded; a re-packed archive's member times can be older)."""
        known = [t for t in (self.modified.get(path), self.latest) if t is not None]
        return max(known) if known else None


def time_of(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text[:4].isdigit():
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None


def evidence(record: dict[str, Any], excerpt: str, where: dict[str, Any] | None = None
             ) -> Evidence:
    where = where or record.get("where") or {}
    if "pointer" in where:
        locator: PointerLocator | LineLocator = PointerLocator(
            where["pointer"], where.get("line"), where.get("document"))
    else:
        locator = LineLocator(int(where.get("line") or 1), where.get("end_line"))
    return Evidence(record["artifact"], locator, excerpt[:300])


def workload_of(pod: dict[str, Any]) -> str:
    """The workload a pod belongs to (a Deployment's name for its ReplicaSet's pods), or the
    pod's own name."""
    owner = pod.get("owner") or ""
    kind, _, name = owner.partition("/")
    if kind == "ReplicaSet" and _HASH_SUFFIX.search(name):
        return _HASH_SUFFIX.sub("", name)
    if name:
        return name
    return pod.get("name") or ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
