"""``TlsAnalyzer``: why a TLS connection fails, from the capture alone.

It answers "why does the TLS connection fail?": which server name the client asked for,
what each side offered and chose, which certificate chain came back and whether it was
valid *at the time of the capture*, and which side gave up with which alert. Every TCP
packet goes to the ``ConnectionTracker``, every UDP datagram to ``QuicHandshakes`` (TLS in
QUIC Initial packets, on any port); then the TLS connections, TCP streams first, give the
stats, the findings (sorted) and the events, in that order, with each distinct certificate
described once for all three. Bad input costs the rest of the capture, never the results
so far: a capture that ends early, or any error while reading it, is a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.tls.certificates import CertificateDescriptions
from analyzers.tls.connections import ConnectionTracker
from analyzers.tls.events import tls_events
from analyzers.tls.findings import RULES, TlsFindings
from analyzers.tls.quic import QuicHandshakes
from analyzers.tls.stats import tls_stats
from inspector.formats.pcap import CaptureError, decode, read_packets
from inspector.model import ArtifactKind
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Cancelled, Stats


class TlsAnalyzer:
    """TLS handshakes, alerts and certificates from packet captures."""

    name = "tls"
    kinds = frozenset({ArtifactKind.PCAP, ArtifactKind.PCAPNG})
    rules = RULES

    def analyze(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[AnalyzerItem]:
        tracker = ConnectionTracker(context)
        quic = QuicHandshakes(tracker)
        artifact = source.artifact
        size = artifact.size if artifact.compression is None else 0
        index = 0
        with source.open() as stream:
            try:
                for packet in read_packets(stream):
                    index = packet.index
                    if index & 0xFFF == 0:
                        context.check_cancelled()
                        if size:
                            context.progress(min(stream.tell() / size, 0.99))
                    transport = decode(packet)
                    if transport is None:
                        continue
                    if transport.protocol == 6:
                        tracker.packet(index, packet.time, transport)
                    elif transport.protocol == 17:
                        quic.datagram(index, packet.time, (transport.src, transport.src_port),
                                      (transport.dst, transport.dst_port), transport.payload)
            except CaptureError as error:
                context.warn(f"capture ends early after packet {error.packets_read}: {error}")
            except Cancelled:
                raise
            except Exception as error:  # bad input must cost the rest, never the results
                context.warn(f"TLS analysis stopped at packet {index}: "
                             f"{type(error).__name__}: {error}")
        # TCP streams first, then QUIC connections, each by its number.
        connections = sorted(tracker.tls_connections, key=lambda c: (c.transport == "q", c.stream))
        certificates = CertificateDescriptions(context)
        yield Stats(tls_stats(tracker, connections, certificates))
        yield from TlsFindings(artifact.path, certificates).all(connections)
        yield from tls_events(connections, artifact.path)
        context.progress(1.0)
