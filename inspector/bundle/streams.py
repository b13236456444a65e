"""Guarded streams: decompression that stops at the bundle's limits.

Every decompressed byte the reader takes from a bundle goes through a ``GuardedStream``,
which counts it against a shared ``Budget`` and compares it with the compressed bytes
consumed. A bomb is stopped by the ratio check once ``ratio_floor`` bytes have come out,
whatever its headers claim (a gzip size trailer, a zip's declared size).
"""

from __future__ import annotations

import bisect
import bz2
import codecs
import gzip
import io
import lzma
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, BinaryIO

CHUNK = 1024 * 1024


class LimitExceeded(Exception):
    """A bundle limit was hit. ``limit`` names it (``ratio``, ``bytes``, ``time``...)."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what reading one bundle may cost. Every one can be overridden.

    Attributes:
        max_depth: archives nested inside archives, counting the bundle itself as 0.
        max_entries: members listed across the whole bundle.
        max_total_bytes: decompressed bytes the scan may read across the whole bundle.
        max_member_bytes: decompressed bytes one analyzer may read from one member.
        max_ratio: decompressed / compressed bytes beyond which a stream is a bomb...
        ratio_floor: ...once at least this many bytes came out (small files compress well).
        max_nested_zip_bytes: a zip inside an archive is read into memory to be opened;
            larger ones are skipped.
        max_seconds: wall time for listing and sniffing the bundle.
    """

    max_depth: int = 6
    max_entries: int = 50_000
    max_total_bytes: int = 64 * 1024**3
    max_member_bytes: int = 32 * 1024**3
    max_ratio: float = 250.0
    ratio_floor: int = 8 * 1024**2
    max_nested_zip_bytes: int = 1024**3
    max_seconds: float = 600.0


@dataclass(slots=True)
class Budget:
    """What has been spent of ``Limits``; one per bundle scan, one per analyzer read."""

    limits: Limits
    bytes_left: int
    deadline: float | None = None
    entries: int = 0
    bytes_read: int = field(default=0)

    @classmethod
    def for_scan(cls, limits: Limits) -> Budget:
        return cls(limits, limits.max_total_bytes, time.monotonic() + limits.max_seconds)

    @classmethod
    def for_member(cls, limits: Limits) -> Budget:
        return cls(limits, limits.max_member_bytes)

    def spend(self, count: int) -> None:
        self.bytes_read += count
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise LimitExceeded("bytes", "decompressed-size limit reached "
                                f"({_size(self.bytes_read - count)} read)")
        self.check_time()

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise LimitExceeded("time", f"time limit of {self.limits.max_seconds:g} s "
                                "for reading the bundle reached")


def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


human_size = _size


class CountingStream(io.RawIOBase):
    """Counts the (compressed) bytes a decompressor pulls from ``raw``."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class GuardedStream(io.RawIOBase):
    """A read-only stream that charges every byte to a budget and stops bombs.

    ``compressed`` is how many input bytes produced the output so far (a ``CountingStream``
    or a fixed size); when it is ``None`` only the byte budget applies.
    """

    def __init__(self, inner: BinaryIO, budget: Budget, *, name: str,
                 compressed: CountingStream | int | None = None) -> None:
        self._inner = inner
        self._budget = budget
        self._name = name
        self._compressed = compressed
        self._produced = 0
        self._position = 0
        self._read = getattr(inner, "read1", inner.read)
        # A plain file fills the caller's buffer itself: no fresh bytes object and copy
        # per chunk (worth ~17% of the network analyzer's time).
        self._readinto = inner.readinto if isinstance(inner, io.FileIO) else None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        try:
            return self._inner.seekable()
        except (OSError, ValueError):
            return False

    def _compressed_count(self) -> int | None:
        if isinstance(self._compressed, CountingStream):
            return self._compressed.count
        return self._compressed

    def _charge(self, count: int) -> None:
        self._produced += count
        self._budget.spend(count)
        compressed = self._compressed_count()
        limits = self._budget.limits
        if (compressed is not None and self._produced > limits.ratio_floor
                and self._produced > limits.max_ratio * max(compressed, 1)):
            raise LimitExceeded(
                "ratio",
                f"compression ratio above {limits.max_ratio:g}:1 "
                f"({_size(self._produced)} from {_size(compressed)}): likely a "
                "decompression bomb")

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            # read1: one decompression step at a time, so a truncated stream gives up
            # everything before the cut before it raises.
            if self._readinto is not None:
                count = self._readinto(buffer) or 0
            else:
                data = self._read(len(buffer))
                count = len(data)
                buffer[:count] = data
        except (EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile) as exc:
            raise OSError(f"corrupt or truncated compressed data in {self._name}: {exc}") \
                from exc
        self._position += count
        if count:
            self._charge(count)
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence == io.SEEK_END:
            self._position = self._inner.seek(offset, io.SEEK_END)
            return self._position
        if offset >= self._position:
            # Forward seeks in a decompressed stream decompress what they skip: read and
            # discard, so the skipped bytes are charged like any others.
            remaining = offset - self._position
            while remaining > 0:
                chunk = self.read(min(remaining, CHUNK))
                if not chunk:
                    break
                remaining -= len(chunk)
            return self._position
        self._position = self._inner.seek(offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        # Decompressors do not close the file they read from; the counter owns it.
        try:
            self._inner.close()
            if isinstance(self._compressed, CountingStream):
                self._compressed.close()
        finally:
            super().close()


def decompressor(codec: str, raw: BinaryIO) -> BinaryIO:
    """A streaming decompressing reader for ``gzip``, ``bz2`` or ``xz``."""
    if codec == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if codec == "bz2":
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    if codec == "xz":
        return lzma.LZMAFile(raw, mode="rb")  # type: ignore[return-value]
    raise ValueError(f"unknown compression {codec!r}")


def guarded(raw: BinaryIO, budget: Budget, *, name: str, codec: str | None = None,
            compressed_size: int | None = None) -> io.BufferedReader:
    """``raw`` read through an optional decompressor, charged to ``budget``."""
    if codec is None:
        stream = GuardedStream(raw, budget, name=name, compressed=compressed_size)
    else:
        counter = CountingStream(raw)
        stream = GuardedStream(decompressor(codec, counter), budget, name=name,  # type: ignore[arg-type]
                               compressed=counter)
    return io.BufferedReader(stream, CHUNK)


class Utf8Transcoder(io.RawIOBase):
    """A stream of UTF-16 text (``utf-16-le``/``-be``) read as UTF-8 bytes.

    The reader puts it over members that ``inspector.bundle.sniff.text_encoding_of`` recognizes,
    so analyzers and viewers read every text member as UTF-8 and the line numbers they
    give agree. A leading byte-order mark is dropped; code units that do not decode become
    U+FFFD, as invalid UTF-8 does elsewhere.

    Positions are UTF-8 offsets. When the stream under it can seek (the viewers' line
    index seeks), a checkpoint is kept at every chunk read (output offset, input offset,
    decoder state), so a seek re-reads at most one chunk.
    """

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        super().__init__()
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._first = True
        self._eof = False
        self._position = 0  # UTF-8 bytes handed out so far
        self._seekable = _can_seek(raw)
        start = raw.tell() if self._seekable else 0
        # (output offset, input offset, decoder state, BOM still to drop) at chunk starts
        self._checkpoints: list[tuple[int, int, Any, bool]] = [
            (0, start, self._decoder.getstate(), True)]

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._eof:
            if self._seekable and self._position > self._checkpoints[-1][0]:
                self._checkpoints.append((self._position, self._raw.tell(),
                                          self._decoder.getstate(), self._first))
            data = self._raw.read(CHUNK)
            text = self._decoder.decode(data, final=not data)
            self._eof = not data
            if self._first and text:
                text = text.removeprefix("\ufeff")
                self._first = False
            self._pending = text.encode("utf-8", "replace")
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self._position += count
        return count

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("the stream under this one cannot seek")
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence == io.SEEK_END:
            while self.read(CHUNK):
                pass
            offset += self._position
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        if offset < self._position:
            index = bisect.bisect_right(self._checkpoints, offset, key=lambda c: c[0]) - 1
            output, raw_offset, state, first = self._checkpoints[index]
            self._raw.seek(raw_offset)
            self._decoder.setstate(state)
            self._position, self._first, self._pending, self._eof = output, first, b"", False
        while self._position < offset and self.read(min(offset - self._position, CHUNK)):
            pass
        return self._position

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _can_seek(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (OSError, ValueError):
        return False


def transcoded(raw: BinaryIO, encoding: str) -> io.BufferedReader:
    """``raw`` (UTF-16 text) as a buffered UTF-8 byte stream; see ``Utf8Transcoder``."""
    return io.BufferedReader(Utf8Transcoder(raw, encoding), CHUNK)
