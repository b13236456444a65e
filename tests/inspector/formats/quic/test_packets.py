"""inspector.formats.quic.packets: varints, long headers of both versions, coalescing, and
input that is not QUIC."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.formats.quic.packets import (
    QUIC_V1,
    QUIC_V2,
    encode_varint,
    looks_like_quic,
    read_varint,
    split_datagram,
    version_name,
)
from inspector.formats.quic.protection import initial_keys, seal_initial


@given(st.integers(min_value=0, max_value=(1 << 62) - 1))
def test_varints_round_trip_in_the_shortest_form(value):
    encoded = encode_varint(value)
    assert read_varint(encoded, 0) == (value, len(encoded))
    assert len(encoded) == next(size for size in (1, 2, 4, 8) if value < 1 << (8 * size - 2))


def test_varint_cut_short_raises():
    with pytest.raises(IndexError):
        read_varint(bytes.fromhex("c2197c"), 0)


@pytest.mark.parametrize("version", [QUIC_V1, QUIC_V2])
def test_coalesced_initial_handshake_and_short_packets_split(version):
    keys = initial_keys(b"\x01" * 8, version)
    initial = seal_initial(version, b"\x01" * 8, b"\x02" * 8, 0, bytes(40), keys.server,
                           token=b"tok")
    handshake_type = 3 if version == QUIC_V2 else 2
    handshake = (bytes([0xC0 | handshake_type << 4]) + version.to_bytes(4, "big") + b"\x08"
                 + b"\x02" * 8 + b"\x08" + b"\x03" * 8 + encode_varint(30) + bytes(30))
    short = b"\x41" + b"\x03" * 8 + bytes(30)
    packets = split_datagram(initial + handshake + short)
    assert [p.kind for p in packets] == ["initial", "handshake", "short"]
    assert packets[0].token == b"tok" and packets[0].source_id == b"\x02" * 8
    assert packets[1].packet == handshake and packets[2].packet == short
    assert {p.version for p in packets[:2]} == {version}
    assert version_name(version) == ("QUIC v2" if version == QUIC_V2 else "QUIC v1")


def test_what_is_not_quic_is_not_taken_for_it():
    dns = bytes.fromhex("1a2b01000001000000000000")
    assert not looks_like_quic(dns) and split_datagram(dns)[0].kind == "short"
    unknown = bytes([0xC0]) + (0x0A0A0A0A).to_bytes(4, "big") + bytes(40)
    assert not looks_like_quic(unknown) and split_datagram(unknown) == []
    cut = seal_initial(QUIC_V1, b"\x01" * 8, b"", 0, bytes(40),
                       initial_keys(b"\x01" * 8, QUIC_V1).client)[:30]
    assert looks_like_quic(cut) and split_datagram(cut) == []
