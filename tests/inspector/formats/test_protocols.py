"""Protocol names: one table per protocol, the names Wireshark and the RFCs use."""

from __future__ import annotations

from inspector.formats.protocols import (
    ACK,
    ALERTS,
    DEPRECATED_VERSIONS,
    FIN,
    RST,
    SYN,
    alert_name,
    cipher_suite_name,
    dns_rcode_name,
    is_grease,
    tcp_flag_names,
    version_name,
)


def test_tcp_flags_are_named_lowest_bit_first():
    assert tcp_flag_names(SYN | ACK) == "SYN, ACK"
    assert tcp_flag_names(FIN | RST | ACK) == "FIN, RST, ACK"
    assert tcp_flag_names(0) == ""


def test_dns_and_tls_names_with_a_readable_fallback():
    assert dns_rcode_name(2) == "SERVFAIL" and dns_rcode_name(23) == "RCODE23"
    assert alert_name(48) == "unknown_ca" and alert_name(200) == "alert_200"
    assert "trust" in ALERTS[48][1]  # each alert says what it means for the engineer
    assert version_name(0x0301) == "TLS 1.0" and version_name(0x7F1C) == "0x7f1c"
    assert version_name(None) is None and 0x0301 in DEPRECATED_VERSIONS


def test_grease_and_cipher_suites():
    assert all(is_grease(value) for value in (0x0A0A, 0x1A1A, 0xFAFA))
    assert not is_grease(0x0A1A) and not is_grease(0x1301)
    assert cipher_suite_name(0x1301) == "TLS_AES_128_GCM_SHA256"
    assert cipher_suite_name(0xFEFE) == "0xfefe"
