"""Sample: a JVM service in an out-of-memory crash loop.

The service starts, its heap fills within minutes (``java.lang.OutOfMemoryError: Java heap
space``), the kernel's OOM killer ends it (the container limit is below heap plus native
memory), systemd restarts it, and it happens again: four restarts in forty minutes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from inspector.training.scenarios import Built, Scenario

START = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
CYCLE = timedelta(minutes=9)
CYCLES = 5

_OOM_TRACE = """java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)
\tat java.base/java.util.ArrayList.grow(ArrayList.java:237)
\tat com.acme.reports.ReportBuilder.collectRows(ReportBuilder.java:{line})
\tat com.acme.reports.ReportService.export(ReportService.java:61)"""


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def build(rng: random.Random) -> Built:
    app: list[str] = []
    kernel: list[str] = []
    first_oom_line = 0
    for cycle in range(CYCLES):
        moment = START + cycle * CYCLE
        pid = 4000 + cycle * 37 + rng.randint(0, 30)
        app.append(f"{_stamp(moment)}  INFO {pid} --- [main] c.a.r.ReportApplication : "
                   f"Starting ReportApplication v2.3.1 using Java 17.0.9 with PID {pid}")
        moment += timedelta(seconds=rng.uniform(6, 9))
        app.append(f"{_stamp(moment)}  INFO {pid} --- [main] c.a.r.ReportApplication : "
                   f"Started ReportApplication in {rng.uniform(5, 8):.3f} seconds")
        end = START + cycle * CYCLE + timedelta(minutes=7)
        while moment < end:
            moment += timedelta(milliseconds=rng.randint(300, 1500))
            app.append(f"{_stamp(moment)}  INFO {pid} --- [exec-{rng.randint(1, 16)}] "
                       f"c.a.r.ReportService : export {rng.randint(1, 99999)} rows="
                       f"{rng.randint(1000, 900000)} in {rng.randint(20, 900)} ms")
        for _ in range(rng.randint(2, 4)):
            moment += timedelta(milliseconds=rng.randint(50, 400))
            if not first_oom_line:
                first_oom_line = len(app) + 1
            app.append(f"{_stamp(moment)} ERROR {pid} --- [exec-{rng.randint(1, 16)}] "
                       f"c.a.r.ReportService : export failed")
            app.extend(_OOM_TRACE.format(line=rng.choice((142, 142, 150))).splitlines())
        moment += timedelta(seconds=2)
        kernel.append(f"{moment:%b %d %H:%M:%S} report-host kernel: [{rng.randint(10**5, 10**6)}"
                      f".{rng.randint(0, 999999):06d}] java invoked oom-killer: "
                      "gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0")
        kernel.append(f"{moment:%b %d %H:%M:%S} report-host kernel: Memory cgroup out of "
                      f"memory: Killed process {pid} (java) total-vm:6291456kB, "
                      f"anon-rss:2097152kB, file-rss:0kB, shmem-rss:0kB")
        kernel.append(f"{moment:%b %d %H:%M:%S} report-host systemd[1]: report.service: Main "
                      "process exited, code=killed, status=9/KILL")
    return Built(
        files={"logs/report-service.log": ("\n".join(app) + "\n").encode(),
               "logs/kern.log": ("\n".join(kernel) + "\n").encode()},
        # The error's stack-trace group, signature match and new template are the same
        # records, folded into jvm.out-of-memory.
        rules=["log.restart", "host.oom-kill", "jvm.out-of-memory"],
        allowed=["incident.cross-source"],
        evidence=[
            {"artifact": "logs/report-service.log",
             "locator": {"kind": "line", "line": first_oom_line,
                         "end_line": first_oom_line + 5},
             "why": "the heap fills while building a report",
             "cited_by": "jvm.out-of-memory"},
            {"artifact": "logs/kern.log", "locator": {"kind": "line", "line": 2},
             "why": "the kernel OOM killer ends the JVM; systemd restarts it",
             "cited_by": "host.oom-kill"},
        ])


SCENARIO = Scenario(
    name="oom_crash_loop",
    title="The report service keeps restarting every few minutes",
    difficulty="easy",
    summary=("ReportBuilder.collectRows loads whole exports into memory; the heap fills "
             "(OutOfMemoryError) and the kernel OOM killer ends the JVM in its 2 GB cgroup, "
             "systemd restarts it and the cycle repeats every 9 minutes (4 restarts). Stream "
             "the export rows and leave native headroom under the container limit."),
    build=build,
    tags=("logs", "memory", "availability"),
)
