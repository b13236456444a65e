import pytest

from analyzers.host.snapshots import read_snapshot
from tests.analyzers.host.material import SOS, real


@pytest.mark.corpus
def test_real_sos_snapshots():
    commands = real(SOS / "sosreport-juju-04f1e3-1-lxd-5" / "sos_commands")
    free = read_snapshot("free", (commands / "memory" / "free").read_text())
    assert free["mem"]["total"] == 1048576 * 1024 and free["mem"]["available"] == 618824 * 1024
    assert read_snapshot("date", (commands / "date" / "date").read_text())["time"] == \
        "2022-02-10T09:39:52Z"
    failed = read_snapshot("systemctl_list-units_--failed",
                           (commands / "systemd" / "systemctl_list-units_--failed").read_text())
    assert [u["unit"] for u in failed["units"]] == ["systemd-remount-fs.service",
                                                   "multipathd.socket"]
    assert read_snapshot("uptime", (commands / "host" / "uptime").read_text())["load"][0] == 2.0


def test_generated_outputs():
    df = read_snapshot("df", "Filesystem     Inodes  IUsed IFree IUse% Mounted on\n"
                             "/dev/mapper/vg-very-long-root-name\n"
                             "               655360 650000  5360   99% /\n")
    assert df["inodes"] and df["filesystems"][0]["filesystem"].startswith("/dev/mapper")
    ss = read_snapshot("ss", "State      Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
                       + "CLOSE-WAIT 1 0 10.0.0.5:8080 10.0.0.9:5123\n" * 3
                       + "LISTEN 0 128 *:22 *:*\n")
    assert ss["states"] == {"CLOSE-WAIT": 3, "LISTEN": 1}
    assert ss["close_wait_by_port"] == {"8080": 3}
    chrony = read_snapshot("chronyc_tracking", "Reference ID    : 00000000 ()\n"
                           "System time     : 2.500000 seconds slow of NTP time\n"
                           "Leap status     : Not synchronised\n")
    assert chrony["synchronized"] is False and chrony["offset_seconds"] == 2.5
    assert read_snapshot("sysctl_-a", "a.b = 1\nnet.core.somaxconn = 128\nc.d = x\n")[
        "values"]["net.core.somaxconn"] == "128"
    assert read_snapshot("lscpu", "Architecture: x86_64\nCPU(s):              8\n")["cpus"] == 8
    assert read_snapshot("mystery", "nothing we know\n") is None
