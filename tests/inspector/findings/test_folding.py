from datetime import UTC, datetime

import orjson
import pytest

from analyzers import BUILTIN
from inspector.findings import settle
from inspector.findings.folding import ALSO_REPORTED_AS, fold
from inspector.model import Evidence, Finding, LineLocator, PacketLocator, Severity, WholeLocator
from inspector.rules import REGISTRY, Rule
from inspector.training import scenarios
from tests.analyses import analyze
from tests.corpus import CORPUS

T0 = datetime(2026, 11, 17, 8, 7, tzinfo=UTC)
EXCEPTION = Rule("demo.exception", Severity.MEDIUM, "errors", "x", same_cause=("signature",))
TEMPLATE = Rule("demo.new-error", Severity.MEDIUM, "errors", "x")
KNOWN = Rule("demo.known-issue", Severity.HIGH, "errors", "x", same_cause=("signature",),
             explains=("demo.exception", "demo.new-error"))
OOM = Rule("demo.out-of-memory", Severity.CRITICAL, "resources", "x",
           explains=("demo.known-issue", "demo.new-error"))
SLOW = Rule("demo.slow-request", Severity.MEDIUM, "performance", "x")
RULES = {rule.id: rule for rule in (EXCEPTION, TEMPLATE, KNOWN, OOM, SLOW)}


def records(path="app.log", starts=(445, 910, 1381)):
    """The evidence of an error logged with a six-line stack trace at each start."""
    return [Evidence(path, LineLocator(n, end_line=n + 5), "ERROR export failed")
            for n in starts]


def found(rule, count=14, evidence=None, **fields):
    fields.setdefault("facts", {"signature": "java.lang.OutOfMemoryError@ReportBuilder"})
    return rule.finding(f"{rule.id} x{count}", analyzer="demo", count=count,
                        evidence=records() if evidence is None else evidence, first_seen=T0,
                        **fields)


def test_one_error_seen_by_three_rules_is_the_finding_naming_its_cause():
    exception = found(EXCEPTION, references=["https://docs.example/oom"])
    known = found(KNOWN, severity=Severity.HIGH)
    template = found(TEMPLATE, evidence=[Evidence("app.log", LineLocator(445), "export")])
    oom = found(OOM, evidence=records()[:2], facts={"kind": "heap"})
    kept = fold([exception, known, template, oom], RULES)
    assert kept == [kept[0]] and kept[0].rule == "demo.out-of-memory"
    survivor = kept[0]
    # The survivor's own judgement stands; the others are kept whole, in their order, and
    # the exception, explained through the known issue, ends in the out-of-memory finding.
    assert (survivor.severity, survivor.count, survivor.title) == \
        (Severity.CRITICAL, 14, "demo.out-of-memory x14")
    assert survivor.evidence == records()[:2] and survivor.facts["kind"] == "heap"
    assert [entry["rule"] for entry in survivor.facts[ALSO_REPORTED_AS]] == \
        ["demo.exception", "demo.known-issue", "demo.new-error"]
    assert survivor.facts[ALSO_REPORTED_AS][0] == \
        {k: v for k, v in exception.to_json().items() if k != "rank"}
    assert survivor.references == ["https://docs.example/oom"]


def test_findings_on_the_same_lines_stay_apart_unless_a_rule_explains_the_other():
    exception, slow = found(EXCEPTION), found(SLOW)
    assert fold([exception, slow], RULES) == [exception, slow]
    assert fold([exception, found(TEMPLATE)], RULES)[0] is exception


@pytest.mark.parametrize("evidence", [
    records(starts=(445, 2000, 3000)),            # one of three places shared: not most
    records(path="other.log"),                     # the same lines of another file
    [Evidence("app.log", PacketLocator(445))],     # another kind of place
    [Evidence("app.log", WholeLocator())],         # the whole file proves nothing
    [],
])
def test_a_finding_citing_other_places_is_not_folded(evidence):
    exception, known = found(EXCEPTION, evidence=evidence), found(KNOWN)
    assert fold([exception, known], RULES) == [exception, known]


@pytest.mark.parametrize(("exceptions", "matches", "folds"), [
    (14, 14, True), (10, 14, True),
    (200, 3, False),  # the signature matched 3 of the group's 200 records
    (2, 18, False),   # a template logged twice is not a group of 18 errors
])
def test_the_survivor_accounts_for_the_same_occurrences(exceptions, matches, folds):
    kept = fold([found(EXCEPTION, count=exceptions), found(KNOWN, count=matches)], RULES)
    assert (len(kept) == 1) is folds


def test_folded_findings_merge_across_files_keeping_what_each_took():
    per_file = [finding for path in ("pod-a.log", "pod-b.log")
                for finding in (found(EXCEPTION, evidence=records(path)),
                                found(KNOWN, evidence=records(path)))]
    kept = settle(per_file, RULES)
    assert [f.rule for f in kept] == ["demo.known-issue"]
    assert kept[0].count == 28 and len(kept[0].facts["sources"]) == 2
    assert [entry["evidence"][0]["artifact"] for entry in kept[0].facts[ALSO_REPORTED_AS]] == \
        ["pod-a.log", "pod-b.log"]


def test_every_rule_a_declaration_names_is_registered():
    assert BUILTIN  # importing the built-in analyzers registered their rules
    named = {(rule.id, explained) for rule in REGISTRY for explained in rule.explains}
    assert named and all(explained in REGISTRY for _, explained in named)


def test_oom_crash_loop_reports_each_out_of_memory_error_once(tmp_path):
    bundle, _ = scenarios.build("oom_crash_loop", tmp_path)
    findings = analyze(bundle).findings
    on_the_log = [f for f in findings if f.rule != "incident.cross-source"
                  and f.evidence[0].artifact == "logs/report-service.log"]
    assert sorted(f.rule for f in on_the_log) == ["jvm.out-of-memory", "log.restart"]
    oom = next(f for f in on_the_log if f.rule == "jvm.out-of-memory")
    folded = {entry["rule"]: entry for entry in oom.facts[ALSO_REPORTED_AS]}
    assert set(folded) == {"log.exception", "log.known-issue", "log.new-error"}
    assert folded["log.exception"]["facts"]["type"] == "java.lang.OutOfMemoryError"
    assert folded["log.known-issue"]["count"] == oom.count == 14
    # The kernel's kill of the same JVM is another event, on another file.
    assert any(f.rule == "host.oom-kill" for f in findings)
    # What was folded survives the JSON document.
    again = Finding.from_json(orjson.loads(orjson.dumps(oom.to_json())))
    assert again.facts[ALSO_REPORTED_AS] == oom.facts[ALSO_REPORTED_AS]


@pytest.mark.corpus
def test_a_mysql_error_is_one_finding_though_two_analyzers_read_its_log():
    errlog = CORPUS / "realworld" / "db" / "mysql" / "errlogs" / "errlog001.txt"
    if not errlog.exists():
        pytest.skip("corpus absent")
    findings = analyze(errlog).findings
    errors = [f for f in findings if f.rule == "sql.errors"]
    config = next(f for f in errors if "unknown variable 'ssl-key" in f.title)
    assert config.evidence[0].locator.line == 3
    assert [(e["rule"], e["evidence"][0]["locator"]["line"])
            for e in config.facts[ALSO_REPORTED_AS]] == [("log.errors", 3)]
    cited = {e.locator.line for f in errors for e in f.evidence}
    assert not [f for f in findings if f.rule in ("log.errors", "log.new-error")
                and f.evidence[0].locator.line in cited]


@pytest.mark.corpus
def test_galera_node1_sst_timeout_is_not_hidden_in_a_generic_error_group():
    bundle = CORPUS / "realworld" / "bundles" / "pxc-galera-upgrade-case.tar.gz"
    if not bundle.exists():
        pytest.skip("corpus absent")
    findings = analyze(bundle).findings
    # Galera writes every message under the one code MY-000000, so the server's group of
    # them says less than the donor timeout's own template: it stays a finding.
    assert [f for f in findings if f.rule == "log.errors"
            and "Possible timeout in receving first data from donor" in f.title]
    aborting = [f for f in findings if f.rule == "sql.errors" and f.title == "1 × Aborting"]
    assert [e["rule"] for f in aborting for e in f.facts[ALSO_REPORTED_AS]] == \
        ["log.new-error"]
