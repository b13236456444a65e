"""What a TCP or UDP payload is, read from its bytes (never from the port), in Wireshark's
words: TLS records and handshake messages, DNS messages, the first line of HTTP/1.x.

``application(payload, transport_protocol, ports)`` returns an ``AppLayer`` (the protocol
column's name, the Info column's text, and the fields a display filter can test, named as
Wireshark names them) or None when the payload is none of these. A SYN to port 443 carries
no payload, so it stays "TCP"; TLS on port 8080 is still TLS. Ports are only a tie-break for
DNS, whose 12-byte header has no magic: a UDP or TCP payload to or from 53 or 5353 is read as
DNS only when it parses as DNS.

Everything is bounds-checked: a payload cut by the snaplen or crafted to lie about its
lengths gives what could be read, never an exception. QUIC is left to the capture reader
(``inspector.formats``), which will name it; it is not guessed here.

>>> application(bytes([21, 3, 3, 0, 2, 2, 45]), 6, (51514, 443)).info
'Alert (Level: Fatal, Description: certificate_expired)'
>>> application(b"GET /orders?id=7 HTTP/1.1\\r\\nHost: api.test\\r\\n\\r\\n", 6, (40000, 8080)).info
'GET /orders?id=7 HTTP/1.1'
>>> application(b"", 6, (51514, 443)) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from inspector.formats.protocols import (
    CONTENT_ALERT,
    CONTENT_HANDSHAKE,
    EXTENSION_SERVER_NAME,
    EXTENSION_SUPPORTED_VERSIONS,
    HANDSHAKE_CLIENT_HELLO,
    HANDSHAKE_NAMES,
    RECORD_NAMES,
    alert_name,
    dns_rcode_name,
)

DNS_PORTS = frozenset({53, 5353, 5355})
DNS_TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT",
             28: "AAAA", 33: "SRV", 35: "NAPTR", 41: "OPT", 64: "SVCB", 65: "HTTPS", 255: "ANY"}
DNS_RESPONSE_WORDS = {0: "", 1: "Format error", 2: "Server failure", 3: "No such name",
                      4: "Not implemented", 5: "Refused"}
HTTP_METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"HEAD ", b"OPTIONS ", b"PATCH ",
                b"CONNECT ", b"TRACE ")
TLS_VERSIONS = {0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2",
                0x0304: "TLSv1.3"}
MAX_RECORDS = 64
MAX_LABELS = 128
HEADER_BYTES = 8192
_HOST = re.compile(rb"\r\nhost:([^\r\n]*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AppLayer:
    """An application payload as the packet list shows and filters it.

    Attributes:
        protocol: the Protocol column (``TLSv1.2``, ``DNS``, ``HTTP``).
        info: the Info column.
        fields: display-filter field name (``dns.qry.name``) -> value, or a list of values
            when the field occurs more than once (``tls.handshake.type``).
    """

    protocol: str
    info: str
    fields: dict[str, Any] = field(default_factory=dict)


def application(payload: bytes, transport_protocol: int, ports: tuple[int, int]
                ) -> AppLayer | None:
    """What ``payload`` is (see the module doc), or None."""
    if not payload:
        return None
    if payload[0] in RECORD_NAMES and len(payload) >= 5 and payload[1] == 3:
        tls = tls_layer(payload)
        if tls is not None:
            return tls
    if transport_protocol == 6 and payload.startswith((*HTTP_METHODS, b"HTTP/1.")):
        return http_layer(payload)
    if ports[0] in DNS_PORTS or ports[1] in DNS_PORTS:
        # DNS over TCP carries a 2-byte length before the message.
        message = payload[2:] if transport_protocol == 6 else payload
        dns = dns_layer(message)
        if dns is not None:
            return dns
    return None


# --- TLS ---------------------------------------------------------------------------------------


def _u16(data: bytes, at: int) -> int:
    return (data[at] << 8) | data[at + 1]


def client_hello_sni(body: bytes) -> str | None:
    """The server name a ClientHello message body (after its 4-byte header) asks for."""
    at = 2 + 32  # client version, random
    if len(body) < at + 1:
        return None
    at += 1 + body[at]  # session id
    if len(body) < at + 2:
        return None
    at += 2 + _u16(body, at)  # cipher suites
    if len(body) < at + 1:
        return None
    at += 1 + body[at]  # compression methods
    if len(body) < at + 2:
        return None
    end = min(len(body), at + 2 + _u16(body, at))
    at += 2
    while at + 4 <= end:
        kind, length = _u16(body, at), _u16(body, at + 2)
        data = body[at + 4:at + 4 + length]
        if kind == EXTENSION_SERVER_NAME and len(data) >= 5 and data[2] == 0:
            name_length = _u16(data, 3)
            return data[5:5 + name_length].decode("ascii", "replace") or None
        at += 4 + length
    return None


def hello_version(message: int, body: bytes) -> int:
    """The version a ClientHello offers or a ServerHello picks (a TLS 1.3 ServerHello names
    it in its supported_versions extension), or 0."""
    if len(body) < 2 + 32 + 1:
        return 0
    version = _u16(body, 0)
    if message != 2:
        return version
    at = 2 + 32
    at += 1 + body[at]  # session id
    at += 3  # cipher suite, compression method
    if len(body) < at + 2:
        return version
    end = min(len(body), at + 2 + _u16(body, at))
    at += 2
    while at + 4 <= end:
        kind, length = _u16(body, at), _u16(body, at + 2)
        if kind == EXTENSION_SUPPORTED_VERSIONS and length == 2 and at + 6 <= len(body):
            return _u16(body, at + 4)
        at += 4 + length
    return version


def tls_records(payload: bytes) -> list[tuple[int, int, bytes]]:
    """``(content type, record version, body)`` of the records the payload starts with; the
    last body may be cut short (the record continues in the next segment)."""
    records = []
    position = 0
    while (position + 5 <= len(payload) and payload[position] in RECORD_NAMES
           and payload[position + 1] == 3 and len(records) < MAX_RECORDS):
        length = _u16(payload, position + 3)
        records.append((payload[position], _u16(payload, position + 1),
                        payload[position + 5:position + 5 + length]))
        position += 5 + length
    return records


def tls_layer(payload: bytes) -> AppLayer | None:
    records = tls_records(payload)
    if not records:
        return None
    names: list[str] = []
    fields: dict[str, Any] = {"tls.record.content_type": [], "tls.record.version": []}
    handshake_types: list[int] = []
    version = 0
    for kind, record_version, body in records:
        fields["tls.record.content_type"].append(kind)
        fields["tls.record.version"].append(record_version)
        version = max(version, record_version)
        if kind == CONTENT_ALERT and len(body) == 2:
            level = "Fatal" if body[0] == 2 else "Warning"
            names.append(f"Alert (Level: {level}, Description: {alert_name(body[1])})")
            fields["tls.alert_message.level"] = body[0]
            fields["tls.alert_message.desc"] = body[1]
        elif kind == CONTENT_ALERT:
            names.append("Encrypted Alert")
        elif kind == CONTENT_HANDSHAKE and body[:1] and body[0] in HANDSHAKE_NAMES:
            offset = 0
            while offset + 4 <= len(body) and body[offset] in HANDSHAKE_NAMES:
                message = body[offset]
                length = int.from_bytes(body[offset + 1:offset + 4], "big")
                handshake_types.append(message)
                name = HANDSHAKE_NAMES[message]
                if message == 2:  # the server's choice; a ClientHello shows its record's
                    version = max(version, hello_version(
                        message, body[offset + 4:offset + 4 + length]))
                if message == HANDSHAKE_CLIENT_HELLO:
                    sni = client_hello_sni(body[offset + 4:offset + 4 + length])
                    if sni:
                        fields["tls.handshake.extensions_server_name"] = sni
                        name += f" (SNI={sni})"
                names.append(name)
                offset += 4 + length
        elif kind == CONTENT_HANDSHAKE:
            names.append("Encrypted Handshake Message")
        else:
            names.append(RECORD_NAMES[kind])
    if handshake_types:
        fields["tls.handshake.type"] = handshake_types
    if "tls.alert_message.desc" in fields or any(k == CONTENT_ALERT for k, _, _ in records):
        fields["tls.alert_message"] = True
    return AppLayer(TLS_VERSIONS.get(version, "TLS"), ", ".join(names), fields)


def tls_summary(payload: bytes) -> str:
    """Wireshark-like names of the TLS records and handshake messages a payload starts with.

    A handshake whose first byte names no message is encrypted (after ChangeCipherSpec).
    """
    layer = tls_layer(payload)
    return layer.info if layer is not None else ""


# --- DNS ---------------------------------------------------------------------------------------


def dns_name(message: bytes, at: int) -> tuple[str, int]:
    """The name at ``at`` (compression pointers followed, loops stopped) and where the
    record continues after it; ``("", -1)`` when the name runs off the message."""
    labels: list[str] = []
    after = -1
    jumps = 0
    while at < len(message) and len(labels) < MAX_LABELS:
        length = message[at]
        if length == 0:
            return ".".join(labels) or "<Root>", (at + 1 if after < 0 else after)
        if length & 0xC0 == 0xC0:
            if at + 1 >= len(message) or jumps > 16:
                break
            if after < 0:
                after = at + 2
            at = ((length & 0x3F) << 8) | message[at + 1]
            jumps += 1
            continue
        labels.append(message[at + 1:at + 1 + length].decode("ascii", "replace"))
        at += 1 + length
    return ".".join(labels), -1


def dns_layer(message: bytes) -> AppLayer | None:
    """A DNS message, when the header's counts and the first question parse."""
    if len(message) < 12:
        return None
    ident, flags = _u16(message, 0), _u16(message, 2)
    questions, answers = _u16(message, 4), _u16(message, 6)
    opcode = (flags >> 11) & 0xF
    if opcode > 6 or questions > 32 or (flags & 0x0040):  # the Z bit is always zero
        return None
    response = bool(flags & 0x8000)
    rcode = flags & 0xF
    fields: dict[str, Any] = {"dns.id": ident, "dns.flags.response": int(response),
                              "dns.flags.rcode": rcode, "dns.count.queries": questions,
                              "dns.count.answers": answers}
    name, qtype, at = "", 0, 12
    if questions:
        name, after = dns_name(message, 12)
        if after < 0 or after + 4 > len(message):
            return None
        qtype = _u16(message, after)
        at = after + 4
        fields["dns.qry.name"] = name
        fields["dns.qry.type"] = qtype
    addresses = []
    for _ in range(min(answers, 32)):
        _, after = dns_name(message, at)
        if after < 0 or after + 10 > len(message):
            break
        kind, length = _u16(message, after), _u16(message, after + 8)
        data = message[after + 10:after + 10 + length]
        if kind == 1 and len(data) == 4:
            addresses.append("%d.%d.%d.%d" % tuple(data))  # noqa: UP031 - four octets
        at = after + 10 + length
    if addresses:
        fields["dns.a"] = addresses
    type_name = DNS_TYPES.get(qtype, f"type {qtype}") if questions else ""
    if response:
        words = DNS_RESPONSE_WORDS.get(rcode, dns_rcode_name(rcode))
        info = " ".join(part for part in (f"Standard query response 0x{ident:04x}", words,
                                          type_name, name) if part)
        if addresses:
            info += " A " + " A ".join(addresses)
    else:
        info = " ".join(part for part in (f"Standard query 0x{ident:04x}", type_name, name)
                        if part)
    return AppLayer("DNS", info, fields)


def dns_summary(payload: bytes) -> str:
    """A DNS message in one line: query or response, id, the first name, the answer count.

    >>> query = bytes.fromhex("1a2b01000001000000000000") + b"\\x03api\\x04test\\x00"
    >>> dns_summary(query)
    'DNS query 0x1a2b api.test'
    """
    if len(payload) < 12:
        return "DNS (truncated)"
    ident, flags = _u16(payload, 0), _u16(payload, 2)
    name, _ = dns_name(payload, 12)
    if flags & 0x8000:
        answers = _u16(payload, 6)
        return f"DNS response 0x{ident:04x} {name} {dns_rcode_name(flags & 0xF)} answers={answers}"
    return f"DNS query 0x{ident:04x} {name}"


# --- HTTP --------------------------------------------------------------------------------------


def http_layer(payload: bytes) -> AppLayer:
    """The request or status line, and the Host header when the headers are in the payload."""
    end = payload.find(b"\r\n")
    first = payload[:end if end >= 0 else 200][:200].decode("latin-1")
    fields: dict[str, Any] = {}
    if first.startswith("HTTP/1."):
        parts = first.split(" ", 2)
        fields["http.response"] = True
        if len(parts) > 1 and parts[1].isdigit():
            fields["http.response.code"] = int(parts[1])
    else:
        method, _, rest = first.partition(" ")
        fields["http.request"] = True
        fields["http.request.method"] = method
        fields["http.request.uri"] = rest.rsplit(" ", 1)[0]
    host = _HOST.search(payload, 0, HEADER_BYTES)
    if host is not None:
        fields["http.host"] = host[1].strip().decode("latin-1")
    return AppLayer("HTTP", first, fields)
