"""X.509 certificates as a support engineer checks them: who, for which names, valid when,
which key, self-signed or not, and whether a server's chain links up.

Certificates are parsed with ``cryptography`` once per distinct certificate
(``CertificateDescriptions``) and judged by the findings against the packet time of the
Certificate message, never against today (an old capture of a then-valid certificate is
not "expired"). Without a trust store (which would differ between machines and make results
non-deterministic), "chain incomplete" means the chain does not link up: a non-self-signed
leaf sent alone, or a certificate followed by one that did not issue it.

``cryptography`` parses names, extensions and keys lazily and raises on first use of a
malformed one, with several exception types (``UNREADABLE_CERTIFICATE``); everything here
reports such a certificate as unreadable or unknown rather than failing.

>>> hostname_matches("api.example.com", ["*.example.com"]), hostname_matches(
...     "a.b.example.com", ["*.example.com"])
(True, False)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from inspector.model import format_time
from inspector.plugins import AnalysisContext

# Readable names for certificate signature algorithms, from cryptography's public OID list.
SIGNATURE_ALGORITHM_NAMES = {
    oid: name.replace("_WITH_", " with ").replace("_", "-")
    for name, oid in vars(SignatureAlgorithmOID).items() if not name.startswith("_")
}


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """The fields of one X.509 certificate that a support engineer checks."""

    fingerprint_sha256: str
    subject: str
    issuer: str
    common_name: str | None
    dns_names: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    key_type: str
    key_size: int | None
    signature_algorithm: str
    self_signed: bool
    serial_number: str

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "dns_names": list(self.dns_names),
            "not_before": format_time(self.not_before),
            "not_after": format_time(self.not_after),
            "key_type": self.key_type,
            "key_size": self.key_size,
            "signature_algorithm": self.signature_algorithm,
            "self_signed": self.self_signed,
            "serial_number": self.serial_number,
            "fingerprint_sha256": self.fingerprint_sha256,
        }

    @property
    def weak_key(self) -> bool:
        """Too short to be safe: RSA or DSA under 2048 bits, EC under 224."""
        if self.key_size is None:
            return False
        if self.key_type in ("RSA", "DSA"):
            return self.key_size < 2048
        if self.key_type == "EC":
            return self.key_size < 224
        return False

    def names(self) -> list[str]:
        """The names the certificate is valid for: SAN DNS names, else the CN."""
        if self.dns_names:
            return list(self.dns_names)
        return [self.common_name] if self.common_name else []


# What ``cryptography`` raises on a certificate it cannot read, at load or (for names,
# extensions and keys, parsed lazily) on first use; several are not ValueErrors.
UNREADABLE_CERTIFICATE = (ValueError, TypeError, UnsupportedAlgorithm, x509.InvalidVersion,
                          x509.DuplicateExtension, x509.UnsupportedGeneralNameType)


def _key_description(certificate: x509.Certificate) -> tuple[str, int | None]:
    try:
        key = certificate.public_key()
    except UNREADABLE_CERTIFICATE:  # report it, don't fail
        return "unknown", None
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, None


def _key_identifiers_agree(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    """False only when both key identifiers are there and differ: the child names another
    key of its issuer (RFC 5280, 4.2.1.1)."""
    try:
        authority = child.extensions.get_extension_for_class(
            x509.AuthorityKeyIdentifier).value.key_identifier
        subject = issuer.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier).value.digest
    except (x509.ExtensionNotFound, *UNREADABLE_CERTIFICATE):
        return True
    return authority is None or authority == subject


def _signed_by(child: x509.Certificate, issuer: x509.Certificate) -> bool | None:
    """Whether ``issuer``'s key made ``child``'s signature; ``None`` when it cannot be
    checked (an algorithm ``cryptography`` does not do, such as MD5).

    The key verifies the signature directly: ``verify_directly_issued_by`` also demands the
    two names be encoded alike, and many self-signed certificates write the same name as a
    PrintableString in one place and a UTF8String in the other.
    """
    try:
        key = issuer.public_key()
        signature, signed = child.signature, child.tbs_certificate_bytes
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, child.signature_algorithm_parameters,
                       child.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, child.signature_algorithm_parameters)
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, signed)
        elif isinstance(key, dsa.DSAPublicKey) and child.signature_hash_algorithm:
            key.verify(signature, signed, child.signature_hash_algorithm)
        else:
            return None
    except InvalidSignature:
        return False
    except UNREADABLE_CERTIFICATE:
        return None
    return True


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    """``parent`` issued ``child``: the names match (as X.509 compares them, whatever string
    types encode them), the key identifiers agree, and the signature is ``parent``'s or
    cannot be checked."""
    return (child.issuer == parent.subject and _key_identifiers_agree(child, parent)
            and _signed_by(child, parent) is not False)


def _is_self_signed(certificate: x509.Certificate) -> bool:
    return _issued_by(certificate, certificate)


def describe_certificate(der: bytes) -> CertificateInfo:
    """Parse one DER certificate; raises ``ValueError`` when it is not one."""
    certificate = x509.load_der_x509_certificate(der)
    try:
        alternative_names = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value
        dns_names = tuple(alternative_names.get_values_for_type(x509.DNSName))
    except (x509.ExtensionNotFound, *UNREADABLE_CERTIFICATE):
        dns_names = ()
    common_names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = common_names[0].value if common_names else None
    key_type, key_size = _key_description(certificate)
    return CertificateInfo(
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        common_name=common_name if isinstance(common_name, str) else None,
        dns_names=dns_names,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        key_type=key_type,
        key_size=key_size,
        signature_algorithm=SIGNATURE_ALGORITHM_NAMES.get(
            certificate.signature_algorithm_oid,
            certificate.signature_algorithm_oid.dotted_string),
        self_signed=_is_self_signed(certificate),
        serial_number=f"{certificate.serial_number:x}",
    )


def hostname_matches(hostname: str, names: list[str]) -> bool:
    """Whether ``hostname`` is covered by one of the certificate ``names`` (RFC 6125).

    A wildcard is honoured only as the whole left-most label and stands for exactly one
    label, never for a public suffix alone (``*.com``); comparison ignores case and a
    trailing dot.
    """
    host = hostname.rstrip(".").lower()
    host_labels = host.split(".")
    for name in names:
        pattern = name.rstrip(".").lower()
        if pattern == host:
            return True
        labels = pattern.split(".")
        if (labels[0] == "*" and len(labels) >= 3 and "*" not in pattern[1:]
                and len(host_labels) == len(labels) and host_labels[1:] == labels[1:]
                and host_labels[0]):
            return True
    return False


def chain_problem(chain: list[bytes]) -> str | None:
    """Why a server's chain (leaf first) does not link up, or ``None`` when it does or when
    a certificate in it is too broken to tell (``cryptography`` parses names lazily and
    raises ``ValueError`` on first use of a malformed one)."""
    try:
        return _chain_problem([x509.load_der_x509_certificate(der) for der in chain])
    except UNREADABLE_CERTIFICATE:
        return None


def _chain_problem(certificates: list[x509.Certificate]) -> str | None:
    if not certificates:
        return None
    leaf = certificates[0]
    if len(certificates) == 1:
        if _is_self_signed(leaf):
            return None
        return ("the server sent only its own certificate; the intermediate certificate "
                f"of its issuer ({leaf.issuer.rfc4514_string()}) is missing")
    for position, (child, parent) in enumerate(itertools.pairwise(certificates)):
        if not _issued_by(child, parent):
            return (f"certificate {position + 1} ({child.subject.rfc4514_string()}) is "
                    f"followed by {parent.subject.rfc4514_string()}, which did not issue it; "
                    f"its issuer ({child.issuer.rfc4514_string()}) is missing or out of order")
    return None


class CertificateDescriptions:
    """``describe_certificate`` once per distinct certificate of a capture; an unreadable
    one is warned about once and described as ``None``."""

    def __init__(self, context: AnalysisContext) -> None:
        self.context = context
        self.cache: dict[bytes, CertificateInfo | None] = {}

    def get(self, der: bytes) -> CertificateInfo | None:
        if der not in self.cache:
            try:
                self.cache[der] = describe_certificate(der)
            except UNREADABLE_CERTIFICATE as error:
                self.context.warn(f"unreadable certificate ({error})")
                self.cache[der] = None
        return self.cache[der]
