"""What looks alarming in a cluster and is not: the principles, one place.

A senior engineer reads a cluster's Warning events and restart counts knowing which of them
every healthy cluster has. These are judged here, by what the warning *means*, never by
which bundle it came from:

- **Benign reasons.** ``DNSConfigForming`` (the kubelet trimmed a resolv.conf with more
  than three nameservers: pods resolve fine with the three it kept) and
  ``InvalidDiskCapacity`` (the kubelet's first look at the image filesystem, before it has
  statistics) are said by healthy nodes every day.
- **Resolved scheduling.** ``FailedScheduling`` followed by ``Scheduled`` for the same pod
  is a pod that waited and then ran, as every pod does while nodes carry their start-up
  taints (``node.cloudprovider.kubernetes.io/uninitialized`` until the cloud controller has
  run, ``node.kubernetes.io/not-ready``). A pod still Pending is the real thing.
- **Start-up probe failures.** A few ``Unhealthy`` events while a container starts (the
  server is not listening yet) stop by themselves; they matter when they persist
  (``PERSISTENT_PROBE_FAILURES`` or more) or the pod is not Ready now.
- **Containers starting.** A container running for less than ``STARTING_WINDOW`` when the
  bundle was collected and not Ready yet is starting (its readiness probe has not passed
  its first periods), not failing.
- **Bootstrap restarts.** A container that restarted only in its first minutes
  (``BOOTSTRAP_WINDOW`` after the pod started), waiting for something that came up later,
  and is running now, recovered on its own.

>>> benign_event("DNSConfigForming")
True
>>> startup_taints_only("0/2 nodes are available: 2 node(s) had taint "
...                     "{node.cloudprovider.kubernetes.io/uninitialized: true}, that the pod "
...                     "didn't tolerate.")
True
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

BENIGN_REASONS = {
    "DNSConfigForming": "the kubelet kept three of the node's nameservers (a resolv.conf "
                        "limit); name resolution works with them",
    "InvalidDiskCapacity": "the kubelet's first look at the image filesystem, before it has "
                           "statistics; said once at every kubelet start",
}
STARTUP_TAINTS = ("node.cloudprovider.kubernetes.io/uninitialized", "node.kubernetes.io/not-ready",
                  "node.kubernetes.io/network-unavailable")
PERSISTENT_PROBE_FAILURES = 10
BOOTSTRAP_WINDOW = timedelta(minutes=10)
STARTING_WINDOW = timedelta(minutes=3)
# Warning reasons that mean work is not getting done, whatever their count.
SERIOUS_REASONS = frozenset({
    "BackOff", "FailedMount", "FailedAttachVolume", "FailedCreatePodSandBox", "Evicted",
    "NodeNotReady", "OOMKilling", "SystemOOM", "FailedScheduling", "FailedCreate",
    "ProvisioningFailed", "BackoffLimitExceeded", "DeadlineExceeded", "FailedKillPod",
    "NetworkNotReady", "ContainerGCFailed", "ImageGCFailed", "EvictionThresholdMet",
    "FreeDiskSpaceFailed", "Rebooted", "FailedSync", "FailedPostStartHook",
    "FailedPreStopHook", "Unhealthy", "Failed"})

_TAINT = re.compile(r"had (?:untolerated )?taint \{([^:}]+):")
_OTHER_REASON = re.compile(r"\d+ (?:node\(s\) (?!had (?:untolerated )?taint)|Insufficient )")


def benign_event(reason: str) -> bool:
    return reason in BENIGN_REASONS


def startup_taints_only(message: str) -> bool:
    """The scheduler's only complaint is a taint nodes carry while they start."""
    taints = _TAINT.findall(message)
    if not taints and "no nodes available" in message:
        return True
    return bool(taints) and all(t in STARTUP_TAINTS for t in taints) \
        and not _OTHER_REASON.search(message)


def transient_probe(reason: str, count: int, pod_unhealthy_now: bool) -> bool:
    return reason == "Unhealthy" and count < PERSISTENT_PROBE_FAILURES \
        and not pod_unhealthy_now


def starting(running_since: datetime | None, collected: datetime | None) -> bool:
    """The container started so shortly before collection that not Ready means starting."""
    return running_since is not None and collected is not None \
        and collected - running_since < STARTING_WINDOW
