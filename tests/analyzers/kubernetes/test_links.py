"""Finding a pod's logs by their place, and their last lines."""

from __future__ import annotations

import io

from analyzers.kubernetes.links import MAX_LINE_BYTES, PodLogs, numbered_lines, tail
from inspector.model import ArtifactKind


def test_previous_log_of_the_container_ranks_first() -> None:
    logs = PodLogs([
        ("b/cluster-resources/pods/logs/shop/web-1/app.log", ArtifactKind.LOG),
        ("b/cluster-resources/pods/logs/shop/web-1/app-previous.log", ArtifactKind.LOG),
        ("b/cluster-resources/pods/logs/shop/web-10/app-previous.log", ArtifactKind.LOG),
        ("b/cluster-resources/pods/shop.json", ArtifactKind.KUBERNETES)])
    assert logs.find("web-1", "app") == [
        "b/cluster-resources/pods/logs/shop/web-1/app-previous.log",
        "b/cluster-resources/pods/logs/shop/web-1/app.log"]


def test_tail_skips_a_wrapper_preamble_and_kubectl_refusals() -> None:
    wrapped = b'{"tool": "logs"}\nstdout:\nstarting\nconnecting\nrefused\n\n'
    assert [(t.number, t.text) for t in tail(io.BytesIO(wrapped), 2)] == \
        [(4, "connecting"), (5, "refused")]
    refusal = b'stderr:\nError from server (BadRequest): previous terminated container "x" ' \
              b'in pod "y" not found\n'
    assert tail(io.BytesIO(refusal)) == []


def test_a_huge_line_is_cut_and_numbering_goes_on() -> None:
    data = b"a\n" + b"x" * (3 * MAX_LINE_BYTES + 7) + b"\nlast\n"
    read = list(numbered_lines(io.BytesIO(data)))
    assert [n for n, _ in read] == [1, 2, 3]
    assert len(read[1][1]) == MAX_LINE_BYTES and read[2][1] == b"last\n"
