"""The engine survives every way an analyzer can fail, and stays deterministic."""

from __future__ import annotations

import threading

import pytest

from inspector import native
from inspector.bundle import open_bundle
from inspector.engine import Engine, EngineLimits, RunHandle
from inspector.model import ArtifactStatus, ProblemKind
from inspector.testing import make_bundle
from tests.inspector.broken_analyzers import (
    Allocates,
    Good,
    Hangs,
    Raises,
    Recurses,
    ReportsBackend,
    Segfaults,
    Slow,
    Warns,
)

LOG = b"".join(b"2026-11-17 09:14:%02d,233 ERROR [main] pool exhausted\n" % s for s in range(20))
FAST = EngineLimits(timeout_seconds=120, memory_bytes=1024**3, workers=2)


@pytest.fixture
def bundle(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {f"logs/app{i}.log": LOG for i in range(3)})
    with open_bundle(path) as opened:
        yield opened


def problem_kinds(analysis, analyzer: str) -> set[ProblemKind]:
    return {p.kind for p in analysis.problems if p.analyzer == analyzer}


@pytest.mark.parametrize(("broken", "kind", "words"), [
    (Raises(), ProblemKind.ERROR, "ValueError: bad input"),
    (Segfaults(), ProblemKind.CRASH, "SIGSEGV"),
    (Hangs(), ProblemKind.TIMEOUT, "time limit"),
    (Recurses(), ProblemKind.ERROR, "RecursionError"),
    (Allocates(), ProblemKind.MEMORY, "memory limit"),
])
def test_a_failing_analyzer_is_recorded_and_the_others_finish(bundle, broken, kind, words):
    # Only the hang needs a short time limit; the others get room on a loaded machine.
    timeout = 2 if kind is ProblemKind.TIMEOUT else 120
    limits = EngineLimits(timeout_seconds=timeout, memory_bytes=1024**3, workers=2)
    analysis = Engine([broken, Good()], limits).run(bundle)
    failures = [p for p in analysis.problems if p.analyzer == broken.name]
    assert len(failures) == 3  # one per artifact
    assert {p.kind for p in failures} == {kind}
    assert all(words in p.message for p in failures)
    # The good analyzer still finished every artifact.
    assert set(analysis.stats) == {f"logs/app{i}.log" for i in range(3)}
    assert all(analysis.stats[path]["good"] == {"lines": 20} for path in analysis.stats)
    assert len([f for f in analysis.findings if f.analyzer == "good"]) == 3
    for artifact in analysis.artifacts:
        assert artifact.status is ArtifactStatus.FAILED
        assert broken.name in artifact.reason
        assert artifact.analyzers == [broken.name, "good"]


def test_warnings_are_problems_not_failures(bundle):
    analysis = Engine([Warns()], FAST).run(bundle)
    assert problem_kinds(analysis, "warns") == {ProblemKind.WARNING}
    assert all(a.status is ArtifactStatus.ANALYZED for a in analysis.artifacts)


def test_same_bundle_same_json(bundle):
    first = Engine([Good(), Raises()], FAST).run(bundle).to_json()
    second = Engine([Good(), Raises()], FAST).run(bundle).to_json()
    first.pop("timings")
    second.pop("timings")
    assert first == second


def test_inline_isolation_gives_the_same_result(bundle):
    in_process = Engine([Good()], isolation="inline").run(bundle).to_json()
    isolated = Engine([Good()], FAST).run(bundle).to_json()
    in_process.pop("timings")
    isolated.pop("timings")
    assert in_process == isolated


def test_progress_and_results_stream_to_the_callback(bundle):
    updates = []
    Engine([Good(), Raises()], FAST).run(bundle, on_update=updates.append)
    overall = [u.progress.overall for u in updates]
    assert overall == sorted(overall) and overall[-1] == 1.0
    assert updates[-1].finished and not any(u.finished for u in updates[:-1])
    assert sum(len(u.findings) for u in updates) == 3
    assert sum(len(u.problems) for u in updates) == 3
    final = updates[-1].progress
    assert (final.analyzers["good"].done, final.analyzers["good"].total) == (3, 3)
    assert final.analyzers["raises"].failed == 3


def test_cancel_stops_the_run_and_keeps_what_was_found(bundle):
    handle = RunHandle()
    seen = []

    def on_update(update):
        seen.append(update)
        if update.progress.running and not handle.cancelled:
            threading.Timer(0.3, handle.cancel).start()

    analysis = Engine([Slow()], EngineLimits(timeout_seconds=60, workers=1)).run(
        bundle, on_update=on_update, handle=handle)
    cancelled = [p for p in analysis.problems if p.kind is ProblemKind.CANCELLED]
    assert len(cancelled) == 1
    assert "3 of 3 jobs did not finish" in cancelled[0].message
    assert seen[-1].finished


def test_bundle_analyzer_sees_every_artifacts_results(bundle):
    class Counter:
        name = "counter"
        rules = ()

        def analyze_bundle(self, view, context):
            total = sum(r.stats.get("good", {}).get("lines", 0) for r in view.results())
            with view.open("logs/app0.log") as stream:
                first = stream.readline()
            yield from ()
            context.warn(f"{total} lines; first {first[:19].decode()}")

    analysis = Engine([Good(), Counter()], isolation="inline").run(bundle)
    (note,) = [p for p in analysis.problems if p.analyzer == "counter"]
    assert note.message == "60 lines; first 2026-11-17 09:14:00"


def test_a_member_over_the_read_limit_is_skipped_not_failed(tmp_path):
    from inspector.bundle.streams import Limits

    path = make_bundle(tmp_path / "case.zip", {"big.log": LOG * 2000, "small.log": LOG})
    # Listing reads only a head; the analyzer's full read of big.log hits the member limit.
    with open_bundle(path, Limits(max_member_bytes=100_000)) as opened:
        analysis = Engine([Good()], FAST).run(opened)
    big = next(a for a in analysis.artifacts if a.path == "big.log")
    assert big.status is ArtifactStatus.SKIPPED
    assert "decompressed-size limit" in big.reason
    assert [p.kind for p in analysis.problems] == [ProblemKind.SKIPPED]
    assert analysis.stats["small.log"]["good"] == {"lines": 20}


def test_a_member_no_analyzer_reads_is_not_analyzed_and_says_what_it_was_read_as(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {
        "logs/app.log": LOG,
        "host/etc/app/app.conf": b"# when the disk is full the app stops\nmax_size = 10G\n",
        "sos_commands/filesys/df_-al": b"Filesystem 1K-blocks Used Available Use% Mounted on\n"})
    with open_bundle(path) as bundle:
        analysis = Engine([Good()], FAST).run(bundle)
    by_path = {a.path: a for a in analysis.artifacts}
    assert by_path["logs/app.log"].status is ArtifactStatus.ANALYZED
    assert by_path["logs/app.log"].analyzers == ["good"]
    config = by_path["host/etc/app/app.conf"]
    assert config.status is ArtifactStatus.NOT_ANALYZED and config.analyzers == []
    assert config.reason == ("read as a configuration file; no analyzer in this run reads "
                             "that")
    assert by_path["sos_commands/filesys/df_-al"].reason.startswith(
        "read as the output of a system command")
    assert analysis.to_json()["artifacts"][1]["status"] == "not analyzed"
    assert not [f for f in analysis.findings if f.evidence
                and f.evidence[0].artifact != "logs/app.log"]


def test_a_nested_archive_is_opened_not_analyzed(tmp_path):
    inner = make_bundle(tmp_path / "inner.zip", {"app.log": LOG})
    path = make_bundle(tmp_path / "case.zip", {"node1/logs.zip": inner.read_bytes()})
    with open_bundle(path) as bundle:
        analysis = Engine([Good()], FAST).run(bundle)
    by_path = {a.path: a for a in analysis.artifacts}
    archive = by_path["node1/logs.zip"]
    assert archive.status is ArtifactStatus.NOT_ANALYZED and archive.analyzers == []
    assert archive.reason == "opened as an archive: its members are listed on their own"
    assert by_path["node1/logs.zip!/app.log"].analyzers == ["good"]


def test_every_worker_runs_the_backend_the_document_names(bundle, monkeypatch):
    # Workers fork from a server started by an earlier run, whose environment was that
    # run's: the switch reaches them from the run itself.
    monkeypatch.delenv(native.SWITCH, raising=False)
    first = Engine([ReportsBackend()], FAST).run(bundle)
    monkeypatch.setenv(native.SWITCH, "1")
    second = Engine([ReportsBackend()], FAST).run(bundle)
    assert second.backend == "python"
    for analysis in (first, second):
        seen = {stats["reports-backend"]["backend"] for stats in analysis.stats.values()}
        assert seen == {analysis.backend}
        assert analysis.to_json()["tool"]["backend"] == analysis.backend
