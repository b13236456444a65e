"""analyzers.network.dns_findings: every DNS rule on generated traffic and on the corpus
captures that are textbook cases of it, and negative answers described by what they hold."""

from __future__ import annotations

import pytest

from inspector.training.scenarios.packets import (
    NXDOMAIN,
    SERVFAIL,
    Capture,
    dns_query,
    dns_response,
    udp,
)
from tests.analyzers.network.traffic import (
    CLIENT,
    RESOLVER,
    T0,
    analyze,
    analyze_corpus,
    dns_exchange,
)
from tests.corpus import CORPUS


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "rule_id", "words"), [
    ("dns_query_nonexistent.pcapng", "dns.nxdomain", "does not exist"),
    ("stranded_branchdns.pcapng", "dns.servfail", "SERVFAIL"),
    ("nowebaccess1.pcapng", "dns.no-response", "did not answer"),
])
def test_textbook_captures_give_their_finding(name, rule_id, words):
    if not (CORPUS / "pcap" / name).is_file():
        pytest.skip("the shared corpus is not available")
    [finding, *_] = analyze_corpus(name).by_rule(rule_id)
    assert words in finding.title
    assert finding.evidence and finding.remediation


def test_dns_failures_each_have_their_finding():
    capture = Capture()
    dns_exchange(capture, T0, 1, "api.example.com", rcode=0)
    dns_exchange(capture, T0 + 1, 2, "apii.example.com", rcode=NXDOMAIN)
    dns_exchange(capture, T0 + 2, 3, "apii.example.com", rcode=NXDOMAIN)
    dns_exchange(capture, T0 + 3, 4, "broken.example.org", rcode=SERVFAIL)
    dns_exchange(capture, T0 + 4, 5, "api.example.com", rcode=None, server="10.0.0.54")
    dns_exchange(capture, T0 + 5, 6, "cdn.example.net", rcode=0, delay=1.5)
    run = analyze(capture)
    stats = run.stats
    assert (stats["dns_queries"], stats["dns_responses"], stats["dns_nxdomain"],
            stats["dns_servfail"], stats["dns_unanswered"]) == (6, 5, 2, 1, 1)
    [nxdomain] = run.by_rule("dns.nxdomain")
    assert nxdomain.title.startswith("apii.example.com does not exist")
    assert nxdomain.count == 2 and [e.locator.index for e in nxdomain.evidence] == [4, 6]
    [servfail] = run.by_rule("dns.servfail")
    assert "broken.example.org" in servfail.title and RESOLVER in servfail.title
    [silent] = run.by_rule("dns.no-response")
    assert silent.facts["server"] == "10.0.0.54" and silent.evidence[0].locator.index == 9
    [slow] = run.by_rule("dns.slow")
    assert slow.facts["worst_seconds"] == pytest.approx(1.5)


def test_nxdomain_with_an_soa_is_counted_in_responses_and_records():
    """An NXDOMAIN answer holds 0 answers and the zone's SOA in its authority section: the
    finding says "1 response" and what it holds, never "1 answer"."""
    capture = Capture()
    capture.add_ip(T0, CLIENT, RESOLVER, 17, udp(CLIENT, RESOLVER, 40001, 53,
                                                 dns_query(1, "apii.example.com")))
    capture.add_ip(T0 + 0.002, RESOLVER, CLIENT, 17, udp(
        RESOLVER, CLIENT, 53, 40001, dns_response(1, "apii.example.com", rcode=NXDOMAIN,
                                                  soa_zone="example.com")), to_client=True)
    [nxdomain] = analyze(capture).by_rule("dns.nxdomain")
    assert nxdomain.title == ("apii.example.com does not exist according to 10.0.0.53 "
                              "(NXDOMAIN in 1 response)")
    assert "answer" not in nxdomain.title
    assert nxdomain.evidence[0].excerpt == (
        "NXDOMAIN for apii.example.com: 0 answers, 1 authority record (SOA example.com)")
    assert (nxdomain.facts["answer_records"], nxdomain.facts["authority_records"],
            nxdomain.facts["zones"]) == (0, 1, ["example.com"])
    assert "zone example.com" in nxdomain.detail


def test_answers_that_are_normal_make_no_finding_but_still_count():
    capture = Capture()
    # A pod resolver (ndots 5) tries its search domains before the name itself.
    for number, suffix in enumerate(("default.svc.cluster.local", "svc.cluster.local"), 1):
        dns_exchange(capture, T0 + number, number, f"api.example.com.{suffix}",
                     rcode=NXDOMAIN)
    dns_exchange(capture, T0 + 3, 3, "api.example.com", rcode=0)
    dns_exchange(capture, T0 + 4, 4, "wpad.corp.example.com", rcode=NXDOMAIN)
    dns_exchange(capture, T0 + 5, 5, "b._dns-sd._udp.corp.example.com", rcode=NXDOMAIN)
    dns_exchange(capture, T0 + 6, 6, "payments.intrnal.example.com", rcode=NXDOMAIN)
    dns_exchange(capture, T0 + 7, 7, "cdn.example.net", rcode=0, delay=0.8)
    run = analyze(capture)
    assert run.stats["dns_nxdomain"] == 5
    assert [f.facts["name"] for f in run.by_rule("dns.nxdomain")] == [
        "payments.intrnal.example.com"]
    assert run.by_rule("dns.slow") == []  # one answer under a second delays nothing
    for number in (8, 9):
        dns_exchange(capture, T0 + 10 + number, number, "cdn.example.net", rcode=0, delay=0.6)
    [slow] = analyze(capture).by_rule("dns.slow")
    assert slow.count == 3 and slow.facts["worst_seconds"] == pytest.approx(0.8)
