"""Qt runs offscreen in these tests, with settings in a temporary folder.

``QT_QPA_PLATFORM`` must be set before Qt loads, hence at import time here (before the
other imports), with a 1600x1000 screen. Settings go to an INI file under pytest's
temporary folder, so tests never read or write the user's real settings, and each test
starts from empty settings.
"""
# ruff: noqa: E402

from __future__ import annotations

import json
import os
import tempfile

# A desktop-sized screen: the window fits itself to the screen it opens on, and Qt's
# offscreen screen is 800x800 unless told otherwise.
SCREEN = {"screens": [{"name": "test-screen", "x": 0, "y": 0, "width": 1600, "height": 1000,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _config = os.path.join(tempfile.mkdtemp(prefix="inspector-screen-"), "screen.json")
    with open(_config, "w") as _file:
        json.dump(SCREEN, _file)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_config}"

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from inspector.testing import make_bundle
from inspector.training import scenarios
from ui.main_window import MainWindow
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


@pytest.fixture
def window(qtbot):
    """The main window, shown; closed (its work stopped) after the test."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
