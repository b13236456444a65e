"""The network analyzer's DNS rules and findings: NXDOMAIN by name, SERVFAIL and unanswered
queries by server, slow answers by server.

A failure is counted in responses and described by the records the response carries ("0
answers, 1 authority record (SOA example.com)"), never as "1 answer", which a reader takes for
an answer record. Queries that were never answered are also timeline events, known only
after the last packet.

Some answers are noise, not trouble, and make no finding (the counters still count them, as
tshark does):
- NXDOMAIN for names clients ask expecting them not to exist: Windows' proxy and ISATAP
  autodiscovery (``wpad.``, ``isatap.``) and DNS-SD's browse domains (``_dns-sd._udp``);
- NXDOMAIN for a search-list expansion of a name that did resolve (``api.example.com.corp.
  local`` beside a successful ``api.example.com``): the resolver tried its search domains;
- slow answers, unless one took ``SLOW_ALONE_SECONDS`` or more or a server was slow
  ``SLOW_ANSWERS_MIN`` times: one 0.8 s answer among many delays nothing that matters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzers.network.dns import MULTICAST_GROUPS, DnsQuery, DnsTracker, Failure
from analyzers.network.judging import Judge, plural
from inspector.model import Finding, Severity, utc_from_epoch
from inspector.rules import rule

DNS_NXDOMAIN = rule("dns.nxdomain", Severity.MEDIUM, "dns",
                    "A DNS name does not exist (NXDOMAIN)", same_cause=("name",))
DNS_SERVFAIL = rule("dns.servfail", Severity.HIGH, "dns",
                    "A DNS server failed to resolve names (SERVFAIL)", same_cause=("server",))
DNS_NO_RESPONSE = rule("dns.no-response", Severity.HIGH, "dns",
                       "DNS queries were never answered", same_cause=("server",))
DNS_SLOW = rule("dns.slow", Severity.LOW, "dns", "DNS answers were slow")
DNS_RULES = (DNS_NXDOMAIN, DNS_SERVFAIL, DNS_NO_RESPONSE, DNS_SLOW)

SLOW_ALONE_SECONDS = 1.0
SLOW_ANSWERS_MIN = 3
_PROBE_LABELS = frozenset({"wpad", "isatap"})


def expected_not_to_exist(name: str) -> bool:
    """Whether clients ask for ``name`` expecting NXDOMAIN (autodiscovery, DNS-SD browsing).

    >>> expected_not_to_exist("wpad.corp.example.com"), expected_not_to_exist("WPAD")
    (True, True)
    >>> expected_not_to_exist("lb._dns-sd._udp.example.com")
    True
    >>> expected_not_to_exist("wpad-server.example.com"), expected_not_to_exist("api.wpad.io")
    (False, False)
    """
    labels = name.lower().rstrip(".").split(".")
    return labels[0] in _PROBE_LABELS or "_dns-sd" in labels


def search_expansion(name: str, resolved: set[str]) -> bool:
    """Whether ``name`` is a resolved name of two labels or more with a search domain
    appended, as a resolver with ``ndots`` (five in Kubernetes pods) tries before the name.

    >>> search_expansion("api.example.com.default.svc.cluster.local", {"api.example.com"})
    True
    >>> search_expansion("payments.intrnal.example.com", {"example.com", "payments"})
    False
    """
    labels = name.lower().rstrip(".").split(".")
    return any(".".join(labels[:end]) in resolved for end in range(2, len(labels)))


class DnsFindings(Judge):
    """The DNS findings of one capture."""

    def all(self, dns: DnsTracker) -> Iterator[Finding]:
        """NXDOMAIN by name, SERVFAIL, unanswered queries and slow answers by server."""
        nxdomain: dict[str, list[tuple[str, Failure]]] = defaultdict(list)
        servfail: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        failed = {name.lower() for _, _, name in dns.failures}
        resolved = {query.name.lower() for query in dns.queries if query.answered} - failed
        for (rcode, server, name), answers in sorted(dns.failures.items()):
            if rcode == 3:
                if not (expected_not_to_exist(name) or search_expansion(name, resolved)):
                    nxdomain[name].extend((server, failure) for failure in answers)
            else:
                servfail[name].extend((failure.frame, failure.time, server, failure.client)
                                      for failure in answers)
        for name, answers in sorted(nxdomain.items()):
            yield self.nxdomain(name, sorted(answers, key=lambda item: item[1].frame))
        by_server: dict[str, list[tuple[int, float, str, str]]] = defaultdict(list)
        for name, answers in servfail.items():
            for frame, time, server, client in answers:
                by_server[server].append((frame, time, name, client))
        for server, answers in sorted(by_server.items()):
            answers.sort()
            names = sorted({a[2] for a in answers})
            yield DNS_SERVFAIL.finding(
                f"DNS server {server} failed to resolve {', '.join(names[:3])}"
                f"{' and others' if len(names) > 3 else ''} (SERVFAIL in "
                f"{plural(len(answers), 'response')})",
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
                f"DNS server {server} did not answer {plural(len(queries), 'query', 'queries')}",
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
            if worst[0] < SLOW_ALONE_SECONDS and len(items) < SLOW_ANSWERS_MIN:
                continue
            yield DNS_SLOW.finding(
                f"DNS server {server} took up to {worst[0]:.2f} s to answer "
                f"({plural(len(items), 'slow answer')})",
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

    def nxdomain(self, name: str, answers: list[tuple[str, Failure]]) -> Finding:
        """``dns.nxdomain`` for one name: the servers that denied it, in how many responses,
        and what those responses hold (counted as the records they carry, so that "1
        response" is never read as "1 answer")."""
        servers = sorted({server for server, _ in answers})
        first = answers[0][1]
        zones = sorted({failure.zone for _, failure in answers if failure.zone})
        where = (f" The authority section names the zone {', '.join(zones)} (its SOA record): "
                 "that zone's servers say the name is not in it." if zones else "")
        return DNS_NXDOMAIN.finding(
            f"{name} does not exist according to {', '.join(servers)} "
            f"(NXDOMAIN in {plural(len(answers), 'response')})",
            analyzer=self.analyzer,
            detail=(f"The DNS server{'s' if len(servers) > 1 else ''} answered that {name} "
                    f"does not exist (the first response: {first.records()}).{where} A "
                    "client configured with this name cannot connect anywhere."),
            count=len(answers), first_seen=utc_from_epoch(min(f.time for _, f in answers)),
            last_seen=utc_from_epoch(max(f.time for _, f in answers)),
            evidence=self.evidence([f.frame for _, f in answers],
                                   f"NXDOMAIN for {name}: {first.records()}"),
            facts={"name": name, "servers": servers,
                   "clients": sorted({f.client for _, f in answers})[:20],
                   "responses": len(answers), "answer_records": first.answers,
                   "authority_records": first.authorities, "zones": zones},
            remediation=(f"Check the spelling of {name} in the client's configuration, its "
                         "DNS search domains, and whether the record exists in the zone (dig "
                         "against the authoritative server)."))
