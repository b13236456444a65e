"""Cutting text to a length without cutting a value in two.

Excerpts, event messages and report lines are cut to a length before anyone redacts them
(the report is redacted when it is exported, long after the analyzers wrote their
excerpts). A cut inside a token leaves a piece no detector recognises: 31 characters of a
36-character GitHub token, ``db1.corp.exa`` of a host name. ``clip`` therefore never cuts
inside a run of non-blank characters: it ends the text before the run that crosses the
limit, so a value is either whole (and found by the redactor) or gone.

The run a cut would split is dropped whole; only when the text's first run is already
longer than the limit is nothing kept but the ellipsis.

>>> clip("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 rejected", 30)
'token …'
>>> clip("short enough", 30)
'short enough'
>>> clip("x" * 50, 10)
'…'
"""

from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a blank, an ellipsis marking the cut
    (see the module doc)."""
    if len(text) <= limit:
        return text
    cut = limit - len(ELLIPSIS)
    if cut < len(text) and not text[cut].isspace():
        while cut > 0 and not text[cut - 1].isspace():
            cut -= 1
    return text[:cut] + ELLIPSIS


def clip_middle(text: str, limit: int, tail: int = 40) -> str:
    """``text`` cut to at most ``limit`` characters in its middle, keeping its start and up to
    ``tail`` characters of its end, both at blanks (a value is whole or gone, as ``clip``):
    for lines that differ only at their end, such as the same call failing on two
    resources.

    >>> clip_middle("reflector.go:108: Failed to list the server could not find the "
    ...             "requested resource (get ingresses.extensions)", 70)
    'reflector.go:108: Failed to list … resource (get ingresses.extensions)'
    >>> clip_middle("short enough", 30)
    'short enough'
    """
    if len(text) <= limit:
        return text
    start = max(1, len(text) - tail)
    while start < len(text) and not text[start - 1].isspace():
        start += 1
    end = text[start:]
    if not end.strip() or len(end) + 2 > limit:
        return clip(text, limit)
    head = clip(text[:start], limit - len(end) - 1)
    return head + " " + end if head != ELLIPSIS else ELLIPSIS + " " + end

