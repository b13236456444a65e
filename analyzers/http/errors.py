"""Findings about requests that failed: 5xx answers, 4xx refusals, and no answer at all.

- ``http.server-errors``: 5xx answers grouped by host and path template, with how many
  requests to the same path and in the whole HAR succeeded; 502/503/504 point at a gateway
  that got no answer from its backend, 500 at the application.
- ``http.client-errors``: 401, 403 and 407 grouped by host and status, called a burst
  (HIGH) from ``AUTH_BURST`` answers on, saying how many carried an expired bearer token
  and, for a Chrome export without cookies and ``Authorization``, that whether
  credentials were sent cannot be told; other 4xx by host, path template and status
  (404 and 410 LOW). A 404 for what browsers request by themselves (``/favicon.ico``,
  ``apple-touch-icon``) is not one: every site without an icon gets it.
- ``http.failed-requests``: status-0 entries not served from cache, grouped by failure
  reason. Failures the user's browser chose (an ad blocker, a cancelled request) are no
  finding, only context on the timeline; a request blocked by a policy is LOW.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from analyzers.http.diagnosis import Diagnosis
from analyzers.http.entries import CLIENT_SIDE_REASONS, Record, browser_probe, path_template
from inspector.model import Finding, Severity
from inspector.rules import rule

SERVER_ERRORS = rule("http.server-errors", Severity.HIGH, "errors",
                     "Requests the server answered with a 5xx status", same_cause=("host", "path"))
CLIENT_ERRORS = rule("http.client-errors", Severity.MEDIUM, "errors",
                     "Requests refused with a 4xx status (401/403 bursts: authentication)")
FAILED_REQUESTS = rule("http.failed-requests", Severity.HIGH, "connectivity",
                       "Requests that got no response at all (status 0)")

AUTH_BURST = 3  # this many 401/403 answers make a burst worth calling out


def server_errors(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.server-errors``: 5xx answers by host and path template."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.status >= 500:
            groups[(record.host, path_template(record.path))].append(record)
    if not groups:
        return
    others_ok = sum(1 for r in diagnosis.records if 200 <= r.status < 400)

    def build(key: tuple[str, str], records: list[Record]) -> Finding:
        host, template = key
        statuses = Counter(r.status for r in records)
        codes = "/".join(str(code) for code in sorted(statuses))
        total, succeeded = diagnosis.total_for(host, template)
        return SERVER_ERRORS.finding(
            f"{len(records)} request(s) to {host}{template} got server errors ({codes})",
            analyzer="http",
            detail=(f"The server answered {len(records)} of {total} request(s) to "
                    f"{host}{template} with {codes}{diagnosis.when(records)}; "
                    f"{succeeded} request(s) to the same path succeeded and "
                    f"{others_ok} request(s) in the whole HAR succeeded. "
                    + _gateway_hint(statuses)),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"host": host, "path": template,
                   "statuses": {str(c): n for c, n in sorted(statuses.items())},
                   "requests_to_path": total, "succeeded_on_path": succeeded},
            remediation=("Check the service behind this path (its logs at these times, "
                         "its health checks, the gateway's upstream timeouts); 502/504 "
                         "from a gateway mean the backend failed or was too slow, not "
                         "the gateway itself."))
    yield from diagnosis.group_findings(groups, build)


def client_errors(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.client-errors``: 401/403/407 by host and status, other 4xx by path."""
    auth: dict[tuple[str, int], list[Record]] = defaultdict(list)
    other: dict[tuple[str, str, int], list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.status in (401, 403, 407):
            auth[(record.host, record.status)].append(record)
        elif 400 <= record.status < 500 and not (record.status == 404
                                                   and browser_probe(record.path)):
            other[(record.host, path_template(record.path), record.status)].append(record)
    omitted = diagnosis.state.credentials_omitted

    def build_auth(key: tuple[str, int], records: list[Record]) -> Finding:
        host, status = key
        meaning = ("rejected as not authorized (403: the credentials are valid but lack "
                   "permission)" if status == 403 else
                   "rejected as unauthenticated (401: missing, invalid or expired "
                   "credentials)" if status == 401 else
                   "refused by a proxy asking for credentials (407)")
        burst = len(records) >= AUTH_BURST
        paths = sorted({path_template(r.path) for r in records})
        notes = [f"{len(records)} request(s) across {len(paths)} path(s) got {status}"
                 f"{diagnosis.when(records)}."]
        if omitted:
            notes.append("This Chrome export omits cookies and Authorization headers, so "
                         "whether credentials were sent cannot be told from the HAR.")
        expired = sum(1 for r in records if r.bearer_jwt_expired)
        if expired:
            notes.append(f"{expired} of these requests carried a bearer token that had "
                         "already expired (see http.expired-token).")
        return CLIENT_ERRORS.finding(
            (f"Authentication burst: {len(records)} requests to {host} {meaning}"
             if burst else f"{len(records)} request(s) to {host} {meaning}"),
            analyzer="http", severity=Severity.HIGH if burst else Severity.MEDIUM,
            detail=" ".join(notes),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"host": host, "status": status,
                   "kind": "authorization" if status == 403 else "authentication",
                   "paths": paths[:20], "burst": burst,
                   "expired_token_requests": expired,
                   "credentials_omitted_by_exporter": omitted},
            remediation=("Sign in again or refresh the token; if it repeats, check the "
                         "identity provider and the token lifetime/refresh logic, and "
                         "the clocks of client and server."
                         if status != 403 else
                         "Check the user's roles and the resource's permissions."))

    def build_other(key: tuple[str, str, int], records: list[Record]) -> Finding:
        host, template, status = key
        return CLIENT_ERRORS.finding(
            f"{len(records)} request(s) to {host}{template} got {status}",
            analyzer="http",
            severity=Severity.LOW if status in (404, 410) else Severity.MEDIUM,
            detail=(f"The server refused {len(records)} request(s) to {host}{template} "
                    f"with {status}{diagnosis.when(records)}."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"host": host, "path": template, "status": status},
            remediation=("A 4xx is the server saying the request is wrong: compare the "
                         "request (URL, body, headers) with what the API expects."))

    yield from diagnosis.group_findings(auth, build_auth)
    yield from diagnosis.group_findings(other, build_other)


def failed_requests(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.failed-requests``: status-0 entries by failure reason."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if (record.status == 0 and not record.from_cache
                and record.reason not in CLIENT_SIDE_REASONS):
            groups[record.reason].append(record)

    def build(reason: str, records: list[Record]) -> Finding:
        hosts = Counter(r.host for r in records)
        errors = Counter(r.error for r in records if r.error)
        minor = reason.startswith("blocked")
        return FAILED_REQUESTS.finding(
            f"{len(records)} request(s) got no response: {reason}",
            analyzer="http", severity=Severity.LOW if minor else Severity.HIGH,
            detail=(f"{len(records)} request(s) ended with status 0 ({reason})"
                    f"{diagnosis.when(records)}, to "
                    + ", ".join(f"{h} ({n})" for h, n in hosts.most_common(5)) + "."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"reason": reason, "hosts": dict(hosts.most_common(10)),
                   "errors": dict(errors.most_common(5))},
            remediation=_FAILURE_REMEDIATION.get(reason, "Compare with a packet capture "
                                                 "or the proxy/firewall logs of the time."))
    yield from diagnosis.group_findings(groups, build)


def _gateway_hint(statuses: Counter[int]) -> str:
    if statuses.keys() & {502, 503, 504}:
        return ("502/503/504 usually come from a gateway or load balancer that could not get "
                "an answer from the backend.")
    return "500 is the application itself failing."


_FAILURE_REMEDIATION = {
    "connection refused": "Nothing listened on the server port: check the service is up and "
                          "the address/port and any load balancer target are right.",
    "DNS lookup failed": "The name did not resolve: check the host name, the DNS server and "
                         "any VPN/split-DNS setup.",
    "certificate or TLS error": "Check the server certificate (expiry, name, chain) and any "
                                "TLS-inspecting proxy.",
    "timed out": "The server or a firewall never answered: check reachability and timeouts.",
    "connection reset or closed": "Something closed the connection mid-request: check proxies, "
                                  "load balancer idle timeouts and server crashes.",
    "too many redirects": "See http.redirect-loop: fix the redirect rules.",
}
