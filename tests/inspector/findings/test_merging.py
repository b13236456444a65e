import shutil
from datetime import UTC, datetime, timedelta

import pytest

from inspector.findings.merging import MAX_EVIDENCE, MAX_SOURCES, merge
from inspector.model import Evidence, LineLocator, Severity
from inspector.rules import Rule
from tests.analyses import analyze
from tests.corpus import CORPUS

REFUSED = Rule("demo.refused", Severity.HIGH, "connectivity", "x", same_cause=("server",))
GAP = Rule("demo.gap", Severity.LOW, "availability", "x")
RULES = {rule.id: rule for rule in (REFUSED, GAP)}
T0 = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


def refused(path, count, server="db:5432", minutes=0, severity=None, evidence=3):
    return REFUSED.finding(
        f"{server} refused {count:,} connections", analyzer="demo", count=count,
        severity=severity, first_seen=T0 + timedelta(minutes=minutes),
        last_seen=T0 + timedelta(minutes=minutes + 5), facts={"server": server, "n": count},
        evidence=[Evidence(path, LineLocator(n + 1), f"refused {n}") for n in range(evidence)])


def test_one_root_cause_in_three_files_is_one_finding_listing_every_source():
    found = merge([refused("a.log", 3), refused("b.log", 1200, severity=Severity.CRITICAL),
                   refused("c.log", 5), refused("d.log", 7, server="cache:6379")], {}, RULES)
    assert len(found) == 2
    merged = found[0]
    assert merged.title == "db:5432 refused 1,208 connections in 3 sources"
    assert merged.count == 1208 and merged.severity is Severity.CRITICAL
    assert merged.facts["n"] == 1200  # the main member's own facts
    assert [(s["artifact"], s["count"], s["findings"]) for s in merged.facts["sources"]] == \
        [("a.log", 3, 1), ("b.log", 1200, 1), ("c.log", 5, 1)]
    # Evidence from every source in turn, bounded.
    assert [e.artifact for e in merged.evidence[:3]] == ["a.log", "b.log", "c.log"]
    assert len(merged.evidence) == 9 <= MAX_EVIDENCE
    assert "Seen 1,208 time(s) in 3 source(s)" in merged.detail
    assert found[1].title == "cache:6379 refused 7 connections"


def test_times_of_several_sources_are_put_on_utc_before_they_are_compared():
    local = refused("local.log", 2, minutes=60)  # written in UTC+01:00: 09:00 UTC really
    utc = refused("utc.log", 2, minutes=10)
    merged = merge([local, utc], {"local.log": timedelta(hours=1)}, RULES)[0]
    assert merged.first_seen == T0 and merged.last_seen == T0 + timedelta(minutes=15)


def test_findings_without_a_same_cause_or_missing_a_fact_stand_alone():
    gaps = [GAP.finding("silent", analyzer="demo", evidence=[Evidence(p, LineLocator(1))])
            for p in ("a.log", "b.log")]
    odd = REFUSED.finding("no server fact", analyzer="demo", facts={})
    found = merge([*gaps, odd, refused("a.log", 1)], {}, RULES)
    assert found[:3] == [*gaps, odd] and len(found) == 4


def test_many_sources_are_bounded_and_counted_exactly():
    found = merge([refused(f"pod-{n}.log", 2, evidence=1) for n in range(MAX_SOURCES + 5)],
                  {}, RULES)
    merged = found[0]
    assert merged.count == 2 * (MAX_SOURCES + 5)
    assert len(merged.facts["sources"]) == MAX_SOURCES
    assert merged.facts["sources_total"] == MAX_SOURCES + 5
    assert len(merged.evidence) == MAX_EVIDENCE


@pytest.mark.corpus
def test_the_same_refusal_in_three_kubernetes_journals_is_one_finding():
    bundle = CORPUS / "realworld" / "bundles" / \
        "sosreport-juju-110cc2-k8stest-4-2022-02-11-ipxjpkg.tar.xz"
    if not bundle.exists():
        pytest.skip("corpus absent")
    found = [f for f in analyze(bundle).findings if f.rule == "log.known-issue"
             and f.facts.get("signature") == "net.connection-refused"]
    assert len(found) == 1
    merged = found[0]
    sources = merged.facts["sources"]
    assert len(sources) == 3 and {s["artifact"].rsplit("_", 1)[-1] for s in sources} == \
        {"snap.kube-controller-manager.daemon", "snap.kube-proxy.daemon",
         "snap.kube-scheduler.daemon"}
    assert merged.count == sum(s["count"] for s in sources) == 488
    assert {e.artifact for e in merged.evidence} == {s["artifact"] for s in sources}
    assert merged.title.endswith("x488 in 3 sources")


@pytest.mark.corpus
def test_the_same_refused_server_in_two_captures_is_one_finding(tmp_path):
    capture = CORPUS / "pcap" / "tcp_refuseconnection.pcapng"
    if not capture.exists():
        pytest.skip("corpus absent")
    single = [f for f in analyze(capture).findings if f.rule == "tcp.connection-refused"]
    for host in ("client-a", "client-b"):
        (tmp_path / host).mkdir()
        shutil.copyfile(capture, tmp_path / host / "eth0.pcapng")
    found = [f for f in analyze(tmp_path).findings if f.rule == "tcp.connection-refused"]
    assert len(single) == 1 and len(found) == 1
    assert found[0].count == 2 * single[0].count
    assert [s["artifact"] for s in found[0].facts["sources"]] == \
        ["client-a/eth0.pcapng", "client-b/eth0.pcapng"]
    assert found[0].title.endswith("in 2 sources")
