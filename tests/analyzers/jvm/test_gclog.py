from analyzers.jvm.gclog import GcLogReader, parse_offset_time, size
from tests.analyzers.jvm.material import GC, cms_failures, real, unified_g1


def _read(text: str):
    reader = GcLogReader()
    events = [e for n, line in enumerate(text.splitlines(), 1) for e in reader.feed(n, line)]
    return reader, events + reader.close()


def test_cms_concurrent_mode_failure_spanning_two_lines_with_an_inner_times():
    reader, events = _read(cms_failures(3))
    assert reader.dialect == "jdk8" and len(events) == 3
    event = events[0]
    assert (event.line, event.end_line) == (1, 2)
    assert event.full and event.pause == 1.2042
    assert "concurrent-mode-failure" in event.flags
    assert (event.perm_after, event.perm_capacity) == (65535 * 1024, 65536 * 1024)
    assert event.real == 1.21 and event.user == 1.20  # the collection's, not the phase's
    assert event.time.isoformat() == "2026-11-17T09:00:00+00:00"


def test_unified_summary_and_cpu_lines_are_one_collection():
    reader, events = _read(unified_g1(3, start_mb=1000, step_mb=10))
    assert reader.dialect == "unified"
    assert [(e.line, e.heap_after // 2**20, e.real) for e in events] == [
        (3, 1000, 0.01), (7, 1010, 0.01), (11, 1020, 0.01)]
    assert events[0].pause == 0.012 and not events[0].full


def test_real_logs_of_each_dialect():
    _, parallel = _read(real(GC / "preunified-parallel" / "long_pause.log").read_text())
    stalled = max(parallel, key=lambda e: e.pause)
    assert (stalled.line, stalled.pause, stalled.user, stalled.real) == (200, 22.785173, 0.08,
                                                                          22.83)
    _, g1 = _read(real(GC / "preunified-g1" / "full_concurrent_mark_failure.log").read_text())
    full = next(e for e in g1 if e.full)
    assert full.line == 32 and round(full.pause, 2) == 18.2
    assert "concurrent-mark-abort" in full.flags
    assert full.heap_after == size("4852.6", "M")  # from G1's detail line
    _, shenandoah = _read(real(GC / "unified-shenandoah" / "shenandoah.log.0").read_text())
    degenerated = next(e for e in shenandoah if "degenerated" in e.flags)
    assert degenerated.line == 246 and degenerated.heap_after == size("6159", "M")
    reader, _ = _read(real(GC / "unified-serial" / "factorization-serialgc-tip.log").read_text())
    assert reader.debug_build


def test_garbage_and_cut_records_do_not_stop_the_reader():
    _, events = _read("[GC (Allocation Failure) [PSYoungGen: 10K->\n\x00\xff junk\n"
                           "1.0: [GC 100K->50K(200K), 0.0100 secs]\n[\n]]]\n")
    assert [e.pause for e in events][-1] == 0.01
    assert parse_offset_time("2017-03-05T07:47:09.680-0500").hour == 12
    assert parse_offset_time("not a time") is None
