"""The host analyzers: kernel logs, systemd journals and system snapshots.

``HostAnalyzer`` (``host``) reads each kernel log, journal and command output into stats;
``HostCrossAnalyzer`` (``host-cross``) groups them per host and makes every host finding,
so that one OOM kill seen in dmesg, kern.log and the journal is one finding, and snapshots
are judged at the collection time with the host's other facts beside them. The modules, in
the order the data flows:

- ``times``: a line's prefix (dmesg, ``dmesg -T``, syslog, journal) and the boot clock;
- ``kernel``: kernel messages into incidents; ``journal``: systemd unit lifecycle;
- ``snapshots``: command output (df, free, uptime, ss...) into values;
- ``hosts``: which artifacts are one host, its collection time, CPUs, container or not;
- ``judge``: the findings; ``analyzer``, ``cross``: the two analyzers; ``rules``.
"""

from analyzers.host.analyzer import HostAnalyzer
from analyzers.host.cross import HostCrossAnalyzer

__all__ = ["HostAnalyzer", "HostCrossAnalyzer"]
