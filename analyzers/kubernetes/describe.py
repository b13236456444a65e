"""``kubectl describe``, ``kubectl get`` tables and ``kubectl version``, read as records.

Support bundles hold kubectl's text as often as its JSON (sosreport's
``sos_commands/kubernetes/``, hand-made cluster dumps, tools that wrap kubectl). The text
says the same things with lines instead of pointers: each record's ``where`` is the lines
it was read from. Ages in describe's event tables (``87s (x4 over 85s)``) are relative to
a moment the text does not name, so events read here carry counts and no times.

A file may hold several objects (``kubectl describe pods`` for a namespace): each starts with
a ``Name:`` line at the margin. Lines before the first (a wrapper's header) are ignored.

>>> text = '''Name:         web-1
... Namespace:    shop
... Node:         node-a/10.0.0.5
... Status:       Running
... Containers:
...   app:
...     Image:          shop/web:1.2
...     State:          Waiting
...       Reason:       CrashLoopBackOff
...     Last State:     Terminated
...       Reason:       OOMKilled
...       Exit Code:    137
...     Ready:          False
...     Restart Count:  7
...     Limits:
...       memory:  128Mi
... Events:
...   Type     Reason   Age                 From     Message
...   ----     ------   ----                ----     -------
...   Warning  BackOff  2s (x30 over 9m)    kubelet  Back-off restarting failed container
... '''
>>> parsed = parse_text(text.splitlines())
>>> pod = parsed.pods[0]
>>> pod["node"], pod["containers"][0]["last"]["reason"], pod["containers"][0]["memory_limit"]
('node-a', 'OOMKilled', '128Mi')
>>> parsed.events[0]["reason"], parsed.events[0]["count"]
('BackOff', 30)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

_FIELD = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z][\w .()/-]*?):(?:\s+(?P<value>.*?))?\s*$")
_REPEAT = re.compile(r"\(x(\d+) over [^)]*\)")
_COLUMN = re.compile(r"\S+(?: \S+)*")
_TOTAL_PODS = re.compile(r"\((\d+) in total\)")
_PERCENT = re.compile(r"\((\d+)%\)")
_VERSION = re.compile(r'Server Version: (?:version\.Info\{.*?GitVersion:"(?P<info>[^"]+)"|'
                      r"(?P<plain>v?\d+\.\d+\S*))")
_STATUSES = re.compile(r"(\d+) Active.*?/ (\d+) Succeeded / (\d+) Failed")


@dataclass
class ParsedText:
    """Records read from kubectl text, in the shapes ``objects`` gives for JSON."""

    pods: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    cluster: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, int] = field(default_factory=dict)


def parse_text(lines: list[str]) -> ParsedText:
    """Read every describe block, table and version line in ``lines``."""
    parsed = ParsedText()
    for line in lines[:50]:
        match = _VERSION.search(line)
        if match:
            parsed.cluster["version"] = match.group("info") or match.group("plain")
    header = next((i for i, line in enumerate(lines[:50]) if line.startswith("NAME ")), None)
    if header is not None:
        _table(lines, header, parsed)
        return parsed
    starts = [i for i, line in enumerate(lines) if line.startswith("Name:")]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        _block(lines, start, end, parsed)
    return parsed


def _fields(lines: list[str], start: int, end: int) -> list[tuple[int, str, str, int]]:
    """(indent, key, value, line number) of every ``Key: value`` line."""
    found = []
    for index in range(start, end):
        match = _FIELD.match(lines[index])
        if match:
            found.append((len(match.group("indent")), match.group("key").strip(),
                          (match.group("value") or "").strip(), index + 1))
    return found


def _top(fields: list[tuple[int, str, str, int]]) -> dict[str, tuple[str, int]]:
    return {key: (value, line) for indent, key, value, line in fields if indent == 0}


def _block(lines: list[str], start: int, end: int, parsed: ParsedText) -> None:
    fields = _fields(lines, start, end)
    top = _top(fields)
    where = {"line": start + 1, "end_line": end}
    if "Pods Statuses" in top:
        parsed.objects["Job"] = parsed.objects.get("Job", 0) + 1
        job = _job(top, lines, start, end, where)
        if job:
            parsed.jobs.append(job)
    elif "System Info" in top or "Kubelet Version" in {k for _, k, _, _ in fields}:
        parsed.objects["Node"] = parsed.objects.get("Node", 0) + 1
        parsed.nodes.append(_node(top, fields, lines, start, end, where))
    elif "Containers" in top or "Init Containers" in top:
        parsed.objects["Pod"] = parsed.objects.get("Pod", 0) + 1
        parsed.pods.append(_pod(top, fields, where))
    namespace = top.get("Namespace", ("", 0))[0]
    name = top.get("Name", ("", 0))[0]
    kind = "Job" if "Pods Statuses" in top else "Node" if "System Info" in top else "Pod"
    parsed.events.extend(_events(lines, start, end, namespace, kind, name))


def _pod(top: dict[str, tuple[str, int]], fields: list[tuple[int, str, str, int]],
         where: dict[str, int]) -> dict[str, Any]:
    node = top.get("Node", ("", 0))[0]
    containers: list[dict[str, Any]] = []
    section = None
    current: dict[str, Any] | None = None
    state_target: str | None = None
    limits = False
    for indent, key, value, line in fields:
        if indent == 0:
            section = key if key in ("Containers", "Init Containers") else None
            current = None
            continue
        if section is None:
            continue
        if indent == 2 and not value:
            current = {"name": key, "init": section == "Init Containers", "line": line,
                       "end_line": line, "image": None, "ready": None, "restarts": 0,
                       "state": None, "reason": None, "message": None, "exit_code": None,
                       "started_at": None, "finished_at": None, "last": None,
                       "memory_limit": None, "readiness_probe": None}
            containers.append(current)
            continue
        if current is None:
            continue
        current["end_line"] = line
        if indent == 4:
            limits = key == "Limits"
            state_target = None
            if key == "Image":
                current["image"] = value or None
            elif key == "Ready":
                current["ready"] = value == "True"
            elif key == "Restart Count":
                current["restarts"] = int(value) if value.isdigit() else 0
            elif key == "Readiness":
                current["readiness_probe"] = value.split(" delay=")[0]
            elif key in ("State", "Last State"):
                state = {"state": value.lower() or None, "reason": None, "message": None,
                         "exit_code": None, "started_at": None, "finished_at": None}
                if key == "State":
                    current.update(state)
                    state_target = "current"
                else:
                    current["last"] = state
                    state_target = "last"
        elif indent == 6 and limits and key == "memory":
            current["memory_limit"] = value
        elif indent == 6 and state_target:
            target = current if state_target == "current" else current["last"]
            name = {"Reason": "reason", "Message": "message", "Exit Code": "exit_code",
                    "Started": "started_at", "Finished": "finished_at"}.get(key)
            if name == "exit_code":
                target[name] = int(value) if value.lstrip("-").isdigit() else None
            elif name in ("started_at", "finished_at"):
                target[name] = _iso(value)
            elif name:
                target[name] = value
    for container in containers:
        container["where"] = {"line": container.pop("line"), "end_line": container.pop("end_line")}
    owner = top.get("Controlled By", ("", 0))[0] or None
    return {"namespace": top.get("Namespace", ("", 0))[0], "name": top.get("Name", ("", 0))[0],
            "node": node.split("/", 1)[0] if node and node != "<none>" else None,
            "owner": owner, "phase": top.get("Status", ("Unknown", 0))[0] or "Unknown",
            "reason": top.get("Reason", (None, 0))[0], "message": None,
            "started": _iso(top.get("Start Time", ("", 0))[0]), "unschedulable": None,
            "containers": containers, "where": where}


def _iso(text: str) -> str | None:
    """describe's ``Thu, 27 Feb 2025 07:36:22 +0100`` as ISO-8601 UTC, like the JSON's."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None or moment.year < 1980:
        return None  # no zone, or the zero time a container that never started reports
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _node(top: dict[str, tuple[str, int]], fields: list[tuple[int, str, str, int]],
          lines: list[str], start: int, end: int, where: dict[str, int]) -> dict[str, Any]:
    info = {key: value for indent, key, value, _ in fields if indent == 2}
    conditions = []
    table = _section_table(lines, start, end, "Conditions:")
    for row, line in table:
        kind, status = row.get("Type"), row.get("Status")
        negative = kind in ("MemoryPressure", "DiskPressure", "PIDPressure",
                            "NetworkUnavailable")
        if (status == "True") == negative:
            conditions.append({"type": kind, "status": status, "reason": row.get("Reason"),
                               "message": row.get("Message"), "since":
                               row.get("LastTransitionTime"), "line": line})
    ready = next((row.get("Status") for row, _ in table if row.get("Type") == "Ready"), None)
    capacity = _section_values(lines, start, end, "Capacity:")
    pods_total = next((int(m.group(1)) for i in range(start, end)
                       if lines[i].startswith("Non-terminated Pods:")
                       and (m := _TOTAL_PODS.search(lines[i]))), None)
    memory_limits = None
    for row, line in _section_table(lines, start, end, "Allocated resources:"):
        if row.get("Resource") == "memory" and (m := _PERCENT.search(row.get("Limits", ""))):
            memory_limits = {"percent": int(m.group(1)), "line": line,
                             "text": row.get("Limits")}
    taints = top.get("Taints", ("<none>", 0))[0]
    return {"name": top.get("Name", ("", 0))[0], "ready": ready, "conditions": conditions,
            "unschedulable": top.get("Unschedulable", ("false", 0))[0] == "true",
            "taints": [] if taints in ("<none>", "") else [taints],
            "roles": [] if top.get("Roles", ("<none>", 0))[0] == "<none>"
            else top.get("Roles", ("", 0))[0].split(","),
            "kubelet": info.get("Kubelet Version"), "os": info.get("OS Image"),
            "kernel": info.get("Kernel Version"), "runtime": info.get("Container Runtime Version"),
            "pods_capacity": int(capacity["pods"]) if capacity.get("pods", "").isdigit()
            else None, "pods_total": pods_total, "memory_limits": memory_limits,
            "where": where}


def _job(top: dict[str, tuple[str, int]], lines: list[str], start: int, end: int,
         where: dict[str, int]) -> dict[str, Any] | None:
    statuses = _STATUSES.search(top["Pods Statuses"][0])
    limit = top.get("Backoff Limit", ("", 0))[0]
    events = _events(lines, start, end, "", "Job", "")
    failed_event = next((e for e in events if e["reason"] in ("BackoffLimitExceeded",
                                                              "DeadlineExceeded")), None)
    failed = int(statuses.group(3)) if statuses else 0
    if failed_event is None and not (limit.isdigit() and failed > int(limit)):
        return None
    pods = [m.group(1) for e in events if e["reason"] == "SuccessfulCreate"
            for m in [re.search(r"Created pod: (\S+)", e["message"])] if m]
    return {"namespace": top.get("Namespace", ("", 0))[0], "name": top.get("Name", ("", 0))[0],
            "failed": failed, "succeeded": int(statuses.group(2)) if statuses else 0,
            "backoff_limit": int(limit) if limit.isdigit() else None,
            "reason": failed_event["reason"] if failed_event else "BackoffLimitExceeded",
            "message": failed_event["message"] if failed_event else "",
            "since": None, "pods": pods, "where": where}


def _section_lines(lines: list[str], start: int, end: int, title: str) -> tuple[int, int]:
    first = next((i for i in range(start, end) if lines[i].startswith(title)), None)
    if first is None:
        return end, end
    last = first + 1
    while last < end and (lines[last].startswith(" ") or not lines[last].strip()) \
            and lines[last].strip() != "":
        last += 1
    return first, last


def _section_table(lines: list[str], start: int, end: int,
                   title: str) -> list[tuple[dict[str, str], int]]:
    """Rows of an aligned table under ``title`` (describe's Conditions, Events...)."""
    first, last = _section_lines(lines, start, end, title)
    if first + 1 >= last:
        return []
    # The header is the line above the dashes when there are any (a note may precede it).
    rule = next((i for i in range(first + 1, last) if set(lines[i].strip()) <= {"-", " "}),
                None)
    header_at = rule - 1 if rule is not None and rule - 1 > first else first + 1
    header = lines[header_at]
    columns = [(m.start(), m.group()) for m in _COLUMN.finditer(header)]
    if len(columns) < 2:
        return []
    rows = []
    for index in range(header_at + 1, last):
        text = lines[index]
        if set(text.strip()) <= {"-", " "}:
            continue
        row = {}
        for number, (position, name) in enumerate(columns):
            stop = columns[number + 1][0] if number + 1 < len(columns) else None
            row[name] = text[position:stop].strip() if stop else text[position:].strip()
        rows.append((row, index + 1))
    return rows


def _section_values(lines: list[str], start: int, end: int, title: str) -> dict[str, str]:
    first, last = _section_lines(lines, start, end, title)
    values = {}
    for index in range(first + 1, last):
        match = _FIELD.match(lines[index])
        if match:
            values[match.group("key").strip()] = (match.group("value") or "").strip()
    return values


def _events(lines: list[str], start: int, end: int, namespace: str, kind: str,
            name: str) -> list[dict[str, Any]]:
    events = []
    for row, line in _section_table(lines, start, end, "Events:"):
        reason = row.get("Reason")
        if not reason:
            continue
        repeat = _REPEAT.search(row.get("Age", ""))
        events.append({"namespace": namespace, "kind": kind, "name": name, "reason": reason,
                       "type": row.get("Type") or "Normal",
                       "count": int(repeat.group(1)) if repeat else 1, "first": None,
                       "last": None, "message": row.get("Message", ""),
                       "source": row.get("From"), "where": {"line": line, "end_line": line}})
    return events


def _table(lines: list[str], header: int, parsed: ParsedText) -> None:
    """``kubectl get nodes`` and ``kubectl get pods`` tables."""
    columns = lines[header].split()
    for index in range(header + 1, len(lines)):
        cells = lines[index].split()
        if len(cells) < len(columns) or cells[0] == "NAME":
            continue
        row = dict(zip(columns, cells, strict=False))
        where = {"line": index + 1, "end_line": index + 1}
        if "ROLES" in columns and "VERSION" in columns:
            parsed.objects["Node"] = parsed.objects.get("Node", 0) + 1
            status = row.get("STATUS", "")
            parsed.nodes.append({
                "name": row["NAME"], "ready": "True" if status.split(",")[0] == "Ready"
                else "False", "conditions": [] if status.startswith("Ready") else
                [{"type": "Ready", "status": "False", "reason": status, "message": "",
                  "since": None}], "unschedulable": "SchedulingDisabled" in status,
                "taints": [], "roles": [] if row.get("ROLES") == "<none>"
                else row.get("ROLES", "").split(","), "kubelet": row.get("VERSION"),
                "os": None, "kernel": None, "runtime": None, "where": where})
        elif "RESTARTS" in columns and "STATUS" in columns:
            parsed.objects["Pod"] = parsed.objects.get("Pod", 0) + 1
            _table_pod(row, where, parsed)


def _table_pod(row: dict[str, str], where: dict[str, int], parsed: ParsedText) -> None:
    status = row.get("STATUS", "")
    restarts = row.get("RESTARTS", "0")
    restart_count = int(restarts) if restarts.isdigit() else 0
    ready = row.get("READY", "0/0").split("/")
    if status in ("Running", "Completed", "Succeeded") and not restart_count \
            and ready[0] == ready[-1]:
        return
    waiting = status not in ("Running", "Completed", "Succeeded", "Pending", "Failed")
    parsed.pods.append({
        "namespace": row.get("NAMESPACE", ""), "name": row["NAME"], "node": row.get("NODE"),
        "owner": None, "phase": "Running" if waiting or status == "Running" else status,
        "reason": None, "message": None, "started": None, "unschedulable": None,
        "containers": [{"name": "", "init": False, "image": None, "ready": ready[0] == ready[-1],
                        "restarts": restart_count, "state": "waiting" if waiting else None,
                        "reason": status if waiting else None, "message": None,
                        "exit_code": None, "started_at": None, "finished_at": None,
                        "last": None, "memory_limit": None, "readiness_probe": None,
                        "where": dict(where)}],
        "where": where})
