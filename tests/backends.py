"""Running a piece of a test on each backend of the compiled kernels (``inspector.native``).

``make test`` runs the whole suite with the kernels compiled, then the suites that reach a
kernel again under ``INSPECTOR_NO_EXTENSIONS=1`` (the Makefile's ``TWIN_TESTS``). A test
that compares the two in one run, or must hold for both, parametrizes over ``BACKENDS``::

    @pytest.mark.parametrize("backend", BACKENDS)
    def test_something(backend):
        with running(backend):
            ...

``running("compiled")`` skips where the kernels are not built (a failure in CI, where
every check must run), whatever the switch says outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from inspector import native

BACKENDS = ["compiled", "python"]


@contextmanager
def running(backend: str) -> Iterator[None]:
    """Inside the block, the kernels run compiled, or as their Python twins."""
    with pytest.MonkeyPatch.context() as patch:
        if backend == "python":
            patch.setenv(native.SWITCH, "1")
        else:
            patch.delenv(native.SWITCH, raising=False)
            if native.backend() != "compiled":
                pytest.skip(f"the compiled kernels are not built ({native.status()}); run make")
        yield
