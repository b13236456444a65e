import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from analyzers.logs import LogAnalyzer, parse_exception
from inspector.model import ArtifactKind
from inspector.plugins import Cancelled
from inspector.samples import oom_crash_loop, pool_exhaustion
from inspector.testing import RecordingContext, run_analyzer

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
START = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)


def analyze(data: bytes, name: str = "logs/app.log", **kwargs):
    return run_analyzer(LogAnalyzer(default_year=2026), data, name=name,
                        kind=ArtifactKind.LOG, **kwargs)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"


def app_log(minutes: int = 60, per_minute: int = 30, extra=None, seed: int = 1) -> bytes:
    """A realistic Java app log; ``extra(minute, moment)`` returns more lines for a minute."""
    rng = random.Random(seed)
    lines = []
    for minute in range(minutes):
        for second in sorted(rng.uniform(0, 60) for _ in range(per_minute)):
            moment = START + timedelta(minutes=minute, seconds=second)
            lines.append(f"{stamp(moment)} INFO  [exec-{rng.randint(1, 9)}] c.a.Api - GET "
                         f"/orders/{rng.randint(1, 10**6)} 200 in {rng.randint(2, 90)} ms")
        if extra:
            lines.extend(extra(minute, START + timedelta(minutes=minute, seconds=59)))
    return ("\n".join(lines) + "\n").encode()


JAVA = """{t} ERROR [exec-1] c.a.Api - order {n} failed
java.lang.IllegalStateException: pool closed for tenant {n}
\tat com.acme.Pool.get(Pool.java:{line})
\tat com.acme.Pool$$Lambda$123/0x0000000800c0b840.apply(Unknown Source)
\tat com.acme.Api.handle(Api.java:7)
Caused by: java.net.ConnectException: Connection refused
\tat java.net.Socket.connect(Socket.java:1)
\t... 12 more"""


def test_java_traces_are_one_event_grouped_by_signature_not_message():
    moments = [START + timedelta(seconds=s) for s in (1, 2, 3)]
    text = "\n".join(JAVA.format(t=stamp(m), n=n, line=line)
                     for m, n, line in zip(moments, (5, 77, 901), (42, 42, 43), strict=True))
    run = analyze(text.encode())
    assert run.stats["lines"] == 24 and run.stats["events"] == 3
    exceptions = run.by_rule("log.exception")
    assert len(exceptions) == 1
    finding = exceptions[0]
    assert finding.count == 3
    assert finding.facts["type"] == "java.lang.IllegalStateException"
    assert finding.facts["root_cause"] == "java.net.ConnectException"
    assert finding.facts["frames"] == ["com.acme.Pool.get", "com.acme.Pool.apply",
                                       "com.acme.Api.handle"]
    assert finding.first_seen == moments[0] and finding.last_seen == moments[2]
    assert finding.evidence[0].locator.line == 1 and finding.evidence[0].locator.end_line == 8
    assert "Caused by" in finding.detail
    assert "net.connection-refused" in {f.facts["signature"]
                                        for f in run.by_rule("log.known-issue")}


@pytest.mark.parametrize(("lines", "type_", "frames", "language"), [
    (["Traceback (most recent call last):", '  File "/app/a.py", line 3, in main',
      "    run()", "KeyError: 'x'", "",
      "During handling of the above exception, another exception occurred:", "",
      "Traceback (most recent call last):", '  File "/app/b.py", line 9, in run',
      "    fail()", "ValueError: bad value 42"],
     "ValueError", ("b.py:run",), "python"),
    (["panic: runtime error: invalid memory address or nil pointer dereference", "",
      "goroutine 1 [running]:", "main.handler(0xc000010000)",
      "\t/app/main.go:12 +0x1d", "main.main()", "\t/app/main.go:20 +0x25", "",
      "goroutine 7 [chan receive]:", "main.worker()", "\t/app/w.go:3 +0x1"],
     "runtime error", ("main.handler", "main.main"), "go"),
    (["System.NullReferenceException: Object reference not set to an instance of an object.",
      "   at Acme.Orders.Service.Load(Int32 id) in C:\\src\\Service.cs:line 42",
      "   at Acme.Orders.Api.Get(Int32 id) in C:\\src\\Api.cs:line 7"],
     "System.NullReferenceException", ("Acme.Orders.Service.Load", "Acme.Orders.Api.Get"),
     "dotnet"),
    (["TypeError: Cannot read properties of undefined (reading 'id')",
      "    at getUser (/app/src/users.js:10:15)", "    at /app/src/index.js:3:7"],
     "TypeError", ("getUser", "index.js"), "javascript"),
])
def test_stack_traces_of_each_runtime(lines, type_, frames, language):
    info = parse_exception(lines[0], lines[1:])
    assert info is not None
    assert (info.type, info.frames, info.language) == (type_, frames, language)


def test_go_panic_folds_into_the_record_before_it():
    text = ("2026-11-17T08:00:01Z INFO serving\n"
            "panic: runtime error: index out of range [3] with length 3\n\n"
            "goroutine 1 [running]:\nmain.handler(0x1)\n\t/app/main.go:12 +0x1d\n"
            "2026-11-17T08:00:05Z INFO serving\n")
    run = analyze(text.encode())
    assert run.stats["events"] == 2
    assert run.by_rule("log.exception")[0].facts["language"] == "go"


def test_stats_levels_templates_and_time_range():
    run = analyze(app_log(minutes=5, per_minute=10))
    stats = run.stats
    assert stats["format"] == "timestamp-first" and stats["time_zone"] == "unknown"
    assert stats["lines"] == stats["events"] == 50
    assert stats["levels"] == {"info": 50}
    assert stats["templates"] == 1
    assert stats["top_templates"][0]["template"] == "GET <*> in <*>"
    assert stats["time_range"][0].startswith("2026-11-17T08:00")
    assert stats["exceptions"] == 0
    orjson.dumps(stats)  # JSON-serializable
    assert analyze(app_log(minutes=5, per_minute=10)).stats == stats  # deterministic


def test_error_burst_and_new_error():
    def extra(minute, moment):
        if 40 <= minute < 43:
            return [f"{stamp(moment)} ERROR [exec-1] c.a.Api - payment gateway answered 503 "
                    f"for order {minute * 100 + i}" for i in range(25)]
        if minute % 10 == 0:
            return [f"{stamp(moment)} ERROR [exec-2] c.a.Api - cache refresh failed"]
        return []
    run = analyze(app_log(extra=extra))
    bursts = run.by_rule("log.error-burst")
    assert len(bursts) == 1
    assert bursts[0].facts["window_start"] == "2026-11-17T08:40:00Z"
    assert bursts[0].count == 75
    new = run.by_rule("log.new-error")
    assert [f.facts["template"] for f in new] == ["payment gateway answered <*> for order <*>"]
    assert run.events and all(e.time.tzinfo is not None for e in run.events)


def test_gap_where_the_log_was_busy():
    data = app_log(minutes=20) + app_log(minutes=20, seed=2).replace(b"08:0", b"08:4").replace(
        b"08:1", b"08:5")
    gaps = analyze(data).by_rule("log.gap")
    assert len(gaps) == 1 and gaps[0].facts["silence_seconds"] >= 20 * 60


def test_restarts():
    def extra(minute, moment):
        if minute in (10, 20, 40):
            return [f"{stamp(moment)} INFO [main] c.a.App - Starting App v1.2 using Java 17 "
                    f"with PID {100 + minute}",
                    f"{stamp(moment)} INFO [main] c.a.App - Started App in 4.2 seconds"]
        return []
    text = b"2026-11-17 07:59:59,000 INFO [main] c.a.App - Starting App v1.2 using Java 17\n"
    run = analyze(text + app_log(extra=extra))
    restarts = run.by_rule("log.restart")
    assert len(restarts) == 1 and restarts[0].count == 3
    assert restarts[0].facts["crash_loop"] is True


def test_bad_input_is_survived_and_reported():
    long_line = b"2026-11-17 08:00:02,000 ERROR [x] c.a.B - " + b"A" * (10 * 1024 * 1024) + b"\n"
    data = (b"2026-11-17 08:00:01,000 INFO [x] c.a.B - caf\xe9 ok\n" + long_line
            + b"\x00\x01\x02binary\x00junk\n" + b"\x00" + bytes(range(11, 256)) + b"\n"
            + b"2026-11-17 08:00:03,000 INFO [x] c.a.B - still reading\n")
    run = analyze(data)
    assert run.stats["lines"] == 5
    assert run.stats["invalid_utf8_lines"] == 1
    assert run.stats["binary_lines"] == 2
    assert run.stats["long_lines"] == 1
    assert len(run.context.warnings) == 3
    assert run.stats["levels"]["info"] == 2


def test_truncated_gzip_like_stream_keeps_what_was_read():
    class Broken:
        artifact = None

        def __init__(self, data):
            self.data = data

        def open(self):
            import io

            class Stream(io.BytesIO):
                def readline(self, limit=-1):
                    line = super().readline(limit)
                    if self.tell() > 200:
                        raise EOFError("Compressed file ended before the end-of-stream marker")
                    return line
            return Stream(self.data)

    from inspector.model import Artifact
    source = Broken(app_log(minutes=2))
    source.artifact = Artifact("app.log.1.gz", ArtifactKind.LOG, 10)
    context = RecordingContext()
    items = list(LogAnalyzer(default_year=2026).analyze(source, context))
    assert any("reading stopped" in w for w in context.warnings)
    assert items[-1].values["lines"] >= 1


def test_cancellation_is_honoured():
    with pytest.raises(Cancelled):
        analyze(app_log(minutes=60, per_minute=2500),
                context=RecordingContext(cancel_after_checks=0))


@pytest.mark.timeout(30)
def test_crafted_lines_do_not_backtrack():
    crafted = ("2026-11-17 08:00:01,000 ERROR [" + "[a" * 20_000 + " " + "a." * 50_000
               + " java.lang." + "A" * 100_000 + "\n")
    run = analyze(crafted.encode() * 3)
    assert run.stats["events"] == 3


@pytest.mark.parametrize("module", [pool_exhaustion, oom_crash_loop])
def test_sample_scenarios_fire_their_answer_key(module):
    scenario = module.SCENARIO
    built = scenario.build(scenario.rng())
    assert built == scenario.build(scenario.rng())  # byte-for-byte reproducible
    fired = set()
    for path, data in built.files.items():
        fired |= analyze(data, name=path).rules()
    assert set(built.rules) <= fired
    for evidence in built.evidence:
        assert evidence["artifact"] in built.files


def test_pool_exhaustion_details():
    built = pool_exhaustion.SCENARIO.build(pool_exhaustion.SCENARIO.rng())
    run = analyze(built.files["logs/app.log"])
    known = {f.facts["signature"]: f for f in run.by_rule("log.known-issue")}
    assert "db.connection-pool-exhausted" in known
    assert known["db.connection-pool-exhausted"].remediation
    burst = run.by_rule("log.error-burst")[0]
    assert burst.facts["window_start"].startswith("2026-11-17T09:1")


@pytest.mark.corpus
@pytest.mark.parametrize("dataset", ["Apache", "HDFS", "Spark", "Zookeeper"])
def test_loghub_corpus(dataset):
    path = CORPUS / "loghub" / f"{dataset}_2k.log"
    if not path.exists():
        pytest.skip("corpus absent")
    run = analyze(path.read_bytes(), name=path.name)
    assert run.stats["lines"] == 2000 and run.context.warnings == []
    assert run.stats["format"] == "timestamp-first"
    assert sum(run.stats["levels"].values()) == run.stats["events"]
    assert "none" not in run.stats["levels"]


@pytest.mark.corpus
def test_postgres_corpus_logs_are_read():
    folder = CORPUS / "pglog"
    if not folder.exists():
        pytest.skip("corpus absent")
    for path in sorted(folder.glob("*.log")):
        run = analyze(path.read_bytes(), name=path.name)
        assert run.stats["time_zone"] == "explicit", path.name
        assert run.stats["time_range"] is not None
