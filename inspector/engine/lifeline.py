"""Worker processes end when the process that started them goes away, however it goes.

The engine's analysis workers and the viewers' scan children come from multiprocessing's
fork server, so their OS parent is the fork server, not the app or the CLI. When the app
crashes or the CLI is killed, nothing used to tell a worker busy on a 300 MB log: it went
on at 100% CPU until killed by hand.

``bind_to_parent()``, called first thing in every child, sets up two independent lines:

- **Linux**: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the child when its OS
  parent (the fork server) dies, and the fork server exits as soon as the process that
  started it is gone (its "alive" pipe reaches EOF). No Python code needs to run for this,
  so it holds even while the child is stuck in a C call holding the GIL.
- **Everywhere**: a daemon thread waits on multiprocessing's parent sentinel (a pipe whose
  write end only the starting process holds) and ends the child with ``os._exit`` when it
  closes. This covers other systems, and a fork server that lingers.

The starting process is checked once more after both are armed, so a parent that died
between the fork and the call is not missed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing.connection import wait

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
EXIT_ORPHANED = 70  # what an orphaned child exits with (EX_SOFTWARE), for whoever reaps it


def _set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(sentinel: int) -> None:
    with contextlib.suppress(OSError, ValueError):
        wait([sentinel])
    os._exit(EXIT_ORPHANED)


def bind_to_parent() -> None:
    """End this child process when its starting process ends (see the module docstring).

    A no-op in a process that multiprocessing did not start.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    os_parent = os.getppid()
    _set_parent_death_signal()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is not None:
        threading.Thread(target=_watch, args=(sentinel,), name="inspector-lifeline",
                         daemon=True).start()
    if os.getppid() != os_parent or not parent.is_alive():
        os._exit(EXIT_ORPHANED)
