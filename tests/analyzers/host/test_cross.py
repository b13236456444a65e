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


JOURNAL = """\
-- Logs begin at Mon 2026-11-16 08:00:01 UTC, end at Tue 2026-11-17 10:05:00 UTC. --
Nov 17 10:00:00 web-1 systemd[1]: Started Order service.
Nov 17 10:03:10 web-1 java[2211]: Exception in thread "http-nio-8080-exec-7" \
java.lang.OutOfMemoryError: Java heap space
Nov 17 10:04:58 web-1 kernel: java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), \
order=0, oom_score_adj=0
Nov 17 10:04:58 web-1 kernel: Out of memory: Killed process 2211 (java) total-vm:9876543kB, \
anon-rss:8123456kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:17000kB oom_score_adj:0
Nov 17 10:04:59 web-1 systemd[1]: order.service: Main process exited, code=killed, status=9/KILL
Nov 17 10:04:59 web-1 systemd[1]: order.service: Failed with result 'signal'.
"""


def test_a_kernel_oom_kill_in_a_journal_is_one_host_finding(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "journalctl.txt").write_text(JOURNAL)
    analysis = analyze(bundle)
    oom = [f for f in analysis.findings if f.rule == "host.oom-kill"]
    assert len(oom) == 1 and oom[0].evidence[0].locator.line == 5
    reported = [f.to_json() for f in analysis.findings]
    reported += [e for f in analysis.findings for e in f.facts.get("also_reported_as", [])]
    known = {f["facts"]["signature"]: f for f in reported if f["rule"] == "log.known-issue"}
    # The kernel's and systemd's lines are the host analyzer's; the service's own
    # OutOfMemoryError is still the logs analyzer's known issue, folded into the JVM's.
    assert "os.oom-killer" not in known
    [java] = [f for f in analysis.findings if f.rule == "jvm.out-of-memory"]
    assert [e.locator.line for e in java.evidence] == [3]
    assert [e["locator"]["line"] for e in known["jvm.out-of-memory"]["evidence"]] == [3]


@pytest.mark.corpus
def test_a_nodes_kernel_oom_kill_is_not_linked_to_another_pods_oomkilled():
    analysis = analyze(real(REALWORLD / "bundles" / "k8s-pod-failures-cluster-dump.zip"))
    [oom] = [f for f in analysis.findings if f.rule == "host.oom-kill"]
    assert oom.facts["subject"] == "heapster" and oom.facts["first"]["facts"]["pid"] == 1012
    assert {e.artifact for e in oom.evidence} == {
        "cluster-dump/nodes/worker-3/dmesg-excerpt.txt"}
    # The analytics-exporter pod's OOMKilled is another process from another source: no
    # finding ties the two together.
    for finding in analysis.findings:
        sources = " ".join(e.artifact for e in finding.evidence)
        assert not ("dmesg-excerpt" in sources and "analytics-exporter" in sources), finding
