import pytest

from tests.analyses import analyze
from tests.analyzers.jvm.material import REALWORLD, real


@pytest.mark.corpus
def test_jvm_hang_bundle_answers():
    analysis = analyze(real(REALWORLD / "bundles" / "jvm-app-hang-support-bundle.zip"))
    jvm = [f for f in analysis.findings if f.analyzer.startswith("jvm")]
    by_rule = {f.rule: f for f in jvm}
    assert sorted(by_rule) == ["jvm.deadlock", "jvm.gc-explicit", "jvm.gc-heap-rising",
                               "jvm.gc-not-running", "jvm.lock-contention"]
    contention = by_rule["jvm.lock-contention"]
    assert contention.facts["waiters"] == 7 and contention.facts["dumps"] == 5
    assert contention.evidence[0].artifact.endswith("threaddumps/jstack-1.txt")
    deadlock = by_rule["jvm.deadlock"]
    assert deadlock.evidence[0].artifact == "app-01/jstack-after-restart.txt"
    assert deadlock.evidence[0].locator.line == 398
    # The GC logs are other JVMs' and years': their findings stay on them, nothing ties
    # them to the hang, and no dump is called a deadlock but the real one.
    for rule in ("jvm.gc-heap-rising", "jvm.gc-not-running", "jvm.gc-explicit"):
        assert by_rule[rule].evidence[0].artifact.startswith("app-01/gc/")
    assert [f.count for f in jvm if f.rule == "jvm.deadlock"] == [1]
    assert not any(f.rule == "jvm.out-of-memory" for f in analysis.findings)
