import pytest

from analyzers.jvm import JvmAnalyzer
from analyzers.jvm.gcfindings import GcJudge, human_bytes, when
from inspector.model import ArtifactKind, Severity
from inspector.testing import run_analyzer
from tests.analyzers.jvm.material import GC, cms_failures, real, unified_g1


def _run(data: bytes, name: str = "gc.log"):
    return run_analyzer(JvmAnalyzer(), data, name=name, kind=ArtifactKind.GC_LOG)


def _rules(run, floor: Severity = Severity.LOW) -> set[str]:
    return {f.rule for f in run.findings if f.severity >= floor}


def test_cms_failures_with_permgen_full_are_two_findings_not_a_pile():
    run = _run(cms_failures().encode())
    # Thrashing (heap 96% full, nothing freed) and PermGen at its limit; the 149 concurrent
    # mode failures are the thrashing's collections, not a third finding.
    assert _rules(run) == {"jvm.gc-overhead", "jvm.gc-metaspace-full"}
    thrashing = run.by_rule("jvm.gc-overhead")[0]
    assert thrashing.count == 149 and "149 of the log's collections" in thrashing.detail
    assert thrashing.facts["episodes"][0]["first"]["line"] == 1
    assert run.by_rule("jvm.gc-metaspace-full")[0].count == 149
    assert run.events and run.events[0].time.year == 2026


@pytest.mark.corpus
@pytest.mark.parametrize(("relative", "expected"), [
    ("preunified-parallel/long_pause.log", {"jvm.gc-not-running"}),
    ("preunified-parallel/memoryleak2.log", {"jvm.gc-heap-rising", "jvm.gc-explicit"}),
    ("preunified-cms/815_gc.log", {"jvm.gc-overhead"}),
    ("preunified-cms/530_gc.log", set()),
    ("preunified-cms/713_gc.log", set()),
    ("preunified-g1/full_concurrent_mark_failure.log", {"jvm.gc-concurrent-failure"}),
    ("unified-shenandoah/shenandoah.log.0", {"jvm.gc-concurrent-failure"}),
    ("unified-g1/jvm-gc-10Nov2022.log", set()),
    ("unified-g1/gc-no-age-timestamp.log", set()),
    ("unified-serial/factorization-serialgc-tip.log", set()),
])
def test_real_gc_logs_say_what_a_senior_engineer_says(relative, expected):
    run = _run(real(GC / relative).read_bytes(), name=relative)
    assert _rules(run) == expected


@pytest.mark.corpus
def test_real_answers_in_detail():
    stalled = _run(real(GC / "preunified-parallel" / "long_pause.log").read_bytes())
    [finding] = stalled.findings
    assert finding.evidence[0].locator.line == 200 and "22.83 s" in finding.title
    leak = _run(real(GC / "preunified-parallel" / "memoryleak2.log").read_bytes())
    rising = leak.by_rule("jvm.gc-heap-rising")[0]
    assert [f["after"] // 1024 for f in rising.facts["floors"]][-1] == 3878036
    thrash = _run(real(GC / "preunified-cms" / "815_gc.log").read_bytes())
    episodes = thrash.by_rule("jvm.gc-overhead")[0].facts["episodes"]
    assert any(e["first"]["line"] == 552 for e in episodes)
    debug = _run(real(GC / "unified-serial" / "factorization-serialgc-tip.log").read_bytes())
    assert [(f.rule, f.severity) for f in debug.findings] == [("jvm.gc-explicit",
                                                               Severity.INFO)]
    assert "debug build" in debug.findings[0].detail


def test_healthy_young_collections_raise_nothing_and_report_percentiles():
    run = _run(unified_g1(40).encode())
    assert run.findings == []
    assert run.stats["gc"]["pauses"]["p99"] == pytest.approx(0.012, rel=0.01)
    assert run.stats["dialect"] == "unified"


def test_words():
    assert human_bytes(4_530_000_000) == "4.2 GiB"
    assert when({"time": "2026-11-17T09:00:00Z", "line": 1}) == "2026-11-17 09:00:00 UTC"
    assert when({"time": None, "uptime": 22.5, "line": 1}) == "uptime 22.5 s"
    assert GcJudge("x", {"kinds": {}}, False).kinds == {}
