"""Deliberately broken analyzers, one per failure mode the engine must survive.

They live in an importable module (not a test file) so worker processes can unpickle them.
"""

from __future__ import annotations

import ctypes
import os
import time

from inspector import native
from inspector.model import ArtifactKind, Evidence, LineLocator, Severity
from inspector.plugins import Stats
from inspector.rules import rule

ALL_TEXT = frozenset({ArtifactKind.LOG, ArtifactKind.TEXT})
LINE_SEEN = rule("test.line-seen", Severity.INFO, "test", "A test analyzer saw a line.")


class Good:
    """Counts lines and reports the first one: the analyzer that must always finish."""

    name = "good"
    kinds = ALL_TEXT
    rules = (LINE_SEEN,)

    def analyze(self, source, context):
        with source.open() as stream:
            lines = stream.read().splitlines()
        context.progress(1.0)
        if lines:
            yield LINE_SEEN.finding(f"{len(lines)} lines", analyzer=self.name, count=len(lines),
                                    evidence=[Evidence(source.artifact.path, LineLocator(1),
                                                       lines[0].decode(errors="replace"))])
        yield Stats({"lines": len(lines)})


class ReportsBackend(Good):
    """Says which backend of the compiled kernels its worker runs (``inspector.native``)."""

    name = "reports-backend"

    def analyze(self, source, context):
        yield Stats({"backend": native.backend()})


class Raises(Good):
    name = "raises"

    def analyze(self, source, context):
        yield Stats({"started": True})
        raise ValueError("bad input the analyzer did not expect")


class Segfaults(Good):
    name = "segfaults"

    def analyze(self, source, context):
        ctypes.string_at(0)  # dereferences NULL: SIGSEGV
        yield Stats()


class Hangs(Good):
    name = "hangs"

    def analyze(self, source, context):
        while True:
            time.sleep(0.05)
        yield Stats()


class Recurses(Good):
    name = "recurses"

    def analyze(self, source, context):
        def deeper(n):
            return deeper(n + 1) + 1

        deeper(0)
        yield Stats()


class Allocates(Good):
    name = "allocates"

    def analyze(self, source, context):
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))
        yield Stats()


class Warns(Good):
    name = "warns"

    def analyze(self, source, context):
        context.warn("line 3 is not valid UTF-8; decoded with replacement characters")
        yield from super().analyze(source, context)


class Slow(Good):
    """Takes a while and checks for cancellation: for cancellation tests."""

    name = "slow"

    def analyze(self, source, context):
        for step in range(200):
            context.check_cancelled()
            context.progress(step / 200)
            time.sleep(0.05)
        yield from super().analyze(source, context)


PID_DIR_VARIABLE = "INSPECTOR_TEST_PID_DIR"


def record_pid() -> None:
    """Leave this process's pid in ``$INSPECTOR_TEST_PID_DIR`` so a test can watch it."""
    directory = os.environ.get(PID_DIR_VARIABLE)
    if directory:
        with open(os.path.join(directory, str(os.getpid())), "w"):
            pass


class Spins(Good):
    """Burns a CPU without end and never checks for cancellation, like a runaway parser."""

    name = "spins"

    def analyze(self, source, context):
        record_pid()
        spin_forever()
        yield Stats()


def spin_forever(state=None) -> None:
    """Busy-loops forever; also an ``in_child`` work function (it takes the child state)."""
    record_pid()
    counter = 0
    while True:
        counter += 1
