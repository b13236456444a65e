"""analyzers.tls.fingerprints: JA4 and JA4S on FoxIO's published examples, JA3 as tshark."""

from __future__ import annotations

import pytest

from analyzers.tls.fingerprints import alpn_characters, ja3, ja4, ja4s
from analyzers.tls.handshake import parse_client_hello, parse_server_hello
from tests.analyzers.tls.traffic import u16s, vector

# FoxIO's JA4 example (technical_details/JA4.md): a Chrome hello, its lists in wire order.
CIPHERS = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013,
           0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
EXTENSIONS = [0x001B, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002D, 0x000D, 0x0005,
              0x0023, 0x0012, 0x002B, 0xFF01, 0x000B, 0x000A, 0x0015]
SIGNATURE_ALGORITHMS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]


def _client_hello(extensions=EXTENSIONS, *, grease=True, alpn=(b"h2", b"http/1.1"),
                  algorithms=SIGNATURE_ALGORITHMS) -> bytes:
    """A ClientHello body with these extensions, GREASE added where Chrome puts it."""
    contents = {
        0x0000: vector(b"\x00" + vector(b"example.com", 2), 2),
        0x0010: vector(b"".join(vector(value, 1) for value in alpn), 2),
        0x000D: vector(u16s(algorithms), 2),
        0x002B: vector(u16s([0x0304, 0x0303]), 1),
        0x000A: vector(u16s([29, 23, 24]), 2),
        0x000B: vector(b"\x00", 1),
    }
    wire = ([0x0A0A] if grease else []) + list(extensions) + ([0x1A1A] if grease else [])
    body = b"".join(kind.to_bytes(2, "big") + vector(contents.get(kind, b""), 2)
                    for kind in wire)
    suites = ([0x2A2A] if grease else []) + CIPHERS
    return (b"\x03\x03" + bytes(32) + vector(bytes(32), 1) + vector(u16s(suites), 2)
            + vector(b"\x00", 1) + vector(body, 2))


def test_ja4_of_foxios_example():
    hello = parse_client_hello(_client_hello())
    assert ja4(hello) == "t13d1516h2_8daaf6152771_e5627efa2ab1"
    assert ja4(hello, "q").startswith("q13d1516h2_")


def test_ja4_without_signature_algorithms_sni_or_alpn():
    """FoxIO: no signature algorithms, no underscore in the hashed string (6d807ffa2a79);
    no SNI is "i"; no ALPN is "00"."""
    extensions = [e for e in EXTENSIONS if e not in (0x000D, 0x0000, 0x0010)]
    hello = parse_client_hello(_client_hello([*extensions, 0x000D], algorithms=[]))
    assert ja4(hello).startswith("t13i151400_8daaf6152771_")
    no_algorithms = parse_client_hello(_client_hello(
        [*(e for e in EXTENSIONS if e != 0x000D), 0x000D], algorithms=[]))
    assert ja4(no_algorithms).endswith("_6d807ffa2a79")


def test_ja4_empty_lists_are_zeros():
    body = (b"\x03\x03" + bytes(32) + vector(b"", 1) + vector(b"", 2) + vector(b"\x00", 1))
    assert ja4(parse_client_hello(body)) == "t12i000000_000000000000_000000000000"


@pytest.mark.parametrize(("value", "expected"), [
    (b"h2", "h2"), (b"http/1.1", "h1"), (b"h", "hh"), (b"", "00"), (None, "00"),
    (b"\xab", "ab"), (b"\xab\xcd", "ad"), (b"\x30\xab", "3b"), (b"\x30\x31\xab\xcd", "3d"),
    (b"\x30\xab\xcd\x31", "01")])
def test_alpn_characters_as_foxio_writes_them(value, expected):
    assert alpn_characters(value) == expected


def test_ja4s_of_foxios_example():
    """TLS 1.2, extensions 0005,0017,ff01,0000, no ALPN, cipher c030: t120400_c030_4e8089b08790."""
    extensions = b"".join(kind.to_bytes(2, "big") + vector(b"", 2)
                          for kind in (0x0005, 0x0017, 0xFF01, 0x0000))
    body = (b"\x03\x03" + bytes(32) + vector(bytes(32), 1) + b"\xc0\x30\x00"
            + vector(extensions, 2))
    assert ja4s(parse_server_hello(body)) == "t120400_c030_4e8089b08790"


def test_ja4s_reads_the_chosen_version_and_alpn():
    extensions = (b"\x00\x2b" + vector(b"\x03\x04", 2)
                  + b"\x00\x10" + vector(vector(vector(b"h2", 1), 2), 2))
    body = (b"\x03\x03" + bytes(32) + vector(b"", 1) + b"\x13\x01\x00" + vector(extensions, 2))
    assert ja4s(parse_server_hello(body), "q").startswith("q1302h2_1301_")


def test_ja3_leaves_grease_out():
    hello = parse_client_hello(_client_hello())
    assert ja3(hello).startswith("771,4865-4866-4867-49195-")
    assert "2570" not in ja3(hello) and "6682" not in ja3(hello)
