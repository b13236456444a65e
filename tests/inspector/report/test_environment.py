"""The customer's environment, from the stats and from the bundle's members."""

from __future__ import annotations

import orjson

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo, Layout, open_bundle
from inspector.report.environment import detect_environment
from inspector.testing import make_bundle
from tests.analyses import analyze


def test_environment_comes_from_stats_and_the_bundle(incident, drafted):
    _, analysis = incident
    found = {(item.label, item.value) for item in drafted.environment}
    assert ("Browser", "Chrome 131") in found
    assert ("Client operating system", "Windows 10.0") in found
    labels = {item.label for item in drafted.environment}
    assert {"TLS servers", "TLS versions negotiated", "HAR exported by",
            "Hosts contacted by the browser"} <= labels
    tls_servers = next(i.value for i in drafted.environment if i.label == "TLS servers")
    assert "api.example.com at 203.0.113.24:443" in tls_servers
    without_bundle = {i.label for i in detect_environment(analysis)}
    assert "Browser" not in without_bundle and "TLS servers" in without_bundle


def test_ipv6_servers_take_their_port_in_brackets():
    analysis = Analysis(BundleInfo("case.zip", "0" * 64, 1), stats={"net.pcap": {"network": {
        "conversations": [{"server": "2001:db8:1:2:3:4:5:6", "server_port": 443,
                           "client": "2001:db8::9"}]}}})
    [item] = [i for i in detect_environment(analysis) if i.label == "Servers in the capture"]
    assert item.value == "[2001:db8:1:2:3:4:5:6]:443 (1 connections)"


def test_versions_are_read_from_dump_headers_and_startup_lines(tmp_path):
    path = make_bundle(tmp_path / "b.zip", {
        "db/dump.sql": b"-- MySQL dump 10.13\n-- Server version\t8.0.35-0ubuntu0.22.04.1\n"
                       b"CREATE TABLE t (id int);\n",
        "logs/app.log": b"2026-11-17 09:00:00 INFO Starting OrderSync v4.2.1 using Java 17.0.9 "
                        b"on host01\n2026-11-17 09:00:01 INFO ready\n",
    })
    analysis = analyze(path)
    with open_bundle(path) as bundle:
        found = {(i.label, i.value) for i in detect_environment(analysis, bundle)}
    assert {("MySQL server", "8.0.35-0ubuntu0.22.04.1"), ("OrderSync", "4.2.1"),
            ("Java", "17.0.9")} <= found


CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")


def har(count: int) -> bytes:
    entry = {"startedDateTime": "2026-11-17T09:14:01.000Z", "time": 12,
             "request": {"method": "GET", "url": "https://api.example.com/v1/orders",
                         "headers": [{"name": "User-Agent", "value": CHROME}]},
             "response": {"status": 200, "headers": [], "content": {"size": 0}},
             "timings": {"wait": 10}}
    return orjson.dumps({"log": {"version": "1.2", "entries": [entry] * count}})


def browsers(tmp_path, data: bytes) -> set[tuple[str, str]]:
    path = make_bundle(tmp_path / "b.zip", {"browser/portal.har": data})
    analysis = analyze(path)
    with open_bundle(path) as bundle:
        return {(i.label, i.value) for i in detect_environment(analysis, bundle)
                if i.source == "browser/portal.har"}


def test_browsers_come_from_the_har_read_with_the_one_reader(tmp_path):
    expected = {("Browser", "Chrome 131"), ("Client operating system", "Windows 10.0")}
    assert expected <= browsers(tmp_path / "plain", har(3))
    assert expected <= browsers(tmp_path / "bom", b"\xef\xbb\xbf" + har(3))


def test_a_har_cut_short_still_names_its_browser(tmp_path):
    data = har(3)
    found = browsers(tmp_path, data[:len(data) - 40])
    assert ("Browser", "Chrome 131") in found


def test_layouts_and_kubernetes_nodes_are_in_the_environment() -> None:
    analysis = Analysis(bundle=BundleInfo("b.zip", "0" * 64, 1), layouts=[Layout(
        "sosreport", "sos/", ["sos/sos_commands/"], {"hostname": "node-4",
                                                     "nodes": ["a", "b"]},
        {"hostname": "sos/sos_commands/host/hostname", "nodes": "sos/nodes"})],
        stats={"nodes.json": {"kubernetes": {"nodes": [{"name": "a", "kubelet": "v1.30.1",
                                                        "os": "Ubuntu 24.04"}]}}})
    items = {(item.label, item.value, item.source) for item in detect_environment(analysis)}
    assert ("Bundle layout", "sosreport at sos/", "sos/sos_commands/") in items
    assert ("Host", "node-4", "sos/sos_commands/host/hostname") in items
    assert ("Nodes", "a, b", "sos/nodes") in items
    assert ("Kubernetes nodes", "a (v1.30.1, Ubuntu 24.04)", "nodes.json") in items


def test_nodes_filed_apart_make_one_row_after_the_layouts() -> None:
    stats = {f"config/node/{name}.json": {"kubernetes": {"nodes": [
        {"name": name, "kubelet": "v1.20.0", "os": "RHCOS"}]}} for name in ("m-1", "m-0")}
    stats["app.log"] = {"logs": {"format": "plain"}}
    analysis = Analysis(bundle=BundleInfo("b.zip", "0" * 64, 1), layouts=[Layout(
        "insights", "", ["config/"], {"cluster_version": "4.7.16"}, {})], stats=stats)
    labels = [item.label for item in detect_environment(analysis)]
    assert labels == ["Bundle layout", "Cluster version", "Kubernetes nodes", "Log format"]
    [nodes] = [i for i in detect_environment(analysis) if i.label == "Kubernetes nodes"]
    assert nodes.value == "m-0 (v1.20.0, RHCOS); m-1 (v1.20.0, RHCOS)"
    assert nodes.source == "config/node/m-1.json"


def test_logs_of_one_format_make_one_row_naming_the_first() -> None:
    stats = {f"pods/{n}.log": {"logs": {"format": "klog", "time_zone": "none"}}
             for n in ("b", "a", "c")}
    stats["gateway.log"] = {"logs": {"format": "nginx", "time_zone": "explicit"}}
    analysis = Analysis(bundle=BundleInfo("b.zip", "0" * 64, 1), stats=stats)
    rows = [(i.value, i.source) for i in detect_environment(analysis) if i.label == "Log format"]
    assert rows == [("klog (time zone none) in 3 logs", "pods/b.log"),
                    ("nginx (time zone explicit)", "gateway.log")]
