"""analyzers.network.icmp: ICMP errors, the destination they quote and the MTU."""

from __future__ import annotations

from analyzers.network.icmp import embedded_destination
from inspector.training.scenarios.packets import Capture, icmp, ipv4, ipv6, tcp
from tests.analyzers.network.traffic import CLIENT, SERVER, T0, analyze


def test_icmp_fragmentation_needed_names_the_mtu():
    capture = Capture()
    big = ipv4(CLIENT, SERVER, 6, tcp(CLIENT, SERVER, 50000, 443, seq=1, payload=bytes(1460)))
    capture.add_ip(T0, CLIENT, SERVER, 6, big[20:])
    capture.add_ip(T0 + 0.01, "10.0.0.1", CLIENT, 1, icmp(3, 4, big[:28], rest=1400),
                   to_client=True)
    [finding] = analyze(capture).by_rule("icmp.unreachable")
    assert finding.facts == {"reporter": "10.0.0.1", "target": SERVER, "port": 443,
                             "reason": "fragmentation needed (MTU)", "mtu": 1400}
    assert "MTU 1400" in finding.remediation
    assert finding.evidence[0].locator.index == 2


def test_icmpv6_packet_too_big_is_reported_with_its_mtu():
    capture = Capture()
    big = ipv6("2001:db8::5", "2001:db8::80", 6, tcp("2001:db8::5", "2001:db8::80", 50000, 443,
                                                     seq=1, payload=bytes(1400)))
    capture.add_ip(T0, "2001:db8::1", "2001:db8::5", 58,
                   icmp(2, 0, big[:1232], rest=1280, src="2001:db8::1", dst="2001:db8::5"),
                   to_client=True)
    [finding] = analyze(capture).by_rule("icmp.unreachable")
    assert finding.facts == {"reporter": "2001:db8::1", "target": "2001:db8::80", "port": 443,
                             "reason": "packet too big (MTU)", "mtu": 1280}


def test_a_quoted_packet_that_is_not_ip_has_no_destination():
    assert embedded_destination(b"\x00" * 40) == ("?", 0, 0)
    assert embedded_destination(b"\x45" * 10) == ("?", 0, 0)
