import pytest

from inspector.knowledge import SIGNATURES_DIR, KnowledgeBase, pattern_risk

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
    assert SIGNATURES_DIR.is_dir()
    assert shipped.problems == []
    assert {s.id for s in shipped.signatures} >= set(EXAMPLES)
    assert all(s.remediation for s in shipped.signatures)


@pytest.mark.parametrize(("signature_id", "line"), sorted(EXAMPLES.items()))
def test_each_listed_case_is_recognized(shipped, signature_id, line):
    found = shipped.match(line)
    assert found is not None and found.id == signature_id


def test_ordinary_lines_match_nothing(shipped):
    for line in ("GET /api/orders 200 in 12 ms", "user 42 logged in",
                 "Started ReportApplication in 5.1 seconds"):
        assert shipped.match(line) is None


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
