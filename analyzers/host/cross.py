"""``HostCrossAnalyzer`` (``host-cross``): every host finding, judged per host.

After the per-artifact pass it groups what the ``host`` analyzer read by host
(``hosts``) and judges each host (``judge``): kernel incidents merged across the host's
files, systemd units (containers' expected failures left out), and snapshots at the
collection time. It reads only the per-artifact stats, never the members again.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.host.hosts import hosts
from analyzers.host.judge import judge_host
from analyzers.host.rules import CROSS, CROSS_RULES
from inspector.model import Event, Finding
from inspector.plugins import AnalysisContext, BundleView


class HostCrossAnalyzer:
    """The ``host-cross`` analyzer (see the module doc)."""

    name = CROSS
    rules = CROSS_RULES

    def analyze_bundle(self, bundle: BundleView,
                       context: AnalysisContext) -> Iterator[Finding | Event]:
        for host in hosts(list(bundle.results())):
            context.check_cancelled()
            yield from judge_host(host)
