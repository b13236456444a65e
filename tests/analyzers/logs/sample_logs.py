"""Logs made up for the ``logs`` analyzer's tests, and the analyzer run on them."""

from __future__ import annotations

import gzip
import lzma
import random
from datetime import UTC, datetime, timedelta

import pytest

import analyzers.logs.analyzer
from analyzers.logs import LogAnalyzer
from inspector.bundle.classify import classify_text
from inspector.model import ArtifactKind
from inspector.testing import run_analyzer
from tests.corpus import CORPUS

START = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)

JAVA = """{t} ERROR [exec-1] c.a.Api - order {n} failed
java.lang.IllegalStateException: pool closed for tenant {n}
\tat com.acme.Pool.get(Pool.java:{line})
\tat com.acme.Pool$$Lambda$123/0x0000000800c0b840.apply(Unknown Source)
\tat com.acme.Api.handle(Api.java:7)
Caused by: java.net.ConnectException: Connection refused
\tat java.net.Socket.connect(Socket.java:1)
\t... 12 more"""


def analyze(data: bytes, name: str = "logs/app.log", **kwargs):
    """The analyzer's run on ``data`` as one log artifact, timestamps without a year in 2026."""
    return run_analyzer(LogAnalyzer(default_year=2026), data, name=name,
                        kind=ArtifactKind.LOG, **kwargs)


def corpus_run(relative: str):
    """The analyzer on a real file of the corpus's ``realworld/`` (its ANSWERS.md says what
    it shows), read as the bundle reader classifies it."""
    path = CORPUS / "realworld" / relative
    if not path.exists():
        pytest.skip("corpus absent")
    data = path.read_bytes()
    if path.suffix == ".xz":
        data = lzma.decompress(data)
    elif path.suffix == ".gz":
        data = gzip.decompress(data)
    kind = classify_text(data[:65536], relative, complete=len(data) <= 65536)
    return run_analyzer(LogAnalyzer(default_year=2030), data, name=relative, kind=kind)


def stamp(moment: datetime) -> str:
    """``moment`` as log4j writes it (``2026-11-17 08:00:01,250``)."""
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


def outcome(data: bytes) -> tuple:
    """Everything the analyzer says about ``data``: findings, events, stats, warnings."""
    run = analyze(data)
    return run.findings, run.events, run.stats, run.context.warnings


def slow_outcome(data: bytes) -> tuple:
    """``outcome`` with every line read by ``LogFormat.parse`` (no shapes, no layouts)."""
    detect = analyzers.logs.analyzer.detect

    def slow_detect(*args, **kwargs):
        log_format = detect(*args, **kwargs)
        log_format.memoizable = False
        return log_format

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzers.logs.analyzer, "detect", slow_detect)
        return outcome(data)
