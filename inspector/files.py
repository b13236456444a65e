"""Writing the app's own files so that a crash leaves the old file or the new one, whole.

The one place that does it (workspace, training progress, signatures, exports): a
temporary file in the same folder, ``fsync``, ``os.replace``, then an ``fsync`` of the
folder so the rename itself survives a power cut (POSIX; Windows renames are already
durable and cannot open a folder). On any error the temporary file is removed and the
previous file is untouched.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "notes" / "progress.json"
>>> write_atomically(target, b"{}")
>>> target.read_bytes()
b'{}'
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

DATA_DIR_VARIABLE = "BUNDLE_INSPECTOR_DATA"
APP_NAME = "bundle-inspector"


def data_directory() -> Path:
    """The app's data folder: ``$BUNDLE_INSPECTOR_DATA``, else the platform's convention
    (``$XDG_DATA_HOME/bundle-inspector`` on Linux). Workspaces, training progress and the
    user's signatures live below it."""
    explicit = os.environ.get(DATA_DIR_VARIABLE)
    if explicit:
        return Path(explicit)
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / APP_NAME
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP_NAME


def fsync_directory(folder: Path) -> None:
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (creating its folder). Raises ``OSError``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(descriptor, view)
                view = view[written:]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)
