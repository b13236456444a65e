"""A pod's logs in the bundle, found by their place, and the lines before a crash.

Collectors file a pod's logs under its name: Troubleshoot
``cluster-resources/pods/logs/<ns>/<pod>/<container>-previous.log``, must-gather
``namespaces/<ns>/pods/<pod>/<container>/<container>/logs/previous.log``, hand-made dumps
``pods/<pod>/logs-previous.txt``, sosreport ``..._logs_<pod>``. ``PodLogs`` indexes the
bundle's text members by the path segments and name parts they carry, and ``find`` returns
the best log for a pod and container, the previous container's first (what it said before it
died). ``tail`` reads a log's last lines.

Decisions the next engineer needs:

- A log matches a pod when the pod's full name is a segment of its path or a part of its
  file name; a container name in the path or name, and ``previous``, rank it higher.
- A wrapper's preamble (a tool's header before a ``stdout:`` line) is not the log.
- kubectl's own refusal (``previous terminated container ... not found``) means there is no
  previous log: such a file is never evidence of what the container said.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from inspector.model import ArtifactKind

_SPLIT = re.compile(r"[/_.]|!/")
_NO_LOG = re.compile(r"previous terminated container .* not found|"
                     r"container .* is waiting to start|Error from server \(BadRequest\)")
_LOG_KINDS = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.JOURNAL})
TAIL_LINES = 5
MAX_LINE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class TailLine:
    number: int
    text: str


class PodLogs:
    """The bundle's log members, by the names in their paths."""

    def __init__(self, members: Iterable[tuple[str, ArtifactKind]]) -> None:
        self._by_name: dict[str, list[str]] = {}
        for path, kind in members:
            if kind not in _LOG_KINDS:
                continue
            for part in set(_SPLIT.split(path)) | set(path.split("/")):
                if part:
                    self._by_name.setdefault(part, []).append(path)

    def find(self, pod: str, container: str | None = None) -> list[str]:
        """Logs of ``pod`` (previous first), best match first."""
        candidates = [path for path in self._by_name.get(pod, []) if _names_pod(path, pod)]

        def rank(path: str) -> tuple[int, int, str]:
            lowered = path.lower()
            return (0 if "previous" in lowered else 1,
                    0 if container and container in path.replace(pod, "") else 1, path)

        return sorted(set(candidates), key=rank)


def _names_pod(path: str, pod: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return f"/{pod}/" in f"/{path}" or name.endswith(("_" + pod, "-" + pod)) \
        or name.startswith(pod + ".") or name == pod


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """``(number, line)`` from 1; a line longer than ``MAX_LINE_BYTES`` is cut there and the
    rest of it skipped, so a member with no newline never sits whole in memory."""
    number = 0
    whole = True
    while chunk := stream.readline(MAX_LINE_BYTES):
        if whole:
            number += 1
            yield number, chunk
        whole = chunk.endswith(b"\n")


def tail(stream: BinaryIO, lines: int = TAIL_LINES) -> list[TailLine]:
    """The last ``lines`` non-blank lines with their numbers; ``[]`` when the file is
    kubectl saying there is no such log, or only a wrapper's preamble."""
    kept: deque[TailLine] = deque(maxlen=lines)
    preamble = True
    for number, raw in numbered_lines(stream):
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        if text.strip() in ("stdout:", "stderr:"):
            if preamble:
                kept.clear()
                preamble = False
            continue
        if _NO_LOG.search(text):
            return []
        if text.strip():
            kept.append(TailLine(number, text[:400]))
    return list(kept)
