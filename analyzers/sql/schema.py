"""The schema of a MySQL or PostgreSQL dump, and what is wrong with it.

``SchemaBuilder`` is fed the dump's DDL statements one by one (``CREATE TABLE``, ``ALTER
TABLE ... ADD``, ``CREATE INDEX``, ``ATTACH PARTITION``) and builds a model of tables,
columns with their types, charsets and collations, primary and foreign keys, indexes,
engines and partitions. Definition lists are split with sqlparse's tokenizer, so quotes,
comments and nested parentheses are respected; a statement it cannot read is counted
(``unparsed``), never fatal. The model goes into the stats under ``schema``, where the
bundle-level ``sql-cross`` analyzer finds it.

``schema_findings`` judges one dump's model: tables without a primary key (nor a unique
index, nor being a partition), foreign keys whose columns lead no index, indexes identical
to or a left prefix of another, foreign-key columns whose charset or collation differs
from the column they reference (text types only; a column without its own charset takes
the table's), and tables on another engine than the rest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlparse import lexer as sqlparse_lexer
from sqlparse import tokens as sqlparse_tokens

from analyzers.sql.identifiers import IDENTIFIER, QUALIFIED_NAME, bare_name, unquote
from analyzers.sql.rules import (
    ANALYZER,
    CHARSET_MISMATCH,
    DUPLICATE_INDEX,
    ENGINE_MISMATCH,
    MISSING_PRIMARY_KEY,
    UNINDEXED_FOREIGN_KEY,
)
from inspector.model import Evidence, Finding, StatementLocator


@dataclass
class Table:
    """One table of the model; ``to_stats`` is its form in the stats."""

    name: str
    schema: str | None
    line: int
    statement: int
    columns: dict[str, dict[str, str | None]] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    indexes: list[dict[str, Any]] = field(default_factory=list)
    engine: str | None = None
    charset: str | None = None
    collation: str | None = None
    partition_of: str | None = None

    def to_stats(self) -> dict[str, Any]:
        """The table as the stats and the ``sql-cross`` analyzer read it."""
        return {"name": self.name, "schema": self.schema, "line": self.line,
                "statement": self.statement, "columns": self.columns,
                "primary_key": self.primary_key, "foreign_keys": self.foreign_keys,
                "indexes": self.indexes, "engine": self.engine, "charset": self.charset,
                "collation": self.collation, "partition_of": self.partition_of}


_CREATE_TABLE = re.compile(
    r"^\s*(?:/\*!\d+\s*)?CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMPORARY\s+|TEMP\s+|UNLOGGED\s+)?"
    r"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(" + QUALIFIED_NAME + r")", re.I)
_ATTACH_PARTITION = re.compile(r"^\s*ATTACH\s+PARTITION\s+(" + QUALIFIED_NAME + r")", re.I)
_PARTITION_OF = re.compile(r"\bPARTITION\s+OF\s+(" + QUALIFIED_NAME + r")", re.I)
_ALTER_TABLE = re.compile(
    r"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(" + QUALIFIED_NAME + r")\s+(.*)$",
    re.I | re.S)
_CREATE_INDEX = re.compile(
    r"^\s*CREATE\s+(UNIQUE\s+)?(?:FULLTEXT\s+|SPATIAL\s+)?INDEX\s+(?:CONCURRENTLY\s+)?"
    r"(?:IF\s+NOT\s+EXISTS\s+)?(" + IDENTIFIER + r")?\s*ON\s+(?:ONLY\s+)?(" + QUALIFIED_NAME
    + r")(?:\s+USING\s+\w+)?\s*\((.*)\)", re.I | re.S)
_TABLE_OPTION = re.compile(
    r"\b(ENGINE|(?:DEFAULT\s+)?(?:CHARSET|CHARACTER\s+SET)|(?:DEFAULT\s+)?COLLATE)\s*=?\s*"
    r"([\w]+)", re.I)
_COLUMN_CHARSET = re.compile(r"\b(?:CHARACTER\s+SET|CHARSET)\s+(\w+)", re.I)
_COLUMN_COLLATE = re.compile(r"\bCOLLATE\s+\"?([\w.-]+)", re.I)
_KEY_COLUMNS = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_REFERENCES = re.compile(
    r"\bREFERENCES\s+(" + QUALIFIED_NAME + r")\s*(?:\(([^)]*)\))?", re.I)
_FOREIGN_KEY = re.compile(r"\bFOREIGN\s+KEY\s*(?:" + IDENTIFIER + r"\s*)?\(([^)]*)\)", re.I)
_CONSTRAINT_NAME = re.compile(r"^\s*CONSTRAINT\s+(" + IDENTIFIER + r")", re.I)
_INDEX_LINE = re.compile(
    r"^\s*(UNIQUE\s+)?(?:KEY|INDEX)\s*(" + IDENTIFIER + r")?\s*(?:USING\s+\w+\s*)?\(", re.I)
_UNIQUE_LINE = re.compile(r"^\s*(?:CONSTRAINT\s+(" + IDENTIFIER + r")\s+)?UNIQUE\b", re.I)
_LEADING_COMMENTS = re.compile(r"(?:\s+|--[^\n]*+\n?|#[^\n]*+\n?|/\*(?!!).*?\*/)*+", re.S)
_TEXT_TYPES = re.compile(r"^(?:var)?char|^(?:tiny|medium|long)?text|^enum|^set\b|"
                         r"^character|^citext", re.I)


def _split_top_level(body: str) -> list[str]:
    """Split a parenthesized definition list at its top-level commas, using sqlparse's
    tokenizer so quotes, comments and nested parentheses are respected."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for token_type, value in sqlparse_lexer.tokenize(body):
        if token_type in sqlparse_tokens.Comment:
            continue
        if token_type is sqlparse_tokens.Punctuation:
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            elif value == "," and depth == 0:
                parts.append("".join(current).strip())
                current = []
                continue
        current.append(value)
    tail = "".join(current).strip()
    if tail:
        parts.append(tail)
    return parts


def _column_list(text: str) -> list[str]:
    columns = []
    for part in _split_top_level(text):
        name = re.split(r"[\s(]", part.strip(), maxsplit=1)[0] if part.strip() else ""
        if part.strip().startswith(("`", '"')):
            name = re.match(r"(`[^`]+`|\"[^\"]+\")", part.strip()).group(1)
        if name:
            columns.append(unquote(name))
    return columns


def _outer_parentheses(text: str) -> tuple[str, str] | None:
    """The text inside the first balanced parentheses, and what follows them."""
    start = text.find("(")
    if start < 0:
        return None
    depth = 0
    for token_type, value in _tokens_with_offsets(text[start:]):
        if token_type is sqlparse_tokens.Punctuation and value[1] == "(":
            depth += 1
        elif token_type is sqlparse_tokens.Punctuation and value[1] == ")":
            depth -= 1
            if depth == 0:
                end = start + value[0]
                return text[start + 1:end], text[end + 1:]
    return None


def _tokens_with_offsets(text: str) -> Iterator[tuple[Any, tuple[int, str]]]:
    offset = 0
    for token_type, value in sqlparse_lexer.tokenize(text):
        yield token_type, (offset, value)
        offset += len(value)


class SchemaBuilder:
    """Accumulates tables from DDL statements of MySQL and PostgreSQL dumps."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.default_charset: str | None = None
        self.unparsed = 0

    def feed(self, text: str, index: int, line: int) -> None:
        """Add what one DDL statement (statement ``index``, starting on ``line``) says."""
        try:
            self._feed(text, index, line)
        except (ValueError, AttributeError, IndexError):
            self.unparsed += 1

    def _feed(self, text: str, index: int, line: int) -> None:
        text = text[_LEADING_COMMENTS.match(text).end():]
        create = _CREATE_TABLE.match(text)
        if create:
            self._create_table(create, text, index, line)
            return
        alter = _ALTER_TABLE.match(text)
        if alter:
            table = self.tables.get(bare_name(alter.group(1)))
            attach = _ATTACH_PARTITION.search(alter.group(2))
            if table is not None and attach:
                child = self.tables.get(bare_name(attach.group(1)))
                if child is not None:
                    child.partition_of = table.name
            elif table is not None:
                for action in _split_top_level(alter.group(2).rstrip("; \n")):
                    action = re.sub(r"^\s*ADD\s+", "", action, flags=re.I)
                    self._constraint(table, action)
            return
        index_match = _CREATE_INDEX.match(text)
        if index_match:
            table = self.tables.get(bare_name(index_match.group(3)))
            if table is not None:
                table.indexes.append({
                    "name": unquote(index_match.group(2) or ""),
                    "columns": _column_list(index_match.group(4)),
                    "unique": bool(index_match.group(1))})

    def _create_table(self, create: re.Match[str], text: str, index: int, line: int) -> None:
        qualified = re.split(r"\s*\.\s*", create.group(1))
        name = unquote(qualified[-1])
        table = Table(name, unquote(qualified[0]) if len(qualified) > 1 else None, line, index)
        partition = _PARTITION_OF.search(text[create.end():create.end() + 400])
        if partition:
            table.partition_of = bare_name(partition.group(1))
        body = _outer_parentheses(text[create.end():])
        if body is not None:
            inside, options = body
            for key, value in _TABLE_OPTION.findall(options):
                key = key.upper()
                if key == "ENGINE":
                    table.engine = value
                elif "COLLATE" in key:
                    table.collation = value
                else:
                    table.charset = value
            for definition in _split_top_level(inside):
                self._definition(table, definition)
        self.tables[name] = table

    def _definition(self, table: Table, definition: str) -> None:
        upper = definition.lstrip().upper()
        if upper.startswith(("PRIMARY KEY", "CONSTRAINT", "FOREIGN KEY", "UNIQUE", "KEY ",
                             "KEY`", "INDEX", "FULLTEXT", "SPATIAL", "CHECK", "EXCLUDE")):
            self._constraint(table, definition)
            return
        name_match = re.match(r"\s*(" + IDENTIFIER + r")\s*(.*)$", definition, re.S)
        if not name_match:
            return
        column, rest = unquote(name_match.group(1)), name_match.group(2)
        column_type = re.split(r"[\s(]", rest.strip(), maxsplit=1)[0].lower()
        charset = _COLUMN_CHARSET.search(rest)
        collation = _COLUMN_COLLATE.search(rest)
        table.columns[column] = {
            "type": column_type,
            "charset": charset.group(1) if charset else None,
            "collation": collation.group(1) if collation else None}
        if re.search(r"\bPRIMARY\s+KEY\b", rest, re.I):
            table.primary_key = [column]
        references = _REFERENCES.search(rest)
        if references:
            table.foreign_keys.append({
                "name": None, "columns": [column], "ref_table": bare_name(references.group(1)),
                "ref_columns": _column_list(references.group(2) or "")})

    def _constraint(self, table: Table, definition: str) -> None:
        name_match = _CONSTRAINT_NAME.match(definition)
        name = unquote(name_match.group(1)) if name_match else None
        upper = definition.upper()
        if re.search(r"\bPRIMARY\s+KEY\b", upper):
            columns = _KEY_COLUMNS.search(definition[re.search(r"PRIMARY\s+KEY", upper).end():])
            if columns:
                table.primary_key = _column_list(columns.group(1))
            return
        foreign = _FOREIGN_KEY.search(definition)
        if foreign:
            references = _REFERENCES.search(definition)
            table.foreign_keys.append({
                "name": name, "columns": _column_list(foreign.group(1)),
                "ref_table": bare_name(references.group(1)) if references else None,
                "ref_columns": _column_list(references.group(2) or "") if references else []})
            return
        unique = _UNIQUE_LINE.match(definition)
        index_line = _INDEX_LINE.match(definition)
        if unique or index_line:
            columns = _KEY_COLUMNS.search(definition)
            if columns:
                index_name = (index_line.group(2) if index_line and index_line.group(2)
                              else (unique.group(1) if unique and unique.group(1) else name))
                table.indexes.append({"name": unquote(index_name or ""),
                                      "columns": _column_list(columns.group(1)),
                                      "unique": bool(unique or
                                                     (index_line and index_line.group(1)))})

    def schema(self) -> dict[str, Any]:
        """The model in its stats form: each table's ``to_stats`` by name, sorted."""
        return {name: table.to_stats() for name, table in sorted(self.tables.items())}


def index_column_lists(table: dict[str, Any]) -> list[list[str]]:
    """The column lists of a table's indexes (stats form), its primary key's last."""
    lists = [index["columns"] for index in table["indexes"]]
    if table["primary_key"]:
        lists.append(table["primary_key"])
    return lists


def _covered(columns: list[str], index_lists: list[list[str]]) -> bool:
    """True when some index's leading columns are exactly ``columns`` (in any order)."""
    wanted = set(columns)
    return any(set(index[: len(columns)]) == wanted for index in index_lists)


def _effective_charset(table: dict[str, Any], column: str) -> tuple[str | None, str | None]:
    info = table["columns"].get(column) or {}
    if not _TEXT_TYPES.match(info.get("type") or ""):
        return None, None
    return (info.get("charset") or table.get("charset"),
            info.get("collation") or (table.get("collation") if not info.get("charset")
                                      else None))


def schema_findings(schema: dict[str, Any], path: str) -> Iterator[Finding]:
    """Findings about the schema model of one dump."""
    tables = schema
    missing = [t for t in tables.values() if not t["primary_key"] and not t["partition_of"]
               and not any(index["unique"] for index in t["indexes"])]
    if missing:
        names = [t["name"] for t in missing]
        yield MISSING_PRIMARY_KEY.finding(
            f"{len(missing)} table(s) without a primary key: {', '.join(names[:10])}"
            + ("…" if len(names) > 10 else ""), analyzer=ANALYZER,
            detail=("Without a primary key InnoDB uses a hidden row id, replication applies "
                    "row events by full scans, and duplicate rows cannot be told apart."),
            count=len(missing),
            evidence=[Evidence(path, StatementLocator(t["statement"], t["line"]),
                               f"CREATE TABLE {t['name']}") for t in missing[:10]],
            facts={"tables": names},
            remediation="Add a primary key (a surrogate AUTO_INCREMENT/identity id if needed).")
    for table in tables.values():
        index_lists = index_column_lists(table)
        for foreign in table["foreign_keys"]:
            columns = foreign["columns"]
            if not columns or _covered(columns, index_lists):
                continue
            if any(index[: len(columns)] == columns for index in index_lists):
                continue
            suggestion = (f"CREATE INDEX idx_{table['name']}_{'_'.join(columns)} ON "
                          f"{table['name']} ({', '.join(columns)});")
            yield UNINDEXED_FOREIGN_KEY.finding(
                f"Foreign key {table['name']}({', '.join(columns)}) -> "
                f"{foreign['ref_table']} has no index", analyzer=ANALYZER,
                detail=("Deletes and updates on the referenced table, and joins from it, scan "
                        f"{table['name']} and take wider locks."),
                evidence=[Evidence(path, StatementLocator(table["statement"], table["line"]),
                                   f"CREATE TABLE {table['name']}")],
                facts={"table": table["name"], "columns": columns,
                       "references": foreign["ref_table"], "constraint": foreign["name"]},
                remediation=suggestion)
        yield from _duplicate_index_findings(table, path)
    yield from _charset_findings(tables, path)
    engines = Counter(t["engine"].lower() for t in tables.values() if t["engine"])
    if len(engines) > 1:
        majority = engines.most_common(1)[0][0]
        odd = [t for t in tables.values() if t["engine"] and t["engine"].lower() != majority]
        yield ENGINE_MISMATCH.finding(
            f"{len(odd)} table(s) are not {majority}: "
            + ", ".join(f"{t['name']} ({t['engine']})" for t in odd[:10]), analyzer=ANALYZER,
            detail=(f"The schema is mostly {majority}; tables on another engine lose "
                    "transactions, crash safety or row locking (MyISAM locks whole tables)."),
            count=len(odd),
            evidence=[Evidence(path, StatementLocator(t["statement"], t["line"]),
                               f"CREATE TABLE {t['name']} ... ENGINE={t['engine']}")
                      for t in odd[:10]],
            facts={"majority_engine": majority, "tables": {t["name"]: t["engine"] for t in odd}},
            remediation=f"ALTER TABLE <name> ENGINE={majority}; after checking FULLTEXT use.")


def _duplicate_index_findings(table: dict[str, Any], path: str) -> Iterator[Finding]:
    indexes = list(table["indexes"])
    if table["primary_key"]:
        indexes.append({"name": "PRIMARY", "columns": table["primary_key"], "unique": True})
    reported: set[str] = set()
    for first in indexes:
        for second in indexes:
            if first is second or first["name"] in reported or first["name"] == "PRIMARY":
                continue
            shorter, longer = first["columns"], second["columns"]
            if not shorter or len(shorter) > len(longer) or longer[: len(shorter)] != shorter:
                continue
            if first["unique"] and len(shorter) < len(longer):
                continue  # a shorter unique index enforces something the longer one does not
            if len(shorter) == len(longer) and first["unique"] and not second["unique"]:
                continue
            if (len(shorter) == len(longer) and first["unique"] == second["unique"]
                    and second["name"] != "PRIMARY" and first["name"] > second["name"]):
                continue  # report an identical pair once
            reported.add(first["name"])
            kind = "identical to" if len(shorter) == len(longer) else "a left prefix of"
            yield DUPLICATE_INDEX.finding(
                f"Index {table['name']}.{first['name']} is {kind} {second['name']}",
                analyzer=ANALYZER,
                detail=(f"({', '.join(shorter)}) is served by {second['name']} "
                        f"({', '.join(longer)}); the extra index costs writes and memory."),
                evidence=[Evidence(path, StatementLocator(table["statement"], table["line"]),
                                   f"CREATE TABLE {table['name']}")],
                facts={"table": table["name"], "index": first["name"],
                       "covered_by": second["name"], "columns": shorter},
                remediation=f"DROP INDEX {first['name']} ON {table['name']};")


def _charset_findings(tables: dict[str, Any], path: str) -> Iterator[Finding]:
    for table in tables.values():
        for foreign in table["foreign_keys"]:
            target = tables.get(foreign["ref_table"] or "")
            if target is None:
                continue
            for column, ref_column in zip(foreign["columns"], foreign["ref_columns"],
                                          strict=False):
                here = _effective_charset(table, column)
                there = _effective_charset(target, ref_column)
                if None in here[:1] or None in there[:1] or here == there:
                    continue
                yield CHARSET_MISMATCH.finding(
                    f"{table['name']}.{column} ({here[0]}/{here[1] or 'default'}) joins "
                    f"{target['name']}.{ref_column} ({there[0]}/{there[1] or 'default'})",
                    analyzer=ANALYZER,
                    detail=("Comparing columns of different character sets or collations "
                            "converts one side per row, so the index on it cannot be used."),
                    evidence=[Evidence(path, StatementLocator(table["statement"],
                                                              table["line"]),
                                       f"CREATE TABLE {table['name']}")],
                    facts={"column": f"{table['name']}.{column}",
                           "referenced": f"{target['name']}.{ref_column}",
                           "charset": here[0], "collation": here[1],
                           "referenced_charset": there[0], "referenced_collation": there[1]},
                    remediation=(f"ALTER TABLE {table['name']} MODIFY {column} ... CHARACTER "
                                 f"SET {there[0]}" + (f" COLLATE {there[1]}" if there[1]
                                                      else "") + ";"))
