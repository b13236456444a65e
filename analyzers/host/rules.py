"""The rules host findings come from, and the names of the two host analyzers.

Every host finding is made by the bundle-level ``host-cross`` analyzer (``cross``), from
what the per-artifact ``host`` analyzer read into its stats: the same OOM kill in dmesg,
kern.log and the journal is one finding, and snapshots are judged with the host's other
snapshots beside them.

>>> ANALYZER, CROSS, OOM_KILL.id
('host', 'host-cross', 'host.oom-kill')
"""

from __future__ import annotations

from inspector.model import Severity
from inspector.rules import rule

ANALYZER = "host"
CROSS = "host-cross"

# --- kernel ---------------------------------------------------------------------------------------
OOM_KILL = rule("host.oom-kill", Severity.CRITICAL, "resources",
                "The kernel's OOM killer killed a process (the victim, its memory, its cgroup)")
HUNG_TASK = rule("host.hung-task", Severity.HIGH, "availability",
                 "A task was blocked in the kernel for minutes (hung task)")
LOCKUP = rule("host.lockup", Severity.HIGH, "availability",
              "A CPU was stuck in the kernel (soft or hard lockup, RCU stall)")
KERNEL_OOPS = rule("host.kernel-oops", Severity.CRITICAL, "stability",
                   "The kernel hit a bug (oops: NULL dereference, divide error, BUG)")
KERNEL_PANIC = rule("host.kernel-panic", Severity.CRITICAL, "stability",
                    "The kernel panicked (the machine stopped)")
IO_ERROR = rule("host.io-error", Severity.HIGH, "storage",
                "A block device returned I/O errors")
FILESYSTEM_ERROR = rule("host.filesystem-error", Severity.HIGH, "storage",
                        "A filesystem reported corruption or an error")
READ_ONLY = rule("host.read-only-remount", Severity.CRITICAL, "storage",
                 "A filesystem was remounted read-only after an error")
SEGFAULT = rule("host.segfault", Severity.MEDIUM, "stability",
                "A user-space program crashed (segfault or trap), with its binary")
LINK_FLAP = rule("host.link-flap", Severity.MEDIUM, "connectivity",
                 "A network interface lost its link (and maybe came back)")
CONNTRACK_FULL = rule("host.conntrack-full", Severity.HIGH, "connectivity",
                      "The connection-tracking table was full: new connections were dropped")
CLOCK = rule("host.clock", Severity.MEDIUM, "time",
             "The clock jumped, its source was unstable, or it is not synchronised")
NETDEV_LEAK = rule("host.netdev-leak", Severity.MEDIUM, "stability",
                   "A network device could not be freed (leaked reference; container teardown "
                   "hangs)")

# --- systemd --------------------------------------------------------------------------------------
UNIT_FAILED = rule("host.unit-failed", Severity.HIGH, "availability",
                   "A systemd unit failed, restarted or hit its start limit")

# --- snapshots ------------------------------------------------------------------------------------
DISK_FULL = rule("host.disk-full", Severity.HIGH, "storage",
                 "A filesystem was nearly full of data or of inodes at collection time")
MEMORY_LOW = rule("host.memory-low", Severity.HIGH, "resources",
                  "Little memory was available at collection time, or swap was in use")
LOAD_HIGH = rule("host.load-high", Severity.MEDIUM, "performance",
                 "The load average per CPU was high at collection time")
SOCKETS = rule("host.socket-pile", Severity.MEDIUM, "connectivity",
               "Sockets piled up in CLOSE_WAIT (not closed by the application) or TIME_WAIT")
SYSCTL = rule("host.sysctl", Severity.LOW, "configuration",
              "A kernel setting known to cause trouble")
LIMITS = rule("host.limits", Severity.LOW, "configuration",
              "A process limit (ulimit) low enough to bite a server")

KERNEL_RULES = {"oom-kill": OOM_KILL, "hung-task": HUNG_TASK, "lockup": LOCKUP,
                "oops": KERNEL_OOPS, "panic": KERNEL_PANIC, "io-error": IO_ERROR,
                "fs-error": FILESYSTEM_ERROR, "read-only": READ_ONLY, "segfault": SEGFAULT,
                "link": LINK_FLAP, "conntrack-full": CONNTRACK_FULL,
                "clock-unstable": CLOCK, "clock-jump": CLOCK, "netdev-leak": NETDEV_LEAK}
CROSS_RULES = (OOM_KILL, HUNG_TASK, LOCKUP, KERNEL_OOPS, KERNEL_PANIC, IO_ERROR,
               FILESYSTEM_ERROR, READ_ONLY, SEGFAULT, LINK_FLAP, CONNTRACK_FULL, CLOCK,
               NETDEV_LEAK, UNIT_FAILED, DISK_FULL, MEMORY_LOW, LOAD_HIGH, SOCKETS, SYSCTL,
               LIMITS)
