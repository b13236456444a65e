"""Kernel messages: what each one means, and one ``Incident`` per thing that happened.

``KernelReader.feed(number, message, time)`` takes one kernel message (its prefix already
taken off by ``times``) and returns the incidents it finishes; a report that spans lines
(an OOM kill's ``invoked oom-killer`` ... ``Killed process``, a hung task and its call
trace) is one incident. Decisions the next engineer needs:

- **Who is to blame** is said plainly: a user-space ``segfault`` or ``traps:`` line is a
  crash of that program (its binary named), never a kernel bug; an I/O error on a loop,
  ram or zram device (a snap image, a squashfs) is not a disk failure and is only counted;
  AppArmor ``DENIED`` lines are confinement at work, counted, never raised; link changes of
  virtual interfaces (veth, bridges, CNI, tap) are containers coming and going.
- An incident has an ``identity``: the same OOM kill, hung task or disk seen in dmesg,
  kern.log and the journal of one host is one finding (``cross`` merges by identity).

>>> reader = KernelReader()
>>> reader.feed(1, "Memory cgroup out of memory: Kill process 1012 (heapster) score 1035", None)
[]
>>> incident = reader.feed(2, "Killed process 1012 (heapster) total-vm:327128kB, "
...                        "anon-rss:306328kB, file-rss:11132kB", None)[0]
>>> incident.kind, incident.identity, incident.facts["anon_rss_kb"], incident.facts["memcg"]
('oom-kill', 'oom-kill:1012:heapster', 306328, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_FRAMES = 4
_REPORT_LINES = 60

_INVOKED = re.compile(r"(?P<who>\S+) invoked oom-killer: .*order=(?P<order>-?\d+)")
_OOM_KILL_LINE = re.compile(
    r"oom-kill:constraint=(?P<constraint>\w+).*?(?:,oom_memcg=(?P<memcg>[^,]*))?"
    r"(?:,task_memcg=(?P<task_memcg>[^,]*))?,task=(?P<task>[^,]*),pid=(?P<pid>\d+)")
_CHOSEN = re.compile(r"(?P<scope>Memory cgroup out of memory|Out of memory(?: \([^)]*\))?): "
                     r"Kill(?:ed)? process (?P<pid>\d+) \((?P<name>[^)]*)\)")
_KILLED = re.compile(r"Killed process (?P<pid>\d+) \((?P<name>[^)]*)\) total-vm:(?P<vm>\d+)kB,"
                     r" anon-rss:(?P<anon>\d+)kB, file-rss:(?P<file>\d+)kB"
                     r"(?:, shmem-rss:(?P<shmem>\d+)kB)?")
_MEMCG_USAGE = re.compile(r"^memory: usage (\d+)kB, limit (\d+)kB")
# A task name with a newline byte in it splits the report's first line in two.
_HUNG = re.compile(r"(?:INFO: task )?(?P<task>.+?):(?P<pid>\d+) blocked for more than "
                   r"(?P<seconds>\d+) seconds")
_SOFT_LOCKUP = re.compile(r"BUG: soft lockup - CPU#(?P<cpu>\d+) stuck for (?P<seconds>\d+)s! "
                          r"\[(?P<task>.+):(?P<pid>\d+)\]")
_HARD_LOCKUP = re.compile(r"(?:Watchdog detected hard LOCKUP on cpu (?P<cpu>\d+)|"
                          r"rcu_\w+ (?:self-)?detected (?:stalls|stall) on CPU)")
_OOPS = re.compile(r"BUG: (?:unable to handle (?:kernel )?(?P<what>NULL pointer dereference|"
                   r"paging request)|kernel NULL pointer dereference|scheduling while atomic|"
                   r"KASAN|Dentry .* still in use)|^(?:divide error|general protection fault|"
                   r"invalid opcode): [0-9a-f]+ \[#\d+\]|^kernel BUG at (?P<where>\S+)!|^Oops: ")
_PANIC = re.compile(r"Kernel panic - not syncing: (?P<reason>.*)")
_COMM = re.compile(r"^CPU: (?P<cpu>\d+) PID: (?P<pid>\d+) Comm: (?P<comm>\S+)")
_RIP = re.compile(r"^(?:RIP|IP|PC is at|pc :)[: ]\s*(?:\S*:)?(?:\[<[0-9a-f]+>\]\s*)*"
                  r"(?:\[<[0-9a-f]+>\]\s*)?(?P<function>[\w.]+)\+0x[0-9a-f]+/0x[0-9a-f]+"
                  r"(?: \[(?P<module>\w+)\])?")
_FRAME = re.compile(r"^\s*(?:\[<[0-9a-f]+>\]\s*)?(?P<unsure>\? )?(?P<function>[\w.]+)"
                    r"\+0x[0-9a-f]+/0x[0-9a-f]+")
_IO_ERROR = re.compile(r"(?:I/O error|critical medium error|critical target error),? dev "
                       r"(?P<device>[\w-]+), sector (?P<sector>\d+)|"
                       r"Buffer I/O error on (?:dev|device) (?P<buffer>[\w-]+)|"
                       r"end_request: I/O error, dev (?P<old>[\w-]+)|"
                       r"\[(?P<scsi>sd\w+)\] .*(?:FAILED Result|Medium Error|Unrecovered read)")
_FS_ERROR = re.compile(r"(?:EXT[234]-fs error \(device (?P<ext>[\w-]+)\)|"
                       r"XFS \((?P<xfs>[\w-]+)\): (?:Corruption|metadata I/O error|"
                       r"Filesystem has been shut down|xfs_do_force_shutdown)|"
                       r"BTRFS (?:error|critical) \(device (?P<btrfs>[\w-]+)\)|"
                       r"Aborting journal on device (?P<jbd>[\w-]+))")
_READ_ONLY = re.compile(r"(?:EXT[234]-fs \((?P<device>[\w-]+)\): )?Remounting filesystem "
                        r"read-only")
_SEGFAULT = re.compile(r"(?P<process>\S+)\[(?P<pid>\d+)\]: segfault at (?P<address>[0-9a-f]+) "
                       r"ip (?P<ip>[0-9a-f]+) sp [0-9a-f]+ error (?P<error>\d+)"
                       r"(?: in (?P<binary>[^\[\s]+)\[)?")
_TRAP = re.compile(r"traps: (?P<process>\S+)\[(?P<pid>\d+)\] (?P<trap>general protection|"
                   r"trap divide error|trap invalid opcode|trap int3)[^ ]* ip:(?P<ip>[0-9a-f]+)"
                   r"(?:.* in (?P<binary>[^\[\s]+)\[)?")
_LINK = re.compile(r"(?P<iface>[\w.@-]+):? (?:NIC )?[Ll]ink (?:is )?(?P<state>[Dd]own|[Uu]p)\b")
_VIRTUAL_IFACE = re.compile(r"^(?:veth|docker|br-|virbr|cali|cni|flannel|lxc|lxd|tap|tun|vnet|"
                            r"weave|kube|cilium|vxlan|genev|wg|lo$|vif|gre|ip6tnl|sit)")
_CONNTRACK = re.compile(r"nf_conntrack: (?:nf_conntrack: )?table full, dropping packet")
_CLOCK = re.compile(r"Marking clocksource '(?P<source>\w+)' as unstable|"
                    r"Marking TSC unstable|clocksource: timekeeping watchdog")
_NETDEV = re.compile(r"unregister_netdevice: waiting for (?P<iface>\S+) to become free\. "
                     r"Usage count = (?P<count>\d+)")
_APPARMOR = re.compile(r'apparmor="DENIED"')
_LOOPISH = re.compile(r"^(?:loop|ram|zram|sr|nbd|md127$)")


@dataclass(slots=True)
class Incident:
    """One thing the kernel reported (an OOM kill, a hung task, a disk error...).

    Attributes:
        kind: ``oom-kill``, ``hung-task``, ``lockup``, ``oops``, ``panic``, ``io-error``,
            ``fs-error``, ``read-only``, ``segfault``, ``link-down``, ``conntrack-full``,
            ``clock-unstable``, ``netdev-leak``.
        identity: the same thing seen in another file has the same identity.
        line, end_line, time: where and when (UTC, when the source's time is known).
        excerpt: the line that says it; facts: what matters (victim, device, binary...).
    """

    kind: str
    identity: str
    line: int
    excerpt: str
    time: datetime | None = None
    end_line: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "identity": self.identity, "line": self.line,
                "end_line": self.end_line or self.line, "excerpt": self.excerpt[:240],
                "time": self.time.isoformat().replace("+00:00", "Z") if self.time else None,
                "facts": self.facts}


class KernelReader:
    """One source's kernel messages in, incidents out (see the module doc).

    Attributes:
        counts: noise counted, never raised: ``apparmor_denied``, ``loop_io_errors``,
            ``virtual_link_changes``.
    """

    def __init__(self) -> None:
        self.counts = {"apparmor_denied": 0, "loop_io_errors": 0, "virtual_link_changes": 0}
        self._report: Incident | None = None
        self._report_lines = 0
        self._oom: dict[str, Any] = {}

    def feed(self, number: int, message: str, time: datetime | None) -> list[Incident]:
        done: list[Incident] = []
        if self._report is not None:
            if self._context(message):
                return done
            self._report_lines += 1
            if self._report_lines > _REPORT_LINES:
                done.append(self._report)
                self._report = None
        incident = self._match(number, message, time)
        if incident is None:
            return done
        if incident.kind in ("hung-task", "lockup", "oops", "panic"):
            if self._report is not None and self._report.kind == incident.kind == "oops":
                return done  # "BUG: unable to handle..." then "Oops: 0000 [#1]": one oops
            if self._report is not None:
                done.append(self._report)
            self._report, self._report_lines = incident, 0
            return done
        return [*done, incident]

    def close(self) -> list[Incident]:
        report, self._report = self._report, None
        return [report] if report else []

    def _context(self, message: str) -> bool:
        """Take a line of the open report (call trace, registers); False when it is not."""
        report = self._report
        assert report is not None
        comm = _COMM.match(message)
        if comm and "comm" not in report.facts:
            report.facts.update(comm=comm["comm"], pid=int(comm["pid"]), cpu=int(comm["cpu"]))
            return True
        rip = _RIP.match(message)
        if rip and "function" not in report.facts:
            report.facts["function"] = rip["function"]
            if rip["module"]:
                report.facts["module"] = rip["module"]
            return True
        frame = _FRAME.match(message)
        if frame:
            # Old kernels mark every frame of a hung task's trace unsure ("? "): keep those
            # when there is nothing better.
            key = "unsure_frames" if frame["unsure"] else "frames"
            frames = report.facts.setdefault(key, [])
            if len(frames) < MAX_FRAMES \
                    and not frame["function"].startswith(("__schedule", "schedule", "dump_stack",
                                                          "__pfx")):
                frames.append(frame["function"])
            if key == "frames":
                report.facts.pop("unsure_frames", None)
            elif report.facts.get("frames"):
                report.facts.pop("unsure_frames")
            return True
        return False

    def _match(self, number: int, message: str, time: datetime | None) -> Incident | None:
        if _APPARMOR.search(message):
            self.counts["apparmor_denied"] += 1
            return None
        if "oom" in message or "Kill" in message or "memory" in message:
            found = self._oom_line(number, message, time)
            if found is not False:
                return found  # type: ignore[return-value]
        for kind, pattern, build in _DETECTORS:
            match = pattern.search(message)
            if match:
                return build(self, kind, match, number, message, time)
        return None

    def _oom_line(self, number: int, message: str, time: datetime | None):
        invoked = _INVOKED.search(message)
        if invoked:
            self._oom = {"invoked_by": invoked["who"], "order": int(invoked["order"])}
            return None
        kill = _OOM_KILL_LINE.search(message)
        if kill:
            self._oom.update(constraint=kill["constraint"], task_memcg=kill["task_memcg"],
                             oom_memcg=kill["memcg"])
            return None
        usage = _MEMCG_USAGE.match(message)
        if usage:
            self._oom.update(memcg_usage_kb=int(usage.group(1)),
                             memcg_limit_kb=int(usage.group(2)))
            return None
        chosen = _CHOSEN.search(message)
        if chosen:
            self._oom.update(memcg=chosen["scope"].startswith("Memory cgroup"),
                             chosen_line=number)
        killed = _KILLED.search(message)
        if chosen and not killed:
            return None
        if killed:
            facts = {"pid": int(killed["pid"]), "process": killed["name"],
                     "total_vm_kb": int(killed["vm"]), "anon_rss_kb": int(killed["anon"]),
                     "file_rss_kb": int(killed["file"]), **self._oom}
            facts.setdefault("memcg", bool(facts.get("task_memcg") or facts.get("oom_memcg")))
            first = facts.pop("chosen_line", number)
            self._oom = {}
            return Incident("oom-kill", f"oom-kill:{killed['pid']}:{killed['name']}", first,
                            message, time, number, facts)
        return False


def _hung(self, kind, match, number, message, time):
    return Incident(kind, f"hung-task:{match['task']}:{match['pid']}", number, message, time,
                    facts={"task": match["task"], "pid": int(match["pid"]),
                           "seconds": int(match["seconds"])})


def _lockup(self, kind, match, number, message, time):
    facts = {k: v for k, v in match.groupdict().items() if v}
    return Incident(kind, f"lockup:{facts.get('cpu', '?')}:{facts.get('task', '')}", number,
                    message, time, facts={"hard": "LOCKUP" in message or "rcu" in message,
                                          **facts})


def _oops(self, kind, match, number, message, time):
    return Incident(kind, f"oops:{number}", number, message, time,
                    facts={"what": message.strip()[:120]})


def _panic(self, kind, match, number, message, time):
    return Incident(kind, f"panic:{match['reason'][:60]}", number, message, time,
                    facts={"reason": match["reason"].strip()})


def _io(self, kind, match, number, message, time):
    device = match["device"] or match["buffer"] or match["old"] or match["scsi"]
    if _LOOPISH.match(device):
        self.counts["loop_io_errors"] += 1
        return None
    return Incident(kind, f"io-error:{device}", number, message, time,
                    facts={"device": device, "sector": match["sector"]})


def _fs(self, kind, match, number, message, time):
    device = next(v for v in match.groupdict().values() if v)
    return Incident(kind, f"fs-error:{device}", number, message, time, facts={"device": device})


def _read_only(self, kind, match, number, message, time):
    device = match["device"] or "?"
    return Incident(kind, f"read-only:{device}", number, message, time, facts={"device": device})


def _segfault(self, kind, match, number, message, time):
    binary = (match["binary"] if "binary" in match.groupdict() else None) or match["process"]
    what = match.groupdict().get("trap") or "segfault"
    return Incident(kind, f"segfault:{match['process']}:{binary}", number, message, time,
                    facts={"process": match["process"], "pid": int(match["pid"]),
                           "binary": binary, "what": what, "ip": match["ip"]})


def _link(self, kind, match, number, message, time):
    iface = match["iface"]
    if _VIRTUAL_IFACE.match(iface):
        self.counts["virtual_link_changes"] += 1
        return None
    return Incident(kind, f"link:{iface}", number, message, time,
                    facts={"iface": iface, "state": match["state"].lower()})


def _plain(self, kind, match, number, message, time):
    facts = {k: v for k, v in match.groupdict().items() if v}
    return Incident(kind, f"{kind}:{facts.get('iface', facts.get('source', ''))}", number,
                    message, time, facts=facts)


_DETECTORS = (
    ("panic", _PANIC, _panic),
    ("hung-task", _HUNG, _hung),
    ("lockup", _SOFT_LOCKUP, _lockup),
    ("lockup", _HARD_LOCKUP, _lockup),
    ("oops", _OOPS, _oops),
    ("read-only", _READ_ONLY, _read_only),
    ("fs-error", _FS_ERROR, _fs),
    ("io-error", _IO_ERROR, _io),
    ("segfault", _SEGFAULT, _segfault),
    ("segfault", _TRAP, _segfault),
    ("link", _LINK, _link),
    ("conntrack-full", _CONNTRACK, _plain),
    ("clock-unstable", _CLOCK, _plain),
    ("netdev-leak", _NETDEV, _plain),
)
