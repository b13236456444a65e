from analyzers.host.hosts import Host
from analyzers.host.judge import judge_host
from inspector.model import Severity


def _host(**snapshots) -> Host:
    host = Host("node/")
    for command, values in snapshots.items():
        host.snapshots[command].append((f"node/sos_commands/{command}",
                                        {"command": command, **values}))
    return host


def test_snapshots_judged_at_collection_time():
    host = _host(
        date={"time": "2026-11-17T09:00:00Z", "zone": "UTC", "utc": True},
        hostname={"hostname": "db-01"},
        df={"inodes": False, "filesystems": [
            {"filesystem": "/dev/sda1", "type": None, "size": "100G", "used": "97G",
             "available": "3G", "use": 97, "mount": "/"},
            {"filesystem": "/dev/loop3", "type": None, "size": "60M", "used": "60M",
             "available": "0", "use": 100, "mount": "/snap/core/1"}]},
        uptime={"load": [9.0, 8.5, 8.0], "up": "3 days"}, cpus={"cpus": 2},
        meminfo={"mem": {"total": 8 << 30, "available": 300 << 20},
                 "swap": {"total": 0, "used": 0}},
        sockets={"states": {"CLOSE-WAIT": 420}, "close_wait_by_port": {"8080": 400},
                 "listeners": []},
        sysctl={"values": {"net.ipv4.tcp_tw_recycle": "1", "vm.swappiness": "60"}})
    found = {f.rule: f for f in judge_host(host)}
    assert set(found) == {"host.disk-full", "host.load-high", "host.memory-low",
                          "host.socket-pile", "host.sysctl"}
    disk = found["host.disk-full"]
    assert disk.severity is Severity.HIGH and "/ is 97% full" in disk.title
    assert "db-01" in disk.title and "2026-11-17 09:00 UTC" in disk.title
    assert found["host.load-high"].facts["per_cpu"] == 4.5
    assert found["host.sysctl"].facts["key"] == "net.ipv4.tcp_tw_recycle"


def test_failed_units_on_a_bare_host_are_raised_but_not_in_a_container():
    host = _host(**{"failed-units": {"units": [{"unit": "systemd-remount-fs.service",
                                                "line": 2}]}})
    [finding] = judge_host(host)
    assert finding.severity is Severity.HIGH
    host.logs.append(("node/var/log/journal.txt",
                      {"virtualization": "lxc", "incidents": [], "units": {}}))
    assert list(judge_host(host)) == []
