"""pt-query-digest's query fingerprints and query ids, and the shape of a query.

``fingerprint`` is a line-by-line port of ``QueryRewriter::fingerprint`` (percona-toolkit
3.2.1), so query classes get the ids a Percona report shows: ``query_id`` is the upper-case
hex MD5 of the fingerprint. The text is handled as latin-1 so each byte stays one
character, as in Perl, and the regular expressions are ASCII-only; ``_collapse_unions``
does what Perl's UNION regex does without its cubic backtracking.

``query_shape`` reads the tables a query uses and the columns it filters or joins on, for
the ``sql-cross`` analyzer's check against the dump's indexes.

>>> fingerprint("SELECT * FROM t WHERE id IN (1, 2, 3) LIMIT 5")
'select * from t where id in(?+) limit ?'
>>> query_id("begin")
'8D589AFA4DFAEEED85FFF5AA78E5FF6A'
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from analyzers.sql.identifiers import IDENTIFIER, QUALIFIED_NAME, bare_name, unquote

# --- pt-query-digest fingerprints -------------------------------------------------------------

_A = re.ASCII  # as Perl's byte-oriented regexes: \w, \s and \b know ASCII only
_FP_MYSQLDUMP = re.compile(r"\ASELECT /\*!40001 SQL_NO_CACHE \*/ \* FROM `", _A)
_FP_TOOLKIT = re.compile(r"/\*\w+\.\w+:[0-9]/[0-9]\*/", _A)
_FP_CALL = re.compile(r"\A\s*(call\s+\S+)\(", _A | re.I)
_FP_MULTI_INSERT = re.compile(
    r"\A((?:INSERT|REPLACE)(?: IGNORE)?\s+INTO.+?VALUES\s*\(.*?\))\s*,\s*\(", _A | re.I | re.S)
_FP_MLC = re.compile(r"/\*[^!].*?\*/", _A | re.S)
_FP_OLC = re.compile(r"(?:--|#)[^'\"\r\n]*(?=[\r\n]|\Z)", _A)
_FP_USE = re.compile(r"\Ause \S+(?=\n?\Z)", _A | re.I)
_FP_ESCAPED_QUOTE = re.compile(r"\\[\"']", _A)
_FP_DOUBLE_QUOTED = re.compile(r'".*?"', _A | re.S)
_FP_SINGLE_QUOTED = re.compile(r"'.*?'", _A | re.S)
_FP_BOOLEAN = re.compile(r"\bfalse\b|\btrue\b", _A | re.I)
_FP_NUMBER = re.compile(r"[0-9+-][0-9a-f.xb+-]*", _A)
_FP_NUMBER_PREFIX = re.compile(r"[xb.+-]\?", _A)
_FP_LEADING_SPACE = re.compile(r"\A\s+", _A)
_FP_WHITESPACE = re.compile(r"[ \n\t\r\f]+", _A)
_FP_NULL = re.compile(r"\bnull\b", _A)
_FP_LISTS = re.compile(r"\b(in|values?)(?:[\s,]*\([\s?,]*\))+", _A)
_FP_SELECT = re.compile(r"\bselect\s", _A)
_FP_UNION = re.compile(r"\sunion(?:\sall)?\s", _A)
_FP_LIMIT = re.compile(r"\blimit \?(?:, ?\?| offset \?)?", _A)
_FP_ORDER_BY = re.compile(r"\bORDER BY ", _A | re.I)
_FP_ASC = re.compile(r"(.+?)\s+ASC", _A | re.I)
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_LOWER_TEXT = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """``text`` with A-Z lowered and nothing else (pt-query-digest's ``lc`` under Perl's
    byte semantics); the byte table is the fast path for Latin-1 text.

    >>> _ascii_lower("SELECT 'ÄÖ' FROM 表 WHERE X = '\ufffd'")
    "select 'ÄÖ' from 表 where x = '\ufffd'"
    """
    try:
        return text.encode("latin-1").translate(_LOWER).decode("latin-1")
    except UnicodeEncodeError:  # any character past U+00FF (CJK names, U+FFFD)
        return text.translate(_LOWER_TEXT)


def _collapse_unions(query: str) -> str:
    """``s/\\b(select\\s.*?)(?:(\\sunion(?:\\sall)?)\\s\\1)+/$1 \\/*repeat$2*\\//g``
    without the regex's cubic backtracking: each UNION after a SELECT, nearest first, is
    tried as the end of the repeated part, as the lazy ``.*?`` would."""
    if "union" not in query:
        return query
    out: list[str] = []
    position = search_from = 0
    while select := _FP_SELECT.search(query, search_from):
        start = select.start()
        line_end = query.find("\n", start)
        limit = len(query) if line_end < 0 else line_end
        replaced = False
        for union in _FP_UNION.finditer(query, select.end(), limit):
            repeated = query[start:union.start()]
            end, joiner = union.start(), None
            while (following := _FP_UNION.match(query, end)) and query.startswith(
                    repeated, following.end()):
                joiner, end = following.group()[:-1], following.end() + len(repeated)
            if joiner is not None:
                out.append(query[position:start] + f"{repeated} /*repeat{joiner}*/")
                position = search_from = end
                replaced = True
                break
        if not replaced:
            search_from = start + 1
    out.append(query[position:])
    return "".join(out)


def _strip_order_by_asc(query: str) -> str:
    anchor = _FP_ORDER_BY.search(query)
    if not anchor:
        return query
    position = anchor.end()
    kept: list[str] = []
    cursor = position
    while True:
        match = _FP_ASC.match(query, cursor)
        if not match:
            break
        kept.append(match.group(1))
        cursor = match.end()
    if cursor == position:
        return query
    return query[:position] + "".join(kept) + query[cursor:]


def fingerprint(query: str) -> str:
    """pt-query-digest's fingerprint of a query (the text of its ``Query`` class)."""
    if _FP_MYSQLDUMP.match(query):
        return "mysqldump"
    if _FP_TOOLKIT.search(query):
        return "percona-toolkit"
    if query.startswith("administrator command: "):
        return query
    call = _FP_CALL.match(query)
    if call:
        return _ascii_lower(call.group(1))
    multi = _FP_MULTI_INSERT.match(query)
    if multi:
        query = multi.group(1)
    query = _FP_MLC.sub("", query)
    query = _FP_OLC.sub("", query)
    used = _FP_USE.subn("use ?", query)
    if used[1]:
        return used[0]
    query = _FP_ESCAPED_QUOTE.sub("", query)
    query = _FP_DOUBLE_QUOTED.sub("?", query)
    query = _FP_SINGLE_QUOTED.sub("?", query)
    query = _FP_BOOLEAN.sub("?", query)
    query = _FP_NUMBER.sub("?", query)
    query = _FP_NUMBER_PREFIX.sub("?", query)
    query = _FP_LEADING_SPACE.sub("", query)
    if query.endswith("\n"):
        query = query[:-1]
    query = _FP_WHITESPACE.sub(" ", query)
    query = _ascii_lower(query)
    query = _FP_NULL.sub("?", query)
    query = _FP_LISTS.sub(r"\1(?+)", query)
    query = _collapse_unions(query)
    query = _FP_LIMIT.sub("limit ?", query, count=1)
    return _strip_order_by_asc(query)


def query_id(fingerprint_text: str) -> str:
    """pt-query-digest's query id: the upper-case hex MD5 of the fingerprint."""
    return hashlib.md5(fingerprint_text.encode("latin-1", "replace")).hexdigest().upper()


# --- query shape: tables and filtered columns, for the missing-index cross-check --------------

_TABLE_REF = re.compile(
    r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(" + QUALIFIED_NAME + r")"
    r"(?:\s+(?:AS\s+)?(?!(?:WHERE|ON|USING|SET|JOIN|INNER|LEFT|RIGHT|CROSS|NATURAL|GROUP|ORDER"
    r"|LIMIT|VALUES|SELECT|STRAIGHT_JOIN|FORCE|USE|IGNORE|HAVING|UNION|FOR|WINDOW)\b)"
    r"([A-Za-z_]\w*))?", re.I)
_PREDICATE = re.compile(
    r"(?:(" + IDENTIFIER + r")\s*\.\s*)?(" + IDENTIFIER + r")\s*"
    r"(?:=|<=>|<=|>=|<|>|\bIN\s*\(|\bLIKE\b|\bBETWEEN\b|\bIS\s+(?:NOT\s+)?NULL\b)", re.I)
_CLAUSES = re.compile(r"\b(?:WHERE|ON)\b(.*?)(?=\bGROUP\s+BY\b|\bORDER\s+BY\b|\bLIMIT\b"
                      r"|\bHAVING\b|\bJOIN\b|\bUNION\b|\bFOR\s+UPDATE\b|$)", re.I | re.S)
_LITERALS = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"")
_NOT_COLUMNS = {"and", "or", "not", "null", "true", "false", "select", "exists", "case", "when",
                "then", "else", "end", "interval", "date", "now"}


def query_shape(query: str) -> dict[str, Any]:
    """Tables a query reads (alias -> table) and the columns it filters or joins on.

    >>> query_shape("SELECT * FROM orders o JOIN users u ON u.id = o.user_id "
    ...             "WHERE o.status = 'x'")["predicates"]
    [['u', 'id'], ['o', 'status']]
    """
    head = _LITERALS.sub("''", query[:20000])
    tables: dict[str, str] = {}
    for match in _TABLE_REF.finditer(head):
        table = bare_name(match.group(1))
        tables[table] = table
        if match.group(2):
            tables[match.group(2).lower()] = table
    predicates: list[list[str | None]] = []
    for clause in _CLAUSES.finditer(head):
        for match in _PREDICATE.finditer(clause.group(1)):
            column = unquote(match.group(2))
            if column in _NOT_COLUMNS or column.isdigit():
                continue
            qualifier = unquote(match.group(1)) if match.group(1) else None
            if [qualifier, column] not in predicates:
                predicates.append([qualifier, column])
    return {"tables": tables, "predicates": predicates}
