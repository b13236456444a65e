"""The network analyzer's rules, and the findings it draws from a whole capture.

Findings group by server endpoint (host and port) so that 500 refused attempts are one
finding with a count and the first packets as evidence (at most ``EVIDENCE_PACKETS``).
Thresholds are the constants below. Judging the capture as a whole also notes events: the
SYNs and DNS queries that were never answered are known only after the last packet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzers.network.addresses import endpoint
from analyzers.network.dns import MULTICAST_GROUPS, DnsQuery, DnsTracker
from analyzers.network.events import EventLog
from analyzers.network.icmp import IcmpTracker
from analyzers.network.tcp import Stream
from inspector.model import Evidence, Finding, PacketLocator, Severity, utc_from_epoch
from inspector.rules import rule

CONNECTION_REFUSED = rule("tcp.connection-refused", Severity.HIGH, "connectivity",
                          "A server answered a connection attempt (SYN) with a reset",
                          same_cause=("server", "port"))
NO_RESPONSE = rule("tcp.no-response", Severity.HIGH, "connectivity",
                   "Connection attempts (SYN) were never answered", same_cause=("server", "port"))
RESET = rule("tcp.reset", Severity.MEDIUM, "connectivity",
             "Established connections were reset mid-way",
             same_cause=("server", "port", "reset_by"))
RETRANSMISSIONS = rule("tcp.retransmissions", Severity.MEDIUM, "performance",
                       "Many segments were retransmitted: packet loss on the path")
ZERO_WINDOW = rule("tcp.zero-window", Severity.MEDIUM, "performance",
                   "A receiver advertised a zero window: it stopped reading")
SLOW_HANDSHAKE = rule("tcp.slow-handshake", Severity.LOW, "performance",
                      "TCP handshakes took long to be answered")
SERVER_LATENCY = rule("net.server-latency", Severity.LOW, "performance",
                      "Slow responses, with where the delay sits: client, network or server")
DNS_NXDOMAIN = rule("dns.nxdomain", Severity.MEDIUM, "dns",
                    "A DNS name does not exist (NXDOMAIN)", same_cause=("name",))
DNS_SERVFAIL = rule("dns.servfail", Severity.HIGH, "dns",
                    "A DNS server failed to resolve names (SERVFAIL)", same_cause=("server",))
DNS_NO_RESPONSE = rule("dns.no-response", Severity.HIGH, "dns",
                       "DNS queries were never answered", same_cause=("server",))
DNS_SLOW = rule("dns.slow", Severity.LOW, "dns", "DNS answers were slow")
ICMP_UNREACHABLE = rule("icmp.unreachable", Severity.MEDIUM, "connectivity",
                        "ICMP destination unreachable or packet too big (MTU) errors")
RULES = (CONNECTION_REFUSED, NO_RESPONSE, RESET, RETRANSMISSIONS, ZERO_WINDOW, SLOW_HANDSHAKE,
         SERVER_LATENCY, DNS_NXDOMAIN, DNS_SERVFAIL, DNS_NO_RESPONSE, DNS_SLOW,
         ICMP_UNREACHABLE)

EVIDENCE_PACKETS = 10
RETRANSMISSION_RATE = 0.02  # a few percent of loss already hurts TCP throughput badly
RETRANSMISSION_MIN = 3
SLOW_HANDSHAKE_SECONDS = 0.5
SLOW_RESPONSE_SECONDS = 0.5


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {plural or word + 's'}"


class NetworkFindings:
    """Findings about one capture (``artifact``), written for ``analyzer``."""

    def __init__(self, artifact: str, analyzer: str, events: EventLog) -> None:
        self.artifact = artifact
        self.analyzer = analyzer
        self.events = events

    def all(self, tcp_streams: list[Stream], dns: DnsTracker, icmp: IcmpTracker
            ) -> Iterator[Finding]:
        """Every finding, TCP first, then DNS and ICMP."""
        yield from self.connections(tcp_streams)
        yield from self.retransmissions(tcp_streams)
        yield from self.zero_windows(tcp_streams)
        yield from self.latency(tcp_streams)
        yield from self.dns(dns)
        yield from self.icmp(icmp)

    def evidence(self, frames: list[int], excerpt: str) -> list[Evidence]:
        """The first ``EVIDENCE_PACKETS`` distinct frames, in capture order."""
        return [Evidence(self.artifact, PacketLocator(frame), excerpt)
                for frame in sorted(set(frames))[:EVIDENCE_PACKETS]]

    def connections(self, tcp_streams: list[Stream]) -> Iterator[Finding]:
        """Refused, unanswered and reset connections, by server endpoint."""
        refused: dict[tuple[str, int], list[Stream]] = defaultdict(list)
        unanswered: dict[tuple[str, int], list[Stream]] = defaultdict(list)
        resets: dict[tuple[str, int, str], list[Stream]] = defaultdict(list)
        for stream in tcp_streams:
            server = (stream.server, stream.server_port)
            if stream.ended == "refused":
                refused[server].append(stream)
            elif stream.unanswered_syn():
                unanswered[server].append(stream)
            elif stream.ended in ("reset-by-client", "reset-by-server"):
                resets[(*server, stream.ended)].append(stream)
        for (server, port), streams in sorted(refused.items()):
            clients = sorted({s.client for s in streams})
            frames = [f for s in streams[:EVIDENCE_PACKETS // 2]
                      for f in (s.syn_frame, s.reset_frame)]
            yield CONNECTION_REFUSED.finding(
                f"{server} refused {_plural(len(streams), 'connection')} on port {port}",
                analyzer=self.analyzer,
                detail=(f"{_plural(len(streams), 'connection attempt')} from "
                        f"{', '.join(clients[:5])}{' and others' if len(clients) > 5 else ''} "
                        f"to {endpoint(server, port)} got a TCP reset in answer to the SYN: "
                        "the host is reachable but nothing accepts connections on that port, "
                        "or a firewall rejects them."),
                count=len(streams), first_seen=utc_from_epoch(streams[0].start_time),
                last_seen=utc_from_epoch(streams[-1].end_time),
                evidence=self.evidence(frames, f"SYN to {endpoint(server, port)} answered "
                                               "by RST"),
                facts={"server": server, "port": port, "clients": clients[:20],
                       "attempts": len(streams)},
                remediation=(f"Check that the service is running and listening on port {port} "
                             f"of {server} (ss -ltnp), that it listens on the right address "
                             "(not only 127.0.0.1), and that no firewall or load balancer "
                             "rejects the port."))
        for (server, port), streams in sorted(unanswered.items()):
            for stream in streams:
                self.events.add(stream.start_time, stream.syn_frame, Severity.MEDIUM,
                                f"no answer to SYN {endpoint(stream.client, stream.client_port)}"
                                f" -> {endpoint(server, port)}")
            syn_count = sum(s.forward.packets for s in streams)
            frames = [s.syn_frame for s in streams]
            yield NO_RESPONSE.finding(
                f"No answer from {server} on port {port}: "
                f"{_plural(len(streams), 'connection attempt')} got no SYN-ACK",
                analyzer=self.analyzer,
                detail=(f"{_plural(syn_count, 'SYN')} (retransmissions included) to "
                        f"{endpoint(server, port)} were never answered in the capture: "
                        "the packets are dropped on the way or at the host (firewall, "
                        "routing, host down), or the answer takes another path."),
                count=len(streams), first_seen=utc_from_epoch(streams[0].start_time),
                last_seen=utc_from_epoch(streams[-1].end_time),
                evidence=self.evidence(frames, f"SYN to {endpoint(server, port)}, no answer"),
                facts={"server": server, "port": port, "attempts": len(streams),
                       "syn_packets": syn_count},
                remediation=(f"Check that {server} is up and routable from the client, and "
                             f"whether a firewall silently drops port {port}; capture on the "
                             "server side to see whether the SYNs arrive."))
        for (server, port, ended), streams in sorted(resets.items()):
            by_server = ended == "reset-by-server"
            frames = [s.reset_frame for s in streams]
            who = f"{server} (the server)" if by_server else "the client"
            clients = sorted({s.client for s in streams})
            yield RESET.finding(
                f"{'Server ' + server if by_server else 'Clients'} reset "
                f"{_plural(len(streams), 'connection')} "
                f"{'on port ' + str(port) if by_server else 'to ' + endpoint(server, port)}",
                analyzer=self.analyzer,
                detail=(f"{_plural(len(streams), 'connection')} between "
                        f"{', '.join(clients[:5])} and {endpoint(server, port)} were ended by "
                        f"a reset from {who} instead of a normal close."),
                count=len(streams), first_seen=utc_from_epoch(streams[0].start_time),
                last_seen=utc_from_epoch(streams[-1].end_time),
                evidence=self.evidence(frames, "RST from the server" if by_server
                                       else "RST from the client"),
                facts={"server": server, "port": port, "reset_by":
                       "server" if by_server else "client", "connections": len(streams)},
                remediation=("Look at the server's logs at these times for crashes, restarts, "
                             "idle or request timeouts, and at any proxy or load balancer in "
                             "between (idle timeouts reset connections)." if by_server else
                             "Check the client's logs for aborted requests or timeouts at "
                             "these times; a client reset often follows its own timeout."))

    def retransmissions(self, tcp_streams: list[Stream]) -> Iterator[Finding]:
        """Retransmission rates at or above ``RETRANSMISSION_RATE``, by server endpoint."""
        by_server: dict[tuple[str, int], list[Stream]] = defaultdict(list)
        for stream in tcp_streams:
            if stream.forward.retransmissions or stream.reverse.retransmissions:
                by_server[(stream.server, stream.server_port)].append(stream)
        for (server, port), streams in sorted(by_server.items()):
            retransmitted = sum(s.forward.retransmissions + s.reverse.retransmissions
                                for s in streams)
            # SYNs count: a retransmitted SYN is a segment the path lost as much as data.
            segments = sum(s.forward.segments + s.reverse.segments for s in streams)
            rate = retransmitted / segments
            if retransmitted < RETRANSMISSION_MIN or rate < RETRANSMISSION_RATE:
                continue
            yield RETRANSMISSIONS.finding(
                f"{rate:.0%} of segments with {endpoint(server, port)} were retransmitted "
                f"({retransmitted:,} of {segments:,})",
                analyzer=self.analyzer,
                detail=(f"Across {_plural(len(streams), 'connection')} with "
                        f"{endpoint(server, port)}, {retransmitted:,} segments had to be sent "
                        "again: packets are lost between the hosts, which slows every "
                        "transfer and can end in timeouts."),
                count=retransmitted, first_seen=utc_from_epoch(streams[0].start_time),
                last_seen=utc_from_epoch(streams[-1].end_time),
                evidence=[Evidence(self.artifact, PacketLocator(s.start_frame),
                                   f"stream {s.index}: "
                                   f"{s.forward.retransmissions + s.reverse.retransmissions} "
                                   "retransmissions") for s in streams[:EVIDENCE_PACKETS]],
                facts={"server": server, "port": port, "retransmissions": retransmitted,
                       "segments": segments, "rate": round(rate, 4),
                       "streams": [s.index for s in streams[:50]]},
                remediation=("Check interface error and drop counters on both hosts and the "
                             "devices in between, duplex/MTU mismatches and congested links; "
                             "capture at both ends to locate where packets are lost."))

    def zero_windows(self, tcp_streams: list[Stream]) -> Iterator[Finding]:
        """One finding per direction that advertised a zero window."""
        for stream in tcp_streams:
            for forward, direction in ((True, stream.forward), (False, stream.reverse)):
                if not direction.zero_window_frame:
                    continue
                receiver = endpoint(*stream.side(forward))
                sender = endpoint(*stream.side(not forward))
                recovered = direction.zero_window_recovered
                state = "recovered" if recovered else "never recovered"
                frames = [direction.zero_window_frame] + ([recovered] if recovered else [])
                yield ZERO_WINDOW.finding(
                    f"{receiver} stopped reading data from {sender} (zero window, {state})",
                    analyzer=self.analyzer,
                    severity=Severity.MEDIUM if recovered else Severity.HIGH,
                    detail=(f"{receiver} told {sender} that its receive buffer was full "
                            f"(window 0) in packet {direction.zero_window_frame}: the "
                            "application on that host did not read its socket fast enough. "
                            + (f"It opened the window again in packet {recovered}."
                               if recovered else "It never opened the window again in the "
                               "capture: the connection was stuck.")),
                    first_seen=utc_from_epoch(stream.start_time),
                    last_seen=utc_from_epoch(stream.end_time),
                    evidence=self.evidence(frames, "window 0" if len(frames) == 1 else
                                           "window 0, then window opened"),
                    facts={"receiver": receiver, "sender": sender, "stream": stream.index,
                           "recovered": bool(recovered)},
                    remediation=(f"Look at the application on {receiver.rsplit(':', 1)[0]}: "
                                 "is it blocked, busy (CPU, GC pauses) or stuck waiting on "
                                 "something else? Its thread dumps and logs at this time say."))

    def latency(self, tcp_streams: list[Stream]) -> Iterator[Finding]:
        """Slow handshakes, and slow answers with where the time went: client, network or
        server (the server when its delay is at least four handshake round trips)."""
        slow_handshakes: dict[tuple[str, int], list[tuple[float, Stream]]] = defaultdict(list)
        slow_servers: dict[tuple[str, int], list[tuple[float, float, Stream]]] = (
            defaultdict(list))
        for stream in tcp_streams:
            if stream.syn_time is not None and stream.synack_time is not None:
                rtt = stream.synack_time - stream.syn_time
                if rtt >= SLOW_HANDSHAKE_SECONDS:
                    slow_handshakes[(stream.server, stream.server_port)].append((rtt, stream))
            delay = stream.response_delay()
            if delay is not None and delay >= SLOW_RESPONSE_SECONDS:
                rtt = (stream.synack_time - stream.syn_time
                       if stream.synack_time is not None and stream.syn_time is not None
                       else 0.0)
                slow_servers[(stream.server, stream.server_port)].append((delay, rtt, stream))
        for (server, port), items in sorted(slow_handshakes.items()):
            worst, stream = max(items, key=lambda item: item[0])
            yield SLOW_HANDSHAKE.finding(
                f"{endpoint(server, port)} took up to {worst:.2f} s to answer connection "
                f"attempts ({_plural(len(items), 'slow handshake')})",
                analyzer=self.analyzer,
                detail=("The time from SYN to SYN-ACK is one network round trip plus the "
                         "server's accept; this long means SYNs were lost and retransmitted, "
                         "the path is very long, or the server's accept queue is full."),
                count=len(items), first_seen=utc_from_epoch(items[0][1].start_time),
                last_seen=utc_from_epoch(items[-1][1].end_time),
                evidence=self.evidence([stream.syn_frame, stream.synack_frame],
                                       f"SYN to SYN-ACK {worst:.3f} s"),
                facts={"server": server, "port": port, "worst_seconds": round(worst, 6),
                       "slow_handshakes": len(items)},
                remediation=("Look for SYN retransmissions just before the SYN-ACK (loss), "
                             "the server's listen backlog (netstat -s: 'SYNs to LISTEN "
                             "sockets dropped') and its load."))
        for (server, port), items in sorted(slow_servers.items()):
            delay, rtt, stream = max(items, key=lambda item: item[0])
            if rtt and delay < 4 * rtt:
                where, next_step = "network", ("the path between client and server: "
                                               "compare with a ping/traceroute")
            else:
                where, next_step = "server", (f"the application on {server}: its logs, "
                                              "slow queries and the backends it calls at "
                                              "this time")
            yield SERVER_LATENCY.finding(
                f"{endpoint(server, port)} took {delay:.2f} s to start answering a request: "
                f"the delay is in the {where}",
                analyzer=self.analyzer,
                detail=(f"The network round trip (handshake) was {rtt * 1000:.1f} ms but the "
                        f"first response byte came {delay * 1000:.0f} ms after the request's "
                        f"last byte, on {_plural(len(items), 'connection')}. "
                        + ("Most of the time is spent by the server, not the network."
                           if where == "server" else
                           "The round trip itself is long: the time is spent on the way.")),
                count=len(items), first_seen=utc_from_epoch(items[0][2].start_time),
                last_seen=utc_from_epoch(items[-1][2].end_time),
                evidence=self.evidence([f for f in (stream.syn_frame, stream.synack_frame)
                                        if f] + [stream.start_frame],
                                       f"request to first response byte {delay:.3f} s"),
                facts={"server": server, "port": port, "where": where,
                       "response_seconds": round(delay, 6), "rtt_seconds": round(rtt, 6),
                       "stream": stream.index},
                remediation=f"Check {next_step}.")
        client_waits = []
        for stream in tcp_streams:
            if (stream.handshake_ack_time is not None
                    and stream.forward.first_data_time is not None):
                wait = stream.forward.first_data_time - stream.handshake_ack_time
                if wait >= SLOW_RESPONSE_SECONDS:
                    client_waits.append((wait, stream))
        if client_waits:
            wait, stream = max(client_waits, key=lambda item: item[0])
            yield SERVER_LATENCY.finding(
                f"The client {stream.client} waited {wait:.2f} s after connecting to "
                f"{endpoint(stream.server, stream.server_port)} before sending its request: "
                "the delay is in the client",
                analyzer=self.analyzer,
                detail=("The connection was ready (handshake done) long before the client "
                        "sent anything: the time is spent on the client side."),
                count=len(client_waits), first_seen=utc_from_epoch(stream.start_time),
                last_seen=utc_from_epoch(stream.end_time),
                evidence=self.evidence([stream.start_frame, stream.end_frame],
                                       f"handshake to first request byte {wait:.3f} s"),
                facts={"client": stream.client, "server": stream.server,
                       "port": stream.server_port, "where": "client",
                       "client_wait_seconds": round(wait, 6), "stream": stream.index},
                remediation=("Check the client application: what it does between connecting "
                             "and sending (building the request, waiting on another call, "
                             "CPU or GC pauses)."))

    def dns(self, dns: DnsTracker) -> Iterator[Finding]:
        """NXDOMAIN by name, SERVFAIL, unanswered queries and slow answers by server."""
        nxdomain: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        servfail: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        for (rcode, server, name), answers in sorted(dns.failures.items()):
            target = nxdomain if rcode == 3 else servfail
            target[name].extend((frame, time, server, client)
                                for frame, time, client in answers)
        for name, answers in sorted(nxdomain.items()):
            servers = sorted({server for _, _, server, _ in answers})
            yield DNS_NXDOMAIN.finding(
                f"{name} does not exist according to {', '.join(servers)} "
                f"(NXDOMAIN, {_plural(len(answers), 'answer')})",
                analyzer=self.analyzer,
                detail=(f"The DNS server{'s' if len(servers) > 1 else ''} answered that "
                        f"{name} does not exist. A client configured with this name cannot "
                        "connect anywhere."),
                count=len(answers), first_seen=utc_from_epoch(min(a[1] for a in answers)),
                last_seen=utc_from_epoch(max(a[1] for a in answers)),
                evidence=self.evidence([a[0] for a in answers], f"NXDOMAIN for {name}"),
                facts={"name": name, "servers": servers,
                       "clients": sorted({a[3] for a in answers})[:20]},
                remediation=(f"Check the spelling of {name} in the client's configuration, "
                             "its DNS search domains, and whether the record exists in the "
                             "zone (dig against the authoritative server)."))
        by_server: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        for name, answers in servfail.items():
            for frame, time, server, client in answers:
                by_server[server].append((frame, time, name, client))
        for server, answers in sorted(by_server.items()):
            answers.sort()
            names = sorted({a[2] for a in answers})
            yield DNS_SERVFAIL.finding(
                f"DNS server {server} failed to resolve {', '.join(names[:3])}"
                f"{' and others' if len(names) > 3 else ''} (SERVFAIL, "
                f"{_plural(len(answers), 'answer')})",
                analyzer=self.analyzer,
                detail=(f"{server} answered SERVFAIL: it could not get an answer itself, "
                        "usually because the authoritative servers are unreachable from it, "
                        "a DNSSEC validation failed, or its forwarder is down."),
                count=len(answers), first_seen=utc_from_epoch(answers[0][1]),
                last_seen=utc_from_epoch(answers[-1][1]),
                evidence=self.evidence([a[0] for a in answers], "SERVFAIL"),
                facts={"server": server, "names": names[:20]},
                remediation=(f"Query {server} and another resolver for the same names (dig "
                             f"@{server} NAME); check {server}'s forwarders, its reach to "
                             "the authoritative servers, and DNSSEC for the zone."))
        unanswered: dict[str, list[DnsQuery]] = defaultdict(list)
        for query in dns.queries:
            if not query.answered and query.server not in MULTICAST_GROUPS:
                unanswered[query.server].append(query)
        for server, queries in sorted(unanswered.items()):
            for query in queries:
                self.events.add(query.time, query.frame, Severity.MEDIUM,
                                f"DNS query for {query.name} to {server} never answered")
            names = sorted({q.name for q in queries})
            yield DNS_NO_RESPONSE.finding(
                f"DNS server {server} did not answer {_plural(len(queries), 'query', 'queries')}",
                analyzer=self.analyzer,
                detail=(f"Queries for {', '.join(names[:5])}"
                        f"{' and others' if len(names) > 5 else ''} to {server} got no answer "
                        "in the capture: the server is down, unreachable, or a firewall "
                        "drops DNS."),
                count=len(queries), first_seen=utc_from_epoch(queries[0].time),
                last_seen=utc_from_epoch(queries[-1].time),
                evidence=self.evidence([q.frame for q in queries], f"query to {server}, "
                                                                   "no answer"),
                facts={"server": server, "names": names[:20], "queries": len(queries)},
                remediation=(f"Check that {server} is the right resolver for this client "
                             "(resolv.conf, DHCP), that it is up, and that UDP and TCP port "
                             "53 are open to it."))
        slow_by_server: dict[str, list[tuple[float, DnsQuery, int, float]]] = (
            defaultdict(list))
        for item in dns.slow:
            slow_by_server[item[1].server].append(item)
        for server, items in sorted(slow_by_server.items()):
            worst = max(items, key=lambda item: item[0])
            yield DNS_SLOW.finding(
                f"DNS server {server} took up to {worst[0]:.2f} s to answer "
                f"({_plural(len(items), 'slow answer')})",
                analyzer=self.analyzer,
                detail=(f"The answer for {worst[1].name} came {worst[0]:.2f} s after the query; "
                        "every connection to a name waits for this first."),
                count=len(items), first_seen=utc_from_epoch(items[0][1].time),
                last_seen=utc_from_epoch(items[-1][3]),
                evidence=self.evidence([worst[1].frame, worst[2]],
                                       f"query to answer {worst[0]:.3f} s"),
                facts={"server": server, "worst_seconds": round(worst[0], 6),
                       "name": worst[1].name},
                remediation=(f"Check {server}'s load and its upstream resolvers; consider a "
                             "closer or caching resolver."))

    def icmp(self, icmp: IcmpTracker) -> Iterator[Finding]:
        """One finding per reporter, reason and destination, first reported first."""
        for key, hits in sorted(icmp.errors.items(), key=lambda item: item[1][0]):
            reporter, reason, target, port, target_protocol, mtu = key
            where = endpoint(target, port) if port else target
            protocol_name = {6: "TCP", 17: "UDP"}.get(target_protocol, "")
            mtu_problem = "MTU" in reason
            if mtu_problem:
                remediation = (f"Packets to {target} are too big for a link on the way"
                               + (f" (next-hop MTU {mtu})" if mtu else "") + ": check MTU "
                               "settings on the path (VPNs, tunnels), that ICMP is not "
                               "filtered (path MTU discovery needs it), or clamp the TCP MSS.")
            else:
                remediation = (f"Check that {where} is the right destination, that the "
                               f"service on it runs, and the routing/firewall at {reporter}.")
            yield ICMP_UNREACHABLE.finding(
                f"{reporter} reports {where} {protocol_name} {reason}".replace("  ", " "),
                analyzer=self.analyzer,
                detail=(f"{reporter} sent {_plural(len(hits), 'ICMP error')} ({reason}) about "
                        f"packets to {where}."),
                count=len(hits), first_seen=utc_from_epoch(hits[0][1]),
                last_seen=utc_from_epoch(hits[-1][1]),
                evidence=self.evidence([frame for frame, _ in hits], f"ICMP {reason}"),
                facts={"reporter": reporter, "target": target, "port": port,
                       "reason": reason, "mtu": mtu},
                remediation=remediation)
