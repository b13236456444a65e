"""The one reader of resource documents: Kubernetes objects and lists in JSON or YAML.

``read_resources(stream)`` yields one ``Resource`` per object: each element of a list's
``items`` (``kubectl get -o json``, Troubleshoot's ``cluster-resources/pods/<ns>.json``), each
element of a top-level array, or the document itself when it is one object. A resource knows
where it sits: its JSON pointer (RFC 6901) in the document, the line it starts on, and, for
multi-document YAML, which document (1-based). ``resource.line_of("/status/phase")`` finds the
line of a place inside it, so evidence can point at ``/items/3/status/containerStatuses/0``
*and* the line a person scrolls to.

Decisions the next engineer needs:

- **JSON streams.** The top-level object's members are walked here, and each value (each
  item of ``items``) is handed to orjson through a bounded window, as ``HarReader`` does:
  memory follows the largest item, never the file, so a 50 MB dump of 20,000 pods stays
  flat. Lines are counted as the window moves (``bytes.count``, in C). The raw bytes of an
  item are kept with it while it is looked at, so the line of a nested place is found only
  for the few places evidence needs (``line_of`` walks those bytes; nothing else does).
- **YAML is untrusted.** PyYAML's C parser and composer (libyaml, safe mode) build the node
  tree of one document at a time; this module turns nodes into plain values itself and
  never runs a constructor, so no tag (``!!python/object``...) is ever constructed: a tagged
  value is read as the plain scalar, list or mapping it is. Nesting deeper than
  ``MAX_DEPTH`` and aliases that would expand a document beyond ``ALIAS_EXPANSION`` times
  its own size ("billion laughs") stop the document with ``ResourceError``; the documents
  before it were already handed out. A single huge YAML document is held whole while it is
  read (YAML has no cheap way to find where an item ends); JSON is the format of big dumps.
- Bad input raises ``ResourceError`` with the place (byte or line); what was read before it
  has been yielded.

>>> import io
>>> data = b'{"kind": "PodList", "items": [\\n {"kind": "Pod", "status": {"phase": "Running"}},\\n'
>>> data += b' {"kind": "Pod",\\n  "status": {"phase": "Pending"}}]}'
>>> [(r.pointer, r.line, r.value["status"]["phase"]) for r in read_resources(io.BytesIO(data))]
[('/items/0', 2, 'Running'), ('/items/1', 3, 'Pending')]
>>> last = list(read_resources(io.BytesIO(data)))[-1]
>>> last.line_of("/status/phase")
4
>>> docs = b"kind: Pod\\nmetadata: {name: a}\\n---\\nkind: Pod\\nmetadata:\\n  name: b\\n"
>>> [(r.document, r.line, r.line_of("/metadata/name")) for r in read_resources(io.BytesIO(docs))]
[(1, 1, 2), (2, 4, 6)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson
import yaml

MAX_DEPTH = 100
ALIAS_EXPANSION = 2  # converted nodes may be at most this many times the distinct nodes
ALIAS_ALLOWANCE = 10_000  # ...plus this many, for small documents that reuse an anchor
_READ_SIZE = 4 * 1024 * 1024
_MIN_WINDOW = 64 * 1024
_WHITESPACE = re.compile(rb"[ \t\r\n]*+")
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class ResourceError(Exception):
    """The document cannot be read further; the message says where."""


def escape_pointer_token(token: str | int) -> str:
    """One reference token of a JSON pointer (RFC 6901: ``~`` and ``/`` escaped)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_tokens(pointer: str) -> list[str]:
    """``"/items/0/a~1b"`` -> ``["items", "0", "a/b"]``."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


@dataclass(slots=True)
class Resource:
    """One object of a resource document and where it sits.

    Attributes:
        value: the object, as plain JSON values (dict, list, str, int, float, bool, None).
        pointer: its JSON pointer in its document (``""`` for the document itself).
        line: the line it starts on, 1-based, in the whole file.
        document: which YAML document of the file it is in (1-based); ``None`` for JSON.
    """

    value: Any
    pointer: str
    line: int
    document: int | None = None
    _raw: bytes | None = None
    _node: yaml.Node | None = None
    _members: dict[str, tuple[int, bytes]] | None = None

    def line_of(self, pointer: str) -> int:
        """The line of a place inside this resource (a pointer relative to it), or of the
        nearest enclosing place that exists."""
        tokens = pointer_tokens(pointer)
        if self._node is not None:
            return _node_line(self._node, tokens)
        if self._raw is not None:
            offset = _json_offset(self._raw, tokens)
            return self.line + self._raw.count(b"\n", 0, offset)
        if self._members and tokens and tokens[0] in self._members:
            line, raw = self._members[tokens[0]]
            return line + raw.count(b"\n", 0, _json_offset(raw, tokens[1:]))
        return self.line


def read_resources(stream: BinaryIO) -> Iterator[Resource]:
    """Every object of a JSON or YAML resource document, in file order (see the module doc).

    Raises ``ResourceError`` when the document is broken, after what precedes the damage.
    """
    reader = _JsonReader(stream)
    first = reader.peek()
    if first in (b"{", b"["):
        yield from reader.resources()
    else:
        yield from _yaml_resources(reader.rest())


# --- JSON ------------------------------------------------------------------------------------


class _JsonReader:
    """Walks a JSON document's outer structure; values go to orjson through a window."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buffer = b""
        self._pos = 0
        self._base = 0
        self._eof = False
        self._line = 1  # the line at ``_counted``
        self._counted = 0
        self._last_size = 0

    def rest(self) -> Iterator[bytes]:
        """The unread bytes, for a document that turned out not to be JSON."""
        yield self._buffer[self._pos:]
        while chunk := self._stream.read(_READ_SIZE):
            yield chunk

    def peek(self) -> bytes:
        """The next non-blank byte (not consumed), or ``b""`` at the end."""
        while True:
            if self._base == 0 and self._pos == 0 and self._buffer.startswith(b"\xef\xbb\xbf"):
                self._pos = 3
            self._pos = _WHITESPACE.match(self._buffer, self._pos).end()
            if self._pos < len(self._buffer):
                return self._buffer[self._pos:self._pos + 1]
            if self._eof:
                return b""
            self._fill(1)

    def resources(self) -> Iterator[Resource]:
        if self.peek() == b"[":
            for index, (value, line, raw) in enumerate(self._items()):
                yield Resource(value, f"/{index}", line, None, raw)
            return
        start = self._line_here()
        members: dict[str, Any] = {}
        places: dict[str, tuple[int, bytes]] = {}
        listed = False
        for key in self._members():
            if key == "items" and self.peek() == b"[":
                listed = True
                for index, (value, line, raw) in enumerate(self._items()):
                    yield Resource(value, f"/items/{index}", line, None, raw)
            else:
                members[key], line, raw = self._value()
                places[key] = (line, raw)
        if self.peek():
            raise ResourceError(f"unexpected content after the document (byte {self._offset:,})")
        if not listed:
            # One object: small by nature (a List's items are what grows), kept whole.
            yield Resource(members, "", start, None, None, None, places)

    # -- structure --

    @property
    def _offset(self) -> int:
        return self._base + self._pos

    def _line_here(self) -> int:
        self._line += self._buffer.count(b"\n", self._counted, self._pos)
        self._counted = self._pos
        return self._line

    def _members(self) -> Iterator[str]:
        self._expect(b"{")
        if self.peek() == b"}":
            self._pos += 1
            return
        while True:
            key = self._value()[0]
            if not isinstance(key, str):
                raise ResourceError(f"an object key is not a string (byte {self._offset:,})")
            self._expect(b":")
            yield key
            self._separator(b"}")
            if self._buffer[self._pos - 1:self._pos] == b"}":
                return

    def _items(self) -> Iterator[tuple[Any, int, bytes]]:
        self._expect(b"[")
        if self.peek() == b"]":
            self._pos += 1
            return
        while True:
            yield self._value()
            self._separator(b"]")
            if self._buffer[self._pos - 1:self._pos] == b"]":
                return

    def _separator(self, closing: bytes) -> None:
        found = self.peek()
        if found not in (b",", closing):
            where = "the file ends early (truncated?)" if not found else f"found {found!r}"
            raise ResourceError(f"expected ',' or {closing.decode()!r}: {where} "
                                f"(byte {self._offset:,})")
        self._pos += 1

    def _expect(self, token: bytes) -> None:
        if self.peek() != token:
            raise ResourceError(f"expected {token.decode()!r} (byte {self._offset:,})")
        self._pos += 1

    def _fill(self, wanted: int) -> None:
        if len(self._buffer) - self._pos >= wanted or self._eof:
            return
        self._line += self._buffer.count(b"\n", self._counted, self._pos)
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
        self._counted = 0
        self._buffer = b"".join(parts)

    # -- values --

    def _value(self) -> tuple[Any, int, bytes]:
        """The value here, the line it starts on and its bytes."""
        if not self.peek():
            raise ResourceError(f"the file ends early (truncated?) (byte {self._offset:,})")
        window = max(_MIN_WINDOW, min(2 * self._last_size, _READ_SIZE))
        while True:
            self._fill(window)
            line = self._line_here()
            end = min(len(self._buffer), self._pos + window)
            at_end = self._eof and end == len(self._buffer)
            if not at_end:
                while end > self._pos and self._buffer[end] & 0xC0 == 0x80:
                    end -= 1  # never cut a UTF-8 character in two
            parsed = self._parse(end, at_end)
            if parsed is None:
                window *= 2
                continue
            value, size = parsed
            raw = self._buffer[self._pos:self._pos + size]
            self._pos += size
            self._last_size = size
            return value, line, raw

    def _parse(self, end: int, at_end: bool) -> tuple[Any, int] | None:
        view = memoryview(self._buffer)[self._pos:end]
        try:
            return orjson.loads(view), end - self._pos
        except orjson.JSONDecodeError as exc:
            if exc.msg.startswith("unexpected content after document"):
                size = self._byte_length(exc.pos)
                try:
                    return orjson.loads(view[:size]), size
                except orjson.JSONDecodeError as inner:
                    exc = inner
            elif exc.msg.startswith("unexpected end of data") and not at_end:
                return None
            if exc.msg.startswith("recursion limit"):
                raise ResourceError(f"JSON nested too deeply (byte {self._offset:,})") from None
            where = self._offset + len(bytes(view)[:exc.pos])
            raise ResourceError(f"invalid JSON: {exc.msg} (byte {where:,})") from None

    def _byte_length(self, characters: int) -> int:
        """Bytes from the current position holding ``characters`` characters."""
        size = characters
        while True:
            prefix = self._buffer[self._pos:self._pos + size]
            extra = len(prefix) - len(prefix.translate(None, _CONTINUATION_BYTES))
            if characters + extra == size:
                return size
            size = characters + extra


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*+"|[\[\]{}]', re.DOTALL)
_SCALAR = re.compile(rb'[^\s,:\[\]{}"]*+')


def _json_offset(raw: bytes, tokens: list[str]) -> int:
    """The byte offset in ``raw`` (one JSON value) of the value at ``tokens``, or of the
    deepest enclosing value that exists. Walks only the containers on the way there."""
    pos = _WHITESPACE.match(raw, 0).end()
    for token in tokens:
        opening = raw[pos:pos + 1]
        if opening == b"{":
            found = _member(raw, pos, token)
        elif opening == b"[" and token.isdigit():
            found = _element(raw, pos, int(token))
        else:
            found = None
        if found is None:
            return pos
        pos = found
    return pos


def _member(raw: bytes, pos: int, wanted: str) -> int | None:
    pos = _WHITESPACE.match(raw, pos + 1).end()
    while raw[pos:pos + 1] == b'"':
        key = _STRING.match(raw, pos)
        if key is None:
            return None
        pos = _WHITESPACE.match(raw, key.end()).end()
        if raw[pos:pos + 1] != b":":
            return None
        value = _WHITESPACE.match(raw, pos + 1).end()
        if orjson.loads(key.group()) == wanted:
            return value
        pos = _WHITESPACE.match(raw, _skip_value(raw, value)).end()
        if raw[pos:pos + 1] != b",":
            return None
        pos = _WHITESPACE.match(raw, pos + 1).end()
    return None


def _element(raw: bytes, pos: int, wanted: int) -> int | None:
    pos = _WHITESPACE.match(raw, pos + 1).end()
    for _ in range(wanted):
        if raw[pos:pos + 1] in (b"]", b""):
            return None
        pos = _WHITESPACE.match(raw, _skip_value(raw, pos)).end()
        if raw[pos:pos + 1] != b",":
            return None
        pos = _WHITESPACE.match(raw, pos + 1).end()
    return pos if raw[pos:pos + 1] not in (b"]", b"") else None


def _skip_value(raw: bytes, pos: int) -> int:
    """The offset just past the JSON value starting at ``pos``."""
    opening = raw[pos:pos + 1]
    if opening == b'"':
        match = _STRING.match(raw, pos)
        return match.end() if match else len(raw)
    if opening not in (b"{", b"["):
        return _SCALAR.match(raw, pos).end()
    depth = 0
    for match in _STRUCTURE.finditer(raw, pos):
        symbol = match.group()
        if symbol in (b"{", b"["):
            depth += 1
        elif symbol in (b"}", b"]"):
            depth -= 1
            if depth == 0:
                return match.end()
    return len(raw)


# --- YAML ------------------------------------------------------------------------------------


class _Chunks:
    """A file-like object over byte chunks, for libyaml's reader (which asks for small
    reads: each is a slice of the current chunk, never a copy of the rest)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            data = b"".join([self._buffer[self._pos:], *self._chunks])
            self._buffer, self._pos = b"", 0
            return data
        while len(self._buffer) - self._pos < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer = self._buffer[self._pos:] + chunk
            self._pos = 0
        data = self._buffer[self._pos:self._pos + size]
        self._pos += len(data)
        return data


def _yaml_resources(chunks: Iterator[bytes]) -> Iterator[Resource]:
    loader = yaml.CSafeLoader(_Chunks(chunks)) if hasattr(yaml, "CSafeLoader") \
        else yaml.SafeLoader(_Chunks(chunks))
    number = 0
    try:
        while True:
            try:
                if not loader.check_node():
                    return
                node = loader.get_node()
            except yaml.YAMLError as exc:
                raise ResourceError(f"invalid YAML: {_yaml_problem(exc)}") from None
            number += 1
            if node is None:
                continue
            value = _Converter().value(node)
            items = _items_node(node)
            if items is not None and isinstance(value, dict) and isinstance(value["items"], list):
                for index, (item_node, item) in enumerate(zip(items.value, value["items"],
                                                              strict=True)):
                    yield Resource(item, f"/items/{index}", item_node.start_mark.line + 1,
                                   number, None, item_node)
            elif isinstance(value, list):
                for index, (item_node, item) in enumerate(zip(node.value, value, strict=True)):
                    yield Resource(item, f"/{index}", item_node.start_mark.line + 1, number,
                                   None, item_node)
            elif value is not None:
                yield Resource(value, "", node.start_mark.line + 1, number, None, node)
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (line {mark.line + 1})" if mark is not None else str(problem)


def _items_node(node: yaml.Node) -> yaml.SequenceNode | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "items" \
                    and isinstance(value, yaml.SequenceNode):
                return value
    return None


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


class _Converter:
    """Plain values from a composed YAML node tree, with depth and alias limits.

    Tags are never constructed: the standard scalar tags (int, float, bool, null) give the
    scalar's type; any other tag leaves the value as the string, list or mapping it is.
    """

    def __init__(self) -> None:
        self.created = 0
        self.distinct: set[int] = set()

    def value(self, node: yaml.Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ResourceError(f"YAML nested deeper than {MAX_DEPTH} levels "
                                f"(line {node.start_mark.line + 1})")
        self.created += 1
        self.distinct.add(id(node))
        if self.created > ALIAS_EXPANSION * len(self.distinct) + ALIAS_ALLOWANCE:
            raise ResourceError("YAML aliases expand the document far beyond its size (a "
                                f"'billion laughs' document?) (line {node.start_mark.line + 1})")
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        for key, item in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag == "tag:yaml.org,2002:merge":
                merged = self.value(item, depth + 1)
                for source in merged if isinstance(merged, list) else [merged]:
                    if isinstance(source, dict):
                        for name, inner in source.items():
                            result.setdefault(name, inner)
                continue
            name = key.value if isinstance(key, yaml.ScalarNode) else str(self.value(key,
                                                                                  depth + 1))
            result[str(name)] = self.value(item, depth + 1)
        return result


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    tag = node.tag
    if node.style or not tag.startswith("tag:yaml.org,2002:"):
        return text  # quoted, or a tag we do not construct
    kind = tag.rsplit(":", 1)[1]
    try:
        if kind == "int":
            cleaned = text.replace("_", "")
            return int(cleaned, 0) if cleaned.lstrip("+-")[:2].lower() in ("0x", "0o", "0b") \
                else int(cleaned)
        if kind == "float":
            return float(text.replace("_", "")) if "inf" not in text.lower() \
                and "nan" not in text.lower() else text
        if kind == "bool":
            return _BOOL.get(text.lower(), text)
        if kind == "null":
            return None
    except ValueError:
        return text
    return text


def _node_line(node: yaml.Node, tokens: list[str]) -> int:
    for token in tokens:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value
                          if isinstance(key, yaml.ScalarNode) and key.value == token), None)
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() \
                and int(token) < len(node.value):
            found = node.value[int(token)]
        else:
            found = None
        if found is None:
            break
        node = found
    return node.start_mark.line + 1
