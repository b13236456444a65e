"""Packet captures in a redacted bundle: every frame cut to its headers, addresses
pseudonymized.

A capture cannot be redacted reliably byte by byte, so ``capture_headers`` keeps only the
link, IP and transport headers of each frame, with MAC, IPv4 and IPv6 addresses rewritten
to their pseudonyms from the redactor's map (the same ones the logs and the report get).
Payloads, and with them DNS names, TLS certificates and HTTP, are gone; each record keeps
the frame's length on the wire, so a reader still sees how big the frame was. The result
is a classic pcap written by ``inspector.formats.pcap.PcapWriter``.

What is kept, and why:

- Ethernet frames carrying IPv4 or IPv6, and raw IP. The link type is the first frame's;
  frames of any other link type, and other network protocols (ARP carries addresses in
  its payload), are left out.
- TCP headers with their options and UDP headers; ICMP and other protocols keep their IP
  header only, since their bodies quote addresses and payloads. A transport header is
  only read where one can be: in the first fragment of an IP packet, never in a later
  fragment (whose bytes are payload: read as a TCP header, they once kept 28 characters of
  a key), and never after IPv6 extension headers.
- TCP options are kept only as far as they parse as options (known kinds, lengths that
  fit); the rest of the claimed header is zeroed, so a header that lies about its length
  cannot carry payload bytes out.
- Broadcast and multicast MACs and addresses, loopback and unspecified addresses: they
  identify nobody. The IPv4 header checksum is recomputed over the rewritten header.
"""

from __future__ import annotations

import io
import ipaddress
import struct
from typing import Any

from inspector.formats.pcap import LINKTYPE_ETHERNET, LINKTYPE_RAW, PcapWriter, read_packets
from inspector.privacy.pseudonyms import Identifier, is_kept_address
from inspector.privacy.redactor import Redactor

_ETHERTYPE_IPV4, _ETHERTYPE_IPV6 = 0x0800, 0x86DD


def capture_headers(stream: Any, redactor: Redactor) -> tuple[bytes, int]:
    """A classic pcap of the frames cut to their headers, addresses pseudonymized, and how
    many frames it holds. Raises ``CaptureError`` when the capture is broken.

    Only Ethernet frames carrying IPv4/IPv6 (and raw IP) are kept; the frames of other link
    types or network protocols (ARP carries addresses in its payload) are left out.
    """
    out = io.BytesIO()
    writer: PcapWriter | None = None
    frames = 0
    for packet in read_packets(stream):
        if writer is None:
            linktype = (packet.linktype if packet.linktype in (LINKTYPE_ETHERNET, LINKTYPE_RAW)
                        else LINKTYPE_ETHERNET)
            writer = PcapWriter(out, linktype, snaplen=65535)
        if packet.linktype != writer.linktype:
            continue
        headers = _frame_headers(packet.data, writer.linktype, redactor)
        if headers is None:
            continue
        seconds = int(packet.time)
        micros = round((packet.time - seconds) * 1e6)
        # The field counts microseconds within the second: one that rounds up to a whole
        # second stays in its own second.
        writer.write(seconds, min(micros, 999_999), headers, packet.wire_length)
        frames += 1
    if writer is None:
        PcapWriter(out, LINKTYPE_ETHERNET, snaplen=65535)
    return out.getvalue(), frames


def _frame_headers(data: bytes, linktype: int, redactor: Redactor) -> bytes | None:
    if linktype == LINKTYPE_ETHERNET:
        if len(data) < 14:
            return None
        ethertype = struct.unpack_from("!H", data, 12)[0]
        if ethertype not in (_ETHERTYPE_IPV4, _ETHERTYPE_IPV6):
            return None
        link = bytearray(data[:14])
        if Identifier.MAC in redactor.pseudonymize:
            for offset in (0, 6):
                link[offset:offset + 6] = _mac_bytes(redactor, data[offset:offset + 6])
        network = _network_headers(data[14:], redactor)
        return None if network is None else bytes(link) + network
    return _network_headers(data, redactor)


def _mac_bytes(redactor: Redactor, raw: bytes) -> bytes:
    text = ":".join(f"{b:02x}" for b in raw)
    if raw == b"\xff" * 6 or raw[0] & 1:  # broadcast and multicast identify nobody
        return raw
    return bytes.fromhex(redactor.pseudonyms.pseudonym(Identifier.MAC, text).replace(":", ""))


def _network_headers(data: bytes, redactor: Redactor) -> bytes | None:
    if not data:
        return None
    version = data[0] >> 4
    if version == 4 and len(data) >= 20:
        ihl = (data[0] & 0x0F) * 4
        if ihl < 20 or ihl > len(data):
            return None
        header = bytearray(data[:ihl])
        if Identifier.IPV4 in redactor.pseudonymize:
            for offset in (12, 16):
                header[offset:offset + 4] = _address_bytes(redactor, data[offset:offset + 4])
        header[10:12] = b"\0\0"
        header[10:12] = struct.pack("!H", _ip_checksum(bytes(header)))
        fragment_offset = struct.unpack_from("!H", data, 6)[0] & 0x1FFF
        if fragment_offset:
            return bytes(header)  # a later fragment: what follows is payload
        return bytes(header) + _transport_header(data[ihl:], data[9])
    if version == 6 and len(data) >= 40:
        header = bytearray(data[:40])
        if Identifier.IPV6 in redactor.pseudonymize:
            for offset in (8, 24):
                header[offset:offset + 16] = _address_bytes(redactor, data[offset:offset + 16])
        return bytes(header) + _transport_header(data[40:], data[6])
    return None


def _address_bytes(redactor: Redactor, raw: bytes) -> bytes:
    address = ipaddress.ip_address(raw)
    if is_kept_address(str(address)) or address.is_multicast:
        return raw
    kind = Identifier.IPV4 if address.version == 4 else Identifier.IPV6
    return ipaddress.ip_address(redactor.pseudonyms.pseudonym(kind, str(address))).packed


def _transport_header(data: bytes, protocol: int) -> bytes:
    if protocol == 6 and len(data) >= 20:
        length = min((data[12] >> 4) * 4, len(data))
        if length < 20:
            return data[:20]
        return data[:20] + _tcp_options(data[20:length])
    if protocol == 17 and len(data) >= 8:
        return data[:8]
    return b""  # ICMP, IPv6 extension headers and the rest: their bodies carry data


# TCP option kinds and their lengths (None: variable, at least 2): MSS, window scale,
# SACK permitted, SACK, timestamps, MD5 signature, user timeout, TCP-AO, multipath,
# fast open.
_TCP_OPTIONS = {2: 4, 3: 3, 4: 2, 5: None, 8: 10, 19: 18, 28: 4, 29: None, 30: None, 34: None}


def _tcp_options(options: bytes) -> bytes:
    """``options`` as far as they parse as TCP options; zeros from the first that does not
    (after an end-of-options, everything is padding)."""
    position = 0
    while position < len(options):
        kind = options[position]
        if kind == 0:
            break
        if kind == 1:
            position += 1
            continue
        if position + 1 >= len(options) or kind not in _TCP_OPTIONS:
            break
        length = options[position + 1]
        expected = _TCP_OPTIONS[kind]
        if length < 2 or position + length > len(options) \
                or (expected is not None and length != expected):
            break
        position += length
    return options[:position] + bytes(len(options) - position)


def _ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header[: len(header) // 2 * 2]))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
