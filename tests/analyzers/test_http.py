"""The HTTP analyzer package's front door."""

from __future__ import annotations

import analyzers
from analyzers import http
from analyzers.http.analyzer import HttpAnalyzer
from analyzers.http.entries import path_template


def test_the_front_door_exports_what_other_code_imports():
    assert http.HttpAnalyzer is HttpAnalyzer and http.path_template is path_template
    assert sorted(http.__all__) == ["HttpAnalyzer", "path_template"]
    assert any(isinstance(analyzer, HttpAnalyzer) for analyzer in analyzers.BUILTIN)
