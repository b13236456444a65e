import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analyzers.logs.reader
from analyzers.logs.analyzer import LogAnalyzer
from analyzers.logs.known_issues import KnownIssues
from analyzers.logs.state import FileAnalysis
from inspector.formats.logformat import detect
from inspector.formats.templates import shape
from tests.analyzers.logs.sample_logs import JAVA, START, analyze, outcome, slow_outcome, stamp

KNOWN_ISSUES = KnownIssues(LogAnalyzer().knowledge)


def _read(lines: list[str], cuts: list[int]) -> FileAnalysis:
    """A ``FileAnalysis`` fed ``lines`` in runs cut before each index of ``cuts``."""
    analysis = FileAnalysis("app.log", KNOWN_ISSUES, detect(lines[:200], 2026))
    number = 0
    for start, end in zip([0, *cuts], [*cuts, len(lines)], strict=True):
        number = analysis.feed(number, lines[start:end], [shape(line) for line in
                                                           lines[start:end]])
    analysis.close()
    return analysis


def test_a_record_cut_between_two_feeds_is_one_record():
    lines = [*JAVA.format(t=stamp(START), n=5, line=42).split("\n"),
             f"{stamp(START)} INFO [main] c.a.Api - ok"]
    whole = _read(lines, [])
    for cut in range(1, len(lines)):
        parts = _read(lines, [cut])
        assert (parts.records, parts.levels, parts.inspection.exception_count) == \
            (whole.records, whole.levels, whole.inspection.exception_count) == \
            (2, {"error": 1, "info": 1}, 1)
        (group,) = parts.inspection.exceptions.values()
        assert group.evidence[0].locator.end_line == 8


def test_go_panic_folds_into_the_record_before_it():
    text = ("2026-11-17T08:00:01Z INFO serving\n"
            "panic: runtime error: index out of range [3] with length 3\n\n"
            "goroutine 1 [running]:\nmain.handler(0x1)\n\t/app/main.go:12 +0x1d\n"
            "2026-11-17T08:00:05Z INFO serving\n")
    run = analyze(text.encode())
    assert run.stats["events"] == 2
    assert run.by_rule("log.exception")[0].facts["language"] == "go"


@pytest.mark.parametrize(("text", "line", "excerpt"), [
    # A Go panic folded into klog's "Logging flags" info line proves itself at ``panic:``.
    ("I0211 19:12:25.133070   67177 flags.go:59] Logging flags: --v=2\n"
     "panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\n"
     "main.run(0x1)\n\t/app/main.go:12 +0x1d\n"
     "I0211 19:12:26.000001   67177 flags.go:59] serving\n", 2, "panic: assignment"),
    # A Python traceback under an info line: its ``Traceback`` line.
    ("2026-11-17 08:00:01,000 INFO worker started\n"
     "Traceback (most recent call last):\n  File \"/app/w.py\", line 3, in main\n"
     "    run()\nKeyError: 'tenant'\n2026-11-17 08:00:02,000 INFO worker started\n", 2,
     "Traceback"),
    # An exception logged by an ERROR line: that line, which says what failed.
    (JAVA.format(t=stamp(START), n=5, line=42) + f"\n{stamp(START)} INFO [main] c.a.Api - ok\n",
     1, "ERROR [exec-1]"),
])
def test_an_exceptions_evidence_is_the_line_that_proves_it(text, line, excerpt):
    (finding,) = analyze(text.encode()).by_rule("log.exception")
    assert finding.evidence[0].locator.line == line
    assert excerpt in finding.evidence[0].excerpt


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


@settings(max_examples=40, deadline=None)
@given(_logs())
def test_fast_path_gives_exactly_what_the_slow_path_gives(data):
    fast = outcome(data)
    assert slow_outcome(data) == fast
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs.reader, "BLOCK", 61)  # lines cut across many small reads
        assert outcome(data) == fast
