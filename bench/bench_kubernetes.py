"""Benchmark the Kubernetes analyzer on a generated 50 MB ``kubectl get pods -o json`` dump.

At ``--scale 1`` the dump is a ``PodList`` of about 50 MB (pretty-printed as kubectl
writes it, with managedFields), one pod in twenty crash-looping or restarted so records and
evidence lines are made. The analyzer runs in a child process (``timed``) so the peak RSS
is its own. The point is flat memory: the reader streams items, so the peak should not
grow with the file; the comparison row is ``orjson.loads`` of the whole document, which is
what reading it naively costs. No reference tool judges pods, so there is no tool row.
Half the size again as a kubelet journal (one "Error syncing pod" line in a hundred) shows
what reading the kubelets' logs costs the cluster analyzer, beside ``grep -c`` of the same
marker (one pass in C: the floor). A tenth of the size again as multi-document YAML
(``kubectl get -o yaml`` per object, as must-gather writes) shows the YAML path's speed:
libyaml parses, but nodes become Python objects one by one.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import orjson

from bench.run import Row, python_command, timed

TARGET_BYTES = 50 * 1024 * 1024
YAML_SHARE = 0.1

_ANALYZE = """
import sys
import time
from pathlib import Path
from analyzers.kubernetes import KubernetesAnalyzer
from inspector.model import Artifact, ArtifactKind
from inspector.testing import RecordingContext

class FileSource:
    def __init__(self, path):
        self.artifact = Artifact(path.name, ArtifactKind.KUBERNETES, path.stat().st_size)
        self.path = path
    def open(self):
        return open(self.path, "rb")

started = time.perf_counter()
items = list(KubernetesAnalyzer().analyze(FileSource(Path(sys.argv[1])), RecordingContext()))
elapsed = time.perf_counter() - started
assert items[0].values["objects"]["Pod"] > 0 and items[0].values["pods"]
with open(sys.argv[2], "a") as times:
    print(elapsed, file=times)
"""

_NAIVE = """
import sys, orjson
document = orjson.loads(open(sys.argv[1], "rb").read())
assert document["items"]
"""


def _pod(rng: random.Random, index: int) -> dict:
    name = f"svc-{index // 3:05d}-{rng.getrandbits(32):08x}"
    troubled = index % 20 == 0
    state = ({"waiting": {"reason": "CrashLoopBackOff"}} if troubled
             else {"running": {"startedAt": "2026-11-17T08:00:00Z"}})
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": f"team-{index % 40}",
                     "labels": {"app": name[:9], "pod-template-hash": "7c9d8f6b5d"},
                     "ownerReferences": [{"kind": "ReplicaSet", "name": name[:9] + "-7c9d8f6b5d"}],
                     "managedFields": [{"manager": "kubelet", "operation": "Update",
                                        "fieldsV1": {"f:status": {f"f:c{n}": {}
                                                                  for n in range(12)}}}]},
        "spec": {"nodeName": f"node-{index % 25}", "containers": [{
            "name": "app", "image": f"registry.example.com/{name[:9]}:1.{index % 9}",
            "env": [{"name": f"SETTING_{n}", "value": "x" * 24} for n in range(8)],
            "resources": {"limits": {"memory": "512Mi", "cpu": "500m"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}}]},
        "status": {"phase": "Running", "startTime": "2026-11-17T08:00:00Z",
                   "conditions": [{"type": t, "status": "True"} for t in
                                  ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
                   "containerStatuses": [{
                       "name": "app", "ready": not troubled,
                       "restartCount": rng.randint(3, 40) if troubled else 0,
                       "image": f"registry.example.com/{name[:9]}:1.{index % 9}",
                       "state": state,
                       "lastState": {"terminated": {"reason": "Error", "exitCode": 1,
                                                    "finishedAt": "2026-11-17T09:00:00Z"}}
                       if troubled else {}}]}}


def generate(path: Path, target: int) -> tuple[int, int]:
    rng = random.Random(15)
    count = 0
    with open(path, "wb") as out:
        out.write(b'{\n    "apiVersion": "v1",\n    "kind": "List",\n    "items": [\n')
        size = 0
        while size < target:
            if count:
                out.write(b",\n")
            chunk = orjson.dumps(_pod(rng, count), option=orjson.OPT_INDENT_2)
            out.write(chunk)
            size += len(chunk) + 2
            count += 1
        out.write(b'\n    ],\n    "metadata": {"resourceVersion": ""}\n}\n')
    return path.stat().st_size, count


def generate_yaml(path: Path, target: int) -> tuple[int, int]:
    import yaml

    rng = random.Random(16)
    count = 0
    with open(path, "w") as out:
        size = 0
        while size < target:
            text = yaml.safe_dump(_pod(rng, count), default_flow_style=False)
            out.write("---\n" + text)
            size += len(text) + 4
            count += 1
    return path.stat().st_size, count


JOURNAL_SHARE = 0.5
_SYNC = ('{month} {day:2d} {clock}.120001 worker-{node} kubelet[911]: E{mm}{day:02d} {clock}.119876'
         '     911 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to '
         '\\"StartContainer\\" for \\"app\\" with CrashLoopBackOff: \\"back-off 5m0s '
         'restarting failed container=app pod={pod}_shop(0c1d)\\"" pod="shop/{pod}" podUID=0c1d')
_PLEG = ('{month} {day:2d} {clock}.000001 worker-{node} kubelet[911]: I{mm}{day:02d} {clock}.000001'
         '     911 kubelet.go:2448] "SyncLoop (PLEG): event for pod" pod="shop/{pod}"')


def generate_journal(path: Path, target: int) -> int:
    rng = random.Random(17)
    size = 0
    with open(path, "w") as out:
        index = 0
        while size < target:
            seconds = index // 100
            clock = f"{8 + seconds // 3600 % 14:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
            template = _SYNC if index % 100 == 0 else _PLEG
            line = template.format(month="Nov", mm="11", day=17, clock=clock, node=index % 5,
                                   pod=f"api-6d4cf56db6-{rng.randrange(40):05d}") + "\n"
            out.write(line)
            size += len(line)
            index += 1
    return path.stat().st_size


def _kubelet_seconds(path: Path) -> float:
    from analyzers.kubernetes.kubelet import kubelet_reports
    from inspector.model import ArtifactKind

    runs = []
    for _ in range(3):
        started = time.perf_counter()
        reports = kubelet_reports([(path.name, ArtifactKind.JOURNAL)],
                                  lambda _: path.open("rb"))
        runs.append(time.perf_counter() - started)
        assert reports
    return statistics.median(runs)


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    dump = workdir / "pods.json"
    size, pods = generate(dump, int(TARGET_BYTES * scale))
    megabytes = size / 1e6
    times = workdir / "analysis-seconds.txt"
    times.unlink(missing_ok=True)
    seconds, peak_kib = timed([*python_command(_ANALYZE), str(dump), str(times)],
                              cwd=Path(__file__).resolve().parents[1])
    analysis = statistics.median(float(line) for line in times.read_text().split())
    naive_seconds, naive_kib = timed([*python_command(_NAIVE), str(dump)], repeat=1)
    yaml_dump = workdir / "pods.yaml"
    yaml_size, yaml_pods = generate_yaml(yaml_dump, int(TARGET_BYTES * scale * YAML_SHARE))
    yaml_times = workdir / "yaml-seconds.txt"
    yaml_times.unlink(missing_ok=True)
    _, yaml_kib = timed([*python_command(_ANALYZE), str(yaml_dump), str(yaml_times)],
                        repeat=1, cwd=Path(__file__).resolve().parents[1])
    yaml_seconds = statistics.median(float(line) for line in yaml_times.read_text().split())
    journal = workdir / "kubelet.log"
    journal_mb = generate_journal(journal, int(TARGET_BYTES * scale * JOURNAL_SHARE)) / 1e6
    kubelet_seconds = _kubelet_seconds(journal)
    grep_seconds, _ = timed(["grep", "-c", "Error syncing pod", str(journal)])
    return [
        Row("kubernetes", "resource dump size", megabytes, "MB", f"{pods:,} pods"),
        Row("kubernetes", "analysis time", analysis, "s",
            f"{megabytes / analysis:.1f} MB/s in analyze(); {seconds:.2f} s wall with start-up"),
        Row("kubernetes", "analyzer peak RSS", peak_kib / 1024, "MiB",
            "the whole analyzing process; flat as the file grows (the reader streams items): "
            "compare --scale 0.25 and 2"),
        Row("kubernetes", "naive orjson.loads of the whole file", naive_kib / 1024, "MiB",
            f"peak RSS; {naive_seconds:.2f} s wall"),
        Row("kubernetes", "multi-document YAML", yaml_size / 1e6 / yaml_seconds, "MB/s",
            f"{yaml_size / 1e6:.1f} MB, {yaml_pods:,} documents in {yaml_seconds:.2f} s; "
            f"peak RSS {yaml_kib / 1024:.0f} MiB"),
        Row("kubernetes", "kubelet journal scan", journal_mb / kubelet_seconds, "MB/s",
            f"{journal_mb:.1f} MB in {kubelet_seconds:.2f} s; grep -c {grep_seconds:.2f} s: "
            f"{kubelet_seconds / grep_seconds:.1f}x"),
    ]
