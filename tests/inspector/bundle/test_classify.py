"""Telling logs from journals, kernel logs, JVM artefacts, Kubernetes material, command
output, configuration and documents, by content and place, on real and generated members."""

from __future__ import annotations

import json

import pytest

from inspector.bundle.classify import classify_text
from inspector.bundle.sniff import HEAD_BYTES, sniff
from inspector.model import ArtifactKind as Kind
from tests.corpus import CORPUS

JAVA_TRACE = ("org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s)\n"
              + "\tat org.apache.kafka.clients.producer.internals.Sender.run(Sender.java:255)\n"
              * 12)


@pytest.mark.parametrize(("text", "name", "kind"), [
    # Lines that start with "[" are logs, not JSON, however many stack frames follow them.
    ("[2016-12-19 19:27:47,123] ERROR Error when sending message (kafka.server)\n"
     + JAVA_TRACE, "server.log", Kind.LOG),
    ("[INFO] plugin/reload: Running configuration SHA512 = 2a8f\n"
     "[INFO] CoreDNS-1.8.6\n[ERROR] plugin/errors: 2 example.com. A: read udp: i/o timeout\n",
     "coredns", Kind.LOG),
    ("[2019-02-25 10:00:00] local.ERROR: SQLSTATE[HY000] [2002] Connection refused "
     '{"exception":"[object] (PDOException(code: 2002))"}\n' + "#0 /var/www/app.php(12)\n" * 8,
     "laravel.log", Kind.LOG),
    ("[    0.000000] Linux version 5.4.0-99-generic (buildd@lgw01)\n"
     "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=LABEL=cloudimg-rootfs\n"
     "[    1.234567] EXT4-fs (sda1): mounted filesystem with ordered data mode\n",
     "dmesg.txt", Kind.KERNEL_LOG),
    ("[Thu Feb 10 09:39:50 2022] Out of memory: Killed process 1012 (java)\n"
     "[Thu Feb 10 09:39:51 2022] oom_reaper: reaped process 1012 (java)\n", "x", Kind.KERNEL_LOG),
    ("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2\n"
     "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6\n",
     "error_log", Kind.LOG),
    ("[0.318s][info][gc] Using G1\n[0.345s][info][gc,init] Version: 17.0.2\n"
     "[2.698s][info][gc,start] GC(0) Pause Young (Normal) (G1 Evacuation Pause)\n", "gc.log",
     Kind.GC_LOG),
    ("2017-03-05T07:47:09.123-0500: 20.010: [GC (Allocation Failure) [PSYoungGen: 524160K->0K"
     "(524224K)] 2621312K->2125296K(20971456K), 0.0587810 secs]\n" * 3, "app-gc.log",
     Kind.GC_LOG),
    ("E1002 02:37:18.982345    1128 file.go:190] Could not read config: no such file\n"
     "I1002 02:37:19.000001    1128 server.go:42] Starting kubelet\n", "kubelet", Kind.LOG),
    ('time="2025-01-02T03:04:05Z" level=fatal msg="failed to start daemon"\n'
     'time="2025-01-02T03:04:06Z" level=info msg="retrying"\n', "docker.txt", Kind.LOG),
    ('"main" #1 prio=5 os_prio=0 tid=0x00007f8a1f008000 nid=0x2803 runnable\n'
     "   java.lang.Thread.State: RUNNABLE\n\tat java.lang.Thread.sleep(Native Method)\n",
     "dump.txt", Kind.THREAD_DUMP),
    ("-- Logs begin at Fri 2022-02-04 09:42:52 UTC, end at Thu 2022-02-10 09:39:55 UTC. --\n"
     "Feb 04 09:42:52 host systemd[1]: Started Journal Service.\n", "boot.txt", Kind.JOURNAL),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: shop\nspec:\n"
     "  containers:\n  - name: web\n    image: shop/web:1.2\n", "pod.yaml", Kind.KUBERNETES),
    ("- hosts: all\n  become: true\n  tasks:\n    - name: install nginx\n"
     "      apt:\n        name: nginx\n", "site.yml", Kind.YAML),
    ("NAME                    STATUS   ROLES    AGE     VERSION\n"
     "worker-1   NotReady   <none>   6m31s   v1.23.3\n", "nodes", Kind.KUBERNETES),
    ("Filesystem     1K-blocks     Used Available Use% Mounted on\n"
     "/dev/sda1       10255636 10152268    103368 100% /\n", "df_-al", Kind.COMMAND_OUTPUT),
    ("  PID TTY          TIME CMD\n    1 ?        00:00:02 systemd\n", "ps", Kind.COMMAND_OUTPUT),
    ("Module                  Size  Used by\nthermal                20480  0\n", "lsmod",
     Kind.COMMAND_OUTPUT),
    ("# The maximum size of the container's storage; when the disk is full, writes fail\n"
     "[storage]\ndriver = \"overlay\"\nrunroot = \"/run/containers/storage\"\n",
     "containers/storage.conf", Kind.CONFIG),
    ("# Never forward plain names (without a dot or domain part)\ndomain-needed\n"
     "# resolution failure: see /var/log\nbogus-priv\nserver=10.0.0.2\ncache-size=1000\n",
     "dnsmasq.conf", Kind.CONFIG),
    ("# pt-query-digest report\n# 340ms user time, 30ms system time\n# Overall: 1 total\n",
     "slow.report", Kind.TEXT),
    ("This bundle was collected after the outage.\nThe customer says the error started on "
     "Tuesday.\n", "README", Kind.TEXT),
])
def test_members_are_told_apart_by_content(text, name, kind):
    assert classify_text(text.encode(), name, complete=True) is kind


def test_a_json_document_is_json_even_cut_short_and_json_lines_are_a_log():
    document = json.dumps({"items": [{"id": n, "note": "x" * 50} for n in range(2000)]})
    head = document.encode()[:HEAD_BYTES]
    assert classify_text(head, "export.json") is Kind.JSON
    assert classify_text(json.dumps([1, [2, "three"]]).encode(), "a.json",
                         complete=True) is Kind.JSON
    lines = "".join(json.dumps({"ts": f"2026-11-17T09:00:0{n}Z", "level": "info",
                                "msg": "up"}) + "\n" for n in range(5))
    assert classify_text(lines.encode(), "app.json", complete=True) is Kind.LOG
    k8s = json.dumps({"apiVersion": "v1", "kind": "List", "items": []}).encode()
    assert classify_text(k8s, "events", complete=True) is Kind.KUBERNETES
    nested = b"[" * 100_000 + b"]" * 100_000
    assert classify_text(nested, "hostile.json", complete=True) is Kind.JSON


@pytest.mark.parametrize(("path", "kind"), [
    ("sosreport-host/sos_commands/kernel/lsmod", Kind.COMMAND_OUTPUT),
    ("sosreport-host/sos_commands/kernel/dmesg", Kind.KERNEL_LOG),
    ("sosreport-host/sos_commands/kubernetes/kubectl_get_pods", Kind.KUBERNETES),
    ("sosreport-host/sos_commands/kubernetes/kubectl_--namespace_x_logs_web-1", Kind.LOG),
    ("sosreport-host/sys/kernel/debug/tracing/available_events", Kind.COMMAND_OUTPUT),
    ("sosreport-host/proc/kallsyms", Kind.COMMAND_OUTPUT),
    ("case.tgz!/node1/etc/mysql/my.cnf", Kind.CONFIG),
])
def test_place_decides_for_listings_and_settings(path, kind):
    listing = b"Module thermal not found.\nxfs:xfs_attr_list_sf\nffffffff81000000 T _stext\n"
    content = (b"2026-11-17 09:00:01 INFO pod started\n" * 3 if "_logs_" in path
               else listing)
    assert classify_text(content, path, complete=True) is kind


REAL = {
    "realworld/sos/sosreport-juju-04f1e3-1-lxd-5/sos_commands/memory/free": Kind.COMMAND_OUTPUT,
    "realworld/sos/sosreport-juju-04f1e3-1-lxd-5/sos_commands/host/uptime": Kind.COMMAND_OUTPUT,
    "realworld/sos/sosreport-juju-04f1e3-1-lxd-5/sos_commands/kernel/dmesg": Kind.KERNEL_LOG,
    "realworld/sos/sosreport-juju-04f1e3-1-lxd-5/sos_commands/logs/"
    "journalctl_--no-pager_--catalog_--boot_-1": Kind.JOURNAL,
    "realworld/sos/sosreport-juju-04f1e3-1-lxd-5/etc/rabbitmq/rabbitmq.conf": Kind.CONFIG,
    "realworld/sos/sosreport-juju-04f1e3-1-lxd-5/var/log/rabbitmq/"
    "rabbit@juju-04f1e3-1-lxd-5.log": Kind.LOG,
    "realworld/sos/sosreport-juju-110cc2-k8stest-4/var/log/kern.log": Kind.KERNEL_LOG,
    "realworld/sos/sosreport-juju-110cc2-k8stest-4/sos_commands/kubernetes/"
    "kubectl_--kubeconfig_.root.cdk.cdk_addons_kubectl_config_get_nodes": Kind.KUBERNETES,
    "realworld/jvm/threads/thread-dump-jstack.txt": Kind.THREAD_DUMP,
    "realworld/jvm/threads/thread-dump-jcmd.txt": Kind.THREAD_DUMP,
    "realworld/jvm/gc/preunified-cms/815_gc.log": Kind.GC_LOG,
    "realworld/jvm/gc/unified-shenandoah/shenandoah.log.0": Kind.GC_LOG,
    "realworld/kernel/npd-problems/oom_kill": Kind.KERNEL_LOG,
    "realworld/kernel/npd-problems/readonly_filesystem": Kind.KERNEL_LOG,
    "realworld/kernel/npd-problems/kernel-monitor.json": Kind.JSON,
    "realworld/kernel/syzkaller-reports/1001": Kind.KERNEL_LOG,
    "realworld/kubernetes/holmesgpt/01_oom_kill/kubectl_describe.txt": Kind.KUBERNETES,
    "realworld/kubernetes/insights-archive-sample/config/clusteroperator/ingress.json":
        Kind.KUBERNETES,
    "realworld/logs/beats/elasticsearch-server/elasticsearch.624.log": Kind.LOG,
    "realworld/logs/beats/icinga-main/test.log": Kind.LOG,
    "realworld/db/mysql/galera-upgrade/node2.log": Kind.LOG,
    "loghub/Apache_2k.log": Kind.LOG,
    "har/chrome.har": Kind.HAR,
}


@pytest.mark.corpus
@pytest.mark.parametrize(("relative", "kind"), REAL.items(), ids=list(REAL))
def test_real_members_are_read_as_what_they_are(relative, kind):
    path = CORPUS / relative
    if not path.exists():
        pytest.skip("../shared/corpus is not here")
    assert sniff(path.read_bytes()[:HEAD_BYTES], relative) is kind
