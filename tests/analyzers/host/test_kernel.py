import pytest

from analyzers.host.kernel import KernelReader
from analyzers.host.times import split_line
from tests.analyzers.host.material import KERNEL, real


def incidents(text: str):
    reader = KernelReader()
    found = [i for n, line in enumerate(text.splitlines(), 1)
             for i in reader.feed(n, split_line(line, 2022).message, None)]
    return reader, found + reader.close()


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "kind", "line"), [
    ("oom_kill", "oom-kill", 1), ("aufs_umount_hung", "hung-task", 1),
    ("docker_hung", "hung-task", 1), ("null_pointer", "oops", 1), ("divide_zero", "oops", 1),
    ("readonly_filesystem", "read-only", 1), ("unregister_netdevice", "netdev-leak", 1),
])
def test_node_problem_detector_messages(name, kind, line):
    _, found = incidents(real(KERNEL / "npd-problems" / name).read_text())
    assert [(i.kind, i.line) for i in found] == [(kind, line)]


@pytest.mark.corpus
def test_details_of_real_reports():
    _, [oom] = incidents(real(KERNEL / "npd-problems" / "oom_kill").read_text())
    assert oom.facts["process"] == "heapster" and oom.facts["memcg"] is True
    _, [oops] = incidents(real(KERNEL / "npd-problems" / "divide_zero").read_text())
    assert (oops.facts["function"], oops.facts["module"], oops.facts["comm"]) == (
        "pool_io_hints", "dm_thin_pool", "docker")
    _, [hung] = incidents(real(KERNEL / "npd-problems" / "docker_hung").read_text())
    assert hung.facts["task"] == "docker" and "copy_net_ns" in hung.facts["unsure_frames"]
    _, noise = incidents(real(KERNEL / "npd-problems" / "au_opts_verify").read_text())
    assert noise == []


@pytest.mark.corpus
def test_syzkaller_reports_user_space_crash_is_not_a_kernel_bug():
    _, found = incidents(real(KERNEL / "syzkaller-reports" / "620").read_text(errors="replace"))
    assert {i.kind for i in found} == {"segfault"}
    assert found[0].facts["binary"] == "syz-executor846382544" and found[0].line == 3
    _, found = incidents(real(KERNEL / "syzkaller-reports" / "264").read_text(errors="replace"))
    # softlockup_panic: the lockup, then the panic it caused.
    assert [(i.kind, i.line) for i in found] == [("lockup", 8), ("panic", 74)]
    assert found[0].facts["seconds"] == "134" and found[0].facts["function"] == "d_walk"
    _, found = incidents(real(KERNEL / "syzkaller-reports" / "334").read_text(errors="replace"))
    assert found[0].kind == "panic" and found[0].line == 6
    reader, found = incidents(real(KERNEL / "syzkaller-reports" / "87").read_text(errors="replace"))
    assert "panic" in {i.kind for i in found} and reader.counts["loop_io_errors"] == 1
    _, found = incidents(real(KERNEL / "syzkaller-reports" / "1001").read_text(errors="replace"))
    assert found[0].kind == "hung-task" and found[0].line == 7


def test_noise_is_counted_not_raised():
    reader, found = incidents(
        '[ 98.5] audit: type=1400 audit(1644446386.626:298): apparmor="DENIED" op="file_lock"\n'
        "[ 99.1] blk_update_request: I/O error, dev loop11, sector 0 op 0x1:(WRITE)\n"
        "[ 99.2] IPv6: vethab12: link is down\n")
    assert found == [] and reader.counts == {"apparmor_denied": 1, "loop_io_errors": 1,
                                             "virtual_link_changes": 1}
    _, [disk] = incidents("[ 5.0] blk_update_request: I/O error, dev sdb, sector 2048\n")
    assert disk.identity == "io-error:sdb"
