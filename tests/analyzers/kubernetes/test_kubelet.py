"""What a kubelet's log says about the pods it cannot start: read from both line forms,
judged against the end of the log, and joined to the pod's own finding when there is one."""

from __future__ import annotations

from pathlib import Path

from analyzers.kubernetes.kubelet import sync_failure, written_time
from inspector.model import Severity
from tests.analyzers.kubernetes.material import analyze_files, by_rule, pod, pod_list


def structured(clock: str, container: str, reason: str, pod_name: str, message: str) -> str:
    return (f'Mar  3 {clock}.120001 worker-2 kubelet[911]: E0303 {clock}.119876     911 '
            f'pod_workers.go:1298] "Error syncing pod, skipping" err="failed to '
            f'\\"StartContainer\\" for \\"{container}\\" with {reason}: \\"{message}\\"" '
            f'pod="shop/{pod_name}" podUID=0c1d')


def klog_text(clock: str, container: str, pod_name: str) -> str:
    return (f"E0303 {clock}.5 4321 pod_workers.go:191] Error syncing pod 0c1d "
            f'("{pod_name}_shop(0c1d)"), skipping: failed to "StartContainer" for '
            f'"{container}" with CrashLoopBackOff: "back-off 2m40s restarting failed '
            f'container={container} pod={pod_name}_shop(0c1d)"')


def normal(clock: str) -> str:
    return (f"Mar  3 {clock}.000001 worker-2 kubelet[911]: I0303 {clock}.000001     911 "
            'kubelet.go:2448] "SyncLoop (PLEG): event for pod"')


def journal(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


CRASH = "back-off 5m0s restarting failed container=api pod=api-6d4cf56db6-k2x9q_shop(0c1d)"


def test_both_line_forms_name_the_pod_container_and_reason() -> None:
    assert sync_failure(structured("10:00:00", "api", "CrashLoopBackOff",
                                   "api-6d4cf56db6-k2x9q", CRASH)) == (
        "shop", "api-6d4cf56db6-k2x9q", "api", "CrashLoopBackOff", "5m0s")
    assert sync_failure(klog_text("10:00:00", "api", "api-6d4cf56db6-k2x9q")) == (
        "shop", "api-6d4cf56db6-k2x9q", "api", "CrashLoopBackOff", "2m40s")
    assert sync_failure(normal("10:00:00")) is None


def test_times_without_a_year_are_quoted_as_written() -> None:
    assert written_time("Mar  3 10:00:01.5 worker-2 kubelet[1]: x")[0] == "Mar 3 10:00:01"
    assert written_time("E0303 10:00:01.5 4321 pod_workers.go:191] x")[0] == "Mar 3 10:00:01"
    assert written_time("no time here") is None


def test_a_crash_loop_only_the_kubelet_saw_is_a_finding(tmp_path: Path) -> None:
    lines = [normal("09:58:00")]
    lines += [structured(f"10:0{m}:00", "api", "CrashLoopBackOff", "api-6d4cf56db6-k2x9q", CRASH)
              for m in range(6)]
    lines.append(normal("10:06:30"))
    analysis = analyze_files(tmp_path, {"node/worker-2/kubelet.log": journal(*lines)})
    [crash] = by_rule(analysis, "kubernetes.crash-loop")
    assert crash.severity is Severity.HIGH
    assert crash.facts["pods"] == ["api-6d4cf56db6-k2x9q"] and crash.facts["node"] == "worker-2"
    assert crash.facts["kubelet_reports"] == 6 and crash.facts["backoff"] == "5m0s"
    assert "between Mar 3 10:00:00 and Mar 3 10:05:00" in crash.detail
    assert crash.first_seen is None  # the journal gives no year: none is guessed
    assert [e.locator.line for e in crash.evidence] == [2, 7]


def test_a_back_off_that_stopped_long_before_the_log_ends_is_low(tmp_path: Path) -> None:
    message = 'Back-off pulling image \\"shop/api:4.2\\"'
    lines = [structured("10:00:00", "api", "ImagePullBackOff", "api-6d4cf56db6-k2x9q", message),
             structured("10:01:00", "api", "ImagePullBackOff", "api-6d4cf56db6-k2x9q", message),
             normal("11:30:00")]
    analysis = analyze_files(tmp_path, {"kubelet.log": journal(*lines)})
    [pull] = by_rule(analysis, "kubernetes.image-pull")
    assert pull.severity is Severity.LOW and "could not pull" in pull.title
    assert "its log goes on until Mar 3 11:30:00" in pull.detail


def test_the_kubelet_s_lines_join_the_pod_s_own_finding(tmp_path: Path) -> None:
    crashing = pod("api-6d4cf56db6-k2x9q", restarts=7, ready=False, owner="api-6d4cf56db6",
                   state={"waiting": {"reason": "CrashLoopBackOff"}},
                   last={"terminated": {"reason": "Error", "exitCode": 2}})
    files = {"pods.json": pod_list(crashing),
             "kubelet.log": journal(structured("10:00:00", "app", "CrashLoopBackOff",
                                               "api-6d4cf56db6-k2x9q", CRASH))}
    analysis = analyze_files(tmp_path, files)
    [crash] = by_rule(analysis, "kubernetes.crash-loop")
    assert crash.facts["exit_code"] == 2
    assert crash.evidence[-1].artifact == "kubelet.log"


def test_a_log_not_written_by_a_kubelet_is_not_read_as_one(tmp_path: Path) -> None:
    # An operator's log quoting the kubelet's words is not the kubelet's report.
    quoted = structured("10:00:00", "api", "CrashLoopBackOff", "api-6d4cf56db6-k2x9q", CRASH)
    quoted = quoted.replace("kubelet[911]", "operator[77]").replace("pod_workers", "sync")
    analysis = analyze_files(tmp_path, {"operator.log": journal(quoted)})
    assert not by_rule(analysis, "kubernetes.crash-loop")


def test_a_kubelet_only_finding_counts_pods_not_log_lines(tmp_path: Path) -> None:
    lines = [structured(f"10:0{m}:00", "api", "CrashLoopBackOff", "api-6d4cf56db6-k2x9q", CRASH)
             for m in range(4)]
    [crash] = by_rule(analyze_files(tmp_path, {"kubelet.log": journal(*lines)}),
                      "kubernetes.crash-loop")
    assert (crash.count, crash.facts["kubelet_reports"]) == (1, 4)
