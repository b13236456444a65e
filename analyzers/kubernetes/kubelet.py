"""What a kubelet's own log says about the pods of its node: the back-offs it keeps reporting.

On every sync of a pod it cannot start, the kubelet logs ``Error syncing pod, skipping`` with
the container and why: CrashLoopBackOff, ImagePullBackOff, ErrImagePull,
CreateContainerConfigError. When a bundle holds a node's kubelet journal but not the pod's
status (an Insights archive's ``config/node/logs/``, must-gather's node logs, a worker's
sosreport), those lines are the only word on a crash loop; when it holds both, they are
more evidence for the pod's finding, and say when the kubelet saw it.

``kubelet_reports(members, open_member)`` reads the kubelet logs among ``members`` into
``Report``\\ s, one per pod, container and reason; ``kubelet_findings`` turns the reports no
pod finding explains into findings and adds the others' lines to the finding they support.

Decisions the next engineer needs:

- A member is a kubelet log by content, not name: its first lines come from the kubelet
  (``kubelet[``, ``kubenswrapper[``, ``hyperkube[`` in a journal, or klog lines from the
  kubelet's own source files). Only such members are read whole, and a line meets a regular
  expression only after a substring test, so a large journal costs one pass (about 70 MB/s
  for a generated 51 MB journal with one failure line in a hundred).
- Both the structured form (1.20 and later: ``"Error syncing pod, skipping" err="failed to
  \\"StartContainer\\" for \\"app\\" with CrashLoopBackOff: ..." pod="ns/name"``) and the
  older klog text (``Error syncing pod UID ("name_ns(uid)"), skipping: failed to
  "StartContainer" for "app" with CrashLoopBackOff: ...``) are read.
- Journal short format and klog headers carry no year: times are quoted as the log wrote
  them and the finding has no ``first_seen`` rather than a guessed year. Within one log the
  times still order, which says whether the back-off was still going when the log ends
  (the rule's severity) or stopped well before (low: the kubelet reported it, then no more).

>>> line = ('Nov 10 14:17:41.900439 m0 kubenswrapper[2296]: E1110 14:17:41.900391 2296 '
...         'pod_workers.go:1300] "Error syncing pod, skipping" err="failed to '
...         '\\\\"StartContainer\\\\" for \\\\"app\\\\" with CrashLoopBackOff: '
...         '\\\\"back-off 5m0s restarting failed container=app pod=cnc-7979c_ns(74b5)\\\\"" '
...         'pod="ns/cnc-7979c"')
>>> sync_failure(line)
('ns', 'cnc-7979c', 'app', 'CrashLoopBackOff', '5m0s')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from analyzers.kubernetes.links import numbered_lines
from analyzers.kubernetes.rules import CLUSTER_ANALYZER, CONTAINER_CONFIG, CRASH_LOOP, IMAGE_PULL
from inspector.model import ArtifactKind, Evidence, Finding, LineLocator, Severity
from inspector.rules import Rule

_KINDS = frozenset({ArtifactKind.LOG, ArtifactKind.JOURNAL, ArtifactKind.TEXT})
_HEAD_BYTES = 64 * 1024
_KUBELET = re.compile(rb"\b(?:kubelet|kubenswrapper|hyperkube)\[\d+\]:|"
                      rb"\] *(?:kubelet|kubelet_pods|pod_workers|kuberuntime_\w+)\.go:\d+\]")
_MARKER = b"Error syncing pod"
_FAILURE = re.compile(r'failed to \\*"StartContainer\\*" for \\*"(?P<container>[^"\\]+)\\*" '
                      r"with (?P<reason>\w+)")
_POD_STRUCTURED = re.compile(r'\bpod="(?P<namespace>[^"/]+)/(?P<pod>[^"]+)"')
_POD_KLOG = re.compile(r'(?:\("|pod=)(?P<pod>[a-z0-9][a-z0-9.-]*)_(?P<namespace>[a-z0-9-]+)\(')
_BACKOFF = re.compile(r"back-off (\d+m\d+s|\d+s)")
_JOURNAL_TIME = re.compile(r"^(?P<month>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) (?P<clock>\d\d:\d\d:\d\d)")
_KLOG_TIME = re.compile(r"\b[IWEF](?P<month>\d\d)(?P<day>\d\d) (?P<clock>\d\d:\d\d:\d\d)")
_ISO_TIME = re.compile(r"^(?P<stamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")
_HOST = re.compile(r"^[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? (?P<host>\S+) ")
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_RULES: dict[str, Rule] = {
    "CrashLoopBackOff": CRASH_LOOP, "ImagePullBackOff": IMAGE_PULL, "ErrImagePull": IMAGE_PULL,
    "CreateContainerConfigError": CONTAINER_CONFIG, "CreateContainerError": CONTAINER_CONFIG,
    "RunContainerError": CONTAINER_CONFIG,
}
_MAX_REPORTS = 500  # pods x containers x reasons kept per bundle
_STILL_GOING = timedelta(minutes=10)  # past the longest back-off (5m) and a sync period


def sync_failure(text: str) -> tuple[str, str, str, str, str] | None:
    """``(namespace, pod, container, reason, back-off)`` of a kubelet's "Error syncing pod"
    line, or ``None`` for any other line."""
    failure = _FAILURE.search(text)
    pod = _POD_STRUCTURED.search(text) or _POD_KLOG.search(text)
    if failure is None or pod is None:
        return None
    backoff = _BACKOFF.search(text)
    return (pod["namespace"], pod["pod"], failure["container"], failure["reason"],
            backoff[1] if backoff else "")


def written_time(text: str) -> tuple[str, datetime] | None:
    """The time a line was written, as written, and as a datetime that orders within one log
    (year 2000, a leap year, when the log gives none)."""
    match = _ISO_TIME.match(text)
    if match:
        return match["stamp"].replace("T", " "), datetime.fromisoformat(match["stamp"])
    match = _JOURNAL_TIME.match(text)
    month = _MONTHS.get(match["month"]) if match else None
    if match is None:
        match = _KLOG_TIME.search(text)
        month = int(match["month"]) if match else None
    if match is None or not month:
        return None
    try:
        moment = datetime.fromisoformat(f"2000-{month:02d}-{int(match['day']):02d}T"
                                        f"{match['clock']}")
    except ValueError:
        return None
    return f"{moment:%b} {int(match['day'])} {match['clock']}", moment


@dataclass
class Report:
    """One pod's container the kubelet of one log could not start, for one reason."""

    artifact: str
    namespace: str
    pod: str
    container: str
    reason: str
    backoff: str = ""
    host: str = ""
    count: int = 0
    first_line: int = 0
    last_line: int = 0
    written: list[str] = field(default_factory=list)  # the first and last time, as written
    last_time: datetime | None = None
    log_end: datetime | None = None  # the log's last written time
    log_end_text: str = ""
    excerpt: str = ""

    def add(self, number: int, text: str, when: tuple[str, datetime] | None) -> None:
        self.count += 1
        self.first_line = self.first_line or number
        self.last_line = number
        self.excerpt = self.excerpt or text[:300]
        if when:
            self.written = [*self.written[:1], when[0]]
            self.last_time = when[1]

    @property
    def still_going(self) -> bool:
        """Whether the back-off was still being reported when the log ends."""
        if self.last_time is None or self.log_end is None:
            return True
        return self.log_end - self.last_time <= _STILL_GOING


def is_kubelet_log(head: bytes) -> bool:
    return _KUBELET.search(head) is not None


def kubelet_reports(members: Iterable[tuple[str, ArtifactKind]],
                    open_member: Callable[[str], BinaryIO]) -> list[Report]:
    reports: dict[tuple[str, str, str, str, str], Report] = {}
    for path, kind in members:
        if kind not in _KINDS:
            continue
        try:
            with open_member(path) as stream:
                if not is_kubelet_log(stream.read(_HEAD_BYTES)):
                    continue
            with open_member(path) as stream:
                found = _read_log(path, stream, reports)
        except (OSError, KeyError, ValueError):
            continue
        end, end_text = found
        for report in reports.values():
            if report.artifact == path:
                report.log_end, report.log_end_text = end, end_text
    return list(reports.values())


def _read_log(path: str, stream: BinaryIO, reports: dict[tuple[str, str, str, str, str], Report]
              ) -> tuple[datetime | None, str]:
    """Reads ``stream``'s sync failures into ``reports``; returns when the log ends (its
    last line that starts with a time)."""
    last = b""
    for number, raw in numbered_lines(stream):
        if raw[:1].isalnum():
            last = raw
        if _MARKER not in raw:
            continue
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        failure = sync_failure(text)
        if failure is None:
            continue
        key = (path, *failure[:4])
        report = reports.get(key)
        if report is None:
            if len(reports) >= _MAX_REPORTS:
                continue
            host = _HOST.match(text)
            report = reports[key] = Report(path, *failure, host=host["host"] if host else "")
        report.add(number, text, written_time(text))
    end = written_time(last[:64].decode("ascii", "replace"))
    return (end[1], end[0]) if end else (None, "")


def kubelet_findings(reports: list[Report], pod_findings: list[Finding]) -> Iterator[Finding]:
    """A finding for each report no pod finding explains; a report one does explain adds
    its first and last line to that finding's evidence."""
    explained = {(f.facts.get("namespace"), pod): f for f in pod_findings
                 for pod in f.facts.get("pods", [])}
    for report in sorted(reports, key=lambda r: (r.namespace, r.pod, r.container, r.reason)):
        rule = _RULES.get(report.reason)
        if rule is None:
            continue
        cause = explained.get((report.namespace, report.pod))
        if cause is not None:
            cause.evidence.extend(_evidence(report))
            continue
        yield _finding(rule, report)


def _evidence(report: Report) -> list[Evidence]:
    first, last = report.first_line, report.last_line
    proof = [Evidence(report.artifact, LineLocator(first, first), report.excerpt)]
    if last != first:
        proof.append(Evidence(report.artifact, LineLocator(last, last),
                              f"the last of the kubelet's {report.count} reports of "
                              f"{report.reason} for {report.pod}"))
    return proof


def _finding(rule: Rule, report: Report) -> Finding:
    where = f"{report.namespace}/{report.pod}"
    node = f" on {report.host}" if report.host else ""
    times = list(dict.fromkeys(report.written))
    when = f" between {times[0]} and {times[1]}" if len(times) == 2 else \
        f" at {times[0]}" if times else ""
    backoff = f", back-off {report.backoff}" if report.backoff else ""
    state = {CRASH_LOOP: "is crash-looping", IMAGE_PULL: "cannot pull its image",
             CONTAINER_CONFIG: "cannot be created"}[rule]
    if report.still_going:
        severity: Severity | None = None
        now = (" Its log ends with the back-off still going; the bundle holds no status of "
               "the pod, so whether it recovered since is unknown.")
    else:
        severity = Severity.LOW
        state = {CRASH_LOOP: "was crash-looping", IMAGE_PULL: "could not pull its image",
                 CONTAINER_CONFIG: "could not be created"}[rule]
        now = (f" The kubelet stopped reporting it; its log goes on until "
               f"{report.log_end_text}: it likely recovered.")
    return rule.finding(
        f"Container {report.container} of {where} {state} ({report.reason}, "
        f"{report.count} kubelet reports{backoff})", analyzer=CLUSTER_ANALYZER,
        severity=severity,
        detail=(f"The kubelet{node} reported {report.count} times{when} that it could not start "
                f"container {report.container} of pod {where}: {report.reason}{backoff}."
                f"{now} The log gives no year, so the times are as it wrote them."),
        count=1, evidence=_evidence(report),  # one pod, as pod findings count pods
        facts=_facts(report),
        remediation=_REMEDIATION[rule])


def _facts(report: Report) -> dict[str, Any]:
    facts: dict[str, Any] = {"namespace": report.namespace, "pods": [report.pod],
                             "container": report.container, "reason": report.reason,
                             "node": report.host or None, "kubelet_reports": report.count,
                             "backoff": report.backoff or None}
    return {k: v for k, v in facts.items() if v is not None}


_REMEDIATION = {
    CRASH_LOOP: "Read why it exits: its previous log (kubectl logs --previous) and its last "
                "termination (kubectl describe pod); the kubelet's log only says it backs off.",
    IMAGE_PULL: "Read the kubelet's pull error just before these lines (kubectl describe pod "
                "shows it): a wrong image name or tag, missing pull credentials, or a registry "
                "refusing or rate-limiting pulls.",
    CONTAINER_CONFIG: "kubectl describe pod names what is missing: a Secret, ConfigMap or key "
                      "the container references, or a setting the runtime rejects.",
}
