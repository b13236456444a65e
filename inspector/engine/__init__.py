"""The engine: runs analyzers over a bundle in worker processes, and survives them.

One *job* is one analyzer on one artifact (or one bundle analyzer on the whole bundle).
Jobs run in a small pool of worker processes (``EngineLimits.workers``) started through
``multiprocessing``'s forkserver, so a worker never inherits the GUI's threads or Qt
state. Each worker reopens the bundle from its path and reads members in place.

What can go wrong in an analyzer, and what the engine makes of it:

==========================  ==============================================  ==========
analyzer                    engine                                          problem
==========================  ==============================================  ==========
raises                      records the exception and goes on               ``error``
recurses without end        ``RecursionError`` caught like any exception    ``error``
allocates without end       address-space limit -> ``MemoryError``; the     ``memory``
                            worker is replaced
segfaults / is killed       worker death noticed, worker replaced           ``crash``
hangs (loops, deadlocks)    killed after ``timeout_seconds``, replaced      ``timeout``
reads a decompression bomb  the guarded stream stops it                     ``skipped``
==========================  ==============================================  ==========

In every case the other jobs still run, and the artifact is marked ``failed`` with the
reason. Progress (overall and per analyzer) and results stream to an ``on_update``
callback as they arrive; ``RunHandle.cancel()`` stops the run from any thread, keeping
what was already found. The callback runs on the thread that called ``Engine.run``; the
UI adapts it to Qt signals.

``isolation="inline"`` runs jobs in the calling process instead (for debugging and
profiling only: no limit applies).
"""

from inspector.engine.pipeline import run_analysis
from inspector.engine.progress import AnalyzerProgress, Progress, RunHandle, Update, UpdateCallback
from inspector.engine.run import Engine, EngineLimits, analyze_bundle

__all__ = ["AnalyzerProgress", "Engine", "EngineLimits", "Progress", "RunHandle", "Update",
           "UpdateCallback", "analyze_bundle", "run_analysis"]
