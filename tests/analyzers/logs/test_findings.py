import pytest

from inspector.model import Severity
from inspector.training.scenarios import oom_crash_loop, pool_exhaustion
from tests.analyzers.logs.sample_logs import analyze, app_log, corpus_run, stamp


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


K8STEST = "sos/sosreport-juju-110cc2-k8stest-4/sos_commands/kubernetes/"


@pytest.mark.parametrize("journal", [
    # ANSWERS.md: kube-proxy and kube-scheduler crash-looped while the charm had not written
    # their configuration yet, then ran: bootstrap noise, never above info.
    "journalctl_--no-pager_--unit_snap.kube-proxy.daemon",
    "journalctl_--no-pager_--unit_snap.kube-scheduler.daemon",
    # This control-plane node runs no kubelet: "-- No entries --" is no fault.
    "journalctl_--no-pager_--unit_kubelet",
])
def test_bootstrap_noise_of_a_new_cluster_stays_info(journal):
    run = corpus_run(K8STEST + journal)
    assert [f.title for f in run.findings if f.severity > Severity.LOW] == []
    errors = [f for f in run.findings if f.rule in ("log.errors", "log.new-error")]
    assert all("(during start-up)" in f.title or f.severity is Severity.INFO for f in errors)


INSIGHTS = "kubernetes/insights-archive-sample/"


def test_a_kubelet_journal_says_the_crash_looping_container():
    """18 ``Error syncing pod`` lines from line 1: the container in CrashLoopBackOff."""
    run = corpus_run(INSIGHTS + "config/node/logs/ip-10-0-135-228.us-east-2.compute.internal.log")
    top = run.by_rule("log.errors")[0]
    assert top.count == 18 and "CrashLoopBackOff" in top.title
    assert top.severity is Severity.MEDIUM and top.evidence[0].locator.line == 1


def test_alertmanager_cannot_deliver_and_its_gossip_warnings_are_quiet():
    run = corpus_run(INSIGHTS + "conditional/namespaces/openshift-monitoring/pods/"
                     "alertmanager-main-0/containers/alertmanager/logs/last-50-lines.log")
    raised = [f for f in run.findings if f.severity >= Severity.MEDIUM]
    assert [f.evidence[0].locator.line for f in raised] == [20]  # level=error, Notify failed
    assert run.stats["levels"]["warning"] == 11  # "failed to join cluster" and its kin: quiet


@pytest.mark.parametrize("relative", [
    # Named errors.log, holds only I-lines.
    "config/pod/openshift-kube-controller-manager/logs/kube-controller-manager-ip-10-0-168-11."
    "us-east-2.compute.internal/errors.log",
    # YAML fragments of the scheduler's configuration.
    "config/pod/openshift-kube-scheduler/logs/openshift-kube-scheduler-ip-10-0-141-107."
    "us-east-2.compute.internal/messages.log",
    # "Observed a panic" is the apiserver's handled timeout, not a crash.
    "config/pod/openshift-apiserver-operator/logs/openshift-apiserver-operator-6ddb679b87-4kn55/"
    "errors.log",
])
def test_what_looks_alarming_in_an_insights_archive_is_not(relative):
    run = corpus_run(INSIGHTS + relative)
    assert [f.title for f in run.findings if f.severity > Severity.LOW] == []
    assert not run.by_rule("log.exception") and not run.by_rule("log.crash")
