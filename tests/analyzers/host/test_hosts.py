from analyzers.host.hosts import host_root


def test_host_roots():
    assert host_root("sosreport-a/sos_commands/df") == "sosreport-a/"
    assert host_root("sosreport-a/var/log/kern.log") == "sosreport-a/"
    assert host_root("var/log/kern.log") == ""
    assert host_root("nodes/b.tgz!/proc/meminfo") == "nodes/b.tgz!/"
    assert host_root("app-01/dmesg.txt") == "app-01/"
