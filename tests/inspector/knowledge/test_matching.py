"""Matching log lines and analyzed bundles: bounds, prefiltered blocks, HAR bodies."""

from __future__ import annotations

import base64
import io

import orjson
import pytest

from inspector.knowledge.matching import BLOCK_BYTES, KnowledgeBase, excerpt, match_bundle
from inspector.knowledge.preview import AnalysisView
from inspector.model import Artifact, ArtifactKind
from inspector.plugins import ArtifactResults
from tests.inspector.knowledge.test_preview import matched
from tests.inspector.knowledge.test_signatures import entry


@pytest.mark.timeout(20)
def test_matching_a_huge_hostile_line_is_bounded(shipped):
    assert shipped.match("a" * 10_000_000) is None
    assert shipped.match(" " * 5_000_000 + "No space left on device") is None


def test_status_only_and_body_signatures_agree_with_the_waterfall(sample_targets):
    target = sample_targets["gateway_502"]
    rows = [row for r in target.view.results() if "http" in r.stats
            for row in r.stats["http"]["waterfall"]]
    kb = KnowledgeBase.from_text(entry('[signature.http]\nstatus = ["5xx"]\n'))
    found = matched(kb, target)["app.case"]
    assert found.count == sum(1 for row in rows if 500 <= row["status"] < 600) > 0
    nothing = KnowledgeBase.from_text(entry(
        '[signature.http]\nstatus = ["5xx"]\nbody = ["a phrase no body holds 7f3a"]\n'))
    assert matched(nothing, target) == {}


def test_excerpts_never_show_secrets(sample_targets):
    kb = KnowledgeBase.from_text(entry('patterns = ["Authorization"]'))
    line = "WARN retry with Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789"
    assert "qrstuv" not in excerpt(line)
    assert kb.match(line) is not None


def test_line_numbers_stay_exact_across_prefiltered_blocks(tmp_path, shipped):
    from inspector.analysis import Analysis
    from inspector.bundle import open_bundle
    from inspector.testing import make_bundle

    healthy = "2026-11-17 09:00:00,000 INFO [exec-1] c.e.Svc - request 42 handled in 7 ms"
    lines = [healthy] * (3 * BLOCK_BYTES // len(healthy))
    hits = {17: "java.net.SocketTimeoutException: Read timed out",
            len(lines) // 2: "WARN connect ETIMEDOUT 10.0.0.5:443",
            len(lines) - 1: "write failed: No space left on device"}
    for number, text in hits.items():
        lines[number - 1] = f"2026-11-17 09:00:01,000 ERROR [exec-2] c.e.Svc - {text}"
    folder = make_bundle(tmp_path / "case", {"app.log": ("\n".join(lines) + "\n").encode()})
    with open_bundle(folder) as bundle:
        found = match_bundle(shipped, AnalysisView(Analysis(bundle=bundle.info), bundle))
    located = sorted(e.locator.line for m in found for e in m.evidence)
    assert located == sorted(hits)
    assert {m.signature.id for m in found} == {"net.connection-timeout", "os.disk-full"}


# --- response bodies, read again through the one HAR reader ----------------------------------

class HarView:
    """One HAR with the waterfall the ``http`` analyzer would have made of it."""

    def __init__(self, data: bytes, statuses: list[int]) -> None:
        self.data = data
        rows = [{"entry": number, "status": status, "method": "GET",
                 "url": f"https://api.example.com/{number}"}
                for number, status in enumerate(statuses, 1)]
        self._results = [ArtifactResults(Artifact("case.har", ArtifactKind.HAR, len(data)),
                                         [], [], {"http": {"waterfall": rows}})]

    def results(self):
        return self._results

    def open(self, artifact_path):
        return io.BytesIO(self.data)


def har(*bodies: dict) -> bytes:
    entries = [{"response": {"status": 502, "content": body}} for body in bodies]
    return orjson.dumps({"log": {"version": "1.2", "entries": entries}})


BODY_SIGNATURE = KnowledgeBase.from_text(entry(
    '[signature.http]\nstatus = [502]\nbody = ["no healthy upstream"]\n'))


def body_matches(view):
    warnings = []
    found = match_bundle(BODY_SIGNATURE, view, lines=False, warn=warnings.append)
    return [e.locator.index for m in found for e in m.evidence], warnings


def test_bodies_match_plain_and_base64_text_of_the_wanted_entries():
    data = har({"text": "upstream: no healthy upstream"},
               {"text": "all fine"},
               {"text": base64.b64encode(b"no healthy upstream").decode(),
                "encoding": "base64"},
               {"text": "no healthy upstream"})
    assert body_matches(HarView(data, [502, 502, 502, 200])) == ([1, 3], [])


def test_a_har_with_a_byte_order_mark_is_read():
    data = b"\xef\xbb\xbf" + har({"text": "no healthy upstream"})
    assert body_matches(HarView(data, [502])) == ([1], [])


def test_a_truncated_har_keeps_the_bodies_read_before_the_cut():
    data = har({"text": "no healthy upstream"}, {"text": "no healthy upstream"})
    cut = data[:data.rindex(b"no healthy")]
    found, warnings = body_matches(HarView(cut, [502, 502]))
    assert found == [1]
    assert len(warnings) == 1 and "after entry 1 were not checked" in warnings[0]


def test_reading_stops_after_the_last_wanted_entry():
    data = har({"text": "no healthy upstream"})[:-2] + b', "not json at all'
    assert body_matches(HarView(data, [502, 200])) == ([1], [])
