"""inspector.formats.quic.protection: the Initial keys against RFC 9001 and RFC 9369, and
protection removed as it was applied."""

from __future__ import annotations

import pytest

from inspector.formats.quic.frames import CryptoStream, parse_frames
from inspector.formats.quic.packets import QUIC_DRAFT_29, QUIC_V1, QUIC_V2, split_datagram
from inspector.formats.quic.protection import (
    ProtectionError,
    initial_keys,
    retry_integrity_tag,
    seal_initial,
    unprotect,
)

RFC_ID = bytes.fromhex("8394c8f03e515708")


@pytest.mark.parametrize(("version", "client", "server"), [
    (QUIC_V1,  # RFC 9001 A.1
     ("1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
      "9f50449e04a0e810283a1e9933adedd2"),
     ("cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e",
      "c206b8d9b9f0f37644430b490eeaa314")),
    (QUIC_V2,  # RFC 9369 A.1
     ("8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f",
      "45b95e15235d6f45a6b19cbcb0294ba9"),
     ("82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652",
      "edf6d05c83121201b436e16877593c3a")),
])
def test_initial_keys_match_the_rfc_vectors(version, client, server):
    keys = initial_keys(RFC_ID, version)
    assert (keys.client.key.hex(), keys.client.iv.hex(), keys.client.header.hex()) == client
    assert (keys.server.key.hex(), keys.server.iv.hex(), keys.server.header.hex()) == server


def test_retry_integrity_tag_matches_the_published_vector():
    """RFC 9001 A.4's Retry, without its tag, over A.1's original connection ID."""
    retry = bytes.fromhex("ff000000010008f067a5502a4262b5746f6b656e")
    assert retry_integrity_tag(QUIC_V1, RFC_ID, retry).hex() == (
        "04a265ba2eff4d829058fb3f0f2496ba")


@pytest.mark.parametrize("version", [QUIC_V1, QUIC_V2, QUIC_DRAFT_29])
def test_a_sealed_initial_opens_with_its_keys_only(version):
    keys = initial_keys(RFC_ID, version)
    frames = b"\x06\x00\x05hello"
    packet = seal_initial(version, RFC_ID, b"\x09" * 4, 7, frames, keys.client, pad_to=1200)
    assert len(packet) == 1200
    [parsed] = split_datagram(packet)
    number, payload = unprotect(parsed, keys.client)
    assert number == 7 and payload.startswith(frames) and not payload[len(frames):].strip(b"\0")
    with pytest.raises(ProtectionError):
        unprotect(parsed, keys.server)
    with pytest.raises(ProtectionError):
        unprotect(parsed, initial_keys(b"\x00" * 8, version).client)


# RFC 9001 A.3 and RFC 9369 A.3: the server's Initial answering A.2's client, as published,
# and what both hold (an ACK of packet 0, then the ServerHello in a CRYPTO frame).
RFC_SERVER_INITIALS = {
    QUIC_V1: bytes.fromhex(
        "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
        "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
        "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
        "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
        "2158407dd074ee"),
    QUIC_V2: bytes.fromhex(
        "dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698"
        "baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17"
        "f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2"
        "c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8"
        "4bed8521e2e140"),
}
RFC_SERVER_PAYLOAD = bytes.fromhex(
    "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
    "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
    "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
    "020304")


@pytest.mark.parametrize("version", [QUIC_V1, QUIC_V2])
def test_the_rfc_server_initial_opens_to_its_published_payload(version):
    [packet] = split_datagram(RFC_SERVER_INITIALS[version])
    assert (packet.kind, packet.version, packet.source_id.hex()) == (
        "initial", version, "f067a5502a4262b5")
    keys = initial_keys(RFC_ID, version)
    assert unprotect(packet, keys.server) == (1, RFC_SERVER_PAYLOAD)
    with pytest.raises(ProtectionError):
        unprotect(packet, keys.client)
    ack, crypto = parse_frames(RFC_SERVER_PAYLOAD)
    [(message_type, hello)] = CryptoStream().add(crypto.offset, crypto.data)
    assert (ack.kind, message_type, len(hello)) == ("ack", 2, 0x56)
