"""A finding's fingerprint: what identifies its problem, the same in every bundle that has it.

Two findings share a fingerprint when they are the same problem: the same rule, and the same
*identity facts*, normalised. The fingerprint never depends on when, how often or where:
not on times, counts, sizes, durations, ranks, evidence places, member paths, addresses or
host names. So a customer's second bundle a week later, a colleague's bundle from another
site with the same fault, or a pseudonymised copy all give the same fingerprint.

The identity facts are the finding's ``facts`` under the keys in ``IDENTITY_KEYS``: the
exception signature and type, the cause, the TLS alert and who sent it, who reset a
connection (the host's role), the query id, the table and columns, the status code, the
known-issue signature, the template of a new error, the reason a request failed. Every
other fact is left out, so a fact an analyzer adds later never splits a fingerprint that
earlier cases share; an analyzer makes a fact part of the problem's identity by naming it
with one of these keys. The normalisation of a kept value:

- text: identifiers (addresses, host names, e-mail addresses, user names, MACs, as
  ``inspector.privacy`` finds them) become their kind (``<ipv4>``, ``<host>``), and runs
  of digits become ``<n>``, except in a value that is one hexadecimal token (an exception
  signature or a query id, which are already normal forms);
- booleans, and numbers under ``CODE_KEYS`` (a status, an alert code, a port): kept; any
  other number is a count or a measure (``"errors": 379`` in an error burst) and is left out;
- a mapping: its keys only (``{"502": 6, "504": 10}`` says which statuses, not how many);
- a list: its normalised items, each once, sorted;
- a mapping inside a list (an incident's linked findings): its identity facts, recursively.

The fingerprint is the first 32 hex digits of the SHA-256 of the rule and the normalised
facts as canonical JSON. It reveals nothing readable about the bundle.

>>> first = identity_facts({"type": "java.net.ConnectException", "server": "10.1.7.31",
...                         "attempts": 44, "message": "to 10.1.7.31:8080 refused"})
>>> first
{'type': 'java.net.ConnectException'}
>>> identity_facts({"reset_by": "server", "port": 8080, "paths": ["/orders/1234", "/a"]})
{'paths': ['/a', '/orders/<n>'], 'port': 8080, 'reset_by': 'server'}
>>> fingerprint("tcp.reset", {"reset_by": "server", "connections": 4}) == \\
...     fingerprint("tcp.reset", {"reset_by": "server", "connections": 51})
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import orjson

from inspector.model import Finding
from inspector.privacy.redaction import find_identifiers

FINGERPRINT_DIGITS = 32

# The facts that say what the problem is (see the module docstring). Grouped by what they
# identify; an analyzer that wants a fact in its findings' fingerprints names it so.
IDENTITY_KEYS = frozenset({
    # exceptions and errors: the analyzer's own grouping key, the type, the cause
    "signature", "type", "root_cause", "group", "sqlstate", "code", "errno", "exit_code",
    # TLS and TCP: the alert and who sent it, who reset (the host's role), the service port
    "alert", "alert_code", "sender", "reset_by", "role", "port", "protocol", "version",
    # SQL: the query class and what it lacks
    "query_id", "table", "columns",
    # HTTP: the status, the kind of failure, the route
    "status", "statuses", "kind", "kinds", "reason", "errors", "path", "paths",
    # logs: the template of a new error, a crash loop
    "template", "crash_loop",
    # an incident: the rules of the findings it links
    "rule", "findings",
})

# The identity keys whose numbers are codes, not counts.
CODE_KEYS = frozenset({"status", "alert_code", "port", "code", "errno", "exit_code"})

_DIGITS = re.compile(r"\d+")
_HEX_TOKEN = re.compile(r"[0-9A-Fa-f]{1,64}")


def normalise_text(text: str) -> str:
    """Identifiers to their kind, digit runs to ``<n>``; a lone hex token stays as it is.

    >>> normalise_text("upstream 10.2.0.9 timed out after 30000ms")
    'upstream <ipv4> timed out after <n>ms'
    >>> normalise_text("1EA093591D154523A1A3A284F08EF910")
    '1EA093591D154523A1A3A284F08EF910'
    """
    if _HEX_TOKEN.fullmatch(text):
        return text
    parts: list[str] = []
    cursor = 0
    for span in find_identifiers(text):
        parts.append(_DIGITS.sub("<n>", text[cursor:span.start]))
        parts.append(f"<{span.kind.value}>")
        cursor = span.end
    parts.append(_DIGITS.sub("<n>", text[cursor:]))
    return "".join(parts)


def _normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value if key in CODE_KEYS else None
    if isinstance(value, Mapping):
        return sorted({normalise_text(str(key)) for key in value})
    if isinstance(value, list | tuple | set | frozenset):
        items = []
        for item in value:
            normal = identity_facts(item) if isinstance(item, Mapping) else _normalise(item)
            if normal not in (None, {}, []) and normal not in items:
                items.append(normal)
        return sorted(items, key=lambda item: orjson.dumps(item, option=orjson.OPT_SORT_KEYS))
    return normalise_text(str(value))


def identity_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts that identify the problem, normalised (see the module docstring)."""
    kept = {}
    for key in sorted(facts):
        if key not in IDENTITY_KEYS:
            continue
        value = _normalise(facts[key], key)
        if value not in (None, "", [], {}):
            kept[key] = value
    return kept


def fingerprint(rule: str, facts: Mapping[str, Any]) -> str:
    """The fingerprint of a finding of ``rule`` with these ``facts``: 32 hex digits."""
    canonical = orjson.dumps({"rule": rule, "facts": identity_facts(facts)},
                             option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()[:FINGERPRINT_DIGITS]


def finding_fingerprint(finding: Finding) -> str:
    """``fingerprint`` of a finding."""
    return fingerprint(finding.rule, finding.facts)
