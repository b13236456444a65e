"""Log levels: the six levels every format is read into, and the words logs write for them.

A level is one of ``LEVEL_ORDER``, from ``trace`` to ``critical``; its ``LEVEL_RANK`` is its
position there, so levels compare as numbers. Every spelling logs use (log4j, java.util.logging,
syslog, Python, Go) maps onto them; ``notice`` and ``config`` count as ``info``, ``fatal``,
``alert`` and ``panic`` as ``critical``. A line whose header names no level is searched for a
level word in its first 80 characters (``search_level``).

>>> normalize_level("WARN"), normalize_level("severe"), normalize_level("notice")
('warning', 'error', 'info')
"""

from __future__ import annotations

import re

LEVEL_ORDER = ("trace", "debug", "info", "warning", "error", "critical")
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVEL_ORDER)}
# The ranks from which a record counts as a warning, and as an error.
WARNING_RANK = LEVEL_RANK["warning"]
ERROR_RANK = LEVEL_RANK["error"]

_LEVEL_WORDS = {
    "trace": "trace", "finest": "trace", "finer": "trace", "verbose": "trace",
    "debug": "debug", "fine": "debug", "dbg": "debug",
    "info": "info", "information": "info", "informational": "info", "notice": "info",
    "config": "info",
    "warn": "warning", "warning": "warning",
    "error": "error", "err": "error", "severe": "error", "fail": "error", "failure": "error",
    "fatal": "critical", "critical": "critical", "crit": "critical", "alert": "critical",
    "emerg": "critical", "emergency": "critical", "panic": "critical",
}
# A regex group matching every level word, any case: format patterns embed it.
LEVEL_PATTERN = (r"(?i:TRACE|FINEST|FINER|VERBOSE|DEBUG|FINE|DBG|INFO|INFORMATION|"
                 r"INFORMATIONAL|NOTICE|CONFIG|WARN|WARNING|ERROR|ERR|SEVERE|FAIL|FATAL|"
                 r"CRITICAL|CRIT|ALERT|EMERG|EMERGENCY|PANIC)")
_LEVEL_SEARCH = re.compile(r"\b(" + LEVEL_PATTERN.replace("(?i:", "(?:") + r")\b")
# Syslog severities 0-7 (RFC 5424 section 6.2.1), indexed by ``priority % 8``.
SYSLOG_SEVERITY = ("critical", "critical", "critical", "error", "warning", "info", "info",
                   "debug")


def normalize_level(word: str | None) -> str | None:
    """One of ``LEVEL_ORDER`` for a level word in any common spelling, else ``None``."""
    if not word:
        return None
    return _LEVEL_WORDS.get(word.strip().strip("[]<>:").lower())


def level_from_status(status: int) -> str:
    """HTTP status as a level: 5xx is an error, 4xx a warning."""
    return "error" if status >= 500 else "warning" if status >= 400 else "info"


def search_level(text: str) -> str | None:
    """The level of the first upper-case level word in ``text``'s first 80 characters.

    >>> search_level("job 7 FAILED: ERROR disk full"), search_level("an error occurred")
    ('error', None)
    """
    match = _LEVEL_SEARCH.search(text, 0, 80)
    return normalize_level(match.group(1)) if match else None
