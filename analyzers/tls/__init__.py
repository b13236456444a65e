"""TLS analyzer: handshakes, alerts and certificates from pcap/pcapng captures.

The modules, in the order a capture goes through them:

- ``analyzer``: ``TlsAnalyzer``, the plugin: reads the packets, then reports.
- ``connections``: TCP reassembly, TLS record parsing, and each connection's handshake
  (TLS recognized by content, on any port; what is encrypted is never decoded).
- ``handshake``: ClientHello (with JA3), ServerHello and Certificate message parsing.
- ``certificates``: X.509 descriptions, hostname matching (RFC 6125), chain linking.
- ``findings``: the rules and findings, judged at capture time.
- ``stats``, ``events``: ``stats["tls"]`` and the timeline events.
"""

from analyzers.tls.analyzer import TlsAnalyzer
from analyzers.tls.certificates import chain_problem, describe_certificate, hostname_matches
from analyzers.tls.handshake import parse_client_hello, parse_server_hello, split_certificate_list

__all__ = ["TlsAnalyzer", "chain_problem", "describe_certificate", "hostname_matches",
           "parse_client_hello", "parse_server_hello", "split_certificate_list"]
