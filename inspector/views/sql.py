"""SQL as the SQL viewer shows it: a dump's statements, a slow log's query classes, and the
spans its highlighter colours.

Statements come from ``inspector.formats.sqlsplit.StatementReader`` (the same streaming
splitter the analyzer uses, so statement numbers match ``StatementLocator``);
``load_statements`` emits them in batches. A row keeps the first ``PREVIEW_CHARS`` of its
statement: a dump's multi-MB ``INSERT`` is shown cut, with its size, and memory stays
bounded. A slow log's classes are read from the analysis stats (``queries``), not from the
file.

``highlight_spans`` is one regular expression whose alternatives each consume at least one
character, with no nested repeats, so highlighting is linear on any text a customer sends.

>>> [kind for kind, _, _ in highlight_spans("SELECT 'x' -- why")]
['keyword', 'string', 'comment']
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from inspector.formats.sqlsplit import StatementReader
from inspector.views.source import MemberSource, State

PREVIEW_CHARS = 20_000
BATCH_SECONDS = 0.05

# The kinds are the names of palette.toml's [sql.light] and [sql.dark] colours.
_TOKENS = re.compile(
    r"(?P<comment>--[^\n]*|#[^\n]*|/\*.*?(?:\*/|$))"
    r"|(?P<string>'(?:[^'\\]|\\.|'')*'?|\"(?:[^\"\\]|\\.)*\"?|`[^`]*`?)"
    r"|(?P<number>\b\d+(?:\.\d+)?\b)"
    r"|(?P<keyword>\b(?:SELECT|FROM|WHERE|AND|OR|NOT|NULL|INSERT|INTO|VALUES|UPDATE|SET|"
    r"DELETE|CREATE|TABLE|INDEX|UNIQUE|PRIMARY|KEY|FOREIGN|REFERENCES|ALTER|DROP|ADD|"
    r"JOIN|LEFT|RIGHT|INNER|OUTER|ON|AS|ORDER|GROUP|BY|HAVING|LIMIT|OFFSET|IN|IS|LIKE|"
    r"BETWEEN|EXISTS|DISTINCT|UNION|ALL|CASE|WHEN|THEN|ELSE|END|BEGIN|COMMIT|ROLLBACK|"
    r"LOCK|TABLES|UNLOCK|DEFAULT|CONSTRAINT|ENGINE|CHARSET|IF|USE|DATABASE|COPY|WITH|"
    r"RETURNING|GRANT|REVOKE|VIEW|TRIGGER|PROCEDURE|FUNCTION|DELIMITER)\b)",
    re.IGNORECASE | re.DOTALL)


def highlight_spans(text: str) -> list[tuple[str, int, int]]:
    """``(kind, start, length)`` of the comments, strings, numbers and keywords in ``text``."""
    return [(match.lastgroup or "", match.start(), match.end() - match.start())
            for match in _TOKENS.finditer(text)]


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One statement of a dump, as listed.

    Attributes:
        text: the statement's first ``PREVIEW_CHARS`` characters.
        size: its whole size in bytes.
    """

    number: int
    line: int
    kind: str
    text: str
    size: int


def load_statements(state: State, source: MemberSource) -> list[str]:
    """Emit ``list[StatementRow]`` batches; return the splitter's warnings."""
    batch: list[StatementRow] = []
    reported = time.monotonic()
    with source.open() as stream:
        reader = StatementReader(stream)
        for statement in reader:
            if state.cancelled:
                break
            raw = statement.raw[:PREVIEW_CHARS * 4]
            text = raw.decode("utf-8", "replace").strip()[:PREVIEW_CHARS]
            batch.append(StatementRow(statement.index, statement.line, statement.kind, text,
                                      len(statement.raw)))
            if time.monotonic() - reported >= BATCH_SECONDS:
                state.emit(batch)
                batch = []
                reported = time.monotonic()
    state.emit(batch)
    return list(reader.warnings)


def statement_text(row: StatementRow) -> str:
    """The statement as shown in full under the list, saying so when it was cut.

    >>> statement_text(StatementRow(1, 1, "INSERT", "INSERT INTO t VALUES (1)", 90_000))[-53:]
    '-- shown: the first 20,000 characters of 90,000 bytes'
    """
    cut = (f"\n\n-- shown: the first {PREVIEW_CHARS:,} characters of {row.size:,} bytes"
           if row.size > len(row.text.encode()) + 2 else "")
    return row.text + cut


def query_classes(stats: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The slow-log classes the analysis found in ``path``, ranked, from any analyzer."""
    for values in stats.get(path, {}).values():
        queries = values.get("queries") if isinstance(values, dict) else None
        if isinstance(queries, list):
            return [{**q, "rank": rank, "query_time": q.get("query_time") or {}}
                    for rank, q in enumerate(queries, 1) if isinstance(q, dict)]
    return []


def query_class_text(query: dict[str, Any]) -> str:
    """A query class as shown under the class table: its fingerprint, then its example."""
    return (f"-- {query.get('fingerprint', '')}\n-- example (line "
            f"{query.get('example_line', '?')}):\n{query.get('example', '')}")


NEAR_LINES = 10  # a slow-log event spans a few header lines above its query


def class_for_line(classes: list[dict[str, Any]], line: int) -> int | None:
    """The rank of the class a slow-log line belongs to: the one whose example or recorded
    events are at that line, else the nearest within ``NEAR_LINES`` (a line of the event's
    header); None when no class is near.

    >>> classes = [{"rank": 1, "example_line": 825, "lines": [6, 15]},
    ...            {"rank": 2, "example_line": 543, "lines": [20]}]
    >>> class_for_line(classes, 825), class_for_line(classes, 19), class_for_line(classes, 300)
    (1, 2, None)
    """
    best: tuple[int, int] | None = None
    for query in classes:
        places = [query.get("example_line"), *(query.get("lines") or [])]
        for place in places:
            if isinstance(place, int) and abs(place - line) <= NEAR_LINES:
                distance = abs(place - line)
                if best is None or distance < best[0]:
                    best = (distance, query["rank"])
    return best[1] if best else None
