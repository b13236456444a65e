"""Service lifecycle: when the servers support meets most started, stopped, crashed and
recovered, told from the lines they write about it, and the downtime in between.

``lifecycle_marker(message)`` recognises the lines a server writes when it starts, is
ready, is asked to stop, has stopped, crashes, or recovers from an unclean stop, for JVM
applications (Spring Boot, Tomcat), MySQL and MariaDB, PostgreSQL, Kafka, ZooKeeper,
Elasticsearch, nginx, RabbitMQ, Redis and MongoDB. ``Lifecycle`` follows each service
through its markers and tells its story: every restart with how it stopped (cleanly, in a
crash, or with no stop logged at all), when it was last seen before and when it started
again (the downtime), and how the log ends for it (running, stopped, crashed).

Decisions the next engineer needs:

- A marker is what the server itself says; no line is guessed from words like "failed".
  Markers are matched on a record's message (its header left out), and on the first
  lines under it when the message is empty (RabbitMQ writes its banner on the next line).
  The patterns treat all digits alike (``digit_blind``), so a line shape has one answer
  and the per-line loop asks once per shape.
- A start with no stop or crash before it, after the service had written records, is an
  unclean stop: the process ended without a word (killed, its host or container stopped).
  It was last seen at the start of the silence that ends at this start (``gaps``), else
  at the start itself.
- A start at the beginning of the log (within ``START_WINDOW`` of the service's first
  record, or its first 20 lines when there are no times) is its first start, not a
  restart; when the server says it recovers from an unclean stop there, the crash
  happened before the log begins, and that is said.
- Systemd's own lines (and init's and the kernel's) in a journal or syslog are the host's
  (``HOST_PROGRAMS``): unit starts, stops, failures and restart limits are judged by the
  host analyzer, so one root cause stays one finding; an initrd hand-off ("Starting
  Cleaning Up and Shutting Down Daemons") is not a restart. In those files a service is
  the program that writes the line (the syslog tag), elsewhere the whole file.
- Markers are taken in time order when all of them have a time (a log written out of
  order still tells one story), else in line order. A stop that the times put before a
  start but the file writes after it makes no restart: when some years are guessed (Redis
  writes none, its signal handler an epoch), neither order is sure.
- Three or more unclean restarts, each start within ``CRASH_LOOP_WINDOW`` of the one
  before, are a crash loop.
- Errors while a service starts are often its dependencies not being up yet (a cluster
  bootstrapping, a database still recovering). ``StartupWindows`` says whether something
  happened within ``START_WINDOW`` of a start (a start marker, or, in a journal of one
  program, systemd starting its unit) and whether the service then ran on for
  ``START_WINDOW`` without it: errors that only came during start-up and stopped once it
  settled are start-up noise, said at ``info``. Errors in steady state are not, nor are
  errors before a start that failed (the service crashed or aborted within
  ``START_WINDOW``): they are why it failed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

STARTING, READY, STOPPING, STOPPED, CRASHED, RECOVERING = (
    "starting", "ready", "stopping", "stopped", "crashed", "recovering")
HOST_PROGRAMS = frozenset({"systemd", "init", "kernel", "systemd-logind", "systemd-journald"})
CRASH_LOOP_WINDOW = timedelta(minutes=30)
# A start that announced itself but never said it was ready is a new start when the next
# announcement comes this much later (one start's announcements come within seconds).
START_TIMEOUT = timedelta(minutes=2)
# The silence before a start (``gaps``) that counts as the service being down ends at most
# this long before the start's first marker: the start-up lines come after it.
START_WINDOW = timedelta(minutes=5)
MARKER_CHARS = 300  # a marker is at the start of a message

# (service, phase, pattern). Patterns are searched in the message's first ``MARKER_CHARS``
# characters; no digit is literal.
_MARKERS: tuple[tuple[str, str, str], ...] = (
    # MySQL and MariaDB (5.x to 8.x, Percona, Galera)
    ("MySQL", STARTING, r"\b(?:mysqld|mariadbd)\b[^\n]{0,120} starting as process\b"),
    ("MySQL", STARTING, r"^mysqld (?:started|restarted)$|\bStarting mysqld daemon\b"),
    ("MySQL", READY, r"\b(?:mysqld|mariadbd): ready for connections\b"),
    ("MySQL", STOPPING, r"\b(?:mysqld|mariadbd): Normal shutdown\b|^Normal shutdown$"
                        r"|\bReceived SHUTDOWN from user\b"),
    ("MySQL", STOPPED, r"\b(?:mysqld|mariadbd): Shutdown complete\b|^mysqld ended$"
                       r"|\bmysqld from pid file \S{1,300} ended$"),
    ("MySQL", CRASHED, r"\bmysqld got (?:signal \d{1,3}|exception)\b|\bAssertion failure in "
                       r"thread\b|^Aborting$|\b(?:mysqld|mariadbd): Terminated\.$"),
    ("MySQL", RECOVERING, r"\bDatabase was not shut ?down normally\b|\bStarting crash "
                          r"recovery\b"),
    # PostgreSQL
    ("PostgreSQL", STARTING, r"^starting PostgreSQL \d|^database system was shut down at\b"),
    ("PostgreSQL", READY, r"^database system is ready to accept (?:read[ -]only )?connections"),
    ("PostgreSQL", STOPPING, r"^received (?:smart|fast|immediate) shutdown request"),
    ("PostgreSQL", STOPPED, r"^database system is shut down"),
    ("PostgreSQL", CRASHED, r"^(?:server|background worker \"[^\"\n]{1,100}\") process "
                            r"\(PID \d{1,10}\) was terminated by signal\b"
                            r"|^terminating any other active server processes"),
    ("PostgreSQL", RECOVERING, r"^database system was (?:not properly shut down; automatic "
                               r"recovery in progress|interrupted(?:;| while in recovery))"),
    # Kafka
    ("Kafka", STARTING, r"^starting \(kafka\.server\.Kafka(?:Server|RaftServer)\)"),
    # The header reader keeps or cuts the ``[KafkaServer id=1]`` group (a thread's place):
    # either way the line ends with the logger log4j's default layout writes.
    ("Kafka", READY, r"^\[Kafka ?Server(?: id=\d{1,10}|\s\d{1,10}\],?)\]? started\b"
                     r"|^\[KafkaRaftServer nodeId=\d{1,10}\] Kafka Server started"
                     r"|^(?:Kafka Server )?started \(kafka\.server\.Kafka(?:Raft)?Server\)"),
    ("Kafka", STOPPING, r"^\[Kafka ?Server(?: id=\d{1,10}|\s\d{1,10}\],?)\]? shutting down\b"
                        r"|^shutting down \(kafka\.server\.Kafka(?:Raft)?Server\)"),
    ("Kafka", STOPPED, r"^\[Kafka ?Server(?: id=\d{1,10}|\s\d{1,10}\],?)\]? shut down "
                       r"completed\b|^shut down completed \(kafka\.server\.Kafka(?:Raft)?"
                       r"Server\)"),
    ("Kafka", CRASHED, r"^Fatal error during Kafka ?Server (?:startup|shutdown)"
                       r"|^Exiting Kafka due to fatal exception|^Halting broker\b"),
    # ZooKeeper
    ("ZooKeeper", STARTING, r"^Starting quorum peer\b|^Starting server$"),
    ("ZooKeeper", STOPPED, r"^ZooKeeper server is shut ?down\b|^shutdown of request "
                           r"processor complete"),
    # Elasticsearch and OpenSearch: the node's own one-word lines
    ("Elasticsearch", STARTING, r"^(?:initializing|starting) \.\.\.$"),
    ("Elasticsearch", READY, r"^started$"),
    ("Elasticsearch", STOPPING, r"^(?:stopping|closing) \.\.\.$"),
    ("Elasticsearch", STOPPED, r"^(?:stopped|closed)$"),
    ("Elasticsearch", CRASHED, r"^fatal error in thread \[|^uncaught exception in thread \[|"
                               r"^fatal exception while booting"),
    # nginx (its error log)
    ("nginx", READY, r"^start worker processes$"),
    ("nginx", STOPPING, r"^signal \d{1,3} \(SIG(?:TERM|INT|QUIT)\) received, (?:exiting|"
                        r"shutting down)|^gracefully shutting down$"),
    ("nginx", STOPPED, r"^exit$"),
    # RabbitMQ
    ("RabbitMQ", STARTING, r"^\s{0,4}Starting RabbitMQ \d"),
    ("RabbitMQ", READY, r"^Server startup complete\b"),
    ("RabbitMQ", STOPPING, r"^RabbitMQ is asked to stop\b|^Stopping RabbitMQ applications\b"),
    ("RabbitMQ", STOPPED, r"^Successfully stopped RabbitMQ\b|^Halting Erlang VM\b"),
    # Redis
    ("Redis", STARTING, r"\bRedis is starting\b|^Server started, Redis version\b"),
    ("Redis", READY, r"^(?:The server is now )?[Rr]eady to accept connections\b"),
    ("Redis", STOPPING, r"^Received SIG(?:TERM|INT) scheduling shutdown|^User requested "
                        r"shutdown"),
    ("Redis", STOPPED, r"^Redis is now ready to exit, bye bye"),
    ("Redis", CRASHED, r"\bRedis \S{1,40} crashed by signal\b|REDIS BUG REPORT START"),
    # MongoDB
    ("MongoDB", STARTING, r"^MongoDB starting\b"),
    ("MongoDB", READY, r"^waiting for connections on port\b|^Waiting for connections$"),
    ("MongoDB", STOPPING, r"^got signal \d{1,3} \((?:Terminated|Interrupt)\)"),
    ("MongoDB", STOPPED, r"^dbexit: "),
    ("MongoDB", CRASHED, r"^Fatal Assertion\b|^Got signal: \d{1,3} \((?:Segmentation fault|"
                         r"Aborted)\)|^Invalid access at address"),
    # JVM applications: Spring Boot, Tomcat, the JVM itself
    ("the application", STARTING, r"^Starting \S{1,100} (?:v\S{1,40} )?(?:using Java|on \S{1,200}"
                                  r" with PID)\b|^Server version name:"),
    ("the application", READY, r"^Started \S{1,100} in \d{1,10}(?:\.\d{1,10})? seconds\b"
                               r"|^Server startup in\b"),
    ("the application", STOPPING, r"^Commencing graceful shutdown\b|^Stopping service "
                                  r"\[Catalina\]|^Closing (?:Root )?WebApplicationContext\b"),
    ("the application", STOPPED, r"^Graceful shutdown complete\b|^Destroying ProtocolHandler\b"),
    ("the application", CRASHED, r"\bTerminating due to java\.lang\.OutOfMemoryError\b"
                                 r"|^# A fatal error has been detected by the Java Runtime"
                                 r"|^Application run failed$|^APPLICATION FAILED TO START$"),
)


def _alternatives(pattern: str) -> list[str]:
    """``pattern`` cut at its top-level ``|``."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    return [*parts, pattern[start:]]


def _compile(anchored: bool) -> re.Pattern[str]:
    """The alternatives of every marker that start at the message's start (``anchored``),
    or the others; each group is named ``m<marker index>_<n>``."""
    return re.compile("|".join(
        f"(?P<m{index}_{n}>{alternative})"
        for index, (_, _, pattern) in enumerate(_MARKERS)
        for n, alternative in enumerate(_alternatives(pattern))
        if alternative.startswith("^") == anchored))


# Most markers are said at the message's start: tried there only (``match``), which fails
# in a few steps, while the few said anywhere are searched for. One search over all of them
# tried every alternative at every position: 150 µs a line, most of the cost of a file
# whose every line is new.
_AT_START = _compile(anchored=True)
_ANYWHERE = _compile(anchored=False)
# A word every match of ``_ANYWHERE`` holds (a test checks each alternative names one): a
# message without any is not searched, which is most of them.
ANYWHERE_WORDS = ("mysqld", "mariadbd", "Starting", "SHUTDOWN", "Assertion failure",
                  "Database was not shut", "Redis", "REDIS BUG", "Terminating due to java")


@dataclass(frozen=True, slots=True)
class Marker:
    """What one line says about its service's lifecycle."""

    service: str
    phase: str


MARKERS = tuple(Marker(service, phase) for service, phase, _ in _MARKERS)
# For tests: they must treat all digits alike.
MARKER_PATTERN = _AT_START.pattern + "|" + _ANYWHERE.pattern
ANYWHERE_ALTERNATIVES = _alternatives(_ANYWHERE.pattern)


def lifecycle_marker(message: str) -> Marker | None:
    """The lifecycle marker ``message`` (a record's message, header left out) is, if any.

    >>> lifecycle_marker("/usr/sbin/mysqld (mysqld 8.0.28-19.1) starting as process 17")
    Marker(service='MySQL', phase='starting')
    >>> lifecycle_marker("Failed to start the service") is None
    True
    """
    found = _AT_START.match(message, 0, MARKER_CHARS)
    head = message[:MARKER_CHARS]
    anywhere = _ANYWHERE.search(head) if any(word in head for word in ANYWHERE_WORDS) \
        else None
    if anywhere is not None and (found is None or (anywhere.start() == 0 and
                                 _index(anywhere) < _index(found))):
        found = anywhere
    return MARKERS[_index(found)] if found is not None else None


def _index(found: re.Match[str]) -> int:
    return int(found.lastgroup.partition("_")[0][1:])  # type: ignore[union-attr]


@dataclass(slots=True)
class Sighting:
    """A marker seen on one line."""

    time: datetime | None
    line: int
    marker: Marker
    program: str | None
    text: str
    last_error: tuple[datetime | None, int, str] | None = None


@dataclass(slots=True)
class Restart:
    """One stop-and-start of a service.

    Attributes:
        stop: ``clean`` (it said it stopped), ``crash`` (it said it failed: a signal, an
            abort, an assertion) or ``unlogged`` (nothing: it was killed or its host went
            away).
        down_from, down_line, down_text: when and where it was last seen up (the stop or
            crash line, else the last line before the silence).
        started, start_line, start_text: the start line.
        recovery_line: where the server said it recovers from an unclean stop, if it did.
        cause: the last error before a crash, if any.
    """

    service: str
    program: str | None
    stop: str
    down_from: datetime | None
    down_line: int
    down_text: str
    started: datetime | None
    start_line: int
    start_text: str
    recovery_line: int | None = None
    cause: tuple[datetime | None, int, str] | None = None

    @property
    def clean(self) -> bool:
        return self.stop == "clean" and self.recovery_line is None

    @property
    def downtime(self) -> timedelta | None:
        if self.down_from is None or self.started is None or self.started < self.down_from:
            return None
        return self.started - self.down_from


@dataclass(slots=True)
class Ending:
    """How the log ends for a service that stopped: ``clean`` or ``crash``."""

    service: str
    program: str | None
    stop: str
    time: datetime | None
    line: int
    text: str
    cause: tuple[datetime | None, int, str] | None = None


@dataclass(slots=True)
class _Service:
    name: str
    program: str | None
    state: str = "unknown"  # unknown, starting, up, stopping, stopped, crashed
    started: datetime | None = None
    start: Sighting | None = None
    stop: Sighting | None = None
    stop_kind: str = ""
    cause: tuple[datetime | None, int, str] | None = None
    restart: Restart | None = None


@dataclass
class Lifecycle:
    """The lifecycle of one file's services (see the module doc).

    Attributes:
        sightings: every marker seen, in line order.
        restarts: every restart, in order (after ``close``).
        endings: services stopped or crashed at the end of the log (after ``close``).
    """

    sightings: list[Sighting] = field(default_factory=list)
    restarts: list[Restart] = field(default_factory=list)
    endings: list[Ending] = field(default_factory=list)

    def close(self, first_seen: dict[str | None, tuple[datetime | None, int]],
              gaps: list[tuple[datetime, datetime, int]]) -> None:
        """Tell the story from the sightings. ``first_seen[None]`` is the time and line of
        the file's first record, ``gaps`` the file's silences (start, end, line of the
        record that ends it), in line order."""
        sightings = self.sightings
        if all(s.time is not None for s in sightings):
            sightings = sorted(sightings, key=lambda s: (s.time, s.line))
        services: dict[tuple[str | None, str], _Service] = {}
        gap_lines = [line for _, _, line in gaps]
        for sighting in sightings:
            key = (sighting.program, sighting.marker.service)
            service = services.get(key)
            if service is None:
                service = services[key] = _Service(sighting.marker.service, sighting.program)
            # A program of a journal or syslog is first seen where it first starts.
            first = (None, sighting.line) if sighting.program is not None else \
                first_seen.get(None) or (None, 1)
            self._step(service, sighting, first, (gaps, gap_lines))
        for service in services.values():
            if service.state in ("stopped", "crashed") and service.stop is not None:
                stop = service.stop
                self.endings.append(Ending(service.name, service.program, service.stop_kind,
                                           stop.time, stop.line, stop.text, service.cause))

    def _step(self, service: _Service, sighting: Sighting,
              first: tuple[datetime | None, int], gaps: _Gaps) -> None:
        phase = sighting.marker.phase
        if phase in (STARTING, READY):
            starting_again = service.state == "starting" and phase == STARTING and \
                sighting.time is not None and service.started is not None and \
                sighting.time - service.started > START_TIMEOUT
            # A start announced while up, or a ready line while down, is a new start.
            new = service.state != "starting" if phase == STARTING else \
                service.state not in ("starting", "up")
            if new or starting_again:
                self._start(service, sighting, first, gaps)
            if phase == READY:
                service.state = "up"
        elif phase == RECOVERING:
            if service.state != "starting":
                # PostgreSQL's first line of a start may be its recovery ("database system
                # was interrupted"): a server recovering is starting again.
                self._start(service, sighting, first, gaps)
            if service.state in ("starting", "up"):
                if service.restart is None and service.start is not None:
                    # The log's first start, but the server says the stop before it was not
                    # clean: the crash happened before the log begins.
                    start = service.start
                    service.restart = Restart(service.name, service.program, "unlogged", None,
                                              start.line, "", start.time, start.line,
                                              start.text)
                    self.restarts.append(service.restart)
                if service.restart is not None and service.restart.recovery_line is None:
                    service.restart.recovery_line = sighting.line
        elif phase == STOPPING:
            if service.state != "crashed":
                service.state, service.stop, service.stop_kind = "stopping", sighting, "clean"
        elif phase == STOPPED:
            if service.state != "crashed":
                service.state, service.stop, service.stop_kind = "stopped", sighting, "clean"
        elif phase == CRASHED and service.state != "crashed":
            service.state, service.stop, service.stop_kind = "crashed", sighting, "crash"
            service.cause = sighting.last_error

    def _start(self, service: _Service, sighting: Sighting,
               first: tuple[datetime | None, int], gaps: _Gaps) -> None:
        previous, stop = service.state, service.stop
        service.state, service.started, service.restart = "starting", sighting.time, None
        service.start = sighting
        if previous == "unknown" and _at_beginning(sighting, first):
            return
        if stop is not None and stop.line > sighting.line:
            # The times put the stop first, the file the start: with a year guessed for
            # some of them (Redis writes none), neither order is sure, so no restart is said.
            service.stop, service.stop_kind, service.cause = None, "", None
            return
        if stop is not None and previous in ("stopping", "stopped", "crashed"):
            kind = service.stop_kind if previous != "stopping" or stop.marker.phase != \
                STOPPING else "clean"
            restart = Restart(service.name, service.program, kind, stop.time, stop.line,
                              stop.text, sighting.time, sighting.line, sighting.text,
                              cause=service.cause if kind == "crash" else None)
        else:
            down_from, down_line = _last_seen(sighting, gaps)
            cause = sighting.last_error
            if cause is None or cause[1] > down_line or (
                    cause[0] is not None and down_from is not None
                    and down_from - cause[0] > START_WINDOW):
                cause = None
            restart = Restart(service.name, service.program, "unlogged", down_from, down_line,
                              "", sighting.time, sighting.line, sighting.text, cause=cause)
        service.stop, service.stop_kind, service.cause = None, "", None
        service.restart = restart
        self.restarts.append(restart)


_Gaps = tuple[list[tuple[datetime, datetime, int]], list[int]]


def _at_beginning(start: Sighting, first: tuple[datetime | None, int]) -> bool:
    """Whether a start is the service's first, at the beginning of the log."""
    first_time, first_line = first
    if start.time is not None and first_time is not None:
        return start.time - first_time <= START_WINDOW
    return start.line - first_line <= 20


def _last_seen(start: Sighting, gaps: _Gaps) -> tuple[datetime | None, int]:
    """When a service that stopped without a word was last seen: the start of the last
    silence that ends shortly before its start (see the module doc). Silences are in line
    order and, measured from the latest time seen, in time order too."""
    silences, lines = gaps
    if start.time is None:
        return None, max(1, start.line - 1)
    index = bisect_right(lines, start.line) - 1
    while index >= 0:
        silence_start, silence_end, line = silences[index]
        if start.time - silence_end > START_WINDOW:
            break
        if silence_end <= start.time:
            return silence_start, max(1, line - 1)
        index -= 1
    return start.time, max(1, start.line - 1)


def crash_loop(restarts: list[Restart]) -> bool:
    """Three or more unclean restarts in a row, each within ``CRASH_LOOP_WINDOW``."""
    run, previous = 0, None
    for restart in restarts:
        close = previous is not None and restart.started is not None and \
            timedelta(0) <= restart.started - previous <= CRASH_LOOP_WINDOW
        if restart.clean:
            run = 0
        else:
            run = run + 1 if close or run == 0 else 1
            if run >= 3:
                return True
        previous = restart.started
    return False


def start_times(sightings: list[Sighting]) -> list[datetime]:
    """When the services started, leaving out the starts that failed: a crash or an abort
    of the service within ``START_WINDOW`` (MySQL refusing to bootstrap, then
    ``Aborting``). Errors before a failed start are its cause, not start-up noise."""
    crashes: dict[tuple[str | None, str], list[datetime]] = {}
    for sighting in sightings:
        if sighting.time is not None and sighting.marker.phase == CRASHED:
            crashes.setdefault((sighting.program, sighting.marker.service), []).append(
                sighting.time)
    for times in crashes.values():
        times.sort()
    starts = []
    for sighting in sightings:
        if sighting.time is None or sighting.marker.phase not in (STARTING, READY):
            continue
        times = crashes.get((sighting.program, sighting.marker.service), [])
        index = bisect_left(times, sighting.time)
        if index < len(times) and times[index] - sighting.time <= START_WINDOW:
            continue
        starts.append(sighting.time)
    return starts


class StartupWindows:
    """When a file's services started, to tell start-up noise (see the module doc).

    Attributes:
        starts: the start times, sorted.
        end: the time of the file's last record.
    """

    def __init__(self, starts: list[datetime], end: datetime | None) -> None:
        self.starts = sorted(starts)
        self.end = end

    def during_startup(self, moment: datetime) -> bool:
        """Whether ``moment`` is within ``START_WINDOW`` after a start."""
        index = bisect_right(self.starts, moment) - 1
        return index >= 0 and moment - self.starts[index] <= START_WINDOW

    def settled(self, first: datetime | None, last: datetime | None) -> bool:
        """Whether something seen from ``first`` to ``last`` came only during start-up
        (its first and last time each within a start-up window) and the log runs on for
        ``START_WINDOW`` after it."""
        if first is None or last is None or self.end is None or not self.starts:
            return False
        return self.during_startup(first) and self.during_startup(last) and \
            self.end - last >= START_WINDOW
