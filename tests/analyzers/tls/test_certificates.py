"""analyzers.tls.certificates: hostname matching, chain linking, certificates that
cryptography cannot read, and describing each certificate once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from analyzers.tls.certificates import (
    CertificateDescriptions,
    chain_problem,
    describe_certificate,
    hostname_matches,
)
from inspector.testing import RecordingContext
from tests.analyzers.tls.traffic import (
    CAPTURE_TIME,
    analyze,
    client_hello,
    handshake,
    leaf,
    record,
    server_hello,
    tls_capture,
    vector,
)


@pytest.mark.parametrize(("hostname", "names", "expected"), [
    ("api.example.com", ["api.example.com"], True),
    ("API.Example.COM.", ["api.example.com"], True),
    ("api.example.com", ["*.example.com"], True),
    ("example.com", ["*.example.com"], False),
    ("a.b.example.com", ["*.example.com"], False),
    ("api.example.com", ["*.com"], False),
    ("api.example.com", ["a*.example.com"], False),
    ("api.example.com", ["www.example.com", "example.com"], False),
    ("api.example.com", [], False),
])
def test_hostname_matching_follows_rfc_6125(hostname, names, expected):
    assert hostname_matches(hostname, names) is expected


def test_chain_problem_names_the_missing_issuer(pki):
    der = serialization.Encoding.DER
    good = [leaf(pki).public_bytes(der), pki["intermediate"].public_bytes(der)]
    assert chain_problem(good) is None
    assert "CN=Test Issuing CA" in chain_problem(good[:1])
    assert "did not issue it" in chain_problem([good[0], pki["root"].public_bytes(der)])


def _self_issued(subject_type: _ASN1Type, issuer_type: _ASN1Type, *, other_key: bool = False):
    """A CA:TRUE certificate whose issuer is its own subject, the name written with
    ``issuer_type`` in the issuer field and ``subject_type`` in the subject (routers and
    appliances mix them), with key identifiers; signed by its own key unless ``other_key``."""
    key = ec.generate_private_key(ec.SECP256R1())
    signer = ec.generate_private_key(ec.SECP256R1()) if other_key else key

    def name(string_type: _ASN1Type) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "router.example.lan",
                                             _type=string_type)])

    identifier = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key())
    certificate = (
        x509.CertificateBuilder().subject_name(name(subject_type))
        .issuer_name(name(issuer_type)).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(CAPTURE_TIME - timedelta(days=30))
        .not_valid_after(CAPTURE_TIME + timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(identifier, critical=False)
        .add_extension(authority, critical=False)
        .sign(signer, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize("issuer_type", [_ASN1Type.UTF8String, _ASN1Type.PrintableString])
def test_self_signed_whatever_string_types_write_the_name(issuer_type):
    """Subject equals issuer, the key identifiers match, CA:TRUE: self-signed, not "chain
    incomplete", also when the name is a UTF8String in one field and a PrintableString in
    the other (``verify_directly_issued_by`` refuses that pair)."""
    der = _self_issued(_ASN1Type.UTF8String, issuer_type)
    assert describe_certificate(der).self_signed
    assert chain_problem([der]) is None


def test_same_name_signed_by_another_key_is_not_self_signed():
    der = _self_issued(_ASN1Type.UTF8String, _ASN1Type.UTF8String, other_key=True)
    assert not describe_certificate(der).self_signed
    assert "CN=router.example.lan" in chain_problem([der])


def test_self_signed_server_is_reported_as_self_signed_only():
    der = _self_issued(_ASN1Type.UTF8String, _ASN1Type.PrintableString)
    hello = handshake(2, bytes([3, 3]) + bytes(32) + vector(b"", 1) + b"\xc0\x2f\x00"
                      + vector(b"", 2))
    data = tls_capture(record(22, client_hello("router.example.lan")),
                       record(22, hello + handshake(11, vector(vector(der, 3), 3))
                              + handshake(14, b"")))
    rules = analyze(data).rules()
    assert "tls.certificate-self-signed" in rules
    assert "tls.chain-incomplete" not in rules


def test_certificates_cryptography_cannot_read_are_reported_not_fatal(pki):
    """Found by mutating the sample captures: a curve no one implements and a name whose
    value has the wrong ASN.1 tag (``cryptography`` reads names lazily and raises then)."""
    der = serialization.Encoding.DER
    p256 = bytes.fromhex("06082a8648ce3d030107")  # the OID of prime256v1
    leaf_der = leaf(pki).public_bytes(der)
    unknown_curve = leaf_der.replace(p256, bytes.fromhex("06082a8648ce3d030109"))
    intermediate = pki["intermediate"].public_bytes(der)
    subject = intermediate.find(b"\x0c\x0fTest Issuing CA")
    bad_name = intermediate[:subject] + b"\x02" + intermediate[subject + 1:]  # an INTEGER
    assert chain_problem([unknown_curve, bad_name]) is None  # too broken to judge
    # X.509 v86: cryptography raises InvalidVersion, which is not a ValueError.
    version = intermediate.find(bytes.fromhex("a003020102"))
    bad_version = intermediate[:version + 4] + b"\x56" + intermediate[version + 5:]
    assert chain_problem([unknown_curve, bad_version]) is None
    flight = record(22, server_hello(0x0303, 0xC02F) + handshake(11, vector(
        vector(unknown_curve, 3) + vector(bad_name, 3) + vector(bad_version, 3), 3))
        + handshake(14, b""))
    run = analyze(tls_capture(record(22, client_hello()), flight))
    (described,) = run.stats["certificates"]  # the unreadable one is left out, and said
    assert described["subject"] == "CN=api.example.com" and described["key_type"] == "unknown"
    assert any("unreadable certificate" in warning for warning in run.context.warnings)
    assert run.stats["server_hellos"] == 1


def test_a_certificate_is_described_as_an_engineer_checks_it(pki):
    info = describe_certificate(leaf(pki).public_bytes(serialization.Encoding.DER))
    assert (info.subject, info.issuer) == ("CN=api.example.com", "CN=Test Issuing CA")
    assert info.names() == ["api.example.com"]
    assert (info.key_type, info.key_size, info.weak_key, info.self_signed) == (
        "EC", 256, False, False)
    assert info.signature_algorithm == "ECDSA with SHA256"
    assert info.to_json()["not_after"] == info.not_after.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_each_certificate_is_described_once_and_an_unreadable_one_warned_once(pki):
    context = RecordingContext()
    descriptions = CertificateDescriptions(context)
    der = pki["intermediate"].public_bytes(serialization.Encoding.DER)
    assert descriptions.get(der) is descriptions.get(der)
    assert descriptions.get(b"not a certificate") is None
    assert descriptions.get(b"not a certificate") is None
    assert len(context.warnings) == 1 and "unreadable certificate" in context.warnings[0]
