"""The principles that tell noise from faults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analyzers.kubernetes.noise import (
    STARTING_WINDOW,
    starting,
    startup_taints_only,
    transient_probe,
)


def test_a_resource_shortage_is_not_a_start_up_taint() -> None:
    assert not startup_taints_only("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had "
                                   "taint {node.kubernetes.io/not-ready: }, that the pod didn't "
                                   "tolerate.")
    assert not startup_taints_only("0/1 nodes are available: 1 node(s) had taint "
                                   "{dedicated: gpu}, that the pod didn't tolerate.")


def test_probe_failures_matter_when_they_persist_or_the_pod_is_unhealthy() -> None:
    assert transient_probe("Unhealthy", 3, pod_unhealthy_now=False)
    assert not transient_probe("Unhealthy", 11, pod_unhealthy_now=False)
    assert not transient_probe("Unhealthy", 2, pod_unhealthy_now=True)


def test_a_container_is_starting_only_shortly_after_it_started() -> None:
    collected = datetime(2026, 11, 17, 9, 20, tzinfo=UTC)
    assert starting(collected - timedelta(seconds=40), collected)
    assert not starting(collected - STARTING_WINDOW, collected)
    assert not starting(None, collected)
