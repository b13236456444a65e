r"""Drafting a signature from evidence, and writing signatures as the user's own.

The signature editor starts from a draft (``draft_from_line``, ``draft_from_finding``) that
matches the evidence it came from; the user refines it, and ``save_signature`` writes it to
the user's signatures folder in the file format (``to_toml``).

Decisions the next engineer needs:

- A line's header (time, level, thread, logger) is dropped, its variable parts masked by
  ``inspector.formats.templates.mask``, and each masked part becomes a bounded, possessive
  wildcard (``\S{1,200}+``) so the pattern stays linear; a draft is always valid
  (``inspector.knowledge.signatures.pattern_risk``).
- What a finding's draft matches follows its analyzer: HTTP findings their status and URL
  path, SQL findings their error code or message, TLS handshake failures their alert,
  exceptions their type; anything else, the first evidence line.
- Saving is atomic, so a crash never leaves half a file that would then fail to load.

>>> pattern_for_line("2026-11-17 09:14:01 ERROR [pool-3] c.e.Db - Lease 7731 lost after 30000 ms")
'Lease \\S{1,200}+ lost after'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from inspector.files import write_atomically
from inspector.formats.logformat import detect
from inspector.formats.templates import WILDCARD, mask
from inspector.knowledge.locations import user_signatures_dir
from inspector.knowledge.signatures import (
    SQL_ERROR_RULES,
    SQL_RULE_CODES,
    HttpMatch,
    Signature,
    SqlMatch,
    TlsMatch,
)
from inspector.model import Finding, Severity

DRAFT_MESSAGE_CHARS = 300
_FUZZY_GAP = "[^\\n]{1,200}?"
_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")


def _message_of(line: str) -> str:
    """``line`` without its log header (time, level, thread, logger) when it has one."""
    line = line.strip()
    record = detect([line], datetime.now().year).parse(line)
    message = record.message.strip() if record is not None and record.message.strip() else line
    return message.split("\n", 1)[0]


def pattern_for_line(line: str) -> str:
    """A linear-time pattern matching ``line`` and the lines that differ only in values.

    Values are what ``inspector.formats.templates.mask`` masks; each becomes a bounded possessive
    wildcard, chosen from what the value was so that only one way to split the line exists:
    ``\\S{1,200}+`` before a space, ``[^\\s,]{1,200}+`` before a comma, a quoted string for
    a quoted string. At most one value (one with spaces inside, or holding the character
    after it) needs a lazy wildcard; the pattern stops before a second one.
    """
    message = _message_of(line)
    if len(message) > DRAFT_MESSAGE_CHARS:
        message = message[:DRAFT_MESSAGE_CHARS].rsplit(None, 1)[0]
    literals = mask(message).split(WILDCARD)
    pieces: list[tuple[bool, str]] = []  # (is a literal, its text or the wildcard's regex)
    fuzzy = 0
    position = 0
    for index, literal in enumerate(literals):
        start = message.find(literal, position) if literal else position
        if start < 0:
            break  # the mask cut the message: keep what was placed
        if index > 0 and any(text for _, text in pieces):
            # (A leading value needs no wildcard: a search finds the line anyway.)
            wildcard = _wildcard(message[position:start], literal[:1])
            fuzzy += wildcard == _FUZZY_GAP
            if fuzzy > 1:
                break
            pieces.append((False, wildcard))
        pieces.append((True, literal))
        position = start + len(literal)
    while pieces and not (pieces[-1][0] and pieces[-1][1].strip()):
        pieces.pop()  # nor does a trailing one
    while pieces and not pieces[0][1].strip():
        pieces.pop(0)
    if pieces:
        pieces[0] = (True, pieces[0][1].lstrip())
        pieces[-1] = (True, pieces[-1][1].rstrip())
    pattern = "".join(_escape(text) if is_literal else text for is_literal, text in pieces)
    if not pattern or not re.search(pattern, message):
        longest = max(literals, key=len).strip() or message[:80]
        pattern = _escape(longest)
    return pattern


def _escape(text: str) -> str:
    """``re.escape`` for people: only the characters that mean something are escaped."""
    return _SPECIAL.sub(r"\\\g<0>", text)


def _wildcard(gap: str, following: str) -> str:
    if len(gap) >= 2 and gap[0] == gap[-1] == '"' and '"' not in gap[1:-1] and "\n" not in gap:
        return '"[^"\\n]{0,200}+"'
    if gap and not any(c.isspace() for c in gap):
        if not following or following.isspace():
            return "\\S{1,200}+"
        if following not in gap:
            return f"[^\\s{re.escape(following)}]{{1,200}}+"
    return _FUZZY_GAP


def _slug(text: str) -> str:
    words = re.findall(r"[a-z][a-z0-9]*", text.lower())[:5]
    return "-".join(words) or "issue"


def draft_from_line(line: str, *, severity: Severity = Severity.MEDIUM,
                    source: str = "log") -> Signature:
    """A user signature pre-filled from a log line; the editor lets the user refine it.

    >>> draft = draft_from_line("2026-11-17 09:14:01 ERROR Lease 7731 lost after 30000 ms")
    >>> draft.id, draft.patterns
    ('custom.lease-lost-after', ('Lease \\\\S{1,200}+ lost after',))
    """
    message = _message_of(line)
    title = mask(message[:120]).replace(WILDCARD, "…")
    return Signature(f"custom.{_slug(mask(message).replace(WILDCARD, ' '))}", title, severity,
                     (pattern_for_line(line),), "", origin="user", tags=(source,))


def draft_from_finding(finding: Finding) -> Signature:
    """A user signature pre-filled from a finding: what to match follows its analyzer.

    HTTP findings match their status (and URL path), SQL findings their error code or
    message, TLS handshake failures their alert, exceptions their type; anything else, the
    first evidence line.
    """
    facts = finding.facts
    base = draft_from_line(finding.evidence[0].excerpt if finding.evidence else finding.title,
                           severity=finding.severity, source=finding.analyzer)
    common = {"title": re.sub(r"\s+x\d+$", "", finding.title), "severity": finding.severity,
              "remediation": finding.remediation, "references": tuple(finding.references),
              "tags": (finding.analyzer,)}
    if finding.rule == "log.exception" and isinstance(facts.get("type"), str):
        return replace(base, **common, patterns=(re.escape(facts["type"]),))
    if finding.analyzer == "http":
        statuses = facts.get("statuses") or ({str(facts["status"]): 1}
                                             if "status" in facts else {})
        path = facts.get("path")
        url = (re.escape(path).replace(re.escape("{id}"), "[^/?#]{1,200}+"),) \
            if isinstance(path, str) and path not in ("", "/") else ()
        if statuses or url:
            return replace(base, **common, patterns=(),
                           http=HttpMatch(tuple(str(s) for s in statuses), url, ()))
    if finding.analyzer == "sql" and finding.rule in SQL_ERROR_RULES:
        group = str(facts.get("group") or "")
        if re.fullmatch(r"[0-9A-Z]{5}|MY-\d+|\d{4,5}", group):
            sql = SqlMatch((group,), ())
        elif finding.rule in SQL_RULE_CODES:
            sql = SqlMatch(SQL_RULE_CODES[finding.rule], ())
        else:
            text = finding.evidence[0].excerpt if finding.evidence else group
            sql = SqlMatch((), (pattern_for_line(text),))
        return replace(base, **common, patterns=(), sql=sql)
    if finding.analyzer == "tls" and isinstance(facts.get("alert"), str):
        sender = facts.get("sender") if facts.get("sender") in ("client", "server") else None
        return replace(base, **common, patterns=(), tls=TlsMatch((facts["alert"],), sender))
    return replace(base, **common)


# --- writing signatures -------------------------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML string: a literal one for patterns when possible (no escaping to read)."""
    if "'" not in text and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return f"'{text}'"
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char,
                                                                         f"\\u{ord(char):04X}"))
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _toml_list(values: Iterable[str | int]) -> str:
    return "[" + ", ".join(str(v) if isinstance(v, int) else _toml_string(v)
                           for v in values) + "]"


def to_toml(signature: Signature) -> str:
    """``signature`` in the file format; ``KnowledgeBase.from_text`` reads it back equal.

    >>> print(to_toml(Signature("app.x", "X", Severity.LOW, ("a\\\\d+",), "Fix it.")), end="")
    [[signature]]
    id = 'app.x'
    title = 'X'
    severity = 'low'
    patterns = ['a\\d+']
    remediation = 'Fix it.'
    """
    lines = ["[[signature]]", f"id = {_toml_string(signature.id)}",
             f"title = {_toml_string(signature.title)}",
             f"severity = {_toml_string(signature.severity.value)}"]
    if signature.patterns:
        lines.append(f"patterns = {_toml_list(signature.patterns)}")
    lines.append(f"remediation = {_toml_string(signature.remediation)}")
    if signature.references:
        lines.append(f"references = {_toml_list(signature.references)}")
    if signature.kb_link:
        lines.append(f"kb_link = {_toml_string(signature.kb_link)}")
    if signature.tags:
        lines.append(f"tags = {_toml_list(signature.tags)}")
    if signature.case_sensitive:
        lines.append("case_sensitive = true")
    sections: list[tuple[str, Mapping[str, Sequence[str | int]] | None]] = [
        ("http", signature.http and {"status": [int(s) if s.isdigit() else s
                                                for s in signature.http.status],
                                     "url": signature.http.url, "body": signature.http.body}),
        ("sql", signature.sql and {"codes": signature.sql.codes,
                                   "message": signature.sql.message}),
        ("tls", signature.tls and {"alerts": signature.tls.alerts}),
    ]
    for name, values in sections:
        if values is None:
            continue
        lines += ["", f"[signature.{name}]"]
        lines += [f"{key} = {_toml_list(items)}" for key, items in values.items() if items]
        if name == "tls" and signature.tls and signature.tls.sender:
            lines.append(f"sender = {_toml_string(signature.tls.sender)}")
    return "\n".join(lines) + "\n"


def save_signature(signature: Signature, directory: Path | None = None) -> Path:
    """Write ``signature`` to ``<directory>/<id>.toml`` (default: the user's signatures).

    Atomic (temporary file, fsync, rename), so a crash never leaves half a file that
    would then fail to load. An existing file of the same id is replaced.
    """
    directory = directory if directory is not None else user_signatures_dir()
    target = directory / f"{signature.id}.toml"
    write_atomically(target, to_toml(signature).encode("utf-8"))
    return target
