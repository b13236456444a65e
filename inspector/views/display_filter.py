"""Wireshark's display-filter language, the common part of it, for the packet list.

``compile_filter(text)`` parses a filter with a small grammar (a tokenizer and a recursive
descent parser, precedence as in Wireshark: ``!`` binds tightest, then ``&&``, ``^^``,
``||``) and returns a ``DisplayFilter`` whose ``matches(row, frame)`` runs it; a filter that
does not parse raises ``FilterError`` with a message for the user and the position of the
fault. ``run_filter`` applies one to the rows off the GUI thread.

What it accepts::

    tcp.port == 443 && tls                  fields, comparisons, and / or / not / xor
    ip.addr == 10.1.7.0/24                  addresses and networks (IPv4, IPv6)
    dns.qry.name contains "example"         strings: contains, matches (regex, any case)
    tcp.analysis.retransmission             a field alone: the packet has it
    tcp.flags.reset == 1 or tcp.flags.syn == true
    tcp.port in {80 443 8000..8999}         sets, with ranges
    !(ip.src == 10.0.0.1) and frame.len > 1000
    frame contains "GET /" or tcp.payload contains 16:03:01

Operators: ``== eq``, ``!= ne`` (no value equal, as in Wireshark 4), ``=== all_eq``,
``~= any_ne``, ``> gt``, ``< lt``, ``>= ge``, ``<= le``, ``contains``, ``matches ~``, ``in``
and ``not in``; ``any``/``all`` before a field. A field that occurs twice in a packet
(``ip.addr``, ``tcp.port``) matches when any occurrence does. The fields are
``inspector.views.packet_fields.FIELDS``.

What it does not support, and says so when it meets it: slices (``eth.src[0:3]``),
arithmetic, functions (``len()``, ``upper()``), field references (``${...}``), layer
operators (``ip.addr#2``), display macros, and fields outside the list (Ethernet addresses,
ARP, HTTP/2, QUIC until the capture reader names it). ``matches`` refuses patterns that can
backtrack without bound (a repeat inside a repeat, back-references), since a filter runs
over every packet and a regular expression cannot be interrupted once started.

>>> from inspector.views.packets import PacketRow
>>> row = PacketRow(7, 0.0, 60, 60, 1, "TLSv1.2", "Client Hello", 4, "10.0.0.1",
...                 "10.0.0.2", 6, 40000, 443, 0x18, 1, 1, 502, 502, 100, 0, 0, {})
>>> compile_filter("tcp.port == 443 && tls").matches(row, None)
True
>>> compile_filter("ip.addr == 10.0.1.0/24").matches(row, None)
False
>>> try:
...     compile_filter("tcp.prt == 443")
... except FilterError as error:
...     print(error)
"tcp.prt" is not a field the packet list knows; did you mean "tcp.port"?
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from re import _constants as sre_constants
from re import _parser as sre_parse
from typing import Any

from inspector.formats.pcap import CaptureError, Packet, read_packets
from inspector.views.packet_fields import FIELDS, FieldSpec, lookup
from inspector.views.packets import PacketRow
from inspector.views.source import MemberSource, State

Test = Callable[[PacketRow, Packet | None], bool]
MAX_MATCH_CHARS = 4096
CHECK_EVERY = 4096

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>r?"(?:[^"\\]|\\.)*")
  | (?P<op>===|!==|==|!=|~=|>=|<=|&&|\|\||\^\^|\.\.|[()<>!~{},\[\]#$@+*/%])
  | (?P<word>[A-Za-z0-9_.:/\-]+)
""", re.VERBOSE)
WORD_OPERATORS = {"eq": "==", "ne": "!=", "gt": ">", "lt": "<", "ge": ">=", "le": "<=",
                  "all_eq": "===", "any_eq": "==", "all_ne": "!=", "any_ne": "~=",
                  "and": "&&", "or": "||", "xor": "^^", "not": "!", "matches": "~",
                  "contains": "contains", "in": "in"}
COMPARISONS = {"==", "!=", "===", "!==", "~=", ">", "<", ">=", "<=", "contains", "~", "in"}
UNSUPPORTED = {"[": "slices ([n:m]) are not supported", "#": "layer operators (#) are not "
               "supported", "$": "field references (${...}) are not supported",
               "@": "raw field values (@) are not supported", "+": "arithmetic is not supported",
               "*": "arithmetic is not supported", "/": "arithmetic is not supported",
               "%": "arithmetic is not supported"}


class FilterError(ValueError):
    """A filter the packet list cannot run; ``position`` is where in the text it fails."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # string, op, word, end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise FilterError(f"unexpected character {text[position]!r}", position)
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group()
            if kind == "word" and value.lower() in WORD_OPERATORS:
                kind, value = "op", WORD_OPERATORS[value.lower()]
            tokens.append(Token(kind, value, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


@dataclass(frozen=True)
class DisplayFilter:
    """A compiled filter.

    Attributes:
        text: what the user typed.
        needs_frame: some field reads the frame's bytes, so running it reads the capture.
    """

    text: str
    test: Test
    needs_frame: bool

    def matches(self, row: PacketRow, frame: Packet | None) -> bool:
        return self.test(row, frame)


def compile_filter(text: str) -> DisplayFilter:
    """Parse ``text`` (see the module doc); raises ``FilterError``."""
    parser = _Parser(tokenize(text))
    test = parser.expression()
    if parser.peek().kind != "end":
        token = parser.peek()
        raise FilterError(f"unexpected {token.text!r} after a complete filter", token.position)
    return DisplayFilter(text, test, parser.needs_frame)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.needs_frame = False

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, *ops: str) -> Token | None:
        token = self.peek()
        if token.kind == "op" and token.text in ops:
            self.at += 1
            return token
        return None

    def expression(self) -> Test:
        left = self.xor()
        while self.accept("||"):
            right = self.xor()
            left = (lambda a, b: lambda r, f: a(r, f) or b(r, f))(left, right)
        return left

    def xor(self) -> Test:
        left = self.conjunction()
        while self.accept("^^"):
            right = self.conjunction()
            left = (lambda a, b: lambda r, f: a(r, f) != b(r, f))(left, right)
        return left

    def conjunction(self) -> Test:
        left = self.negation()
        while self.accept("&&"):
            right = self.negation()
            left = (lambda a, b: lambda r, f: a(r, f) and b(r, f))(left, right)
        return left

    def negation(self) -> Test:
        if self.accept("!"):
            inner = self.negation()
            return lambda r, f: not inner(r, f)
        return self.primary()

    def primary(self) -> Test:
        token = self.peek()
        if self.accept("("):
            inner = self.expression()
            if not self.accept(")"):
                raise FilterError("a parenthesis is not closed", token.position)
            return inner
        if token.kind == "op" and token.text in UNSUPPORTED:
            raise FilterError(UNSUPPORTED[token.text], token.position)
        if token.kind == "end":
            raise FilterError("the filter ends where a field was expected", token.position)
        if token.kind != "word":
            raise FilterError(f"expected a field name, not {token.text!r}", token.position)
        return self.test()

    def test(self) -> Test:
        quantifier = "any"
        if self.peek().text in ("any", "all") and self.tokens[self.at + 1].kind == "word":
            quantifier = self.take().text
        name = self.take()
        after = self.peek()
        if after.kind == "op" and after.text == "(":
            raise FilterError(f"functions ({name.text}()) are not supported", name.position)
        if after.kind == "op" and after.text in UNSUPPORTED:
            raise FilterError(UNSUPPORTED[after.text], after.position)
        spec = self.field(name)
        operator = None
        if after.kind == "op" and after.text in COMPARISONS:
            operator = self.take().text
        elif after.kind == "op" and after.text == "!" and \
                self.tokens[self.at + 1].text == "in":
            self.at += 2
            operator = "not in"
        if spec.needs_frame:
            self.needs_frame = True
        read = spec.read
        if operator is None:
            return lambda r, f: read(r, f) is not None
        if operator in ("in", "not in"):
            values = self.set_values(spec)
            found = _any_of(read, lambda value: _member(value, values))
            return found if operator == "in" else (lambda r, f: not found(r, f))
        value_token = self.take()
        if value_token.kind not in ("word", "string"):
            raise FilterError(f"expected a value after {operator!r}", value_token.position)
        return self.comparison(spec, operator, value_token, quantifier)

    def field(self, token: Token) -> FieldSpec:
        spec = lookup(token.text)
        if spec is not None:
            return spec
        close = difflib.get_close_matches(token.text, list(FIELDS), n=1, cutoff=0.75)
        hint = f'; did you mean "{close[0]}"?' if close else (
            "; the packet list does not dissect QUIC yet" if token.text.startswith("quic")
            else "")
        if not close and _looks_like_address(token.text):
            hint = f'; to show its packets, write "ip.addr == {token.text}"'
        raise FilterError(f'"{token.text}" is not a field the packet list knows{hint}',
                          token.position)

    def set_values(self, spec: FieldSpec) -> list[Any]:
        opening = self.peek()
        if not self.accept("{"):
            raise FilterError("expected a set in braces after 'in'", opening.position)
        values: list[Any] = []
        while not self.accept("}"):
            token = self.take()
            if token.kind == "end":
                raise FilterError("a set is not closed", opening.position)
            if token.kind == "op" and token.text == ",":
                continue
            ranged = re.fullmatch(r"(-?\d+)\.\.(-?\d+)", token.text)
            if ranged and spec.kind in ("int", "float"):
                values.append(range(int(ranged[1]), int(ranged[2]) + 1))
            elif self.accept(".."):
                upper = self.take()
                values.append(range(int(_value(spec, token)), int(_value(spec, upper)) + 1))
            else:
                values.append(_value(spec, token))
        return values

    def comparison(self, spec: FieldSpec, operator: str, token: Token,
                   quantifier: str) -> Test:
        read = spec.read
        if operator == "contains":
            needle = _needle(spec, token)
            return _any_of(read, lambda value: needle in _haystack(value))
        if operator == "~":
            pattern = _pattern(token)
            return _any_of(read, lambda value: pattern.search(
                _text(value)[:MAX_MATCH_CHARS]) is not None)
        if spec.kind == "protocol":
            raise FilterError(f'"{spec.name}" is a protocol: test it alone, or with contains',
                              token.position)
        if spec.kind == "address" and operator in ("==", "!=", "===", "!==", "~="):
            network = _network(token)
            equal = _address_test(network)
        else:
            value = _value(spec, token)
            equal = (lambda v: lambda x: x == v)(value)
        order = {">": lambda v: lambda x: x > v, "<": lambda v: lambda x: x < v,
                 ">=": lambda v: lambda x: x >= v, "<=": lambda v: lambda x: x <= v}
        if operator in order:
            if spec.kind in ("string", "address", "bytes"):
                raise FilterError(f"{operator} compares numbers, and {spec.name} is not one",
                                  token.position)
            return _any_of(read, order[operator](_value(spec, token)))
        if (operator == "==" and quantifier == "all") or operator == "===":
            return _all_of(read, equal)
        if operator in ("!=", "!=="):
            anyone = _any_of(read, equal)
            return lambda r, f: read(r, f) is not None and not anyone(r, f)
        if operator == "~=":
            return _any_of(read, lambda x: not equal(x))
        return _any_of(read, equal)


def _values(value: Any) -> Sequence[Any]:
    return value if isinstance(value, tuple) else (value,)


def _any_of(read: Callable[..., Any], test: Callable[[Any], bool]) -> Test:
    def run(row: PacketRow, frame: Packet | None) -> bool:
        value = read(row, frame)
        if value is None:
            return False
        if isinstance(value, tuple):
            return any(test(item) for item in value)
        return test(value)
    return run


def _all_of(read: Callable[..., Any], test: Callable[[Any], bool]) -> Test:
    def run(row: PacketRow, frame: Packet | None) -> bool:
        value = read(row, frame)
        return value is not None and all(test(item) for item in _values(value))
    return run


def _member(value: Any, values: list[Any]) -> bool:
    return any(value in item if isinstance(item, range) else value == item for item in values)


def _looks_like_address(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _unquote(token: Token) -> str:
    if token.kind != "string":
        return token.text
    raw = token.text.startswith("r")
    body = token.text[2 if raw else 1:-1]
    if raw:
        return body
    return re.sub(r"\\(x[0-9A-Fa-f]{2}|.)", lambda m: (
        chr(int(m[1][1:], 16)) if m[1][0] == "x" and len(m[1]) == 3 else
        {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1])), body)


def _value(spec: FieldSpec, token: Token) -> Any:
    text = _unquote(token)
    if spec.kind == "bool":
        lowered = text.lower()
        if lowered in ("1", "true"):
            return 1
        if lowered in ("0", "false"):
            return 0
        raise FilterError(f"{spec.name} is 0 or 1 (or true/false), not {text!r}",
                          token.position)
    if spec.kind in ("int", "float"):
        try:
            return int(text, 0) if spec.kind == "int" else float(text)
        except ValueError:
            raise FilterError(f"{spec.name} is a number, and {text!r} is not one",
                              token.position) from None
    return text


def _needle(spec: FieldSpec, token: Token) -> bytes | str:
    text = _unquote(token)
    if spec.kind in ("bytes", "protocol"):
        if token.kind == "word" and re.fullmatch(r"[0-9A-Fa-f]{2}([:.-][0-9A-Fa-f]{2})*", text):
            return bytes.fromhex(re.sub(r"[:.-]", "", text))
        return text.encode("utf-8")
    if spec.kind not in ("string",):
        raise FilterError(f"contains searches text or bytes, and {spec.name} is neither",
                          token.position)
    return text


def _haystack(value: Any) -> Any:
    return value if isinstance(value, bytes | str) else str(value)


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _network(token: Token) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(_unquote(token), strict=False)
    except ValueError:
        raise FilterError(f"{token.text!r} is not an IP address or network (host names are "
                          "not resolved)", token.position) from None


def _address_test(network: Any) -> Callable[[Any], bool]:
    if network.num_addresses == 1:
        exact = str(network.network_address)
        return lambda value: value == exact
    seen: dict[str, bool] = {}

    def inside(value: str) -> bool:
        verdict = seen.get(value)
        if verdict is None:
            try:
                verdict = ipaddress.ip_address(value) in network
            except ValueError:
                verdict = False
            seen[value] = verdict
        return verdict
    return inside


def _pattern(token: Token) -> re.Pattern[str]:
    text = _unquote(token)
    try:
        parsed = sre_parse.parse(text)
        pattern = re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise FilterError(f"not a valid regular expression: {exc}", token.position) from None
    if _unbounded(parsed.data if hasattr(parsed, "data") else list(parsed), inside=False):
        raise FilterError("this regular expression can backtrack without bound (a repeat "
                          "inside a repeat, or a back-reference); simplify it",
                          token.position)
    return pattern


_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def _unbounded(items: Any, inside: bool) -> bool:
    """A repeat nested in a repeat, or a back-reference: backtracking without bound."""
    for op, argument in items:
        if op == sre_constants.GROUPREF:
            return True
        if op in _REPEATS:
            _low, high, body = argument
            repeats = high == sre_constants.MAXREPEAT or high > 16
            if (inside and repeats) or _unbounded(body, inside or repeats):
                return True
            continue
        if op == sre_constants.SUBPATTERN:
            children = [argument[-1]]
        elif op == sre_constants.BRANCH:
            children = list(argument[1])
        else:
            children = []
        if any(_unbounded(child, inside) for child in children):
            return True
    return False


# --- running a filter --------------------------------------------------------------------------


def run_filter(state: State, rows: Sequence[PacketRow], display: DisplayFilter | None,
               source: MemberSource | None = None) -> array:
    """The indexes (into ``rows``) of the rows ``display`` keeps, all when None; the capture
    is read again when the filter tests the frames' bytes. Empty when cancelled."""
    kept = array("i")
    if display is None:
        kept.extend(range(len(rows)))
        return kept
    test = display.test
    if display.needs_frame and source is not None:
        return _run_with_frames(state, rows, test, source)
    for start in range(0, len(rows), CHECK_EVERY):
        if state.cancelled:
            return array("i")
        for index in range(start, min(start + CHECK_EVERY, len(rows))):
            if test(rows[index], None):
                kept.append(index)
    return kept


def _run_with_frames(state: State, rows: Sequence[PacketRow], test: Test,
                     source: MemberSource) -> array:
    kept = array("i")
    with source.open() as stream:
        try:
            for index, packet in enumerate(read_packets(stream)):
                if index >= len(rows):
                    break
                if index % CHECK_EVERY == 0 and state.cancelled:
                    return array("i")
                if test(rows[index], packet):
                    kept.append(index)
        except CaptureError:
            pass  # the rows past a bad record were never listed
    return kept
