"""The network analyzer's QUIC rules and findings: QUIC attempts nobody answered (with what
TCP to the same host did meanwhile), and connections closed with an error during the
handshake.

A browser that speaks HTTP/3 sends QUIC Initial packets (UDP, usually port 443). When a
firewall or proxy drops UDP, nothing comes back; browsers then fall back to TCP, at once or
after seconds depending on the browser, so "the site works in one browser and hangs in
another". The finding says so when TCP to the same host was answered in the capture: that is
what tells "UDP blocked on the way" from "the host is down". A CONNECTION_CLOSE carrying a
TLS alert is the TLS analyzer's ``tls.handshake-failure``; other errors in an Initial
(CONNECTION_REFUSED, INVALID_TOKEN, PROTOCOL_VIOLATION...) are ``quic.connection-closed``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzers.network.addresses import endpoint
from analyzers.network.judging import Judge, plural
from analyzers.network.quic import QuicTracker
from analyzers.network.streams import Stream
from inspector.formats.quic import QuicConnection, error_name
from inspector.model import Evidence, Finding, PacketLocator, Severity, utc_from_epoch
from inspector.rules import rule

QUIC_NO_RESPONSE = rule(
    "quic.no-response", Severity.MEDIUM, "connectivity",
    "QUIC (HTTP/3) Initial packets got no answer: UDP is dropped on the way, or nothing "
    "listens", same_cause=("server", "port"))
QUIC_CLOSED = rule(
    "quic.connection-closed", Severity.MEDIUM, "connectivity",
    "A QUIC connection was closed with a transport error during its handshake",
    same_cause=("server", "port", "error_code", "closed_by"))
QUIC_RULES = (QUIC_NO_RESPONSE, QUIC_CLOSED)


class QuicFindings(Judge):
    """The QUIC findings of one capture."""

    def all(self, quic: QuicTracker, tcp_streams: list[Stream]) -> Iterator[Finding]:
        yield from self.unanswered(quic, tcp_streams)
        yield from self.closed(quic)

    def unanswered(self, quic: QuicTracker, tcp_streams: list[Stream]) -> Iterator[Finding]:
        """``quic.no-response`` by server endpoint, saying whether TCP to the host worked."""
        by_server: dict[tuple[str, int], list[QuicConnection]] = defaultdict(list)
        for connection in quic.connections:
            if not connection.answered() and connection.packets[True]:
                by_server[connection.server].append(connection)
        tcp_answers: dict[str, list[Stream]] = defaultdict(list)
        for stream in tcp_streams:
            if stream.synack_frame or stream.reverse.packets:
                tcp_answers[stream.server].append(stream)
        for (server, port), attempts in sorted(by_server.items()):
            for connection in attempts:
                self.events.add(connection.first_time, connection.first_frame, Severity.MEDIUM,
                                f"QUIC Initial from {endpoint(*connection.client)} to "
                                f"{endpoint(server, port)} never answered")
            yield self.no_response(server, port, attempts, tcp_answers.get(server, []))

    def no_response(self, server: str, port: int, attempts: list[QuicConnection],
                    tcp: list[Stream]) -> Finding:
        names = sorted({c.server_name for c in attempts if c.server_name})
        site = f" ({', '.join(names[:3])})" if names else ""
        initials = sum(c.packets[True] for c in attempts)
        clients = sorted({c.client[0] for c in attempts})
        sent = (f"{', '.join(clients[:5])} sent {plural(initials, 'QUIC Initial packet')} in "
                f"{plural(len(attempts), 'connection attempt')} to {endpoint(server, port)}"
                f"{site} and got nothing back")
        evidence = [Evidence(self.artifact, PacketLocator(c.first_frame),
                             f"QUIC Initial to {endpoint(server, port)}, no answer")
                    for c in attempts[:5]]
        if tcp:
            ports = sorted({s.server_port for s in tcp})
            title = (f"QUIC to {endpoint(server, port)}{site} got no answer while TCP to "
                     f"{server} worked: UDP is blocked on the way")
            detail = (f"{sent}, while {plural(len(tcp), 'TCP connection')} to {server} (port "
                      f"{', '.join(map(str, ports[:5]))}) were answered in the same capture. "
                      "A firewall or proxy drops UDP to it: browsers that try HTTP/3 wait "
                      "for their fallback to TCP (some at once, some after seconds), so the "
                      "site works in one browser and hangs in another.")
            remediation = (f"Allow UDP {port} to {server} on the firewalls and proxies on "
                           "the way (or reject it with an ICMP error, so browsers fall back "
                           "at once); where UDP cannot be allowed, turn HTTP/3 off by browser "
                           "policy (Chrome and Edge: QuicAllowed=false).")
            # The fallback: the first TCP connection after the first QUIC attempt, if any.
            after = [s for s in tcp if s.start_frame > attempts[0].first_frame]
            first = min(after or tcp, key=lambda s: s.start_frame)
            answer = first.synack_frame or first.start_frame
            evidence.append(Evidence(self.artifact, PacketLocator(answer),
                                     f"TCP {endpoint(server, first.server_port)} answered"
                                     + (" (the fallback)" if after else "")))
        else:
            title = f"QUIC to {endpoint(server, port)}{site} got no answer"
            detail = (f"{sent}. No TCP connection to {server} in the capture tells whether "
                      "the host is reachable at all: UDP may be dropped on the way, the "
                      "host down, or nothing listening for QUIC.")
            remediation = (f"Check that {server} answers on TCP {port} from the same client "
                           f"and that UDP {port} is allowed on the way; capture on the server "
                           "side to see whether the Initials arrive.")
        return QUIC_NO_RESPONSE.finding(
            title, analyzer=self.analyzer, detail=detail, count=len(attempts),
            first_seen=utc_from_epoch(attempts[0].first_time),
            last_seen=utc_from_epoch(max(c.last_time for c in attempts)),
            evidence=evidence,
            facts={"server": server, "port": port, "server_names": names[:20],
                   "attempts": len(attempts), "initial_packets": initials,
                   "clients": clients[:20], "tcp_answered": len(tcp)},
            remediation=remediation)

    def closed(self, quic: QuicTracker) -> Iterator[Finding]:
        """``quic.connection-closed``: Initial closes with a transport error, by server and
        error (closes with a TLS alert are the TLS analyzer's)."""
        groups: dict[tuple[tuple[str, int], int, str], list[QuicConnection]] = defaultdict(list)
        for connection in quic.connections:
            if connection.close is None:
                continue
            frame, sender, _packet = connection.close
            if frame.error_code and not 0x100 <= frame.error_code <= 0x1FF:
                groups[(connection.server, frame.error_code, sender)].append(connection)
        for ((server, port), code, sender), connections in sorted(groups.items()):
            meaning = error_name(code)
            reasons = sorted({c.close[0].reason for c in connections
                              if c.close is not None and c.close[0].reason})
            packets = [c.close[2] for c in connections if c.close is not None]
            for connection, packet in zip(connections, packets, strict=True):
                self.events.add(connection.last_time, packet, Severity.MEDIUM,
                                f"QUIC {endpoint(server, port)}: {sender} closed with {meaning}")
            yield QUIC_CLOSED.finding(
                f"The {sender} closed {plural(len(connections), 'QUIC connection')} to "
                f"{endpoint(server, port)} with {meaning} (0x{code:x})",
                analyzer=self.analyzer,
                detail=(f"A CONNECTION_CLOSE frame in an Initial packet ended "
                        f"{plural(len(connections), 'connection')} during the handshake with "
                        f"transport error {meaning}"
                        + (f", reason \"{reasons[0]}\"" if reasons else "") + "."),
                count=len(connections),
                first_seen=utc_from_epoch(connections[0].first_time),
                last_seen=utc_from_epoch(max(c.last_time for c in connections)),
                evidence=self.evidence(packets, f"CONNECTION_CLOSE {meaning}"),
                facts={"server": server, "port": port, "closed_by": sender,
                       "error_code": code, "error": meaning, "reasons": reasons[:5]},
                remediation=("CONNECTION_REFUSED means the server is overloaded or refuses "
                             "new connections; INVALID_TOKEN a Retry or address-validation "
                             "problem (often a load balancer between); others are protocol "
                             f"errors: look at the {sender}'s QUIC logs at this time."))
