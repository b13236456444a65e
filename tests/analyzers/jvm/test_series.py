from analyzers.jvm.dumps import summarize
from analyzers.jvm.series import judge_dumps, series
from inspector.formats.threaddump import read_dumps
from tests.analyzers.jvm.material import THREADS, dump, real, thread


def _summaries(path, name=None):
    text = real(path).read_text(errors="replace")
    return [(name or str(path), summarize(d))
            for d in read_dumps(enumerate(text.splitlines(), 1))]


def test_lock_contention_series_is_one_finding_that_ends_in_the_last_dump():
    folder = THREADS / "scenarios" / "lock-contention"
    dumps = [item for n in range(6) for item in _summaries(folder / f"dump-{n}.txt",
                                                           f"jstack-{n + 1}.txt")]
    assert len(series(dumps)) == 1
    findings = list(judge_dumps(dumps))
    assert [f.rule for f in findings] == ["jvm.lock-contention"]
    [finding] = findings
    assert finding.facts["waiters"] == 7 and finding.facts["dumps"] == 5
    assert finding.facts["of_dumps"] == 6 and finding.facts["ended"] is True
    assert finding.facts["holder"]["name"] == "pool-6-thread-4"
    assert "sleeping" in finding.title and "deadlock" not in finding.title.lower()


def test_three_deadlocks_three_findings_and_virtual_threads_only_info():
    findings = list(judge_dumps(_summaries(THREADS / "three-way-deadlock.txt")))
    deadlocks = [f for f in findings if f.rule == "jvm.deadlock"]
    assert len(deadlocks) == 3
    assert sorted(len(f.facts["threads"]) for f in deadlocks) == [2, 2, 3]
    virtual = list(judge_dumps(_summaries(THREADS / "virtual-thread-deadlock.txt")))
    assert [(f.rule, f.severity.value) for f in virtual] == [
        ("jvm.virtual-threads-unseen", "info")]


def test_deadlock_folder_without_deadlock_and_format_samples_raise_nothing():
    folder = THREADS / "scenarios" / "deadlock"
    dumps = [item for n in range(6) for item in _summaries(folder / f"dump-{n}.txt")]
    assert list(judge_dumps(dumps)) == []
    for sample in ("thread-dump-jstack.txt", "thread-dump-jcmd.txt"):
        assert list(judge_dumps(_summaries(THREADS / sample))) == []


def test_cpu_bound_pool_is_reported_as_busy_not_blocked():
    folder = THREADS / "scenarios" / "thread-pool-exhaustion"
    dumps = [item for n in range(6) for item in _summaries(folder / f"dump-{n}.txt")]
    [finding] = list(judge_dumps(dumps))
    assert finding.rule == "jvm.hot-stack" and finding.facts["nature"] == "cpu"
    assert finding.facts["threads"] == 4


def test_growing_thread_count_across_dumps_is_a_leak():
    dumps = []
    for step in range(4):
        workers = [thread(f"client-{step}-{n}", 100 + step * 40 + n, "RUNNABLE",
                          ["sun.nio.ch.EPoll.wait(Native Method)"]) for n in range(10 + 20 * step)]
        text = dump(workers, time=f"2026-11-17 09:0{step}:00")
        dumps += [(f"dump-{step}.txt", summarize(d))
                  for d in read_dumps(enumerate(text.splitlines(), 1))]
    [finding] = [f for f in judge_dumps(dumps) if f.rule == "jvm.thread-leak"]
    assert finding.facts["counts"] == [11, 31, 51, 71]
    assert finding.facts["grown"][0]["group"] == "client-#-#"
