"""The host findings: kernel incidents merged across a host's files, systemd units, and
snapshots judged at the collection time.

``judge_host(host)`` yields every finding about one ``hosts.Host``. Decisions the next
engineer needs:

- **Kernel incidents** of one subject (the OOM killer's victim process, a hung task, a
  device, a crashing binary, an interface) are one finding, whichever files show them.
- **Units** that always fail inside a container (they need the host's devices, kernel
  modules or mounts: ``CONTAINER_NORMAL``) are not raised when the host is a container.
  A unit that recovered (``journal.UnitTracker``) is ``info``: "restarted 13 times during
  bootstrap, stable since". A unit failed at collection (``systemctl list-units --failed``)
  or stopped by its start limit is ``high``.
- **Snapshots** use these thresholds: a filesystem at ``DISK_WARN``% (high from
  ``DISK_HIGH``%, data or inodes; pseudo and read-only image filesystems left out);
  available memory under ``MEMORY_WARN`` of the total (high under ``MEMORY_HIGH``); swap
  over half used; the load at ``LOAD_WARN`` per CPU (high from ``LOAD_HIGH``);
  ``CLOSE_WAIT_PILE`` sockets in CLOSE_WAIT, ``TIME_WAIT_PILE`` in TIME_WAIT; a clock not
  synchronised or off by ``CLOCK_OFFSET`` seconds; the ``SYSCTLS`` below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from analyzers.host import rules as R
from analyzers.host.hosts import Host
from inspector.model import Evidence, Finding, LineLocator, Severity, WholeLocator, parse_time

DISK_WARN, DISK_HIGH = 90, 95
MEMORY_WARN, MEMORY_HIGH = 0.10, 0.05
LOAD_WARN, LOAD_HIGH = 2.0, 4.0
CLOSE_WAIT_PILE, TIME_WAIT_PILE = 50, 20_000
CLOCK_OFFSET = 0.5
MAX_EVIDENCE = 6

CONTAINER_NORMAL = frozenset({
    "systemd-remount-fs.service", "multipathd.socket", "multipathd.service",
    "systemd-modules-load.service", "sys-kernel-config.mount", "sys-kernel-debug.mount",
    "sys-kernel-tracing.mount", "sys-fs-fuse-connections.mount", "systemd-udev-trigger.service",
    "systemd-udevd.service", "apparmor.service", "snapd.apparmor.service", "iscsid.service",
    "open-iscsi.service", "lvm2-monitor.service", "systemd-sysctl.service",
    "kmod-static-nodes.service", "blk-availability.service", "systemd-timesyncd.service",
    "dev-hugepages.mount", "dev-mqueue.mount", "proc-sys-fs-binfmt_misc.mount",
})
_PSEUDO_FS = ("tmpfs", "devtmpfs", "udev", "none", "shm", "squashfs", "overlay_", "cgroup",
              "proc", "sysfs", "nsfs", "efivarfs")
_PSEUDO_MOUNTS = ("/snap/", "/run", "/dev", "/sys", "/proc", "/var/lib/docker/",
                  "/var/lib/kubelet/pods/")
SYSCTLS = {
    "net.ipv4.tcp_tw_recycle": (lambda v: v == "1", "breaks clients behind NAT (dropped SYNs) "
                                "and was removed from Linux 4.12; set it to 0"),
    "net.core.somaxconn": (lambda v: v.isdigit() and int(v) <= 128,
                           "caps every listen backlog at this many pending connections; "
                           "busy servers drop SYNs under bursts (raise to 1024 or more)"),
    "vm.zone_reclaim_mode": (lambda v: v not in ("", "0"),
                             "reclaims memory on the local NUMA node instead of using remote "
                             "memory: latency stalls for databases and JVMs (set 0)"),
    "vm.overcommit_memory": (lambda v: v == "2",
                             "strict overcommit: forks and JVM reservations fail with "
                             "ENOMEM long before memory is used up"),
    "vm.max_map_count": (lambda v: v.isdigit() and int(v) < 65530,
                         "limits memory mappings per process; Elasticsearch, JVMs with many "
                         "threads and mmap-heavy databases fail"),
    "kernel.pid_max": (lambda v: v.isdigit() and int(v) <= 32768,
                       "also limits threads host-wide; many-threaded JVMs hit 'unable to "
                       "create native thread'"),
}


def _at(host: Host) -> str:
    collected = host.collected
    return f"at collection ({collected:%Y-%m-%d %H:%M} UTC)" if collected else "at collection"


def _on(host: Host) -> str:
    return f" on {host.name}" if host.name else (f" on {host.root.rstrip('/')}"
                                                 if host.root else "")


def judge_host(host: Host) -> Iterator[Finding]:
    yield from kernel_findings(host)
    yield from unit_findings(host)
    yield from snapshot_findings(host)


# --- kernel ---------------------------------------------------------------------------------------

def _subject(incident: dict[str, Any]) -> str:
    facts = incident["facts"]
    return str({"oom-kill": facts.get("process"), "hung-task": facts.get("task"),
                "io-error": facts.get("device"), "fs-error": facts.get("device"),
                "read-only": facts.get("device"), "segfault": facts.get("binary"),
                "link": facts.get("iface"), "netdev-leak": facts.get("iface"),
                "oops": facts.get("function") or facts.get("what")}.get(incident["kind"], ""))


def kernel_findings(host: Host) -> Iterator[Finding]:
    groups: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for path, stats in host.logs:
        for incident in stats.get("incidents", []):
            kind = "clock" if incident["kind"].startswith("clock") else incident["kind"]
            groups[(kind, _subject(incident))][incident["identity"]].append((path, incident))
    for (kind, subject), identities in sorted(groups.items()):
        finding = _kernel_finding(host, kind, subject, identities)
        if finding is not None:
            yield finding


def _when(incident: dict[str, Any]) -> str:
    if incident.get("time"):
        return incident["time"][:19].replace("T", " ") + " UTC"
    uptime = incident["facts"].get("uptime")
    return f"{uptime:.0f} s after boot" if uptime is not None else f"line {incident['line']}"


def _kernel_finding(host: Host, kind: str, subject: str,
                    identities: dict[str, list]) -> Finding | None:
    firsts = [sightings[0] for sightings in identities.values()]
    firsts.sort(key=lambda s: (s[1].get("time") or "", s[1]["line"]))
    first = firsts[0][1]
    facts = first["facts"]
    count = len(identities)
    evidence = [Evidence(p, LineLocator(i["line"], i["end_line"]), i["excerpt"][:200])
                for sightings in identities.values() for p, i in sightings][:MAX_EVIDENCE]
    times = [parse_time(i.get("time")) for _, i in firsts if i.get("time")]
    span = {"first_seen": min(times) if times else None,
            "last_seen": max(times) if times else None}
    seen_in = sorted({p.rsplit("/", 1)[-1] for s in identities.values() for p, _ in s})
    where = f" (seen in {', '.join(seen_in)})"
    build = _KERNEL_TEXT.get(kind)
    if build is None:
        return None
    made = build(host, subject, count, first, facts, firsts)
    if made is None:
        return None
    rule, title, detail, remediation, severity = made
    return rule.finding(f"{title}{_on(host)}", analyzer=R.CROSS, severity=severity,
                        count=count, evidence=evidence, detail=detail + where, **span,
                        facts={"kind": kind, "subject": subject, "first": first,
                               "count": count, "host": host.name, "files": seen_in},
                        remediation=remediation)


def _oom(host, subject, count, first, facts, firsts):
    memory = (f"{facts.get('anon_rss_kb', 0) / 1024:.0f} MiB resident "
              f"(total-vm {facts.get('total_vm_kb', 0) / 1024:.0f} MiB)")
    cgroup = facts.get("task_memcg") or facts.get("oom_memcg")
    scope = (f"its memory cgroup {cgroup or ''} hit its limit".replace("  ", " ")
             if facts.get("memcg") else "the whole machine ran out of memory")
    limit = facts.get("memcg_limit_kb")
    return (R.OOM_KILL,
            f"The kernel OOM killer killed {subject} {count} time(s), first at {_when(first)}",
            f"Victim {subject} (pid {facts.get('pid')}) with {memory}; {scope}"
            + (f" (limit {limit / 1024:.0f} MiB)" if limit else "")
            + (f"; invoked by {facts['invoked_by']}" if facts.get("invoked_by") else "") + ".",
            "Compare the process's memory with the limit that was hit (the cgroup's, else the "
            "host's): raise the limit or shrink the process (for a JVM, heap plus native "
            "memory must fit under the container limit); find what else used the memory.",
            None)


def _hung(host, subject, count, first, facts, firsts):
    frames = " <- ".join(facts.get("frames") or facts.get("unsure_frames") or []) \
        or "see the call trace"
    return (R.HUNG_TASK, f"Task {subject} blocked in the kernel for more than "
            f"{facts.get('seconds')} s ({count}x), first at {_when(first)}",
            f"The kernel's hung-task detector: {subject} (pid {facts.get('pid')}) waited "
            f"uninterruptibly (state D) in {frames}.",
            "The call trace shows what it waited for (a lock, I/O, a filesystem, NFS); check "
            "the storage or the driver in it, and the processes holding that resource.", None)


def _lockup(host, subject, count, first, facts, firsts):
    what = "hard lockup / RCU stall" if facts.get("hard") else "soft lockup"
    return (R.LOCKUP, f"CPU {facts.get('cpu', '?')} stuck in the kernel ({what}) at "
            f"{_when(first)}" + (f", task {facts['task']}" if facts.get("task") else ""),
            f"The watchdog found a CPU not scheduling for {facts.get('seconds', '?')} s "
            f"in {facts.get('function', 'the code in the trace')}.",
            "A kernel or driver bug, or a hypervisor starving the VM (check CPU steal); "
            "update the kernel and look up the function in the trace.", None)


def _oops(host, subject, count, first, facts, firsts):
    where = facts.get("function") or "?"
    module = f" [{facts['module']}]" if facts.get("module") else ""
    comm = f" while running {facts['comm']}" if facts.get("comm") else ""
    return (R.KERNEL_OOPS, f"Kernel bug: {facts.get('what', 'oops')[:80]} in {where}{module}",
            f"The kernel oopsed at {_when(first)}{comm}, in {where}{module}.",
            "A kernel (or out-of-tree module) bug: search the function and message for the "
            "running kernel version, update the kernel; the machine may be unstable until "
            "rebooted.", None)


def _panic(host, subject, count, first, facts, firsts):
    return (R.KERNEL_PANIC, f"Kernel panic: {facts.get('reason', '')[:100]}",
            f"The kernel stopped at {_when(first)}: {facts.get('reason')}.",
            "The machine went down here. The lines before the panic say why (an oops with "
            "panic_on_oops/panic_on_warn, a watchdog, memory corruption); kdump would capture "
            "a vmcore.", None)


def _io(host, subject, count, first, facts, firsts):
    return (R.IO_ERROR, f"I/O errors on {subject}, first at {_when(first)}",
            f"The block device {subject} returned errors (sector {facts.get('sector')}).",
            "Check the disk's health (smartctl -a, the controller's or the cloud volume's "
            "status) and the filesystem on it; replace failing media.", None)


def _fs(host, subject, count, first, facts, firsts):
    return (R.FILESYSTEM_ERROR, f"Filesystem error on {subject} at {_when(first)}",
            f"The filesystem on {subject} reported: {first['excerpt'][:160]}",
            "Unmount and check it (fsck / xfs_repair) at the next window; look for I/O "
            "errors underneath.", None)


def _read_only(host, subject, count, first, facts, firsts):
    return (R.READ_ONLY, f"Filesystem on {subject} remounted read-only at {_when(first)}",
            "After an error the kernel made the filesystem read-only: every write to it "
            "fails from then on.",
            "Find the error before it (I/O or filesystem errors), fix the device, fsck, and "
            "remount read-write.", None)


def _segfault(host, subject, count, first, facts, firsts):
    return (R.SEGFAULT, f"{facts.get('process')} crashed ({facts.get('what')}) {count} "
            f"time(s) in {subject}, first at {_when(first)}",
            f"A user-space crash of {facts.get('process')} (binary {subject}, ip "
            f"{facts.get('ip')}): a bug or bad input of that program, not a kernel fault.",
            "Get a core dump of the program (coredumpctl, ulimit -c) and its version; "
            "a crash in a library points at that library.", None)


def _link(host, subject, count, first, facts, firsts):
    downs = [i for _, i in firsts if i["facts"].get("state") == "down"]
    if not downs:
        return None
    severity = Severity.HIGH if len(downs) >= 3 else None
    return (R.LINK_FLAP, f"Network link {subject} went down {len(downs)} time(s), first at "
            f"{_when(downs[0])}", f"The interface {subject} lost its link {len(downs)} "
            "time(s); connections through it broke each time.",
            "Check the cable, the switch port, the NIC driver and firmware (ethtool, the "
            "switch's logs); on a VM, the hypervisor's network.", severity)


def _conntrack(host, subject, count, first, facts, firsts):
    return (R.CONNTRACK_FULL, f"Connection-tracking table full at {_when(first)}: new "
            "connections dropped", "nf_conntrack dropped packets because its table was full.",
            "Raise net.netfilter.nf_conntrack_max (and the hash size), shorten the "
            "timeouts, or stop tracking traffic that needs no NAT/firewall state.", None)


def _clock(host, subject, count, first, facts, firsts):
    return (R.CLOCK, f"Clock trouble: {first['excerpt'][:100]} ({count}x)",
            "The clock jumped or its source was marked unstable: timestamps around it are "
            "unreliable, and timeouts and certificates may misbehave.",
            "Check NTP/chrony (chronyc tracking) and, on VMs, the clocksource and host "
            "time sync.", None)


def _netdev(host, subject, count, first, facts, firsts):
    return (R.NETDEV_LEAK, f"Network device {subject} could not be freed ({count}x)",
            "unregister_netdevice waits for a reference that is never dropped (a known "
            "kernel bug with network namespaces): container teardown hangs.",
            "Update the kernel; meanwhile, creating and deleting network namespaces "
            "(containers) will keep hanging on this host.", None)


_KERNEL_TEXT = {"oom-kill": _oom, "hung-task": _hung, "lockup": _lockup, "oops": _oops,
                "panic": _panic, "io-error": _io, "fs-error": _fs, "read-only": _read_only,
                "segfault": _segfault, "link": _link, "conntrack-full": _conntrack,
                "clock": _clock, "netdev-leak": _netdev}


# --- units ----------------------------------------------------------------------------------------

def unit_findings(host: Host) -> Iterator[Finding]:
    container = host.container()
    failed_now: dict[str, tuple[str, int]] = {}
    listing = host.snapshot("failed-units")
    for path, snapshot in host.snapshots.get("failed-units", []):
        for unit in snapshot["units"]:
            failed_now[unit["unit"]] = (path, unit["line"])
    history: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, stats in host.logs:
        for name, unit in stats.get("units", {}).items():
            if name not in history or unit["failures"] + unit["restarts"] > \
                    history[name][1]["failures"] + history[name][1]["restarts"]:
                history[name] = (path, unit)
    for name in sorted(set(failed_now) | set(history)):
        if container and name in CONTAINER_NORMAL:
            continue
        yield _unit_finding(host, name, failed_now.get(name), history.get(name),
                            listing is not None)


def _unit_finding(host: Host, name: str, now: tuple[str, int] | None,
                  past: tuple[str, dict[str, Any]] | None, listed: bool) -> Finding:
    evidence = []
    if now:
        evidence.append(Evidence(now[0], LineLocator(now[1]), f"{name} failed"))
    unit = past[1] if past else {}
    if past:
        evidence += [Evidence(past[0], LineLocator(line["line"]), line["excerpt"])
                     for line in unit["lines"][:MAX_EVIDENCE - 1]]
    history = (f"{unit['failures']} failure(s), {unit['restarts']} restart(s), "
               f"{unit['start_limit_hits']} start-limit hit(s)" if past else "")
    if now:
        severity, state = Severity.HIGH, f"failed {_at(host)}"
    elif unit.get("recovered"):
        severity, state = Severity.INFO, "recovered: started again and stable since"
    elif unit.get("start_limit_hits"):
        severity, state = Severity.HIGH, "stopped by its start limit"
    elif unit.get("failures", 0) + unit.get("restarts", 0) >= 3:
        severity, state = Severity.HIGH, "failing repeatedly"
    else:
        severity = Severity.LOW if listed else Severity.MEDIUM
        state = "not failed at collection" if listed else "failed"
    last = (unit.get("last_failure") or {}) if unit else {}
    times = [parse_time(t) for t in (unit.get("first_failure"), last.get("time"))
             if isinstance(t, str)]
    results = ", ".join(f"{k} x{v}" for k, v in sorted(unit.get("results", {}).items()))
    exits = ", ".join(f"{k} x{v}" for k, v in sorted(unit.get("exits", {}).items()))
    return R.UNIT_FAILED.finding(
        f"{name}: {state}" + (f" ({history})" if history else "") + _on(host),
        analyzer=R.CROSS, severity=severity, count=max(1, unit.get("failures", 0)),
        first_seen=min(times) if times else None, last_seen=max(times) if times else None,
        evidence=evidence[:MAX_EVIDENCE],
        detail=(f"systemd says {name} is {state}."
                + (f" Results: {results}." if results else "")
                + (f" Exits: {exits}." if exits else "")),
        facts={"unit": name, "failed_at_collection": bool(now), **{
            k: unit.get(k) for k in ("failures", "restarts", "start_limit_hits", "recovered",
                                     "last_failure", "last_start")}},
        remediation=(f"journalctl -u {name} shows why it exits (the lines before each "
                     "failure); systemctl status shows its state now. A unit stopped by its "
                     "start limit stays down until reset (systemctl reset-failed)."))


# --- snapshots ------------------------------------------------------------------------------------

def _snapshot_finding(host: Host, rule, title: str, path: str, detail: str, facts: dict,
                      remediation: str, severity: Severity | None = None) -> Finding:
    return rule.finding(f"{title}{_on(host)} {_at(host)}", analyzer=R.CROSS, severity=severity,
                        first_seen=host.collected, last_seen=host.collected,
                        evidence=[Evidence(path, WholeLocator(), detail[:200])],
                        detail=detail, facts=facts, remediation=remediation)


def snapshot_findings(host: Host) -> Iterator[Finding]:
    yield from _disks(host)
    yield from _memory(host)
    yield from _load(host)
    yield from _sockets(host)
    yield from _clock_sync(host)
    yield from _settings(host)


def _disks(host: Host) -> Iterator[Finding]:
    for path, df in host.snapshots.get("df", []):
        what = "inodes" if df["inodes"] else "space"
        for fs in df["filesystems"]:
            if fs["use"] < DISK_WARN or fs["filesystem"].startswith(("/dev/loop", *_PSEUDO_FS)) \
                    or (fs["type"] or "").startswith(_PSEUDO_FS) \
                    or fs["mount"].startswith(_PSEUDO_MOUNTS):
                continue
            severity = Severity.HIGH if fs["use"] >= DISK_HIGH else Severity.MEDIUM
            yield _snapshot_finding(
                host, R.DISK_FULL, f"{fs['mount']} is {fs['use']}% full ({what})", path,
                f"{fs['filesystem']} on {fs['mount']}: {fs['use']}% of its {what} used "
                f"({fs['used']} used, {fs['available']} free).", {**fs, "what": what},
                "Free space (old logs, core dumps, caches) or grow the filesystem; a full "
                "filesystem fails writes, and databases and journals stop.", severity)


def _memory(host: Host) -> Iterator[Finding]:
    for command in ("meminfo", "free"):
        found = host.snapshot(command)
        if not found:
            continue
        path, values = found
        mem, swap = values.get("mem") or {}, values.get("swap") or {}
        total, available = mem.get("total"), mem.get("available")
        if total and available is not None and available < MEMORY_WARN * total:
            yield _snapshot_finding(
                host, R.MEMORY_LOW, f"Only {available / total:.0%} of memory available", path,
                f"{available / 2**20:.0f} MiB available of {total / 2**20:.0f} MiB.",
                {"total": total, "available": available},
                "Find the largest processes (ps aux --sort=-rss); the OOM killer acts when "
                "none is left.", Severity.HIGH if available < MEMORY_HIGH * total else None)
        if swap.get("total") and swap.get("used") and swap["used"] > swap["total"] / 2:
            yield _snapshot_finding(
                host, R.MEMORY_LOW, f"Swap {swap['used'] / swap['total']:.0%} used", path,
                f"{swap['used'] / 2**20:.0f} MiB of {swap['total'] / 2**20:.0f} MiB swap "
                "in use: memory pressure, and stalls for whatever was swapped out.", swap,
                "JVMs and databases stall when their memory is swapped: size them to fit in "
                "RAM.", Severity.MEDIUM)
        return


def _load(host: Host) -> Iterator[Finding]:
    found, cpus = host.snapshot("uptime"), host.cpus
    if not found or not cpus:
        return
    path, values = found
    per_cpu = max(values["load"][:2]) / cpus
    if per_cpu >= LOAD_WARN:
        yield _snapshot_finding(
            host, R.LOAD_HIGH, f"Load average {per_cpu:.1f} per CPU", path,
            f"load average {values['load']} on {cpus} CPU(s), up {values['up']}.",
            {"load": values["load"], "cpus": cpus, "per_cpu": round(per_cpu, 2)},
            "Runnable or I/O-blocked tasks queue for the CPUs: see top/vmstat for CPU "
            "versus I/O wait, and which processes.",
            Severity.HIGH if per_cpu >= LOAD_HIGH else None)


def _sockets(host: Host) -> Iterator[Finding]:
    found = host.snapshot("sockets")
    if not found:
        return
    path, values = found
    states = values["states"]
    close_wait = states.get("CLOSE-WAIT", 0)
    if close_wait >= CLOSE_WAIT_PILE:
        ports = ", ".join(f"{port} x{n}" for port, n in values["close_wait_by_port"].items())
        yield _snapshot_finding(
            host, R.SOCKETS, f"{close_wait} sockets in CLOSE_WAIT", path,
            f"The peer closed these connections but the application never did (by local "
            f"port: {ports}).", values,
            "The process owning that port leaks sockets (a connection not closed on an "
            "error path); it ends in 'Too many open files'.",
            Severity.HIGH if close_wait >= 10 * CLOSE_WAIT_PILE else None)
    time_wait = states.get("TIME-WAIT", 0)
    if time_wait >= TIME_WAIT_PILE:
        yield _snapshot_finding(
            host, R.SOCKETS, f"{time_wait} sockets in TIME_WAIT", path,
            "Many short-lived outgoing connections: ephemeral ports run out near 28,000 per "
            "destination.", values,
            "Reuse connections (keep-alive, pools); net.ipv4.tcp_tw_reuse helps outgoing "
            "connections.", Severity.LOW)


def _clock_sync(host: Host) -> Iterator[Finding]:
    found = host.snapshot("time-sync")
    if not found:
        return
    path, values = found
    offset = values.get("offset_seconds")
    if values.get("synchronized") is False or (offset is not None and offset >= CLOCK_OFFSET):
        state = "not synchronised" if values.get("synchronized") is False else \
            f"{offset:.2f} s off"
        yield _snapshot_finding(
            host, R.CLOCK, f"Clock {state} ({values['tool']})", path,
            f"{values['tool']} says the clock is {state}.", values,
            "Fix time sync (reachable NTP servers, chronyd/ntpd running): skewed clocks "
            "break TLS, Kerberos, distributed locks and the timeline of this bundle.")


def _settings(host: Host) -> Iterator[Finding]:
    for path, values in host.snapshots.get("sysctl", []):
        for key, (bites, why) in SYSCTLS.items():
            value = values["values"].get(key)
            if value is not None and bites(value):
                yield _snapshot_finding(host, R.SYSCTL, f"{key} = {value}", path,
                                        f"{key} = {value}: {why}.", {"key": key, "value": value},
                                        f"Review {key} ({why}).")
    for path, values in host.snapshots.get("ulimit", []):
        for flag, what in (("n", "open files"), ("u", "max user processes")):
            value = values["limits"].get(flag, "")
            if value.isdigit() and int(value) < 1024:
                yield _snapshot_finding(
                    host, R.LIMITS, f"ulimit {what} is {value}", path,
                    f"{what} limited to {value} for the collecting shell.",
                    {"limit": what, "value": int(value)},
                    "Servers need thousands of descriptors and threads; raise LimitNOFILE/"
                    "LimitNPROC for the service (systemd) or limits.conf.")
