"""Sample bundles and single members for the view models, without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.bundle import open_bundle
from inspector.testing import make_bundle
from inspector.training import scenarios
from inspector.views.source import MemberSource


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The sample bundles the tests open, built once per session."""
    directory = tmp_path_factory.mktemp("samples")
    for name in ("tls_expired_certificate", "slow_query_missing_index", "gateway_502"):
        scenarios.build(name, directory)
    return directory


@pytest.fixture
def member(tmp_path):
    """``member(name, data)``: a ``MemberSource`` for one file in a folder bundle."""

    def build(name: str, data: bytes) -> MemberSource:
        root = make_bundle(tmp_path / "bundle", {name: data})
        with open_bundle(root) as bundle:
            return MemberSource(Path(root), bundle.limits, bundle.artifact(name))

    return build


@pytest.fixture
def sample_member(sample_dir):
    """``sample_member(scenario, kind)``: the first member of that kind in a sample bundle."""

    def find(scenario: str, kind) -> MemberSource:
        path = sample_dir / f"{scenario}.zip"
        with open_bundle(path) as bundle:
            artifact = next(a for a in bundle.artifacts if a.kind is kind)
            return MemberSource(path, bundle.limits, artifact)

    return find
