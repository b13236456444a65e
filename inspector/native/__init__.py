"""Compiled kernels for the hottest loops, and the one switch between them and their twins.

A kernel is a small Cython module in this package (``sqlscan.pyx``: where a SQL statement
ends) doing one byte-level job for the code that needs it, with bounds checking on. Every
kernel has a pure-Python twin beside that code (``inspector.formats.sqlscan``), with the
same functions and the same answers; decisions and wording stay in Python. The caller asks
for the one to run, each time it starts a piece of work::

    scanner = native.choose("sqlscan", sqlscan)   # the compiled module, or the twin

The twin runs when the kernel was not built (no C compiler at install: the install goes on
without it), cannot be imported (built for another Python), or ``INSPECTOR_NO_EXTENSIONS``
is set to anything but empty or ``0``. ``backend()`` says which ran, for the analysis
document's ``tool`` and for ``python -c "import inspector.native as n; print(n.status())"``.
How to add a kernel: docs/native.md.
"""

from __future__ import annotations

import functools
import importlib
import os
from types import ModuleType

KERNELS = ("sqlscan",)
SWITCH = "INSPECTOR_NO_EXTENSIONS"


def disabled() -> bool:
    """True when ``INSPECTOR_NO_EXTENSIONS`` forces the pure-Python twins."""
    return os.environ.get(SWITCH, "") not in ("", "0")


@functools.cache
def _import(name: str) -> ModuleType | str:
    """The compiled module, or why it cannot be used (imported once per process)."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ImportError as error:  # not built here, or built for another interpreter
        return f"not built ({error})"


def set_disabled(disabled: bool) -> None:
    """Force the twins (True) or let the kernels run (False) in this process from now on.

    The engine calls it first thing in each worker, with what the parent decided when the
    run started: a worker forked from a server started earlier would otherwise inherit that
    server's environment, not the parent's.
    """
    if disabled:
        os.environ[SWITCH] = "1"
    else:
        os.environ.pop(SWITCH, None)


def kernel(name: str) -> ModuleType | None:
    """The compiled kernel ``name``, or None when its twin must run."""
    if name not in KERNELS:
        raise ValueError(f"no kernel named {name!r}; there are {', '.join(KERNELS)}")
    module = _import(name)
    return None if disabled() or isinstance(module, str) else module


def choose(name: str, twin: ModuleType) -> ModuleType:
    """The compiled kernel ``name`` when it can run, else its pure-Python ``twin``."""
    return kernel(name) or twin


def compiled() -> list[str]:
    """The kernels that run compiled in this process, now."""
    return [name for name in KERNELS if kernel(name) is not None]


def backend() -> str:
    """``compiled`` (every kernel), ``python`` (none), or ``mixed`` (a partial build)."""
    running = compiled()
    if len(running) == len(KERNELS):
        return "compiled"
    return "mixed" if running else "python"


def status() -> dict[str, str]:
    """For each kernel, ``compiled`` or why its twin runs."""
    result = {}
    for name in KERNELS:
        module = _import(name)
        if isinstance(module, str):
            result[name] = module
        else:
            result[name] = f"twin ({SWITCH} is set)" if disabled() else "compiled"
    return result
