"""Text read in bounded pieces of whole lines, key blocks and continuations kept whole."""

from __future__ import annotations

import io

from inspector.privacy.documents import text_pieces


def _pieces(data: bytes, size: int):
    return list(text_pieces(io.BytesIO(data), piece_chars=size))


def test_pieces_are_whole_lines_with_their_first_line_number():
    data = b"".join(f"line {n}\n".encode() for n in range(1, 101))
    pieces = _pieces(data, 64)
    assert "".join(p.text for p in pieces) == data.decode()
    assert all(p.text.endswith("\n") and not p.cut_line for p in pieces)
    assert [p.line for p in pieces] == [
        1 + sum(q.text.count("\n") for q in pieces[:index]) for index in range(len(pieces))]
    assert len(pieces) > 10 and all(len(p.text) <= 64 for p in pieces)


def test_a_key_block_and_a_continuation_are_never_cut_apart():
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" * 10 + "-----END RSA PRIVATE KEY-----\n"
    data = ("a\n" * 20 + key + "password=\\\n  Cont-s3cret\n" + "z\n" * 20).encode()
    pieces = _pieces(data, 200)
    assert len(pieces) > 1 and any(key in p.text for p in pieces)
    assert any("password=\\\n  Cont-s3cret\n" in p.text for p in pieces)


def test_a_line_longer_than_a_piece_is_cut_at_a_seam():
    data = ("word " * 20_000).encode()
    pieces = _pieces(data, 8192)
    assert all(p.cut_line for p in pieces[:-1]) and all(p.line == 1 for p in pieces)
    assert all(p.text.endswith(" ") for p in pieces[:-1])
    assert "".join(p.text for p in pieces) == data.decode()


def test_undecodable_bytes_and_characters_across_reads():
    data = ("é" * 700_000 + "\n").encode() + b"\xff\xfe\n"
    text = "".join(p.text for p in _pieces(data, 1 << 20))
    assert text == "é" * 700_000 + "\n\ufffd\ufffd\n"
