"""Where the user's own signatures live.

``user_signatures_dir()`` is ``signatures/`` under the app's data directory:
``$BUNDLE_INSPECTOR_DATA``, else the platform's data directory (``$XDG_DATA_HOME`` or
``~/.local/share/bundle-inspector`` on Linux; ``inspector.files.data_directory`` decides).
The app keeps its other per-user files (workspaces, training progress) in the same data
directory, so they never disagree about where the user's things live.

>>> import os; os.environ["BUNDLE_INSPECTOR_DATA"] = "/tmp/bi-data"
>>> str(user_data_dir()), str(user_signatures_dir())
('/tmp/bi-data', '/tmp/bi-data/signatures')
>>> del os.environ["BUNDLE_INSPECTOR_DATA"]
"""

from __future__ import annotations

from pathlib import Path

from inspector.files import data_directory


def user_data_dir() -> Path:
    """The app's data directory: ``$BUNDLE_INSPECTOR_DATA``, else the platform's convention."""
    return data_directory()


def user_signatures_dir() -> Path:
    """The folder of the user's own signature files (``*.toml``)."""
    return user_data_dir() / "signatures"
