"""The rules Kubernetes findings come from, and the names of the two analyzers.

Declared together because one finding draws on several files: the per-artifact analyzer
(``ANALYZER``) reads each resource document, describe text or table into records in its
stats, and the bundle-level analyzer (``CLUSTER_ANALYZER``) judges the records of the whole
bundle at once (the same pod seen in a JSON dump and in ``kubectl describe``, its
``-previous`` log, the events about it).

Categories: what stops a workload running (a crash, an OOM kill, a pod no node takes, a
node not Ready) is ``availability``, which the bundle's order puts among the failures
(``inspector.findings.ranking``); the rest say which part of the cluster they are about.

>>> ANALYZER, CLUSTER_ANALYZER, CRASH_LOOP.severity.value
('kubernetes', 'kubernetes-cluster', 'high')
"""

from __future__ import annotations

from inspector.model import Severity
from inspector.rules import rule

ANALYZER = "kubernetes"
CLUSTER_ANALYZER = "kubernetes-cluster"

CRASH_LOOP = rule("kubernetes.crash-loop", Severity.HIGH, "availability",
                  "A container keeps crashing and Kubernetes is backing off restarting it")
OOM_KILLED = rule("kubernetes.oom-killed", Severity.HIGH, "availability",
                  "A container was killed for using more memory than its limit")
RESTARTS = rule("kubernetes.restarts", Severity.LOW, "availability",
                "Containers restarted before the bundle was collected and are running now")
IMAGE_PULL = rule("kubernetes.image-pull", Severity.HIGH, "availability",
                  "A container image cannot be pulled (ErrImagePull / ImagePullBackOff)")
CONTAINER_CONFIG = rule("kubernetes.container-config", Severity.HIGH, "configuration",
                        "A container cannot be created: a Secret, ConfigMap or setting it "
                        "needs is missing or wrong")
POD_PENDING = rule("kubernetes.pod-pending", Severity.HIGH, "availability",
                   "A pod cannot be scheduled onto any node")
POD_NOT_READY = rule("kubernetes.pod-not-ready", Severity.MEDIUM, "availability",
                     "A running pod is not Ready: a probe fails")
WARNING_EVENTS = rule("kubernetes.warning-events", Severity.MEDIUM, "events",
                      "Kubernetes recorded Warning events about an object")
NODE_CONDITION = rule("kubernetes.node-condition", Severity.HIGH, "availability",
                      "A node is NotReady or under memory, disk or PID pressure")
NODE_CORDONED = rule("kubernetes.node-cordoned", Severity.MEDIUM, "nodes",
                     "A node is cordoned: no new pods are scheduled on it")
NODE_CAPACITY = rule("kubernetes.node-capacity", Severity.LOW, "resources",
                     "A node is at its pod limit or its limits are overcommitted")
VERSION_SKEW = rule("kubernetes.version-skew", Severity.MEDIUM, "nodes",
                    "Kubelets run versions the control plane does not support together")
WORKLOAD_SHORT = rule("kubernetes.workload-unavailable", Severity.HIGH, "availability",
                      "A Deployment, StatefulSet or DaemonSet has fewer ready replicas "
                      "than it wants")
JOB_FAILED = rule("kubernetes.job-failed", Severity.HIGH, "availability",
                  "A Job failed: it reached its backoff limit or deadline")
PVC_UNBOUND = rule("kubernetes.pvc-unbound", Severity.HIGH, "storage",
                   "A PersistentVolumeClaim is Pending or Lost")
CERTIFICATE_EXPIRED = rule("kubernetes.certificate-expired", Severity.CRITICAL, "security",
                           "A certificate in the bundle had expired when it was collected")
CERTIFICATE_EXPIRING = rule("kubernetes.certificate-expiring", Severity.MEDIUM, "security",
                            "A certificate in the bundle expires within 30 days of "
                            "collection")
OPERATOR_DEGRADED = rule("kubernetes.operator-degraded", Severity.HIGH, "availability",
                         "An OpenShift cluster operator is Degraded or not Available")
UPGRADE_BLOCKED = rule("kubernetes.upgrade-blocked", Severity.MEDIUM, "configuration",
                       "The cluster version says upgrades are blocked or failing")
TROUBLESHOOT_FAIL = rule("kubernetes.troubleshoot-fail", Severity.HIGH, "verdicts",
                         "A check the support bundle ran itself failed (analysis.json)")
TROUBLESHOOT_WARN = rule("kubernetes.troubleshoot-warn", Severity.MEDIUM, "verdicts",
                         "A check the support bundle ran itself warned (analysis.json)")

RULES = (CRASH_LOOP, OOM_KILLED, RESTARTS, IMAGE_PULL, CONTAINER_CONFIG, POD_PENDING,
         POD_NOT_READY, WARNING_EVENTS, NODE_CONDITION, NODE_CORDONED, NODE_CAPACITY,
         VERSION_SKEW, WORKLOAD_SHORT, JOB_FAILED, PVC_UNBOUND, CERTIFICATE_EXPIRED,
         CERTIFICATE_EXPIRING, OPERATOR_DEGRADED, UPGRADE_BLOCKED, TROUBLESHOOT_FAIL,
         TROUBLESHOOT_WARN)
