import pytest

from inspector.model import Severity
from tests.analyses import analyze
from tests.analyzers.host.material import REALWORLD, real


def _host(analysis):
    return [f for f in analysis.findings if f.analyzer.startswith("host")]


@pytest.mark.corpus
@pytest.mark.slow
def test_rabbitmq_lxd_sosreport():
    analysis = analyze(real(REALWORLD / "bundles" /
                            "sosreport-juju-04f1e3-1-lxd-5-2022-02-10.tar.xz"))
    host = _host(analysis)
    # Nothing is failing at collection; the container's always-failing units and the host
    # machine's AppArmor noise are not raised at all.
    assert all(f.severity <= Severity.LOW for f in host)
    titles = " ".join(f.title for f in host)
    assert "systemd-remount-fs" not in titles and "multipathd" not in titles
    assert not any(f.rule in ("host.oom-kill", "host.kernel-panic", "host.kernel-oops")
                   for f in host)
    dmesg = next(a for a in analysis.artifacts if a.path.endswith("sos_commands/kernel/dmesg"))
    stats = analysis.stats[dmesg.path]["host"]
    assert stats["noise"]["apparmor_denied"] >= 10 and stats["boot_from"] == "audit records"
    assert stats["boot"].startswith("2022-02-09T22:3")


@pytest.mark.corpus
@pytest.mark.slow
def test_kubernetes_control_plane_sosreport():
    analysis = analyze(real(REALWORLD / "bundles" /
                            "sosreport-juju-110cc2-k8stest-4-2022-02-11-ipxjpkg.tar.xz"))
    host = _host(analysis)
    units = {f.facts["unit"]: f for f in host if f.rule == "host.unit-failed"}
    # Bootstrap crash loops that settled: said, at info, never above.
    for name in ("snap.kube-proxy.daemon.service", "snap.kube-scheduler.daemon.service"):
        assert units[name].severity is Severity.INFO and units[name].facts["recovered"]
    assert all(f.severity is Severity.INFO for f in host)
    # The loop-device I/O error 2 s before collection is not a disk failure.
    assert not any(f.rule == "host.io-error" for f in host)
