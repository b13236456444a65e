"""The Java heap-exhaustion scenario: its material tells the story, its key points at it,
and the analysis tells the same story without a misleading finding."""

from __future__ import annotations

import re

import pytest

from inspector.testing import zip_bytes
from inspector.training.scenarios import jvm_heap_exhaustion as scenario
from tests.analyses import analyze

SCENARIO = scenario.SCENARIO
GC_LOG = f"{scenario.FOLDER}/logs/gc.log"
APP_LOG = f"{scenario.FOLDER}/logs/checkout.log"
KERN_LOG = f"{scenario.FOLDER}/var/log/kern.log"
_FULL = re.compile(r"Pause Full \(G1 Compaction Pause\) (\d+)M->(\d+)M\(4096M\) ([\d.]+)ms$")


@pytest.fixture(scope="module")
def built():
    return SCENARIO.build(SCENARIO.rng())


@pytest.fixture(scope="module")
def analysis(built, tmp_path_factory):
    bundle = tmp_path_factory.mktemp("heap") / "jvm_heap_exhaustion.zip"
    bundle.write_bytes(zip_bytes(built.files))
    return analyze(bundle)


def lines(built, path):
    return built.files[path].decode().splitlines()


def key_line(built, path, index=0):
    items = [item for item in built.evidence if item["artifact"] == path]
    return lines(built, path)[items[index]["locator"]["line"] - 1]


def test_the_gc_log_shows_a_rising_live_set_and_long_full_gcs(built):
    fulls = [(int(m[1]), int(m[2]), float(m[3])) for line in lines(built, GC_LOG)
             if (m := _FULL.search(line))]
    assert len(fulls) >= 20
    quarter = len(fulls) // 4
    floors = [min(after for _, after, _ in fulls[i * quarter:(i + 1) * quarter])
              for i in range(4)]
    assert floors == sorted(floors) and floors[-1] - floors[0] > 1000
    assert min(pause for *_, pause in fulls) > 1000  # every full GC stops it for seconds
    assert _FULL.search(key_line(built, GC_LOG, 0)) and _FULL.search(key_line(built, GC_LOG, 1))


def test_the_key_points_at_the_error_the_blocked_monitor_and_the_kill(built):
    assert key_line(built, APP_LOG).split(" ", 2)[1] == "ERROR"
    first_error = lines(built, APP_LOG).index(key_line(built, APP_LOG))
    assert lines(built, APP_LOG)[first_error + 1] == \
        "java.lang.OutOfMemoryError: Java heap space"
    [dump] = [path for path in built.files if "/dumps/" in path]
    holder = lines(built, dump).index(key_line(built, dump))
    assert key_line(built, dump).startswith('"http-nio-8080-exec-')
    assert lines(built, dump)[holder + 1] == "   java.lang.Thread.State: RUNNABLE"
    assert f"\t- locked <{scenario.CACHE}> (a com.acme.checkout.cart.CartSnapshotCache)" in \
        lines(built, dump)[holder:holder + 8]
    assert built.files[dump].decode().count(f"- waiting to lock <{scenario.CACHE}>") >= 5
    assert "Killed process 3117 (java)" in key_line(built, KERN_LOG)


def test_requests_slow_down_before_the_errors(built):
    millis = [int(m[1]) for line in lines(built, APP_LOG)
              if (m := re.search(r"completed in (\d+) ms", line))]
    tenth = len(millis) // 10
    assert max(millis[:tenth]) < 200 and sorted(millis[-tenth:])[tenth // 2] > 1000


def test_the_analysis_tells_the_story(built, analysis):
    by_rule = {}
    for finding in analysis.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    assert set(built.rules) <= set(by_rule)
    [oom] = by_rule["jvm.out-of-memory"]
    assert oom.facts["kind"] == "heap" and oom.facts["gc_logs"] == [GC_LOG]
    assert oom.facts["thread_dumps"] and oom.facts["thread_dumps"][0]["states"]["BLOCKED"] >= 5
    [kill] = by_rule["host.oom-kill"]
    assert kill.evidence[0].artifact == KERN_LOG
    # One cause, one story: the kill is the host's alone, no deadlock is claimed, and the
    # logs' clock needs no guessing (it writes its offset).
    assert {"jvm.deadlock", "timeline.clock-offset"} <= set(built.forbidden)
    assert not [f for f in by_rule.get("log.known-issue", [])
                if f.facts["signature"] == "os.oom-killer"]
