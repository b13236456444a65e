"""``NetworkAnalyzer``: why connections fail, from pcap and pcapng captures (TCP, DNS, ICMP,
QUIC).

It reads the capture once, through ``TcpAnalysis`` (which hands DNS, ICMP and QUIC to their
trackers), then judges the capture as a whole: findings first, since judging adds events
(unanswered SYNs and DNS queries), then the events by time, then the stats. A capture that
ends early or cannot be read to the end is a warning; what was read before still counts.

>>> from inspector.training.scenarios.packets import Capture, TcpFlow
>>> from inspector.testing import run_analyzer
>>> capture = Capture()
>>> TcpFlow(capture, "10.0.0.5", 50000, "10.0.0.80", 8080).refuse(1_794_906_000.0, 0.001)
>>> run = run_analyzer(NetworkAnalyzer(), capture.pcap(), name="client.pcap")
>>> run.stats["rst"], sorted(run.rules())
(1, ['tcp.connection-refused'])
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from analyzers.network.dns import DnsTracker
from analyzers.network.events import EventLog
from analyzers.network.findings import RULES, NetworkFindings
from analyzers.network.icmp import IcmpTracker
from analyzers.network.quic import QuicTracker
from analyzers.network.stats import network_stats
from analyzers.network.tcp import TcpAnalysis
from inspector.formats.pcap import CaptureError, frame_batches
from inspector.model import ArtifactKind, Event
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats


class NetworkAnalyzer:
    """TCP, DNS and ICMP diagnosis of one capture; see the module docstring."""

    name = "network"
    kinds = frozenset({ArtifactKind.PCAP, ArtifactKind.PCAPNG})
    rules = RULES

    def analyze(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[AnalyzerItem]:
        events = EventLog(source.artifact.path)
        dns = DnsTracker(events)
        icmp = IcmpTracker(events)
        quic = QuicTracker()
        tcp = TcpAnalysis(dns, icmp, quic, events)
        size = max(source.artifact.size, 1)
        try:
            with source.open() as stream:
                tell = getattr(stream, "tell", None)
                report = tell is not None and not source.artifact.compression

                def checkpoint() -> None:
                    context.check_cancelled()
                    if report:
                        context.progress(min(tell() / size, 0.99))

                tcp.read(frame_batches(stream), checkpoint)
        except CaptureError as error:
            context.warn(f"capture ends early: {error} (analyzed {error.packets_read:,} "
                         "packets before it)")
        except (OSError, EOFError, zlib.error) as error:
            context.warn(f"capture could not be read to the end: {error} (analyzed "
                         f"{tcp.packets:,} packets)")
        yield from NetworkFindings(source.artifact.path, self.name, events).all(
            tcp.streams, dns, icmp, quic)
        # Findings first: judging the capture as a whole adds events (unanswered SYNs, DNS).
        yield from sorted(events.events, key=Event.sort_key)
        yield Stats(network_stats(tcp, dns, quic))
        context.progress(1.0)
