from analyzers.jvm.gclog import GcEvent
from analyzers.jvm.gcstats import GcSummary

GIB = 2 ** 30


def _full(line: int, uptime: float, before: float, after: float, pause: float = 2.0):
    return GcEvent(line=line, end_line=line, uptime=uptime, name="Full GC", full=True,
                   pause=pause, heap_before=int(before * GIB), heap_after=int(after * GIB),
                   heap_capacity=int(1 * GIB))


def test_pause_percentiles_and_time_per_minute():
    summary = GcSummary()
    for n in range(100):
        summary.add(GcEvent(line=n + 1, end_line=n + 1, uptime=n * 1.0, name="GC",
                            pause=0.010 if n < 98 else 1.5))
    stats = summary.stats()
    assert abs(stats["pauses"]["p50"] - 0.010) < 0.0001
    assert abs(stats["pauses"]["max"] - 1.5) < 0.002
    assert stats["worst_minutes"][0]["minute"] == "uptime 60 s"
    assert stats["kinds"]["young-long"]["count"] == 2


def test_thrashing_episodes_break_on_long_gaps_and_on_real_recovery():
    summary = GcSummary()
    line = 0
    for start in (100.0, 1000.0):
        for n in range(6):
            line += 1
            summary.add(_full(line, start + n * 3.5, 0.93, 0.92))
    line += 1
    summary.add(_full(line, 2000.0, 0.95, 0.10))
    episodes = summary.stats()["thrashing"]
    assert [e["count"] for e in episodes] == [6, 6]
    assert episodes[0]["first"]["line"] == 1 and episodes[1]["first"]["line"] == 7


def test_heap_after_full_gc_rising_is_judged_by_quarter_floors():
    rising, flat = GcSummary(), GcSummary()
    for n in range(8):
        rising.add(_full(n + 1, n * 3600.0, 0.7, 0.2 + n * 0.05, pause=0.5))
        flat.add(_full(n + 1, n * 3600.0, 0.7, 0.3 + (n % 2) * 0.05, pause=0.5))
    assert rising.stats()["heap_trend"]["rising"]
    assert not flat.stats()["heap_trend"]["rising"]
