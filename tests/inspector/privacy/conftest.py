"""The canary bundle, shared by the tests of the redacted copy and of the whole promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inspector.privacy.canaries import write_canary_bundle


@pytest.fixture(scope="module")
def canary_bundle(tmp_path_factory) -> Path:
    return write_canary_bundle(tmp_path_factory.mktemp("canary") / "case-4711.zip")
