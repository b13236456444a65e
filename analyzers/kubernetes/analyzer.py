"""``KubernetesAnalyzer``: one resource document, describe output or kubectl table at a time.

It reads the member (JSON and YAML through ``inspector.formats.resources``, which streams;
kubectl text through ``describe``), keeps a record of every object that may matter
(``state.Inventory``) and reports them as its stats, where the cluster analyzer judges them
together with the rest of the bundle. Warning events and container terminations go on the
timeline from here, each pointing at its place in the document.

What a collector says it could not collect (Troubleshoot's ``*-errors.json``) becomes a
problem naming the missing data: the analysis is then known to be blind there.

A document broken part way gives what precedes the damage, and a warning.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from analyzers.kubernetes.describe import parse_text
from analyzers.kubernetes.noise import benign_event, transient_probe
from analyzers.kubernetes.rules import ANALYZER
from analyzers.kubernetes.state import Inventory
from inspector.formats.resources import ResourceError, read_resources
from inspector.model import (
    ArtifactKind,
    Event,
    EventSource,
    LineLocator,
    PointerLocator,
    Severity,
    parse_time,
)
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats

_TEXT_LIMIT = 32 * 1024 * 1024  # kubectl text is small; a huge "describe" is not one
_MAX_EVENTS = 2000
_PROGRESS_EVERY = 512


class KubernetesAnalyzer:
    """Kubernetes resources, events and kubectl output, one member at a time."""

    name = ANALYZER
    kinds = frozenset({ArtifactKind.KUBERNETES})
    rules = ()  # it raises none: the cluster analyzer judges its records (``rules.RULES``)

    def analyze(self, source: ArtifactSource, context: AnalysisContext) -> Iterator[AnalyzerItem]:
        artifact = source.artifact
        inventory = Inventory(artifact.path)
        with source.open() as stream:
            head = stream.read(4096)
            first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
            whole = io.BufferedReader(_Prefixed(head, stream))
            structured = first in (b"{", b"[") or _looks_like_yaml(head)
            if structured:
                structured = self._documents(whole, inventory, context, artifact.size)
        if not structured:
            # kubectl's text, or text a tool wrapped in a header that starts with JSON.
            with source.open() as stream:
                text = stream.read(_TEXT_LIMIT).decode("utf-8", "replace")
            inventory.add_text(parse_text(text.splitlines()))
        for error in inventory.lists["collector_errors"]:
            context.warn(f"the collector could not gather {_collected(artifact.path)}: "
                         f"{error['message']}")
        yield Stats(inventory.stats())
        yield from _timeline(artifact.path, inventory)
        context.progress(1.0)

    @staticmethod
    def _documents(stream: Any, inventory: Inventory, context: AnalysisContext,
                   size: int) -> bool:
        """Read the objects of a JSON or YAML document; ``False`` when not one object could
        be read (the member is text that starts like a document)."""
        inventory.format = "json"
        count = 0
        try:
            for resource in read_resources(stream):
                if resource.document is not None:
                    inventory.format = "yaml"
                inventory.add(resource)
                count += 1
                if count % _PROGRESS_EVERY == 0:
                    context.check_cancelled()
                    if size:
                        context.progress(min(0.99, stream.tell() / size))
        except ResourceError as error:
            if not count:
                return False
            context.warn(f"resource document unreadable after {count} object(s): {error}")
        return True


def _looks_like_yaml(head: bytes) -> bool:
    return head.startswith((b"---", b"apiVersion:", b"kind:")) \
        or b"\napiVersion:" in head or b"\nkind:" in head


def _collected(path: str) -> str:
    """``cluster-resources/pods-errors.json`` -> ``pods``."""
    name = path.rsplit("/", 1)[-1].removesuffix(".json").removesuffix("errors").rstrip("-_")
    folder = path.rsplit("/", 2)[-2] if path.count("/") >= 1 else ""
    return name or folder or "some data"


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
        else:
            data = self._rest.read(len(buffer))
            count = len(data)
            buffer[:count] = data
        self._position += count
        return count

    def tell(self) -> int:
        return self._position


def _locator(where: dict[str, Any]) -> PointerLocator | LineLocator:
    if "pointer" in where:
        return PointerLocator(where["pointer"], where.get("line"), where.get("document"))
    return LineLocator(where["line"], where.get("end_line"))


def _timeline(path: str, inventory: Inventory) -> Iterator[Event]:
    """Warning events (at their last time), container terminations and restarts, oldest
    first. Warnings this file shows to be noise and the past exits of containers running
    now are ``info``: context on the timeline, never trouble."""
    events: list[Event] = []
    for group in inventory.events.values():
        when = _time(group["last"])
        if when is None:
            continue
        message = (group["messages"] or [""])[0]
        subject = f"{group['kind']} {group['namespace']}/{group['name']}".replace(" /", " ")
        severity = Severity.INFO if _noise(group, inventory) else Severity.MEDIUM
        events.append(Event(when, path, _locator(group["where"]), severity,
                            EventSource.LOG, f"{group['type']} {group['reason']} {subject} "
                            f"x{group['count']}: {message}"[:400]))
    for pod in inventory.lists["pods"]:
        for container in pod["containers"]:
            started = _time(container["started_at"]) if container["state"] == "running" \
                else None
            if started is not None and container["restarts"]:
                events.append(Event(
                    started, path, _locator(container.get("where") or pod["where"]),
                    Severity.INFO, EventSource.LOG,
                    f"container {container['name']} of pod {pod['namespace']}/{pod['name']} "
                    f"started again (restart {container['restarts']})"))
            last = container["last"] or (container if container["state"] == "terminated"
                                         else None)
            when = _time(last["finished_at"]) if last else None
            if when is None or last is None:
                continue
            # A past exit of a container that runs again now is context, not trouble: it
            # must not make an incident of its own (the timeline skips info events).
            failing = container["state"] != "running" and (
                last["reason"] != "Completed" or last["exit_code"] not in (0, None))
            events.append(Event(
                when, path, _locator(container.get("where") or pod["where"]),
                Severity.HIGH if failing else Severity.INFO, EventSource.LOG,
                f"container {container['name']} of pod {pod['namespace']}/{pod['name']} "
                f"terminated: {last['reason'] or 'exit'} (exit code {last['exit_code']})"))
    events.sort(key=Event.sort_key)
    yield from events[-_MAX_EVENTS:]


def _noise(group: dict[str, Any], inventory: Inventory) -> bool:
    """What this file alone shows to be noise (``noise``): a benign reason, a few probe
    failures, scheduling that succeeded afterwards. The cluster analyzer judges the rest
    with the whole bundle."""
    if benign_event(group["reason"]) or transient_probe(group["reason"], group["count"],
                                                        pod_unhealthy_now=False):
        return True
    subject = f"{group['namespace']}/{group['kind']}/{group['name']}"
    scheduled = _time(inventory.normal.get(subject, {}).get("Scheduled"))
    last = _time(group["last"])
    return group["reason"] == "FailedScheduling" and scheduled is not None \
        and (last is None or scheduled >= last)


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text[:4].isdigit():
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None
