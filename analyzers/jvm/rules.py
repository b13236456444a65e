"""The rules JVM findings come from, and the names of the two JVM analyzers.

Declared together: a GC finding comes from the per-artifact ``jvm`` analyzer
(``gcfindings``), thread-dump and out-of-memory findings from the bundle-level
``jvm-cross`` analyzer (``series``, ``memory``), which reads the per-artifact stats under
``ANALYZER``.

>>> ANALYZER, CROSS, DEADLOCK.id
('jvm', 'jvm-cross', 'jvm.deadlock')
"""

from __future__ import annotations

from inspector.model import Severity
from inspector.rules import rule

ANALYZER = "jvm"
CROSS = "jvm-cross"

# --- thread dumps ---------------------------------------------------------------------------------
DEADLOCK = rule("jvm.deadlock", Severity.CRITICAL, "availability",
                "Java threads are deadlocked: each holds a lock the next one waits for")
LOCK_CONTENTION = rule("jvm.lock-contention", Severity.HIGH, "performance",
                       "Many threads are BLOCKED on one monitor that another thread holds")
HOT_STACK = rule("jvm.hot-stack", Severity.MEDIUM, "performance",
                 "Many busy threads share the same stack (where the JVM's time goes)")
THREAD_LEAK = rule("jvm.thread-leak", Severity.HIGH, "resources",
                   "The JVM's thread count keeps growing across consecutive dumps")
VIRTUAL_THREADS = rule("jvm.virtual-threads-unseen", Severity.INFO, "coverage",
                       "The JVM runs virtual threads, which this kind of dump does not list")

# --- GC logs --------------------------------------------------------------------------------------
GC_LONG_PAUSE = rule("jvm.gc-long-pause", Severity.MEDIUM, "performance",
                     "A young or mixed GC pause stopped the application for a second or more")
GC_FULL = rule("jvm.gc-full", Severity.MEDIUM, "performance",
               "Full (stop-the-world, whole-heap) collections that no other finding explains")
GC_EXPLICIT = rule("jvm.gc-explicit", Severity.LOW, "performance",
                   "Full collections requested by System.gc(), not by heap pressure")
GC_CONCURRENT_FAILURE = rule(
    "jvm.gc-concurrent-failure", Severity.HIGH, "performance",
    "The concurrent collector fell behind allocation and stopped the world (CMS concurrent "
    "mode failure, G1 full GC during marking, Shenandoah degenerated GC, ZGC stall)")
GC_PROMOTION_FAILED = rule("jvm.gc-promotion-failed", Severity.HIGH, "performance",
                           "Objects could not be promoted to the old generation (promotion "
                           "failed): the old generation is full or fragmented")
GC_TO_SPACE_EXHAUSTED = rule("jvm.gc-to-space-exhausted", Severity.HIGH, "performance",
                             "G1 ran out of space to copy live objects (to-space exhausted, "
                             "evacuation failure)")
GC_HUMONGOUS = rule("jvm.gc-humongous", Severity.MEDIUM, "performance",
                    "G1 collections triggered by humongous (region-sized) allocations")
GC_HEAP_RISING = rule("jvm.gc-heap-rising", Severity.HIGH, "resources",
                      "The heap left after full collections (the live set) rises over the "
                      "log: a memory leak is likely")
GC_METASPACE_FULL = rule("jvm.gc-metaspace-full", Severity.HIGH, "resources",
                         "PermGen or Metaspace is full: class metadata forces full collections")
GC_OVERHEAD = rule("jvm.gc-overhead", Severity.HIGH, "performance",
                   "The JVM spent much of its time in GC: back-to-back full collections "
                   "freeing almost nothing (thrashing)")
GC_NOT_RUNNING = rule("jvm.gc-not-running", Severity.HIGH, "performance",
                      "A pause's wall time far exceeds its CPU time: the JVM was not running "
                      "(swapping, I/O stalls, a descheduled VM)")

# --- out of memory --------------------------------------------------------------------------------
# The logs analyzer's findings on the error's own records (its stack-trace group, its
# signature match, its template as a new or frequent error) are this event told generically.
OUT_OF_MEMORY = rule("jvm.out-of-memory", Severity.CRITICAL, "resources",
                     "java.lang.OutOfMemoryError by kind, with the same JVM's GC log and "
                     "thread dumps when the bundle has them",
                     explains=("log.exception", "log.known-issue", "log.new-error",
                               "log.errors"))

GC_RULES = (GC_LONG_PAUSE, GC_FULL, GC_EXPLICIT, GC_CONCURRENT_FAILURE, GC_PROMOTION_FAILED,
            GC_TO_SPACE_EXHAUSTED, GC_HUMONGOUS, GC_HEAP_RISING, GC_METASPACE_FULL,
            GC_OVERHEAD, GC_NOT_RUNNING)
CROSS_RULES = (DEADLOCK, LOCK_CONTENTION, HOT_STACK, THREAD_LEAK, VIRTUAL_THREADS,
               OUT_OF_MEMORY)
