"""Text members read as documents in bounded pieces: whole lines, multi-line secrets kept
together, and no line, however long, read whole into memory.

``text_pieces(stream)`` decodes a binary stream as UTF-8 (undecodable bytes replaced) and
yields ``Piece``s of about ``PIECE_CHARS`` characters, cut after a newline, so the
redactor sees each piece as a document of whole lines. Two things are never cut apart:

- a private key block (``-----BEGIN ... PRIVATE KEY-----`` to its end marker): a piece
  that would end inside one ends before its header instead, and the block starts the next;
- a line that ends in a continuation backslash and the line after it.

A line longer than a piece (a 500 MB line with no newline) is cut at a blank or a
separator (``,;&``) within its last ``SEAM_CHARS`` characters, else at the piece size,
and the piece says so (``cut_line``): memory stays at a few pieces whatever the input,
and the time grows with it linearly.

>>> import io
>>> [p.text for p in text_pieces(io.BytesIO(b"a\\nb\\n"), piece_chars=2)]
['a\\n', 'b\\n']
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from inspector.privacy.shapes import MAX_KEY_BLOCK

PIECE_CHARS = 1 << 20
SEAM_CHARS = 4096
READ_BYTES = 1 << 20
_OPEN_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_SEAM = re.compile(r"[\s,;&]")


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a text member.

    Attributes:
        text: the characters.
        line: the 1-based line it starts on.
        cut_line: it ends inside a line too long to read whole.
    """

    text: str
    line: int
    cut_line: bool = False


def text_pieces(stream: BinaryIO, piece_chars: int | None = None) -> Iterator[Piece]:
    """The stream as pieces of whole lines (see the module doc); ``PIECE_CHARS`` long
    unless told otherwise."""
    piece_chars = piece_chars or PIECE_CHARS
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    buffer = ""
    line = 1
    eof = False
    while not eof or buffer:
        while not eof and len(buffer) < 2 * piece_chars:
            data = stream.read(READ_BYTES)
            buffer += decoder.decode(data, final=not data)
            eof = not data
        if eof and len(buffer) <= piece_chars:
            if buffer:
                yield Piece(buffer, line)
            return
        cut, cut_line = _cut(buffer, piece_chars)
        text, buffer = buffer[:cut], buffer[cut:]
        yield Piece(text, line, cut_line)
        line += text.count("\n")


def _cut(buffer: str, piece_chars: int) -> tuple[int, bool]:
    """Where to end the next piece, and whether that is inside a line."""
    newline = buffer.rfind("\n", 0, piece_chars)
    if newline < 0:
        floor = max(0, piece_chars - SEAM_CHARS)
        seams = [m.end() for m in _SEAM.finditer(buffer, floor, piece_chars)]
        return (seams[-1] if seams else piece_chars), True
    cut = newline + 1
    # A continuation backslash keeps its next line: end before the continued line.
    while cut > 1 and (buffer.endswith("\\\n", 0, cut) or buffer.endswith("\\\r\n", 0, cut)):
        previous = buffer.rfind("\n", 0, cut - 2)
        if previous < 0:
            break
        cut = previous + 1
    # A key block whose end marker is not in the piece starts the next one.
    tail_start = max(0, cut - MAX_KEY_BLOCK)
    headers = list(_OPEN_KEY.finditer(buffer, tail_start, cut))
    if headers and "-----END" not in buffer[headers[-1].end():cut]:
        start = buffer.rfind("\n", 0, headers[-1].start()) + 1
        if start > 0:
            cut = start
    return cut, False
