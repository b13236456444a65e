import gzip
import io
import random
import struct
import tarfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analyzers.logs
from analyzers.logs import KnownIssues, LogAnalyzer, parse_exception
from inspector.bundle import open_bundle
from inspector.engine import Engine
from inspector.formats.templates import shape
from inspector.model import Artifact, ArtifactKind
from inspector.plugins import Cancelled
from inspector.testing import BytesSource, RecordingContext, run_analyzer
from inspector.training.scenarios import oom_crash_loop, pool_exhaustion
from tests.corpus import CORPUS

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
    # The log writes no zone: its findings say "log time", never UTC, in plain words.
    assert "from 08:40 (log time, no zone)" in bursts[0].title
    assert "UTC" not in bursts[0].title + bursts[0].detail
    zoned = analyze(app_log(extra=extra).replace(
        b" INFO", b"+0100 INFO").replace(b" ERROR", b"+0100 ERROR"))
    assert zoned.stats["time_zone"] == "explicit"
    assert "from 07:40 UTC" in zoned.by_rule("log.error-burst")[0].title
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


def test_truncated_gzip_stream_keeps_what_was_read():
    class Truncated:
        """A gzip member cut short, read through ``gzip`` as the bundle reader does."""

        def __init__(self, data):
            self.data = data
            self.artifact = Artifact("app.log.1.gz", ArtifactKind.LOG, 10)

        def open(self):
            return gzip.GzipFile(fileobj=io.BytesIO(self.data))

    log = app_log(minutes=2)
    context = RecordingContext()
    items = list(LogAnalyzer(default_year=2026).analyze(
        Truncated(gzip.compress(log)[:-30]), context))
    assert any("reading stopped" in w and "EOFError" in w for w in context.warnings)
    assert 1 <= items[-1].values["lines"] <= log.count(b"\n")


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


# --- the fast path gives exactly what the slow path gives -----------------------------------

_LINE_KINDS = st.sampled_from(["info", "info", "info", "warn", "error", "trace", "python",
                               "plain", "restart", "blank", "crlf", "latin1", "nul", "hex",
                               "pool", "json", "go", "digit-x"])


def _log_line(kind: str, moment: datetime, rng: random.Random) -> bytes:
    head = f"{stamp(moment)} {{}} [exec-{rng.randint(1, 12)}] c.a.Api - "
    number = rng.randint(0, 10 ** rng.randint(1, 9))
    text = {
        "info": head.format("INFO ") + f"GET /orders/{number} 200 in {rng.randint(1, 999)} ms",
        "warn": head.format("WARN ") + f"slow query {number} took {rng.random() * 9:.3f} s",
        "error": head.format("ERROR") + f"order {number} failed",
        "trace": JAVA.format(t=stamp(moment), n=number, line=rng.randint(1, 99)),
        "python": ("Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in "
                   f"main\n    run()\nValueError: bad value {number}"),
        "plain": f"worker {number} done",
        "restart": head.format("INFO ") + f"Starting App v1.{number % 9} using Java 17",
        "blank": "",
        "crlf": head.format("INFO ") + f"cache hit {number}\r",
        "hex": head.format("ERROR") + f"segfault at 0x{number:x} in worker {number % 7}",
        # One shape, two masks: "1x5.log" is one value, "0x5.log" a hex value and a suffix.
        "digit-x": head.format("INFO ") + f"wrote {number % 2}x5.log",
        "pool": head.format("ERROR") + "HikariPool-1 - Connection is not available, request "
                                        f"timed out after {number}ms.",
        "json": '{"time": "' + moment.isoformat() + f'", "level": "warn", "msg": "j {number}"}}',
        "go": f"panic: runtime error: index out of range [{number % 9}] with length 3\n\n"
              "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d",
    }.get(kind)
    if kind == "latin1":
        return head.format("INFO ").encode() + b"caf\xe9 " + str(number).encode()
    if kind == "nul":
        return b"\x00\x01 binary " + str(number).encode()
    return text.encode()


@st.composite
def _logs(draw):
    rng = draw(st.randoms(use_true_random=False))
    kinds = draw(st.lists(_LINE_KINDS, min_size=1, max_size=120))
    moment = START
    lines = []
    for kind in kinds:
        moment += timedelta(milliseconds=rng.choice([1, 7, 250, 1500, 61_000, 400_000]))
        lines.append(_log_line(kind, moment, rng))
    return b"\n".join(lines) + draw(st.sampled_from([b"\n", b"", b"\r\n"]))


def _outcome(data: bytes) -> tuple:
    run = analyze(data)
    return run.findings, run.events, run.stats, run.context.warnings


def _slow_outcome(data: bytes) -> tuple:
    """``_outcome`` with every line read by ``LogFormat.parse`` (no shapes, no layouts)."""
    detect = analyzers.logs.detect

    def slow_detect(*args, **kwargs):
        log_format = detect(*args, **kwargs)
        log_format.memoizable = False
        return log_format

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs, "detect", slow_detect)
        return _outcome(data)


@settings(max_examples=40, deadline=None)
@given(_logs())
def test_fast_path_gives_exactly_what_the_slow_path_gives(data):
    fast = _outcome(data)
    assert _slow_outcome(data) == fast
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs, "BLOCK", 61)  # lines cut across many small reads
        assert _outcome(data) == fast


def _other_format_line(log_format: str, moment: datetime, rng: random.Random) -> str:
    number = rng.randint(0, 10 ** rng.randint(1, 6))
    message = rng.choice([f"job {number} done", "Connection refused", f"oom 0x{number:x}",
                          f"ERROR disk {number % 3} full", "Starting app v2 on port 80"])
    if log_format == "syslog":
        priority = rng.choice(["", f"<{rng.randint(0, 191)}>"])
        return (f"{priority}{moment:%b} {moment.day:>2} {moment:%H:%M:%S} host{number % 3} "
                f"app[{number}]: {message}")
    if log_format == "cri":
        return (f"{moment:%Y-%m-%dT%H:%M:%S.%f}Z {rng.choice(['stdout', 'stderr'])} "
                f"{rng.choice('FP')} {message}")
    if log_format == "w3c":
        if rng.random() < 0.05:  # IIS writes its directives again after a restart
            return f"#Date: {moment:%Y-%m-%d %H:%M:%S}\n{_W3C_FIELDS}"
        return (f"{moment:%Y-%m-%d %H:%M:%S} 10.0.0.5 GET /api/{number} - 443 - "
                f"10.0.{number % 256}.{rng.randint(0, 255)} {message.replace(' ', '+')} "
                f"{rng.choice([200, 200, 301, 404, 502, 503])} 0 0 {number}")
    return (f"10.0.{number % 256}.{rng.randint(0, 255)} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "
            f'"GET /api/{number} HTTP/1.1" {rng.choice([200, 200, 301, 404, 502, 503])} '
            f'{number} "-" "{message}"')


_W3C_FIELDS = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
               "cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status "
               "time-taken")


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["syslog", "cri", "access", "w3c"]), st.integers(1, 150),
       st.randoms(use_true_random=False))
def test_fast_path_of_formats_with_rebuilt_levels_and_messages(log_format, count, rng):
    moment = START
    lines = [_W3C_FIELDS] if log_format == "w3c" else []
    for _ in range(count):
        moment += timedelta(seconds=rng.choice([0, 1, 30, 400]))
        lines.append(_other_format_line(log_format, moment, rng))
    data = ("\n".join(lines) + "\n").encode()
    fast = _outcome(data)
    assert fast[2]["format"] == log_format
    assert _slow_outcome(data) == fast


def test_shape_table_is_bounded_and_the_rest_still_counts():
    data = app_log(minutes=5, per_minute=40)
    expected = analyze(data).stats
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs, "MAX_SHAPES", 3)
        assert analyze(data).stats == expected


_KNOWLEDGE = LogAnalyzer().knowledge
_PATTERNS = [p for s in _KNOWLEDGE.signatures for p in s.patterns]


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(_PATTERNS).flatmap(lambda p: st.from_regex(p, alphabet=st.characters(
    codec="ascii", exclude_characters="\n"))), st.sampled_from(["", "ERROR x: ", "caf\u00e9 "]),
    st.booleans())
def test_known_issue_pre_check_never_hides_a_match(example, prefix, upper):
    text = prefix + (example.upper() if upper else example)
    known = KnownIssues(_KNOWLEDGE)
    assert known.match(text) == _KNOWLEDGE.match(text)
    # The hint of one text holds for every text of its shape ("502" and "999" alike).
    hint = known.shape_has_required(shape(text))
    twin = "".join("9" if c.isdigit() and c.isascii() else c for c in text)
    assert known.match(text, hint) == _KNOWLEDGE.match(text)
    assert known.match(twin, hint) == _KNOWLEDGE.match(twin)


# --- timestamps without a year ----------------------------------------------------------------

COLLECTED = datetime(2026, 1, 2, 6, 25, 3, tzinfo=UTC)  # logrotate's run on 2 January


def december_syslog() -> bytes:
    """Three days of a web server's syslog up to New Year's Eve, with nginx crashing."""
    rng = random.Random(7)
    lines = []
    moment = datetime(2025, 12, 29, 0, 2, 11, tzinfo=UTC)
    while moment < datetime(2025, 12, 31, 23, 50, tzinfo=UTC):
        stamp = f"{moment:%b} {moment.day:2d} {moment:%H:%M:%S}"
        if moment.minute < 10 and moment.hour % 6 == 0:
            lines.append(f"{stamp} web-01 systemd[1]: nginx.service: Main process exited, "
                         f"code=dumped, status=11/SEGV")
            lines.append(f"{stamp} web-01 systemd[1]: nginx.service: Failed with result "
                         f"'core-dump'.")
        else:
            lines.append(f"{stamp} web-01 CRON[{rng.randint(20000, 29999)}]: (root) CMD "
                         f"(command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
        moment += timedelta(minutes=rng.randint(3, 11), seconds=rng.randint(0, 59))
    return ("\n".join(lines) + "\n").encode()


def _zip(member: str, data: bytes, date_time: tuple[int, ...], extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(member, date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.extra = extra
        archive.writestr(info, data)
    return buffer.getvalue()


def _tgz(member: str, data: bytes, mtime: float) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size, info.mtime = len(data), mtime
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _analyze_bundle(path: Path) -> dict:
    with open_bundle(path) as bundle:
        return Engine([LogAnalyzer(default_year=2030)], isolation="inline").run(bundle).to_json()


BUNDLES = {
    # Python's zipfile and most collectors: the DOS time only (here the collector ran in UTC).
    "zip": ("case.zip", lambda data: _zip("var/log/syslog", data, (2026, 1, 2, 6, 25, 2))),
    # Info-ZIP on a host in Tokyo: local DOS time, and the UTC time in the 0x5455 field.
    "zip-extended": ("case.zip", lambda data: _zip(
        "var/log/syslog", data, (2026, 1, 2, 15, 25, 2),
        struct.pack("<HHBI", 0x5455, 5, 0x01, int(COLLECTED.timestamp())))),
    "tgz": ("case.tgz", lambda data: _tgz("var/log/syslog", data, COLLECTED.timestamp())),
}


@pytest.mark.parametrize("shape_name", sorted(BUNDLES))
def test_syslog_collected_in_january_keeps_december_in_the_year_before(tmp_path, shape_name):
    name, build = BUNDLES[shape_name]
    path = tmp_path / name
    path.write_bytes(build(december_syslog()))
    document = _analyze_bundle(path)
    (artifact,) = document["artifacts"]
    assert artifact["modified"].startswith("2026-01-02T06:25:0")
    stats = document["stats"]["var/log/syslog"]["logs"]
    assert stats["format"] == "syslog" and stats["year_from"] == "file-modified"
    assert stats["time_range"][0].startswith("2025-12-29T00:02:11")
    assert stats["time_range"][1].startswith("2025-12-31T")
    # The timeline now lines the crashes up in the year they happened.
    crashes = [e["time"] for e in document["timeline"]]
    assert crashes and all(time.startswith("2025-12-") for time in crashes)
    # Same file, same time: the same document.
    again = _analyze_bundle(path)
    document.pop("timings"), again.pop("timings")
    assert again == document


def _oom_kill(stamp: str, pid: int) -> str:
    return (f"{stamp} web-01 kernel: [8812345.123456] Out of memory: Killed process {pid} "
            f"(java) total-vm:6291456kB, anon-rss:2097152kB, file-rss:0kB, shmem-rss:0kB")


def test_syslog_spanning_new_year_modified_in_january(tmp_path):
    cron = "(root) CMD (test -x /etc/cron.daily/popularity-contest)"
    lines = [f"Dec 31 {hour:02d}:{minute:02d}:07 web-01 CRON[2{hour}{minute}]: {cron}"
             for hour in (22, 23) for minute in range(0, 60, 5)]
    lines.append(_oom_kill("Dec 31 23:58:41", 2231))
    lines += [f"Jan  1 {hour:02d}:{minute:02d}:07 web-01 CRON[2{hour}{minute}]: {cron}"
              for hour in range(0, 6) for minute in range(0, 60, 15)]
    lines.insert(-10, _oom_kill("Jan  1 03:12:09", 2388))
    path = tmp_path / "case.zip"
    path.write_bytes(_zip("var/log/syslog", ("\n".join(lines) + "\n").encode(),
                          (2026, 1, 1, 6, 25, 2)))
    document = _analyze_bundle(path)
    stats = document["stats"]["var/log/syslog"]["logs"]
    assert stats["time_range"] == ["2025-12-31T22:00:07Z", "2026-01-01T05:45:07Z"]
    assert [e["time"] for e in document["timeline"]] == ["2025-12-31T23:58:41Z",
                                                         "2026-01-01T03:12:09Z"]


def test_year_from_says_what_placed_timestamps_without_a_year():
    syslog = december_syslog()
    pinned = analyze(syslog, name="var/log/syslog")
    assert pinned.stats["year_from"] == "default-year"
    assert pinned.stats["time_range"][0].startswith("2026-12-29")  # default_year=2026
    assert run_analyzer(LogAnalyzer(), syslog, name="var/log/syslog",
                        kind=ArtifactKind.LOG).stats["year_from"] == "current-year"
    # A year in every timestamp: nothing was chosen, nothing is said.
    assert "year_from" not in analyze(app_log(minutes=2)).stats
    # The file's time wins over a pinned default year.
    source = BytesSource(Artifact("var/log/syslog", ArtifactKind.LOG, len(syslog),
                                  modified=COLLECTED), syslog)
    items = list(LogAnalyzer(default_year=2030).analyze(source, RecordingContext()))
    stats = items[-1].values
    assert stats["year_from"] == "file-modified"
    assert stats["time_range"][0].startswith("2025-12-29")
