"""Network analyzer: why connections fail, from pcap and pcapng captures (TCP, DNS, ICMP,
QUIC).

Its counts follow Wireshark's TCP analysis and agree with tshark on the reference captures.
The modules, in the order a capture goes through them:

- ``analyzer``: ``NetworkAnalyzer``, the plugin: reads, judges, reports.
- ``tcp``: the per-packet pass and Wireshark's TCP analysis; its loop is shaped by speed
  (see there before changing it). ``streams``: the state it keeps per stream.
- ``dns``, ``icmp``, ``quic``: DNS messages matched to their queries; ICMP errors; QUIC
  connections (Initial packets opened, who answered, how they ended).
- ``events``: the capped timeline events.
- ``findings``, ``dns_findings``, ``quic_findings``: the rules, thresholds and findings,
  grouped by server endpoint, on ``judging``'s shared evidence.
- ``stats``: ``stats["network"]``, with one conversation entry per TCP stream.
- ``addresses``: how addresses and endpoints are written.
"""

from analyzers.network.analyzer import NetworkAnalyzer

__all__ = ["NetworkAnalyzer"]
