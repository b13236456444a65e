"""analyzers.tls.findings: every rule, judged at the time of the capture."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from analyzers.tls.findings import is_weak_cipher
from inspector.model import PacketLocator
from tests.analyzers.tls.traffic import (
    CAPTURE_TIME,
    FATAL_ALERT,
    analyze,
    client_hello,
    leaf,
    make_certificate,
    record,
    server_flight,
    tls_capture,
)


def test_expired_certificate_is_judged_by_capture_time_and_alert_explained(pki):
    expired = leaf(pki, days=(-400, -1))
    run = analyze(tls_capture(record(22, client_hello()),
                              server_flight(pki, [expired, pki["intermediate"]]),
                              after=[(True, FATAL_ALERT["certificate_expired"])]))
    assert run.rules() == {"tls.certificate-expired", "tls.handshake-failure"}
    [finding] = run.by_rule("tls.certificate-expired")
    assert finding.facts["not_after"] == (CAPTURE_TIME - timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert "certificate_expired" in finding.detail
    [failure] = run.by_rule("tls.handshake-failure")
    assert failure.facts["sender"] == "client" and failure.facts["alert"] == "certificate_expired"
    assert "expired" in failure.detail
    alert_packet = run.stats["alerts"][0]["packet"]
    assert PacketLocator(alert_packet) in [e.locator for e in failure.evidence]
    [event] = run.events
    assert event.locator == PacketLocator(alert_packet)
    assert "certificate_expired" in event.message


def test_valid_certificate_in_an_old_capture_is_not_expired(pki):
    # Valid at capture time although long expired today: nothing to report.
    old = leaf(pki, days=(-10, 10))
    run = analyze(tls_capture(record(22, client_hello()), server_flight(pki, [
        old, pki["intermediate"]])))
    assert "tls.certificate-expired" not in run.rules()


def test_not_yet_valid_hostname_self_signed_incomplete_chain(pki):
    future = leaf(pki, days=(2, 300), dns_names=("www.example.com", "*.internal.example.com"))
    self_signed = make_certificate("api.example.com", pki["leaf_key"], "api.example.com",
                                   pki["leaf_key"], dns_names=("api.example.com",))
    runs = {
        "future": analyze(tls_capture(record(22, client_hello()),
                                      server_flight(pki, [future, pki["intermediate"]]))),
        "self": analyze(tls_capture(record(22, client_hello()),
                                    server_flight(pki, [self_signed]))),
        "alone": analyze(tls_capture(record(22, client_hello()),
                                     server_flight(pki, [leaf(pki)]),
                                     after=[(True, FATAL_ALERT["unknown_ca"])])),
    }
    assert runs["future"].rules() == {"tls.certificate-not-yet-valid",
                                      "tls.certificate-hostname-mismatch"}
    mismatch = runs["future"].by_rule("tls.certificate-hostname-mismatch")[0]
    assert mismatch.facts["sni"] == "api.example.com"
    assert mismatch.facts["certificate_names"] == ["www.example.com", "*.internal.example.com"]
    assert runs["self"].rules() == {"tls.certificate-self-signed"}
    assert runs["alone"].rules() == {"tls.chain-incomplete", "tls.handshake-failure"}
    failure = runs["alone"].by_rule("tls.handshake-failure")[0]
    assert "trust" in failure.detail and "intermediate" in failure.remediation


def test_deprecated_protocol_weak_cipher_and_weak_key(pki):
    weak_key = rsa.generate_private_key(65537, 1024)
    weak = make_certificate("api.example.com", weak_key, "Test Issuing CA",
                            pki["intermediate_key"], dns_names=("api.example.com",))
    hello = record(22, client_hello(legacy=0x0301, versions=(), ciphers=(0x000A, 0x002F)),
                   version=0x0301)
    run = analyze(tls_capture(hello, server_flight(pki, [weak, pki["intermediate"]],
                                                   version=0x0301, cipher=0x000A)))
    assert run.rules() == {"tls.deprecated-protocol", "tls.weak-cipher", "tls.weak-key"}
    assert run.by_rule("tls.deprecated-protocol")[0].facts["version"] == "TLS 1.0"
    assert run.by_rule("tls.weak-cipher")[0].facts["cipher_suite"] == (
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
    assert run.by_rule("tls.weak-key")[0].facts["key_size"] == 1024


def test_server_refusing_old_client_with_protocol_version(pki):
    hello = record(22, client_hello(legacy=0x0302, versions=()), version=0x0301)
    run = analyze(tls_capture(hello, record(21, b"\x02\x46")))
    assert run.rules() == {"tls.handshake-failure", "tls.deprecated-protocol"}
    failure = run.by_rule("tls.handshake-failure")[0]
    assert failure.facts["sender"] == "server" and failure.facts["alert"] == "protocol_version"
    assert "never answered with a ServerHello" in failure.detail


@pytest.mark.parametrize(("name", "weak"), [
    ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", True),
    ("TLS_RSA_WITH_RC4_128_SHA", True),
    ("TLS_DH_anon_WITH_AES_128_CBC_SHA", True),
    ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", True),
    ("TLS_RSA_WITH_NULL_SHA", True),
    ("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", False),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", False),
    ("TLS_AES_128_GCM_SHA256", False),
])
def test_weak_cipher_suites_are_told_apart(name, weak):
    assert is_weak_cipher(name) is weak
