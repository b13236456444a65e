"""TLS fingerprints of the hellos: JA3 (tshark's ``tls.handshake.ja3``), JA4 and JA4S.

JA4 and JA4S follow FoxIO's published definition (github.com/FoxIO-LLC/ja4,
``technical_details/JA4.md`` and ``JA4S.md``): GREASE values (RFC 8701) are ignored
everywhere; hashes are SHA-256 in lower-case hex cut to 12 characters, and ``000000000000``
stands for an empty list.

- JA4 ``a_b_c``: *a* is the transport (``t`` TCP, ``q`` QUIC), the version (the highest of
  supported_versions, else the legacy version: ``13``, ``12``, ``11``, ``10``, ``s3``,
  ``s2``, else ``00``), ``d`` with an SNI or ``i`` without, the number of cipher suites and
  of extensions (2 digits, at most 99; SNI and ALPN count), and the first and last character
  of the first ALPN value (``00`` without one; its hex digits when either end is not
  alphanumeric). *b* hashes the cipher suites as 4-digit hex, sorted, comma-separated. *c*
  hashes the extensions the same way without SNI (0000) and ALPN (0010), then ``_`` and the
  signature algorithms in their order (no ``_`` when there are none).
- JA4S ``a_b_c``: *a* is the transport, the chosen version, the number of extensions and the
  chosen ALPN's first and last character; *b* the chosen cipher suite in hex; *c* hashes the
  extensions in their order.

FoxIO's examples, computed here:

>>> _hash12("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9")
'8daaf6152771'
>>> _hash12("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
...         "0403,0804,0401,0503,0805,0501,0806,0601")
'e5627efa2ab1'
>>> _hash12("0005,0017,ff01,0000")
'4e8089b08790'
>>> alpn_characters(b"http/1.1"), alpn_characters(b"\\x30\\xab"), alpn_characters(b"")
('h1', '3b', '00')
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from inspector.formats.protocols import EXTENSION_ALPN, EXTENSION_SERVER_NAME, is_grease

if TYPE_CHECKING:
    from analyzers.tls.handshake import ClientHello, ServerHello

# JA4's two-character version codes.
JA4_VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
                0x0002: "s2", 0xFEFF: "d1", 0xFEFD: "d2", 0xFEFC: "d3"}


def ja3(hello: ClientHello) -> str | None:
    """The JA3 string as tshark builds it; ``None`` for an SSLv2-format hello."""
    if hello.sslv2_format:
        return None

    def join(values: list[int]) -> str:
        return "-".join(str(v) for v in values if not is_grease(v))

    return ",".join([str(hello.legacy_version), join(hello.cipher_suites),
                     join(hello.extensions), join(hello.supported_groups),
                     "-".join(str(v) for v in hello.ec_point_formats)])


def ja3_hash(hello: ClientHello) -> str | None:
    text = ja3(hello)
    return None if text is None else hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _hash12(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "000000000000"


def _hex_list(values: list[int]) -> str:
    return ",".join(f"{value:04x}" for value in values)


def alpn_characters(value: bytes | None) -> str:
    """The first and last character of an ALPN value, as JA4 writes them."""
    if not value:
        return "00"
    first, last = value[0], value[-1]
    if chr(first).isascii() and chr(first).isalnum() and chr(last).isascii() \
            and chr(last).isalnum():
        return chr(first) + chr(last)
    text = value.hex()
    return text[0] + text[-1]


def ja4(hello: ClientHello, transport: str = "t") -> str:
    """JA4 of a ClientHello sent over ``transport`` (``t`` TCP, ``q`` QUIC)."""
    ciphers = [c for c in hello.cipher_suites if not is_grease(c)]
    extensions = [e for e in hello.extensions if not is_grease(e)]
    version = JA4_VERSIONS.get(max(hello.offered_versions, default=0), "00")
    part_a = (f"{transport}{version}{'d' if EXTENSION_SERVER_NAME in extensions else 'i'}"
              f"{min(len(ciphers), 99):02d}{min(len(extensions), 99):02d}"
              f"{alpn_characters(hello.alpn_values[0] if hello.alpn_values else None)}")
    listed = _hex_list(sorted(e for e in extensions
                              if e not in (EXTENSION_SERVER_NAME, EXTENSION_ALPN)))
    algorithms = _hex_list([a for a in hello.signature_algorithms if not is_grease(a)])
    part_c = _hash12(listed + ("_" + algorithms if algorithms else "")) if listed else (
        "000000000000")
    return f"{part_a}_{_hash12(_hex_list(sorted(ciphers)))}_{part_c}"


def ja4s(hello: ServerHello, transport: str = "t") -> str:
    """JA4S of a ServerHello sent over ``transport``."""
    extensions = [e for e in hello.extensions if not is_grease(e)]
    version = JA4_VERSIONS.get(hello.version, "00")
    return (f"{transport}{version}{min(len(extensions), 99):02d}"
            f"{alpn_characters(hello.alpn_value)}_"
            f"{hello.cipher_suite:04x}_{_hash12(_hex_list(extensions))}")
