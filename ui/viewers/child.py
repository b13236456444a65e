"""Run a viewer's Qt-free background function in a child process that can be killed at once.

Why a process and not the ``ui.worker.Task`` thread alone: a thread cannot be stopped in
the middle of a regular expression that backtracks for hours, and while it holds the GIL
(matching a 1 MB chunk takes about 4 ms, far longer when the busy machine deschedules the
thread with the GIL held) the GUI thread waits. So the scans of a whole member (indexing
its lines, searching it) run in a child, and the ``Task`` thread only waits on a pipe,
GIL released.

``in_child(state, work, *args)`` is itself a ``Task`` work function: it starts a child that
runs ``work(child_state, *args)``, forwards what the child emits to ``state.emit``, returns
the child's result, re-raises its exception, and kills it within ``POLL_SECONDS`` of
``state.cancelled``. ``work`` and its arguments must pickle, and ``work`` must live in a
module that does not import Qt (the child imports it): the work functions are in
``inspector.views`` (``inspector.views.lines`` indexes and searches).

Children come from multiprocessing's fork server where there is one (the engine starts it
with the core preloaded, so a child is ready in milliseconds; forking the GUI process
itself, with Qt's threads, is not safe), else they are spawned. Used as
``Task(in_child, find_line, source, index, query, 0)``: the search runs in the child, its
progress arrives as the Task's ``partial`` signal and its answer as ``finished``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from inspector.engine.lifeline import bind_to_parent
from inspector.views.source import State

POLL_SECONDS = 0.05
JOIN_SECONDS = 5.0


class ChildDied(RuntimeError):
    """The child ended without a result (killed by the system, crashed in C code)."""


class ChildState:
    """The state a function sees in the child: it emits through the pipe.

    ``cancelled`` is always false: the parent kills the child instead of asking it to stop.
    """

    cancelled = False

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def emit(self, item: Any) -> None:
        self._connection.send(("partial", item))


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _child_main(connection: Connection, work: Callable[..., Any], args: tuple) -> None:
    bind_to_parent()  # a scan never outlives the app, even when the app crashes
    try:
        result = work(ChildState(connection), *args)
    except Exception as exc:  # handed to the parent, which raises it in the Task thread
        try:
            connection.send(("failed", exc))
        except Exception:  # an exception that does not pickle: send its text instead
            connection.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    else:
        connection.send(("done", result))
    finally:
        connection.close()


def in_child(state: State, work: Callable[..., Any], *args: Any) -> Any:
    """``work(child_state, *args)`` in a child process; None when cancelled (see module doc)."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, work, args), daemon=True,
                              name=f"inspector-{getattr(work, '__name__', 'work')}")
    process.start()
    sender.close()
    try:
        while not state.cancelled:
            if not receiver.poll(POLL_SECONDS):
                continue
            try:
                kind, item = receiver.recv()
            except EOFError:
                process.join(JOIN_SECONDS)
                raise ChildDied(f"the background process ended unexpectedly (exit code "
                                f"{process.exitcode})") from None
            if kind == "partial":
                state.emit(item)
            elif kind == "done":
                return item
            else:
                raise item
        return None
    finally:
        if process.is_alive():
            process.kill()
        process.join(JOIN_SECONDS)
        receiver.close()
