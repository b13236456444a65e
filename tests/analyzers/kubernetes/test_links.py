"""Finding a pod's logs by their place, and their last lines."""

from __future__ import annotations

import io

from analyzers.kubernetes.links import PodLogs, tail
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
