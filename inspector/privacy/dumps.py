"""SQL dumps: the values of columns whose names say secret or personal, found by column.

A password stored in a ``users`` table looks like any other string (``'Summer2026!'``):
no detector can tell it from a name. The dump says which column it is in, so
``SensitiveColumns`` reads the dump as it streams past, piece after piece:

- ``CREATE TABLE t (...)`` gives each table's column names, in order;
- ``INSERT INTO t [(columns)] VALUES (...), (...)`` (mysqldump's extended inserts and
  pg_dump ``--inserts``) and ``COPY t (columns) FROM stdin`` blocks (pg_dump's default,
  tab-separated rows up to ``\\.``) give each value's column;
- a value is sensitive when its column's name says password, token, secret, key
  (``secret_name_kind``) or card, SSN, phone, birth date, IBAN
  (``personal_name_kind``). Email columns are left to the identifiers, which pseudonymize
  an address rather than remove it. Values of every other column still go through the
  redactor's detectors.

The reader is a small state machine moved by one regular expression per token kind, so it
runs in linear time, and it carries its state from one piece to the next: a statement of
300 MB, or a string literal cut between two pieces, costs no more memory than a piece.
Both halves of a cut literal are reported.

>>> columns = SensitiveColumns()
>>> text = ("CREATE TABLE `users` (\\n  `id` int,\\n  `login` varchar(32),\\n"
...         "  `password` varchar(64)\\n);\\n"
...         "INSERT INTO `users` VALUES (1,'jdoe','Summer2026!'),(2,'asmith','x,y');\\n")
>>> [(text[s:e], kind.value) for s, e, kind, _ in columns.spans(text)]
[('Summer2026!', 'password'), ('x,y', 'password')]
"""

from __future__ import annotations

import re

from inspector.privacy.matches import SecretKind, secret_name_kind
from inspector.privacy.personal import personal_name_kind

_NAME = r"(?:`[^`\n]{1,128}`|\"[^\"\n]{1,128}\"|\[[^\]\n]{1,128}\]|[\w$.]{1,128})"
_STATEMENT = re.compile(
    rf"^[ \t]*(?:(?P<create>CREATE[ \t]+(?:TEMPORARY[ \t]+)?TABLE[ \t]+"
    rf"(?:IF[ \t]+NOT[ \t]+EXISTS[ \t]+)?(?P<create_table>{_NAME})[ \t]*\()"
    rf"|(?P<insert>(?:INSERT|REPLACE)[ \t]+(?:IGNORE[ \t]+)?INTO[ \t]+"
    rf"(?P<insert_table>{_NAME})[ \t]*(?:\((?P<insert_columns>[^)\n]{{0,4096}})\))?"
    rf"[ \t]*VALUES[ \t]*)"
    rf"|(?P<copy>COPY[ \t]+(?P<copy_table>{_NAME})[ \t]*\((?P<copy_columns>[^)\n]{{0,4096}})\)"
    rf"[ \t]+FROM[ \t]+stdin;[ \t]*\r?\n))", re.IGNORECASE | re.MULTILINE)
_COLUMN_LINE = re.compile(rf"^[ \t]*(?P<name>{_NAME})[ \t]", re.MULTILINE)
_NOT_COLUMNS = {"primary", "key", "unique", "constraint", "index", "foreign", "check",
                "fulltext", "spatial", "exclude", "like", "period"}
_TABLE_END = re.compile(r"^[ \t]*\)", re.MULTILINE)
# Inside VALUES: the next token that moves the state machine.
_VALUE_TOKEN = re.compile(r"[(),;'\"]|[^\s(),;'\"]++")
_QUOTED_END = {"'": re.compile(r"(?:[^'\\]|\\.|'')*+'"), '"': re.compile(r'(?:[^"\\]|\\.|"")*+"')}


def _bare(name: str) -> str:
    name = name.strip()
    if name[:1] in "`\"[" and len(name) > 1:
        name = name[1:-1]
    return name.rsplit(".", 1)[-1].lower()


def column_kind(name: str) -> SecretKind | None:
    """What a column of this name holds, when it is secret or personal (not email)."""
    name = _bare(name)
    kind = secret_name_kind(name) or personal_name_kind(name)
    return None if kind is SecretKind.PERSONAL and "mail" in name.lower() else kind


class SensitiveColumns:
    """Reads a dump piece by piece and reports the sensitive values (see the module doc)."""

    def __init__(self) -> None:
        self.tables: dict[str, list[str]] = {}
        self._creating: str | None = None  # table whose column lines are being read
        self._columns: list[SecretKind | None] = []  # of the statement being read
        self._names: list[str] = []
        self._mode = "outside"  # outside | values | copy
        self._depth = 0
        self._index = 0
        self._quote = ""  # inside a literal cut at the end of the last piece

    def spans(self, text: str) -> list[tuple[int, int, SecretKind, str]]:
        """``(start, end, kind, column)`` of the sensitive values in this piece."""
        found: list[tuple[int, int, SecretKind, str]] = []
        position = 0
        while position < len(text):
            if self._mode == "values":
                position = self._values(text, position, found)
            elif self._mode == "copy":
                position = self._copy(text, position, found)
            elif self._creating is not None:
                position = self._create(text, position)
            else:
                statement = _STATEMENT.search(text, position)
                if statement is None:
                    break
                position = self._start(statement)
        return found

    def _start(self, statement: re.Match[str]) -> int:
        if statement.group("create"):
            self._creating = _bare(statement.group("create_table"))
            self.tables[self._creating] = []
        elif statement.group("insert"):
            self._statement(statement.group("insert_table"), statement.group("insert_columns"))
            self._mode, self._depth, self._index = "values", 0, 0
        else:
            self._statement(statement.group("copy_table"), statement.group("copy_columns"))
            self._mode = "copy"
        return statement.end()

    def _statement(self, table: str, columns: str | None) -> None:
        names = ([_bare(c) for c in columns.split(",")] if columns
                 else self.tables.get(_bare(table), []))
        self._names = names
        self._columns = [column_kind(name) for name in names]

    def _create(self, text: str, position: int) -> int:
        end = _TABLE_END.search(text, position)
        stop = end.start() if end is not None else len(text)
        assert self._creating is not None
        columns = self.tables[self._creating]
        for line in _COLUMN_LINE.finditer(text, position, stop):
            name = _bare(line.group("name"))
            if name not in _NOT_COLUMNS and len(columns) < 4096:
                columns.append(name)
        if end is not None:
            self._creating = None
        return end.end() if end is not None else len(text)

    def _kind(self) -> SecretKind | None:
        return self._columns[self._index] if self._index < len(self._columns) else None

    def _values(self, text: str, position: int, found: list) -> int:
        if self._quote:
            return self._literal(text, position, self._quote, found)
        token = _VALUE_TOKEN.search(text, position)
        if token is None:
            return len(text)
        value = token.group()
        if value == "(":
            self._depth += 1
            if self._depth == 1:
                self._index = 0
        elif value == ")":
            self._depth = max(0, self._depth - 1)
        elif value == "," and self._depth == 1:
            self._index += 1
        elif value == ";" and self._depth == 0:
            self._mode = "outside"
        elif value in "'\"":
            return self._literal(text, token.end(), value, found)
        elif self._depth == 1 and (kind := self._kind()) is not None \
                and value.upper() != "NULL":
            found.append((token.start(), token.end(), kind, self._names[self._index]))
        return token.end()

    def _literal(self, text: str, start: int, quote: str, found: list) -> int:
        end = _QUOTED_END[quote].match(text, start)
        closed = end is not None and end.end() > start and text[end.end() - 1] == quote
        stop = end.end() - 1 if closed else len(text)
        if not closed:
            # Unterminated here: the rest of the piece is inside it; an escape at the very
            # end of the piece may swallow the quote, which is then found next time.
            stop = len(text)
        kind = self._kind() if self._depth == 1 else None
        if kind is not None and stop > start:
            found.append((start, stop, kind, self._names[self._index]))
        self._quote = "" if closed else quote
        return stop + 1 if closed else len(text)

    def _copy(self, text: str, position: int, found: list) -> int:
        end = text.find("\n", position)
        stop = len(text) if end < 0 else end
        row = text[position:stop].rstrip("\r")
        if row == "\\.":
            self._mode = "outside"
            return stop + 1
        column = position
        for index, field in enumerate(row.split("\t")):
            kind = self._columns[index] if index < len(self._columns) else None
            if kind is not None and field not in ("\\N", ""):
                found.append((column, column + len(field), kind, self._names[index]))
            column += len(field) + 1
        return stop + 1
