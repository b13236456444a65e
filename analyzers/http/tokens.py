"""Findings about the credentials a HAR carries: expired bearer tokens, and the file as a leak.

- ``http.expired-token``: requests that sent a bearer JWT after its ``exp``, grouped by
  token, with how late it was and how many were answered 401/403: the client's refresh
  logic or its clock.
- ``http.credentials-exposed``: one finding for every credential the HAR carries (see
  ``credentials``), CRITICAL when a token was still valid or a credential does not expire
  by itself (API keys, passwords, basic auth, cloud and private keys, URL credentials).
  "Still valid" means not expired at the *end of the capture* (the last entry's start),
  so the same HAR always gives the same answer; the finding states the expiry times.
  Live and non-expiring secrets come first in the evidence: they are the ones to revoke
  now. Values are shown masked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from analyzers.http.diagnosis import MAX_EVIDENCE, Diagnosis
from analyzers.http.entries import Record
from inspector.model import HANDLING, EntryLocator, Evidence, Finding, Severity, format_time
from inspector.privacy.secrets import SecretKind
from inspector.rules import rule

EXPIRED_TOKEN = rule("http.expired-token", Severity.HIGH, "authentication",
                     "A bearer JWT was sent after its exp time")
# A warning for whoever handles the HAR, not the case's root cause (``inspector.findings``).
CREDENTIALS_EXPOSED = rule("http.credentials-exposed", Severity.HIGH, "security",
                           "The HAR carries credentials (cookies, tokens, keys, passwords)",
                           concern=HANDLING)


def expired_tokens(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.expired-token``: requests that sent an expired bearer JWT, by token."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in diagnosis.records:
        if record.bearer_jwt_expired:
            groups[record.bearer_jwt_expired[0]].append(record)

    def build(masked: str, records: list[Record]) -> Finding:
        expires = records[0].bearer_jwt_expired[1]  # type: ignore[index]
        first = next((r.started for r in records if r.started), None)
        late = first - expires if first else timedelta(0)
        rejected = sum(1 for r in records if r.status in (401, 403))
        return EXPIRED_TOKEN.finding(
            f"{len(records)} request(s) sent a bearer token that expired at "
            f"{format_time(expires)}",
            analyzer="http",
            detail=(f"The JWT {masked} has exp {format_time(expires)}; it was still "
                    f"being sent {_duration(late)} later, in {len(records)} request(s)"
                    f"{diagnosis.when(records)}, and {rejected} of them were answered "
                    "401/403."),
            count=len(records), **diagnosis.span(records), evidence=diagnosis.evidence(records),
            facts={"token": masked, "expired_at": format_time(expires),
                   "rejected": rejected},
            remediation=("The client kept using an expired access token: check its "
                         "refresh logic (refresh before exp, retry once on 401) and the "
                         "client's clock."))
    yield from diagnosis.group_findings(groups, build)


def exposed_credentials(diagnosis: Diagnosis) -> Iterator[Finding]:
    """``http.credentials-exposed``: every credential the HAR carries, masked."""
    state = diagnosis.state
    if not state.ledger.credentials:
        return
    end = state.last_start
    live = [c for c in state.ledger.credentials.values()
            if c.expires_at is not None and end is not None and c.expires_at > end]
    lasting = [c for c in state.ledger.credentials.values()
               if c.kind in (SecretKind.API_KEY, SecretKind.BASIC_AUTH,
                             SecretKind.PASSWORD, SecretKind.CLOUD_KEY,
                             SecretKind.PRIVATE_KEY, SecretKind.URL_CREDENTIALS)]
    entries = sorted(set().union(*state.ledger.credential_entries.values()))
    kinds = {str(kind): len(found)
             for kind, found in sorted(state.ledger.credential_entries.items())}
    by_index = {r.index: r for r in diagnosis.records}
    records = [by_index[i] for i in entries if i in by_index]
    # Live and non-expiring secrets first: they are the ones to revoke now.
    ordered = sorted(state.ledger.credentials.values(),
                     key=lambda c: (c not in live, c not in lasting, c.kind.value,
                                    c.entries[0], c.masked))
    warning = ""
    if live:
        warning = (f" {len(live)} token(s) were still valid at the end of the capture "
                   "(expiring " + ", ".join(sorted({format_time(c.expires_at) or ""
                                                    for c in live})[:3]) + ").")
    if lasting:
        warning += (f" {len(lasting)} credential(s) do not expire by themselves "
                    "(API keys, passwords, basic auth).")
    yield CREDENTIALS_EXPOSED.finding(
        f"The HAR carries credentials in {len(entries)} entries: "
        + ", ".join(kinds),
        analyzer="http",
        severity=Severity.CRITICAL if live or lasting else Severity.HIGH,
        detail=(f"{len(state.ledger.credentials)} distinct secret(s) of kind(s) "
                f"{', '.join(kinds)} appear in {len(entries)} entries.{warning} Anyone "
                "holding this file can replay them; values are shown masked."),
        count=len(entries), **diagnosis.span(records),
        evidence=[Evidence(diagnosis.artifact, EntryLocator(c.entries[0]),
                           f"{c.where} {c.name or ''} {c.kind.value}: {c.masked}"
                           .replace("  ", " "))
                  for c in ordered[:MAX_EVIDENCE]],
        facts={"kinds": kinds, "entries": entries[:200],
               "secrets": [{"kind": c.kind.value, "where": c.where, "name": c.name,
                            "masked": c.masked, "entries": len(c.entries),
                            "expires_at": format_time(c.expires_at),
                            "valid_at_capture_end": c in live}
                           for c in ordered[:50]]},
        remediation=("Treat these credentials as leaked: revoke the sessions and rotate "
                     "the keys, delete the HAR from shared places, and ask for sanitized "
                     "exports (Chrome's default export without sensitive data) in future."),
        references=["https://blog.cloudflare.com/how-cloudflare-mitigated-yet-another-"
                    "okta-compromise/"])


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
