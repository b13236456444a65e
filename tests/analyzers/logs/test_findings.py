import pytest

from inspector.training.scenarios import oom_crash_loop, pool_exhaustion
from tests.analyzers.logs.sample_logs import analyze, app_log, stamp


def test_error_burst_and_new_error():
    def extra(minute, moment):
        if 40 <= minute < 43:
            return [f"{stamp(moment)} ERROR [exec-1] c.a.Api - payment gateway answered 503 "
                    f"for order {minute * 100 + i}" for i in range(25)]
        if minute % 10 == 0:
            return [f"{stamp(moment)} ERROR [exec-2] c.a.Api - cache refresh failed"]
        return []
    run = analyze(app_log(extra=extra))
    bursts = run.by_rule("log.error-burst")
    assert len(bursts) == 1
    assert bursts[0].facts["window_start"] == "2026-11-17T08:40:00Z"
    assert bursts[0].count == 75
    # The log writes no zone: its findings say "log time", never UTC, in plain words.
    assert "from 08:40 (log time, no zone)" in bursts[0].title
    assert "UTC" not in bursts[0].title + bursts[0].detail
    zoned = analyze(app_log(extra=extra).replace(
        b" INFO", b"+0100 INFO").replace(b" ERROR", b"+0100 ERROR"))
    assert zoned.stats["time_zone"] == "explicit"
    assert "from 07:40 UTC" in zoned.by_rule("log.error-burst")[0].title
    new = run.by_rule("log.new-error")
    assert [f.facts["template"] for f in new] == ["payment gateway answered <*> for order <*>"]
    # A title never shows the template's placeholders.
    assert new[0].title.endswith(": payment gateway answered … for order …")
    assert run.events and all(e.time.tzinfo is not None for e in run.events)


def test_gap_where_the_log_was_busy():
    data = app_log(minutes=20) + app_log(minutes=20, seed=2).replace(b"08:0", b"08:4").replace(
        b"08:1", b"08:5")
    gaps = analyze(data).by_rule("log.gap")
    assert len(gaps) == 1 and gaps[0].facts["silence_seconds"] >= 20 * 60


def test_restarts():
    def extra(minute, moment):
        if minute in (10, 20, 40):
            return [f"{stamp(moment)} INFO [main] c.a.App - Starting App v1.2 using Java 17 "
                    f"with PID {100 + minute}",
                    f"{stamp(moment)} INFO [main] c.a.App - Started App in 4.2 seconds"]
        return []
    text = b"2026-11-17 07:59:59,000 INFO [main] c.a.App - Starting App v1.2 using Java 17\n"
    run = analyze(text + app_log(extra=extra))
    restarts = run.by_rule("log.restart")
    assert len(restarts) == 1 and restarts[0].count == 3
    assert restarts[0].facts["crash_loop"] is True


@pytest.mark.parametrize("module", [pool_exhaustion, oom_crash_loop])
def test_sample_scenarios_fire_their_answer_key(module):
    scenario = module.SCENARIO
    built = scenario.build(scenario.rng())
    assert built == scenario.build(scenario.rng())  # byte-for-byte reproducible
    fired = set()
    for path, data in built.files.items():
        fired |= analyze(data, name=path).rules()
    # The key's other rules (the slow log's, the cross-source incident) are the whole
    # bundle's; tests/inspector/training checks them.
    assert {rule for rule in built.rules if rule.startswith("log.")} <= fired
    for evidence in built.evidence:
        assert evidence["artifact"] in built.files


def test_pool_exhaustion_details():
    built = pool_exhaustion.SCENARIO.build(pool_exhaustion.SCENARIO.rng())
    run = analyze(built.files["logs/app.log"])
    known = {f.facts["signature"]: f for f in run.by_rule("log.known-issue")}
    assert "db.connection-pool-exhausted" in known
    assert known["db.connection-pool-exhausted"].remediation
    burst = run.by_rule("log.error-burst")[0]
    assert burst.facts["window_start"].startswith("2026-11-17T09:1")
