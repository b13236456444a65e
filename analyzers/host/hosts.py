"""Which artifacts are one host, and what is known about that host: its name, when the
bundle was collected from it, its CPUs, whether it is a container.

Decisions the next engineer needs:

- **One host** is one *root*: the part of a member's path before a host's own folders
  (``sos_commands/``, ``proc/``, ``sys/``, ``var/``, ``etc/``, ``run/``), so every file of
  a sosreport, or of ``nodes/app-01.tgz``, is one host; a member outside such folders
  belongs to the host of its parent folder.
- **Collection time**: the ``date`` snapshot when there is one, else the latest journal's
  end (its header), else the latest modification time of the host's snapshots.
- **A container** says so: the journal's ``Detected virtualization lxc`` (or docker,
  podman, systemd-nspawn, openvz, wsl), or the host's name among the LXD AppArmor
  profiles of the kernel ring buffer it sees (``profile="lxd-<name>_<...>"``: the ring
  buffer is the host machine's, the profile is this container's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analyzers.host.rules import ANALYZER
from inspector.model import parse_time
from inspector.plugins import ArtifactResults

_HOST_FOLDERS = frozenset({"sos_commands", "proc", "sys", "var", "etc", "run", "usr", "boot"})
_CONTAINERS = frozenset({"lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "openvz",
                         "wsl", "container-other", "rkt"})


def host_root(path: str) -> str:
    """The host a member belongs to (see the module doc).

    >>> host_root("sosreport-node-4/sos_commands/host/uptime")
    'sosreport-node-4/'
    >>> host_root("nodes/app-01.tgz!/var/log/kern.log")
    'nodes/app-01.tgz!/'
    """
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        name = part.rsplit("!", 1)[-1] if part.endswith("!") else part
        if name in _HOST_FOLDERS:
            return "/".join(parts[:index]) + ("/" if index else "")
    return "/".join(parts[:-1]) + ("/" if len(parts) > 1 else "")


@dataclass
class Host:
    """What the bundle says about one host (see the module doc)."""

    root: str
    snapshots: dict[str, list[tuple[str, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list))
    logs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    modified: list[datetime] = field(default_factory=list)

    def snapshot(self, command: str) -> tuple[str, dict[str, Any]] | None:
        found = self.snapshots.get(command)
        return found[0] if found else None

    @property
    def name(self) -> str | None:
        found = self.snapshot("hostname")
        if found:
            return found[1]["hostname"]
        names = {h for _, stats in self.logs for h in stats.get("hosts", [])}
        return sorted(names)[0] if len(names) == 1 else None

    @property
    def collected(self) -> datetime | None:
        date = self.snapshot("date")
        if date:
            return parse_time(date[1]["time"])
        ends = [parse_time(stats["journal"]["end"] + ("" if "+" in stats["journal"]["end"]
                                                      else "+00:00"))
                for _, stats in self.logs
                if stats.get("journal", {}).get("end") and stats["journal"]["end_from_header"]]
        if ends:
            return max(ends)
        return max(self.modified) if self.modified else None

    @property
    def cpus(self) -> int | None:
        found = self.snapshot("cpus")
        return found[1]["cpus"] if found else None

    def container(self) -> str | None:
        """How we know this host is a container, or None (see the module doc)."""
        for _, stats in self.logs:
            if stats.get("virtualization") in _CONTAINERS:
                return f"the journal says 'Detected virtualization {stats['virtualization']}'"
        name = self.name
        if name:
            for path, stats in self.logs:
                if name in stats.get("lxd_profiles", []):
                    return (f"the kernel ring buffer ({path.rsplit('/', 1)[-1]}) confines it "
                            f"with the LXD profile lxd-{name}")
        return None


def hosts(results: list[ArtifactResults]) -> list[Host]:
    """The hosts of a bundle, with what the ``host`` analyzer read from each."""
    found: dict[str, Host] = {}
    for result in results:
        stats = result.stats.get(ANALYZER)
        if stats is None:
            continue
        root = host_root(result.artifact.path)
        host = found.setdefault(root, Host(root))
        snapshot = stats.get("snapshot")
        if "snapshot" in stats:
            if snapshot:
                host.snapshots[snapshot["command"]].append((result.artifact.path, snapshot))
            if result.artifact.modified:
                host.modified.append(result.artifact.modified)
        else:
            host.logs.append((result.artifact.path, stats))
    return [found[root] for root in sorted(found)]
