"""Built-in analyzers, listed explicitly and in order (see ``inspector.plugins``).

Each analyzer is a package here (a small front door over modules split along its seams:
parsing, state, findings, stats), tested under ``tests/analyzers/<package>/``. None of them
imports Qt, the UI, or another analyzer (import-linter holds it; docs/architecture.md).
Only the composition roots (``inspector.cli`` and ``ui``) import ``BUILTIN``.
"""

from __future__ import annotations

from analyzers.host import HostAnalyzer, HostCrossAnalyzer
from analyzers.http import HttpAnalyzer
from analyzers.jvm import JvmAnalyzer, JvmCrossAnalyzer
from analyzers.knowledge import KnowledgeAnalyzer
from analyzers.kubernetes import KubernetesAnalyzer, KubernetesClusterAnalyzer
from analyzers.logs import LogAnalyzer
from analyzers.network import NetworkAnalyzer
from analyzers.sql import SqlAnalyzer, SqlCrossAnalyzer
from analyzers.timeline import TimelineAnalyzer
from analyzers.tls import TlsAnalyzer

BUILTIN: tuple = (
    NetworkAnalyzer(),
    TlsAnalyzer(),
    HttpAnalyzer(),
    SqlAnalyzer(),
    LogAnalyzer(),
    JvmAnalyzer(),
    HostAnalyzer(),
    KubernetesAnalyzer(),
    # Bundle-level analyzers run after the per-artifact pass, over everything it produced.
    SqlCrossAnalyzer(),  # slow-query classes x schema
    JvmCrossAnalyzer(),  # thread dumps per JVM; OutOfMemoryError x GC log x thread dumps
    HostCrossAnalyzer(),  # kernel, units and snapshots judged per host
    KubernetesClusterAnalyzer(),  # pods x their logs x events, nodes, verdicts
    TimelineAnalyzer(),  # clock offsets and cross-source incidents
    KnowledgeAnalyzer(),  # HTTP/SQL/TLS known-issue signatures (kb.known-issue)
)
