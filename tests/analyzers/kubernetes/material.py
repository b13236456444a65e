"""What the Kubernetes analyzer tests share: analysing files or a corpus bundle with the two
Kubernetes analyzers (and, for the bundles, every built-in one), in this process."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from analyzers import BUILTIN
from analyzers.kubernetes import KubernetesAnalyzer, KubernetesClusterAnalyzer
from inspector.analysis import Analysis
from inspector.bundle import open_bundle
from inspector.engine import Engine
from inspector.model import Finding
from inspector.testing import make_bundle
from tests.corpus import CORPUS

KUBERNETES = [KubernetesAnalyzer(), KubernetesClusterAnalyzer()]


def analyze_files(tmp_path: Path, files: dict[str, bytes], analyzers: list | None = None,
                  ) -> Analysis:
    path = make_bundle(tmp_path / "case.zip", files)
    with open_bundle(path) as bundle:
        return Engine(analyzers or KUBERNETES, isolation="inline").run(bundle)


def analyze_corpus_bundle(name: str, analyzers: list | None = None) -> Analysis:
    path = CORPUS / "realworld" / "bundles" / name
    if not path.exists():
        pytest.skip(f"corpus bundle {name} absent")
    with open_bundle(path) as bundle:
        return Engine(analyzers or list(BUILTIN), isolation="inline").run(bundle)


def by_rule(analysis: Analysis, rule: str) -> list[Finding]:
    return [f for f in analysis.findings if f.rule == rule]


def kubernetes_findings(analysis: Analysis) -> list[Finding]:
    return [f for f in analysis.findings if f.rule.startswith("kubernetes.")]


def json_bytes(value: object) -> bytes:
    """A document as kubectl writes it: a top-level object leads with its ``apiVersion``."""
    if isinstance(value, dict) and "apiVersion" not in value:
        value = {"apiVersion": "v1", **value}
    return orjson.dumps(value, option=orjson.OPT_INDENT_2)


def pod(name: str, namespace: str = "shop", *, phase: str = "Running", restarts: int = 0,
        state: dict | None = None, last: dict | None = None, ready: bool = True,
        owner: str | None = None, started: str = "2026-11-17T08:00:00Z",
        limits: dict | None = None, node: str = "node-a") -> dict:
    container = {"name": "app", "image": "shop/app:1.0",
                 "resources": {"limits": limits or {}}}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace,
                         "ownerReferences": [{"kind": "ReplicaSet", "name": owner}] if owner
                         else []},
            "spec": {"nodeName": node, "containers": [container]},
            "status": {"phase": phase, "startTime": started, "containerStatuses": [{
                "name": "app", "image": "shop/app:1.0", "ready": ready,
                "restartCount": restarts,
                "state": state or {"running": {"startedAt": started}},
                "lastState": last or {}}]}}


def pod_list(*pods: dict) -> bytes:
    return json_bytes({"apiVersion": "v1", "kind": "PodList", "items": list(pods)})
