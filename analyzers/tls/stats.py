"""``stats["tls"]``: tshark's counts, outcomes, and one entry per handshake, alert and
distinct certificate, so an engineer can read what each side offered and chose.

Each handshake lists its transport (``tcp``, or ``quic`` for a QUIC connection's Initial
packets; ``stream`` is then the QUIC connection's number, as tshark's
``quic.connection.number``), SNI, offered versions, cipher suites and ALPN, JA3 and its
hash, JA4, JA4S, the chosen version (both the ServerHello's legacy field and
supported_versions, as tshark shows them), cipher suite, resumption, the leaf certificate's
subject and the outcome (``established``, ``failed``, ``aborted`` or ``incomplete``).
Handshakes and alerts are capped (``MAX_LISTED_HANDSHAKES``, ``MAX_LISTED_ALERTS``) with a
count of those left out; certificates are listed once each, where first seen.
"""

from __future__ import annotations

from typing import Any

from analyzers.tls.certificates import CertificateDescriptions
from analyzers.tls.connections import AlertSeen, Connection, ConnectionTracker
from analyzers.tls.fingerprints import ja4, ja4s
from analyzers.tls.handshake import ServerHello
from inspector.formats.protocols import alert_name, cipher_suite_name, is_grease, version_name
from inspector.model import format_time, utc_from_epoch

# Caps that keep stats readable on captures with thousands of handshakes.
MAX_LISTED_HANDSHAKES = 1000
MAX_LISTED_ALERTS = 1000


def tls_stats(tracker: ConnectionTracker, connections: list[Connection],
              certificates: CertificateDescriptions) -> dict[str, Any]:
    """The stats of a capture; ``connections`` are its TLS connections by stream."""
    handshakes = [handshake_json(c, certificates) for c in connections[:MAX_LISTED_HANDSHAKES]]
    alerts = [alert_json(c, a) for c in connections for a in c.alerts]
    listed: dict[str, dict[str, Any]] = {}
    for connection in connections:
        for message in connection.certificates:
            for position, der in enumerate(message.chain):
                info = certificates.get(der)
                if info is None or info.fingerprint_sha256 in listed:
                    continue
                listed[info.fingerprint_sha256] = {
                    "packet": message.packet, "stream": connection.stream,
                    "position": position, **info.to_json()}
    outcomes: dict[str, int] = {}
    for connection in connections:
        outcome = connection.outcome()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {
        "connections": len(connections),
        "client_hellos": tracker.client_hellos,
        "server_hellos": tracker.server_hellos,
        "certificate_messages": tracker.certificate_messages,
        "alert_records": tracker.alert_records,
        # Directions whose bytes stopped being followable (capture gap, snaplen cut,
        # non-TLS bytes after TLS): their later handshake messages are not counted.
        "directions_not_followed": tracker.directions_given_up,
        "outcomes": dict(sorted(outcomes.items())),
        "handshakes": handshakes,
        "handshakes_not_listed": max(len(connections) - MAX_LISTED_HANDSHAKES, 0),
        "alerts": alerts[:MAX_LISTED_ALERTS],
        "alerts_not_listed": max(len(alerts) - MAX_LISTED_ALERTS, 0),
        "certificates": list(listed.values()),
    }


def alert_json(connection: Connection, alert: AlertSeen) -> dict[str, Any]:
    return {
        "packet": alert.packet,
        "stream": connection.stream,
        "transport": "quic" if connection.transport == "q" else "tcp",
        "time": format_time(utc_from_epoch(alert.time)),
        "sender": alert.sender,
        "encrypted": alert.encrypted,
        "level": None if alert.level is None else ("fatal" if alert.level == 2
                                                    else "warning"),
        "description": None if alert.description is None else alert_name(alert.description),
        "code": alert.description,
    }


def cipher_code(hello: ServerHello) -> str:
    """The chosen cipher in hex as tshark writes it (6 digits for an SSL 2.0 cipher kind)."""
    return f"0x{hello.cipher_suite:0{6 if hello.sslv2_format else 4}x}"


def handshake_json(connection: Connection, certificates: CertificateDescriptions
                   ) -> dict[str, Any]:
    client, server = connection.endpoints()
    hello = connection.client_hello
    server_hello = connection.server_hello
    transport = connection.transport
    fatal = connection.fatal_alert()
    leaf = None
    if connection.certificates and connection.certificates[0].chain:
        leaf = certificates.get(connection.certificates[0].chain[0])
    return {
        "stream": connection.stream,
        "client": client,
        "server": server,
        "first_packet": connection.first_packet,
        "start": format_time(utc_from_epoch(connection.start)),
        "client_hello_packet": connection.client_hello_packet,
        "sni": hello.server_name if hello else None,
        "offered_versions": ([version_name(v) for v in hello.offered_versions]
                             if hello else []),
        "offered_cipher_suites": ([cipher_suite_name(c) for c in hello.cipher_suites
                                   if not is_grease(c)] if hello else []),
        "alpn_offered": hello.alpn if hello else [],
        "ja3": hello.ja3 if hello else None,
        "ja3_hash": hello.ja3_hash if hello else None,
        "ja4": ja4(hello, transport) if hello and not hello.sslv2_format else None,
        "ja4s": (ja4s(server_hello, transport)
                 if server_hello and not server_hello.sslv2_format else None),
        "transport": "quic" if transport == "q" else "tcp",
        "server_hello_packet": connection.server_hello_packet,
        "version": version_name(server_hello.version) if server_hello else None,
        "server_hello_legacy_version": (f"0x{server_hello.legacy_version:04x}"
                                        if server_hello else None),
        "server_hello_supported_version": (
            f"0x{server_hello.selected_version:04x}"
            if server_hello and server_hello.selected_version else None),
        "cipher_suite": cipher_suite_name(server_hello.cipher_suite) if server_hello else None,
        "cipher_suite_code": cipher_code(server_hello) if server_hello else None,
        "alpn": server_hello.alpn if server_hello else None,
        "resumed": connection.resumed(),
        "client_certificate_requested": connection.client_certificate_requested,
        "certificate_subject": leaf.subject if leaf else None,
        "outcome": connection.outcome(),
        "alert": (None if fatal is None else
                  {"packet": fatal.packet, "sender": fatal.sender,
                   "description": alert_name(fatal.description or 0)}),
        "established_packet": connection.established_packet,
        "ended": connection.closed_by,
    }
