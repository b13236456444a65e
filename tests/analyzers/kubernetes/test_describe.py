"""kubectl describe, get and version text."""

from __future__ import annotations

from analyzers.kubernetes.describe import parse_text

NODES = """NAME     STATUS                     ROLES    AGE   VERSION
node-a   Ready                      <none>   6d    v1.29.2
node-b   NotReady,SchedulingDisabled  <none>   6d    v1.27.1
"""


def test_get_nodes_table() -> None:
    parsed = parse_text(NODES.splitlines())
    a, b = parsed.nodes
    assert (a["ready"], a["kubelet"], a["unschedulable"]) == ("True", "v1.29.2", False)
    assert b["ready"] == "False" and b["unschedulable"] and b["where"]["line"] == 3


def test_version_output() -> None:
    parsed = parse_text(['Server Version: version.Info{Major:"1", GitVersion:"v1.23.3"}'])
    assert parsed.cluster == {"version": "v1.23.3"}


def test_job_that_hit_its_backoff_limit() -> None:
    text = """Name:           nightly
Namespace:      batch
Backoff Limit:  2
Pods Statuses:  0 Active (0 Ready) / 0 Succeeded / 3 Failed
Events:
  Type     Reason                Age   From            Message
  ----     ------                ----  ----            -------
  Normal   SuccessfulCreate      9m    job-controller  Created pod: nightly-abcde
  Warning  BackoffLimitExceeded  2m    job-controller  Job has reached the specified backoff limit
"""
    [job] = parse_text(text.splitlines()).jobs
    assert job["pods"] == ["nightly-abcde"] and job["failed"] == 3
    assert job["reason"] == "BackoffLimitExceeded"
