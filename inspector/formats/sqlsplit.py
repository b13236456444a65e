"""Streaming SQL statement splitter for dumps of any size (MySQL and PostgreSQL).

``sqlparse.split`` is the reference for where statements end, but it runs at about
0.3 MB/s. This splitter gives the same boundaries at dump speed: a boundary scanner
(``inspector.formats.sqlscan``) finds where each statement ends, accepting only text whose
split sqlparse would certainly agree with: quoted strings and names of both dialects,
comments, dollar quotes, parentheses, the same-line whitespace and comments sqlparse
attaches to a statement. Anything else (a ``BEGIN`` or ``DECLARE`` block, a ``GO``, an
unbalanced quote or parenthesis...) is handed to sqlparse itself on a bounded window, so
the answer stays sqlparse's, only slower; a statement sqlparse cannot end within
``max_statement_bytes`` is cut at the next ``;`` that is outside quotes, with a warning.
sqlparse reads at most ``SLOW_LIMIT_BYTES`` of one statement (it tokenizes at ~0.3 MB/s
and its memory grows with the window): a longer one it would have to judge (a 300 MB
``INSERT`` with values nested deeper than ``PAREN_DEPTH``) is ended at its next ``;``
outside quotes instead, with a warning, in linear time.

The scanner runs compiled (``inspector/native/sqlscan.pyx``, about 8x faster) when it was
built, else as its pure-Python twin, one regular expression; both give the same answer for
every input, and ``INSPECTOR_NO_EXTENSIONS=1`` forces the twin (``inspector.native``).
Everything else here (directives, COPY blocks, the sqlparse fallback, kinds, line numbers)
is Python either way.

Three things are deliberately *not* sqlparse's, because sqlparse does not know them and
splits them into garbage: MySQL client ``DELIMITER`` directives (statements then end at
the new delimiter, as the mysql client reads them), ``COPY ... FROM stdin;`` data blocks
up to the ``\\.`` line (counted as ``copy_rows``, never split), and psql meta-commands (a
line that starts with a backslash is one statement of kind ``PSQL``).

Known divergence from MySQL itself: a string that ends in an escaped backslash
(``'C:\\\\'``) is read by sqlparse as unterminated; we follow sqlparse there.

Memory holds the current statement and one read chunk, so it does not grow with the
dump; it does grow with the largest single statement (capped by ``max_statement_bytes``).

>>> [s.text for s in split_statements(b"SELECT 1; -- one\\nINSERT INTO t VALUES (';');")]
['SELECT 1; -- one', "INSERT INTO t VALUES (';');"]
>>> split("DELIMITER ;;\\nCREATE PROCEDURE p() BEGIN SELECT 1; END;;\\nDELIMITER ;\\n")
['DELIMITER ;;', 'CREATE PROCEDURE p() BEGIN SELECT 1; END;;', 'DELIMITER ;']
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from sqlparse import lexer as sqlparse_lexer
from sqlparse.engine.statement_splitter import StatementSplitter as SqlparseSplitter

from inspector import native
from inspector.formats import sqlscan

CHUNK_BYTES = 1 << 20
MAX_STATEMENT_BYTES = 64 << 20
# sqlparse tokenizes at ~0.3 MB/s: the first window it gets is small and grows only when
# the statement really is longer.
SLOW_WINDOW_BYTES = 64 << 10
SLOW_LIMIT_BYTES = 64 << 10

_BLANKS = re.compile(rb"[ \t\r\n\x0b\x0c\x1c-\x1f]*+")
# What bytes.strip() removes: a statement's raw bytes are stripped of these.
_STRIPPED_BYTES = b" \t\n\r\x0b\x0c"
_STRIPPED = re.compile(rb"[ \t\n\r\x0b\x0c]*+")
_DELIMITER = re.compile(rb"(?i:delimiter)[ \t]+(\S+)[ \t]*(?:\r?\n|\Z)")
_PSQL_LINE = re.compile(rb"\\[^\r\n]*+(?:\r?\n|\Z)")
_LEADING_COMMENTS = re.compile(rb"(?:\s+|--[^\n]*+\n?|\#[^\n]*+\n?|/\*(?!!)(?s:.*?)\*/)*+")
_CONDITIONAL = re.compile(rb"/\*!\d*\s*")
_KIND_WORDS = re.compile(rb"[A-Za-z_]+")
_COPY_FROM_STDIN = re.compile(rb"(?is)^COPY\b.*\bFROM\s+stdin\b")
_COPY_END = re.compile(rb"(?m)^\\\.\r?$")
_SEMICOLON_OR_QUOTE = re.compile(rb"[;'\"`]")
_QUOTED = {ord("'"): re.compile(rb"'(?:[^'\\]++|\\.)*+'"),
           ord('"'): re.compile(rb'"(?:[^"\\]++|\\.)*+"'),
           ord("`"): re.compile(rb"`[^`]*+`")}


def quote_aware_semicolon(buffer: bytes, start: int, limit: int) -> int | None:
    """The end of the first ``;`` in ``buffer[start:limit]`` outside a quoted string, or
    None. Where a runaway statement is cut (an unbalanced quote or block ran past the
    statement limit).

    A quote that does not close before ``limit`` is a lone character, and so is every later
    quote of its kind: that keeps the scan linear in the text (trying each of a run of
    unclosed quotes again, as a backtracking regex does, is quadratic).

    >>> quote_aware_semicolon(b"select ';' from t; x;", 0, 21)
    18
    >>> quote_aware_semicolon(b"insert 'unclosed; more", 0, 22)
    17
    """
    unclosed: set[int] = set()
    position = start
    while True:
        found = _SEMICOLON_OR_QUOTE.search(buffer, position, limit)
        if found is None:
            return None
        mark = buffer[found.start()]
        if mark == 0x3B:  # ';'
            return found.end()
        quoted = None if mark in unclosed else _QUOTED[mark].match(buffer, found.start(), limit)
        if quoted is None:
            unclosed.add(mark)
            position = found.end()
        else:
            position = quoted.end()

_TWO_WORD_KINDS = {b"CREATE", b"ALTER", b"DROP", b"LOCK", b"UNLOCK", b"START", b"SHOW",
                   b"GRANT", b"REVOKE", b"TRUNCATE", b"COMMENT"}
_SKIPPED_CREATE_WORDS = {b"OR", b"REPLACE", b"UNIQUE", b"TEMPORARY", b"TEMP", b"GLOBAL",
                         b"LOCAL", b"UNLOGGED", b"DEFINER", b"SQL", b"SECURITY", b"ALGORITHM",
                         b"MATERIALIZED", b"FULLTEXT", b"SPATIAL", b"IF", b"NOT", b"EXISTS"}


@dataclass(slots=True)
class Statement:
    """One statement of a dump.

    Attributes:
        index: 1-based position in the file.
        line: 1-based line of its first non-blank byte.
        offset: byte offset of its first non-blank byte.
        raw: its bytes, blanks around it stripped, delimiter and same-line comment kept.
        kind: upper-case leading keywords (``CREATE TABLE``, ``INSERT``, ``COPY``), or
            ``COMMENT``, ``DELIMITER``, ``PSQL``.
        copy_rows: data lines of a ``COPY ... FROM stdin`` block that followed it.
    """

    index: int
    line: int
    offset: int
    raw: bytes
    kind: str
    copy_rows: int = 0

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "surrogateescape").strip()


def statement_kind(raw: bytes) -> str:
    """The leading keywords of a statement, looking through comments and ``/*!`` wrappers.

    >>> statement_kind(b"/*!40101 SET NAMES utf8 */;")
    'SET'
    >>> statement_kind(b"CREATE UNIQUE INDEX i ON t (a);")
    'CREATE INDEX'
    """
    head = raw[:512]
    position = _LEADING_COMMENTS.match(head).end()
    conditional = _CONDITIONAL.match(head, position)
    if conditional:
        position = conditional.end()
    words = _KIND_WORDS.findall(head, position, position + 200)
    if not words:
        return "COMMENT" if head.strip() else ""
    first = words[0].upper()
    if first in _TWO_WORD_KINDS:
        for word in words[1:6]:
            upper = word.upper()
            if upper not in _SKIPPED_CREATE_WORDS:
                return f"{first.decode()} {upper.decode()}"
    return first.decode()


class StatementReader:
    """Iterates the statements of a binary stream; see the module docstring.

    Attributes:
        warnings: what was cut or guessed, for ``context.warn``.
        bytes_consumed: how far into the stream splitting has got (for progress).
    """

    def __init__(self, stream: BinaryIO, *, chunk_bytes: int = CHUNK_BYTES,
                 max_statement_bytes: int = MAX_STATEMENT_BYTES) -> None:
        self._stream = stream
        self._chunk = chunk_bytes
        self._max_statement = max_statement_bytes
        self._buffer = b""
        self._position = 0
        self._eof = False
        self._base = 0  # stream offset of self._buffer[0]
        self._line = 1  # line number at self._position
        self._index = 0
        self._delimiter = b";"
        # Chosen per reader, so INSPECTOR_NO_EXTENSIONS is read when the work starts.
        self._scanner = native.choose("sqlscan", sqlscan)
        self.warnings: list[str] = []

    @property
    def bytes_consumed(self) -> int:
        return self._base + self._position

    def _fill(self, wanted: int) -> bool:
        """Make at least ``wanted`` bytes available after the position; False at EOF."""
        if self._position:
            self._buffer = self._buffer[self._position:]
            self._base += self._position
            self._position = 0
        parts = [self._buffer]
        have = len(self._buffer)
        while have < wanted and not self._eof:
            data = self._stream.read(max(self._chunk, wanted - have))
            if not data:
                self._eof = True
                break
            parts.append(data)
            have += len(data)
        self._buffer = b"".join(parts)
        return have >= wanted

    def _grow(self) -> bool:
        """Read one more chunk (at least doubling what is buffered); False at EOF."""
        if self._eof:
            return False
        available = len(self._buffer) - self._position
        self._fill(available + max(self._chunk, available))
        return len(self._buffer) - self._position > available

    def _emit(self, end: int, kind: str | None = None) -> Statement | None:
        # Measured on the buffer in place: with the compiled scanner, copying each
        # statement more than once cost as much as finding its end.
        buffer, position = self._buffer, self._position
        start = _STRIPPED.match(buffer, position, end).end()
        line = self._line + buffer.count(b"\n", position, start)
        self._line += buffer.count(b"\n", position, end)
        offset = self._base + start
        self._position = end
        raw = buffer[start:end]
        if not raw:
            return None
        if raw[-1] in _STRIPPED_BYTES:
            raw = raw.rstrip()
        self._index += 1
        return Statement(self._index, line, offset, raw, kind or statement_kind(raw))

    def __iter__(self) -> Iterator[Statement]:
        self._fill(self._chunk)
        while True:
            blanks = _BLANKS.match(self._buffer, self._position)
            if blanks.end() == len(self._buffer) and not self._grow():
                return
            statement = self._next()
            if statement is None:
                continue
            if statement.kind == "COPY" and _COPY_FROM_STDIN.match(statement.raw):
                statement.copy_rows = self._skip_copy_data()
            yield statement

    def _next(self) -> Statement | None:
        start = _BLANKS.match(self._buffer, self._position).end()
        while start + 256 > len(self._buffer) and self._grow():
            start = _BLANKS.match(self._buffer, self._position).end()
        directive = _DELIMITER.match(self._buffer, start)
        if directive:
            self._delimiter = directive.group(1)
            return self._emit(directive.end(), "DELIMITER")
        if self._buffer.startswith(b"\\", start):
            line = _PSQL_LINE.match(self._buffer, start)
            return self._emit(line.end(), "PSQL")
        if self._delimiter != b";":
            return self._next_custom_delimited()
        statement_end = self._scanner.statement_end
        while True:
            end = statement_end(self._buffer, self._position, self._eof)
            # An end at the buffer's end may go on (blanks, a comment) in the next chunk.
            if end >= 0 and (end < len(self._buffer) or self._eof):
                return self._emit(end)
            if self._eof:
                return self._next_by_sqlparse()
            if len(self._buffer) - self._position >= self._max_statement:
                return self._next_by_sqlparse()
            if end < 0 and len(self._buffer) - self._position > 4 * self._chunk:
                # The fast path failed on plenty of text: it will not succeed with more.
                return self._next_by_sqlparse()
            self._grow()

    def _next_by_sqlparse(self) -> Statement | None:
        window = min(SLOW_WINDOW_BYTES, self._max_statement)
        while True:
            available = len(self._buffer) - self._position
            if available < window and not self._eof:
                self._fill(window)
                available = len(self._buffer) - self._position
            piece = self._buffer[self._position:self._position + window]
            text = piece.decode("utf-8", "surrogateescape")
            complete = self._eof and window >= available
            first = _first_sqlparse_statement(text, complete)
            if first is not None:
                length = len(first.encode("utf-8", "surrogateescape"))
                return self._emit(self._position + length)
            if window >= self._max_statement:
                return self._cut_runaway()
            if window >= SLOW_LIMIT_BYTES:
                return self._cut_runaway(f"is longer than {SLOW_LIMIT_BYTES:,} bytes and "
                                         "holds what only sqlparse reads (deep nesting, a "
                                         "block)")
            window = min(window * 4, self._max_statement)

    def _cut_runaway(self, why: str = "") -> Statement | None:
        limit = self._position + self._max_statement
        while len(self._buffer) < limit and self._grow():
            pass
        end = quote_aware_semicolon(self._buffer, self._position, limit) \
            or min(limit, len(self._buffer))
        why = why or (f"does not end within {self._max_statement:,} bytes (unbalanced "
                      "quote, parenthesis or block?)")
        self.warnings.append(f"statement at byte {self.bytes_consumed:,} {why}; cut at "
                             f"byte {self._base + end:,}")
        return self._emit(end)

    def _next_custom_delimited(self) -> Statement | None:
        delimiter = re.escape(self._delimiter)
        # Possessive: each token is taken once and never split differently. A lazy loop
        # here tried every way of cutting the text into tokens before failing, 2^n on
        # "a;a;a;...'" after DELIMITER ;; (found by the backends' mutation test).
        # The delimiter is looked for before each token, as the lazy loop did first.
        pattern = re.compile(
            rb"(?:(?!" + delimiter + rb")(?:[^'\"`/#\-" + re.escape(self._delimiter[:1])
            + rb"]++|'(?:[^'\\]|\\.|'')*+'|\"(?:[^\"\\]|\\.|\"\")*+\"|`[^`]*+`"
            rb"|/\*(?s:.*?)\*/|--[^\n]*+|\#[^\n]*+|.))*+"
            + delimiter + rb"[ \t]*", re.DOTALL)
        while True:
            match = pattern.match(self._buffer, self._position)
            if match and (match.end() < len(self._buffer) or self._eof):
                return self._emit(match.end())
            if self._eof:
                return self._emit(len(self._buffer))
            if len(self._buffer) - self._position >= self._max_statement:
                return self._cut_runaway()
            self._grow()

    def _skip_copy_data(self) -> int:
        """Skip a COPY data block up to its ``\\.`` line; return how many rows it held."""
        rows = 0
        newline = self._buffer.find(b"\n", self._position)
        while newline < 0 and self._grow():
            newline = self._buffer.find(b"\n", self._position)
        if newline < 0:
            return 0
        self._line += 1
        self._position = newline + 1
        while True:
            end = _COPY_END.search(self._buffer, self._position)
            if end:
                rows += self._buffer.count(b"\n", self._position, end.start())
                self._line += self._buffer.count(b"\n", self._position, end.end())
                self._position = end.end()
                return rows
            # Keep the last partial line: the terminator may straddle the chunk boundary.
            cut = self._buffer.rfind(b"\n", self._position) + 1
            if cut > self._position:
                counted = self._buffer.count(b"\n", self._position, cut)
                rows += counted
                self._line += counted
                self._position = cut
            if not self._grow():
                rows += self._buffer.count(b"\n", self._position)
                self._position = len(self._buffer)
                self.warnings.append("COPY data block has no terminating '\\.' line")
                return rows


def _first_sqlparse_statement(text: str, complete: bool) -> str | None:
    """The raw text of sqlparse's first statement of ``text``, or None if it may go on.

    When ``text`` is not the whole rest of the file, the first statement only counts
    when sqlparse already started a second one after it.
    """
    splitter = SqlparseSplitter()
    tokens = sqlparse_lexer.tokenize(text)
    statements = splitter.process(tokens)
    first = next(statements, None)
    if first is None:
        return None
    if not complete and next(statements, None) is None:
        return None
    return str(first)


def split_statements(data: bytes | str | BinaryIO, **options: int) -> Iterator[Statement]:
    """Statements of ``data`` (bytes, text or a binary stream), one at a time."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    return iter(StatementReader(stream, **options))


def split(text: str) -> list[str]:
    """Drop-in for ``sqlparse.split``: the statements of ``text`` as stripped strings."""
    return [statement.text for statement in split_statements(text)]
