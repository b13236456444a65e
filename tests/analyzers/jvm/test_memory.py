from analyzers.jvm.memory import kind_of, top_folder
from inspector.testing import make_bundle
from tests.analyses import analyze
from tests.analyzers.jvm.material import unified_g1

APP_LOG = ("2026-11-17 09:10:00.000 ERROR [http-nio-8080-exec-3] c.a.Orders : failed\n"
           "java.lang.OutOfMemoryError: Java heap space\n"
           "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)\n"
           "\tat com.acme.Orders.load(Orders.java:88)\n")


def test_kinds():
    assert kind_of("java.lang.OutOfMemoryError: GC overhead limit exceeded") == "gc-overhead"
    assert kind_of("java.lang.OutOfMemoryError: Metaspace") == "metaspace"
    assert kind_of("OutOfMemoryError: unable to create new native thread") == "native-thread"
    assert kind_of("java.lang.OutOfMemoryError: Direct buffer memory") == "direct-buffer"
    assert kind_of("java.lang.OutOfMemoryError") == "other"
    assert top_folder("app-01/logs.tgz!/gc.log") == "app-01" and top_folder("gc.log") == ""


def test_out_of_memory_is_tied_to_the_same_nodes_gc_log_of_that_time_only(tmp_path):
    other_year = unified_g1(30).replace("2026-11-17", "2019-03-02")
    bundle = make_bundle(tmp_path / "case.zip", {
        "app-01/logs/app.log": (APP_LOG * 3).encode(),
        "app-01/gc/gc.log": unified_g1(30).encode(),
        "app-01/gc/gc-2019.log": other_year.encode(),
        "app-02/gc/gc.log": unified_g1(30).encode(),
    })
    [finding] = [f for f in analyze(bundle).findings if f.rule == "jvm.out-of-memory"]
    assert finding.facts["kind"] == "heap" and finding.facts["message"] == "Java heap space"
    assert finding.facts["gc_logs"] == ["app-01/gc/gc.log"]
    assert finding.evidence[0].artifact == "app-01/logs/app.log"
