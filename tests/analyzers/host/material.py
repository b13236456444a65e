"""Where the host tests find real material (read in place)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import CORPUS

REALWORLD = CORPUS / "realworld"
KERNEL = REALWORLD / "kernel"
SOS = REALWORLD / "sos"


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip("../shared/corpus is not here")
    return path
