"""Qt runs offscreen in these tests, with settings in a temporary folder.

``QT_QPA_PLATFORM`` must be set before Qt loads, hence at import time here. Settings go
to an INI file under pytest's temporary folder, so tests never read or write the user's
real settings, and each test starts from empty settings.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from inspector.testing import make_bundle
from inspector.training import scenarios
from ui.viewers import MemberSource


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    QCoreApplication.setOrganizationName("Bundle Inspector Tests")
    QCoreApplication.setApplicationName("Bundle Inspector Tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings().clear()
    yield tmp_path / "settings"


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The sample bundles the tests open, built once per session."""
    directory = tmp_path_factory.mktemp("samples")
    for name in ("bundle_basics", "tls_expired_certificate", "slow_query_missing_index",
                 "gateway_502"):
        scenarios.build(name, directory)
    return directory


@pytest.fixture
def member(tmp_path):
    """``member(name, data)``: a ``MemberSource`` for one file in a folder bundle."""
    from inspector.bundle import open_bundle

    def build(name: str, data: bytes) -> MemberSource:
        root = make_bundle(tmp_path / "bundle", {name: data})
        bundle = open_bundle(root)
        artifact = bundle.artifact(name)
        bundle.close()
        return MemberSource(Path(root), bundle.limits, artifact)

    return build
