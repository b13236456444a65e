from __future__ import annotations

import gzip
import io

import pytest

from inspector.bundle.streams import Budget, LimitExceeded, Limits, guarded, human_size


def test_guarded_stream_reads_seeks_and_counts():
    budget = Budget.for_member(Limits())
    stream = guarded(io.BytesIO(gzip.compress(b"0123456789" * 1000)), budget, name="x",
                     codec="gzip")
    assert stream.read(5) == b"01234"
    stream.seek(9_995)
    assert stream.read() == b"56789"
    assert budget.bytes_read == 10_000


def test_ratio_guard_stops_a_bomb_whatever_it_claims():
    bomb = gzip.compress(bytes(32 * 1024 * 1024), compresslevel=9)
    stream = guarded(io.BytesIO(bomb), Budget.for_member(Limits()), name="bomb", codec="gzip")
    with pytest.raises(LimitExceeded) as raised:
        stream.read()
    assert raised.value.limit == "ratio"


def test_time_limit():
    budget = Budget(Limits(max_seconds=0), 10**9, deadline=0.0)
    with pytest.raises(LimitExceeded, match="time limit"):
        budget.spend(1)


def test_corrupt_compressed_data_is_an_os_error():
    stream = guarded(io.BytesIO(b"\x1f\x8b\x08\x00" + bytes(40)), Budget.for_member(Limits()),
                     name="bad.gz", codec="gzip")
    with pytest.raises(OSError, match=r"bad\.gz"):
        stream.read()


def test_human_size():
    assert human_size(999) == "999 bytes"
    assert human_size(3 * 1024**2) == "3.0 MiB"


class _Trickle(io.BytesIO):
    """A stream that hands out one byte per read, to split every code unit and pair."""

    def read(self, size=-1):
        return super().read(1)


def test_utf16_is_read_as_utf8_whatever_the_reads_split():
    from inspector.bundle.streams import transcoded

    text = "2026-11-17 09:14:01 ERROR Zürich \U0001f525 refused\r\nsecond line\r\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(encoding)
        assert transcoded(_Trickle(data), encoding).read() == text.encode()
        lines = list(transcoded(io.BytesIO(data), encoding))
        assert lines == [line.encode() for line in text.splitlines(keepends=True)]
    # A cut in the middle of a code unit ends in U+FFFD, never an exception.
    cut = text.encode("utf-16-le")[:-1]
    assert transcoded(io.BytesIO(cut), "utf-16-le").read().endswith("line\r\ufffd".encode())


def test_transcoded_streams_seek_like_files_in_utf8_offsets():
    from inspector.bundle.streams import CHUNK, transcoded

    # Several chunks of input, a non-BMP character astride chunk boundaries here and there.
    text = "".join(f"{n:06d} ERROR Zürich \U0001f525 refused\r\n" for n in range(120_000))
    expected = text.encode()
    stream = transcoded(io.BytesIO(("\ufeff" + text).encode("utf-16-le")), "utf-16-le")
    assert stream.seekable() and len(expected) > 2 * CHUNK
    for offset in (len(expected) - 50, 10, CHUNK + 7, 3 * CHUNK // 2, 0, len(expected) // 2):
        assert stream.seek(offset) == offset
        assert stream.read(40) == expected[offset:offset + 40]
        assert stream.tell() == offset + 40
    stream.seek(0)
    assert stream.read() == expected
    assert stream.seek(0, io.SEEK_END) == len(expected)
    trickle = transcoded(_Trickle("x".encode("utf-16-le")), "utf-16-le")
    assert trickle.read() == b"x"
