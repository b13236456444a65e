"""Findings about where requests go and what the browser lets through: redirect chains,
mixed content and CORS.

- ``http.redirect-loop``: each redirect chain is followed from its first hop, a hop's
  target being the next request to that (masked) URL later in the HAR. A chain is
  reported when it comes back to a URL it passed (HIGH), is ``LONG_REDIRECT_CHAIN`` hops
  or longer, or sends an https request to http (HIGH).
- ``http.mixed-content``: plain-http requests made by an https page. A page is https when
  its first document request is (its first request when it has no document), pages being
  ``pageref`` s; localhost, documents and hops that redirect to https are left out.
- ``http.cors-failure``: entries ``entry_checks`` found failing CORS, grouped by host and
  problem.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator

from analyzers.http.diagnosis import MAX_GROUPS, Diagnosis
from analyzers.http.entries import Record, shown_url
from inspector.model import Finding, Severity
from inspector.privacy.secrets import scan_url
from inspector.rules import rule

REDIRECT_LOOP = rule("http.redirect-loop", Severity.HIGH, "errors",
                     "Redirects that loop, chain too long, or downgrade https to http")
MIXED_CONTENT = rule("http.mixed-content", Severity.MEDIUM, "security",
                     "Plain-http requests made by an https page")
CORS_FAILURE = rule("http.cors-failure", Severity.HIGH, "errors",
                    "Cross-origin requests the browser refuses: failed preflights, "
                    "missing Access-Control-Allow-Origin")

LONG_REDIRECT_CHAIN = 5


def redirect_chains(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.redirect-loop``: chains that loop, run long or downgrade to http."""
    by_url: dict[str, list[int]] = defaultdict(list)
    raw_targets: dict[int, str] = {}
    for position, record in enumerate(diagnosis.records):
        by_url[record.url].append(position)
        if record.redirect_to:
            raw_targets[position] = shown_url(record.redirect_to,
                                              scan_url(record.redirect_to))
    targets: set[int] = set()
    follow: dict[int, int] = {}
    for position, target in raw_targets.items():
        candidates = by_url.get(target, [])
        later = bisect.bisect_right(candidates, position)
        if later < len(candidates):
            follow[position] = candidates[later]
            targets.add(candidates[later])
    found: list[Finding] = []
    for position in sorted(raw_targets):
        if position in targets:
            continue
        chain = [position]
        seen_urls = {diagnosis.records[position].url}
        loop = False
        while chain[-1] in follow and len(chain) <= 50:
            nxt = follow[chain[-1]]
            chain.append(nxt)
            if diagnosis.records[nxt].url in seen_urls:
                loop = True
                break
            seen_urls.add(diagnosis.records[nxt].url)
        if not loop and raw_targets.get(chain[-1]) in seen_urls:
            loop = True
        records = [diagnosis.records[p] for p in chain]
        hops = sum(1 for r in records if r.redirect_to)
        downgrade = any(a.scheme == "https" and raw_targets.get(p, "").startswith("http:")
                        for p, a in zip(chain, records, strict=True))
        if not (loop or hops >= LONG_REDIRECT_CHAIN or downgrade):
            continue
        what = ("loops back on itself" if loop else
                f"is {hops} redirects long" if hops >= LONG_REDIRECT_CHAIN else
                "downgrades https to http")
        if downgrade and what != "downgrades https to http":
            what += " and downgrades https to http"
        found.append(REDIRECT_LOOP.finding(
            f"A redirect chain from {records[0].url[:120]} {what}",
            analyzer="http",
            severity=Severity.HIGH if loop or downgrade else Severity.MEDIUM,
            detail=("The chain: " + " -> ".join(f"entry {r.index} ({r.status})"
                                                for r in records[:12])
                    + (" ..." if len(records) > 12 else "") + "."),
            count=hops, **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"loop": loop, "hops": hops, "downgrade": downgrade,
                   "entries": [r.index for r in records[:50]]},
            remediation=("Loops usually come from a cookie or session the server keeps "
                         "not finding, or two rules (http->https, www, trailing slash) "
                         "that undo each other; fix the redirect rules, and never redirect "
                         "https to http.")))
    if len(found) > MAX_GROUPS:
        found[MAX_GROUPS - 1].facts["groups_not_shown"] = len(found) - MAX_GROUPS
    yield from found[:MAX_GROUPS]


def mixed_content(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.mixed-content``: one finding for all plain-http requests of https pages."""
    # A page is https when its first document request is (its first request if none).
    page_https: dict[str, bool] = {}
    for record in diagnosis.records:
        if record.resource_type == "document":
            page_https.setdefault(record.pageref, record.scheme == "https")
    for record in diagnosis.records:
        page_https.setdefault(record.pageref, record.scheme == "https")
    mixed = [r for r in diagnosis.records
             if r.scheme == "http" and page_https.get(r.pageref)
             and r.resource_type != "document" and r.host not in ("localhost", "127.0.0.1")
             and not (r.redirect_to or "").startswith("https:")]
    if not mixed:
        return
    hosts = Counter(r.host for r in mixed)
    yield MIXED_CONTENT.finding(
        f"{len(mixed)} plain-http request(s) from an https page",
        analyzer="http",
        detail=("An https page loaded these over unencrypted http, to "
                + ", ".join(f"{h} ({n})" for h, n in hosts.most_common(5))
                + ". Browsers block active mixed content (scripts, XHR) and warn on the "
                "rest."),
        count=len(mixed), **diagnosis.span(mixed), evidence=diagnosis.evidence(mixed),
        facts={"hosts": dict(hosts.most_common(10))},
        remediation="Serve these resources over https (or use protocol-relative URLs).")


def cors_failures(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.cors-failure``: failing cross-origin requests by host and problem."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.cors_problem:
            groups[(record.host, record.cors_problem)].append(record)

    def build(key: tuple[str, str], records: list[Record]) -> Finding:
        host, problem = key
        return CORS_FAILURE.finding(
            f"{len(records)} cross-origin request(s) to {host} fail CORS: {problem}",
            analyzer="http",
            detail=(f"The browser refuses the response to script when the CORS checks "
                    f"fail; here: {problem}{diagnosis.when(records)}."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"host": host, "problem": problem},
            remediation=(f"Configure {host} (or the gateway in front of it) to answer "
                         "OPTIONS preflights with 2xx and to send "
                         "Access-Control-Allow-Origin for the calling origin."))
    yield from diagnosis.group_findings(groups, build)
