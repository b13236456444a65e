"""The knowledge analyzer: signature matches in a finished bundle become findings."""

from __future__ import annotations

import pytest

from analyzers import BUILTIN
from analyzers.knowledge import KnowledgeAnalyzer
from inspector.knowledge import KnowledgeBase, SampleTargets
from inspector.model import Severity
from inspector.testing import RecordingContext
from tests.inspector.knowledge.test_signatures import GOOD, entry


@pytest.fixture(scope="module")
def sample_targets():
    with SampleTargets(BUILTIN, ["expired_token_401"]) as samples:
        yield {target.name.removeprefix("sample:"): target for target in samples.targets()}


def test_knowledge_analyzer_reports_matches_as_findings(sample_targets):
    target = sample_targets["expired_token_401"]
    context = RecordingContext()
    analyzer = KnowledgeAnalyzer(KnowledgeBase.from_text(
        GOOD + entry('[signature.http]\nstatus = [401]\n') + "\n[[signature]]\nbad = 1\n"))
    findings = list(analyzer.analyze_bundle(target.view, context))
    assert [f.rule for f in findings] == ["kb.known-issue"]
    assert findings[0].facts["signature"] == "app.case"
    assert findings[0].severity is Severity.HIGH
    assert all(e.locator.kind == "entry" for e in findings[0].evidence)
    assert any("knowledge base" in w for w in context.warnings)
    assert KnowledgeAnalyzer().knowledge.problems == []
