from analyzers.jvm import JvmAnalyzer
from inspector.model import ArtifactKind
from inspector.testing import RecordingContext, run_analyzer
from tests.analyzers.jvm.material import dump, thread


def test_thread_dump_file_gives_summaries_not_findings():
    text = "".join(dump([thread(f"w{n}", 10 + n, "RUNNABLE", ["a.B.c(B.java:1)"])],
                        time=f"2026-11-17 09:00:0{n}") for n in range(3))
    run = run_analyzer(JvmAnalyzer(), text.encode(), name="jstack.txt",
                       kind=ArtifactKind.THREAD_DUMP)
    assert run.findings == [] and run.stats["dumps"] == 3
    assert [s["time"] for s in run.stats["thread_dumps"]] == [
        "2026-11-17 09:00:00", "2026-11-17 09:00:01", "2026-11-17 09:00:02"]


def test_bad_input_is_survived_with_warnings():
    context = RecordingContext()
    data = b"\xff\xfe garbage\x00\n" * 50 + b"[GC (Allocation Failure)" + b"[" * 20000
    run = run_analyzer(JvmAnalyzer(), data, name="gc.log", kind=ArtifactKind.GC_LOG,
                       context=context)
    assert run.findings == [] and any("invalid UTF-8" in w for w in context.warnings)
    empty = run_analyzer(JvmAnalyzer(), b"", name="t.txt", kind=ArtifactKind.THREAD_DUMP)
    assert empty.stats == {"dumps": 0, "thread_dumps": []}


def test_a_file_of_many_dumps_keeps_its_first_and_last_summaries(monkeypatch):
    monkeypatch.setattr("analyzers.jvm.analyzer.MAX_DUMP_SUMMARIES", 4)
    text = "".join(dump([thread(f"w{k}", 10 + k, "RUNNABLE", ["a.B.c(B.java:1)"])
                         for k in range(n + 1)], time=f"2026-11-17 09:00:{n:02d}")
                   for n in range(10))
    context = RecordingContext()
    run = run_analyzer(JvmAnalyzer(), text.encode(), name="jstack.txt",
                       kind=ArtifactKind.THREAD_DUMP, context=context)
    assert run.stats["dumps"] == 10
    # Where it starts and how it ends: the last dump's 10 threads are still judged.
    assert [s["time"][-2:] for s in run.stats["thread_dumps"]] == ["00", "01", "08", "09"]
    assert [s["threads"] for s in run.stats["thread_dumps"]][-1] == 10 + 1
    assert any("the first and the last 2 are judged, the 6 between" in w
               for w in context.warnings)


def test_a_gc_log_says_the_offset_its_date_stamps_are_written_in():
    stamped = (b"2011-08-08T23:50:00.122+0100: 105598.383: [Full GC (System) [PSYoungGen: "
               b"0K->0K(524224K)] [PSOldGen: 4928830K->2451709K(20447232K)] "
               b"4928830K->2451709K(20971456K) [PSPermGen: 80186K->80186K(262144K)], "
               b"6.5765540 secs] [Times: user=6.55 sys=0.02, real=6.58 secs]\n")
    run = run_analyzer(JvmAnalyzer(), stamped * 3, name="gc.log", kind=ArtifactKind.GC_LOG)
    assert (run.stats["time_zone"], run.stats["utc_offset"]) == ("explicit", "+01:00")
    uptime_only = stamped.split(b": ", 1)[1]
    run = run_analyzer(JvmAnalyzer(), uptime_only * 3, name="gc.log", kind=ArtifactKind.GC_LOG)
    assert run.stats["gc"]["collections"] == 3
    assert (run.stats["time_zone"], run.stats["utc_offset"]) == ("none", None)
