import re
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analyzers import BUILTIN
from inspector.files import DATA_DIR_VARIABLE
from inspector.knowledge import (
    MATCH_CHARS,
    SHIPPED_SIGNATURES,
    HttpMatch,
    KnowledgeBase,
    SampleTargets,
    Signature,
    SqlMatch,
    TlsMatch,
    draft_from_finding,
    draft_from_line,
    excerpt,
    match_everywhere,
    pattern_for_line,
    pattern_risk,
    save_signature,
    to_toml,
    user_data_dir,
    user_signatures_dir,
)
from inspector.model import Severity

# One realistic line per case the issue lists, and the signature it must hit.
EXAMPLES = {
    "db.connection-pool-exhausted":
        "HikariPool-1 - Connection is not available, request timed out after 30000ms.",
    "jvm.out-of-memory": 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
    "os.oom-killer": "kernel: Out of memory: Killed process 4242 (java) total-vm:6291456kB",
    "os.too-many-open-files": "java.net.SocketException: Too many open files",
    "os.disk-full": "write /var/lib/data/x: no space left on device",
    "tls.certificate-error": "javax.net.ssl.SSLHandshakeException: PKIX path building failed",
    "net.dns-resolution-failure": "java.net.UnknownHostException: db.internal",
    "net.connection-refused": "connect ECONNREFUSED 10.0.0.5:5432",
    "net.connection-timeout": "java.net.SocketTimeoutException: Read timed out",
    "http.upstream-502-504":
        '10.0.0.1 - - [17/Nov/2026:09:14:01 +0000] "GET /api HTTP/1.1" 504 167 "-" "curl"',
    "db.deadlock": "Deadlock found when trying to get lock; try restarting transaction",
    "db.lock-wait-timeout": "Lock wait timeout exceeded; try restarting transaction",
}


@pytest.fixture(scope="module")
def shipped():
    return KnowledgeBase.load()


def test_shipped_signatures_load_cleanly(shipped):
    assert len(SHIPPED_SIGNATURES) >= 2
    assert shipped.problems == []
    assert {s.id for s in shipped.signatures} >= set(EXAMPLES)
    assert all(s.remediation for s in shipped.signatures)


@pytest.mark.parametrize(("signature_id", "line"), sorted(EXAMPLES.items()))
def test_each_listed_case_is_recognized(shipped, signature_id, line):
    found = shipped.match(line)
    assert found is not None and found.id == signature_id


def test_ordinary_lines_match_nothing(shipped):
    for line in ("GET /api/orders 200 in 12 ms", "user 42 logged in",
                 "Started ReportApplication in 5.1 seconds",
                 # statistics that count failures are not failures (tshark's -z dns,tree)
                 "dns: queries=2 responses=2 rcode!=0=0 nxdomain=0 servfail=0"):
        assert shipped.match(line) is None


def test_a_resolver_answer_of_nxdomain_is_a_resolution_failure(shipped):
    line = ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 41830"
    assert shipped.match(line).id == "net.dns-resolution-failure"


GOOD = '''
[[signature]]
id = "app.good"
title = "Good"
severity = "low"
patterns = ["all good"]
remediation = "none"
'''


@pytest.mark.parametrize(("bad", "reason"), [
    ('id = "Bad Id"\ntitle = "t"\nseverity = "low"\npatterns = ["x"]\nremediation = ""', "id"),
    ('id = "a.b"\ntitle = "t"\nseverity = "urgent"\npatterns = ["x"]\nremediation = ""',
     "severity"),
    ('id = "a.b"\ntitle = "t"\nseverity = "low"\npatterns = []\nremediation = ""', "patterns"),
    ('id = "a.b"\ntitle = "t"\nseverity = "low"\npatterns = ["(unclosed"]\nremediation = ""',
     "compile"),
    ('id = "a.b"\ntitle = "t"\nseverity = "low"\npatterns = ["(x+)+y"]\nremediation = ""',
     "backtrack"),
    ('id = "a.b"\ntitle = "t"\nseverity = "low"\npatterns = ["(a)\\\\1"]\nremediation = ""',
     "back-reference"),
    ('id = "a.b"\nseverity = "low"\npatterns = ["x"]\nremediation = ""', "title"),
])
def test_bad_signature_is_reported_not_fatal(bad, reason):
    kb = KnowledgeBase.from_text(GOOD + "\n[[signature]]\n" + bad)
    assert [s.id for s in kb.signatures] == ["app.good"]
    assert len(kb.problems) == 1 and reason in kb.problems[0]
    assert kb.match("it is all good").id == "app.good"


def test_invalid_toml_and_duplicates_are_reported(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD)
    (tmp_path / "b.toml").write_text(GOOD)
    (tmp_path / "c.toml").write_text("[[signature]\nid=")
    kb = KnowledgeBase.load(sorted(tmp_path.glob("*.toml")))
    assert len(kb.signatures) == 1
    assert any("defined twice" in p for p in kb.problems)
    assert any("not valid TOML" in p for p in kb.problems)


@pytest.mark.parametrize(("pattern", "risky"), [
    (r"timeout after \d+ ms", False),
    (r"(?:ab|cd){1,5}", False),
    (r"(\w+\s?)*$", True),
    (r"(a|aa)+b", True),
    (r"(.*)*", True),
    (r".*a.*b.*c.*d", True),
])
def test_pattern_risk(pattern, risky):
    assert (pattern_risk(pattern) is not None) is risky


@pytest.mark.timeout(20)
def test_matching_a_huge_hostile_line_is_bounded(shipped):
    assert shipped.match("a" * 10_000_000) is None
    assert shipped.match(" " * 5_000_000 + "No space left on device") is None


# --- the extended format -------------------------------------------------------------------

def entry(body: str) -> str:
    return ('[[signature]]\nid = "app.case"\ntitle = "t"\nseverity = "high"\n'
            'remediation = "r"\n' + body)


def test_http_sql_tls_sections_load_with_their_values():
    kb = KnowledgeBase.from_text(entry(
        'tags = ["proxy"]\nkb_link = "https://kb.example.com/42"\n'
        '[signature.http]\nstatus = [502, "5XX"]\nbody = ["no healthy upstream"]\n'
        '[signature.sql]\ncodes = ["40p01", 1213]\n'
        '[signature.tls]\nalerts = ["certificate_expired", 48]\nsender = "client"\n'))
    assert kb.problems == []
    [signature] = kb.signatures
    assert signature.matches_on == ("http", "sql", "tls")
    assert signature.http.status == ("502", "5xx")
    assert signature.http.status_matches(503) and not signature.http.status_matches(404)
    assert signature.sql.codes == ("40P01", "1213")
    assert signature.tls.alerts == ("certificate_expired", "48")
    assert (signature.kb_link, signature.tags) == ("https://kb.example.com/42", ("proxy",))
    # Only signatures with log patterns take part in line matching.
    assert kb.match("no healthy upstream") is None


@pytest.mark.parametrize(("body", "reason"), [
    ("", "nothing to match"),
    ('pattern = ["typo"]', "unknown key(s) pattern"),
    ('[signature.http]\nstatus = [200, "teapot"]', "http status"),
    ('[signature.http]\nbody = ["(x+)+y"]', "backtrack"),
    ('[signature.http]\nheaders = ["x"]', "unknown key(s) headers"),
    ("[signature.http]", "is empty"),
    ('[signature.tls]\nalerts = []', "tls alerts"),
    ('[signature.tls]\nalerts = [45]\nsender = "both"', "tls sender"),
    ('[signature.sql]\ncodes = [true]', "sql codes"),
    ('tags = "one"\npatterns = ["x"]', "tags"),
])
def test_bad_sections_are_reported_not_fatal(body, reason):
    kb = KnowledgeBase.from_text(GOOD + "\n" + entry(body))
    assert [s.id for s in kb.signatures] == ["app.good"]
    assert len(kb.problems) == 1 and reason in kb.problems[0], kb.problems


# --- shipped and user signatures -----------------------------------------------------------

def test_user_signatures_come_first_and_override_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    folder = user_signatures_dir()
    assert folder == tmp_path / "signatures"
    folder.mkdir()
    (folder / "mine.toml").write_text(
        '[[signature]]\nid = "os.disk-full"\ntitle = "Our disk full"\nseverity = "critical"\n'
        'patterns = ["No space left on device"]\nremediation = "Call storage."\n'
        '[[signature]]\nid = "app.pool-by-report-job"\ntitle = "Report job holds the pool"\n'
        'severity = "high"\npatterns = ["HikariPool-\\\\d+ .{0,100}ReportJob"]\n'
        'remediation = "r"\n')
    (folder / "broken.toml").write_text("[[signature]\n")
    kb = KnowledgeBase.load()
    shipped = KnowledgeBase.load(user_dir=tmp_path / "nobody")
    assert kb.overridden == ["os.disk-full"]
    assert len(kb.signatures) == len(shipped.signatures) + 1
    assert [p for p in kb.problems if "broken.toml" in p and "not valid TOML" in p]
    assert kb.get("os.disk-full").title == "Our disk full"
    assert kb.get("os.disk-full").origin == "user"
    assert kb.get("jvm.out-of-memory").origin == "shipped"
    # The user's specific signature wins over the shipped general one on the same line.
    line = "HikariPool-1 - Connection is not available, request timed out (ReportJob)"
    assert kb.match(line).id == "app.pool-by-report-job"
    assert shipped.match(line).id == "db.connection-pool-exhausted"
    assert [s.id for s in kb.match_all(line)] == ["app.pool-by-report-job",
                                                  "db.connection-pool-exhausted"]


def test_data_dir_follows_xdg_when_not_set(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    assert user_data_dir() == tmp_path / "bundle-inspector"


def test_a_missing_user_folder_is_simply_empty(tmp_path):
    kb = KnowledgeBase.load(user_dir=tmp_path / "absent")
    assert kb.problems == [] and kb.overridden == []


# --- matching analyzed bundles: the sample scenarios ----------------------------------------

SCENARIOS = ("tls_expired_certificate", "expired_token_401", "deadlock", "gateway_502")


@pytest.fixture(scope="module")
def sample_targets():
    with SampleTargets(BUILTIN, SCENARIOS) as samples:
        yield {target.name.removeprefix("sample:"): target for target in samples.targets()}


def matched(knowledge, target):
    [result] = match_everywhere(knowledge, [target])
    return {m.signature.id: m for m in result.matches}


def raw_lines(target, artifact):
    with target.view.open(artifact) as stream:
        return stream.read().decode("utf-8", "replace").splitlines()


def test_shipped_signatures_find_each_scenario_by_its_own_source(shipped, sample_targets):
    tls = matched(shipped, sample_targets["tls_expired_certificate"])
    alert = tls["tls.alert-certificate-expired"]
    assert alert.sources == ["tls"]
    stats = {r.artifact.path: r.stats for r in sample_targets[
        "tls_expired_certificate"].view.results()}
    listed = {(path, a["packet"]) for path, s in stats.items() if "tls" in s
              for a in s["tls"]["alerts"] if a["description"] == "certificate_expired"}
    assert {(e.artifact, e.locator.index) for e in alert.evidence} == listed
    assert alert.first_seen is not None and alert.first_seen.tzinfo is not None

    http = matched(shipped, sample_targets["expired_token_401"])["auth.token-expired"]
    waterfall = {r.artifact.path: r.stats["http"]["waterfall"]
                 for r in sample_targets["expired_token_401"].view.results()
                 if "http" in r.stats}
    statuses = {(path, row["entry"]): row["status"] for path, rows in waterfall.items()
                for row in rows}
    assert http.count >= 1
    assert all(statuses[(e.artifact, e.locator.index)] == 401 for e in http.evidence)

    deadlock = matched(shipped, sample_targets["deadlock"])["db.deadlock"]
    assert set(deadlock.sources) == {"log", "sql"}
    for evidence in deadlock.evidence:
        if evidence.locator.kind == "line":
            line = raw_lines(sample_targets["deadlock"], evidence.artifact)[
                evidence.locator.line - 1]
            assert "deadlock" in line.lower()


def test_status_only_and_body_signatures_agree_with_the_waterfall(sample_targets):
    target = sample_targets["gateway_502"]
    rows = [row for r in target.view.results() if "http" in r.stats
            for row in r.stats["http"]["waterfall"]]
    kb = KnowledgeBase.from_text(entry('[signature.http]\nstatus = ["5xx"]\n'))
    found = matched(kb, target)["app.case"]
    assert found.count == sum(1 for row in rows if 500 <= row["status"] < 600) > 0
    nothing = KnowledgeBase.from_text(entry(
        '[signature.http]\nstatus = ["5xx"]\nbody = ["a phrase no body holds 7f3a"]\n'))
    assert matched(nothing, target) == {}


# --- drafts ---------------------------------------------------------------------------------

def test_a_line_draft_generalizes_over_values_only():
    line = ("2026-11-17 09:14:01,120 ERROR [exec-7] c.e.Orders - Lease 7731 for order "
            "A-99812 lost after 30000 ms on 10.1.7.31:5432")
    pattern = pattern_for_line(line)
    assert pattern_risk(pattern) is None
    regex = re.compile(pattern)
    assert regex.search(line)
    assert regex.search("Lease 12 for order B-1 lost after 9 ms on 10.9.9.9:1")
    assert not regex.search("Lease 12 for order B-1 renewed after 9 ms on 10.9.9.9:1")


def test_a_line_draft_keeps_quoted_values_and_punctuation_apart():
    pattern = pattern_for_line('user "Ann Lee" failed login 3 times, locked=true')
    assert re.search(pattern, 'user "Bob" failed login 12 times, locked=true')
    assert not re.search(pattern, 'user "Bob" logged in')


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["timeout", "user", "failed", "a,b", "x:y", '"q r"',
                                           "=", "(", "[id]", "*", "\\", "$5"]),
                          st.integers(0, 10**9).map(str), st.text(min_size=1, max_size=12)),
                min_size=1, max_size=12))
def test_any_line_drafts_a_safe_pattern_that_matches_it(words):
    line = " ".join(words)
    assume(line.strip())  # a blank line has nothing to match; the window refuses it
    pattern = pattern_for_line(line)
    assert pattern and pattern_risk(pattern) is None
    signature = draft_from_line(line)
    assert KnowledgeBase([signature]).match(line.strip()) is not None


@pytest.mark.timeout(20)
def test_drafted_patterns_stay_fast_on_hostile_lines():
    pattern = pattern_for_line('a "b c" x 1 y 2 z 3, w=4: v')
    signature = draft_from_line('a "b c" x 1 y 2 z 3, w=4: v')
    kb = KnowledgeBase([signature])
    for hostile in ("a " * 1_000_000, '"' * 2_000_000, "a x " + "1" * 2_000_000,
                    ("a \"b c\" x " + "1 " * 300) * 100):
        assert kb.match(hostile) is None
        assert re.compile(pattern).search(hostile, 0, MATCH_CHARS) is None


def test_finding_drafts_match_their_own_evidence(sample_targets):
    for name, rule_id, section in (("expired_token_401", "http.client-errors", "http"),
                                   ("tls_expired_certificate", "tls.handshake-failure", "tls"),
                                   ("deadlock", "sql.deadlock", "sql"),
                                   ("deadlock", "log.exception", "log")):
        target = sample_targets[name]
        finding = next(f for r in target.view.results() for f in r.findings
                       if f.rule == rule_id)
        draft = draft_from_finding(finding)
        assert draft.matches_on == (section,), (rule_id, draft)
        assert draft.origin == "user" and draft.severity is finding.severity
        reloaded = KnowledgeBase.from_text(to_toml(draft))
        assert reloaded.problems == [], reloaded.problems
        found = matched(reloaded, target)
        assert draft.id in found, (rule_id, draft)
        places = {(e.artifact, e.locator.kind) for e in found[draft.id].evidence}
        assert {(e.artifact, e.locator.kind) for e in finding.evidence[:1]} <= places or \
            section == "log"


# --- writing --------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=40), remediation=st.text(max_size=60),
       pattern=st.from_regex(r"[a-z ,.'\"\\\\]{1,20}", fullmatch=True).filter(
           lambda p: pattern_risk(p) is None))
def test_toml_round_trips_any_text(title, remediation, pattern):
    signature = Signature("app.round-trip", title, Severity.LOW, (pattern,), remediation,
                          references=("https://kb.example.com/a'b",), tags=("x",),
                          http=HttpMatch(("5xx", "401"), (), ("body'\"",)),
                          sql=SqlMatch(("40P01",), ()), tls=TlsMatch(("unknown_ca",), "server"))
    kb = KnowledgeBase.from_text(to_toml(signature))
    assert kb.problems == []
    assert kb.signatures == [replace(signature, source="<text>", origin="file")]


def test_saved_signatures_load_as_the_users_own(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    draft = draft_from_line("ERROR Lease 7731 lost after 30000 ms")
    path = save_signature(draft)
    assert path == tmp_path / "signatures" / f"{draft.id}.toml"
    assert save_signature(replace(draft, title="Renamed")) == path
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left over
    loaded = KnowledgeBase.load().get(draft.id)
    assert loaded is not None and loaded.title == "Renamed" and loaded.origin == "user"


def test_excerpts_never_show_secrets(sample_targets):
    kb = KnowledgeBase.from_text(entry('patterns = ["Authorization"]'))
    line = "WARN retry with Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789"
    assert "qrstuv" not in excerpt(line)
    assert kb.match(line) is not None


def test_line_numbers_stay_exact_across_prefiltered_blocks(tmp_path, shipped):
    from inspector.analysis import Analysis
    from inspector.bundle import open_bundle
    from inspector.knowledge import BLOCK_BYTES, AnalysisView, match_bundle
    from inspector.testing import make_bundle

    healthy = "2026-11-17 09:00:00,000 INFO [exec-1] c.e.Svc - request 42 handled in 7 ms"
    lines = [healthy] * (3 * BLOCK_BYTES // len(healthy))
    hits = {17: "java.net.SocketTimeoutException: Read timed out",
            len(lines) // 2: "WARN connect ETIMEDOUT 10.0.0.5:443",
            len(lines) - 1: "write failed: No space left on device"}
    for number, text in hits.items():
        lines[number - 1] = f"2026-11-17 09:00:01,000 ERROR [exec-2] c.e.Svc - {text}"
    folder = make_bundle(tmp_path / "case", {"app.log": ("\n".join(lines) + "\n").encode()})
    with open_bundle(folder) as bundle:
        found = match_bundle(shipped, AnalysisView(Analysis(bundle=bundle.info), bundle))
    located = sorted(e.locator.line for m in found for e in m.evidence)
    assert located == sorted(hits)
    assert {m.signature.id for m in found} == {"net.connection-timeout", "os.disk-full"}
