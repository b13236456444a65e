"""TLS analyzer: handshakes, alerts and certificates from pcap/pcapng captures.

It answers "why does the TLS connection fail?" from the capture alone: which server name the
client asked for, what each side offered and chose, which certificate chain came back and
whether it was valid *at the time of the capture*, and which side gave up with which alert.

How it works, and the decisions behind it:

- Packets come from ``inspector.formats.pcap`` (fast header decoding, no scapy). Every TCP
  flow gets a stream number in order of first appearance, the way Wireshark's ``tcp.stream`` counts.
- TLS is recognized by content, on any port: the first bytes a side sends must look like a
  TLS record header (type 20-24, version 3.x, a sane length) or an SSLv2 ClientHello. A flow
  whose bytes do not is dropped at once, so plain traffic costs one dict lookup per packet.
- Each direction is reassembled in sequence order: retransmitted and overlapping bytes are
  trimmed, early segments wait (bounded) for the gap to fill. Records, and handshake
  messages spanning records, are parsed from the reassembled bytes; a record or message is
  attributed to the frame that completed it, as Wireshark does. Application data is counted
  and skipped, never buffered. A gap that never fills, or bytes that stop looking like TLS,
  end parsing of that direction only.
- A side's handshake and alert records are encrypted after its ChangeCipherSpec (TLS 1.2)
  and after the ServerHello (TLS 1.3, where encrypted records even pose as application data).
  Encrypted alerts are reported as encrypted, never decoded; so a TLS 1.3 certificate is
  invisible, and a TLS 1.3 client rejecting one ends as "aborted", not "failed".
- Certificates are parsed with ``cryptography`` once per distinct certificate and judged
  against the packet time of the Certificate message (an old capture of a then-valid
  certificate is not "expired"). Without a trust store (which would differ between machines
  and make results non-deterministic), "chain incomplete" means the chain does not link up:
  a non-self-signed leaf sent alone, or a certificate followed by one that did not issue it.
- JA3 follows tshark's ``tls.handshake.ja3``: decimal legacy version, ciphers, extension
  types, supported groups and point formats, GREASE values left out, MD5 of the string.
- Findings are aggregated (per certificate, per server and alert, per server and version)
  with a count and the first packets as evidence; events go on the timeline for fatal
  alerts and for handshakes cut off by a reset, capped per capture.

>>> hello = parse_client_hello(bytes.fromhex(
...     "0303" + "00" * 32 + "00" + "0004c02f1301" + "0100" + "0012"
...     "0000000e000c0000096c6f63616c686f7374"))
>>> (hello.server_name, [cipher_suite_name(c) for c in hello.cipher_suites])
('localhost', ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'])
>>> hello.ja3
'771,49199-4865,0,,'
>>> hostname_matches("api.example.com", ["*.example.com"]), hostname_matches(
...     "a.b.example.com", ["*.example.com"])
(True, False)
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from inspector.formats.pcap import CaptureError, Transport, decode, read_packets
from inspector.formats.protocols import (
    ALERTS,
    CONTENT_ALERT,
    CONTENT_APPLICATION_DATA,
    CONTENT_CHANGE_CIPHER_SPEC,
    CONTENT_HANDSHAKE,
    CONTENT_HEARTBEAT,
    DEPRECATED_VERSIONS,
    EXTENSION_ALPN,
    EXTENSION_EC_POINT_FORMATS,
    EXTENSION_SERVER_NAME,
    EXTENSION_SUPPORTED_GROUPS,
    EXTENSION_SUPPORTED_VERSIONS,
    HANDSHAKE_CERTIFICATE,
    HANDSHAKE_CERTIFICATE_REQUEST,
    HANDSHAKE_CLIENT_HELLO,
    HANDSHAKE_SERVER_HELLO,
    TLS13,
    alert_name,
    cipher_suite_name,
    is_grease,
    version_name,
)
from inspector.model import (
    ArtifactKind,
    Event,
    EventSource,
    Evidence,
    Finding,
    PacketLocator,
    Severity,
    utc_from_epoch,
)
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Cancelled, Stats
from inspector.rules import rule

# --- rules (ids are a contract) ---------------------------------------------------------------

CERTIFICATE_EXPIRED = rule(
    "tls.certificate-expired", Severity.HIGH, "security",
    "A certificate in the chain had expired at the time of the capture")
CERTIFICATE_NOT_YET_VALID = rule(
    "tls.certificate-not-yet-valid", Severity.HIGH, "security",
    "A certificate in the chain was not yet valid at the time of the capture")
CERTIFICATE_HOSTNAME_MISMATCH = rule(
    "tls.certificate-hostname-mismatch", Severity.HIGH, "security",
    "The server certificate does not cover the name the client asked for (SNI)")
CERTIFICATE_SELF_SIGNED = rule(
    "tls.certificate-self-signed", Severity.MEDIUM, "security",
    "The server presented a self-signed certificate")
CHAIN_INCOMPLETE = rule(
    "tls.chain-incomplete", Severity.MEDIUM, "security",
    "The server's certificate chain misses an intermediate or is out of order")
HANDSHAKE_FAILURE = rule(
    "tls.handshake-failure", Severity.HIGH, "connectivity",
    "A TLS handshake ended with a fatal alert")
DEPRECATED_PROTOCOL = rule(
    "tls.deprecated-protocol", Severity.MEDIUM, "security",
    "A connection used or offered only SSL 2.0/3.0 or TLS 1.0/1.1")
WEAK_CIPHER = rule(
    "tls.weak-cipher", Severity.MEDIUM, "security",
    "A connection negotiated a NULL, EXPORT, RC4, DES/3DES or anonymous cipher suite")
WEAK_KEY = rule(
    "tls.weak-key", Severity.MEDIUM, "security",
    "A certificate carries a key too short to be safe (RSA/DSA < 2048, EC < 224 bits)")

RULES = (CERTIFICATE_EXPIRED, CERTIFICATE_NOT_YET_VALID, CERTIFICATE_HOSTNAME_MISMATCH,
         CERTIFICATE_SELF_SIGNED, CHAIN_INCOMPLETE, HANDSHAKE_FAILURE, DEPRECATED_PROTOCOL,
         WEAK_CIPHER, WEAK_KEY)

# The ServerHello random that marks a TLS 1.3 HelloRetryRequest (RFC 8446, 4.1.3).
HELLO_RETRY_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

# Ciphertext may exceed the 2^14 plaintext limit by up to 2048 bytes (RFC 5246, 6.2.3).
MAX_RECORD_LENGTH = 16384 + 2048
# A handshake message longer than this is corruption, not a certificate chain.
MAX_HANDSHAKE_MESSAGE = 1 << 20
# Out-of-order bytes kept per direction while waiting for a gap to fill.
MAX_PENDING_BYTES = 1 << 20
# Caps that keep stats and the timeline readable on captures with thousands of handshakes.
MAX_LISTED_HANDSHAKES = 1000
MAX_LISTED_ALERTS = 1000
MAX_EVENTS = 2000
MAX_EVIDENCE = 5

# Readable names for certificate signature algorithms, from cryptography's public OID list.
SIGNATURE_ALGORITHM_NAMES = {
    oid: name.replace("_WITH_", " with ").replace("_", "-")
    for name, oid in vars(SignatureAlgorithmOID).items() if not name.startswith("_")
}


def is_weak_cipher(name: str) -> bool:
    """NULL, EXPORT, RC4, single or triple DES, and anonymous (unauthenticated) suites."""
    upper = name.upper()
    if upper.endswith("_SCSV"):
        return False
    return ("NULL" in upper or "EXPORT" in upper or "RC4" in upper or "DES" in upper
            or "_ANON_" in upper)


# --- parsing handshake messages -----------------------------------------------------------------


class TlsParseError(ValueError):
    """A TLS structure ended early or held an impossible length."""


class _Reader:
    """Bounds-checked big-endian reads over one message."""

    __slots__ = ("data", "position")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def take(self, count: int) -> bytes:
        end = self.position + count
        if end > len(self.data):
            raise TlsParseError(f"needs {count} bytes at offset {self.position}, "
                                f"{len(self.data) - self.position} left")
        chunk = self.data[self.position:end]
        self.position = end
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def u24(self) -> int:
        return int.from_bytes(self.take(3), "big")

    def vector(self, length_bytes: int) -> bytes:
        return self.take(int.from_bytes(self.take(length_bytes), "big"))

    def remaining(self) -> int:
        return len(self.data) - self.position


def _u16_list(data: bytes) -> list[int]:
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]


@dataclass(slots=True)
class ClientHello:
    """What the client offered. ``cipher_suites`` and the lists keep the wire order."""

    legacy_version: int
    cipher_suites: list[int]
    extensions: list[int] = field(default_factory=list)
    server_name: str | None = None
    alpn: list[str] = field(default_factory=list)
    supported_versions: list[int] = field(default_factory=list)
    supported_groups: list[int] = field(default_factory=list)
    ec_point_formats: list[int] = field(default_factory=list)
    session_id: bytes = b""
    sslv2_format: bool = False

    @property
    def offered_versions(self) -> list[int]:
        """The versions the client would accept, best first (GREASE left out)."""
        if self.supported_versions:
            return [v for v in self.supported_versions if not is_grease(v)]
        return [self.legacy_version]

    @property
    def ja3(self) -> str | None:
        """The JA3 string as tshark builds it; ``None`` for an SSLv2-format hello."""
        if self.sslv2_format:
            return None

        def join(values: list[int]) -> str:
            return "-".join(str(v) for v in values if not is_grease(v))

        return ",".join([str(self.legacy_version), join(self.cipher_suites),
                         join(self.extensions), join(self.supported_groups),
                         "-".join(str(v) for v in self.ec_point_formats)])

    @property
    def ja3_hash(self) -> str | None:
        text = self.ja3
        if text is None:
            return None
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def parse_client_hello(body: bytes) -> ClientHello:
    """Parse a ClientHello handshake body (without the 4-byte handshake header)."""
    reader = _Reader(body)
    legacy_version = reader.u16()
    reader.take(32)  # random
    session_id = reader.vector(1)
    cipher_suites = _u16_list(reader.vector(2))
    reader.vector(1)  # compression methods
    hello = ClientHello(legacy_version, cipher_suites, session_id=session_id)
    if reader.remaining() >= 2:
        extensions = _Reader(reader.vector(2))
        while extensions.remaining() >= 4:
            extension_type = extensions.u16()
            data = extensions.vector(2)
            hello.extensions.append(extension_type)
            _read_client_extension(hello, extension_type, data)
    return hello


def _read_client_extension(hello: ClientHello, extension_type: int, data: bytes) -> None:
    reader = _Reader(data)
    if extension_type == EXTENSION_SERVER_NAME and data:
        names = _Reader(reader.vector(2))
        while names.remaining() >= 3:
            name_type = names.u8()
            name = names.vector(2)
            if name_type == 0 and hello.server_name is None:
                hello.server_name = name.decode("ascii", "backslashreplace")
    elif extension_type == EXTENSION_SUPPORTED_GROUPS and data:
        hello.supported_groups = _u16_list(reader.vector(2))
    elif extension_type == EXTENSION_EC_POINT_FORMATS and data:
        hello.ec_point_formats = list(reader.vector(1))
    elif extension_type == EXTENSION_ALPN and data:
        protocols = _Reader(reader.vector(2))
        while protocols.remaining():
            hello.alpn.append(protocols.vector(1).decode("ascii", "backslashreplace"))
    elif extension_type == EXTENSION_SUPPORTED_VERSIONS and data:
        hello.supported_versions = _u16_list(reader.vector(1))


def parse_sslv2_client_hello(record: bytes) -> ClientHello:
    """Parse an SSLv2-format ClientHello record (2-byte header with the high bit set).

    Old clients send it to offer SSL 2.0, or SSL 3.0/TLS through the compatible format;
    cipher specs whose first byte is 0 are TLS cipher suites, the others SSL 2.0 ciphers.
    """
    reader = _Reader(record)
    reader.take(2)
    if reader.u8() != HANDSHAKE_CLIENT_HELLO:
        raise TlsParseError("not an SSLv2 CLIENT-HELLO")
    version = reader.u16()
    cipher_specs_length, session_id_length, _challenge_length = (
        reader.u16(), reader.u16(), reader.u16())
    specs = reader.take(cipher_specs_length)
    session_id = reader.take(session_id_length)
    suites = [int.from_bytes(specs[i + 1:i + 3], "big")
              for i in range(0, len(specs) - 2, 3) if specs[i] == 0]
    return ClientHello(version, suites, session_id=session_id, sslv2_format=True)


@dataclass(slots=True)
class ServerHello:
    """What the server chose. ``version`` is the effective one (supported_versions wins)."""

    legacy_version: int
    cipher_suite: int
    session_id: bytes = b""
    selected_version: int | None = None
    alpn: str | None = None
    hello_retry_request: bool = False

    @property
    def version(self) -> int:
        return self.selected_version or self.legacy_version


def parse_server_hello(body: bytes) -> ServerHello:
    reader = _Reader(body)
    legacy_version = reader.u16()
    random = reader.take(32)
    session_id = reader.vector(1)
    cipher_suite = reader.u16()
    reader.u8()  # compression method
    hello = ServerHello(legacy_version, cipher_suite, session_id,
                        hello_retry_request=random == HELLO_RETRY_RANDOM)
    if reader.remaining() >= 2:
        extensions = _Reader(reader.vector(2))
        while extensions.remaining() >= 4:
            extension_type = extensions.u16()
            data = extensions.vector(2)
            if extension_type == EXTENSION_SUPPORTED_VERSIONS and len(data) == 2:
                hello.selected_version = int.from_bytes(data, "big")
            elif extension_type == EXTENSION_ALPN and data:
                protocols = _Reader(_Reader(data).vector(2))
                hello.alpn = protocols.vector(1).decode("ascii", "backslashreplace")
    return hello


def split_certificate_list(body: bytes, *, tls13: bool = False) -> list[bytes]:
    """The DER certificates of a Certificate message body, leaf first."""
    reader = _Reader(body)
    if tls13:
        reader.vector(1)  # certificate_request_context
    chain = _Reader(reader.vector(3))
    certificates = []
    while chain.remaining():
        certificates.append(chain.vector(3))
        if tls13:
            chain.vector(2)  # per-certificate extensions
    return certificates


# --- certificates --------------------------------------------------------------------------------


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
            "not_before": _iso(self.not_before),
            "not_after": _iso(self.not_after),
            "key_type": self.key_type,
            "key_size": self.key_size,
            "signature_algorithm": self.signature_algorithm,
            "self_signed": self.self_signed,
            "serial_number": self.serial_number,
            "fingerprint_sha256": self.fingerprint_sha256,
        }

    @property
    def weak_key(self) -> bool:
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


def _is_self_signed(certificate: x509.Certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False  # signed by another key with the same name, or not checkable
    return True


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


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return True  # a signature we cannot check (exotic algorithm): the names link up
    return True


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


# --- per-connection state ----------------------------------------------------------------------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(epoch: float) -> datetime:
    return utc_from_epoch(epoch)


def _endpoint(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


@dataclass(slots=True)
class AlertSeen:
    packet: int
    time: float
    sender: str  # "client" or "server" (or an endpoint when roles are unknown)
    encrypted: bool
    level: int | None = None
    description: int | None = None

    @property
    def fatal(self) -> bool:
        return self.level == 2


@dataclass(slots=True)
class CertificateMessage:
    packet: int
    time: float
    sender_endpoint: str
    chain: list[bytes]


class _Direction:
    """One side of a TCP connection: reassembly in sequence order, then TLS record parsing."""

    __slots__ = ("application_records", "buffer", "connection", "encrypted", "endpoint",
                 "handshake_buffer", "initial_seq", "next_seq", "pending", "pending_bytes",
                 "sent_change_cipher_spec", "skip", "state")

    def __init__(self, connection: _Connection, endpoint: str) -> None:
        self.connection = connection
        self.endpoint = endpoint
        self.initial_seq: int | None = None
        self.next_seq: int | None = None
        self.pending: dict[int, bytes] = {}
        self.pending_bytes = 0
        self.buffer = bytearray()
        self.handshake_buffer = bytearray()
        self.skip = 0
        # "unknown" until the first bytes are judged, then "tls", "other" or "lost".
        self.state = "unknown"
        self.encrypted = False
        self.sent_change_cipher_spec = False
        self.application_records = 0

    def segment(self, seq: int, payload: bytes, complete: bool, syn: bool, packet: int,
                time: float) -> None:
        if syn:
            seq = (seq + 1) & 0xFFFFFFFF  # the SYN itself takes one sequence number
            if self.initial_seq is None:
                self.initial_seq = seq
                self.next_seq = seq
        if not payload or self.state in ("other", "lost"):
            return
        if self.next_seq is None:
            self.next_seq = seq
        offset = (seq - self.next_seq) & 0xFFFFFFFF
        if offset >= 0x80000000:  # starts before what we have: a retransmission or overlap
            overlap = 0x100000000 - offset
            if overlap >= len(payload):
                return
            payload = payload[overlap:]
            seq = self.next_seq
            offset = 0
        if not complete:
            # The snaplen cut this segment: what follows its captured bytes is unknowable.
            if offset == 0:
                self._deliver(payload, packet, time)
            self.give_up()
            return
        if offset:
            if seq not in self.pending or len(self.pending[seq]) < len(payload):
                self.pending_bytes += len(payload) - len(self.pending.get(seq, b""))
                self.pending[seq] = payload
            if self.pending_bytes > MAX_PENDING_BYTES:
                self.give_up()  # a gap that never filled: the capture missed bytes
                self.pending.clear()
            return
        self._deliver(payload, packet, time)
        while self.pending and self.state == "tls":
            for pending_seq in list(self.pending):
                pending_offset = (pending_seq - self.next_seq) & 0xFFFFFFFF
                if pending_offset == 0 or pending_offset >= 0x80000000:
                    data = self.pending.pop(pending_seq)
                    self.pending_bytes -= len(data)
                    overlap = 0 if pending_offset == 0 else 0x100000000 - pending_offset
                    if overlap < len(data):
                        self._deliver(data[overlap:], packet, time)
                    break
            else:
                return

    def give_up(self) -> None:
        """Stop parsing this direction: its bytes can no longer be followed."""
        if self.state != "lost":
            self.state = "lost"
            self.connection.tracker.directions_given_up += 1

    def _deliver(self, data: bytes, packet: int, time: float) -> None:
        assert self.next_seq is not None
        self.next_seq = (self.next_seq + len(data)) & 0xFFFFFFFF
        if self.skip:
            skipped = min(self.skip, len(data))
            self.skip -= skipped
            data = data[skipped:]
        self.buffer += data
        if self.state == "unknown":
            self.state = _judge_first_bytes(self.buffer)
            if self.state == "unknown":
                return
            if self.state == "other":
                self.buffer.clear()
                self.connection.not_tls(self)
                return
            if self.buffer[0] & 0x80:
                self._sslv2_hello(packet, time)
                return
        self._records(packet, time)

    def _sslv2_hello(self, packet: int, time: float) -> None:
        length = ((self.buffer[0] & 0x7F) << 8) | self.buffer[1]
        if len(self.buffer) < 2 + length:
            self.state = "unknown"  # wait for the rest of the hello
            return
        record = bytes(self.buffer[:2 + length])
        del self.buffer[:2 + length]
        try:
            hello = parse_sslv2_client_hello(record)
        except TlsParseError as error:
            self.connection.tracker.warn(f"packet {packet}: unreadable SSLv2 hello ({error})")
            self.give_up()
            return
        self.state = "tls"
        self.connection.client_hello_seen(self, hello, packet, time)
        self._records(packet, time)

    def _records(self, packet: int, time: float) -> None:
        buffer = self.buffer
        while self.state == "tls":
            if self.skip:
                skipped = min(self.skip, len(buffer))
                del buffer[:skipped]
                self.skip -= skipped
                if self.skip:
                    return
            if len(buffer) < 5:
                return
            content_type = buffer[0]
            length = (buffer[3] << 8) | buffer[4]
            if not _plausible_header(buffer[0], buffer[1], buffer[2], length):
                self.connection.tracker.warn(
                    f"packet {packet}: {self.endpoint} stopped sending valid TLS records "
                    f"(type {content_type}, length {length}); rest of that direction skipped")
                self.give_up()
                buffer.clear()
                return
            if content_type == CONTENT_APPLICATION_DATA:
                # Counted and skipped: application data is never buffered.
                self.application_records += 1
                self.connection.application_data(self, packet, time)
                del buffer[:5]
                self.skip = length
                continue
            if len(buffer) < 5 + length:
                return
            body = bytes(buffer[5:5 + length])
            del buffer[:5 + length]
            self._record(content_type, body, packet, time)

    def _record(self, content_type: int, body: bytes, packet: int, time: float) -> None:
        connection = self.connection
        if content_type == CONTENT_CHANGE_CIPHER_SPEC:
            self.sent_change_cipher_spec = True
            if not connection.tls13:
                self.encrypted = True
            connection.change_cipher_spec(self, packet, time)
        elif content_type == CONTENT_ALERT:
            plaintext = len(body) == 2 and not self.encrypted and body[0] in (1, 2)
            if plaintext:
                connection.alert(self, AlertSeen(packet, time, self.endpoint, False,
                                                 body[0], body[1]))
            else:
                connection.alert(self, AlertSeen(packet, time, self.endpoint, True))
        elif content_type == CONTENT_HANDSHAKE:
            if self.encrypted:
                connection.encrypted_handshake(self, packet, time)
                return
            self.handshake_buffer += body
            self._handshake_messages(packet, time)

    def _handshake_messages(self, packet: int, time: float) -> None:
        buffer = self.handshake_buffer
        while len(buffer) >= 4 and not self.encrypted:
            message_type = buffer[0]
            length = int.from_bytes(buffer[1:4], "big")
            if length > MAX_HANDSHAKE_MESSAGE:
                self.connection.tracker.warn(
                    f"packet {packet}: handshake message of {length:,} bytes from "
                    f"{self.endpoint}; rest of that direction skipped")
                self.give_up()
                buffer.clear()
                return
            if len(buffer) < 4 + length:
                return
            body = bytes(buffer[4:4 + length])
            del buffer[:4 + length]
            try:
                self.connection.handshake_message(self, message_type, body, packet, time)
            except TlsParseError as error:
                self.connection.tracker.warn(
                    f"packet {packet}: malformed handshake message type {message_type} from "
                    f"{self.endpoint} ({error})")


def _plausible_header(content_type: int, major: int, minor: int, length: int) -> bool:
    return (CONTENT_CHANGE_CIPHER_SPEC <= content_type <= CONTENT_HEARTBEAT and major == 3
            and minor <= 4 and 0 < length <= MAX_RECORD_LENGTH)


def _judge_first_bytes(buffer: bytearray) -> str:
    """"tls", "other", or "unknown" (too few bytes yet) for the first bytes a side sent."""
    if len(buffer) < 3:
        return "unknown"
    if buffer[0] & 0x80:  # SSLv2 record header: 15-bit length, then CLIENT-HELLO (1)
        length = ((buffer[0] & 0x7F) << 8) | buffer[1]
        if buffer[2] == HANDSHAKE_CLIENT_HELLO and length >= 9:
            if len(buffer) < 5:
                return "unknown"
            return "tls" if buffer[3] in (0, 3) else "other"
        return "other"
    if len(buffer) < 5:
        return "unknown"
    length = (buffer[3] << 8) | buffer[4]
    return "tls" if _plausible_header(buffer[0], buffer[1], buffer[2], length) else "other"


class _Connection:
    """One TCP connection and what its TLS handshake showed."""

    def __init__(self, tracker: _Tracker, stream: int, first: tuple[str, int],
                 second: tuple[str, int], packet: int, time: float) -> None:
        self.tracker = tracker
        self.stream = stream
        self.first_packet = packet
        self.start = time
        self.sides: dict[tuple[str, int], _Direction] = {
            first: _Direction(self, _endpoint(*first)),
            second: _Direction(self, _endpoint(*second)),
        }
        self.is_tls = False
        self.dropped = False
        self.client: _Direction | None = None
        self.client_hello: ClientHello | None = None
        self.client_hello_packet: int | None = None
        self.server_hello: ServerHello | None = None
        self.server_hello_packet: int | None = None
        self.certificates: list[CertificateMessage] = []
        self.alerts: list[AlertSeen] = []
        self.client_certificate_requested = False
        self.closed_by: str | None = None
        self.reset_packet: int | None = None
        self.reset_time: float | None = None
        self.client_data_after_handshake = False
        self.server_data_after_client = False
        self.established_packet: int | None = None

    # -- roles

    @property
    def tls13(self) -> bool:
        return self.server_hello is not None and self.server_hello.version == TLS13

    def other(self, side: _Direction) -> _Direction:
        first, second = self.sides.values()
        return second if side is first else first

    @property
    def server(self) -> _Direction | None:
        return None if self.client is None else self.other(self.client)

    def role(self, side: _Direction) -> str:
        if self.client is None:
            return side.endpoint
        return "client" if side is self.client else "server"

    # -- called by the directions

    def not_tls(self, side: _Direction) -> None:
        if not self.is_tls:
            self.dropped = True

    def client_hello_seen(self, side: _Direction, hello: ClientHello, packet: int,
                          time: float) -> None:
        self.is_tls = True
        self.tracker.client_hellos += 1
        if self.client is None:
            self.client = side
        if self.client_hello is None:
            self.client_hello = hello
            self.client_hello_packet = packet

    def handshake_message(self, side: _Direction, message_type: int, body: bytes,
                          packet: int, time: float) -> None:
        self.is_tls = True
        if message_type == HANDSHAKE_CLIENT_HELLO:
            self.client_hello_seen(side, parse_client_hello(body), packet, time)
        elif message_type == HANDSHAKE_SERVER_HELLO:
            hello = parse_server_hello(body)
            self.tracker.server_hellos += 1
            if self.client is None:
                self.client = self.other(side)
            if self.server_hello is None or self.server_hello.hello_retry_request:
                self.server_hello = hello
                self.server_hello_packet = packet
            if hello.version == TLS13 and not hello.hello_retry_request:
                side.encrypted = True  # everything after a TLS 1.3 ServerHello is encrypted
        elif message_type == HANDSHAKE_CERTIFICATE:
            self.tracker.certificate_messages += 1
            chain = split_certificate_list(body, tls13=self.tls13)
            self.certificates.append(CertificateMessage(packet, time, side.endpoint, chain))
        elif message_type == HANDSHAKE_CERTIFICATE_REQUEST:
            self.client_certificate_requested = True

    def change_cipher_spec(self, side: _Direction, packet: int, time: float) -> None:
        self.is_tls = True
        if (not self.tls13 and self.server_hello is not None
                and all(s.sent_change_cipher_spec for s in self.sides.values())
                and self.established_packet is None):
            self.established_packet = packet

    def encrypted_handshake(self, side: _Direction, packet: int, time: float) -> None:
        self.is_tls = True

    def application_data(self, side: _Direction, packet: int, time: float) -> None:
        self.is_tls = True
        if self.established_packet is not None or not self.tls13:
            if (self.established_packet is None and self.server_hello is not None
                    and side.sent_change_cipher_spec):
                # Abbreviated or unusual TLS 1.2 flows: data after this side's CCS.
                self.established_packet = packet
            return
        # TLS 1.3: the client's first encrypted record is its Finished; the handshake
        # succeeded once the server sends something after it (a ticket or data).
        if side is self.client:
            self.client_data_after_handshake = True
        elif self.client_data_after_handshake:
            self.established_packet = packet

    def alert(self, side: _Direction, alert: AlertSeen) -> None:
        self.is_tls = True
        alert.sender = self.role(side)
        self.alerts.append(alert)
        self.tracker.alert_records += 1

    def closed(self, side: _Direction, reset: bool, packet: int, time: float) -> None:
        if reset and self.reset_packet is None:
            self.reset_packet = packet
            self.reset_time = time
            self.closed_by = f"reset by {self.role(side)}"
        elif self.closed_by is None:
            self.closed_by = f"closed by {self.role(side)}"

    # -- results

    def fatal_alert(self) -> AlertSeen | None:
        return next((a for a in self.alerts if a.fatal), None)

    def outcome(self) -> str:
        """established, failed (fatal alert), aborted (closed first) or incomplete."""
        fatal = self.fatal_alert()
        if fatal is not None and (self.established_packet is None
                                  or fatal.packet <= self.established_packet):
            return "failed"
        if self.established_packet is not None:
            return "established"
        if self.closed_by is not None:
            return "aborted"
        return "incomplete"

    def resumed(self) -> bool:
        """A TLS 1.2 session resumption: the server echoed the client's session id."""
        return bool(self.client_hello and self.server_hello and not self.tls13
                    and self.client_hello.session_id
                    and self.client_hello.session_id == self.server_hello.session_id)

    def endpoints(self) -> tuple[str, str]:
        """(client, server) endpoints; when unknown, the higher port is taken as the client."""
        if self.client is not None:
            return self.client.endpoint, self.other(self.client).endpoint
        first, second = self.sides.items()
        if first[0][1] >= second[0][1]:
            return first[1].endpoint, second[1].endpoint
        return second[1].endpoint, first[1].endpoint


# --- the capture-wide tracker -------------------------------------------------------------------


class _Tracker:
    """Every TCP flow of one capture, keyed by its two endpoints."""

    def __init__(self, context: AnalysisContext) -> None:
        self.context = context
        self.connections: dict[tuple[tuple[str, int], tuple[str, int]], _Connection] = {}
        self.tls_connections: list[_Connection] = []
        self.streams = 0
        self.client_hellos = 0
        self.server_hellos = 0
        self.certificate_messages = 0
        self.alert_records = 0
        self.directions_given_up = 0
        self.warnings = 0

    def warn(self, message: str) -> None:
        self.warnings += 1
        if self.warnings <= 20:
            self.context.warn(message)

    def packet(self, index: int, time: float, transport: Transport) -> None:
        source = (transport.src, transport.src_port)
        destination = (transport.dst, transport.dst_port)
        key = (source, destination) if source <= destination else (destination, source)
        flags = transport.tcp_flags
        connection = self.connections.get(key)
        syn_only = flags & 0x12 == 0x02
        if connection is not None and syn_only:
            side = connection.sides[source]
            if (side.initial_seq is not None
                    and side.initial_seq != (transport.seq + 1) & 0xFFFFFFFF):
                connection = None  # the ports were reused for a new connection
            elif side.initial_seq is None and side.next_seq is not None:
                connection = None
        if connection is None:
            connection = _Connection(self, self.streams, source, destination, index, time)
            self.streams += 1
            self.connections[key] = connection
        if connection.dropped:
            return
        side = connection.sides[source]
        if syn_only and connection.client is None:
            connection.client = side
        was_tls = connection.is_tls
        side.segment(transport.seq, transport.payload,
                     len(transport.payload) >= transport.payload_length,
                     bool(flags & 0x02), index, time)
        if connection.is_tls and not was_tls:
            self.tls_connections.append(connection)
        if flags & 0x04:
            connection.closed(side, True, index, time)
        elif flags & 0x01:
            connection.closed(side, False, index, time)
        if connection.dropped:
            for direction in connection.sides.values():
                direction.pending.clear()
                direction.buffer.clear()


# --- the analyzer ------------------------------------------------------------------------------


class TlsAnalyzer:
    """TLS handshakes, alerts and certificates from packet captures."""

    name = "tls"
    kinds = frozenset({ArtifactKind.PCAP, ArtifactKind.PCAPNG})
    rules = RULES

    def analyze(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[AnalyzerItem]:
        tracker = _Tracker(context)
        artifact = source.artifact
        size = artifact.size if artifact.compression is None else 0
        index = 0
        with source.open() as stream:
            try:
                for packet in read_packets(stream):
                    index = packet.index
                    if index & 0xFFF == 0:
                        context.check_cancelled()
                        if size:
                            context.progress(min(stream.tell() / size, 0.99))
                    transport = decode(packet)
                    if transport is None or transport.protocol != 6:
                        continue
                    tracker.packet(index, packet.time, transport)
            except CaptureError as error:
                context.warn(f"capture ends early after packet {error.packets_read}: {error}")
            except Cancelled:
                raise
            except Exception as error:  # bad input must cost the rest, never the results
                context.warn(f"TLS analysis stopped at packet {index}: "
                             f"{type(error).__name__}: {error}")
        yield from _Report(tracker, artifact.path, context).items()
        context.progress(1.0)


# --- turning connections into stats, findings and events ----------------------------------------


class _Report:
    def __init__(self, tracker: _Tracker, artifact_path: str,
                 context: AnalysisContext) -> None:
        self.tracker = tracker
        self.artifact = artifact_path
        self.context = context
        self.certificate_cache: dict[bytes, CertificateInfo | None] = {}

    def certificate(self, der: bytes) -> CertificateInfo | None:
        if der not in self.certificate_cache:
            try:
                self.certificate_cache[der] = describe_certificate(der)
            except UNREADABLE_CERTIFICATE as error:
                self.context.warn(f"unreadable certificate ({error})")
                self.certificate_cache[der] = None
        return self.certificate_cache[der]

    def evidence(self, packet: int, excerpt: str) -> Evidence:
        return Evidence(self.artifact, PacketLocator(packet), excerpt)

    def items(self) -> Iterator[AnalyzerItem]:
        connections = sorted(self.tracker.tls_connections, key=lambda c: c.stream)
        yield Stats(self.stats(connections))
        findings: list[Finding] = []
        findings += self.certificate_findings(connections)
        findings += self.handshake_failures(connections)
        findings += self.protocol_findings(connections)
        findings.sort(key=Finding.sort_key)
        yield from findings
        yield from self.events(connections)

    # -- stats

    def stats(self, connections: list[_Connection]) -> dict[str, Any]:
        tracker = self.tracker
        handshakes = [self.handshake_json(c) for c in connections[:MAX_LISTED_HANDSHAKES]]
        alerts = [self.alert_json(c, a) for c in connections for a in c.alerts]
        certificates: dict[str, dict[str, Any]] = {}
        for connection in connections:
            for message in connection.certificates:
                for position, der in enumerate(message.chain):
                    info = self.certificate(der)
                    if info is None or info.fingerprint_sha256 in certificates:
                        continue
                    certificates[info.fingerprint_sha256] = {
                        "packet": message.packet, "stream": connection.stream,
                        "position": position, **info.to_json()}
        outcomes: dict[str, int] = {}
        for connection in connections:
            outcome = connection.outcome()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return {
            "connections": len(connections),
            "client_hellos": tracker.client_hellos,
            "server_hellos": tracker.server_hellos,
            "certificate_messages": tracker.certificate_messages,
            "alert_records": tracker.alert_records,
            # Directions whose bytes stopped being followable (capture gap, snaplen cut,
            # non-TLS bytes after TLS): their later handshake messages are not counted.
            "directions_not_followed": tracker.directions_given_up,
            "outcomes": dict(sorted(outcomes.items())),
            "handshakes": handshakes,
            "handshakes_not_listed": max(len(connections) - MAX_LISTED_HANDSHAKES, 0),
            "alerts": alerts[:MAX_LISTED_ALERTS],
            "alerts_not_listed": max(len(alerts) - MAX_LISTED_ALERTS, 0),
            "certificates": list(certificates.values()),
        }

    def alert_json(self, connection: _Connection, alert: AlertSeen) -> dict[str, Any]:
        return {
            "packet": alert.packet,
            "stream": connection.stream,
            "time": _iso(_time(alert.time)),
            "sender": alert.sender,
            "encrypted": alert.encrypted,
            "level": None if alert.level is None else ("fatal" if alert.level == 2
                                                        else "warning"),
            "description": None if alert.description is None else alert_name(alert.description),
            "code": alert.description,
        }

    def handshake_json(self, connection: _Connection) -> dict[str, Any]:
        client, server = connection.endpoints()
        hello = connection.client_hello
        server_hello = connection.server_hello
        fatal = connection.fatal_alert()
        leaf = None
        if connection.certificates and connection.certificates[0].chain:
            leaf = self.certificate(connection.certificates[0].chain[0])
        return {
            "stream": connection.stream,
            "client": client,
            "server": server,
            "first_packet": connection.first_packet,
            "start": _iso(_time(connection.start)),
            "client_hello_packet": connection.client_hello_packet,
            "sni": hello.server_name if hello else None,
            "offered_versions": ([version_name(v) for v in hello.offered_versions]
                                 if hello else []),
            "offered_cipher_suites": ([cipher_suite_name(c) for c in hello.cipher_suites
                                       if not is_grease(c)] if hello else []),
            "alpn_offered": hello.alpn if hello else [],
            "ja3": hello.ja3 if hello else None,
            "ja3_hash": hello.ja3_hash if hello else None,
            "server_hello_packet": connection.server_hello_packet,
            "version": version_name(server_hello.version) if server_hello else None,
            "server_hello_legacy_version": (f"0x{server_hello.legacy_version:04x}"
                                            if server_hello else None),
            "server_hello_supported_version": (
                f"0x{server_hello.selected_version:04x}"
                if server_hello and server_hello.selected_version else None),
            "cipher_suite": cipher_suite_name(server_hello.cipher_suite) if server_hello else None,
            "cipher_suite_code": (f"0x{server_hello.cipher_suite:04x}"
                                  if server_hello else None),
            "alpn": server_hello.alpn if server_hello else None,
            "resumed": connection.resumed(),
            "client_certificate_requested": connection.client_certificate_requested,
            "certificate_subject": leaf.subject if leaf else None,
            "outcome": connection.outcome(),
            "alert": (None if fatal is None else
                      {"packet": fatal.packet, "sender": fatal.sender,
                       "description": alert_name(fatal.description or 0)}),
            "established_packet": connection.established_packet,
            "ended": connection.closed_by,
        }

    # -- findings

    def certificate_findings(self, connections: list[_Connection]) -> list[Finding]:
        # One finding per (rule, certificate or name); every connection adds a count and,
        # up to MAX_EVIDENCE, a packet.
        groups: dict[tuple[str, str], dict[str, Any]] = {}

        def add(rule_id: str, key: str, connection: _Connection, message: CertificateMessage,
                excerpt: str, **facts: Any) -> None:
            group = groups.setdefault((rule_id, key), {
                "connections": [], "evidence": [], "facts": facts, "times": []})
            group["connections"].append(connection)
            group["times"].append(message.time)
            if len(group["evidence"]) < MAX_EVIDENCE:
                group["evidence"].append(self.evidence(message.packet, excerpt))

        for connection in connections:
            server_side = connection.server
            for message in connection.certificates:
                if server_side is not None and message.sender_endpoint != server_side.endpoint:
                    continue  # client certificates are the server's business to judge
                infos = [self.certificate(der) for der in message.chain]
                seen_at = _time(message.time)
                for position, info in enumerate(infos):
                    if info is None:
                        continue
                    what = "server certificate" if position == 0 else (
                        f"chain certificate {position + 1}")
                    common = {"subject": info.subject, "issuer": info.issuer,
                              "server": connection.endpoints()[1],
                              "not_before": _iso(info.not_before),
                              "not_after": _iso(info.not_after),
                              "position": position + 1,
                              "fingerprint_sha256": info.fingerprint_sha256}
                    if info.not_after < seen_at:
                        add(CERTIFICATE_EXPIRED.id, info.fingerprint_sha256, connection, message,
                            f"{what} {info.subject} expired {_iso(info.not_after)}", **common)
                    elif info.not_before > seen_at:
                        add(CERTIFICATE_NOT_YET_VALID.id, info.fingerprint_sha256, connection,
                            message, f"{what} {info.subject} valid only from "
                            f"{_iso(info.not_before)}", **common)
                    if info.weak_key:
                        add(WEAK_KEY.id, info.fingerprint_sha256, connection, message,
                            f"{what} {info.subject}: {info.key_type} {info.key_size} bits",
                            key_type=info.key_type, key_size=info.key_size, **common)
                leaf = infos[0] if infos else None
                if leaf is None:
                    continue
                sni = connection.client_hello.server_name if connection.client_hello else None
                if sni and not hostname_matches(sni, leaf.names()):
                    add(CERTIFICATE_HOSTNAME_MISMATCH.id, f"{sni}|{leaf.fingerprint_sha256}",
                        connection, message,
                        f"asked for {sni}; certificate covers {', '.join(leaf.names()) or '-'}",
                        sni=sni, subject=leaf.subject, certificate_names=leaf.names(),
                        server=connection.endpoints()[1],
                        fingerprint_sha256=leaf.fingerprint_sha256)
                if leaf.self_signed:
                    add(CERTIFICATE_SELF_SIGNED.id, leaf.fingerprint_sha256, connection,
                        message, f"self-signed certificate {leaf.subject}",
                        subject=leaf.subject, server=connection.endpoints()[1],
                        fingerprint_sha256=leaf.fingerprint_sha256)
                else:
                    problem = chain_problem(message.chain)
                    if problem:
                        add(CHAIN_INCOMPLETE.id, leaf.fingerprint_sha256, connection, message,
                            problem, subject=leaf.subject, issuer=leaf.issuer,
                            chain_length=len(message.chain), problem=problem,
                            server=connection.endpoints()[1],
                            fingerprint_sha256=leaf.fingerprint_sha256)
        return [self.certificate_finding(rule_id, group)
                for (rule_id, _key), group in groups.items()]

    def certificate_finding(self, rule_id: str, group: dict[str, Any]) -> Finding:
        facts = dict(group["facts"])
        connections: list[_Connection] = group["connections"]
        count = len(connections)
        facts["connections"] = count
        server = facts["server"]
        rejected = [a for c in connections for a in c.alerts
                    if a.fatal and a.sender == "client"]
        consequence = ""
        if rejected:
            consequence = (f" The client then aborted with alert "
                           f"{alert_name(rejected[0].description or 0)} "
                           f"(packet {rejected[0].packet}).")
        times = group["times"]
        first_seen, last_seen = _time(min(times)), _time(max(times))
        connections_text = f"{count} connection{'s' if count != 1 else ''}"
        if rule_id == CERTIFICATE_EXPIRED.id:
            title = (f"Certificate {facts['subject']} from {server} expired on "
                     f"{facts['not_after'][:10]}")
            detail = (f"The certificate {facts['subject']} (position {facts['position']} in "
                      f"the chain, issued by {facts['issuer']}) was valid until "
                      f"{facts['not_after']}, but was presented at {_iso(first_seen)} in "
                      f"{connections_text}.{consequence}")
            remediation = ("Renew the certificate and install it (with its intermediates) "
                           f"on the server behind {server}; then check that every node and "
                           "load balancer serves the new one.")
            finding_rule = CERTIFICATE_EXPIRED
        elif rule_id == CERTIFICATE_NOT_YET_VALID.id:
            title = (f"Certificate {facts['subject']} from {server} is valid only from "
                     f"{facts['not_before'][:10]}")
            detail = (f"The certificate {facts['subject']} becomes valid at "
                      f"{facts['not_before']}, after the capture time {_iso(first_seen)} "
                      f"({connections_text}).{consequence}")
            remediation = ("Check the clocks: a host whose clock runs behind (or a "
                           "certificate issued with a future start date) rejects it. Sync "
                           "NTP on client and server.")
            finding_rule = CERTIFICATE_NOT_YET_VALID
        elif rule_id == WEAK_KEY.id:
            title = (f"Certificate {facts['subject']} from {server} has a weak "
                     f"{facts['key_type']} {facts['key_size']}-bit key")
            detail = (f"{facts['key_type']} keys of {facts['key_size']} bits can be broken "
                      f"or are refused by current clients ({connections_text}).{consequence}")
            remediation = ("Issue a new certificate with an RSA key of at least 2048 bits "
                           "or an EC P-256 key.")
            finding_rule = WEAK_KEY
        elif rule_id == CERTIFICATE_HOSTNAME_MISMATCH.id:
            names = ", ".join(facts["certificate_names"]) or "no names"
            title = (f"Certificate from {server} does not cover {facts['sni']} "
                     f"(it covers {names})")
            detail = (f"The client asked for {facts['sni']} (SNI) but the server presented "
                      f"{facts['subject']}, valid for {names}, in {connections_text}. "
                      f"Clients that check the name refuse the connection.{consequence}")
            remediation = ("Serve a certificate whose subject alternative names include "
                           f"{facts['sni']} (check the virtual host / SNI mapping on the "
                           "server or load balancer), or point the client at a name the "
                           "certificate covers.")
            finding_rule = CERTIFICATE_HOSTNAME_MISMATCH
        elif rule_id == CERTIFICATE_SELF_SIGNED.id:
            title = f"Server {server} presents a self-signed certificate ({facts['subject']})"
            detail = (f"The certificate is signed by its own key, so no client trusts it "
                      f"unless it was added to that client's trust store "
                      f"({connections_text}).{consequence}")
            remediation = ("Use a certificate issued by a CA the clients trust, or add this "
                           "certificate to the clients' trust stores on purpose.")
            finding_rule = CERTIFICATE_SELF_SIGNED
        else:
            title = f"Certificate chain from {server} is incomplete ({facts['subject']})"
            detail = (f"{facts['problem'][0].upper()}{facts['problem'][1:]} "
                      f"({connections_text}). Browsers often fill the gap from their cache, "
                      f"so it may work for some clients and fail with unknown_ca or "
                      f"certificate_unknown for others (Java, curl, mobile apps)."
                      f"{consequence}")
            remediation = ("Configure the server to send the full chain: its certificate "
                           "followed by every intermediate, in order (the CA's 'fullchain' "
                           "or bundle file).")
            finding_rule = CHAIN_INCOMPLETE
        return finding_rule.finding(
            title, analyzer="tls", detail=detail, count=count, first_seen=first_seen,
            last_seen=last_seen, evidence=group["evidence"], facts=facts,
            remediation=remediation)

    def handshake_failures(self, connections: list[_Connection]) -> list[Finding]:
        groups: dict[tuple[str, str, int], list[tuple[_Connection, AlertSeen]]] = {}
        for connection in connections:
            alert = connection.fatal_alert()
            if alert is None or connection.outcome() != "failed":
                continue
            key = (connection.endpoints()[1], alert.sender, alert.description or 0)
            groups.setdefault(key, []).append((connection, alert))
        findings = []
        for (server, sender, code), cases in groups.items():
            name = alert_name(code)
            meaning = ALERTS.get(code, ("", "an alert this analyzer does not know"))[1]
            count = len(cases)
            first_connection = cases[0][0]
            hello = first_connection.client_hello
            sni = hello.server_name if hello else None
            who = {"client": "The client", "server": "The server"}.get(sender, sender)
            title = (f"TLS handshake with {server}{f' ({sni})' if sni else ''} failed: "
                     f"{sender} sent fatal alert {name}")
            times = [alert.time for _connection, alert in cases]
            detail = (f"{who} ended the handshake with alert {code} ({name}) in {count} "
                      f"connection{'s' if count != 1 else ''}: {meaning}."
                      + _failure_context(first_connection, code))
            evidence = [self.evidence(alert.packet, f"{sender} alert fatal {name}")
                        for _connection, alert in cases[:MAX_EVIDENCE]]
            if first_connection.client_hello_packet:
                evidence.insert(0, self.evidence(first_connection.client_hello_packet,
                                                 f"ClientHello{f' SNI {sni}' if sni else ''}"))
            findings.append(HANDSHAKE_FAILURE.finding(
                title, analyzer="tls", detail=detail, count=count,
                first_seen=_time(min(times)), last_seen=_time(max(times)), evidence=evidence,
                facts={"server": server, "sni": sni, "sender": sender, "alert": name,
                       "alert_code": code, "connections": count,
                       "streams": [c.stream for c, _a in cases[:20]]},
                remediation=_REMEDIATIONS.get(code, "Look at the side that sent the alert: its "
                                              "logs say why it rejected the handshake.")))
        return findings

    def protocol_findings(self, connections: list[_Connection]) -> list[Finding]:
        versions: dict[tuple[str, int, bool], list[_Connection]] = {}
        ciphers: dict[tuple[str, int], list[_Connection]] = {}
        for connection in connections:
            server = connection.endpoints()[1]
            if connection.server_hello is not None:
                version = connection.server_hello.version
                if version in DEPRECATED_VERSIONS:
                    versions.setdefault((server, version, True), []).append(connection)
                suite = connection.server_hello.cipher_suite
                if is_weak_cipher(cipher_suite_name(suite)):
                    ciphers.setdefault((server, suite), []).append(connection)
            elif connection.client_hello is not None:
                best = max(connection.client_hello.offered_versions)
                if best in DEPRECATED_VERSIONS:
                    versions.setdefault((server, best, False), []).append(connection)
        findings = []
        for (server, version, negotiated), cases in versions.items():
            name = version_name(version)
            count = len(cases)
            packets = [(c.server_hello_packet if negotiated else c.client_hello_packet) or
                       c.first_packet for c in cases]
            if negotiated:
                title = f"{server} negotiated deprecated {name}"
                detail = (f"{count} connection{'s' if count != 1 else ''} to {server} used "
                          f"{name}, which has known attacks and is disabled by current "
                          f"clients and compliance rules (RFC 8996).")
            else:
                title = f"Client offered at best deprecated {name} to {server}"
                detail = (f"In {count} connection{'s' if count != 1 else ''} the client "
                          f"offered no version above {name}; servers that follow RFC 8996 "
                          f"refuse it (alert protocol_version).")
            findings.append(DEPRECATED_PROTOCOL.finding(
                title, analyzer="tls", detail=detail, count=count,
                first_seen=_time(cases[0].start), last_seen=_time(cases[-1].start),
                evidence=[self.evidence(p, f"{'ServerHello' if negotiated else 'ClientHello'} "
                                           f"{name}") for p in packets[:MAX_EVIDENCE]],
                facts={"server": server, "version": name, "negotiated": negotiated,
                       "connections": count},
                remediation="Enable TLS 1.2 and 1.3 on both sides and disable older "
                            "versions; upgrade clients whose TLS stack stops at TLS 1.0/1.1."))
        for (server, suite), cases in ciphers.items():
            name = cipher_suite_name(suite)
            count = len(cases)
            severity = (Severity.HIGH if any(w in name.upper() for w in ("NULL", "EXPORT",
                                                                        "_ANON_"))
                        else None)
            findings.append(WEAK_CIPHER.finding(
                f"{server} negotiated weak cipher suite {name}", analyzer="tls",
                severity=severity,
                detail=(f"{count} connection{'s' if count != 1 else ''} to {server} used "
                        f"{name} (0x{suite:04x}): it gives no or breakable encryption, or no "
                        f"authentication of the server."),
                count=count, first_seen=_time(cases[0].start), last_seen=_time(cases[-1].start),
                evidence=[self.evidence(c.server_hello_packet or c.first_packet,
                                        f"ServerHello {name}") for c in cases[:MAX_EVIDENCE]],
                facts={"server": server, "cipher_suite": name, "code": f"0x{suite:04x}",
                       "connections": count},
                remediation="Remove NULL, EXPORT, RC4, DES/3DES and anonymous suites from the "
                            "server's cipher list; prefer ECDHE with AES-GCM or ChaCha20."))
        return findings

    # -- events

    def events(self, connections: list[_Connection]) -> Iterator[Event]:
        events: list[Event] = []
        for connection in connections:
            client, server = connection.endpoints()
            outcome = connection.outcome()
            fatal = connection.fatal_alert()
            if fatal is not None:
                events.append(Event(
                    _time(fatal.time), self.artifact, PacketLocator(fatal.packet),
                    Severity.HIGH, EventSource.PACKET,
                    f"TLS {client} -> {server}: {fatal.sender} sent fatal alert "
                    f"{alert_name(fatal.description or 0)}"))
            elif (outcome == "aborted" and connection.reset_packet is not None
                  and connection.reset_time is not None):
                events.append(Event(
                    _time(connection.reset_time), self.artifact,
                    PacketLocator(connection.reset_packet), Severity.MEDIUM,
                    EventSource.PACKET,
                    f"TLS {client} -> {server}: handshake {connection.closed_by} "
                    f"before it completed"))
            if len(events) >= MAX_EVENTS:
                break
        yield from events


_REMEDIATIONS = {
    40: "Compare the versions and cipher suites the client offered (see the handshake stats) "
        "with what the server allows; enable a common modern suite (ECDHE + AES-GCM) and TLS "
        "1.2 or 1.3 on both sides.",
    42: "Check the certificate the rejecting side received: a corrupt file, a wrong chain "
        "order or a signature algorithm it refuses.",
    45: "Check the validity dates of the certificate the rejecting side received and that "
        "side's clock; renew the certificate if it expired.",
    46: "Check the rejecting side's logs for the exact reason (untrusted issuer, name "
        "mismatch, key usage) and the certificate chain the server sends.",
    48: "Add the issuing CA to the client's trust store, or make the server send the full "
        "chain with its intermediates.",
    70: "Enable a TLS version both sides support (TLS 1.2 at least); old clients need an "
        "upgrade rather than the server re-enabling TLS 1.0.",
    71: "Let the client offer modern suites (ECDHE + AES-GCM), or review the server's "
        "minimum security policy.",
    80: "Read the logs of the side that sent the alert: the error is on that side.",
    86: "Find what breaks the client's first, higher-version attempt (often a middlebox or "
        "proxy) instead of letting it fall back.",
    112: "Configure the server (or load balancer) with a certificate / virtual host for the "
         "name the client sends, or correct the name the client uses.",
    116: "Configure the client with its certificate and key, or relax the server's client "
         "certificate requirement for this endpoint.",
    120: "Align the ALPN protocols: enable the protocol the client requires (h2 or http/1.1) "
         "on the server.",
}


def _failure_context(connection: _Connection, code: int) -> str:
    """A sentence tying the alert to what the handshake showed, when something fits."""
    hello = connection.client_hello
    server_hello = connection.server_hello
    if code in (40, 70, 71) and hello is not None and server_hello is None:
        offered = ", ".join(version_name(v) or "" for v in hello.offered_versions)
        return (f" The server never answered with a ServerHello; the client offered "
                f"{offered} and {len(hello.cipher_suites)} cipher suites.")
    if code == 116 or (code in (40, 42) and connection.client_certificate_requested):
        return " The server had asked the client for a certificate."
    return ""
