"""Log formats, timestamps and levels, detected from content without configuration.

Used by the ``logs`` analyzer, the knowledge base and the UI's log viewer. ``detect(lines)``
looks at a sample of a file's first lines and returns the ``LogFormat`` that explains most
of them; ``LogFormat.parse(line)`` then splits each line into time, level, logger and
message, or returns ``None`` for a line that does not start a record (a stack frame, a
continuation). The modules, bottom up:

- ``levels``: the six levels, the words and letters logs write for them, and the level a
  message's own header writes (``message_level``).
- ``times``: timestamp formats, zones, the year of timestamps without one.
- ``digits``: ``digit_blind``, why lines of one shape can share one parse.
- ``model``: ``LogFormat``, the ``Record`` it reads, the ``Layout`` of a line shape and the
  ``FileClock`` a file's timestamps are read with.
- the formats themselves: ``dialects`` (timestamp first with a generic header, access logs,
  CRI, nginx, IIS), ``systems`` (syslog and journals, klog, dmesg, JVM GC, logcat,
  Windows), ``servers`` (PostgreSQL, Redis, MongoDB, HAProxy), ``jsonlines``, ``logfmt``,
  and ``stanzas`` (records of ``key=value`` lines: ``journalctl -o export``, Windows'
  ``wevtutil``/``Format-List``).
- ``detection``: ``detect``, which format a file is written in.
- ``rotation``: rotated files of one log, oldest first.
"""

from inspector.formats.logformat.detection import detect
from inspector.formats.logformat.digits import digit_blind
from inspector.formats.logformat.jsonlines import json_time
from inspector.formats.logformat.levels import (
    ERROR_RANK,
    LEVEL_ORDER,
    LEVEL_RANK,
    WARNING_RANK,
    level_from_status,
    message_level,
    normalize_level,
)
from inspector.formats.logformat.model import MAX_HEADER, FileClock, Layout, LogFormat, Record
from inspector.formats.logformat.rotation import rotation_key, stitch_order
from inspector.formats.logformat.times import (
    TIME_FORMATS,
    TimeFormat,
    TimeReader,
    build_time,
    from_micros,
    to_micros,
)

__all__ = [
    "ERROR_RANK",
    "LEVEL_ORDER",
    "LEVEL_RANK",
    "MAX_HEADER",
    "TIME_FORMATS",
    "WARNING_RANK",
    "FileClock",
    "Layout",
    "LogFormat",
    "Record",
    "TimeFormat",
    "TimeReader",
    "build_time",
    "detect",
    "digit_blind",
    "from_micros",
    "json_time",
    "level_from_status",
    "message_level",
    "normalize_level",
    "rotation_key",
    "stitch_order",
    "to_micros",
]
