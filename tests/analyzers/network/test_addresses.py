"""analyzers.network.addresses: addresses and endpoints as the findings write them."""

from __future__ import annotations

import ipaddress

from analyzers.network.addresses import address_text, endpoint


def test_addresses_are_written_in_their_usual_short_form():
    assert address_text(ipaddress.IPv4Address("192.0.2.7").packed) == "192.0.2.7"
    assert address_text(ipaddress.IPv6Address("2001:db8::1").packed) == "2001:db8::1"


def test_ipv6_endpoints_are_bracketed():
    assert endpoint("192.0.2.7", 443) == "192.0.2.7:443"
    assert endpoint("2001:db8::1", 443) == "[2001:db8::1]:443"
