"""Which collector made the bundle (or each part of it), and who it describes.

Support bundles come from a handful of collectors, each with its own layout: Replicated
Troubleshoot (``cluster-resources/``, ``cluster-info/``, ``analysis.json``,
``version.yaml``), OpenShift must-gather (``cluster-scoped-resources/``, ``namespaces/``,
``timestamp``), the OpenShift Insights Operator archive (``config/``, ``insights-operator/``,
``config/version.json``), sosreport (``sos_commands/``, ``sos_reports/``, ``sos_logs/``,
``version.txt``), and plain ``kubectl get`` dumps. ``recognise`` finds each one by its place
(the folders it always writes) and content (what its marker files say), and reads the
identity it records: cluster version, distribution, cluster id, node names, host name,
operating system, kernel, collection time, each with the member it came from.

Decisions the next engineer needs:

- The reader keeps the first bytes of the few members identity is read from
  (``wants_head``) while it scans, so nothing is decompressed twice: in a compressed tar,
  reopening a member means decompressing the archive from its start.
- A layout's place says what its members are, as ``sos_commands/`` does for every
  collector: JSON and YAML under a Kubernetes collector's resource folders are Kubernetes
  objects even when the collector stripped ``apiVersion`` and ``kind`` (Insights does), and
  Troubleshoot's ``analysis.json`` verdicts and ``*-errors.json`` collector errors are
  Kubernetes material. ``recognise`` re-kinds those members (``json``/``yaml`` to
  ``kubernetes``) and nothing else.
- A bundle may hold several layouts (a sosreport per node beside a Troubleshoot bundle);
  each is reported with its root. Collection time comes from what the collector wrote
  (``date``, ``timestamp``, the bundle folder's name), else from the newest member
  modification time, and ``sources`` says which.
- Nothing here may fail the bundle: unreadable marker files give no identity, never an
  error.

>>> from inspector.model import Artifact, ArtifactKind
>>> members = [Artifact("sos/sos_commands/date/date", ArtifactKind.COMMAND_OUTPUT, 30),
...            Artifact("sos/sos_reports/manifest.json", ArtifactKind.JSON, 10)]
>>> layout, = recognise(members, {"sos/sos_commands/date/date":
...                                b"Fri Feb 11 19:23:39 UTC 2022\\n"})
>>> layout.name, layout.root, layout.identity["collected_at"]
('sosreport', 'sos/', '2022-02-11T19:23:39Z')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from inspector.model import Artifact, ArtifactKind, format_time

LAYOUT_NAMES = {
    "troubleshoot": "Troubleshoot support bundle",
    "must-gather": "OpenShift must-gather",
    "insights": "OpenShift Insights Operator archive",
    "sosreport": "sosreport",
    "kubectl-dump": "kubectl resource dump",
}

# Members whose head identity is read from, by the end of their path.
_IDENTITY_FILES = (
    "version.yaml", "cluster-info/cluster_version.json", "cluster-resources/nodes.json",
    "timestamp", "config/version.json", "config/id", "sos_commands/date/date",
    "sos_commands/host/hostname", "sos_commands/kernel/uname_-a", "etc/os-release",
    "etc/hostname", "version.txt", "sos_reports/manifest.json",
)
_KUBECTL_VERSION = re.compile(r"(?:^|/)sos_commands/kubernetes/[^/]*_version$")
_KUBECTL_NODES = re.compile(r"(?:^|/)sos_commands/kubernetes/[^/]*_get_nodes$")
_BUNDLE_TIME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d)[_:](\d\d)[_:](\d\d)")
_GIT_VERSION = re.compile(r'GitVersion:"(v[^"]+)"|^Server Version: (v\S+)', re.MULTILINE)
_DISTRIBUTIONS = (("+k3s", "k3s"), ("+rke2", "RKE2"), ("-eks-", "Amazon EKS"),
                  ("-gke.", "Google GKE"), ("+vmware", "VMware Tanzu"), ("-mirantis", "MKE"))
_RESOURCE_SUFFIXES = (".json", ".yaml", ".yml")


def wants_head(path: str) -> bool:
    """Whether the reader should keep this member's head for ``recognise``."""
    plain = path.replace("!/", "/").removesuffix(".gz").removesuffix(".xz")
    return plain.endswith(_IDENTITY_FILES) or bool(_KUBECTL_VERSION.search(plain)
                                                   or _KUBECTL_NODES.search(plain))


@dataclass
class Layout:
    """One collector's part of the bundle.

    Attributes:
        name: ``troubleshoot``, ``must-gather``, ``insights``, ``sosreport`` or
            ``kubectl-dump``.
        root: the folder it starts at in the bundle (``""`` for the top), ending in ``/``.
        markers: the members that told which collector it is.
        identity: what it says about the system: ``cluster_version``, ``distribution``,
            ``cluster_id``, ``nodes``, ``hostname``, ``os``, ``kernel``, ``collector``,
            ``collected_at`` (ISO-8601 UTC); only what was found.
        sources: for each identity key, the member it was read from (or ``"member
            times"`` for a collection time taken from modification times).
    """

    name: str
    root: str
    markers: list[str] = field(default_factory=list)
    identity: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return LAYOUT_NAMES.get(self.name, self.name)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "root": self.root, "markers": list(self.markers),
                "identity": dict(self.identity), "sources": dict(self.sources)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Layout:
        return cls(str(data["name"]), str(data.get("root", "")), list(data.get("markers", [])),
                   dict(data.get("identity", {})), dict(data.get("sources", {})))

    def _found(self, key: str, value: Any, source: str) -> None:
        if value not in (None, "", []) and key not in self.identity:
            self.identity[key] = value
            self.sources[key] = source


# --- recognising -------------------------------------------------------------------------------


def _roots(paths: Iterable[str], folder: str) -> dict[str, list[str]]:
    """Roots (prefixes ending in ``/``) under which ``folder/`` appears, with its members."""
    found: dict[str, list[str]] = {}
    needle = folder + "/"
    for path in paths:
        plain = path.replace("!/", "/")
        at = plain.find("/" + needle) + 1 if not plain.startswith(needle) else 0
        if plain.startswith(needle) or at > 0:
            found.setdefault(path[:at] if at else "", []).append(path)
    return found


def recognise(artifacts: list[Artifact], heads: dict[str, bytes]) -> list[Layout]:
    """Every collector layout in the bundle (see the module doc); re-kinds the resource
    members of Kubernetes layouts in place."""
    paths = [a.path for a in artifacts]
    present = set(paths)
    layouts: list[Layout] = []
    for root in _roots(paths, "cluster-resources"):
        markers = [p for p in (root + "version.yaml", root + "analysis.json",
                               root + "cluster-info/cluster_version.json") if p in present]
        troubleshoot = any(b"troubleshoot" in heads.get(p, b"") for p in markers) \
            or len(markers) >= 2
        if troubleshoot:
            layouts.append(Layout("troubleshoot", root, [root + "cluster-resources/", *markers]))
    for root in _roots(paths, "config"):
        if (root + "config/version.json" in present or root + "config/id" in present) and \
                any(p.startswith((root + "insights-operator/", root + "config/clusteroperator/"))
                    for p in paths):
            layouts.append(Layout("insights", root, [p for p in (
                root + "config/version.json", root + "config/id") if p in present]))
    for root in _roots(paths, "cluster-scoped-resources"):
        if any(p.startswith(root + "namespaces/") for p in paths) \
                and not any(layout.root == root for layout in layouts):
            layouts.append(Layout("must-gather", root, [root + "cluster-scoped-resources/"]))
    for root, members in _roots(paths, "sos_commands").items():
        others = [root + name for name in ("sos_reports/", "sos_logs/", "version.txt")
                  if any(p.startswith(root + name) for p in paths)]
        if others or len(members) >= 3:
            layouts.append(Layout("sosreport", root, [root + "sos_commands/", *others]))
    _rekind(artifacts, layouts)
    claimed = tuple(layout.root for layout in layouts)
    loose = [a for a in artifacts if a.kind is ArtifactKind.KUBERNETES
             and not (claimed and a.path.startswith(claimed))]
    if loose:
        layouts.append(Layout("kubectl-dump", _common_root([a.path for a in loose]),
                              [a.path for a in loose[:5]]))
    by_path = {a.path: a for a in artifacts}
    for layout in layouts:
        _identity(layout, heads, by_path, paths)
    return sorted(layouts, key=lambda layout: (layout.root, layout.name))


def _common_root(paths: list[str]) -> str:
    parts = [p.split("/")[:-1] for p in paths]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return "/".join(common) + "/" if common else ""


_KUBERNETES_PLACES = {
    "troubleshoot": ("cluster-resources/", "cluster-info/", "analysis.json"),
    "must-gather": ("cluster-scoped-resources/", "namespaces/"),
    "insights": ("config/", "events/", "namespaces/", "cluster-scoped-resources/",
                 "insights-operator/gathers.json"),
}


def _rekind(artifacts: list[Artifact], layouts: list[Layout]) -> None:
    for layout in layouts:
        places = _KUBERNETES_PLACES.get(layout.name)
        if not places:
            continue
        for artifact in artifacts:
            if artifact.kind not in (ArtifactKind.JSON, ArtifactKind.YAML) \
                    or not artifact.path.startswith(layout.root):
                continue
            inner = artifact.path[len(layout.root):]
            if inner.startswith(places) or (layout.name == "troubleshoot"
                                            and inner.endswith("errors.json")):
                artifact.kind = ArtifactKind.KUBERNETES


# --- identity ----------------------------------------------------------------------------------


def _text(heads: dict[str, bytes], path: str) -> str:
    return heads.get(path, b"").decode("utf-8", "replace")


def _json(heads: dict[str, bytes], path: str) -> Any:
    try:
        return json.loads(_text(heads, path))
    except (ValueError, RecursionError):
        return None


def _identity(layout: Layout, heads: dict[str, bytes], artifacts: dict[str, Artifact],
              paths: list[str]) -> None:
    root = layout.root
    version = _json(heads, root + "cluster-info/cluster_version.json")
    if isinstance(version, dict) and isinstance(version.get("info"), dict):
        git = str(version["info"].get("gitVersion") or "")
        layout._found("cluster_version", git, root + "cluster-info/cluster_version.json")
        layout._found("distribution", _distribution(git),
                      root + "cluster-info/cluster_version.json")
    cluster_version = _json(heads, root + "config/version.json")
    if isinstance(cluster_version, dict):
        status, spec = cluster_version.get("status") or {}, cluster_version.get("spec") or {}
        desired = status.get("desired") or {} if isinstance(status, dict) else {}
        source = root + "config/version.json"
        layout._found("cluster_version", desired.get("version"), source)
        layout._found("distribution", "OpenShift", source)
        layout._found("cluster_id", spec.get("clusterID") if isinstance(spec, dict) else None,
                      source)
    layout._found("cluster_id", _text(heads, root + "config/id").strip()[:64],
                  root + "config/id")
    nodes = _json(heads, root + "cluster-resources/nodes.json")
    if isinstance(nodes, dict) and isinstance(nodes.get("items"), list):
        layout._found("nodes", sorted(str((n.get("metadata") or {}).get("name"))
                                      for n in nodes["items"] if isinstance(n, dict)),
                      root + "cluster-resources/nodes.json")
    node_files = sorted({p[len(root + "cluster-scoped-resources/core/nodes/"):].rsplit(".", 1)[0]
                         for p in paths
                         if p.startswith(root + "cluster-scoped-resources/core/nodes/")})
    layout._found("nodes", node_files, root + "cluster-scoped-resources/core/nodes/")
    for path in (p for p in heads if p.startswith(root)):
        plain = path.replace("!/", "/")
        if _KUBECTL_VERSION.search(plain):
            match = _GIT_VERSION.search(_text(heads, path).split("Server Version")[-1]
                                        if "Server Version" in _text(heads, path) else "")
            if match:
                layout._found("cluster_version", match.group(1) or match.group(2), path)
        elif _KUBECTL_NODES.search(plain):
            names = [line.split()[0] for line in _text(heads, path).splitlines()[1:]
                     if line.strip()]
            layout._found("nodes", names, path)
    _host(layout, heads)
    _collected(layout, heads, artifacts)


def _distribution(version: str) -> str | None:
    for marker, name in _DISTRIBUTIONS:
        if marker in version:
            return name
    return "Kubernetes" if version else None


def _host(layout: Layout, heads: dict[str, bytes]) -> None:
    root = layout.root
    for name in ("sos_commands/host/hostname", "etc/hostname"):
        first = _text(heads, root + name).strip().splitlines()
        layout._found("hostname", first[0][:200] if first else None, root + name)
    uname = _text(heads, root + "sos_commands/kernel/uname_-a").split()
    layout._found("kernel", uname[2] if len(uname) > 2 else None,
                  root + "sos_commands/kernel/uname_-a")
    release = dict(line.split("=", 1) for line in _text(heads, root + "etc/os-release")
                   .splitlines() if "=" in line)
    layout._found("os", release.get("PRETTY_NAME", "").strip('"') or None,
                  root + "etc/os-release")
    collector = _text(heads, root + "version.txt").strip().splitlines()
    layout._found("collector", collector[0][:80] if collector else None, root + "version.txt")
    troubleshoot = re.search(r"versionNumber: (\S+)", _text(heads, root + "version.yaml"))
    layout._found("collector", f"troubleshoot {troubleshoot.group(1)}" if troubleshoot
                  else None, root + "version.yaml")


def _collected(layout: Layout, heads: dict[str, bytes], artifacts: dict[str, Artifact]) -> None:
    root = layout.root
    date = _text(heads, root + "sos_commands/date/date").strip()
    layout._found("collected_at", _parse_date(date), root + "sos_commands/date/date")
    stamps = [line.split(" m=")[0].strip() for line in
              _text(heads, root + "timestamp").splitlines() if line.strip()]
    if stamps:
        layout._found("collected_at", _parse_go_time(stamps[-1]), root + "timestamp")
    match = _BUNDLE_TIME.search(root)
    if match:
        day, hour, minute, second = match.groups()
        layout._found("collected_at", f"{day}T{hour}:{minute}:{second}Z", root)
    newest = max((a.modified for path, a in artifacts.items()
                  if path.startswith(root) and a.modified), default=None)
    layout._found("collected_at", format_time(newest), "member times")


def _parse_date(text: str) -> str | None:
    """``date``'s ``Fri Feb 11 19:23:39 UTC 2022``."""
    parts = text.split()
    if len(parts) != 6 or parts[4] not in ("UTC", "GMT"):
        return None
    try:
        moment = datetime.strptime(" ".join(parts[1:4] + parts[5:]), "%b %d %H:%M:%S %Y")
    except ValueError:
        try:
            return format_time(parsedate_to_datetime(text))
        except (TypeError, ValueError):
            return None
    return format_time(moment.replace(tzinfo=UTC))


def _parse_go_time(text: str) -> str | None:
    """Go's ``2023-01-04 19:00:02.073409387 +0000 UTC``."""
    match = re.match(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? ([+-]\d{4})", text)
    if not match:
        return None
    moment = datetime.strptime(" ".join(match.groups()), "%Y-%m-%d %H:%M:%S %z")
    return format_time(moment.astimezone(UTC))
