from __future__ import annotations

import importlib.metadata

import pytest

from inspector import plugins
from inspector.model import ArtifactKind
from inspector.plugins import Analyzer, Stats, load_analyzers, select
from inspector.testing import run_analyzer


class Counter:
    name = "counter"
    kinds = frozenset({ArtifactKind.TEXT})
    rules = ()

    def analyze(self, source, context):
        with source.open() as stream:
            yield Stats(lines=sum(1 for _ in stream))


def test_protocol_and_in_process_run():
    assert isinstance(Counter(), Analyzer)
    assert run_analyzer(Counter(), b"a\nb\nc\n", name="n.txt").stats == {"lines": 3}


def test_select_by_name():
    assert select([Counter()], None)[0].name == "counter"
    with pytest.raises(ValueError, match="unknown analyzer"):
        select([Counter()], ["nope"])


class BrokenEntryPoint:
    name = "broken-plugin"
    value = "third_party.module:Analyzer"

    def load(self):
        raise ImportError("No module named 'third_party'")


class NotAnAnalyzer:
    name = "junk"
    value = "junk:thing"

    def load(self):
        return object()


class GoodEntryPoint:
    name = "counter"
    value = "tests:Counter"

    def load(self):
        return Counter


def test_a_plugin_that_fails_to_load_is_reported_not_fatal(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [
        BrokenEntryPoint(), NotAnAnalyzer(), GoodEntryPoint()])
    loaded, problems = load_analyzers()
    assert "counter" in [a.name for a in loaded]
    messages = " ".join(p.message for p in problems)
    assert "'broken-plugin'" in messages and "No module named" in messages
    assert "'junk'" in messages and "not an analyzer" in messages
    assert plugins.ENTRY_POINT_GROUP == "bundle_inspector.analyzers"
