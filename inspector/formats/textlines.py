"""Numbered text lines from a byte stream, in constant memory, surviving bad input.

Shared by the analyzers that read text themselves (GC logs, thread dumps, kernel logs,
journals): invalid UTF-8 is replaced and counted, a line longer than ``MAX_LINE`` bytes is
cut there (its rest skipped unread into memory) and counted, and a stream that stops being
readable (a truncated gzip member) ends the lines with what was read, its error kept in
``error``.

>>> import io
>>> reader = TextLines(io.BytesIO(b"a\\r\\nb\\xff\\nc"))
>>> list(reader), reader.invalid_utf8
([(1, 'a'), (2, 'b\\ufffd'), (3, 'c')], 1)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_LINE = 1 << 20
BLOCK = 1 << 20


class TextLines:
    """Iterate ``(number, text)``; see the module doc.

    Attributes:
        bytes_read, invalid_utf8, long_lines: counts so far.
        error: why reading stopped early, or None.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.bytes_read = 0
        self.invalid_utf8 = 0
        self.long_lines = 0
        self.error: str | None = None

    def _blocks(self) -> Iterator[bytes]:
        read = getattr(self.stream, "read1", self.stream.read)
        while True:
            try:
                data = read(BLOCK)
            except (OSError, EOFError, ValueError) as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                return
            if not data:
                return
            self.bytes_read += len(data)
            yield data

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.invalid_utf8 += 1
            return raw.decode("utf-8", "replace")

    def __iter__(self) -> Iterator[tuple[int, str]]:
        number = 0
        carry = b""
        skipping = False
        for data in self._blocks():
            if skipping:
                end = data.find(b"\n")
                if end < 0:
                    continue
                data, skipping = data[end + 1:], False
            parts = (carry + data).split(b"\n")
            carry = parts.pop()
            if len(carry) > MAX_LINE:
                parts.append(carry[:MAX_LINE])
                carry, skipping = b"", True
                self.long_lines += 1
            for raw in parts:
                number += 1
                if len(raw) > MAX_LINE:
                    raw = raw[:MAX_LINE]
                    self.long_lines += 1
                yield number, self._decode(raw.rstrip(b"\r"))
        if carry:
            yield number + 1, self._decode(carry.rstrip(b"\r"))
