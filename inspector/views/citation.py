"""What "add to report" drops at the report's cursor: a finding, an evidence line, a packet
or a HAR entry, cited so a reader of the escalation can find it again.

A citation names the member and the place (``line 13``, ``packet 40``, ``entry 7``), says
when when it is known (on the UTC axis, as a person reads it) and quotes a short excerpt on
one line. Excerpts keep their text: redaction happens at preview and export, as for the rest
of the report.

>>> from inspector.model import Evidence, PacketLocator
>>> print(evidence_citation(Evidence("net/eth0.pcapng", PacketLocator(40),
...                                  "10.0.0.5 → 203.0.113.10 TLSv1.2 Alert (Level: Fatal)")))
> net/eth0.pcapng, packet 40: 10.0.0.5 → 203.0.113.10 TLSv1.2 Alert (Level: Fatal)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from inspector.model import Evidence, Finding
from inspector.timeline import corrected_span, span_text

EXCERPT_CHARS = 240


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_CHARS else line[:EXCERPT_CHARS - 1] + "…"


def evidence_citation(evidence: Evidence) -> str:
    """``> member, place: excerpt``."""
    excerpt = _one_line(evidence.excerpt)
    return (f"> {evidence.artifact}, {evidence.locator.describe()}"
            + (f": {excerpt}" if excerpt else ""))


def finding_citation(finding: Finding, offsets: Mapping[str, timedelta] | None = None) -> str:
    """``- title (seen …; member, place)``: a finding as one line of the report's text.

    >>> from datetime import UTC, datetime
    >>> from inspector.model import LineLocator, Severity
    >>> finding = Finding(rule="log.exception", severity=Severity.HIGH, category="errors",
    ...     title="SSLHandshakeException x143", analyzer="logs",
    ...     first_seen=datetime(2026, 11, 17, 9, 14, 1, tzinfo=UTC),
    ...     evidence=[Evidence("logs/sync.log", LineLocator(90))])
    >>> finding_citation(finding)
    '- SSLHandshakeException x143 (seen 2026-11-17 09:14:01 UTC; logs/sync.log, line 90)'
    """
    parts = []
    first, last, _offset = corrected_span(finding, offsets or {})
    if first is not None:
        parts.append(f"seen {span_text(first, last)}")
    if finding.evidence:
        proof = finding.evidence[0]
        parts.append(f"{proof.artifact}, {proof.locator.describe()}")
    return f"- {finding.title}" + (f" ({'; '.join(parts)})" if parts else "")
