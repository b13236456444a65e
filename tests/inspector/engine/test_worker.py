"""One job in a worker: what it sends for findings, stats, warnings and failures."""

from __future__ import annotations

import orjson
import pytest

from inspector.bundle import open_bundle
from inspector.engine.worker import BATCH_SIZE, Job, execute_job
from inspector.model import ProblemKind
from inspector.testing import make_bundle
from tests.inspector.broken_analyzers import Good, Raises, Warns


class Many(Good):
    """Yields more findings than one message carries."""

    name = "many"

    def analyze(self, source, context):
        for number in range(BATCH_SIZE + 5):
            yield from super().analyze(source, context) if number == 0 else ()
            yield self.rules[0].finding(f"finding {number}", analyzer=self.name)


@pytest.fixture
def bundle(tmp_path):
    path = make_bundle(tmp_path / "case", {"app.log": b"one\ntwo\n"})
    with open_bundle(path) as opened:
        yield opened


def run_job(bundle, analyzer) -> list[tuple]:
    sent: list[tuple] = []
    job = Job(7, 0, analyzer.name, bundle.artifact("app.log"))
    execute_job(job, analyzer, bundle, sent.append)
    return sent


def test_findings_travel_in_batches_then_stats_and_done(bundle):
    sent = run_job(bundle, Many())
    batches = [message for message in sent if message[0] == "items"]
    assert [len(batch[2]) for batch in batches] == [BATCH_SIZE, 6]
    kind, job_id, stats, seconds = sent[-1]
    assert (kind, job_id, orjson.loads(stats)) == ("done", 7, {"lines": 2}) and seconds >= 0


def test_a_warning_is_sent_and_the_job_still_finishes(bundle):
    sent = run_job(bundle, Warns())
    assert ("warn", 7, "line 3 is not valid UTF-8; decoded with replacement characters") \
        in sent
    assert sent[-1][0] == "done"


def test_an_exception_fails_the_job_with_where_it_happened(bundle):
    kind, job_id, problem, text = run_job(bundle, Raises())[-1]
    assert (kind, job_id, problem) == ("fail", 7, ProblemKind.ERROR.value)
    assert text.startswith("ValueError: bad input") and "broken_analyzers.py:" in text
