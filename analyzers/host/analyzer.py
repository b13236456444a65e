"""``HostAnalyzer`` (``host``): kernel logs, journals and system snapshots, read one artifact
at a time into stats that the bundle-level ``host-cross`` analyzer judges.

- A kernel log (``kernel_log``: dmesg, ``dmesg -T``, kern.log, console logs) and the
  kernel lines of a journal go through ``kernel.KernelReader``: the stats list every
  incident (OOM kill, hung task, lockup, oops, panic, I/O and filesystem errors, read-only
  remount, segfault, link down, conntrack full, clock trouble, netdev leak) with its line,
  time and facts, and count the noise (AppArmor denials, loop-device errors).
- A journal (``journal``) also goes through ``journal.UnitTracker`` for systemd unit
  failures, restarts and start-limit hits; clock steps (chronyd, ntpd, systemd's "Time has
  been changed") become clock incidents.
- Command output (``command_output``) is read by ``snapshots.read_snapshot``.

Times: dmesg's seconds since boot become UTC when the ring buffer carries an anchor
(``times.BootClock``); syslog and journal lines without a year get the journal header's
year, else the year of the member's modification time (the collection), a line that would
fall after it belonging to the year before. Events (one per incident and unit failure with
a time) go on the timeline; ``time_zone`` says whether the source wrote its zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from analyzers.host.journal import UnitTracker
from analyzers.host.kernel import Incident, KernelReader
from analyzers.host.rules import ANALYZER, CROSS_RULES, KERNEL_RULES
from analyzers.host.snapshots import read_snapshot
from analyzers.host.times import BootClock, Prefix, split_line
from inspector.formats.textlines import TextLines
from inspector.model import ArtifactKind, Event, EventSource, LineLocator, Severity
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats

MAX_INCIDENTS = 500
MAX_EVENTS = 300
SNAPSHOT_BYTES = 4 << 20
PROGRESS_LINES = 200_000

_CLOCK_STEP = re.compile(r"System clock wrong by (?P<wrong>[-\d.]+) seconds|"
                         r"System clock was stepped by (?P<stepped>[-\d.]+) seconds|"
                         r"time reset (?P<reset>[-+\d.]+) s|^Time has been changed")
_VIRTUALIZATION = re.compile(r"Detected virtualization (?P<what>[\w-]+)")
_LXD_PROFILE = re.compile(r'(?:profile|label)="lxd-(?P<name>[\w.-]+?)_<')


class HostAnalyzer:
    """The ``host`` analyzer (see the module doc)."""

    name = ANALYZER
    kinds = frozenset({ArtifactKind.KERNEL_LOG, ArtifactKind.JOURNAL,
                       ArtifactKind.COMMAND_OUTPUT})
    rules = CROSS_RULES

    def analyze(self, source: ArtifactSource,
                context: AnalysisContext) -> Iterator[AnalyzerItem]:
        if source.artifact.kind is ArtifactKind.COMMAND_OUTPUT:
            yield from self._snapshot(source, context)
        else:
            yield from self._log(source, context)

    def _snapshot(self, source: ArtifactSource,
                  context: AnalysisContext) -> Iterator[AnalyzerItem]:
        with source.open() as stream:
            data = stream.read(SNAPSHOT_BYTES)
        name = source.artifact.path.replace("!/", "/").rsplit("/", 1)[-1]
        values = read_snapshot(name, data.decode("utf-8", "replace"))
        context.progress(1.0)
        yield Stats(snapshot=values)

    def _log(self, source: ArtifactSource,
             context: AnalysisContext) -> Iterator[AnalyzerItem]:
        artifact = source.artifact
        journal = artifact.kind is ArtifactKind.JOURNAL
        collected = artifact.modified
        year = (collected or datetime.now(UTC)).year
        kernel, units, boot = KernelReader(), UnitTracker(), BootClock()
        incidents: list[Incident] = []
        seen: dict[str, Any] = {"lxd_profiles": set(), "virtualization": None, "hosts": set(),
                                "zone_written": False, "timed": 0}
        with source.open() as stream:
            lines = TextLines(stream)
            for number, text in lines:
                if number % PROGRESS_LINES == 0:
                    context.check_cancelled()
                    context.progress(min(1.0, lines.bytes_read / max(1, artifact.size)))
                if text.startswith("-- "):
                    header_year = units.header(text) if journal else None
                    if header_year:
                        year, seen["zone_written"] = header_year, True
                    elif journal:
                        units.feed(number, Prefix(text))
                    continue
                prefix = split_line(text, year)
                if prefix.time is not None and collected is not None \
                        and prefix.time > collected + timedelta(days=2) and not journal:
                    prefix = split_line(text, year - 1)
                if prefix.time is not None:
                    seen["timed"] += 1
                if prefix.host and len(seen["hosts"]) < 5:
                    seen["hosts"].add(prefix.host)
                if journal:
                    units.feed(number, prefix)
                    self._journal_extras(number, prefix, incidents, seen)
                if prefix.ident in (None, "kernel"):
                    boot.observe(prefix.message, prefix.uptime)
                    if "lxd-" in prefix.message and len(seen["lxd_profiles"]) < 50:
                        seen["lxd_profiles"].update(_LXD_PROFILE.findall(prefix.message))
                    for incident in kernel.feed(number, prefix.message, prefix.time):
                        self._keep(incident, prefix.uptime, incidents)
        for incident in kernel.close():
            incidents.append(incident)
        self._warn(artifact.path, lines, context)
        context.progress(1.0)
        self._place(incidents, boot)
        yield from self._events(artifact.path, incidents, units)
        yield Stats(self._stats(journal, incidents, kernel, units, boot, seen))

    @staticmethod
    def _keep(incident: Incident, uptime: float | None, incidents: list[Incident]) -> None:
        if uptime is not None:
            incident.facts.setdefault("uptime", uptime)
        if len(incidents) < MAX_INCIDENTS:
            incidents.append(incident)

    @staticmethod
    def _journal_extras(number: int, prefix: Prefix, incidents: list[Incident],
                        seen: dict[str, Any]) -> None:
        message = prefix.message
        if prefix.ident == "systemd" and "virtualization" in message:
            found = _VIRTUALIZATION.search(message)
            if found:
                seen["virtualization"] = found["what"]
        if prefix.ident not in ("kernel", None):
            step = _CLOCK_STEP.search(message)
            if step and len(incidents) < MAX_INCIDENTS:
                amount = next((v for v in step.groupdict().values() if v), None)
                incidents.append(Incident(
                    "clock-jump", f"clock-jump:{number}", number, message, prefix.time,
                    facts={"seconds": float(amount) if amount else None,
                           "by": prefix.ident}))

    @staticmethod
    def _place(incidents: list[Incident], boot: BootClock) -> None:
        for incident in incidents:
            if incident.time is None:
                incident.time = boot.at(incident.facts.get("uptime"))

    @staticmethod
    def _events(path: str, incidents: list[Incident],
                units: UnitTracker) -> Iterator[Event]:
        count = 0
        for incident in incidents:
            if incident.time is None or count >= MAX_EVENTS:
                continue
            rule = KERNEL_RULES[incident.kind]
            severity = Severity.INFO if incident.kind == "link" and \
                incident.facts.get("state") == "up" else rule.severity
            yield Event(incident.time, path, LineLocator(incident.line), severity,
                        EventSource.LOG, incident.excerpt[:200])
            count += 1
        for name, unit in units.units().items():
            for line in unit["lines"]:
                if line["time"] and count < MAX_EVENTS:
                    yield Event(datetime.fromisoformat(line["time"]), path,
                                LineLocator(line["line"]),
                                Severity.LOW if unit["recovered"] else Severity.HIGH,
                                EventSource.LOG, f"{name}: {line['excerpt'][:160]}")
                    count += 1

    @staticmethod
    def _warn(path: str, lines: TextLines, context: AnalysisContext) -> None:
        if lines.error:
            context.warn(f"{path}: reading stopped early ({lines.error}); kept what was read")
        if lines.invalid_utf8:
            context.warn(f"{path}: {lines.invalid_utf8:,} lines with invalid UTF-8 (replaced)")

    @staticmethod
    def _stats(journal: bool, incidents: list[Incident], kernel: KernelReader,
               units: UnitTracker, boot: BootClock, seen: dict[str, Any]) -> dict[str, Any]:
        stats: dict[str, Any] = {
            "incidents": [incident.to_json() for incident in incidents],
            "noise": kernel.counts,
            "boot": boot.boot.isoformat().replace("+00:00", "Z") if boot.boot else None,
            "boot_from": boot.how,
            "hosts": sorted(seen["hosts"]),
            "lxd_profiles": sorted(seen["lxd_profiles"]),
            "time_zone": "explicit" if seen["zone_written"] or not seen["timed"]
            else "unknown",
        }
        if journal:
            stats["units"] = units.units()
            stats["journal"] = {"begin": units.begin.isoformat() if units.begin else None,
                                "end": units.end.isoformat() if units.end else None,
                                "end_from_header": units.header_end}
            stats["virtualization"] = seen["virtualization"]
        return stats
