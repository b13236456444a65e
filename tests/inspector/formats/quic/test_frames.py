"""inspector.formats.quic.frames: the frames an Initial may hold, CRYPTO data put back in
order, error codes in words, transport parameters."""

from __future__ import annotations

import pytest

from inspector.formats.quic.frames import (
    MAX_IDLE_TIMEOUT,
    MAX_PENDING_CRYPTO,
    CryptoStream,
    close_frame,
    crypto_frame,
    error_name,
    parse_frames,
    transport_parameter,
)
from inspector.formats.quic.packets import encode_varint


def test_frames_of_a_server_initial():
    ack = b"\x02" + encode_varint(2) + b"\x00\x01\x00" + encode_varint(1) + b"\x00"
    ecn = b"\x03\x00\x00\x00\x00\x01\x02\x03"
    payload = ack + ecn + b"\x01" + crypto_frame(0, b"hello") + close_frame(0x178, "no h3")
    kinds = [(f.kind, f.data, f.reason) for f in parse_frames(payload + bytes(20))]
    assert kinds == [("ack", b"", ""), ("ack", b"", ""), ("ping", b"", ""),
                     ("crypto", b"hello", ""), ("close", b"", "no h3"), ("padding", b"", "")]


def test_a_frame_an_initial_may_not_hold_ends_the_reading():
    stream_frame = b"\x08\x00hello"
    assert [f.kind for f in parse_frames(crypto_frame(0, b"a") + stream_frame)] == ["crypto"]
    assert parse_frames(b"\x06\x00\x40") == []  # cut short


@pytest.mark.parametrize(("code", "words"), [
    (0x00, "NO_ERROR"), (0x0A, "PROTOCOL_VIOLATION"), (0x128, "TLS alert handshake_failure (40)"),
    (0x178, "TLS alert no_application_protocol (120)"), (0x1FF, "TLS alert alert_255 (255)"),
    (0x4242, "error 0x4242")])
def test_error_codes_in_words(code, words):
    assert error_name(code) == words


def _message(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def test_crypto_stream_reassembles_out_of_order_and_ignores_repeats():
    hello = _message(1, bytes(range(256)) * 6)
    stream = CryptoStream()
    assert stream.add(1000, hello[1000:]) == []
    assert stream.add(0, hello[:400]) == []
    assert stream.add(0, hello[:400]) == []
    [(kind, body)] = stream.add(300, hello[300:1100])
    assert (kind, body) == (1, hello[4:])
    assert stream.add(0, hello) == [] and stream.delivered == len(hello)


def test_crypto_stream_gives_up_on_an_endless_gap_or_an_impossible_message():
    stream = CryptoStream()
    stream.add(10, bytes(MAX_PENDING_CRYPTO + 1))
    assert stream.overflowed and stream.add(0, bytes(10)) == []
    huge = CryptoStream()
    assert huge.add(0, b"\x01\xff\xff\xff") == [] and huge.overflowed


def test_transport_parameters():
    idle = encode_varint(30_000)
    parameters = (encode_varint(0x0F) + encode_varint(2) + b"ab"
                  + encode_varint(MAX_IDLE_TIMEOUT) + encode_varint(len(idle)) + idle)
    assert transport_parameter(parameters, MAX_IDLE_TIMEOUT) == 30_000
    assert transport_parameter(parameters, 0x04) is None
    assert transport_parameter(parameters[:-1], MAX_IDLE_TIMEOUT) is None  # cut short
