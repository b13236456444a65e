"""Certificates in Secrets and kubeconfigs."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from analyzers.kubernetes.certificates import certificates_in


def pem(not_after: datetime) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.shop.example")])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(1)
                   .not_valid_before(not_after - timedelta(days=90))
                   .not_valid_after(not_after).sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


def test_tls_secret_certificate_is_read_with_its_pointer() -> None:
    when = datetime(2026, 11, 20, tzinfo=UTC)
    secret = {"kind": "Secret", "type": "kubernetes.io/tls",
              "data": {"tls.crt": base64.b64encode(pem(when)).decode(), "tls.key": "secret"}}
    [certificate] = certificates_in(secret)
    assert certificate["subject"] == "CN=api.shop.example"
    assert certificate["not_after"] == "2026-11-20T00:00:00Z"
    assert certificate["pointer"] == "/data/tls.crt"


def test_kubeconfig_client_certificate() -> None:
    data = base64.b64encode(pem(datetime(2027, 1, 1, tzinfo=UTC))).decode()
    config = {"kind": "Config", "users": [{"name": "admin", "user": {
        "client-certificate-data": data}}]}
    [certificate] = certificates_in(config)
    assert certificate["pointer"] == "/users/0/user/client-certificate-data"
    assert certificate["name"] == "admin"
