"""Warning events no other finding holds, grouped by reason and object.

Each artifact already grouped its events (``state``); here the groups of the whole bundle
meet. One event list and ``kubectl describe`` show the same events twice, so a group seen in
several files keeps the largest count, not the sum. Groups that a pod, node or job finding
already quotes are left to it. What remains is judged by ``noise``: benign reasons, resolved
scheduling and start-up probe failures are reported once per reason at ``info`` (so the
analysis says it looked at them), the rest per object, medium when the reason means work is
not getting done, low otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analyzers.kubernetes import noise
from analyzers.kubernetes.evidence import Gathered, evidence, plural, time_of
from analyzers.kubernetes.rules import CLUSTER_ANALYZER, WARNING_EVENTS
from inspector.model import Finding, Severity

_MAX_OBJECTS = 8


def merge_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str, str, str, str], dict[str, Any]] = {}
    for group in groups:
        key = (group["namespace"], group["kind"], group["name"], group["reason"], group["type"])
        known = merged.get(key)
        if known is None:
            merged[key] = {**group, "sources": [group]}
            continue
        known["sources"].append(group)
        known["count"] = max(known["count"], group["count"])
        for message in group.get("messages") or []:
            if message not in known["messages"] and len(known["messages"]) < 3:
                known["messages"].append(message)
        for name, pick in (("first", min), ("last", max)):
            times = [t for t in (known.get(name), group.get(name)) if time_of(t)]
            if times:
                known[name] = pick(times, key=time_of)
    return list(merged.values())


def _noise_reason(group: dict[str, Any], gathered: Gathered, unhealthy: set[str]) -> str | None:
    """Why a group is noise, in words, or ``None`` when it is not."""
    message = " ".join(group.get("messages") or [])
    if noise.benign_event(group["reason"]):
        return noise.BENIGN_REASONS[group["reason"]]
    subject = f"{group['namespace']}/{group['kind']}/{group['name']}"
    if group["reason"] == "FailedScheduling":
        scheduled = time_of(gathered.normal.get(subject, {}).get("Scheduled"))
        last = time_of(group.get("last"))
        if scheduled and (last is None or scheduled >= last):
            return "the pod was scheduled afterwards"
        if noise.startup_taints_only(message) and subject not in unhealthy and scheduled:
            return "only start-up taints, and the pod was scheduled afterwards"
    if noise.transient_probe(group["reason"], group["count"], subject in unhealthy):
        return (f"{plural(group['count'], 'probe failure')} while the container started; "
                "it is not failing now")
    return None


def event_findings(gathered: Gathered, consumed: set[str], unhealthy: set[str]
                   ) -> Iterator[Finding]:
    noise_by_reason: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for group in merge_groups([g for g in gathered.get("events") if g["type"] != "Normal"]):
        subject = f"{group['namespace']}/{group['kind']}/{group['name']}"
        if subject in consumed:
            continue
        why = _noise_reason(group, gathered, unhealthy)
        if why is not None:
            noise_by_reason.setdefault(group["reason"], []).append((group, why))
            continue
        yield _object_finding(group)
    for reason, groups in sorted(noise_by_reason.items()):
        yield _noise_finding(reason, groups)


def _object_finding(group: dict[str, Any]) -> Finding:
    subject = _subject(group)
    message = (group.get("messages") or [""])[0]
    serious = group["reason"] in noise.SERIOUS_REASONS
    severity = Severity.MEDIUM if (serious and group["count"] > 1) or group["reason"] in (
        "FailedMount", "Evicted", "NodeNotReady", "OOMKilling", "SystemOOM") else Severity.LOW
    first, last = time_of(group.get("first")), time_of(group.get("last"))
    span = f" from {group['first']} to {group['last']}" if first and last and first != last \
        else (f" at {group['last']}" if last else "")
    return WARNING_EVENTS.finding(
        f"{group['reason']} x{group['count']} on {subject}: {message[:140]}",
        analyzer=CLUSTER_ANALYZER, severity=severity,
        detail=f"Kubernetes recorded {plural(group['count'], 'Warning event')} "
               f"{group['reason']} about {subject}{span}"
               + (f", reported by {group['source']}" if group.get("source") else "")
               + ". Messages: " + " | ".join(group.get("messages") or ["(none)"]),
        count=group["count"], first_seen=first, last_seen=last,
        evidence=[evidence(source, f"{group['type']} {group['reason']} x{source['count']}: "
                           f"{(source.get('messages') or [''])[0]}")
                  for source in group["sources"][:3]],
        facts={"reason": group["reason"], "namespace": group["namespace"] or None,
               "object": f"{group['kind']}/{group['name']}", "count": group["count"]},
        remediation=f"Read what {group['reason']} says about {subject} and whether it still "
                    "happens at collection time; the object's own status says what it "
                    "costs.")


def _subject(group: dict[str, Any]) -> str:
    """``Pod shop/web-1``, ``Node node-a``, or ``namespace shop`` when a collector kept no
    object (the Insights archive's events)."""
    if not group["name"]:
        return f"namespace {group['namespace']}" if group["namespace"] else "the cluster"
    where = f"{group['namespace']}/{group['name']}" if group["namespace"] else group["name"]
    return f"{group['kind']} {where}".strip()


def _noise_finding(reason: str, groups: list[tuple[dict[str, Any], str]]) -> Finding:
    count = sum(group["count"] for group, _ in groups)
    objects = sorted({f"{g['namespace']}/{g['name']}".lstrip("/") for g, _ in groups})
    shown = ", ".join(objects[:_MAX_OBJECTS]) + (" …" if len(objects) > _MAX_OBJECTS else "")
    why = groups[0][1]
    times = [t for g, _ in groups for t in (time_of(g.get("first")), time_of(g.get("last")))
             if t]
    return WARNING_EVENTS.finding(
        f"{reason} x{count} on {plural(len(objects), 'object')}: expected, not a fault",
        analyzer=CLUSTER_ANALYZER, severity=Severity.INFO,
        detail=f"Not a fault: {why}. Objects: {shown}.", count=count,
        first_seen=min(times) if times else None, last_seen=max(times) if times else None,
        evidence=[evidence(g, f"{g['type']} {g['reason']} x{g['count']}: "
                           f"{(g.get('messages') or [''])[0]}") for g, _ in groups[:3]],
        facts={"reason": reason, "objects": len(objects), "count": count, "noise": why},
        remediation="Nothing to do for these.")
