"""What a text member is: a log, a journal, a kernel log, a JVM artefact, Kubernetes material,
command output, a configuration file, a document, or plain text.

``classify_text(head, path)`` decides from the member's first bytes (decoded to UTF-8 by the
caller) and its place in the bundle. The rule a person would apply, in that order:

1. **Unmistakable content** wins over everything: a HAR, a slow log, an SQL dump header, a
   JVM thread dump, a GC log, a journalctl export, a kernel ring buffer, a whole JSON
   document (Kubernetes objects and lists are ``kubernetes``), kubectl's describe and get
   output.
2. **Place**: a sosreport's ``sos_commands/`` and the ``proc/`` and ``sys/`` snapshots hold
   command output; ``etc/`` holds configuration. Bundles are copies of hosts, so these
   folders mean the same in every collector.
3. **Shape**: the output of common commands (``df``, ``free``, ``ps``, ``ss``, ``uptime``,
   ``lsmod``...), configuration syntax (``key = value``, ``[section]``, comments), YAML.
4. **A log** is text whose lines carry a time the log formats can read
   (``inspector.formats.logformat.detect``), or levels, or a log's name.

Configuration and command output are never read as logs: a ``# disk full`` comment in a
``storage.conf`` or a module listing is not an error. The bundle reader calls this only for
text; binary data, captures and archives are decided before, from magic bytes.

>>> classify_text(b"[    0.000000] Linux version 5.4.0-99-generic\\n" * 3, "dmesg")
<ArtifactKind.KERNEL_LOG: 'kernel_log'>
>>> classify_text(b"[2016-12-19 19:27:47,123] ERROR Error when sending\\n", "server.log")
<ArtifactKind.LOG: 'log'>
>>> classify_text(b"# cache\\nsize = 10\\n[server]\\nport = 8080\\n", "host/etc/app/app.conf")
<ArtifactKind.CONFIG: 'config'>
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from inspector.formats.logformat import detect
from inspector.model import ArtifactKind

# --- unmistakable content ----------------------------------------------------------------------

_SQL_DUMP_HEADER = re.compile(
    rb"^(?:\xef\xbb\xbf)?-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|"
    rb"Dumped from database version|phpMyAdmin SQL Dump)",
    re.MULTILINE,
)
_SQL_STATEMENT = re.compile(
    rb"^\s*(?:CREATE\s+(?:TABLE|INDEX|UNIQUE|VIEW|SEQUENCE|FUNCTION|SCHEMA|DATABASE|TYPE|"
    rb"EXTENSION|TRIGGER|OR\s+REPLACE)|INSERT\s+INTO|ALTER\s+TABLE|DROP\s+TABLE|SET\s+\w+|"
    rb"COPY\s+\S+.*FROM\s+stdin|LOCK\s+TABLES|USE\s+`?\w+)",
    re.IGNORECASE | re.MULTILINE,
)
_SLOW_LOG = re.compile(rb"^# (?:Query_time|User@Host):", re.MULTILINE)
_SLOW_LOG_HEADER = re.compile(rb"started with:\s*\n(?:Tcp port|Time\s+Id)", re.MULTILINE)
_POSTGRES_LINE = re.compile(
    rb"(?:LOG|ERROR|FATAL|PANIC|WARNING|STATEMENT|DETAIL|HINT|CONTEXT|NOTICE):  "
)
_HAR_LOG = re.compile(rb'^\s*\{\s*"log"\s*:\s*\{')
_HAR_KEYS = re.compile(rb'"(?:entries|creator|pages)"\s*:')

# jstack / kill -3 / jcmd Thread.print, JDK 8 to 25.
_THREAD_DUMP_HEADER = re.compile(rb"^(?:Full thread dump |Thread dump from jcmd )", re.MULTILINE)
_THREAD_LINE = re.compile(rb'^"[^"\n]{1,300}" (?:#\d+ )?.{0,200}?(?:prio=\d+|tid=0x|nid=0x)',
                          re.MULTILINE)
_THREAD_STATE = re.compile(rb"^\s+java\.lang\.Thread\.State: ", re.MULTILINE)

# JDK 8 -XX:+PrintGCDetails / -verbose:gc, and JDK 9+ unified logging (-Xlog:gc*).
_GC_LINE = re.compile(
    rb"\[(?:Full GC|GC[ (]|GC pause|GC concurrent|CMS-|ParNew|PSYoungGen)"
    rb"|Total time for which application threads were stopped"
    rb"|^(?:\[[^\]\n]{1,40}\]){1,5}\[(?:info|debug|trace|warning|error) *\]\[gc[\],]",
    re.MULTILINE)

_JOURNAL_HEADER = re.compile(rb"^-- (?:Logs begin at |Journal begins at |No entries --)")
_JOURNAL_FIELDS = re.compile(rb'"(?:__REALTIME_TIMESTAMP|_SYSTEMD_UNIT|__CURSOR)"\s*:|'
                             rb"^__CURSOR=|^__REALTIME_TIMESTAMP=", re.MULTILINE)

# The kernel ring buffer: dmesg's seconds since boot, or ``dmesg -T``'s wall clock.
# The caller id (``[T41]``, ``[C3]``) follows the time with CONFIG_PRINTK_CALLER. Apache's
# error log also starts with a ctime in brackets, but a bracketed level follows it.
_DMESG_LINE = re.compile(rb"^(?:<\d>)?\[\s*\d{1,8}\.\d{3,9}\](?:\[\s*[CT]\d+\])? |"
                         rb"^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} [ \d]\d \d\d:\d\d:\d\d "
                         rb"\d{4}\] (?!\[)")
# What only the kernel writes, for console logs and excerpts without timestamps.
_KERNEL_MESSAGE = re.compile(
    rb"out of memory: Kill(?:ed)? process|^Killed process \d+|invoked oom-killer|"
    rb"INFO: task \S+ blocked for more than|BUG: (?:unable to handle|soft lockup|"
    rb"scheduling while atomic|kernel NULL pointer)|^Oops: |Kernel panic - not syncing|"
    rb"divide error: \d+ \[#\d+\]|^Call Trace:|^Modules linked in:|EXT4-fs (?:error|\(\w+\))|"
    rb"unregister_netdevice: waiting for|watchdog: BUG: soft lockup|general protection fault",
    re.MULTILINE | re.IGNORECASE)
_SYSLOG_KERNEL = re.compile(rb"^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: ")

# kubectl describe and kubectl get.
_DESCRIBE_FIELDS = re.compile(rb"^(?:Name|Namespace|Labels|Annotations|Status|Containers|"
                              rb"Conditions|Events|Node|Priority|Controlled By|Start Time):"
                              rb"(?:\s|$)", re.MULTILINE)
_KUBECTL_TABLE = re.compile(rb"^NAME\s+(?:READY\s+STATUS|STATUS\s+ROLES|TYPE\s+CLUSTER-IP|"
                            rb"DESIRED\s+CURRENT|READY\s+UP-TO-DATE|STATUS\s+VOLUME|"
                            rb"LAST SEEN|AGE)", re.MULTILINE)
_KUBECTL_EVENTS_TABLE = re.compile(rb"^(?:NAMESPACE\s+)?LAST SEEN\s+TYPE\s+REASON\s+OBJECT",
                                   re.MULTILINE)
_KUBECTL_VERSION = re.compile(rb"^(?:Client|Server) Version: ", re.MULTILINE)
_YAML_KUBERNETES = re.compile(rb"^apiVersion: \S+\s*$", re.MULTILINE)
_YAML_KIND = re.compile(rb"^kind: \S+\s*$", re.MULTILINE)

# --- shapes of command output and configuration --------------------------------------------------

_COMMAND_HEADERS = re.compile(
    rb"^(?:Filesystem\s+(?:1K-blocks|1M-blocks|Size|Inodes|Type)\b"  # df
    rb"|\s+total\s+used\s+free\s+shared"  # free
    rb"|\s*(?:USER|UID)\s+PID\s+|\s*PID\s+(?:TTY|USER|PPID)\s+"  # ps, top
    rb"|(?:Netid\s+)?State\s+Recv-Q\s+Send-Q|Proto\s+Recv-Q\s+Send-Q"  # ss, netstat
    rb"|\s*\d{1,2}:\d\d:\d\d up .{0,60}load average:"  # uptime
    rb"|top - \d\d:\d\d:\d\d up "  # top
    rb"|NAME\s+MAJ:MIN\s+RM\s+SIZE"  # lsblk
    rb"|Module\s+Size\s+Used by"  # lsmod
    rb"|(?:core file size|open files|max user processes)\s+\("  # ulimit -a
    rb"|\s*UNIT\s+LOAD\s+ACTIVE\s+SUB"  # systemctl list-units
    rb"|Linux \S+ \d+\.\d+\.\S+ #"  # uname -a
    rb"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} [ \d]\d \d\d:\d\d:\d\d \w+ \d{4}\s*$"  # date
    rb"|\d+: [\w.@-]+: <[A-Z,_]*>"  # ip addr
    rb"|\S+ on \S+ type \S+ \("  # mount
    rb"|Reference ID\s+:|\s+remote\s+refid\s+st"  # chronyc tracking, ntpq -p
    rb"|procs -+memory"  # vmstat
    rb"|MemTotal:\s+\d+ kB"  # /proc/meminfo
    rb")", re.MULTILINE)
_COMMAND_FOLDERS = frozenset({"sos_commands", "proc", "sys"})
_CONFIG_FOLDERS = frozenset({"etc"})
_CONFIG_SUFFIXES = (".conf", ".cfg", ".cnf", ".ini", ".properties", ".toml", ".env", ".xml",
                    ".service", ".socket", ".timer", ".repo", ".rules", ".plist")
_YAML_SUFFIXES = (".yaml", ".yml")
_CONFIG_LINE = re.compile(rb"^\s*(?:[#;!].*|\[[^\]\n]{1,80}\]\s*|[\w.\-/@:$]{1,120}\s*[=:]\s*"
                          rb"\S.*|[\w.\-/@]{1,120}\s*[=:]\s*|[\w.\-]{1,60}\s+\S.{0,200}|<.*>)\s*$")
_ASSIGNMENT = re.compile(rb"^\s*[\w.\-/@:$]{1,120}\s*=")
_SECTION = re.compile(rb"^\s*\[[^\]\n]{1,80}\]\s*$")
# logfmt (logrus, go-kit, Heroku): several key=value pairs, a time or a level among them.
# Kubernetes' klog: level letter, month and day, time, thread id, file:line.
_KLOG_LINE = re.compile(rb"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ [\w.-]+:\d+\] ")
_LOGFMT_LINE = re.compile(rb"^(?=.*\b(?:time|ts|timestamp|t)=)(?=.*\b(?:level|lvl|msg)=)")
_YAML_LINE = re.compile(rb"^(?:---|\.\.\.|\s*#.*|\s*- .*|\s*-|\s*[\w.\-/\"']{1,120}:(?: .*)?)\s*$")

# --- logs -----------------------------------------------------------------------------------------

_JSON_OBJECT_LINE = re.compile(rb"^\s*\{.*\}\s*$")
_JSON_LINE_SHARE = 0.8
_LEVEL_WORD = re.compile(
    rb"\b(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\b")
_LOG_NAME = re.compile(r"\.(?:log|out|err)(?:\.\d+)?$|^(?:messages|syslog|secure|daemon"
                       r"\.log|catalina\.out)(?:[.-]\d+)?$")
_KERNEL_LOG_NAME = re.compile(r"^(?:dmesg|kern\.log|kmsg)(?:[._-].*)?$")


def _lines(head: bytes, limit: int = 200) -> list[bytes]:
    lines = head.split(b"\n")
    if len(lines) > 1 and not head.endswith(b"\n"):
        lines = lines[:-1]  # the last line was cut by the head's end
    return [line.rstrip(b"\r") for line in lines if line.strip()][:limit]


def _share(lines: list[bytes], pattern: re.Pattern[bytes]) -> float:
    return sum(1 for line in lines if pattern.match(line)) / len(lines) if lines else 0.0


def _json_document(head: bytes, complete: bool) -> bool:
    """True when ``head`` is (the start of) one JSON document, not lines that start with
    ``[`` or ``{`` (log4j's ``[2016-...]``, dmesg's ``[    0.0]``, JSON lines)."""
    text = head.decode("utf-8", "replace").strip()
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        # A document cut by the head's end fails only at the cut.
        return not complete and (error.pos >= len(text) - 1
                                 or error.msg.startswith("Unterminated string"))
    except RecursionError:
        return True  # deeply nested: a (hostile) document, never a log
    return True


def _kubernetes_json(head: bytes) -> bool:
    start = head.lstrip()[:4096]
    return b'"apiVersion"' in start and (b'"kind"' in start or b'"items"' in start)


def _place(path: str) -> tuple[str, set[str]]:
    parts = PurePosixPath(path.replace("!/", "/")).parts
    folders = {part.lower() for part in parts[:-1]}
    return (parts[-1].lower() if parts else ""), folders


def classify_text(head: bytes, path: str = "", *, complete: bool = False) -> ArtifactKind:
    """The kind of a text member from its head (UTF-8, no BOM) and its path in the bundle.

    ``complete`` says the head is the whole member (so a JSON document must parse whole).
    """
    name, folders = _place(path)
    kind = _by_content(head, name, complete)
    if kind is not None:
        return kind
    lines = _lines(head)
    if not lines:
        return ArtifactKind.TEXT
    kind = _by_place(name, folders, lines)
    if kind is not None:
        return kind
    return _by_shape(head, name, lines)


def _by_content(head: bytes, name: str, complete: bool) -> ArtifactKind | None:
    stripped = head.lstrip()
    if _HAR_LOG.match(stripped) and (_HAR_KEYS.search(head) or name.endswith(".har")):
        return ArtifactKind.HAR
    if _SLOW_LOG.search(head) or _SLOW_LOG_HEADER.search(head):
        return ArtifactKind.MYSQL_SLOW_LOG
    if _SQL_DUMP_HEADER.search(head[:4096]):
        return ArtifactKind.SQL_DUMP
    if _JOURNAL_HEADER.match(stripped) or (name.startswith("journalctl")
                                           and not _json_document(head, complete)):
        return ArtifactKind.JOURNAL
    if _THREAD_DUMP_HEADER.search(head[:8192]) or len(_THREAD_LINE.findall(head)) >= 2 \
            or (_THREAD_LINE.search(head) and _THREAD_STATE.search(head)):
        return ArtifactKind.THREAD_DUMP
    lines = _lines(head)
    if lines and sum(1 for line in lines if _GC_LINE.search(line)) >= max(2, len(lines) // 4):
        return ArtifactKind.GC_LOG
    if lines and _share(lines, _DMESG_LINE) >= 0.5:
        return ArtifactKind.KERNEL_LOG
    if _json_document(head, complete):
        if _kubernetes_json(head):
            return ArtifactKind.KUBERNETES
        if _JOURNAL_FIELDS.search(head[:8192]):
            return ArtifactKind.JOURNAL
        return ArtifactKind.JSON
    if lines and _JOURNAL_FIELDS.search(head[:8192]):
        return ArtifactKind.JOURNAL  # journalctl -o json lines, or -o export
    if _kubectl_output(head):
        return ArtifactKind.KUBERNETES
    return None


def _kubectl_output(head: bytes) -> bool:
    start = head[:16384]
    if _KUBECTL_TABLE.search(start) or _KUBECTL_EVENTS_TABLE.search(start) \
            or _KUBECTL_VERSION.search(start):
        return True
    if _YAML_KUBERNETES.search(start) and _YAML_KIND.search(start):
        return True
    return len({m.group() for m in _DESCRIBE_FIELDS.finditer(start)}) >= 4


def _by_place(name: str, folders: set[str], lines: list[bytes]) -> ArtifactKind | None:
    if folders & _COMMAND_FOLDERS:
        if _KERNEL_LOG_NAME.match(name):
            return ArtifactKind.KERNEL_LOG
        if name.startswith("kubectl") or "kubernetes" in folders:
            return ArtifactKind.LOG if "_logs_" in name else ArtifactKind.KUBERNETES
        return ArtifactKind.COMMAND_OUTPUT
    if folders & _CONFIG_FOLDERS:
        return ArtifactKind.CONFIG
    return None


def _by_shape(head: bytes, name: str, lines: list[bytes]) -> ArtifactKind:
    if _share(lines, _JSON_OBJECT_LINE) >= _JSON_LINE_SHARE \
            or _share(lines, _LOGFMT_LINE) >= 0.5 or _share(lines, _KLOG_LINE) >= 0.5:
        return ArtifactKind.LOG  # JSON lines, logfmt, klog
    times = _leading_times(lines)
    kernel = sum(1 for line in lines if _KERNEL_MESSAGE.search(line))
    if _KERNEL_LOG_NAME.match(name) or (kernel >= min(2, len(lines)) and not times) \
            or _share(lines, _SYSLOG_KERNEL) >= 0.5:
        return ArtifactKind.KERNEL_LOG
    if _COMMAND_HEADERS.match(lines[0]) or (len(lines) > 1 and _COMMAND_HEADERS.match(lines[1])):
        return ArtifactKind.COMMAND_OUTPUT
    postgres = sum(1 for line in lines if _POSTGRES_LINE.search(line))
    if postgres >= max(2, len(lines) // 4) and times >= len(lines) // 3:
        return ArtifactKind.POSTGRES_LOG
    if times * 2 >= len(lines):
        return ArtifactKind.LOG
    if name.endswith(_YAML_SUFFIXES) or (not name.endswith(_CONFIG_SUFFIXES)
                                         and _yaml(lines)):
        return ArtifactKind.YAML
    if name.endswith(_CONFIG_SUFFIXES) or _config(lines):
        return ArtifactKind.CONFIG
    statements = len(_SQL_STATEMENT.findall(head))
    if statements >= 3 or (statements and name.endswith(".sql")):
        return ArtifactKind.SQL_DUMP
    levels = sum(1 for line in lines if _LEVEL_WORD.search(line[:120]))
    if levels * 2 >= len(lines) or _LOG_NAME.search(name):
        return ArtifactKind.LOG
    return ArtifactKind.TEXT


def _leading_times(lines: list[bytes]) -> int:
    """How many lines the log formats read a time from (``inspector.formats.logformat``)."""
    text = [line.decode("utf-8", "replace") for line in lines[:120]]
    log_format = detect(text)
    if log_format.name == "plain":
        return 0
    return sum(1 for line in text if (record := log_format.parse(line)) is not None
               and record.time is not None)


def _yaml(lines: list[bytes]) -> bool:
    """A YAML document: ``key: value`` and ``- item`` lines, some of them nested, on nearly
    every line (comments allowed, but not a page of them)."""
    if lines[0].strip() == b"---":
        return True
    shaped = sum(1 for line in lines if _YAML_LINE.match(line))
    comments = sum(1 for line in lines if line.lstrip().startswith(b"#"))
    nested = sum(1 for line in lines if line[:1] in (b" ", b"-") and b":" in line)
    return len(lines) >= 3 and shaped >= 0.9 * len(lines) and nested \
        and (shaped - comments) * 2 >= len(lines) \
        and not any(b" = " in line for line in lines[:20])


def _config(lines: list[bytes]) -> bool:
    """Configuration syntax: settings, sections and comments on nearly every line, with
    real settings among them (a page of ``#`` notes is prose, not configuration), and no
    timestamps (checked before)."""
    settings = sum(1 for line in lines if _CONFIG_LINE.match(line))
    comments = sum(1 for line in lines if line.lstrip()[:1] in (b"#", b";"))
    assigned = sum(1 for line in lines if _ASSIGNMENT.match(line))
    sections = sum(1 for line in lines if _SECTION.match(line))
    return len(lines) >= 2 and settings >= 0.9 * len(lines) \
        and ((assigned and assigned * 4 >= len(lines) - comments) or sections >= 2) \
        and assigned + comments + sections >= len(lines) // 2
