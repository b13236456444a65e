"""The customer's environment, read from an analysis and its bundle for the report.

``detect_environment`` lists versions, hosts, operating systems, browsers and clients, each
with the artifact it was read from. From the analysis alone: the collectors' layouts and
the cluster or host each describes (``analysis.layouts``: cluster version, nodes, host,
OS, kernel, collection time) and the Kubernetes nodes' kubelet, OS and runtime; from the
stats: HAR exporters, the hosts a browser talked to, TLS servers and protocol versions,
captured conversations' clients and servers, log formats. With the opened bundle it also
reads the start of the text members (product and server versions) and the HAR's request
headers (browsers and operating systems from their User-Agent).

Decisions the next engineer needs:

- Nothing is guessed: an item is a value found in the evidence, with where it was found.
- HARs are read with the one HAR reader (``inspector.formats.har.HarReader``), which
  streams, and only their first ``USER_AGENT_ENTRIES`` entries; text members only their
  first ``HEAD_BYTES``. A member that cannot be read tells nothing: the analysis already
  says why. A HAR damaged part way still tells what its entries before the damage say.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from inspector.analysis import Analysis
from inspector.bundle import Bundle
from inspector.formats.har import HarFormatError, HarReader
from inspector.model import ArtifactKind
from inspector.report.document import EnvironmentItem

_VERSION_LINES = (
    (re.compile(r"(?i)--\s*Server version[:\s]\s*+(?P<v>[\w.+-]{1,40}+)"), "MySQL server"),
    (re.compile(r"(?i)Dumped from database version (?P<v>[\w.+-]{1,40}+)"), "PostgreSQL server"),
    (re.compile(r"PostgreSQL (?P<v>\d{1,3}\.\d{1,3}[\w.+-]{0,20}+) on "), "PostgreSQL server"),
    (re.compile(r"(?i)\bmysqld?,? Version: (?P<v>[\w.+-]{1,40}+)"), "MySQL server"),
    (re.compile(r"(?i)\bStarting (?P<name>[A-Za-z][\w.-]{1,40}+) v?(?P<v>\d{1,4}\.\d{1,4}"
                r"(?:\.\d{1,6}){0,2}+[\w.+-]{0,20}+)"), None),
    (re.compile(r"(?i)\bJava(?:\(TM\))? (?:version )?\"?(?P<v>\d{1,3}(?:\.\d{1,4}){0,3}+)"),
     "Java"),
    (re.compile(r"(?i)\busing Java (?P<v>\d{1,3}(?:\.\d{1,4}){0,3}+)"), "Java"),
    (re.compile(r"\b(?P<v>(?:Ubuntu|Debian GNU/Linux|Red Hat Enterprise Linux|CentOS|"
                r"Windows Server|Rocky Linux|AlmaLinux) ?[\w.]{0,12}+)"), "Operating system"),
    (re.compile(r"\bLinux (?P<v>\d{1,2}\.\d{1,3}\.\d{1,4}[\w.-]{0,40}+)"), "Linux kernel"),
)
_USER_AGENT_BROWSERS = (
    ("Edge", re.compile(r"Edg/(\d+)")), ("Firefox", re.compile(r"Firefox/(\d+)")),
    ("Chrome", re.compile(r"Chrome/(\d+)")), ("Safari", re.compile(r"Version/(\d+)[\d.]* Safari")),
)
_USER_AGENT_SYSTEMS = (
    ("Windows", re.compile(r"Windows NT (\d+\.\d+)")),
    ("Android", re.compile(r"Android (\d+)")),
    ("iOS", re.compile(r"iPhone OS (\d+)")),
    ("macOS", re.compile(r"Mac OS X (\d+[_.]\d+)")),
    ("Linux", re.compile(r"(Linux) x86_64")),
)
HEAD_BYTES = 256 * 1024
USER_AGENT_ENTRIES = 2000


def detect_environment(analysis: Analysis, bundle: Bundle | None = None) -> list[EnvironmentItem]:
    """Versions, hosts, OS, browsers and clients, each with where it was read.

    From the stats alone: HAR exporters, the hosts a browser talked to, TLS servers and
    protocol versions, captured conversations' clients and servers, log formats. With the
    bundle: product and server versions from the first 256 KB of each text member, and
    browsers and operating systems from the HAR's User-Agent headers.
    """
    # The cluster or host first: what the bundle describes, then what its members say.
    items: list[EnvironmentItem] = [*_layout_environment(analysis), *_node_environment(analysis)]
    log_formats: dict[str, list[str]] = {}
    for path, per_analyzer in analysis.stats.items():
        http = per_analyzer.get("http")
        if isinstance(http, dict):
            creator = " ".join(str(http.get(k) or "") for k in ("creator", "creator_version"))
            if creator.strip():
                items.append(EnvironmentItem("HAR exported by", creator.strip(), path))
            hosts = http.get("hosts")
            if isinstance(hosts, dict) and hosts:
                ranked = sorted(hosts.items(), key=lambda kv: (-_requests(kv[1]), kv[0]))
                items.append(EnvironmentItem(
                    "Hosts contacted by the browser",
                    ", ".join(f"{host} ({_requests(info)} requests)" for host, info in ranked[:8]),
                    path))
        tls = per_analyzer.get("tls")
        if isinstance(tls, dict):
            items.extend(_tls_environment(tls, path))
        network = per_analyzer.get("network")
        if isinstance(network, dict):
            items.extend(_network_environment(network, path))
        logs = per_analyzer.get("logs")
        if isinstance(logs, dict) and logs.get("format"):
            zone = logs.get("time_zone") or "unknown"
            log_formats.setdefault(f"{logs['format']} (time zone {zone})", []).append(path)
    # One row per format: a cluster's bundle holds hundreds of logs of a few formats.
    items.extend(EnvironmentItem("Log format", value if len(paths) == 1 else
                                 f"{value} in {len(paths)} logs", paths[0])
                 for value, paths in log_formats.items())
    if bundle is not None:
        items.extend(_bundle_environment(analysis, bundle))
    return items


_IDENTITY_LABELS = (
    ("cluster_version", "Cluster version"), ("distribution", "Distribution"),
    ("cluster_id", "Cluster id"), ("nodes", "Nodes"), ("hostname", "Host"),
    ("os", "Operating system"), ("kernel", "Linux kernel"), ("collector", "Collected by"),
    ("collected_at", "Collected at"),
)


def _layout_environment(analysis: Analysis) -> Iterable[EnvironmentItem]:
    for layout in analysis.layouts:
        yield EnvironmentItem("Bundle layout", f"{layout.description} at "
                              f"{layout.root or 'the top'}", layout.markers[0]
                              if layout.markers else layout.root)
        for key, label in _IDENTITY_LABELS:
            value = layout.identity.get(key)
            if value:
                shown = ", ".join(map(str, value[:12])) + (" …" if len(value) > 12 else "") \
                    if isinstance(value, list) else str(value)
                yield EnvironmentItem(label, shown, layout.sources.get(key, layout.root))


def _node_environment(analysis: Analysis) -> list[EnvironmentItem]:
    """One row for the Kubernetes nodes of every member (Insights and must-gather file each
    node apart), each node described once, from the first member that describes it."""
    described: dict[str, dict[str, Any]] = {}
    source = ""
    for path, per_analyzer in analysis.stats.items():
        kubernetes = per_analyzer.get("kubernetes")
        nodes = kubernetes.get("nodes") if isinstance(kubernetes, dict) else None
        for node in nodes if isinstance(nodes, list) else []:
            if isinstance(node, dict) and node.get("name") and node["name"] not in described \
                    and (node.get("kubelet") or node.get("os")):
                described[node["name"]] = node
                source = source or path
    if not described:
        return []
    shown = [f"{name} (" + ", ".join(str(node[k]) for k in ("kubelet", "os", "runtime")
                                     if node.get(k)) + ")"
             for name, node in sorted(described.items())]
    more = f" and {len(shown) - 12} more" if len(shown) > 12 else ""
    return [EnvironmentItem("Kubernetes nodes", "; ".join(shown[:12]) + more, source)]


def _requests(info: Any) -> int:
    return int(info.get("requests", 0)) if isinstance(info, dict) else 0


def _tls_environment(tls: dict[str, Any], path: str) -> list[EnvironmentItem]:
    handshakes = [h for h in tls.get("handshakes", []) if isinstance(h, dict)]
    servers = Counter(f"{h.get('sni') or '(no SNI)'} at {h.get('server')}" for h in handshakes)
    versions = Counter(str(h["version"]) for h in handshakes if h.get("version"))
    clients = Counter(str(h.get("client", "")).rsplit(":", 1)[0] for h in handshakes)
    items = []
    if servers:
        items.append(EnvironmentItem("TLS servers", ", ".join(
            f"{name} ({count} handshakes)" for name, count in servers.most_common(6)), path))
    if versions:
        items.append(EnvironmentItem("TLS versions negotiated", ", ".join(
            f"{name} ({count})" for name, count in versions.most_common()), path))
    if clients:
        items.append(EnvironmentItem("TLS clients", ", ".join(
            name for name, _ in clients.most_common(6)), path))
    return items


def _endpoint(address: str, port: Any) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _network_environment(network: dict[str, Any], path: str) -> list[EnvironmentItem]:
    conversations = [c for c in network.get("conversations", []) if isinstance(c, dict)]
    # An IPv6 address takes its port in brackets ([2001:db8::5]:443): written bare, the
    # port reads as a last group, and the address as another one.
    servers = Counter(_endpoint(str(c.get("server")), c.get("server_port"))
                      for c in conversations)
    clients = Counter(str(c.get("client")) for c in conversations)
    items = []
    if servers:
        items.append(EnvironmentItem("Servers in the capture", ", ".join(
            f"{name} ({count} connections)" for name, count in servers.most_common(6)), path))
    if clients:
        items.append(EnvironmentItem("Clients in the capture", ", ".join(
            name for name, _ in clients.most_common(6)), path))
    return items


def _bundle_environment(analysis: Analysis, bundle: Bundle) -> list[EnvironmentItem]:
    found: dict[tuple[str, str], str] = {}
    for artifact in analysis.artifacts:
        try:
            if artifact.kind is ArtifactKind.HAR:
                for label, value in _user_agents(bundle, artifact.path):
                    found.setdefault((label, value), artifact.path)
            elif artifact.kind in (ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.SQL_DUMP,
                                   ArtifactKind.POSTGRES_LOG, ArtifactKind.MYSQL_SLOW_LOG):
                with bundle.open(artifact.path) as stream:
                    head = stream.read(HEAD_BYTES).decode("utf-8", "replace")
                for label, value in _versions(head):
                    found.setdefault((label, value), artifact.path)
        except (OSError, KeyError, ValueError):
            continue  # a member that cannot be read tells us nothing; the analysis says why
    return [EnvironmentItem(label, value, source)
            for (label, value), source in list(found.items())[:30]]


def _versions(text: str) -> Iterable[tuple[str, str]]:
    for pattern, label in _VERSION_LINES:
        for match in pattern.finditer(text):
            name = label or match.group("name")
            yield name, match.group("v").rstrip(".,;")


def _user_agents(bundle: Bundle, path: str) -> list[tuple[str, str]]:
    """Browsers and operating systems of the HAR's five most frequent User-Agents."""
    agents: Counter[str] = Counter()
    with bundle.open(path) as stream:
        try:
            for entry in itertools.islice(HarReader(stream).entries(), USER_AGENT_ENTRIES):
                headers = entry.get("request", {}).get("headers", []) \
                    if isinstance(entry, dict) else []
                for header in headers:
                    if isinstance(header, dict) and \
                            str(header.get("name", "")).lower() == "user-agent":
                        agents[str(header.get("value", ""))] += 1
        except HarFormatError:
            pass  # the entries before the damage still say which browser sent them
    result = []
    for agent, _ in agents.most_common(5):
        browser = next((f"{name} {m.group(1)}" for name, pattern in _USER_AGENT_BROWSERS
                        if (m := pattern.search(agent))), None)
        system = next((f"{name} {m.group(1).replace('_', '.')}".replace("Linux Linux", "Linux")
                       for name, pattern in _USER_AGENT_SYSTEMS if (m := pattern.search(agent))),
                      None)
        if browser:
            result.append(("Browser", browser))
        if system:
            result.append(("Client operating system", system))
    return result
