"""The HTTP analyzer end to end: broken input, cancellation, real exports, scenarios."""

from __future__ import annotations

import gzip
import importlib
import io
from pathlib import Path

import orjson
import pytest

from analyzers.http.analyzer import HttpAnalyzer
from inspector.model import Artifact, ArtifactKind
from inspector.plugins import Cancelled, Stats
from inspector.testing import RecordingContext
from tests.analyzers.http.hars import CORPUS, analyze, entry, entry_numbers, har


def test_invalid_json_midway_keeps_the_entries_before_it():
    good = har(entry(status=502), entry(status=200))
    broken = good[: good.rindex(b"]")] + b", {oops}]}}"
    run = analyze(broken)
    assert run.stats["entries"] == 2
    assert run.rules() == {"http.server-errors"}
    assert any("HAR read stopped after 2 entries" in w for w in run.context.warnings)


@pytest.mark.parametrize("data", [
    b"", b"\xef\xbb\xbf", b"null", b'{"log": []}', b'{"log": {"entries": [1, "x", null]}}',
    b'{"log": {"entries": [{"request": 5, "response": [], "timings": "fast"}]}}',
    b"[" * 200_000,
])
def test_garbage_gives_warnings_and_serializable_stats(data):
    run = analyze(data)
    assert run.context.warnings
    orjson.dumps(run.stats)


def test_a_corrupt_compressed_member_is_a_warning():
    data = gzip.compress(har(*[entry(status=502, at=i) for i in range(50)]))[:-300]

    class TruncatedGzip:
        artifact = Artifact("case.har.gz", ArtifactKind.HAR, len(data), compression="gzip")

        def open(self):
            return gzip.GzipFile(fileobj=io.BytesIO(data))

    context = RecordingContext()
    items = list(HttpAnalyzer().analyze(TruncatedGzip(), context))
    assert isinstance(items[0], Stats)
    assert any("EOFError" in w for w in context.warnings)


def test_cancellation_is_honoured():
    with pytest.raises(Cancelled):
        analyze(har(*[entry(at=i) for i in range(600)]),
                context=RecordingContext(cancel_after_checks=1))


def test_output_is_deterministic():
    data = har(*[entry(f"https://h{i % 3}.test/p/{i}", 200 + (i % 4) * 100, at=i)
                 for i in range(40)])
    first, second = analyze(data), analyze(data)
    assert orjson.dumps(first.stats) == orjson.dumps(second.stats)
    assert [f.to_json() for f in first.findings] == [f.to_json() for f in second.findings]
    assert [e.to_json() for e in first.events] == [e.to_json() for e in second.events]


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.har")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_exports_read_cleanly_and_match_their_json(path):
    data = path.read_bytes()
    document = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    entries = document["log"]["entries"]
    run = analyze(data, name=path.name)
    http = run.stats
    assert run.context.warnings == []
    assert http["entries"] == len(entries) == len(http["waterfall"])
    expected: dict[str, int] = {}
    for item in entries:
        expected[str(item["response"]["status"])] = expected.get(
            str(item["response"]["status"]), 0) + 1
    assert http["status"] == dict(sorted(expected.items(), key=lambda kv: int(kv[0])))
    assert http["creator"] == document["log"]["creator"]["name"]
    assert http["pages"] == len(document["log"].get("pages") or [])


@pytest.mark.corpus
def test_corpus_chrome_failure_reason_and_bom_twin():
    if not corpus_files():
        pytest.skip("corpus absent")
    chrome = analyze((CORPUS / "chrome.har").read_bytes())
    entries = orjson.loads((CORPUS / "chrome.har").read_bytes())["log"]["entries"]
    failed = [i for i, e in enumerate(entries, 1) if e["response"]["status"] == 0]
    [finding] = chrome.by_rule("http.failed-requests")
    assert entry_numbers(finding) == failed
    assert entries[failed[0] - 1]["response"]["_error"] in finding.evidence[0].excerpt
    with_bom = analyze((CORPUS / "with-bom.har").read_bytes())
    plain = analyze((CORPUS / "postdata.har").read_bytes())
    assert with_bom.stats["status"] == plain.stats["status"]
    assert with_bom.stats["credentials"]["omitted_by_exporter"]


@pytest.mark.parametrize("name", ["gateway_502", "expired_token_401"])
def test_scenario_answer_keys_hold(name):
    scenario = importlib.import_module(f"inspector.training.scenarios.{name}").SCENARIO
    built = scenario.build(scenario.rng())
    assert built.files == scenario.build(scenario.rng()).files  # byte-for-byte repeatable
    fired: set[str] = set()
    runs = {}
    for path, data in built.files.items():
        if path.endswith(".har"):
            runs[path] = analyze(data, name=path)
            assert runs[path].context.warnings == []
            fired |= runs[path].rules()
    assert {rule for rule in built.rules if rule.startswith("http.")} <= fired
    assert fired.isdisjoint(built.forbidden)
    for evidence in built.evidence:
        assert evidence["artifact"] in built.files
        if evidence["locator"]["kind"] == "entry":
            assert 1 <= evidence["locator"]["index"] <= runs[evidence["artifact"]].stats[
                "entries"]
