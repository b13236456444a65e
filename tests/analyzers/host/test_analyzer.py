from datetime import UTC, datetime

from analyzers.host import HostAnalyzer
from inspector.model import Artifact, ArtifactKind
from inspector.testing import BytesSource, RecordingContext

KERN_LOG = (b"Jan 02 03:12:09 app-7 kernel: [  812.1] java invoked oom-killer: "
            b"gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
            b"Jan 02 03:12:09 app-7 kernel: [  812.2] Memory cgroup out of memory: Killed "
            b"process 2388 (java) total-vm:6291456kB, anon-rss:2097152kB, file-rss:0kB\n")


def _run(data: bytes, name: str, kind: ArtifactKind, modified=None):
    artifact = Artifact(name, kind, len(data), modified=modified)
    items = list(HostAnalyzer().analyze(BytesSource(artifact, data), RecordingContext()))
    return items[-1].values, items[:-1]


def test_kern_log_year_comes_from_the_collection_not_today():
    stats, events = _run(KERN_LOG, "var/log/kern.log", ArtifactKind.KERNEL_LOG,
                         modified=datetime(2026, 1, 3, tzinfo=UTC))
    [oom] = stats["incidents"]
    assert oom["kind"] == "oom-kill" and oom["facts"]["process"] == "java"
    assert oom["time"] == "2026-01-02T03:12:09Z" and (oom["line"], oom["end_line"]) == (2, 2)
    assert stats["time_zone"] == "unknown" and events[0].time.year == 2026


def test_command_output_is_read_not_judged():
    stats, events = _run(b" 10:00:00 up 3 days,  load average: 1.00, 2.00, 3.00\n",
                         "sos_commands/host/uptime", ArtifactKind.COMMAND_OUTPUT)
    assert stats["snapshot"]["load"] == [1.0, 2.0, 3.0] and events == []
    stats, _ = _run(b"\x00\xff" * 100, "sos_commands/x/y", ArtifactKind.COMMAND_OUTPUT)
    assert stats == {"snapshot": None}
