"""analyzers.tls.handshake: ClientHello (from a real TLS stack), JA3, ServerHello and the
certificate list."""

from __future__ import annotations

import re
import ssl

import pytest
from cryptography.hazmat.primitives import serialization

from analyzers.tls.handshake import (
    HELLO_RETRY_RANDOM,
    TlsParseError,
    parse_client_hello,
    parse_server_hello,
    parse_sslv2_client_hello,
    parse_sslv2_server_hello,
    split_certificate_list,
)
from inspector.formats.protocols import is_grease
from tests.analyzers.tls.traffic import certificate_message, client_hello, leaf, vector


def test_client_hello_from_openssl_is_parsed():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_alpn_protocols(["h2", "http/1.1"])
    client = context.wrap_bio(ssl.MemoryBIO(), outgoing := ssl.MemoryBIO(),
                              server_hostname="shop.example.org")
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()
    data = outgoing.read()
    hello = parse_client_hello(data[9:])
    assert hello.server_name == "shop.example.org"
    assert hello.alpn == ["h2", "http/1.1"]
    assert 0x0304 in hello.offered_versions and 0x0303 in hello.offered_versions
    assert len(hello.cipher_suites) > 3
    version, ciphers, extensions, groups, formats = hello.ja3.split(",")
    assert groups.split("-") == [str(g) for g in hello.supported_groups]
    assert formats == "-".join(str(f) for f in hello.ec_point_formats)
    assert version == "771"
    assert ciphers.split("-") == [str(c) for c in hello.cipher_suites]
    assert extensions.split("-") == [str(e) for e in hello.extensions]
    assert re.fullmatch(r"[0-9a-f]{32}", hello.ja3_hash)


def test_ja3_leaves_out_grease_everywhere():
    plain = parse_client_hello(client_hello(grease=False)[4:])
    greased = parse_client_hello(client_hello(grease=True)[4:])
    assert any(is_grease(c) for c in greased.cipher_suites)
    assert greased.ja3 == plain.ja3
    assert greased.ja3_hash == plain.ja3_hash
    assert greased.offered_versions == [0x0304, 0x0303]


def test_certificate_list_round_trips(pki):
    chain = [leaf(pki), pki["intermediate"]]
    body = certificate_message(chain)[4:]
    assert split_certificate_list(body) == [c.public_bytes(serialization.Encoding.DER)
                                            for c in chain]


def test_server_hello_takes_its_version_from_supported_versions():
    supported_versions = (43).to_bytes(2, "big") + vector(bytes.fromhex("0304"), 2)
    body = (bytes.fromhex("0303") + bytes(32) + vector(b"", 1) + bytes.fromhex("1301") + b"\x00"
            + vector(supported_versions, 2))
    hello = parse_server_hello(body)
    assert (hello.legacy_version, hello.selected_version, hello.version) == (
        0x0303, 0x0304, 0x0304)
    assert not hello.hello_retry_request
    assert parse_server_hello(body[:2] + HELLO_RETRY_RANDOM + body[34:]).hello_retry_request


def test_sslv2_client_hello_keeps_only_the_tls_cipher_suites():
    specs = bytes.fromhex("010080" "00002f" "000035")  # SSL 2.0's RC4-MD5, then two TLS suites
    challenge = bytes(16)
    body = (b"\x01" + bytes.fromhex("0301") + len(specs).to_bytes(2, "big") + bytes(2)
            + len(challenge).to_bytes(2, "big") + specs + challenge)
    hello = parse_sslv2_client_hello(bytes([0x80, len(body)]) + body)
    assert hello.sslv2_format and hello.legacy_version == 0x0301
    assert hello.cipher_suites == [0x002F, 0x0035]
    assert hello.ja3 is None and hello.ja3_hash is None


def sslv2_server_hello(certificate: bytes, specs: bytes = bytes.fromhex("010080" "0700c0")
                       ) -> bytes:
    """An SSLv2 SERVER-HELLO record: no session hit, an X.509 certificate, SSL 2.0."""
    body = (bytes([4, 0, 1]) + b"\x00\x02" + len(certificate).to_bytes(2, "big")
            + len(specs).to_bytes(2, "big") + (16).to_bytes(2, "big") + certificate + specs
            + bytes(16))
    return bytes([0x80 | len(body) >> 8, len(body) & 0xFF]) + body


def test_sslv2_server_hello_is_ssl_2_with_its_certificate():
    hello = parse_sslv2_server_hello(sslv2_server_hello(b"0\x03\x02\x01\x00"))
    assert (hello.version, hello.cipher_suite, hello.sslv2_format) == (0x0002, 0x010080, True)
    assert hello.certificate == b"0\x03\x02\x01\x00"
    with pytest.raises(TlsParseError):
        parse_sslv2_server_hello(sslv2_server_hello(b"")[:12])


def test_a_hello_cut_short_raises_a_parse_error():
    with pytest.raises(TlsParseError, match="needs 32 bytes at offset 2, 10 left"):
        parse_client_hello(bytes.fromhex("0303") + bytes(10))
