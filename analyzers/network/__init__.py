"""Network analyzer: why connections fail, from pcap and pcapng captures (TCP, DNS, ICMP).

Its counts follow Wireshark's TCP analysis and agree with tshark on the reference captures.
The modules, in the order a capture goes through them:

- ``analyzer``: ``NetworkAnalyzer``, the plugin: reads, judges, reports.
- ``tcp``: the per-packet pass, Wireshark's TCP analysis and the stream state; its loop is
  shaped by speed (see there before changing it).
- ``dns``, ``icmp``: DNS messages matched to their queries; ICMP errors.
- ``events``: the capped timeline events.
- ``findings``: the rules, thresholds and findings, grouped by server endpoint.
- ``stats``: ``stats["network"]``, with one conversation entry per TCP stream.
- ``addresses``: how addresses and endpoints are written.
"""

from analyzers.network.analyzer import NetworkAnalyzer

__all__ = ["NetworkAnalyzer"]
