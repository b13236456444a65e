"""The core data model: artifacts, findings, evidence, events and problems.

Every object here is a frozen-ish dataclass that converts to and from plain JSON values
(``to_json()`` / ``from_json()``) without loss, so results can cross process boundaries,
be saved in a workspace and be read back by users' scripts.

>>> ev = Evidence("logs/app.log", LineLocator(12, end_line=14), "ERROR pool exhausted")
>>> ev.to_json()["locator"]
{'kind': 'line', 'line': 12, 'end_line': 14}
>>> Evidence.from_json(ev.to_json()) == ev
True
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

JSON = dict[str, Any]


class Severity(enum.Enum):
    """How bad a finding is. Ordered: ``Severity.CRITICAL > Severity.INFO``."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info."""
        return _SEVERITY_RANK[self]

    def __lt__(self, other: Severity) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: Severity) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: Severity) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: Severity) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class ArtifactKind(enum.StrEnum):
    """What a bundle member is, told from its content and its place in the bundle
    (``inspector.bundle.classify``), its name only breaking ties."""

    PCAP = "pcap"
    PCAPNG = "pcapng"
    HAR = "har"
    SQL_DUMP = "sql_dump"
    MYSQL_SLOW_LOG = "mysql_slow_log"
    POSTGRES_LOG = "postgres_log"
    LOG = "log"
    JOURNAL = "journal"
    KERNEL_LOG = "kernel_log"
    GC_LOG = "gc_log"
    THREAD_DUMP = "thread_dump"
    KUBERNETES = "kubernetes"
    COMMAND_OUTPUT = "command_output"
    CONFIG = "config"
    YAML = "yaml"
    JSON = "json"
    TEXT = "text"
    BINARY = "binary"
    ARCHIVE = "archive"

    @property
    def description(self) -> str:
        """What a member of this kind is, in a person's words."""
        return KIND_DESCRIPTIONS[self]


KIND_DESCRIPTIONS = {
    ArtifactKind.PCAP: "a packet capture (pcap)",
    ArtifactKind.PCAPNG: "a packet capture (pcapng)",
    ArtifactKind.HAR: "a browser or proxy HAR export",
    ArtifactKind.SQL_DUMP: "an SQL dump or script",
    ArtifactKind.MYSQL_SLOW_LOG: "a MySQL slow-query log",
    ArtifactKind.POSTGRES_LOG: "a PostgreSQL server log",
    ArtifactKind.LOG: "a log",
    ArtifactKind.JOURNAL: "a systemd journal export (journalctl)",
    ArtifactKind.KERNEL_LOG: "a kernel log (dmesg, kern.log)",
    ArtifactKind.GC_LOG: "a JVM garbage-collection log",
    ArtifactKind.THREAD_DUMP: "a JVM thread dump",
    ArtifactKind.KUBERNETES: "Kubernetes material (resources, events, kubectl output)",
    ArtifactKind.COMMAND_OUTPUT: "the output of a system command (df, ps, ss, sysctl...)",
    ArtifactKind.CONFIG: "a configuration file",
    ArtifactKind.YAML: "a YAML document",
    ArtifactKind.JSON: "a JSON document",
    ArtifactKind.TEXT: "text",
    ArtifactKind.BINARY: "binary data",
    ArtifactKind.ARCHIVE: "an archive",
}


class ArtifactStatus(enum.StrEnum):
    """What became of a member: ``analyzed`` by at least one analyzer; ``not analyzed``
    because no analyzer reads its kind (``reason`` says what it was read as); ``skipped``
    by the reader (link, device, bomb, limit); ``failed`` (unreadable, or an analyzer
    could not finish)."""

    ANALYZED = "analyzed"
    NOT_ANALYZED = "not analyzed"
    SKIPPED = "skipped"
    FAILED = "failed"


# --- locators ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineLocator:
    """Lines of a text artifact, 1-based and inclusive."""

    line: int
    end_line: int | None = None  # defaults to ``line``: a single line
    kind: ClassVar[str] = "line"

    def __post_init__(self) -> None:
        if self.end_line is None:
            object.__setattr__(self, "end_line", self.line)

    def to_json(self) -> JSON:
        return {"kind": "line", "line": self.line, "end_line": self.end_line}

    def describe(self) -> str:
        if self.end_line != self.line:
            return f"lines {self.line}-{self.end_line}"
        return f"line {self.line}"


@dataclass(frozen=True, slots=True)
class PacketLocator:
    """A frame of a capture, numbered from 1 as Wireshark numbers them."""

    index: int
    kind: ClassVar[str] = "packet"

    def to_json(self) -> JSON:
        return {"kind": "packet", "index": self.index}

    def describe(self) -> str:
        return f"packet {self.index}"


@dataclass(frozen=True, slots=True)
class EntryLocator:
    """An entry of a HAR log, numbered from 1 in file order."""

    index: int
    kind: ClassVar[str] = "entry"

    def to_json(self) -> JSON:
        return {"kind": "entry", "index": self.index}

    def describe(self) -> str:
        return f"entry {self.index}"


@dataclass(frozen=True, slots=True)
class StatementLocator:
    """A SQL statement, numbered from 1, with the line it starts on."""

    index: int
    line: int | None = None
    kind: ClassVar[str] = "statement"

    def to_json(self) -> JSON:
        return {"kind": "statement", "index": self.index, "line": self.line}

    def describe(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"statement {self.index}{where}"


@dataclass(frozen=True, slots=True)
class OffsetLocator:
    """A byte offset into the (decompressed) artifact."""

    offset: int
    kind: ClassVar[str] = "offset"

    def to_json(self) -> JSON:
        return {"kind": "offset", "offset": self.offset}

    def describe(self) -> str:
        return f"byte {self.offset:,}"


@dataclass(frozen=True, slots=True)
class WholeLocator:
    """The artifact as a whole (a member that was skipped, an unreadable archive)."""

    kind: ClassVar[str] = "artifact"

    def to_json(self) -> JSON:
        return {"kind": "artifact"}

    def describe(self) -> str:
        return "whole artifact"


Locator = (
    LineLocator | PacketLocator | EntryLocator | StatementLocator | OffsetLocator | WholeLocator
)


def locator_from_json(data: JSON) -> Locator:
    """Rebuild a locator from its JSON form; unknown kinds raise ``ValueError``."""
    match data.get("kind"):
        case "line":
            return LineLocator(int(data["line"]), data.get("end_line"))
        case "packet":
            return PacketLocator(int(data["index"]))
        case "entry":
            return EntryLocator(int(data["index"]))
        case "statement":
            return StatementLocator(int(data["index"]), data.get("line"))
        case "offset":
            return OffsetLocator(int(data["offset"]))
        case "artifact":
            return WholeLocator()
    raise ValueError(f"unknown locator kind: {data.get('kind')!r}")


# --- time -------------------------------------------------------------------------------------


def format_time(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``, microseconds only when present."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; convert to UTC first")
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def utc_from_epoch(seconds: float) -> datetime:
    """A capture's epoch time as UTC, clamped to what ``datetime`` can hold.

    A corrupt record can carry any number; the analysis goes on with a clamped time
    rather than failing on it.

    >>> utc_from_epoch(1e12).year
    9999
    """
    if seconds != seconds:  # NaN
        return _EARLIEST
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, ValueError, OSError):
        return _LATEST if seconds > 0 else _EARLIEST


def parse_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# --- evidence, findings, events, problems --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding can be seen: an artifact, a place in it, and a short excerpt."""

    artifact: str
    locator: Locator
    excerpt: str = ""

    def to_json(self) -> JSON:
        return {"artifact": self.artifact, "locator": self.locator.to_json(),
                "excerpt": self.excerpt}

    @classmethod
    def from_json(cls, data: JSON) -> Evidence:
        return cls(data["artifact"], locator_from_json(data["locator"]), data.get("excerpt", ""))


# Whom a finding concerns (``Finding.concern``, ``inspector.rules.Rule.concern``).
SYSTEM = "system"
HANDLING = "handling"
CONCERNS = (SYSTEM, HANDLING)


@dataclass(slots=True)
class Finding:
    """One diagnosis: an instance of a registered rule (see ``inspector.rules``).

    Build findings through ``Rule.finding(...)`` so the rule id, default severity,
    category and concern always come from the registry.

    Attributes (beyond the JSON contract's own words):
        concern: ``system`` (the customer's system) or ``handling`` (the bundle itself
            needs care: credentials it carries, hostile members), from the rule.
        rank: the finding's place in the bundle's order, 1 for the headline (set once all
            analyzers ran, ``inspector.findings``); ``None`` before.
    """

    rule: str
    severity: Severity
    category: str
    title: str
    analyzer: str
    detail: str = ""
    count: int = 1
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)
    facts: JSON = field(default_factory=dict)
    remediation: str = ""
    references: list[str] = field(default_factory=list)
    concern: str = SYSTEM
    rank: int | None = None

    def sort_key(self) -> tuple[Any, ...]:
        first = self.evidence[0] if self.evidence else None
        return (
            -self.severity.rank,
            self.rule,
            first.artifact if first else "",
            format_time(self.first_seen) or "",
            self.title,
        )

    def to_json(self) -> JSON:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "category": self.category,
            "title": self.title,
            "detail": self.detail,
            "analyzer": self.analyzer,
            "count": self.count,
            "first_seen": format_time(self.first_seen),
            "last_seen": format_time(self.last_seen),
            "evidence": [e.to_json() for e in self.evidence],
            "facts": self.facts,
            "remediation": self.remediation,
            "references": list(self.references),
            "concern": self.concern,
            "rank": self.rank,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Finding:
        return cls(
            rule=data["rule"],
            severity=Severity(data["severity"]),
            category=data.get("category", ""),
            title=data["title"],
            analyzer=data["analyzer"],
            detail=data.get("detail", ""),
            count=int(data.get("count", 1)),
            first_seen=parse_time(data.get("first_seen")),
            last_seen=parse_time(data.get("last_seen")),
            evidence=[Evidence.from_json(e) for e in data.get("evidence", [])],
            facts=dict(data.get("facts", {})),
            remediation=data.get("remediation", ""),
            references=list(data.get("references", [])),
            concern=data.get("concern", SYSTEM),  # absent from older documents
            rank=data.get("rank"),  # so is this
        )


class EventSource(enum.StrEnum):
    LOG = "log"
    PACKET = "packet"
    HTTP = "http"
    SQL = "sql"
    BUNDLE = "bundle"


@dataclass(frozen=True, slots=True)
class Event:
    """One point on the cross-source timeline, always in UTC."""

    time: datetime
    artifact: str
    locator: Locator
    severity: Severity
    source: EventSource
    message: str

    def sort_key(self) -> tuple[Any, ...]:
        return (self.time, self.artifact, str(self.locator.to_json()), self.message)

    def to_json(self) -> JSON:
        return {
            "time": format_time(self.time),
            "artifact": self.artifact,
            "locator": self.locator.to_json(),
            "severity": self.severity.value,
            "source": self.source.value,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Event:
        time = parse_time(data["time"])
        assert time is not None
        return cls(
            time=time,
            artifact=data["artifact"],
            locator=locator_from_json(data["locator"]),
            severity=Severity(data["severity"]),
            source=EventSource(data["source"]),
            message=data["message"],
        )


class ProblemKind(enum.StrEnum):
    """Why something could not be fully analyzed.

    ``crash``, ``timeout``, ``memory`` and ``error`` stop one analyzer on one artifact;
    ``warning`` means it went on past bad input; ``skipped`` is the reader declining a
    member; ``cancelled`` is the user stopping the run.
    """

    CRASH = "crash"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    ERROR = "error"
    WARNING = "warning"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that went wrong while reading or analyzing, recorded instead of raised."""

    kind: ProblemKind
    message: str
    artifact: str | None = None
    analyzer: str | None = None

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.artifact or "", self.analyzer or "", self.kind.value, self.message)

    def to_json(self) -> JSON:
        return {"artifact": self.artifact, "analyzer": self.analyzer,
                "kind": self.kind.value, "message": self.message}

    @classmethod
    def from_json(cls, data: JSON) -> Problem:
        return cls(ProblemKind(data["kind"]), data["message"], data.get("artifact"),
                   data.get("analyzer"))


# --- artifacts ------------------------------------------------------------------------------


@dataclass(slots=True)
class Artifact:
    """One member of a bundle.

    Attributes:
        path: where it sits in the bundle, posix style, nested archives joined by ``!/``
            (``support.tgz!/logs/app.log``). Unique within a bundle; made printable
            (control and bidi characters escaped) but otherwise shown as given.
        kind: the sniffed ``ArtifactKind``.
        size: bytes as stored in its container (compressed size for ``.gz`` members).
        compression: ``gzip``, ``bz2`` or ``xz`` when the member is a compressed single file
            read through transparently, else ``None``.
        status: ``analyzed``, ``skipped`` (the reader declined it, see ``reason``) or
            ``failed`` (an analyzer could not finish it).
        reason: why it was skipped or failed.
        analyzers: names of the analyzers that ran on it.
        modified: when the member was last modified, as its container records it (aware
            UTC), or ``None`` when the container records no plausible time. Analyzers use
            it to place timestamps that carry no year (see ``inspector.bundle``).
        encoding: ``utf-16-le`` or ``utf-16-be`` when the member is UTF-16 text, which
            the reader turns into UTF-8 as it reads (Windows tools write UTF-16), else
            ``None``.
        ref: how the reader finds the member again: a tuple of per-container keys. Internal;
            not part of the JSON contract.
    """

    path: str
    kind: ArtifactKind
    size: int
    compression: str | None = None
    status: ArtifactStatus = ArtifactStatus.ANALYZED
    reason: str | None = None
    analyzers: list[str] = field(default_factory=list)
    modified: datetime | None = None
    encoding: str | None = None
    ref: tuple[Any, ...] = ()

    def to_json(self) -> JSON:
        return {
            "path": self.path,
            "kind": self.kind.value,
            "size": self.size,
            "compression": self.compression,
            "status": self.status.value,
            "reason": self.reason,
            "analyzers": list(self.analyzers),
            "modified": format_time(self.modified),
            "encoding": self.encoding,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Artifact:
        return cls(
            path=data["path"],
            kind=ArtifactKind(data["kind"]),
            size=int(data["size"]),
            compression=data.get("compression"),
            status=ArtifactStatus(data.get("status", "analyzed")),
            reason=data.get("reason"),
            analyzers=list(data.get("analyzers", [])),
            modified=parse_time(data.get("modified")),  # absent from older documents
            encoding=data.get("encoding"),  # so is this
        )
