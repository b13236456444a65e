"""Pods: crash loops, OOM kills, restarts, image pulls, config errors, Pending, not Ready.

The same pod may be in several files (a JSON dump, ``kubectl describe``, a ``get pods``
table): its records are merged by namespace and name, the fullest container record winning.
Each container gets at most one problem, judged in this order: it cannot pull its image; it
cannot be created (a missing Secret or ConfigMap); it is crash-looping now (OOMKilled is
its own rule, with the memory limit); it restarted and is running now; it runs but is not
Ready. A pod with no container running that the scheduler cannot place is Pending.

Problems of one workload with the same cause become one finding (two replicas of a
Deployment failing to pull the same image are one fault), with every pod named. The
events about a pod are folded into its finding (they are its evidence, not a second
finding); ``consumed`` tells the event judge which.

The crash findings quote the container's previous log when the bundle has it: the last
lines it wrote before it was killed (``links``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from analyzers.kubernetes import noise
from analyzers.kubernetes.evidence import Gathered, evidence, plural, time_of, workload_of
from analyzers.kubernetes.links import PodLogs, tail
from analyzers.kubernetes.rules import (
    CLUSTER_ANALYZER,
    CONTAINER_CONFIG,
    CRASH_LOOP,
    IMAGE_PULL,
    OOM_KILLED,
    POD_NOT_READY,
    POD_PENDING,
    RESTARTS,
)
from inspector.model import Evidence, Finding, LineLocator, Severity
from inspector.rules import Rule

IMAGE_REASONS = frozenset({"ErrImagePull", "ImagePullBackOff", "InvalidImageName",
                           "ErrImageNeverPull", "ImageInspectError"})
CONFIG_REASONS = frozenset({"CreateContainerConfigError", "CreateContainerError",
                            "RunContainerError"})
_MAX_LISTED = 8
_MAX_PREVIOUS_LOGS = 3


@dataclass
class Problem:
    rule: Rule
    namespace: str
    workload: str
    container: str
    cause: str  # what groups replicas: the image, the exit reason...
    pods: list[dict[str, Any]] = field(default_factory=list)
    containers: list[dict[str, Any]] = field(default_factory=list)


def merge_pods(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        key = (record.get("namespace") or "", record.get("name") or "")
        if key not in merged:
            merged[key] = {**record, "containers": [dict(c, artifact=record["artifact"])
                                                    for c in record.get("containers", [])],
                           "sources": [record]}
            continue
        pod = merged[key]
        pod["sources"].append(record)
        for field_name in ("node", "owner", "started", "unschedulable", "reason"):
            pod[field_name] = pod.get(field_name) or record.get(field_name)
        by_name = {c["name"]: c for c in pod["containers"]}
        for container in record.get("containers", []):
            known = by_name.get(container["name"]) or by_name.get("")
            if known is None:
                pod["containers"].append(dict(container, artifact=record["artifact"]))
            else:
                for name, value in container.items():
                    if known.get(name) in (None, "", 0) and value not in (None, ""):
                        known[name] = value
    return list(merged.values())


def _problem_of(pod: dict[str, Any], container: dict[str, Any],
                collected: datetime | None) -> tuple[Rule, str] | None:
    reason = container.get("reason") or ""
    last = container.get("last") or {}
    if reason in IMAGE_REASONS:
        return IMAGE_PULL, container.get("image") or ""
    if reason in CONFIG_REASONS:
        return CONTAINER_CONFIG, reason
    crashed = reason == "CrashLoopBackOff" or (
        container.get("state") == "terminated" and container.get("restarts")
        and container.get("exit_code") not in (0, None))
    if crashed:
        cause = last.get("reason") or container.get("reason") or ""
        return (OOM_KILLED if cause == "OOMKilled" else CRASH_LOOP), cause
    if container.get("restarts") and container.get("state") == "running":
        if last.get("reason") == "OOMKilled":
            return OOM_KILLED, "OOMKilled"
        if _bootstrap(pod, container, collected):
            return None
        return RESTARTS, ""
    if container.get("state") == "running" and container.get("ready") is False \
            and not container.get("init"):
        if noise.starting(time_of(container.get("started_at")), collected):
            return None
        return POD_NOT_READY, ""
    return None


def _bootstrap(pod: dict[str, Any], container: dict[str, Any],
               collected: datetime | None) -> bool:
    """Restarts only in the pod's first minutes, and it has run steadily since (a young pod
    between two crashes is not recovered)."""
    started = time_of(pod.get("started"))
    finished = time_of((container.get("last") or {}).get("finished_at"))
    running_since = time_of(container.get("started_at"))
    if not (started and finished and finished - started <= noise.BOOTSTRAP_WINDOW):
        return False
    return collected is None or running_since is None \
        or collected - running_since >= noise.BOOTSTRAP_WINDOW


class PodJudge:
    """Findings for the pods of a bundle (see the module doc)."""

    def __init__(self, gathered: Gathered, logs: PodLogs,
                 open_member: Callable[[str], BinaryIO]) -> None:
        self.gathered = gathered
        self.logs = logs
        self.open_member = open_member
        self.consumed: set[str] = set()  # "ns/Pod/name" whose events a finding holds
        self.pods = merge_pods(gathered.get("pods"))
        self.events_by_subject: dict[str, list[dict[str, Any]]] = {}
        for event in gathered.get("events"):
            subject = f"{event['namespace']}/{event['kind']}/{event['name']}"
            self.events_by_subject.setdefault(subject, []).append(event)

    def findings(self) -> Iterator[Finding]:
        problems: dict[tuple[str, str, str, str, str], Problem] = {}
        for pod in self.pods:
            subject = f"{pod['namespace']}/Pod/{pod['name']}"
            events = self.events_by_subject.get(subject, [])
            found = False
            for container in pod["containers"]:
                judged = _problem_of(pod, container,
                                     self.gathered.collected_at(pod.get("artifact") or ""))
                if judged is None:
                    continue
                rule, cause = judged
                key = (rule.id, pod["namespace"], workload_of(pod), container["name"], cause)
                problem = problems.setdefault(key, Problem(rule, pod["namespace"],
                                                           workload_of(pod),
                                                           container["name"], cause))
                problem.pods.append(pod)
                problem.containers.append(container)
                found = True
            if not found and self._pending(pod, events):
                key = (POD_PENDING.id, pod["namespace"], workload_of(pod), "", "")
                problem = problems.setdefault(key, Problem(POD_PENDING, pod["namespace"],
                                                           workload_of(pod), "", ""))
                problem.pods.append(pod)
        restarted = [p for p in problems.values() if p.rule is RESTARTS]
        for problem in problems.values():
            if problem.rule is not RESTARTS:
                yield self._finding(problem)
        if restarted:
            yield self._restarts(restarted)

    @staticmethod
    def _pending(pod: dict[str, Any], events: list[dict[str, Any]]) -> bool:
        if pod.get("phase") != "Pending":
            return False
        running = any(c.get("state") == "running" for c in pod["containers"])
        failed_scheduling = any(e["reason"] == "FailedScheduling" for e in events)
        return not running and (bool(pod.get("unschedulable")) or failed_scheduling
                                or not pod.get("node"))

    # -- one finding per problem ---------------------------------------------------------------

    def _finding(self, problem: Problem) -> Finding:
        first = problem.pods[0]
        names = sorted({p["name"] for p in problem.pods})
        where = f"{problem.namespace}/{problem.workload}"
        node_of = {p["name"]: p.get("node") for p in problem.pods}
        shown = ", ".join(f"{name} (on {node_of[name]})" if node_of.get(name) else name
                          for name in names[:_MAX_LISTED]) \
            + (" …" if len(names) > _MAX_LISTED else "")
        events = [e for p in problem.pods
                  for e in self.events_by_subject.get(f"{p['namespace']}/Pod/{p['name']}", [])
                  if e["type"] != "Normal"]
        for pod in problem.pods:
            self.consumed.add(f"{pod['namespace']}/Pod/{pod['name']}")
        proof = [evidence(c if c.get("where") else p, _container_excerpt(c),
                          c.get("where") or p.get("where"))
                 for p, c in zip(problem.pods, problem.containers, strict=False)][:5]
        if not problem.containers:
            proof = [evidence(p, f"pod {p['name']} phase {p.get('phase')}")
                     for p in problem.pods[:5]]
        quoted = [e for e in events if e["messages"] or e.get("message")][:4]
        proof += [evidence(e, f"{e['type']} {e['reason']} x{e['count']}: "
                           f"{(e.get('messages') or [''])[0]}") for e in quoted]
        facts: dict[str, Any] = {"namespace": problem.namespace, "workload": problem.workload,
                                 "pods": names, "container": problem.container or None,
                                 "node": first.get("node")}
        nodes = sorted({p["node"] for p in problem.pods if p.get("node")})
        if len(nodes) > 1:
            facts["nodes"] = nodes
        lines_before: list[Evidence] = []
        build = _BUILDERS[problem.rule.id]
        title, detail, remediation, severity = build(problem, where, shown, events, facts)
        if problem.rule in (CRASH_LOOP, OOM_KILLED):
            # Every replica's last words are evidence (up to a few); the first quoted.
            said = ""
            for pod in problem.pods[:_MAX_PREVIOUS_LOGS]:
                lines, words = self._previous_log(pod, problem.container)
                lines_before += lines
                said = said or words
            if said:
                detail += f" Before it stopped, its previous log said: {said}"
                facts["previous_log"] = lines_before[0].artifact
        times = [t for c in problem.containers for t in
                 (time_of((c.get("last") or {}).get("finished_at")),) if t]
        times += [t for e in events for t in (time_of(e.get("first")), time_of(e.get("last")))
                  if t]
        return problem.rule.finding(
            title, analyzer=CLUSTER_ANALYZER, severity=severity, detail=detail,
            count=len(names), first_seen=min(times) if times else None,
            last_seen=max(times) if times else None, evidence=proof + lines_before,
            facts={k: v for k, v in facts.items() if v not in (None, [], "")},
            remediation=remediation)

    def _previous_log(self, pod: dict[str, Any], container: str
                      ) -> tuple[list[Evidence], str]:
        for path in self.logs.find(pod["name"], container)[:3]:
            try:
                with self.open_member(path) as stream:
                    lines = tail(stream)
            except (OSError, KeyError, ValueError):
                continue
            if lines:
                excerpt = " | ".join(line.text.strip() for line in lines[-3:])
                return [Evidence(path, LineLocator(lines[0].number, lines[-1].number),
                                 "\n".join(line.text for line in lines)[:600])], \
                    f"“{excerpt[:400]}” ({path}, lines {lines[0].number}-{lines[-1].number})"
        return [], ""

    def _restarts(self, problems: list[Problem]) -> Finding:
        containers = sorted(((c, p) for problem in problems
                             for c, p in zip(problem.containers, problem.pods, strict=False)),
                            key=lambda item: -int(item[0].get("restarts") or 0))
        top = containers[:_MAX_LISTED]
        listing = "; ".join(
            f"{p['namespace']}/{p['name']} {c['name']}: {c['restarts']} restarts"
            + (f" (last: {(c.get('last') or {}).get('reason')}, exit code "
               f"{(c.get('last') or {}).get('exit_code')})" if c.get("last") else "")
            for c, p in top)
        worst = int(top[0][0].get("restarts") or 0)
        severity = Severity.MEDIUM if worst >= 20 else Severity.LOW
        total = sum(int(c.get("restarts") or 0) for c, _ in containers)
        return RESTARTS.finding(
            f"{plural(len(containers), 'container')} restarted before collection and "
            f"{'is' if len(containers) == 1 else 'are'} running now (most: {top[0][1]['name']},"
            f" {worst} restarts)", analyzer=CLUSTER_ANALYZER, severity=severity,
            detail=f"Repeated restarts, running now: not down. {listing}. A container that "
                   "restarts and recovers was killed or exited; its last termination says "
                   "why.", count=len(containers),
            evidence=[evidence(c if c.get("where") else p, _container_excerpt(c),
                               c.get("where") or p.get("where")) for c, p in top[:5]],
            facts={"containers": len(containers), "restarts": total,
                   "most": f"{top[0][1]['namespace']}/{top[0][1]['name']}"},
            remediation="Read the last termination reason and exit code of the containers "
                        "with the most restarts and their previous logs (kubectl logs "
                        "--previous); restarts that stopped long ago need no action.")


def _container_excerpt(container: dict[str, Any]) -> str:
    last = container.get("last") or {}
    parts = [f"container {container.get('name') or '?'}"]
    if container.get("state"):
        parts.append(f"state {container['state']}"
                     + (f" ({container['reason']})" if container.get("reason") else ""))
    parts.append(f"restarts {container.get('restarts') or 0}")
    if last.get("reason") or last.get("exit_code") is not None:
        parts.append(f"last: {last.get('reason')} exit code {last.get('exit_code')}")
    if container.get("image"):
        parts.append(f"image {container['image']}")
    return ", ".join(parts)


def _event_quote(events: list[dict[str, Any]], *reasons: str) -> str:
    for event in events:
        if not reasons or event["reason"] in reasons:
            for message in event.get("messages") or []:
                if message and not message.startswith(("Error: ", "Back-off")):
                    return message
    return ""


# -- the words of each problem -------------------------------------------------------------------


def _crash(problem: Problem, where: str, shown: str, events: list[dict[str, Any]],
           facts: dict[str, Any]) -> tuple[str, str, str, Severity | None]:
    container = problem.containers[0]
    last = container.get("last") or container
    restarts = max(int(c.get("restarts") or 0) for c in problem.containers)
    facts.update(restarts=restarts, reason=last.get("reason"), exit_code=last.get("exit_code"))
    message = (last.get("message") or "").splitlines()[0][:300] if last.get("message") else ""
    title = (f"Container {problem.container} of {where} is crash-looping "
             f"({last.get('reason') or 'exited'}, exit code {last.get('exit_code')}, "
             f"{restarts} restarts)")
    detail = (f"Pods {shown}: the container keeps exiting and Kubernetes waits longer before "
              f"each restart (CrashLoopBackOff). Last termination: {last.get('reason')}, exit "
              f"code {last.get('exit_code')}" + (f": {message}" if message else "") + ".")
    return title, detail, ("Read why it exits: its previous log (kubectl logs --previous), "
                           "the last termination message, and the command, arguments, "
                           "Secrets and ConfigMaps it starts with."), None


def _oom(problem: Problem, where: str, shown: str, events: list[dict[str, Any]],
         facts: dict[str, Any]) -> tuple[str, str, str, Severity | None]:
    container = problem.containers[0]
    limit = container.get("memory_limit")
    restarts = max(int(c.get("restarts") or 0) for c in problem.containers)
    looping = container.get("reason") == "CrashLoopBackOff"
    facts.update(restarts=restarts, memory_limit=limit, exit_code=137)
    title = (f"Container {problem.container} of {where} was OOMKilled"
             + (f" at its {limit} memory limit" if limit else "")
             + (f" and is crash-looping ({restarts} restarts)" if looping
                else f" ({restarts} restarts, running now)"))
    detail = (f"Pods {shown}: the kernel killed the container (exit code 137) because it used "
              f"more memory than its limit" + (f" of {limit}" if limit else "") + ".")
    return title, detail, ("Compare the limit with what the process needs (heap or cache "
                           "settings, a leak): raise the memory limit or make the process "
                           "use less."), None if looping else Severity.MEDIUM


def _image(problem: Problem, where: str, shown: str, events: list[dict[str, Any]],
           facts: dict[str, Any]) -> tuple[str, str, str, Severity | None]:
    image = problem.cause or "its image"
    reason = _event_quote(events, "Failed")
    facts.update(image=image, reason=problem.containers[0].get("reason"))
    lowered = reason.lower()
    if "429" in reason or "toomanyrequests" in lowered or "rate limit" in lowered:
        why, fix = "the registry is rate-limiting pulls (429 Too Many Requests)", (
            "Pull with credentials (an imagePullSecret) or through a registry mirror or "
            "cache; this is not a node or network fault.")
    elif "not found" in lowered or "manifest unknown" in lowered or "does not exist" in lowered \
            or "denied" in lowered or "unauthorized" in lowered:
        why, fix = "the registry refused it: the image does not exist or needs credentials", (
            "Check the image name and tag, and that the pod has an imagePullSecret that may "
            "read it.")
    else:
        why, fix = "the pull fails", ("Read the pull error in the events; check the image "
                                      "name, the registry's reachability from the node and "
                                      "the pull credentials.")
    title = f"{where} cannot pull image {image}: {why}"
    detail = (f"Pods {shown} wait in {problem.containers[0].get('reason')}." +
              (f" The kubelet says: {reason[:400]}" if reason else ""))
    return title, detail, fix, None


def _config(problem: Problem, where: str, shown: str, events: list[dict[str, Any]],
            facts: dict[str, Any]) -> tuple[str, str, str, Severity | None]:
    container = problem.containers[0]
    message = container.get("message") or _event_quote(events, "Failed")
    title = f"Container {problem.container} of {where} cannot be created ({problem.cause})"
    detail = f"Pods {shown}: {message[:400] or problem.cause}."
    return title, detail, ("Create the Secret or ConfigMap it references, or fix the key or "
                           "setting the message names."), None


def _pending(problem: Problem, where: str, shown: str, events: list[dict[str, Any]],
             facts: dict[str, Any]) -> tuple[str, str, str, Severity | None]:
    reason = _event_quote(events, "FailedScheduling") or \
        next((p.get("unschedulable") for p in problem.pods if p.get("unschedulable")), "")
    facts["scheduler"] = reason or None
    title = f"Pod {where} is Pending: it cannot be scheduled" + \
        (f" ({reason.split('. ')[0][:160]})" if reason else "")
    detail = f"Pods {shown} have no node." + (f" The scheduler says: {reason[:400]}" if reason
                                             else "")
    return title, detail, ("Give it a node that fits: free or add the resources it requests, "
                           "or fix the node selector, affinity or tolerations the scheduler "
                           "names."), None


def _not_ready(problem: Problem, where: str, shown: str, events: list[dict[str, Any]],
               facts: dict[str, Any]) -> tuple[str, str, str, Severity | None]:
    probe = problem.containers[0].get("readiness_probe")
    failure = _event_quote(events, "Unhealthy")
    facts.update(probe=probe, probe_failure=failure or None)
    title = f"Container {problem.container} of {where} runs but is not Ready" + \
        (f": readiness probe {probe} fails" if probe else "")
    detail = f"Pods {shown} receive no Service traffic." + (f" The kubelet says: {failure}"
                                                            if failure else "")
    return title, detail, ("Check what the probe calls and why it fails (the port, the path, "
                           "what the application waits for at start-up)."), None


_BUILDERS = {CRASH_LOOP.id: _crash, OOM_KILLED.id: _oom, IMAGE_PULL.id: _image,
             CONTAINER_CONFIG.id: _config, POD_PENDING.id: _pending,
             POD_NOT_READY.id: _not_ready}
