"""The TLS analyzer's rules, and the findings it draws from the connections of a capture.

Findings are aggregated (per certificate, per server and alert, per server and version or
cipher suite) with a count and the first packets as evidence (at most ``MAX_EVIDENCE``).
Certificates are judged at the time of the packet that carried them; only the server's
certificates are judged (client certificates are the server's business). A fatal alert
is explained in plain words, with what the handshake showed when it fits (no ServerHello,
a client certificate requested) and a remediation per alert.
"""

from __future__ import annotations

from typing import Any

from analyzers.tls.certificates import CertificateDescriptions, chain_problem, hostname_matches
from analyzers.tls.connections import AlertSeen, CertificateMessage, Connection
from inspector.formats.protocols import (
    ALERTS,
    DEPRECATED_VERSIONS,
    alert_name,
    cipher_suite_name,
    version_name,
)
from inspector.model import (
    Evidence,
    Finding,
    PacketLocator,
    Severity,
    format_time,
    utc_from_epoch,
)
from inspector.rules import rule

CERTIFICATE_EXPIRED = rule(
    "tls.certificate-expired", Severity.HIGH, "security",
    "A certificate in the chain had expired at the time of the capture",
    same_cause=("server", "subject"))
CERTIFICATE_NOT_YET_VALID = rule(
    "tls.certificate-not-yet-valid", Severity.HIGH, "security",
    "A certificate in the chain was not yet valid at the time of the capture")
CERTIFICATE_HOSTNAME_MISMATCH = rule(
    "tls.certificate-hostname-mismatch", Severity.HIGH, "security",
    "The server certificate does not cover the name the client asked for (SNI)")
CERTIFICATE_SELF_SIGNED = rule(
    "tls.certificate-self-signed", Severity.MEDIUM, "security",
    "The server presented a self-signed certificate")
CHAIN_INCOMPLETE = rule(
    "tls.chain-incomplete", Severity.MEDIUM, "security",
    "The server's certificate chain misses an intermediate or is out of order")
HANDSHAKE_FAILURE = rule(
    "tls.handshake-failure", Severity.HIGH, "connectivity",
    "A TLS handshake ended with a fatal alert", same_cause=("server", "alert", "sender"))
DEPRECATED_PROTOCOL = rule(
    "tls.deprecated-protocol", Severity.MEDIUM, "security",
    "A connection used or offered only SSL 2.0/3.0 or TLS 1.0/1.1")
WEAK_CIPHER = rule(
    "tls.weak-cipher", Severity.MEDIUM, "security",
    "A connection negotiated a NULL, EXPORT, RC4, DES/3DES or anonymous cipher suite")
WEAK_KEY = rule(
    "tls.weak-key", Severity.MEDIUM, "security",
    "A certificate carries a key too short to be safe (RSA/DSA < 2048, EC < 224 bits)")

RULES = (CERTIFICATE_EXPIRED, CERTIFICATE_NOT_YET_VALID, CERTIFICATE_HOSTNAME_MISMATCH,
         CERTIFICATE_SELF_SIGNED, CHAIN_INCOMPLETE, HANDSHAKE_FAILURE, DEPRECATED_PROTOCOL,
         WEAK_CIPHER, WEAK_KEY)

MAX_EVIDENCE = 5


def is_weak_cipher(name: str) -> bool:
    """NULL, EXPORT, RC4, single or triple DES, and anonymous (unauthenticated) suites."""
    upper = name.upper()
    if upper.endswith("_SCSV"):
        return False
    return ("NULL" in upper or "EXPORT" in upper or "RC4" in upper or "DES" in upper
            or "_ANON_" in upper)


class TlsFindings:
    """The findings about one capture (``artifact``), its certificates described once."""

    def __init__(self, artifact: str, certificates: CertificateDescriptions) -> None:
        self.artifact = artifact
        self.certificates = certificates

    def all(self, connections: list[Connection]) -> list[Finding]:
        """Every finding, in ``Finding.sort_key`` order."""
        findings: list[Finding] = []
        findings += self.certificate_findings(connections)
        findings += self.handshake_failures(connections)
        findings += self.protocol_findings(connections)
        findings.sort(key=Finding.sort_key)
        return findings

    def evidence(self, packet: int, excerpt: str) -> Evidence:
        return Evidence(self.artifact, PacketLocator(packet), excerpt)

    def certificate_findings(self, connections: list[Connection]) -> list[Finding]:
        # One finding per (rule, certificate or name); every connection adds a count and,
        # up to MAX_EVIDENCE, a packet.
        groups: dict[tuple[str, str], dict[str, Any]] = {}

        def add(rule_id: str, key: str, connection: Connection, message: CertificateMessage,
                excerpt: str, **facts: Any) -> None:
            group = groups.setdefault((rule_id, key), {
                "connections": [], "evidence": [], "facts": facts, "times": []})
            group["connections"].append(connection)
            group["times"].append(message.time)
            if len(group["evidence"]) < MAX_EVIDENCE:
                group["evidence"].append(self.evidence(message.packet, excerpt))

        for connection in connections:
            server_side = connection.server
            for message in connection.certificates:
                if server_side is not None and message.sender_endpoint != server_side.endpoint:
                    continue  # client certificates are the server's business to judge
                infos = [self.certificates.get(der) for der in message.chain]
                seen_at = utc_from_epoch(message.time)
                for position, info in enumerate(infos):
                    if info is None:
                        continue
                    what = "server certificate" if position == 0 else (
                        f"chain certificate {position + 1}")
                    common = {"subject": info.subject, "issuer": info.issuer,
                              "server": connection.endpoints()[1],
                              "not_before": format_time(info.not_before),
                              "not_after": format_time(info.not_after),
                              "position": position + 1,
                              "fingerprint_sha256": info.fingerprint_sha256}
                    if info.not_after < seen_at:
                        add(CERTIFICATE_EXPIRED.id, info.fingerprint_sha256, connection, message,
                            f"{what} {info.subject} expired {format_time(info.not_after)}",
                            **common)
                    elif info.not_before > seen_at:
                        add(CERTIFICATE_NOT_YET_VALID.id, info.fingerprint_sha256, connection,
                            message, f"{what} {info.subject} valid only from "
                            f"{format_time(info.not_before)}", **common)
                    if info.weak_key:
                        add(WEAK_KEY.id, info.fingerprint_sha256, connection, message,
                            f"{what} {info.subject}: {info.key_type} {info.key_size} bits",
                            key_type=info.key_type, key_size=info.key_size, **common)
                leaf = infos[0] if infos else None
                if leaf is None:
                    continue
                sni = connection.client_hello.server_name if connection.client_hello else None
                if sni and not hostname_matches(sni, leaf.names()):
                    add(CERTIFICATE_HOSTNAME_MISMATCH.id, f"{sni}|{leaf.fingerprint_sha256}",
                        connection, message,
                        f"asked for {sni}; certificate covers {', '.join(leaf.names()) or '-'}",
                        sni=sni, subject=leaf.subject, certificate_names=leaf.names(),
                        server=connection.endpoints()[1],
                        fingerprint_sha256=leaf.fingerprint_sha256)
                if leaf.self_signed:
                    add(CERTIFICATE_SELF_SIGNED.id, leaf.fingerprint_sha256, connection,
                        message, f"self-signed certificate {leaf.subject}",
                        subject=leaf.subject, server=connection.endpoints()[1],
                        fingerprint_sha256=leaf.fingerprint_sha256)
                else:
                    problem = chain_problem(message.chain)
                    if problem:
                        add(CHAIN_INCOMPLETE.id, leaf.fingerprint_sha256, connection, message,
                            problem, subject=leaf.subject, issuer=leaf.issuer,
                            chain_length=len(message.chain), problem=problem,
                            server=connection.endpoints()[1],
                            fingerprint_sha256=leaf.fingerprint_sha256)
        return [self.certificate_finding(rule_id, group)
                for (rule_id, _key), group in groups.items()]

    def certificate_finding(self, rule_id: str, group: dict[str, Any]) -> Finding:
        facts = dict(group["facts"])
        connections: list[Connection] = group["connections"]
        count = len(connections)
        facts["connections"] = count
        server = facts["server"]
        rejected = [a for c in connections for a in c.alerts
                    if a.fatal and a.sender == "client"]
        consequence = ""
        if rejected:
            consequence = (f" The client then aborted with alert "
                           f"{alert_name(rejected[0].description or 0)} "
                           f"(packet {rejected[0].packet}).")
        times = group["times"]
        first_seen, last_seen = utc_from_epoch(min(times)), utc_from_epoch(max(times))
        connections_text = f"{count} connection{'s' if count != 1 else ''}"
        if rule_id == CERTIFICATE_EXPIRED.id:
            title = (f"Certificate {facts['subject']} from {server} expired on "
                     f"{facts['not_after'][:10]}")
            detail = (f"The certificate {facts['subject']} (position {facts['position']} in "
                      f"the chain, issued by {facts['issuer']}) was valid until "
                      f"{facts['not_after']}, but was presented at {format_time(first_seen)} in "
                      f"{connections_text}.{consequence}")
            remediation = ("Renew the certificate and install it (with its intermediates) "
                           f"on the server behind {server}; then check that every node and "
                           "load balancer serves the new one.")
            finding_rule = CERTIFICATE_EXPIRED
        elif rule_id == CERTIFICATE_NOT_YET_VALID.id:
            title = (f"Certificate {facts['subject']} from {server} is valid only from "
                     f"{facts['not_before'][:10]}")
            detail = (f"The certificate {facts['subject']} becomes valid at "
                      f"{facts['not_before']}, after the capture time {format_time(first_seen)} "
                      f"({connections_text}).{consequence}")
            remediation = ("Check the clocks: a host whose clock runs behind (or a "
                           "certificate issued with a future start date) rejects it. Sync "
                           "NTP on client and server.")
            finding_rule = CERTIFICATE_NOT_YET_VALID
        elif rule_id == WEAK_KEY.id:
            title = (f"Certificate {facts['subject']} from {server} has a weak "
                     f"{facts['key_type']} {facts['key_size']}-bit key")
            detail = (f"{facts['key_type']} keys of {facts['key_size']} bits can be broken "
                      f"or are refused by current clients ({connections_text}).{consequence}")
            remediation = ("Issue a new certificate with an RSA key of at least 2048 bits "
                           "or an EC P-256 key.")
            finding_rule = WEAK_KEY
        elif rule_id == CERTIFICATE_HOSTNAME_MISMATCH.id:
            names = ", ".join(facts["certificate_names"]) or "no names"
            title = (f"Certificate from {server} does not cover {facts['sni']} "
                     f"(it covers {names})")
            detail = (f"The client asked for {facts['sni']} (SNI) but the server presented "
                      f"{facts['subject']}, valid for {names}, in {connections_text}. "
                      f"Clients that check the name refuse the connection.{consequence}")
            remediation = ("Serve a certificate whose subject alternative names include "
                           f"{facts['sni']} (check the virtual host / SNI mapping on the "
                           "server or load balancer), or point the client at a name the "
                           "certificate covers.")
            finding_rule = CERTIFICATE_HOSTNAME_MISMATCH
        elif rule_id == CERTIFICATE_SELF_SIGNED.id:
            title = f"Server {server} presents a self-signed certificate ({facts['subject']})"
            detail = (f"The certificate is signed by its own key, so no client trusts it "
                      f"unless it was added to that client's trust store "
                      f"({connections_text}).{consequence}")
            remediation = ("Use a certificate issued by a CA the clients trust, or add this "
                           "certificate to the clients' trust stores on purpose.")
            finding_rule = CERTIFICATE_SELF_SIGNED
        else:
            title = f"Certificate chain from {server} is incomplete ({facts['subject']})"
            detail = (f"{facts['problem'][0].upper()}{facts['problem'][1:]} "
                      f"({connections_text}). Browsers often fill the gap from their cache, "
                      f"so it may work for some clients and fail with unknown_ca or "
                      f"certificate_unknown for others (Java, curl, mobile apps)."
                      f"{consequence}")
            remediation = ("Configure the server to send the full chain: its certificate "
                           "followed by every intermediate, in order (the CA's 'fullchain' "
                           "or bundle file).")
            finding_rule = CHAIN_INCOMPLETE
        return finding_rule.finding(
            title, analyzer="tls", detail=detail, count=count, first_seen=first_seen,
            last_seen=last_seen, evidence=group["evidence"], facts=facts,
            remediation=remediation)

    def handshake_failures(self, connections: list[Connection]) -> list[Finding]:
        groups: dict[tuple[str, str, int], list[tuple[Connection, AlertSeen]]] = {}
        for connection in connections:
            alert = connection.fatal_alert()
            if alert is None or connection.outcome() != "failed":
                continue
            key = (connection.endpoints()[1], alert.sender, alert.description or 0)
            groups.setdefault(key, []).append((connection, alert))
        findings = []
        for (server, sender, code), cases in groups.items():
            name = alert_name(code)
            meaning = ALERTS.get(code, ("", "an alert this analyzer does not know"))[1]
            count = len(cases)
            first_connection = cases[0][0]
            hello = first_connection.client_hello
            sni = hello.server_name if hello else None
            who = {"client": "The client", "server": "The server"}.get(sender, sender)
            title = (f"TLS handshake with {server}{f' ({sni})' if sni else ''} failed: "
                     f"{sender} sent fatal alert {name}")
            times = [alert.time for _connection, alert in cases]
            detail = (f"{who} ended the handshake with alert {code} ({name}) in {count} "
                      f"connection{'s' if count != 1 else ''}: {meaning}."
                      + _failure_context(first_connection, code))
            evidence = [self.evidence(alert.packet, f"{sender} alert fatal {name}")
                        for _connection, alert in cases[:MAX_EVIDENCE]]
            if first_connection.client_hello_packet:
                evidence.insert(0, self.evidence(first_connection.client_hello_packet,
                                                 f"ClientHello{f' SNI {sni}' if sni else ''}"))
            findings.append(HANDSHAKE_FAILURE.finding(
                title, analyzer="tls", detail=detail, count=count,
                first_seen=utc_from_epoch(min(times)), last_seen=utc_from_epoch(max(times)),
                evidence=evidence,
                facts={"server": server, "sni": sni, "sender": sender, "alert": name,
                       "alert_code": code, "connections": count,
                       "streams": [c.stream for c, _a in cases[:20]]},
                remediation=_REMEDIATIONS.get(code, "Look at the side that sent the alert: its "
                                              "logs say why it rejected the handshake.")))
        return findings

    def protocol_findings(self, connections: list[Connection]) -> list[Finding]:
        versions: dict[tuple[str, int, bool], list[Connection]] = {}
        ciphers: dict[tuple[str, int], list[Connection]] = {}
        for connection in connections:
            server = connection.endpoints()[1]
            if connection.server_hello is not None:
                version = connection.server_hello.version
                if version in DEPRECATED_VERSIONS:
                    versions.setdefault((server, version, True), []).append(connection)
                suite = connection.server_hello.cipher_suite
                if is_weak_cipher(cipher_suite_name(suite)):
                    ciphers.setdefault((server, suite), []).append(connection)
            elif connection.client_hello is not None:
                best = max(connection.client_hello.offered_versions)
                if best in DEPRECATED_VERSIONS:
                    versions.setdefault((server, best, False), []).append(connection)
        findings = []
        for (server, version, negotiated), cases in versions.items():
            name = version_name(version)
            count = len(cases)
            packets = [(c.server_hello_packet if negotiated else c.client_hello_packet) or
                       c.first_packet for c in cases]
            if negotiated:
                title = f"{server} negotiated deprecated {name}"
                detail = (f"{count} connection{'s' if count != 1 else ''} to {server} used "
                          f"{name}, which has known attacks and is disabled by current "
                          f"clients and compliance rules (RFC 8996).")
            else:
                title = f"Client offered at best deprecated {name} to {server}"
                detail = (f"In {count} connection{'s' if count != 1 else ''} the client "
                          f"offered no version above {name}; servers that follow RFC 8996 "
                          f"refuse it (alert protocol_version).")
            findings.append(DEPRECATED_PROTOCOL.finding(
                title, analyzer="tls", detail=detail, count=count,
                first_seen=utc_from_epoch(cases[0].start),
                last_seen=utc_from_epoch(cases[-1].start),
                evidence=[self.evidence(p, f"{'ServerHello' if negotiated else 'ClientHello'} "
                                           f"{name}") for p in packets[:MAX_EVIDENCE]],
                facts={"server": server, "version": name, "negotiated": negotiated,
                       "connections": count},
                remediation="Enable TLS 1.2 and 1.3 on both sides and disable older "
                            "versions; upgrade clients whose TLS stack stops at TLS 1.0/1.1."))
        for (server, suite), cases in ciphers.items():
            name = cipher_suite_name(suite)
            count = len(cases)
            severity = (Severity.HIGH if any(w in name.upper() for w in ("NULL", "EXPORT",
                                                                        "_ANON_"))
                        else None)
            findings.append(WEAK_CIPHER.finding(
                f"{server} negotiated weak cipher suite {name}", analyzer="tls",
                severity=severity,
                detail=(f"{count} connection{'s' if count != 1 else ''} to {server} used "
                        f"{name} (0x{suite:04x}): it gives no or breakable encryption, or no "
                        f"authentication of the server."),
                count=count, first_seen=utc_from_epoch(cases[0].start),
                last_seen=utc_from_epoch(cases[-1].start),
                evidence=[self.evidence(c.server_hello_packet or c.first_packet,
                                        f"ServerHello {name}") for c in cases[:MAX_EVIDENCE]],
                facts={"server": server, "cipher_suite": name, "code": f"0x{suite:04x}",
                       "connections": count},
                remediation="Remove NULL, EXPORT, RC4, DES/3DES and anonymous suites from the "
                            "server's cipher list; prefer ECDHE with AES-GCM or ChaCha20."))
        return findings


# What to do about each fatal alert, by alert number.
_REMEDIATIONS = {
    40: "Compare the versions and cipher suites the client offered (see the handshake stats) "
        "with what the server allows; enable a common modern suite (ECDHE + AES-GCM) and TLS "
        "1.2 or 1.3 on both sides.",
    42: "Check the certificate the rejecting side received: a corrupt file, a wrong chain "
        "order or a signature algorithm it refuses.",
    45: "Check the validity dates of the certificate the rejecting side received and that "
        "side's clock; renew the certificate if it expired.",
    46: "Check the rejecting side's logs for the exact reason (untrusted issuer, name "
        "mismatch, key usage) and the certificate chain the server sends.",
    48: "Add the issuing CA to the client's trust store, or make the server send the full "
        "chain with its intermediates.",
    70: "Enable a TLS version both sides support (TLS 1.2 at least); old clients need an "
        "upgrade rather than the server re-enabling TLS 1.0.",
    71: "Let the client offer modern suites (ECDHE + AES-GCM), or review the server's "
        "minimum security policy.",
    80: "Read the logs of the side that sent the alert: the error is on that side.",
    86: "Find what breaks the client's first, higher-version attempt (often a middlebox or "
        "proxy) instead of letting it fall back.",
    112: "Configure the server (or load balancer) with a certificate / virtual host for the "
         "name the client sends, or correct the name the client uses.",
    116: "Configure the client with its certificate and key, or relax the server's client "
         "certificate requirement for this endpoint.",
    120: "Align the ALPN protocols: enable the protocol the client requires (h2 or http/1.1) "
         "on the server.",
}


def _failure_context(connection: Connection, code: int) -> str:
    """A sentence tying the alert to what the handshake showed, when something fits."""
    hello = connection.client_hello
    server_hello = connection.server_hello
    if code in (40, 70, 71) and hello is not None and server_hello is None:
        offered = ", ".join(version_name(v) or "" for v in hello.offered_versions)
        return (f" The server never answered with a ServerHello; the client offered "
                f"{offered} and {len(hello.cipher_suites)} cipher suites.")
    if code == 116 or (code in (40, 42) and connection.client_certificate_requested):
        return " The server had asked the client for a certificate."
    return ""
