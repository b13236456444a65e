"""The signature format: parsing, validation, pattern risk, shipped and user signatures."""

from __future__ import annotations

import pytest

from inspector.files import DATA_DIR_VARIABLE
from inspector.knowledge.locations import user_signatures_dir
from inspector.knowledge.matching import KnowledgeBase
from inspector.knowledge.signatures import (
    SHIPPED_SIGNATURES,
    parse_signatures,
    pattern_risk,
    read_shipped_and_user_signatures,
)

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


def test_a_missing_user_folder_is_simply_empty(tmp_path):
    kb = KnowledgeBase.load(user_dir=tmp_path / "absent")
    assert kb.problems == [] and kb.overridden == []


def test_parsed_signatures_know_their_file_and_origin():
    signatures, problems = parse_signatures(GOOD, "team.toml", "user")
    assert problems == []
    assert [(s.id, s.source, s.origin) for s in signatures] == [("app.good", "team.toml", "user")]


def test_shipped_and_user_signatures_put_the_users_first(tmp_path):
    (tmp_path / "mine.toml").write_text(GOOD + entry('patterns = ["x"]').replace(
        "app.case", "os.disk-full"))
    found = read_shipped_and_user_signatures(tmp_path)
    assert [s.id for s in found.signatures[:2]] == ["app.good", "os.disk-full"]
    assert [s.origin for s in found.signatures[:2]] == ["user", "user"]
    assert found.overridden == ["os.disk-full"] and found.problems == []
    assert sum(s.id == "os.disk-full" for s in found.signatures) == 1
    assert {s.origin for s in found.signatures[2:]} == {"shipped"}
