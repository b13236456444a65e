"""The thread viewer's model: dumps of a file, one dump's threads grouped by stack, and the
thread a finding's line falls in."""

from __future__ import annotations

import pytest

from inspector.model import Artifact, ArtifactKind
from inspector.testing import BytesSource
from inspector.views.threads import dump_at, index_dumps, load_dump
from tests.analyzers.jvm.material import THREADS, dump, real, thread

CACHE = "- waiting to lock <0x00000000c0ffee00> (a com.acme.Cache)"


def source(data: bytes) -> BytesSource:
    return BytesSource(Artifact("jstack.txt", ArtifactKind.THREAD_DUMP, len(data)), data)


def blocked(k: int) -> str:
    return thread(f"http-exec-{k}", 40 + k, "BLOCKED (on object monitor)",
                  ["com.acme.Cache.get(Cache.java:88)", "com.acme.Web.show(Web.java:41)"],
                  [CACHE])


def idle(k: int) -> str:
    return thread(f"worker-{k}", 80 + k, "WAITING (parking)",
                  ["jdk.internal.misc.Unsafe.park(Native Method)",
                   "java.util.concurrent.ThreadPoolExecutor.getTask(ThreadPoolExecutor.java:1070)"])


def holder() -> str:
    return thread("refresher", 30, "RUNNABLE", ["com.acme.Cache.reload(Cache.java:120)"],
                  ["- locked <0x00000000c0ffee00> (a com.acme.Cache)"])


def test_threads_are_grouped_by_state_and_stack_the_biggest_group_first():
    data = dump([idle(1), blocked(1), holder(), idle(2), blocked(2), blocked(3)]).encode()
    index = index_dumps(None, source(data))
    [entry] = index.dumps
    assert entry.threads == 7 and entry.states == {"RUNNABLE": 2, "WAITING": 2, "BLOCKED": 3}
    detail = load_dump(None, source(data), entry)
    assert [(g.state, len(g.threads)) for g in detail.groups] == \
        [("BLOCKED", 3), ("WAITING", 2), ("RUNNABLE", 1), ("RUNNABLE", 1)]
    assert detail.groups[0].title == "BLOCKED at com.acme.Cache.get(Cache.java:88)"
    assert [t.name for t in detail.groups[0].threads] == ["http-exec-1", "http-exec-2",
                                                          "http-exec-3"]
    # Each thread keeps its own lines as written, lock lines in place, not the dump's tail.
    last = detail.groups[0].threads[-1].text.splitlines()
    assert last[0].startswith('"http-exec-3"') and last[3] == f"\t{CACHE}"
    assert not any("JNI global refs" in t.text for g in detail.groups for t in g.threads)
    # Who holds what the BLOCKED threads wait for, and how many wait for it.
    assert last_thread(detail, "http-exec-1").note == \
        'waits for <0x00000000c0ffee00> held by "refresher"'
    assert last_thread(detail, "refresher").note == "holds <0x00000000c0ffee00> (3 waiting)"
    assert last_thread(detail, "worker-1").note == ""


def last_thread(detail, name):
    return next(t for g in detail.groups for t in g.threads if t.name == name)


def test_a_line_of_the_file_finds_its_dump_and_its_thread_in_a_file_of_many_dumps():
    texts = [dump([blocked(k) for k in range(1, n + 1)], time=f"2026-11-17 09:0{n}:00")
             for n in (1, 2, 3)]
    data = "".join(texts).encode()
    index = index_dumps(None, source(data))
    assert [(d.number, d.time, d.threads) for d in index.dumps] == \
        [(1, "2026-11-17 09:01:00", 2), (2, "2026-11-17 09:02:00", 3),
         (3, "2026-11-17 09:03:00", 4)]
    lines = data.decode().splitlines()
    wanted = max(n for n, text in enumerate(lines, 1) if text.startswith('"http-exec-2"'))
    entry = dump_at(index.dumps, wanted + 3)  # the lock line of the last dump's exec-2
    assert entry is index.dumps[2]
    assert dump_at(index.dumps, 1) is index.dumps[0]  # the first dump's time line
    assert dump_at(index.dumps, len(lines) + 5) is None
    detail = load_dump(None, source(data), entry)
    group, position = detail.thread_at(wanted + 3)
    found = detail.groups[group].threads[position]
    assert (found.name, found.line) == ("http-exec-2", wanted)


def test_a_deadlocked_thread_of_a_real_dump_is_found_at_its_lock_line():
    data = real(THREADS / "deadlock.txt").read_bytes()
    index = index_dumps(None, source(data))
    [entry] = index.dumps
    detail = load_dump(None, source(data), entry)
    lines = data.decode().splitlines()
    waiting = lines.index("\t- waiting to lock <0x000000052c830070> (a java.lang.Object)") + 1
    group, position = detail.thread_at(waiting)
    found = detail.groups[group].threads[position]
    assert found.name == "DeadlockThread-A" and found.state == "BLOCKED"
    assert "waiting to lock <0x000000052c830070>" in found.text
    # The JVM's deadlock report after the threads is the dump's, no thread's.
    assert detail.thread_at(lines.index("Found one Java-level deadlock:") + 1) is None
    assert sum(len(g.threads) for g in detail.groups) == entry.threads


@pytest.mark.parametrize("data", [b"", b"\x00\xff" * 50, b"not a thread dump\n" * 3])
def test_no_dump_is_an_empty_index_not_an_error(data):
    assert index_dumps(None, source(data)).dumps == []
