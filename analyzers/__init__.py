"""Built-in analyzers, listed explicitly and in order (see ``inspector.plugins``).

Each analyzer is one module here, tested by ``tests/analyzers/test_<module>.py``. None of
them imports Qt, the UI, or another analyzer.
"""

from __future__ import annotations

from analyzers.network import NetworkAnalyzer
from analyzers.sql import SqlAnalyzer, SqlCrossAnalyzer
from analyzers.tls import TlsAnalyzer

BUILTIN: tuple = (
    NetworkAnalyzer(),
    TlsAnalyzer(),
    SqlAnalyzer(),
    SqlCrossAnalyzer(),  # bundle-level: slow-query classes x schema, after the per-artifact pass
)
