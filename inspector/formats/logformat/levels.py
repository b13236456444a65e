"""Log levels: the six levels every format is read into, and the ways sources write them.

A level is one of ``LEVEL_ORDER``, from ``trace`` to ``critical``; its ``LEVEL_RANK`` is its
position there, so levels compare as numbers. Every spelling logs use (log4j, java.util.logging,
syslog, Python, Go, .NET, MySQL, Windows) maps onto them; ``notice``, ``note`` and ``config``
count as ``info``, ``fatal``, ``alert`` and ``panic`` as ``critical``.

A level always comes from the source's own convention, never from guessing at free text:
a level field of the header, the syslog priority (``SYSLOG_SEVERITY``), a one-letter
severity (klog/glog, Android, MongoDB: ``LETTER_LEVELS``), the HTTP status of an access
log (``level_from_status``), or, for a message wrapped by another format (a journal, a
container runtime, a bare text line), the header the message itself starts with
(``message_level``: a klog header, ``level=error``, ``"level":"error"``, ``ERROR ...``,
``[warn]``, ``error: ...``). A line that says "an error occurred" has no level.

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
    "trace": "trace", "finest": "trace", "finer": "trace", "verbose": "trace", "trce": "trace",
    "debug": "debug", "fine": "debug", "dbg": "debug", "dbug": "debug",
    "info": "info", "information": "info", "informational": "info", "notice": "info",
    "config": "info", "note": "info", "system": "info",
    "warn": "warning", "warning": "warning",
    "error": "error", "err": "error", "severe": "error", "fail": "error", "failure": "error",
    "fatal": "critical", "critical": "critical", "crit": "critical", "alert": "critical",
    "emerg": "critical", "emergency": "critical", "panic": "critical",
}
# A regex group matching every level word, any case: format patterns embed it.
LEVEL_PATTERN = (r"(?i:TRACE|FINEST|FINER|VERBOSE|TRCE|DEBUG|FINE|DBG|DBUG|INFO|INFORMATION|"
                 r"INFORMATIONAL|NOTICE|NOTE|CONFIG|WARN|WARNING|ERROR|ERR|SEVERE|FAIL|FATAL|"
                 r"CRITICAL|CRIT|ALERT|EMERG|EMERGENCY|PANIC)")
# The same words in capitals only: a bare word that is a level only when shouted.
UPPER_LEVEL_PATTERN = LEVEL_PATTERN.replace("(?i:", "(?:")
# Syslog severities 0-7 (RFC 5424 section 6.2.1), indexed by ``priority % 8``.
SYSLOG_SEVERITY = ("critical", "critical", "critical", "error", "warning", "info", "info",
                   "debug")
# One-letter severities: klog/glog (IWEF), Android logcat (VDIWEFA), MongoDB (FEWID).
LETTER_LEVELS = {"V": "trace", "D": "debug", "I": "info", "W": "warning", "E": "error",
                 "F": "critical", "A": "critical"}

# What a message's own header may start with: an optional timestamp and process id, then a
# klog letter and its clock, a bracketed level, a level in capitals, or ``level:`` (CLI
# tools, .NET's console logger). Every repeat is bounded and no digit is literal.
MESSAGE_HEAD = re.compile(
    r"\s{0,4}(?:\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}[^\s\]]{0,25}\]?\s{1,5})?"
    r"(?:\d{1,10}\s{1,5})?"
    r"(?:(?P<letter>[IWEF])\d{4}(?:\d{4})? \d{2}:\d{2}:\d{2}\.\d{6}"
    r"(?:\s{1,20}\d{1,10} [^\s\]]{1,300}:\d{1,10}\] ?|\s)"
    r"|[\[<(]\s{0,3}(?P<bracketed>" + LEVEL_PATTERN + r")\s{0,3}[\]>)]"
    r"|(?P<upper>" + UPPER_LEVEL_PATTERN + r")(?![\w.(/-])"
    r"|(?P<colon>" + LEVEL_PATTERN + r"):(?=\s))")
# Structured fields anywhere in the message's head: logfmt ``level=warn``, JSON
# ``"level": "warn"``.
LEVEL_FIELD = re.compile(
    r"(?:^|[\s{,])(?:level|lvl|severity|loglevel)=\"?(?P<logfmt>" + LEVEL_PATTERN + r")\b"
    r"|\"(?:level|lvl|severity|levelname|log\.level)\"\s{0,3}:\s{0,3}\"(?P<json>"
    + LEVEL_PATTERN + r")\"")
MESSAGE_HEAD_CHARS = 300  # a message's header is at its start


def normalize_level(word: str | None) -> str | None:
    """One of ``LEVEL_ORDER`` for a level word in any common spelling, else ``None``."""
    if not word:
        return None
    return _LEVEL_WORDS.get(word.strip().strip("[]<>:").lower())


def level_from_status(status: int) -> str:
    """HTTP status as a level: 5xx is an error, 4xx a warning."""
    return "error" if status >= 500 else "warning" if status >= 400 else "info"


def message_head(text: str) -> tuple[str | None, int]:
    """The level a message's own header writes (see the module doc), or ``None``, and where
    the message starts after that header (``0`` when the level is a field of it: logfmt,
    JSON).

    >>> message_head("E1002 02:37:18.982345    1128 file.go:190] Error syncing pod")
    ('error', 43)
    """
    head = MESSAGE_HEAD.match(text, 0, MESSAGE_HEAD_CHARS)
    if head is not None:
        letter = head.group("letter")
        level = LETTER_LEVELS[letter] if letter else normalize_level(
            head.group("bracketed") or head.group("upper") or head.group("colon"))
        end = head.end()
        while end < len(text) and text[end] in " \t:-|":
            end += 1
        return level, end
    field = LEVEL_FIELD.search(text, 0, MESSAGE_HEAD_CHARS)
    if field is not None:
        return normalize_level(field.group("logfmt") or field.group("json")), 0
    return None, 0


def message_level(text: str) -> str | None:
    """The level a message's own header writes (see the module doc), else ``None``.

    >>> [message_level(t) for t in ("E1002 02:37:18.982345    1128 file.go:190] x",
    ...  'time="2025-01-02T03:04:05Z" level=fatal msg="bye"', "[WARN] disk low",
    ...  "error: no such file", "ERROR boom", "job failed: an ERROR occurred")]
    ['error', 'critical', 'warning', 'error', 'error', None]
    """
    return message_head(text)[0]
