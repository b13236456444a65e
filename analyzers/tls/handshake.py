"""TLS handshake messages: ClientHello and ServerHello (also in SSLv2 format), and the
certificate list of a Certificate message, parsed from their bytes.

Every read is bounds-checked: a structure that ends early or holds an impossible length
raises ``TlsParseError``, which the connection tracking reports as a warning and survives.
The lists of a ``ClientHello`` keep the wire order, GREASE values (RFC 8701) included;
``offered_versions`` and JA3 leave GREASE out.

Fingerprints (JA3, JA4, JA4S) are computed in ``fingerprints`` from what is parsed here.

>>> from inspector.formats.protocols import cipher_suite_name
>>> hello = parse_client_hello(bytes.fromhex(
...     "0303" + "00" * 32 + "00" + "0004c02f1301" + "0100" + "0012"
...     "0000000e000c0000096c6f63616c686f7374"))
>>> (hello.server_name, [cipher_suite_name(c) for c in hello.cipher_suites])
('localhost', ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'])
>>> hello.ja3
'771,49199-4865,0,,'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers.tls import fingerprints
from inspector.formats.protocols import (
    EXTENSION_ALPN,
    EXTENSION_EC_POINT_FORMATS,
    EXTENSION_SERVER_NAME,
    EXTENSION_SUPPORTED_GROUPS,
    EXTENSION_SUPPORTED_VERSIONS,
    HANDSHAKE_CLIENT_HELLO,
    SSL2,
    is_grease,
)

EXTENSION_SIGNATURE_ALGORITHMS = 13
SSL2_SERVER_HELLO = 4

# The ServerHello random that marks a TLS 1.3 HelloRetryRequest (RFC 8446, 4.1.3).
HELLO_RETRY_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


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
    """What the client offered. ``cipher_suites`` and the lists keep the wire order;
    ``alpn_values`` are the ALPN protocol names as sent, ``alpn`` as text."""

    legacy_version: int
    cipher_suites: list[int]
    extensions: list[int] = field(default_factory=list)
    server_name: str | None = None
    alpn: list[str] = field(default_factory=list)
    alpn_values: list[bytes] = field(default_factory=list)
    signature_algorithms: list[int] = field(default_factory=list)
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
        return fingerprints.ja3(self)

    @property
    def ja3_hash(self) -> str | None:
        return fingerprints.ja3_hash(self)


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
            value = protocols.vector(1)
            hello.alpn_values.append(value)
            hello.alpn.append(value.decode("ascii", "backslashreplace"))
    elif extension_type == EXTENSION_SUPPORTED_VERSIONS and data:
        hello.supported_versions = _u16_list(reader.vector(1))
    elif extension_type == EXTENSION_SIGNATURE_ALGORITHMS and data:
        hello.signature_algorithms = _u16_list(reader.vector(2))


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
    """What the server chose. ``version`` is the effective one (supported_versions wins);
    ``extensions`` keep the wire order. An SSLv2 SERVER-HELLO has version SSL 2.0, the
    server's first cipher kind (3 bytes) as ``cipher_suite`` and its certificate."""

    legacy_version: int
    cipher_suite: int
    session_id: bytes = b""
    selected_version: int | None = None
    alpn: str | None = None
    alpn_value: bytes | None = None
    hello_retry_request: bool = False
    extensions: list[int] = field(default_factory=list)
    sslv2_format: bool = False
    certificate: bytes = b""

    @property
    def version(self) -> int:
        return self.selected_version or self.legacy_version


def parse_server_hello(body: bytes) -> ServerHello:
    """Parse a ServerHello handshake body (without the 4-byte handshake header), which may
    be a TLS 1.3 HelloRetryRequest."""
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
            hello.extensions.append(extension_type)
            if extension_type == EXTENSION_SUPPORTED_VERSIONS and len(data) == 2:
                hello.selected_version = int.from_bytes(data, "big")
            elif extension_type == EXTENSION_ALPN and data:
                protocols = _Reader(_Reader(data).vector(2))
                hello.alpn_value = protocols.vector(1)
                hello.alpn = hello.alpn_value.decode("ascii", "backslashreplace")
    return hello


def parse_sslv2_server_hello(record: bytes) -> ServerHello:
    """Parse an SSLv2 SERVER-HELLO record (2-byte header with the high bit set): the server
    answered in SSL 2.0, the version it sends, with its certificate and cipher kinds."""
    reader = _Reader(record)
    reader.take(2)
    if reader.u8() != SSL2_SERVER_HELLO:
        raise TlsParseError("not an SSLv2 SERVER-HELLO")
    reader.u8()  # session id hit
    certificate_type = reader.u8()
    version = reader.u16()
    certificate_length, specs_length, _connection_id_length = (
        reader.u16(), reader.u16(), reader.u16())
    certificate = reader.take(certificate_length)
    specs = reader.take(specs_length)
    first = int.from_bytes(specs[:3], "big") if len(specs) >= 3 else 0
    return ServerHello(version, first, selected_version=version or SSL2, sslv2_format=True,
                       certificate=certificate if certificate_type == 1 else b"")


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
