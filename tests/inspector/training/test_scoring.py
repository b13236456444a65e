"""Scoring a diagnosis against a scenario's answer key, and explaining the score."""

from __future__ import annotations

import orjson
import pytest

from inspector.model import EntryLocator, Evidence, LineLocator, PacketLocator, locator_from_json
from inspector.training import scenarios
from inspector.training.cases import prepare_case
from inspector.training.root_causes import root_cause_for
from inspector.training.scoring import (
    EVIDENCE_POINTS,
    LINE_SLACK,
    ROOT_CAUSE_POINTS,
    UNRELATED_CITATION_PENALTY,
    Diagnosis,
    score,
)
from tests.analyses import analyze


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """The gateway_502 scenario built once, with its answer key and its findings."""
    case = prepare_case("gateway_502", tmp_path_factory.mktemp("gateway"))
    return case, analyze(case.bundle_path).findings


def key_citations(answer_key):
    return [Evidence(item["artifact"], locator_from_json(item["locator"]))
            for item in answer_key["evidence"]]


def test_right_cause_and_all_key_evidence_pass_with_full_marks(gateway):
    case, findings = gateway
    result = score(case.scenario, case.answer_key,
                   Diagnosis("upstream-failing", "billing backend behind the gateway fails",
                             key_citations(case.answer_key)), findings=findings)
    assert (result.points, result.passed, result.root_cause_correct) == (100, True, True)
    assert all(item.found for item in result.key_evidence)
    text = result.explanation()
    assert "missed" not in text
    assert case.answer_key["summary"] in text
    for rule_id in case.answer_key["rules"]:
        assert rule_id in text


def test_wrong_cause_and_missed_evidence_are_explained_with_the_key_why(gateway):
    case, _findings = gateway  # without findings: no related evidence to reach the other
    first, second = case.answer_key["evidence"]
    result = score(case.scenario, case.answer_key,
                   Diagnosis("service-down", "", [Evidence(first["artifact"],
                                                           locator_from_json(first["locator"]))]))
    assert not result.root_cause_correct and not result.passed
    assert result.points == EVIDENCE_POINTS // 2
    text = result.explanation()
    expected = root_cause_for("gateway_502")
    assert expected.label in text and "A backend service is down" in text
    missed_section = text.split("Key evidence you missed:")[1].split("Key evidence you found:")[0]
    assert second["why"] in missed_section and first["why"] not in missed_section


def test_citing_the_red_herring_costs_points(gateway):
    case, findings = gateway
    har = next(item["artifact"] for item in case.answer_key["evidence"]
               if item["locator"]["kind"] == "entry")
    entries = orjson.loads(scenarios.load("gateway_502").build(
        scenarios.load("gateway_502").rng()).files[har])["log"]["entries"]
    favicon = next(number for number, entry in enumerate(entries, 1)
                   if entry["request"]["url"].endswith("/favicon.ico"))
    citations = [*key_citations(case.answer_key), Evidence(har, EntryLocator(favicon))]
    result = score(case.scenario, case.answer_key,
                   Diagnosis("upstream-failing", "", citations), findings=findings)
    assert result.points == 100 - UNRELATED_CITATION_PENALTY
    assert [c.verdict for c in result.citations][-1] == "unrelated"
    assert f"entry {favicon}" in result.explanation()


def test_other_evidence_of_a_required_rule_supports_without_penalty(gateway):
    case, findings = gateway
    key_places = {(e.artifact, e.locator) for e in key_citations(case.answer_key)}
    other = next(e for f in findings if f.rule in case.answer_key["rules"]
                 for e in f.evidence if (e.artifact, e.locator) not in key_places)
    result = score(case.scenario, case.answer_key,
                   Diagnosis("upstream-failing", "", [*key_citations(case.answer_key), other]),
                   findings=findings)
    assert result.points == 100 and result.citations[-1].verdict == "related"
    without_findings = score(case.scenario, case.answer_key,
                             Diagnosis("upstream-failing", "",
                                       [*key_citations(case.answer_key), other]))
    assert without_findings.citations[-1].verdict == "unrelated"


@pytest.fixture(scope="module")
def expired(tmp_path_factory):
    case = prepare_case("tls_expired_certificate", tmp_path_factory.mktemp("expired"))
    return case, analyze(case.bundle_path).findings


def test_the_logs_certificate_expired_lines_earn_credit_not_a_penalty(expired):
    """The issue's trainee: the key holds two packets, and the log's CertificateExpired-
    Exception records (tied to the alert packet by the cross-source incident) are the same
    diagnosis seen from the application."""
    case, findings = expired
    # The records' stack-trace group is folded into their known-issue match.
    records = next(f for f in findings if f.rule == "log.known-issue")
    log = records.evidence[0]
    text = next(e["title"] for e in records.facts["also_reported_as"]
                if e["rule"] == "log.exception")
    assert "CertificateExpiredException" in text
    later = Evidence(log.artifact, LineLocator(log.locator.line + 4, log.locator.end_line + 4))
    result = score(case.scenario, case.answer_key,
                   Diagnosis("certificate-expired", "", [later]), findings=findings)
    assert [c.verdict for c in result.citations] == ["related"]
    assert result.points == ROOT_CAUSE_POINTS + EVIDENCE_POINTS // 2 and result.passed
    assert all(item.related and not item.found for item in result.key_evidence)
    assert "reached through related evidence" in result.explanation()
    exact = score(case.scenario, case.answer_key, Diagnosis(
        "certificate-expired", "", [*key_citations(case.answer_key), later]), findings=findings)
    assert exact.points == 100


def test_the_red_herring_stays_one_when_findings_group(expired):
    """The auth service's certificate (valid three more days) is noise: grouping the
    findings must not make its handshake related to the expired one."""
    case, findings = expired
    capture = case.answer_key["evidence"][0]["artifact"]
    stats = analyze(case.bundle_path).stats[capture]["tls"]
    auth = next(h["server_hello_packet"] for h in stats["handshakes"]
                if h["sni"].startswith("auth."))
    result = score(case.scenario, case.answer_key, Diagnosis(
        "certificate-expired", "", [*key_citations(case.answer_key),
                                    Evidence(capture, PacketLocator(auth))]),
        findings=findings)
    assert result.citations[-1].verdict == "unrelated"
    assert result.points == 100 - UNRELATED_CITATION_PENALTY


def test_a_required_rules_evidence_that_reaches_no_key_item_supports():
    from inspector.model import Finding, Severity

    key = {"summary": "s", "rules": ["tls.handshake-failure"], "evidence": [
        {"artifact": "a.pcap", "locator": {"kind": "packet", "index": 3}, "why": "w"}]}
    elsewhere = Finding(rule="tls.handshake-failure", severity=Severity.HIGH, category="tls",
                        title="Handshake failed", analyzer="tls",
                        evidence=[Evidence("b.pcap", PacketLocator(9))])
    result = score("tls_expired_certificate", key, Diagnosis(
        "certificate-expired", "", [Evidence("b.pcap", PacketLocator(9))]),
        findings=[elsewhere])
    assert result.citations[0].verdict == "supporting"
    assert result.points == ROOT_CAUSE_POINTS


def test_line_citations_match_nearby_lines_but_not_whole_files():
    key = {"summary": "s", "rules": [], "evidence": [
        {"artifact": "logs/app.log", "locator": {"kind": "line", "line": 40, "end_line": 45},
         "why": "the stack trace"}]}
    near = score("oom_crash_loop", key, Diagnosis("out-of-memory", "", [
        Evidence("logs/app.log", LineLocator(40 - LINE_SLACK))]))
    assert near.points == 100
    far = score("oom_crash_loop", key, Diagnosis("out-of-memory", "", [
        Evidence("logs/app.log", LineLocator(45 + LINE_SLACK + 1))]))
    assert far.points == ROOT_CAUSE_POINTS
    other_file = score("oom_crash_loop", key, Diagnosis("out-of-memory", "", [
        Evidence("logs/kern.log", LineLocator(42))]))
    assert not other_file.key_evidence[0].found
    everything = score("oom_crash_loop", key, Diagnosis("out-of-memory", "", [
        Evidence("logs/app.log", LineLocator(1, 10_000))]))
    assert everything.citations[0].verdict == "too-wide"
    assert everything.points == ROOT_CAUSE_POINTS
    assert "too wide" in everything.explanation()


def test_whole_artifact_key_items_are_found_by_any_citation_in_them():
    key = {"summary": "s", "rules": ["bundle.unsafe-path"], "evidence": [
        {"artifact": "../x.sh", "locator": {"kind": "artifact"}, "why": "climbs out"}]}
    result = score("bundle_basics", key, Diagnosis("unsafe-bundle", "", [
        Evidence("../x.sh", LineLocator(1))]))
    assert result.points == 100
    assert "bundle.unsafe-path: Member names that would escape" in result.explanation()


def test_unknown_root_cause_scores_as_none_chosen():
    key = {"summary": "s", "rules": [], "evidence": [
        {"artifact": "a.pcap", "locator": {"kind": "packet", "index": 3}, "why": "w"}]}
    result = score("backend_refused", key, Diagnosis("no-such-cause", "", [
        Evidence("a.pcap", PacketLocator(4))]))
    assert result.chosen is None and result.points == 0
    assert "none chosen" in result.explanation()
