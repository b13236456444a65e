"""Findings about where the time and the bytes go: slow answers, big payloads, no caching.

- ``http.slow-responses``: requests to a host that waited ``SLOW_WAIT_MS`` or more for the
  first byte (server time plus a network round trip; HIGH from ten times that), and apart
  from them, requests that stalled ``QUEUEING_MS`` or more in the browser before being
  sent (connection limits, priorities, a busy main thread: LOW, not the server's doing).
  Cached and failed requests are left out.
- ``http.large-payload``: entries ``entry_checks`` flagged as a large request or response
  or as uncompressed text, grouped by problem.
- ``http.caching``: static assets served without cache headers, grouped by host.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzers.http.diagnosis import Diagnosis
from analyzers.http.entries import Record
from analyzers.http.state import percentile, rounded
from inspector.model import Finding, Severity
from inspector.rules import rule

SLOW_RESPONSES = rule("http.slow-responses", Severity.MEDIUM, "performance",
                      "Requests that waited long for the first byte, or queued in the browser")
LARGE_PAYLOAD = rule("http.large-payload", Severity.LOW, "performance",
                     "Very large responses or requests, and big text sent uncompressed")
CACHING = rule("http.caching", Severity.LOW, "performance",
               "Static assets served without cache headers")

SLOW_WAIT_MS = 1_000.0
QUEUEING_MS = 1_000.0


def slow_responses(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.slow-responses``: slow first bytes by host, then long browser queues."""
    slow: dict[str, list[Record]] = defaultdict(list)
    queued: dict[str, list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.from_cache or record.status == 0:
            continue
        if record.wait is not None and record.wait >= SLOW_WAIT_MS:
            slow[record.host].append(record)
        if record.queued is not None and record.queued >= QUEUEING_MS:
            queued[record.host].append(record)

    def build(host: str, records: list[Record]) -> Finding:
        ranked = sorted(records, key=lambda r: (-(r.wait or 0), r.index))
        waits = sorted(r.wait or 0 for r in records)
        host_waits = sorted(diagnosis.state.host_waits.get(host, ()))
        return SLOW_RESPONSES.finding(
            f"{len(records)} request(s) to {host} waited over "
            f"{SLOW_WAIT_MS / 1000:g} s for the first byte (slowest {waits[-1] / 1000:.1f} s)",
            analyzer="http",
            severity=Severity.HIGH if waits[-1] >= 10 * SLOW_WAIT_MS else Severity.MEDIUM,
            detail=(f"Time to first byte is server time (plus network round trip): "
                    f"{host} took a median of {percentile(waits, 50) or 0:.0f} ms over "
                    f"these requests{diagnosis.when(records)}; its median over all requests "
                    f"is {percentile(host_waits, 50) or 0:.0f} ms. Queueing in the "
                    "browser is not included."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(ranked),
            facts={"host": host, "kind": "server", "slowest_ms": rounded(waits[-1]),
                   "p50_ms": rounded(percentile(waits, 50)),
                   "host_p95_ms": rounded(percentile(host_waits, 95)),
                   "slowest_entries": [r.index for r in ranked[:10]]},
            remediation=("Look at the server's handling of these paths at these times "
                         "(slow queries, locks, upstream calls); the waterfall shows "
                         "whether the time is server wait or transfer."))

    def build_queued(host: str, records: list[Record]) -> Finding:
        ranked = sorted(records, key=lambda r: (-(r.queued or 0), r.index))
        worst = ranked[0].queued or 0
        return SLOW_RESPONSES.finding(
            f"{len(records)} request(s) to {host} stalled over "
            f"{QUEUEING_MS / 1000:g} s in the browser before being sent",
            analyzer="http", severity=Severity.LOW,
            detail=("Queueing/stalled time is spent in the browser (connection limits, "
                    "priorities, a busy main thread), not on the server: the longest was "
                    f"{worst:.0f} ms{diagnosis.when(records)}."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(ranked),
            facts={"host": host, "kind": "queueing", "longest_ms": rounded(worst)},
            remediation=("Fewer parallel requests to one host, HTTP/2, or lazy loading "
                         "shorten browser queues."))

    yield from diagnosis.group_findings(slow, build)
    yield from diagnosis.group_findings(queued, build_queued)


def large_payloads(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.large-payload``: flagged entries by problem."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.payload_problem:
            groups[record.payload_problem].append(record)

    def build(problem: str, records: list[Record]) -> Finding:
        ranked = sorted(records, key=lambda r: (-r.size, r.index))
        total = sum(r.size for r in records)
        return LARGE_PAYLOAD.finding(
            f"{len(records)} {problem} payload(s)",
            analyzer="http",
            detail=(f"{len(records)} entries flagged as {problem}; they transferred "
                    f"{total / 1024 / 1024:.1f} MB in all."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(ranked),
            facts={"problem": problem, "transferred_bytes": total},
            remediation=("Enable gzip/brotli for text responses." if problem ==
                         "uncompressed text" else "Paginate or stream large payloads."))
    yield from diagnosis.group_findings(groups, build)


def uncached_assets(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.caching``: static assets without cache headers, by host."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.uncached_static:
            groups[record.host].append(record)

    def build(host: str, records: list[Record]) -> Finding:
        return CACHING.finding(
            f"{len(records)} static asset(s) from {host} have no cache headers",
            analyzer="http",
            detail=("Scripts, styles, images and fonts served without Cache-Control or "
                    "Expires are fetched again (or revalidated) on every visit."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"host": host},
            remediation=("Send Cache-Control: max-age (immutable for fingerprinted "
                         "file names) for static assets."))
    yield from diagnosis.group_findings(groups, build)
