"""Streaming SQL statement splitter for dumps of any size (MySQL and PostgreSQL).

``sqlparse.split`` is the reference for where statements end, but it runs at about
0.3 MB/s. This splitter gives the same boundaries at dump speed by matching each whole
statement with one compiled regular expression (C speed) that only accepts text whose
split sqlparse would certainly agree with: quoted strings and names of both dialects
(``''``, backslash escapes, ``""``, backticks), ``--``/``# ``/``/* */`` comments (a
``/*!40101 ... */`` conditional comment is a comment to sqlparse too), PostgreSQL dollar
quotes (``$$``, ``$tag$``), parentheses nested up to ``PAREN_DEPTH`` (a ``;`` inside them
does not end a statement), and the same-line whitespace and ``--`` comments sqlparse
attaches to the statement before them. Anything else (a ``BEGIN`` or ``DECLARE`` block, a
``GO``, ``END`` inside parentheses, an unbalanced quote or parenthesis, deeper nesting, a
``#`` that is not a comment) is handed to sqlparse itself on a bounded window, so the
answer stays sqlparse's, only slower; a statement sqlparse cannot end within
``max_statement_bytes`` is cut at the next ``;`` that is outside quotes, with a warning.

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

PAREN_DEPTH = 8
CHUNK_BYTES = 1 << 20
MAX_STATEMENT_BYTES = 64 << 20
# sqlparse tokenizes at ~0.3 MB/s: the first window it gets is small and grows only when
# the statement really is longer.
SLOW_WINDOW_BYTES = 64 << 10

# Written for the speed of Python's regex engine: it passes over an alternative of
# "(?:A|B|...)" with a one-byte test only when the alternative starts with a literal byte
# or a byte class; one that starts with an assertion or a repetition is entered on every
# turn of the loop, and these loops turn once per token. So every alternative below starts
# with its first byte (a look-behind comes after that byte and looks back over it), and
# the loops are unrolled as "run (token run)*", so that runs of ordinary bytes, the bulk of
# a dump, never go through the alternation at all.

# A run: bytes that hold no statement-ending ';' and that sqlparse tokenizes the same way.
_RUN = rb"[^;'\"`\xb4()\[\-/#$+@%^&|A-Za-z_]*+"
# A byte 0xB4 is sqlparse's acute-accent name quote only as the UTF-8 of U+00B4.
_ACUTE = rb"\xb4(?<!\xc2\xb4)"
_STRING_SINGLE = rb"'[^'\\]*+(?:(?:''|\\'|\\\\(?!')|\\(?![\\']))[^'\\]*+)*+'"
_STRING_DOUBLE = rb'"[^"\\]*+(?:(?:""|\\"|\\\\(?!")|\\(?![\\"]))[^"\\]*+)*+"'
_BACKTICK = rb"`[^`]*+(?:``[^`]*+)*+`"
_COMMENT = rb"/\*(?s:.*?)\*/|--[^\r\n]*+|\#\ [^\r\n]*+"
_OPERATOR = rb"[+@%^&|][+/@#%^&|\-]*+|/(?!\*)[+/@#%^&|\-]*+|-(?!-)"
_BRACKET = rb"\[(?=\])|\[(?<=[A-Za-z0-9_\])]\[)"
_DOLLAR_OTHER = (rb"\$(?<=[A-Za-z0-9_\"$]\$)|\$(?![A-Za-z_$\x80-\xff])"
                 rb"|\$[A-Za-z_][A-Za-z0-9_]*+(?![$A-Za-z0-9_\x80-\xff])")

# BEGIN, DECLARE and GO change sqlparse's block level anywhere; so does END, but after it
# only a ';' inside parentheses can end the statement early (sqlparse's level goes below
# zero), so CASE ... END stays on the fast path at the top as long as no parenthesis after
# it holds a ';'. A word whose first letter cannot start one of them skips that check.
# sqlparse reads "0x1" in "0x1GO" and "1e5" in "1e5begin" as numbers and the rest as a
# keyword, so letters glued to digits must not hold a blocked word anywhere.
_WORD_TAIL = rb"(?![A-Za-z0-9_$#])"
_BLOCKED_TOP = (rb"(?i:begin|declare)" + _WORD_TAIL + rb"|GO" + _WORD_TAIL)
_BLOCKED_IN = (rb"(?i:begin|declare|end)" + _WORD_TAIL + rb"|GO" + _WORD_TAIL)
_WORD_REST = rb"[A-Za-z0-9_$#]*+"


def _words(blocked_words: bytes) -> bytes:
    """A word: a fast branch, a branch that checks for a blocked word, one after a digit."""
    return (rb"[ACFH-Zacf-z_](?<![0-9].)" + _WORD_REST
            + rb"|[bBdDeEG](?<=(?<![0-9])(?!" + blocked_words + rb").)" + _WORD_REST
            + rb"|[A-Za-z_](?<=[0-9](?![A-Za-z0-9_$#]*?(?i:begin|declare|end|go)).)"
            + _WORD_REST)


def _dollar_quote(tag: bytes) -> bytes:
    # The look-ahead keeps the group from being entered when it cannot match: CPython
    # before 3.11.11 then leaves its start after its end inside a possessive loop and
    # raises SystemError (python/cpython#101955), e.g. on "SELECT $a$x$a$, $1;".
    return (rb"\$(?<![A-Za-z0-9_\"$\x80-\xff]\$)(?:\$(?s:.*?)\$\$|(?=[A-Za-z_])(?P<" + tag
            + rb">[A-Za-z_][A-Za-z0-9_]*+)\$(?s:.*?)\$(?P=" + tag + rb")\$)")


def _tokens(tag: bytes, blocked_words: bytes) -> list[bytes]:
    """Every token but a run and a parenthesis, the most frequent in dumps first.

    None holds a statement-ending ';'. Their order only decides where two can start with
    the same byte: a comment before an operator, a dollar quote before another dollar.
    """
    return [_STRING_SINGLE, _words(blocked_words), _STRING_DOUBLE, _BACKTICK, _COMMENT,
            _ACUTE, _OPERATOR, _BRACKET, _dollar_quote(tag), _DOLLAR_OTHER]


def _loop(alternatives: list[bytes]) -> bytes:
    """A run, then any number of (one of ``alternatives``, a run)."""
    return _RUN + rb"(?:(?:" + b"|".join(alternatives) + rb")" + _RUN + rb")*+"


def _parens(name: bytes, semicolons: bool) -> list[bytes]:
    """Parentheses nested up to ``PAREN_DEPTH``, holding a ';' or not."""
    parens: list[bytes] = []  # the innermost level holds no parentheses
    for level in range(1, PAREN_DEPTH + 1):
        tokens = _tokens(name + str(level).encode(), _BLOCKED_IN)
        inside = [*parens, *tokens, b";"] if semicolons else [*parens, *tokens]
        parens = [rb"\(" + _loop(inside) + rb"\)"]
    return parens


def _body_pattern() -> bytes:
    # A parenthesis comes first in each loop: extended INSERTs are mostly parentheses.
    before_end = _loop([*_parens(b"a", True), *_tokens(b"a0", _BLOCKED_IN)])
    after_end = _loop([*_parens(b"b", False), *_tokens(b"b0", _BLOCKED_TOP)])
    return before_end + rb"(?:(?<![0-9])(?i:end)" + _WORD_TAIL + after_end + rb")?"


_BODY = _body_pattern()
# What sqlparse attaches to a statement after its ';': blanks and one-line comments, up to
# the first bare newline.
_TAIL = rb"(?:[ \t\x0b\x0c\x1c-\x1f]|(?:--|\#\ )[^\r\n]*+(?:\r\n|\r|\n)?)*+"
_STATEMENT = re.compile(_BODY + rb";" + _TAIL)
_LAST_STATEMENT = re.compile(_BODY + rb"\Z")

_BLANKS = re.compile(rb"[ \t\r\n\x0b\x0c\x1c-\x1f]*+")
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
        segment = self._buffer[self._position:end]
        leading = len(segment) - len(segment.lstrip())
        raw = segment.strip()
        line = self._line + segment.count(b"\n", 0, leading)
        self._line += segment.count(b"\n")
        offset = self._base + self._position + leading
        self._position = end
        if not raw:
            return None
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
        while True:
            match = _STATEMENT.match(self._buffer, self._position)
            if match and (match.end() < len(self._buffer) or self._eof):
                return self._emit(match.end())
            if self._eof:
                last = _LAST_STATEMENT.match(self._buffer, self._position)
                if last:
                    return self._emit(last.end())
                return self._next_by_sqlparse()
            if len(self._buffer) - self._position >= self._max_statement:
                return self._next_by_sqlparse()
            if not match and len(self._buffer) - self._position > 4 * self._chunk:
                # The fast pattern failed on plenty of text: it will not succeed with more.
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
            window = min(window * 4, self._max_statement)

    def _cut_runaway(self) -> Statement | None:
        limit = self._position + self._max_statement
        end = quote_aware_semicolon(self._buffer, self._position, limit) \
            or min(limit, len(self._buffer))
        self.warnings.append(
            f"statement at byte {self.bytes_consumed:,} does not end within "
            f"{self._max_statement:,} bytes (unbalanced quote, parenthesis or block?); "
            f"cut at byte {self._base + end:,}")
        return self._emit(end)

    def _next_custom_delimited(self) -> Statement | None:
        delimiter = re.escape(self._delimiter)
        pattern = re.compile(
            rb"(?:[^'\"`/#\-" + re.escape(self._delimiter[:1]) + rb"]++"
            rb"|'(?:[^'\\]|\\.|'')*+'|\"(?:[^\"\\]|\\.|\"\")*+\"|`[^`]*+`"
            rb"|/\*(?s:.*?)\*/|--[^\n]*+|\#[^\n]*+|(?!" + delimiter + rb").)*?"
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
