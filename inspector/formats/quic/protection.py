"""Initial packet protection (RFC 9001 5, RFC 9369 3.3): keys anyone can derive, removed and
applied with ``cryptography``'s HKDF and AES.

Initial packets are encrypted with keys derived from the Destination Connection ID of the
client's first Initial (or of its Initial after a Retry) and a salt the version fixes, so a
capture shows their frames (the TLS ClientHello and ServerHello, CONNECTION_CLOSE) without
any key log, as tshark does. Every later packet type needs the TLS secrets and stays opaque.

``unprotect`` removes header protection (AES-ECB over a 16-byte sample of the ciphertext
masks the first byte's low bits and the packet number), then opens the payload with
AES-128-GCM, the nonce being the IV xor the packet number and the associated data the
unprotected header. ``protect`` does the reverse, for the captures tests and training
scenarios build.

>>> keys = initial_keys(bytes.fromhex("8394c8f03e515708"), QUIC_V1)  # RFC 9001 A.1
>>> keys.client.key.hex(), keys.client.iv.hex(), keys.client.header.hex()
('1f369613dd76d5467730efcbe3b1a22d', 'fa044b2f42a3fd3b46fb255c', '9f50449e04a0e810283a1e9933adedd2')
>>> keys.server.key.hex()
'cf3a5331653c364c88f0f379b6067e37'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from inspector.formats.quic.packets import (
    QUIC_DRAFT_29,
    QUIC_V1,
    QUIC_V2,
    QuicPacket,
    encode_varint,
)

# RFC 9001 5.2, RFC 9369 3.3.1, draft-ietf-quic-tls-29 5.2.
INITIAL_SALTS = {
    QUIC_V1: bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
    QUIC_V2: bytes.fromhex("0dede3def700a6db819381be6e269dcbf9bd2ed9"),
    QUIC_DRAFT_29: bytes.fromhex("afbfec289993d24c9e9786f19c6111e04390a899"),
}
# RFC 9001 5.8, RFC 9369 3.3.3: the fixed key and nonce of a Retry packet's integrity tag.
_RETRY_INTEGRITY = {
    QUIC_V1: (bytes.fromhex("be0c690b9f66575a1d766b54e368c84e"),
              bytes.fromhex("461599d35d632bf2239825bb")),
    QUIC_V2: (bytes.fromhex("8fb4b01b56ac48e260fbcbcead7ccc92"),
              bytes.fromhex("d86969bc2d7c6d9990efb04a")),
}
# RFC 9369 3.3.2: version 2 renames the labels of the packet protection keys.
_LABELS = {QUIC_V2: ("quicv2 key", "quicv2 iv", "quicv2 hp")}
_V1_LABELS = ("quic key", "quic iv", "quic hp")


class ProtectionError(ValueError):
    """A packet that cannot be opened with the keys tried: another connection's, a
    corrupted packet, or not an Initial of this version."""


@dataclass(frozen=True, slots=True)
class PacketKeys:
    """The AEAD key, IV and header-protection key of one direction."""

    key: bytes
    iv: bytes
    header: bytes


@dataclass(frozen=True, slots=True)
class InitialKeys:
    """Both directions' Initial keys of a connection."""

    client: PacketKeys
    server: PacketKeys


def _expand_label(secret: bytes, label: str, length: int) -> bytes:
    """TLS 1.3's HKDF-Expand-Label (RFC 8446 7.1) with an empty context."""
    full = b"tls13 " + label.encode()
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + b"\x00"
    return HKDFExpand(hashes.SHA256(), length, info).derive(secret)


def _packet_keys(secret: bytes, version: int) -> PacketKeys:
    key_label, iv_label, header_label = _LABELS.get(version, _V1_LABELS)
    return PacketKeys(_expand_label(secret, key_label, 16), _expand_label(secret, iv_label, 12),
                      _expand_label(secret, header_label, 16))


@lru_cache(maxsize=256)
def initial_keys(destination_id: bytes, version: int) -> InitialKeys:
    """The Initial keys of a connection whose client first wrote ``destination_id``.

    Cached: every Initial a client sends again names the same ID, and the reader asks once
    to tell client from server and once to open the packet."""
    extract = hmac.HMAC(INITIAL_SALTS[version], hashes.SHA256())
    extract.update(destination_id)
    initial_secret = extract.finalize()
    return InitialKeys(_packet_keys(_expand_label(initial_secret, "client in", 32), version),
                       _packet_keys(_expand_label(initial_secret, "server in", 32), version))


def _mask(keys: PacketKeys, sample: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(keys.header), modes.ECB()).encryptor()
    return encryptor.update(sample) + encryptor.finalize()


def _nonce(keys: PacketKeys, packet_number: int) -> bytes:
    return bytes(a ^ b for a, b in zip(keys.iv, packet_number.to_bytes(12, "big"),
                                       strict=True))


def unprotect(packet: QuicPacket, keys: PacketKeys) -> tuple[int, bytes]:
    """The packet number (as sent, not expanded) and the decrypted payload of a long-header
    packet; raises ``ProtectionError`` when these keys do not open it."""
    data, offset = packet.packet, packet.payload_offset
    if len(data) < offset + 4 + 16:
        raise ProtectionError("packet too short to sample")
    mask = _mask(keys, data[offset + 4:offset + 20])
    first = data[0] ^ (mask[0] & 0x0F)
    number_length = (first & 0x03) + 1
    number_bytes = bytes(data[offset + i] ^ mask[1 + i] for i in range(number_length))
    header = bytes([first]) + data[1:offset] + number_bytes
    packet_number = int.from_bytes(number_bytes, "big")
    try:
        payload = AESGCM(keys.key).decrypt(_nonce(keys, packet_number),
                                           data[offset + number_length:], header)
    except InvalidTag as error:
        raise ProtectionError("the payload does not open with these keys") from error
    return packet_number, payload


def protect(header: bytes, packet_number: int, payload: bytes, keys: PacketKeys) -> bytes:
    """A protected long-header packet: ``header`` is everything up to (not including) the
    packet number, with the length field counting a 4-byte packet number and the 16-byte
    tag; the packet number is written in 4 bytes."""
    first = (header[0] & 0xFC) | 0x03
    number_bytes = packet_number.to_bytes(4, "big")
    aad = bytes([first]) + header[1:] + number_bytes
    sealed = AESGCM(keys.key).encrypt(_nonce(keys, packet_number), payload, aad)
    mask = _mask(keys, sealed[:16])
    return (bytes([first ^ (mask[0] & 0x0F)]) + header[1:]
            + bytes(b ^ m for b, m in zip(number_bytes, mask[1:5], strict=True)) + sealed)


def seal_initial(version: int, destination_id: bytes, source_id: bytes, packet_number: int,
                 payload: bytes, keys: PacketKeys, *, token: bytes = b"",
                 pad_to: int = 0) -> bytes:
    """A protected Initial packet carrying ``payload`` (frames), padded with PADDING frames
    to ``pad_to`` bytes in all (clients pad their Initial datagrams to 1,200)."""
    first = 0xC0 | ((1 if version == QUIC_V2 else 0) << 4)
    fixed = (bytes([first]) + version.to_bytes(4, "big") + bytes([len(destination_id)])
             + destination_id + bytes([len(source_id)]) + source_id
             + encode_varint(len(token)) + token)
    # the length field and packet number take 2 + 4 bytes, the tag 16
    padding = max(pad_to - (len(fixed) + 2 + 4 + len(payload) + 16), 0)
    payload += bytes(padding)
    length = encode_varint(4 + len(payload) + 16)
    if len(length) == 1:
        length = bytes([0x40, length[0]])  # always 2 bytes, as the padding assumed
    return protect(fixed + length, packet_number, payload, keys)


def retry_integrity_tag(version: int, original_id: bytes, retry_without_tag: bytes) -> bytes:
    """The 16-byte tag that ends a Retry packet: AES-128-GCM with a fixed key over the
    client's original Destination Connection ID and the packet (RFC 9001 5.8)."""
    key, nonce = _RETRY_INTEGRITY.get(version, _RETRY_INTEGRITY[QUIC_V1])
    return AESGCM(key).encrypt(nonce, b"", bytes([len(original_id)]) + original_id
                               + retry_without_tag)
