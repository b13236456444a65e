"""The one HAR reader: streams a browser or proxy HAR export one entry at a time.

Every layer that reads a HAR (the HTTP analyzer, the HAR viewer, training, the knowledge
base's body matching, the report) reads it through ``HarReader``.

Decisions the next engineer needs:

- Reading is streaming: ``HarReader`` walks the document's outer objects itself and hands
  each value (each entry, ``pages``, ``creator``...) to orjson through a bounded window; a
  parse that stops with "unexpected content after document" tells where the value ends. So
  memory follows the largest entry, not the file, and a multi-GB export is readable.
- Values orjson refuses (lone surrogates, invalid UTF-8, NaN, numbers beyond a double) are
  retried with the standard library's lenient decoder and counted in ``repaired``;
  truncated, invalid or absurdly nested JSON raises ``HarFormatError`` with the byte offset,
  after the entries read so far were handed out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson


class HarFormatError(Exception):
    """The document cannot be read further; ``offset`` is the byte where it went wrong."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (byte {offset:,})")
        self.offset = offset


_WHITESPACE = re.compile(rb"[ \t\r\n]*+")
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_MIN_WINDOW = 32 * 1024
_READ_SIZE = 4 * 1024 * 1024


def _lenient_int(digits: str) -> int | float:
    # Python refuses to build ints of more than 4,300 digits; a HAR number that long is
    # garbage either way, and the coercion step reports non-finite values.
    return int(digits) if len(digits) <= 40 else float(digits)


_LENIENT = json.JSONDecoder(parse_int=_lenient_int)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_text(value: Any) -> Any:
    """Strings from the lenient path may hold surrogates; make them plain UTF-8 text."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean_text(item) for item in value]
    if isinstance(value, dict):
        return {_clean_text(key): _clean_text(item) for key, item in value.items()}
    return value


class HarReader:
    """Reads a HAR document from a binary stream, one entry at a time.

    >>> import io
    >>> data = b'\\xef\\xbb\\xbf{"log": {"pages": [], "entries": [{"a": 1}]}}'
    >>> reader = HarReader(io.BytesIO(data))
    >>> list(reader.entries()), reader.log
    ([{'a': 1}], {'pages': []})

    Attributes:
        log: every member of ``log`` except ``entries`` (``version``, ``creator``,
            ``browser``, ``pages``...), filled in as the reader passes them.
        repaired: values that needed the lenient decoder (invalid UTF-8, NaN, huge numbers).
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buffer = b""
        self._pos = 0
        self._base = 0
        self._eof = False
        self._last_size = 0
        self.log: dict[str, Any] = {}
        self.repaired = 0

    @property
    def offset(self) -> int:
        """Bytes of the document consumed so far."""
        return self._base + self._pos

    def entries(self) -> Iterator[Any]:
        """Each element of ``log.entries``, in file order; raises ``HarFormatError``."""
        self._fill(3)
        if self._buffer.startswith(b"\xef\xbb\xbf", self._pos):
            self._pos += 3
        if self._peek() != b"{":
            raise HarFormatError("not a JSON object, so not a HAR file", self.offset)
        found = False
        for key in self._members():
            if key == "log" and self._peek() == b"{":
                for log_key in self._members():
                    if log_key == "entries" and self._peek() == b"[":
                        found = True
                        yield from self._items()
                    else:
                        self.log[log_key] = self._value()
            else:
                self._value()
        if not found:
            raise HarFormatError("no log.entries array, so not a HAR file", self.offset)

    # -- structure --

    def _members(self) -> Iterator[str]:
        """Keys of the object starting here; the caller reads each value."""
        self._expect(b"{")
        if self._peek() == b"}":
            self._pos += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise HarFormatError("an object key is not a string", self.offset)
            self._expect(b":")
            yield key
            separator = self._peek()
            self._pos += 1
            if separator == b"}":
                return
            if separator != b",":
                raise HarFormatError(f"expected ',' or '}}', found {separator!r}",
                                     self.offset - 1)

    def _items(self) -> Iterator[Any]:
        self._expect(b"[")
        if self._peek() == b"]":
            self._pos += 1
            return
        while True:
            yield self._value()
            separator = self._peek()
            self._pos += 1
            if separator == b"]":
                return
            if separator != b",":
                raise HarFormatError(f"expected ',' or ']', found {separator!r}",
                                     self.offset - 1)

    def _expect(self, token: bytes) -> None:
        if self._peek() != token:
            raise HarFormatError(f"expected {token.decode()!r}", self.offset)
        self._pos += 1

    def _peek(self) -> bytes:
        """The next non-blank byte (not consumed), or ``b""`` at the end."""
        while True:
            self._pos = _WHITESPACE.match(self._buffer, self._pos).end()
            if self._pos < len(self._buffer):
                return self._buffer[self._pos:self._pos + 1]
            if self._eof:
                return b""
            self._fill(1)

    def _fill(self, wanted: int) -> None:
        """Make ``wanted`` bytes available from the current position (fewer at the end)."""
        if len(self._buffer) - self._pos >= wanted or self._eof:
            return
        parts = [self._buffer[self._pos:]]
        have = len(parts[0])
        while have < wanted:
            chunk = self._stream.read(max(_READ_SIZE, wanted - have))
            if not chunk:
                self._eof = True
                break
            parts.append(chunk)
            have += len(chunk)
        self._base += self._pos
        self._pos = 0
        self._buffer = b"".join(parts)

    # -- values --

    def _value(self) -> Any:
        if not self._peek():
            raise HarFormatError("the file ends early (truncated export?)", self.offset)
        window = max(_MIN_WINDOW, min(2 * self._last_size, _READ_SIZE))
        while True:
            self._fill(window + 1)  # one byte past the window, to see where a character ends
            end = min(len(self._buffer), self._pos + window)
            at_end = self._eof and end == len(self._buffer)
            if not at_end:
                while end > self._pos and self._buffer[end] & 0xC0 == 0x80:
                    end -= 1  # never cut a UTF-8 character in two: orjson validates it all
            parsed = self._parse(end, at_end)
            if parsed is None:
                window *= 2
                continue
            value, size = parsed
            self._pos += size
            self._last_size = size
            return value

    def _parse(self, end: int, at_end: bool) -> tuple[Any, int] | None:
        """The value at the current position and its size in bytes; ``None``: need more."""
        view = memoryview(self._buffer)[self._pos:end]
        try:
            return orjson.loads(view), end - self._pos
        except orjson.JSONDecodeError as exc:
            if exc.msg.startswith("unexpected content after document"):
                size = self._byte_length(exc.pos)
                return orjson.loads(view[:size]), size
            if exc.msg.startswith("unexpected end of data"):
                if at_end:
                    raise HarFormatError("the file ends in the middle of a value "
                                         "(truncated export?)", self._base + end) from None
                return None
        return self._parse_leniently(view, at_end)

    def _byte_length(self, characters: int) -> int:
        """Bytes from the current position holding ``characters`` characters."""
        size = characters
        while True:
            prefix = self._buffer[self._pos:self._pos + size]
            extra = len(prefix) - len(prefix.translate(None, _CONTINUATION_BYTES))
            if characters + extra == size:
                return size
            size = characters + extra

    def _parse_leniently(self, view: memoryview, at_end: bool) -> tuple[Any, int] | None:
        text = bytes(view).decode("utf-8", "surrogateescape")
        try:
            value, characters = _LENIENT.raw_decode(text)
        except json.JSONDecodeError as exc:
            incomplete = exc.pos >= len(text) - 64 or exc.msg.startswith("Unterminated")
            if incomplete and not at_end:
                return None
            raise HarFormatError(f"invalid JSON: {exc.msg}",
                                 self.offset + len(text[:exc.pos].encode("utf-8",
                                                                         "surrogateescape"))
                                 ) from None
        except RecursionError:
            raise HarFormatError("JSON nested too deeply to read", self.offset) from None
        size = len(text[:characters].encode("utf-8", "surrogateescape"))
        try:
            # The bad bytes may lie after this value, in the rest of the window.
            return orjson.loads(view[:size]), size
        except orjson.JSONDecodeError:
            self.repaired += 1
            return _clean_text(value), size
