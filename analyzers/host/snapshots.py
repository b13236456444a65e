"""System snapshots: the output of ``df``, ``free``, ``/proc/meminfo``, ``uptime``,
``ss``/``netstat``, ``ulimit -a``, ``chronyc tracking``/``ntpq -p``/``timedatectl``,
``sysctl -a``, ``systemctl list-units --failed``, ``date``, ``hostname``, ``nproc``/
``lscpu``/``/proc/cpuinfo``, read into plain values.

``read_snapshot(name, text)`` tells the command from its output (its header, its shape),
the member's name only breaking ties, and returns ``{"command": ..., ...values}`` or None.
Nothing is judged here: ``cross`` judges the values at the bundle's collection time, with
the host's other snapshots beside them (cores for the load, a container for failed units).

>>> read_snapshot("uptime", " 09:39:55 up 11:01,  1 user,  load average: 2.00, 1.45, 1.28")
{'command': 'uptime', 'load': [2.0, 1.45, 1.28], 'up': '11:01'}
>>> read_snapshot("df", "Filesystem 1K-blocks Used Available Use% Mounted on\\n"
...               "/dev/sda1 100 96 4 96% /\\n")["filesystems"][0]["use"]
96
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

MAX_ROWS = 200

_DF = re.compile(r"^Filesystem\s+(?:1K-blocks|1M-blocks|Size|Inodes|Type|\d+[KM]?-blocks)")
_DF_ROW = re.compile(r"^(?P<fs>\S+)\s+(?:(?P<type>[a-z][\w.]*)\s+)?(?P<size>\S+)\s+"
                     r"(?P<used>\S+)\s+(?P<avail>\S+)\s+(?P<use>\d+|-)%?\s+(?P<mount>/.*)$")
_FREE = re.compile(r"^\s+total\s+used\s+free")
_UPTIME = re.compile(r"up\s+(?P<up>.+?),\s+(?:\d+ users?,\s+)?load averages?:\s*"
                     r"(?P<l1>[\d.,]+),?\s+(?P<l5>[\d.,]+),?\s+(?P<l15>[\d.,]+)")
_SS = re.compile(r"^(?:Netid\s+)?State\s+Recv-Q\s+Send-Q|^Proto\s+Recv-Q\s+Send-Q")
_TCP_STATES = ("ESTAB", "ESTABLISHED", "LISTEN", "CLOSE-WAIT", "CLOSE_WAIT", "TIME-WAIT",
               "TIME_WAIT", "SYN-SENT", "SYN_SENT", "SYN-RECV", "SYN_RECV", "FIN-WAIT-1",
               "FIN-WAIT-2", "FIN_WAIT1", "FIN_WAIT2", "LAST-ACK", "LAST_ACK", "CLOSING",
               "UNCONN")
_ULIMIT = re.compile(r"^(?P<what>[a-z][a-z ()-]+?)\s+\((?:[^)]*)-(?P<flag>\w)\)\s+(?P<value>\S+)")
_CHRONY = re.compile(r"^(?P<key>Leap status|System time|Last offset|Reference ID)\s*:\s*"
                     r"(?P<value>.+)$", re.M)
_TIMEDATECTL = re.compile(r"^\s*(?:System clock synchronized|NTP synchronized):\s*(\w+)", re.M)
_SYSCTL = re.compile(r"^(?P<key>[a-z][\w.\-/]+)\s*=\s*(?P<value>.*)$")
_UNIT_ROW = re.compile(r"^[*●\s]*(?P<unit>\S+\.(?:service|socket|mount|timer|path|target|"
                       r"scope|swap|device|automount|slice))\s+(?P<load>\S+)\s+"
                       r"(?P<active>\S+)\s+(?P<sub>\S+)")
_DATE = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?P<month>\w{3}) +(?P<day>\d+) "
                   r"(?P<clock>\d\d:\d\d:\d\d) (?P<zone>[A-Z]{2,5}|[+-]\d{4}) (?P<year>\d{4})\s*$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4, "P": 1024 ** 5}


def _amount(text: str, unit_bytes: int = 1024) -> int | None:
    """``1048576`` (KiB by default), ``15Gi``, ``2.5G``, ``512M`` in bytes."""
    match = re.match(r"^(\d+(?:[.,]\d+)?)([KMGTP]?)i?B?$", text)
    if not match:
        return None
    number = float(match.group(1).replace(",", "."))
    return int(number * (_UNITS[match.group(2)] if match.group(2) else unit_bytes))


def read_snapshot(name: str, text: str) -> dict[str, Any] | None:
    """The values of one command's output (see the module doc), or None."""
    lines = [line.rstrip() for line in text.splitlines()]
    head = next((line for line in lines if line.strip()), "")
    lowered = name.lower()
    for test, reader in _READERS:
        if test(head, lowered, text):
            values = reader(lines)
            if values is not None:
                return values
    return None


def _df(lines: list[str]) -> dict[str, Any]:
    inodes = "Inodes" in lines[0] if lines else False
    rows, pending = [], ""
    for line in lines[1:]:
        if not line.strip():
            continue
        if len(line.split()) == 1:  # df wraps a long device name onto its own line
            pending = line.strip()
            continue
        match = _DF_ROW.match(f"{pending} {line.strip()}" if pending else line)
        pending = ""
        if match and match["use"] != "-" and len(rows) < MAX_ROWS:
            rows.append({"filesystem": match["fs"], "type": match["type"],
                         "size": match["size"], "used": match["used"],
                         "available": match["avail"], "use": int(match["use"]),
                         "mount": match["mount"]})
    return {"command": "df", "inodes": inodes, "filesystems": rows}


def _free(lines: list[str]) -> dict[str, Any] | None:
    values: dict[str, Any] = {"command": "free"}
    header = lines[0].split() if lines else []
    for line in lines[1:]:
        parts = line.split()
        if parts and parts[0] in ("Mem:", "Swap:"):
            row = dict(zip(header, (_amount(p) for p in parts[1:]), strict=False))
            values[parts[0][:-1].lower()] = row
    if "mem" not in values:
        return None
    return values


def _meminfo(lines: list[str]) -> dict[str, Any]:
    fields = {}
    for line in lines:
        key, _, value = line.partition(":")
        number = value.strip().split()
        if number and number[0].isdigit():
            fields[key.strip()] = int(number[0]) * (1024 if value.strip().endswith("kB") else 1)
    mem = {"total": fields.get("MemTotal"), "available": fields.get("MemAvailable")}
    swap = {"total": fields.get("SwapTotal"),
            "used": (fields["SwapTotal"] - fields["SwapFree"])
            if "SwapTotal" in fields and "SwapFree" in fields else None}
    return {"command": "meminfo", "mem": mem, "swap": swap,
            "committed": fields.get("Committed_AS"), "commit_limit": fields.get("CommitLimit")}


def _uptime(lines: list[str]) -> dict[str, Any] | None:
    for line in lines:
        match = _UPTIME.search(line)
        if match:
            loads = [float(match[k].replace(",", ".").rstrip(".")) for k in ("l1", "l5", "l15")]
            return {"command": "uptime", "load": loads, "up": match["up"].strip()}
    return None


def _sockets(lines: list[str]) -> dict[str, Any]:
    states: Counter[str] = Counter()
    close_wait_ports: Counter[str] = Counter()
    listeners = []
    for line in lines[1:]:
        parts = line.split()
        state = next((p for p in parts[:6] if p in _TCP_STATES), None)
        if state is None:
            continue
        state = state.replace("_", "-").replace("ESTABLISHED", "ESTAB")
        state = {"FIN-WAIT1": "FIN-WAIT-1", "FIN-WAIT2": "FIN-WAIT-2"}.get(state, state)
        states[state] += 1
        addresses = [p for p in parts if re.search(r"[:.](\d+|\*)$", p)]
        if state == "CLOSE-WAIT" and addresses:
            close_wait_ports[addresses[0].rsplit(":", 1)[-1].rsplit(".", 1)[-1]] += 1
        elif state == "LISTEN" and addresses and len(listeners) < MAX_ROWS:
            listeners.append(addresses[0])
    return {"command": "sockets", "states": dict(states),
            "close_wait_by_port": dict(close_wait_ports.most_common(10)),
            "listeners": listeners}


def _ulimit(lines: list[str]) -> dict[str, Any] | None:
    limits = {}
    for line in lines:
        match = _ULIMIT.match(line)
        if match:
            limits[match["flag"]] = match["value"]
    return {"command": "ulimit", "limits": limits} if limits else None


def _time_sync(lines: list[str]) -> dict[str, Any] | None:
    text = "\n".join(lines)
    values: dict[str, Any] = {"command": "time-sync"}
    chrony = dict((m["key"], m["value"].strip()) for m in _CHRONY.finditer(text))
    if chrony:
        values["tool"] = "chrony"
        values["synchronized"] = chrony.get("Leap status", "").lower() != "not synchronised"
        offset = re.match(r"([\d.]+) seconds (fast|slow)", chrony.get("System time", ""))
        if offset:
            values["offset_seconds"] = float(offset.group(1))
        return values
    sync = _TIMEDATECTL.findall(text)
    if sync:
        values.update(tool="timedatectl", synchronized=sync[0] == "yes")
        return values
    if re.search(r"^\s+remote\s+refid\s+st", text, re.M):
        peers = [line for line in lines[2:] if line.strip()]
        values.update(tool="ntpq", synchronized=any(p.startswith("*") for p in peers))
        selected = next((p.split() for p in peers if p.startswith("*")), None)
        if selected and len(selected) >= 9:
            with contextlib.suppress(ValueError):
                values["offset_seconds"] = abs(float(selected[8])) / 1000
        return values
    return None


def _sysctl(lines: list[str]) -> dict[str, Any] | None:
    values = {}
    for line in lines:
        match = _SYSCTL.match(line.strip())
        if match and not line.lstrip().startswith(("#", ";")):
            values[match["key"].replace("/", ".")] = match["value"].strip()
    return {"command": "sysctl", "values": values} if len(values) >= 3 else None


def _failed_units(lines: list[str]) -> dict[str, Any]:
    units = []
    for line in lines[1:]:
        match = _UNIT_ROW.match(line)
        if match and (match["active"] == "failed" or match["sub"] == "failed"):
            units.append({"unit": match["unit"], "line": lines.index(line) + 1})
    return {"command": "failed-units", "units": units}


def _date(lines: list[str]) -> dict[str, Any] | None:
    match = _DATE.match(lines[0].strip()) if lines else None
    if not match or match["month"] not in _MONTHS:
        return None
    hour, minute, second = (int(p) for p in match["clock"].split(":"))
    moment = datetime(int(match["year"]), _MONTHS.index(match["month"]) + 1, int(match["day"]),
                      hour, minute, second, tzinfo=UTC)
    return {"command": "date", "time": moment.isoformat().replace("+00:00", "Z"),
            "zone": match["zone"], "utc": match["zone"] in ("UTC", "GMT", "+0000")}


def _cpus(lines: list[str]) -> dict[str, Any] | None:
    processors = sum(1 for line in lines if re.match(r"^processor\s*:", line))
    if processors:
        return {"command": "cpus", "cpus": processors}
    for line in lines:
        match = re.match(r"^CPU\(s\):\s+(\d+)$", line)
        if match:
            return {"command": "cpus", "cpus": int(match.group(1))}
    if len(lines) == 1 and lines[0].strip().isdigit():
        return {"command": "cpus", "cpus": int(lines[0].strip())}
    return None


def _hostname(lines: list[str]) -> dict[str, Any] | None:
    name = lines[0].strip() if lines else ""
    return {"command": "hostname", "hostname": name} if re.match(r"^[\w.-]+$", name) else None


_READERS = (
    (lambda head, name, text: bool(_DF.match(head)), _df),
    (lambda head, name, text: bool(_FREE.match(head)), _free),
    (lambda head, name, text: head.startswith("MemTotal:"), _meminfo),
    (lambda head, name, text: "load average" in head, _uptime),
    (lambda head, name, text: bool(_SS.match(head)), _sockets),
    (lambda head, name, text: "(-n)" in text and "(-u)" in text, _ulimit),
    (lambda head, name, text: "chrony" in name or "ntpq" in name or "timedatectl" in name
     or head.startswith(("Reference ID", "     remote")), _time_sync),
    (lambda head, name, text: ("list-units" in name and "failed" in name)
     or bool(re.match(r"^\s*UNIT\s+LOAD\s+ACTIVE\s+SUB", head)), _failed_units),
    (lambda head, name, text: name.startswith("sysctl") or (name.endswith(".conf") is False
     and "sysctl" in name), _sysctl),
    (lambda head, name, text: bool(_DATE.match(head.strip())), _date),
    (lambda head, name, text: name in ("nproc", "lscpu", "cpuinfo") or head.startswith(
        ("processor", "Architecture:")), _cpus),
    (lambda head, name, text: name in ("hostname", "hostname_-f"), _hostname),
)
