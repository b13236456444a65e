import pytest

from inspector.findings.ranking import (
    handle_with_care,
    headline,
    impact_order,
    rank,
    rank_order,
)
from inspector.model import Severity
from inspector.report.drafting import draft
from inspector.report.summary import render
from inspector.rules import Rule
from tests.analyses import analyze
from tests.corpus import CORPUS

LEAK = Rule("demo.leak", Severity.CRITICAL, "security", "x", concern="handling")
SERVER = Rule("demo.server-errors", Severity.HIGH, "errors", "x")
INCIDENT = Rule("demo.incident", Severity.HIGH, "correlation", "x")
WEAK = Rule("demo.weak-cipher", Severity.HIGH, "security", "x")
SLOW = Rule("demo.slow", Severity.HIGH, "performance", "x")


def test_the_outage_comes_first_and_handling_warnings_last_whatever_their_severity():
    found = [LEAK.finding("HAR carries credentials", analyzer="d"),
             SLOW.finding("slow", analyzer="d"), WEAK.finding("weak cipher", analyzer="d"),
             INCIDENT.finding("incident", analyzer="d"),
             SERVER.finding("94 requests got 503", analyzer="d", count=94),
             SERVER.finding("2 requests got 500", analyzer="d", count=2),
             SERVER.finding("info", analyzer="d", severity=Severity.INFO)]
    ordered = rank(found)
    assert [f.title for f in ordered] == ["94 requests got 503", "2 requests got 500",
                                          "incident", "weak cipher", "slow", "info",
                                          "HAR carries credentials"]
    assert [f.rank for f in ordered] == list(range(1, 8))
    assert headline(found).title == "94 requests got 503"
    assert [f.title for f in handle_with_care(found)] == ["HAR carries credentials"]


def test_an_analysis_written_before_ranks_is_ordered_the_same_way():
    found = [LEAK.finding("leak", analyzer="d"), SERVER.finding("503", analyzer="d")]
    assert all(f.rank is None for f in found)
    assert [f.title for f in rank_order(found)] == ["503", "leak"]
    assert sorted(found, key=impact_order)[0].title == "503"
    assert headline([LEAK.finding("leak", analyzer="d")]) is None


@pytest.mark.corpus
def test_a_har_with_credentials_and_failed_requests_leads_with_the_failures():
    har = CORPUS / "har" / "chrome.har"
    if not har.exists():
        pytest.skip("corpus absent")
    analysis = analyze(har)
    rules = [f.rule for f in rank_order(analysis.findings)]
    assert rules[0] == "http.failed-requests" and rules[-1] == "http.credentials-exposed"
    # The JSON keeps its documented order (most severe, then rule) and says the rank.
    assert analysis.findings[0].rule == "http.credentials-exposed"
    assert {f.rule: f.rank for f in analysis.findings}["http.failed-requests"] == 1
    summary = render(analysis)
    assert "**Headline** (high): " in summary and "got no response" in \
        summary.split("**Headline**")[1].splitlines()[0]
    assert "**Handle with care**: The HAR carries credentials" in summary
    assert summary.index("## Findings") < summary.index("## Handle with care")
    report = draft(analysis)
    assert "got no response" in report.title
    assert "Handle with care: The HAR carries credentials" in report.summary
    assert all(f.rule != "http.credentials-exposed" for f in report.findings)


@pytest.mark.corpus
def test_a_kubernetes_node_with_a_leaking_har_does_not_lead_with_its_bootstrap_noise(tmp_path):
    sos = CORPUS / "realworld" / "bundles" / \
        "sosreport-juju-110cc2-k8stest-4-2022-02-11-ipxjpkg.tar.xz"
    har = CORPUS / "har" / "chrome.har"
    if not (sos.exists() and har.exists()):
        pytest.skip("corpus absent")
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "node.tar.xz").write_bytes(sos.read_bytes())
    (tmp_path / "case" / "browser.har").write_bytes(har.read_bytes())
    analysis = analyze(tmp_path / "case")
    ordered = rank_order(analysis.findings)
    # The node's refusals came while the new cluster started and stopped once it ran
    # (realworld/ANSWERS.md: bootstrap noise, issue 13): they are info, not the headline.
    (refused,) = [f for f in ordered if f.rule == "log.known-issue"
                  and "Connection refused" in f.title]
    assert refused.severity is Severity.INFO and "(during start-up)" in refused.title
    assert ordered[0].severity > Severity.MEDIUM and ordered[0] is not refused
    assert ordered[-1].rule == "http.credentials-exposed"
    assert draft(analysis).title == ordered[0].title


def test_a_killed_process_or_a_full_disk_is_a_failure_not_the_rest():
    oom = Rule("demo.oom-kill", Severity.CRITICAL, "resources", "x")
    disk = Rule("demo.read-only", Severity.CRITICAL, "storage", "x")
    incident = Rule("demo.incident", Severity.CRITICAL, "correlation", "x")
    schema = Rule("demo.schema", Severity.CRITICAL, "schema", "x")
    found = [schema.finding("no primary key", analyzer="d", count=50),
             incident.finding("incident", analyzer="d", count=40),
             disk.finding("remounted read-only", analyzer="d"),
             oom.finding("the OOM killer ended java", analyzer="d", count=4)]
    assert [f.title for f in rank(found)] == ["the OOM killer ended java",
                                              "remounted read-only", "incident",
                                              "no primary key"]
