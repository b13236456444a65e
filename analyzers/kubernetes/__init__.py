"""Kubernetes analyzer: resources, events, kubectl output and the bundle's own verdicts.

Two analyzers, the way a person reads a cluster dump: first each file, then the cluster.

- ``analyzer``: ``KubernetesAnalyzer``, per artifact of kind ``kubernetes``: reads JSON and
  YAML documents (``inspector.formats.resources``, streaming) and kubectl text
  (``describe``) into records (``objects``, ``certificates``, ``state``), puts them in its
  stats and its events on the timeline.
- ``cluster``: ``KubernetesClusterAnalyzer``, bundle level: merges the records of every
  file and judges them (``pods``, ``events``, ``judgements``), linking pods to their logs
  (``links``) and telling noise from faults (``noise``); ``evidence`` holds what they share.
- ``rules``: every rule, and the two analyzers' names.
"""

from analyzers.kubernetes.analyzer import KubernetesAnalyzer
from analyzers.kubernetes.cluster import KubernetesClusterAnalyzer

__all__ = ["KubernetesAnalyzer", "KubernetesClusterAnalyzer"]
