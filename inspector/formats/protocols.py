"""Protocol number tables, named once: TCP flags, DNS response codes, ICMP unreachable
codes, TLS record, handshake and alert numbers, versions and cipher-suite names.

Every layer that names a protocol value (the network and TLS analyzers, the packet viewer,
training's text rendering) takes the name from here, so the same alert is never called two
things. Names follow the RFCs and Wireshark's display.

>>> tcp_flag_names(0x12), dns_rcode_name(3), alert_name(45), version_name(0x0303)
('SYN, ACK', 'NXDOMAIN', 'certificate_expired', 'TLS 1.2')
"""

from __future__ import annotations

import functools

# --- TCP -------------------------------------------------------------------------------------

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80
TCP_FLAG_BITS = (("FIN", FIN), ("SYN", SYN), ("RST", RST), ("PSH", PSH), ("ACK", ACK),
                 ("URG", URG), ("ECE", ECE), ("CWR", CWR))


def tcp_flag_names(flags: int) -> str:
    """``"SYN, ACK"``: the set flags, lowest bit first (Wireshark's order)."""
    return ", ".join(name for name, bit in TCP_FLAG_BITS if flags & bit)


# --- DNS and ICMP ----------------------------------------------------------------------------

DNS_RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
              5: "REFUSED", 6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH",
              10: "NOTZONE"}


def dns_rcode_name(rcode: int) -> str:
    return DNS_RCODES.get(rcode, f"RCODE{rcode}")


ICMP_UNREACHABLE_CODES = {
    0: "network unreachable", 1: "host unreachable", 2: "protocol unreachable",
    3: "port unreachable", 4: "fragmentation needed (MTU)", 5: "source route failed",
    6: "destination network unknown", 7: "destination host unknown",
    9: "network administratively prohibited", 10: "host administratively prohibited",
    13: "communication administratively prohibited",
}
ICMPV6_UNREACHABLE_CODES = {
    0: "no route to destination", 1: "administratively prohibited",
    3: "address unreachable", 4: "port unreachable", 5: "source address failed policy",
    6: "reject route to destination",
}

# --- TLS -------------------------------------------------------------------------------------

CONTENT_CHANGE_CIPHER_SPEC = 20
CONTENT_ALERT = 21
CONTENT_HANDSHAKE = 22
CONTENT_APPLICATION_DATA = 23
CONTENT_HEARTBEAT = 24
RECORD_NAMES = {CONTENT_CHANGE_CIPHER_SPEC: "Change Cipher Spec", CONTENT_ALERT: "Alert",
                CONTENT_HANDSHAKE: "Handshake", CONTENT_APPLICATION_DATA: "Application Data",
                CONTENT_HEARTBEAT: "Heartbeat"}

HANDSHAKE_CLIENT_HELLO = 1
HANDSHAKE_SERVER_HELLO = 2
HANDSHAKE_CERTIFICATE = 11
HANDSHAKE_CERTIFICATE_REQUEST = 13
HANDSHAKE_NAMES = {1: "Client Hello", 2: "Server Hello", 4: "New Session Ticket",
                   8: "Encrypted Extensions", 11: "Certificate", 12: "Server Key Exchange",
                   13: "Certificate Request", 14: "Server Hello Done",
                   15: "Certificate Verify", 16: "Client Key Exchange", 20: "Finished"}

EXTENSION_SERVER_NAME = 0
EXTENSION_SUPPORTED_GROUPS = 10
EXTENSION_EC_POINT_FORMATS = 11
EXTENSION_ALPN = 16
EXTENSION_SUPPORTED_VERSIONS = 43

SSL2 = 0x0002
TLS13 = 0x0304
VERSION_NAMES = {SSL2: "SSL 2.0", 0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
                 0x0303: "TLS 1.2", TLS13: "TLS 1.3"}
DEPRECATED_VERSIONS = frozenset({SSL2, 0x0300, 0x0301, 0x0302})


def version_name(version: int | None) -> str | None:
    if version is None:
        return None
    return VERSION_NAMES.get(version, f"0x{version:04x}")


def is_grease(value: int) -> bool:
    """RFC 8701 GREASE values (0x0a0a, 0x1a1a, ... 0xfafa) that clients add at random."""
    return (value & 0x0F0F) == 0x0A0A and (value >> 8) == (value & 0xFF)


# Alert descriptions, with what each means for the person debugging the connection.
ALERTS: dict[int, tuple[str, str]] = {
    0: ("close_notify", "the sender closed the TLS session normally"),
    10: ("unexpected_message", "a message arrived that was not expected at that point of "
         "the protocol: usually an implementation bug or a middlebox altering the traffic"),
    20: ("bad_record_mac", "a record failed its integrity check: data corrupted in transit, "
         "a faulty TLS offload or middlebox, or keys that do not match"),
    21: ("decryption_failed", "a record could not be decrypted (an obsolete alert)"),
    22: ("record_overflow", "a record was longer than the protocol allows"),
    30: ("decompression_failure", "TLS compression failed (compression is obsolete)"),
    40: ("handshake_failure", "the two sides found no acceptable set of security "
         "parameters: usually no cipher suite or protocol version in common"),
    41: ("no_certificate", "no certificate was available (SSL 3.0 only)"),
    42: ("bad_certificate", "the peer's certificate was corrupt or its signature did not "
         "verify"),
    43: ("unsupported_certificate", "the peer's certificate type or key is not supported"),
    44: ("certificate_revoked", "the peer's certificate was revoked by its issuer"),
    45: ("certificate_expired", "the peer's certificate has expired or is not yet valid, "
         "by the rejecting side's clock"),
    46: ("certificate_unknown", "the peer's certificate was rejected for another reason "
         "(often an untrusted or mismatched certificate)"),
    47: ("illegal_parameter", "a handshake field held a value that is out of range or "
         "inconsistent with the rest of the handshake"),
    48: ("unknown_ca", "the rejecting side does not trust the issuer of the certificate: "
         "the CA is missing from its trust store, or the server did not send an "
         "intermediate certificate"),
    49: ("access_denied", "the certificate was valid but access was refused by policy"),
    50: ("decode_error", "a message could not be decoded: malformed or truncated"),
    51: ("decrypt_error", "a signature or Finished check failed: key mismatch, a broken "
         "middlebox or a wrong pre-shared key"),
    60: ("export_restriction", "an export-grade parameter was refused (obsolete)"),
    70: ("protocol_version", "the two sides have no TLS version in common: one requires a "
         "version the other has disabled"),
    71: ("insufficient_security", "the server requires stronger cipher suites than the "
         "client offered"),
    80: ("internal_error", "the sender hit an internal error unrelated to the peer (out of "
         "memory, misconfiguration, a crashed key store)"),
    86: ("inappropriate_fallback", "the client retried with a lower version although both "
         "support a higher one: something broke the first attempt"),
    90: ("user_canceled", "the handshake was cancelled by the application"),
    100: ("no_renegotiation", "the sender refused to renegotiate"),
    109: ("missing_extension", "a required handshake extension was missing"),
    110: ("unsupported_extension", "an extension was sent that the peer never offered"),
    111: ("certificate_unobtainable", "a certificate could not be fetched from its URL"),
    112: ("unrecognized_name", "the server has no certificate or virtual host for the server "
          "name (SNI) the client asked for"),
    113: ("bad_certificate_status_response", "the stapled OCSP response was invalid or "
          "unacceptable"),
    114: ("bad_certificate_hash_value", "a certificate hash did not match"),
    115: ("unknown_psk_identity", "the server does not know the pre-shared key the client "
          "offered"),
    116: ("certificate_required", "the server requires a client certificate and the client "
          "sent none"),
    120: ("no_application_protocol", "the two sides share no application protocol (ALPN), "
          "e.g. the client insists on h2 and the server only speaks http/1.1"),
}


def alert_name(code: int) -> str:
    return ALERTS[code][0] if code in ALERTS else f"alert_{code}"


@functools.cache
def _cipher_suite_names() -> dict[int, str]:
    # scapy's IANA cipher-suite table is the most complete one at hand; it is module-private
    # in scapy but has kept its name and shape for years, and only names are taken from it.
    # Imported on first use: loading scapy's TLS layer costs ~0.4 s, which every worker and
    # every CLI run would otherwise pay whether or not the bundle holds a capture.
    from scapy.layers.tls.crypto.suites import _tls_cipher_suites

    return _tls_cipher_suites


# SSL 2.0 cipher kinds (3 bytes), which an SSLv2 SERVER-HELLO lists.
SSL2_CIPHER_KINDS = {
    0x010080: "SSL_CK_RC4_128_WITH_MD5", 0x020080: "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
    0x030080: "SSL_CK_RC2_128_CBC_WITH_MD5",
    0x040080: "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5",
    0x050080: "SSL_CK_IDEA_128_CBC_WITH_MD5", 0x060040: "SSL_CK_DES_64_CBC_WITH_MD5",
    0x0700C0: "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
}


def cipher_suite_name(code: int) -> str:
    """The IANA name of a cipher suite, or of an SSL 2.0 cipher kind (codes above 0xffff)."""
    if code > 0xFFFF:
        return SSL2_CIPHER_KINDS.get(code, f"0x{code:06x}")
    return _cipher_suite_names().get(code) or f"0x{code:04x}"
