"""Where the user's signatures live."""

from __future__ import annotations

from inspector.files import DATA_DIR_VARIABLE
from inspector.knowledge.locations import user_data_dir, user_signatures_dir


def test_data_dir_follows_xdg_when_not_set(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    assert user_data_dir() == tmp_path / "bundle-inspector"


def test_user_signatures_live_in_the_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    assert user_signatures_dir() == user_data_dir() / "signatures" == tmp_path / "signatures"
