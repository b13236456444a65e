"""systemd unit lifecycle from ``journalctl`` output: failures, restarts, start-limit hits,
and whether the unit recovered.

``UnitTracker.feed(number, prefix)`` takes the lines ``times.split_line`` prefixed;
``units()`` says, per unit, what happened. Only systemd's own lines are read (``systemd[1]``
or a user manager); the services' own messages are the ``logs`` analyzer's. Decisions the
next engineer needs:

- **Recovered**: a unit whose last failure is followed by a successful start and no failure
  for ``STABLE_FOR`` (and a quarter of the journal's span) until the journal's end was in
  trouble once (a bootstrap crash loop) and is running now. ``Started <description>``
  names the description, not the unit: the description is learnt from systemd's own
  pairings (``<unit>: Scheduled restart job`` then ``Stopped <description>``;
  ``<unit>: Failed with result`` then ``Failed to start <description>``) and from the
  catalog lines ``--catalog`` adds (``A start job for unit X has finished successfully``).
- The journal's end is its ``-- Logs begin at ..., end at ... --`` header when written,
  else its last line.

>>> from analyzers.host.times import split_line
>>> tracker = UnitTracker()
>>> for n, text in enumerate([
...         "Feb 11 19:03:14 h systemd[1]: kp.service: Main process exited, code=exited, "
...         "status=1/FAILURE",
...         "Feb 11 19:03:14 h systemd[1]: kp.service: Failed with result 'exit-code'.",
...         "Feb 11 19:03:15 h systemd[1]: kp.service: Scheduled restart job, restart "
...         "counter is at 1.",
...         "Feb 11 19:03:15 h systemd[1]: Stopped Kube proxy.",
...         "Feb 11 19:03:15 h systemd[1]: Started Kube proxy.",
...         "Feb 11 19:20:00 h kube-proxy[7]: serving"], 1):
...     tracker.feed(n, split_line(text, 2022))
>>> unit = tracker.units()["kp.service"]
>>> unit["failures"], unit["restarts"], unit["recovered"]
(1, 1, True)
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from analyzers.host.times import Prefix

STABLE_FOR = timedelta(minutes=5)
MAX_UNITS = 500
MAX_LINES = 5

_UNIT = r"(?P<unit>[\w@.:\\-]+\.(?:service|socket|mount|timer|path|target|scope|swap|device|" \
        r"automount|slice))"
_FAILED = re.compile(rf"^{_UNIT}: Failed with result '(?P<result>[\w-]+)'|"
                     rf"^Unit {_UNIT.replace('unit', 'old')} entered failed state|"
                     rf"^{_UNIT.replace('unit', 'bare')} failed\.$")
_EXITED = re.compile(rf"^{_UNIT}: Main process exited, code=(?P<code>\w+), "
                     r"status=(?P<status>[\w/]+)")
_RESTART = re.compile(rf"^{_UNIT}: (?:Scheduled restart job(?:, restart counter is at "
                      r"(?P<counter>\d+))?|holdoff time over, scheduling restart)")
_LIMIT = re.compile(rf"^{_UNIT}: Start request repeated too quickly")
_STARTED = re.compile(r"^Started (?:(?P<unit>\S+\.\w+) - )?(?P<description>.+?)\.?$")
_STOPPED = re.compile(r"^Stopped (?:(?P<unit>\S+\.\w+) - )?(?P<description>.+?)\.?$")
_FAILED_START = re.compile(r"^Failed to start (?:(?P<unit>\S+\.\w+) - )?(?P<description>.+?)\.?$")
_CATALOG_OK = re.compile(rf"^-- A start job for unit {_UNIT} has finished successfully")
_HEADER = re.compile(r"^-- (?:Logs begin at|Journal begins at) \w{3} (?P<begin>[\d-]+ [\d:]+) "
                     r"(?P<zone>\w+)?, (?:end at|ends at) \w{3} (?P<end>[\d-]+ [\d:]+)")


class UnitTracker:
    """Per unit, its failures, restarts, start-limit hits and last good start (module doc).

    Attributes:
        end: the journal's end (its header), else the time of its last line.
        begin: its beginning, the same way.
        lines: systemd lines read.
    """

    def __init__(self) -> None:
        self._units: dict[str, dict[str, Any]] = {}
        self._descriptions: dict[str, str] = {}
        self._last_unit: tuple[str, str] | None = None  # (unit, what) of the last unit line
        self._last_time: datetime | None = None
        self.begin: datetime | None = None
        self.end: datetime | None = None
        self.header_end = False
        self.lines = 0

    def header(self, text: str) -> int | None:
        """Read a ``-- Logs begin at ... end at ... --`` header; its year, if it is one."""
        match = _HEADER.match(text)
        if not match:
            return None
        try:
            self.begin = datetime.fromisoformat(match["begin"] + "+00:00")
            self.end = datetime.fromisoformat(match["end"] + "+00:00")
            self.header_end = True
        except ValueError:
            return None
        return self.begin.year

    def _unit(self, name: str) -> dict[str, Any] | None:
        unit = self._units.get(name)
        if unit is None:
            if len(self._units) >= MAX_UNITS:
                return None
            unit = self._units[name] = {
                "failures": 0, "restarts": 0, "start_limit_hits": 0, "exits": {},
                "results": {}, "first_failure": None, "last_failure": None,
                "last_start": None, "lines": []}
        return unit

    def _note(self, unit: dict[str, Any], number: int, text: str, time: datetime | None) -> None:
        if len(unit["lines"]) < MAX_LINES:
            unit["lines"].append({"line": number, "excerpt": text[:200],
                                  "time": _iso(time)})

    def feed(self, number: int, prefix: Prefix) -> None:
        message, time = prefix.message, prefix.time
        if time is not None:
            self._last_time = time
            if not self.header_end:
                self.begin = self.begin or time
                self.end = time
        if message.startswith("-- A start job"):
            catalog = _CATALOG_OK.match(message)
            if catalog:
                self._started(catalog["unit"], self._last_time, number)
            return
        if prefix.ident != "systemd":
            return
        self.lines += 1
        self._lifecycle(number, message, time)

    def _lifecycle(self, number: int, message: str, time: datetime | None) -> None:
        failed = _FAILED.match(message)
        if failed:
            name = failed["unit"] or failed["old"] or failed["bare"]
            unit = self._unit(name)
            if unit is not None:
                result = failed["result"] or "failed"
                unit["results"][result] = unit["results"].get(result, 0) + 1
                if result != "start-limit-hit":
                    unit["failures"] += 1
                unit["first_failure"] = unit["first_failure"] or _iso(time) or number
                unit["last_failure"] = {"line": number, "time": _iso(time), "result": result}
                self._note(unit, number, message, time)
            self._last_unit = (name, "failed")
            return
        for pattern, key in ((_EXITED, "exit"), (_RESTART, "restart"), (_LIMIT, "limit")):
            match = pattern.match(message)
            if match:
                unit = self._unit(match["unit"])
                if unit is not None:
                    if key == "exit":
                        status = f"{match['code']}/{match['status']}"
                        unit["exits"][status] = unit["exits"].get(status, 0) + 1
                    elif key == "restart":
                        unit["restarts"] += 1
                    else:
                        unit["start_limit_hits"] += 1
                        self._note(unit, number, message, time)
                self._last_unit = (match["unit"], key)
                return
        self._descriptive(number, message, time)

    def _descriptive(self, number: int, message: str, time: datetime | None) -> None:
        for pattern, what in ((_STOPPED, "stopped"), (_FAILED_START, "failed-start"),
                              (_STARTED, "started")):
            match = pattern.match(message)
            if not match:
                continue
            description = match["description"]
            named = match["unit"]
            if named:
                self._descriptions[description] = named
            elif self._last_unit and ((what == "stopped" and self._last_unit[1] == "restart")
                                      or (what == "failed-start"
                                          and self._last_unit[1] == "failed")):
                self._descriptions.setdefault(description, self._last_unit[0])
            if what == "started":
                self._started(named or self._descriptions.get(description), time, number)
            self._last_unit = None
            return
        self._last_unit = None

    def _started(self, name: str | None, time: datetime | None, number: int) -> None:
        unit = self._units.get(name) if name else None
        if unit is not None:
            unit["last_start"] = {"line": number, "time": _iso(time)}

    def units(self) -> dict[str, dict[str, Any]]:
        """Every unit in trouble, with ``recovered`` decided (see the module doc)."""
        out = {}
        for name, unit in sorted(self._units.items()):
            if not (unit["failures"] or unit["restarts"] or unit["start_limit_hits"]):
                continue
            unit = dict(unit)
            unit["recovered"] = self._recovered(unit)
            out[name] = unit
        return out

    def _recovered(self, unit: dict[str, Any]) -> bool:
        last_failure, last_start = unit["last_failure"], unit["last_start"]
        if last_failure is None:
            return last_start is not None
        if last_start is None or last_start["line"] < last_failure["line"]:
            return False
        if self.end is None or last_start["time"] is None:
            return True
        started = datetime.fromisoformat(last_start["time"])
        stable = self.end - started
        span = (self.end - self.begin) if self.begin else timedelta(0)
        return stable >= STABLE_FOR and stable >= span / 4


def _iso(time: datetime | None) -> str | None:
    return time.isoformat() if time else None
