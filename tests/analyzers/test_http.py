"""The HTTP analyzer package's front door, and the HAR builders other test files import.

``tests/inspector/formats/test_har.py`` builds its documents with ``entry`` and ``har``
from here; they live in ``tests.analyzers.http.hars`` now, and this re-export can go once
that file imports them from there.
"""

from __future__ import annotations

import analyzers
from analyzers import http
from analyzers.http.analyzer import HttpAnalyzer
from analyzers.http.entries import path_template
from tests.analyzers.http.hars import entry, har

__all__ = ["entry", "har"]


def test_the_front_door_exports_what_other_code_imports():
    assert http.HttpAnalyzer is HttpAnalyzer and http.path_template is path_template
    assert sorted(http.__all__) == ["HttpAnalyzer", "path_template"]
    assert any(isinstance(analyzer, HttpAnalyzer) for analyzer in analyzers.BUILTIN)
