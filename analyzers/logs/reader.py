"""Reading a log file: blocks of bytes into runs of decoded lines, with their shapes.

Decisions the next engineer needs:

- Bad input is survived: invalid UTF-8 is replaced and counted, lines holding NUL bytes are
  counted as binary junk and skipped, a line longer than ``MAX_LINE`` bytes is cut there
  (the rest is skipped unread into memory). The analyzer turns each count into one
  ``context.warn``.
- Speed: the file is read in ``BLOCK``-sized blocks, and a clean block is decoded, shaped
  (``inspector.formats.templates.shape``, every ASCII digit turned into ``0``) and split in
  one call each: ``translate`` costs nanoseconds a character on a big string, a microsecond
  a call. The per-line loop (``state``) then looks each line up by its shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from inspector.formats.templates import shape

MAX_LINE = 1 << 20
BLOCK = 1 << 19  # bytes read at a time; a block is decoded, shaped and split in one go


class LineReader:
    """Reads a stream in blocks and hands out runs of decoded lines with their shapes.

    A block of whole lines that is valid UTF-8, has no NUL byte, no carriage return and no
    line of ``MAX_LINE`` bytes or more is decoded, shaped and split in one call each. Any
    other block is read line by line with exactly the old rules: invalid UTF-8 is replaced
    and counted, a line with a NUL byte is counted and skipped (it still has its number), a
    line of ``MAX_LINE`` bytes or more is cut there, and line ends (``\\r\\n``) are dropped.

    Attributes:
        lines: lines read so far (the number of the last one).
        bytes_read: bytes read so far.
        problems: ``invalid_utf8_lines``, ``binary_lines``, ``long_lines`` counts.
    """

    def __init__(self) -> None:
        self.lines = 0
        self.bytes_read = 0
        self.problems = {"invalid_utf8_lines": 0, "binary_lines": 0, "long_lines": 0}

    def blocks(self, stream: Any) -> Iterator[tuple[int, list[str], list[str]]]:
        """``(number of the line before the run, lines, their shapes)``."""
        # ``read1`` returns what one read of the stream gave: when a truncated gzip member
        # raises, only that read is lost, not a whole block.
        read = getattr(stream, "read1", stream.read)
        carry = b""
        skipping = False  # inside the unread rest of a long line
        while True:
            data = read(BLOCK)
            if not data:
                break
            self.bytes_read += len(data)
            if skipping:
                end = data.find(b"\n")
                if end < 0:
                    continue
                data = data[end + 1:]
                skipping = False
            cut = data.rfind(b"\n")
            if cut < 0:
                carry += data
                if len(carry) >= MAX_LINE:
                    yield from self._slow(carry[:MAX_LINE] + b"\n")
                    carry = b""
                    skipping = True
                continue
            block = carry + data[:cut + 1] if carry else data[:cut + 1]
            carry = data[cut + 1:]
            yield from self._block(block)
        if carry and not skipping:
            yield from self._slow(carry + b"\n")

    def _block(self, block: bytes) -> Iterator[tuple[int, list[str], list[str]]]:
        if len(block) >= MAX_LINE or b"\0" in block:
            yield from self._slow(block)
            return
        try:
            text = block[:-1].decode("utf-8")
        except UnicodeDecodeError:
            yield from self._slow(block)
            return
        lines = text.split("\n")
        if "\r" in text:
            lines = [line.rstrip("\r") for line in lines]
            text = "\n".join(lines)
        number = self.lines
        self.lines += len(lines)
        yield number, lines, shape(text).split("\n")

    def _slow(self, block: bytes) -> Iterator[tuple[int, list[str], list[str]]]:
        """Line by line; ``block`` ends with a line end."""
        run: list[str] = []
        number = self.lines
        for raw in block[:-1].split(b"\n"):
            self.lines += 1
            if len(raw) >= MAX_LINE:
                self.problems["long_lines"] += 1
                raw = raw[:MAX_LINE]
            if b"\0" in raw:
                self.problems["binary_lines"] += 1
                if run:
                    yield number, run, shape("\n".join(run)).split("\n")
                run, number = [], self.lines
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.problems["invalid_utf8_lines"] += 1
                text = raw.decode("utf-8", "replace")
            run.append(text.rstrip("\r"))
        if run:
            yield number, run, shape("\n".join(run)).split("\n")
