"""The escalation report: drafted from an analysis, edited by the engineer, exported safely.

A ``Report`` is a plain, editable document (DESIGN.md section 8): title, severity and
business impact, customer and environment, summary, timeline of key events, findings with
evidence excerpts (the engineer picks which and in what order), reproduction steps,
workaround given to the customer, what is asked of engineering, attachments. It converts to
and from JSON (``to_json``/``from_json``) so the workspace can keep the draft.

``draft(analysis, bundle=None)`` writes the first version from the evidence only: the
numbers, hosts, times and excerpts come from the findings, timeline and stats; nothing is
invented, and what only the engineer knows (customer, reproduction, workaround, the ask)
is left empty. With the opened ``bundle`` it also reads the start of the text members and
the HAR headers for versions, operating systems and browsers.

Exports: ``render_markdown`` (GitHub and Jira), ``render_html`` (one self-contained file: an
inline style sheet, no scripts, no remote resources; every customer string escaped),
``render_pdf`` (fpdf2). ``export`` is the one safe way out: it redacts the report with a
``Redactor``, renders it, gates the result and writes it atomically, or refuses.

PDF fonts: customer text is Unicode, and fpdf2's core fonts only cover Latin-1. When
Debian's DejaVu fonts are installed (``fonts-dejavu-core``, present on the project's
machines) the PDF embeds DejaVu Sans/Sans Mono and shows everything they cover; otherwise it
falls back to the core fonts, replaces what Latin-1 cannot hold with ``?`` and says so on
the first page. Characters DejaVu has no glyph for (CJK, emoji) are shown as U+FFFD rather
than silently left blank.

>>> report = Report(title="Checkout fails", severity=Severity.HIGH, summary="Since 09:14.")
>>> Report.from_json(report.to_json()) == report
True
>>> print(render_markdown(report).splitlines()[0])
# Checkout fails
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from inspector.analysis import Analysis
from inspector.bundle import Bundle
from inspector.files import write_atomically
from inspector.model import ArtifactKind, Event, Evidence, Finding, Severity, format_time
from inspector.privacy.redaction import Redactor, check
from inspector.report.summary import escape as markdown_escape
from inspector.report.summary import inline_code
from inspector.timeline import corrected_span, offset_text, recorded_offsets, seen_text

FORMAT = "bundle-inspector.report/1"
MAX_EXCERPT = 400
DRAFT_FINDINGS = 8
DRAFT_EVIDENCE = 3
DRAFT_TIMELINE = 25
FONT_FOLDER = Path("/usr/share/fonts/truetype/dejavu")


# --- the document --------------------------------------------------------------------------


@dataclass
class ReportEvidence:
    """One evidence excerpt as the report shows it."""

    artifact: str
    where: str
    excerpt: str = ""

    @classmethod
    def of(cls, evidence: Evidence) -> ReportEvidence:
        return cls(evidence.artifact, evidence.locator.describe(), _clip(evidence.excerpt))


@dataclass
class ReportFinding:
    """A finding as it appears in the report; its text can be edited freely."""

    rule: str
    severity: Severity
    title: str
    detail: str = ""
    seen: str = ""  # "2026-11-17T09:14:01Z to 09:16:40Z, 143 times"
    evidence: list[ReportEvidence] = field(default_factory=list)
    remediation: str = ""

    @classmethod
    def of(cls, finding: Finding, evidence: Iterable[Evidence] | None = None,
           offsets: Mapping[str, timedelta] | None = None) -> ReportFinding:
        """The finding as the report shows it; ``offsets`` (by artifact, see
        ``inspector.timeline.recorded_offsets``) put a source's local times on UTC."""
        chosen = list(evidence) if evidence is not None else finding.evidence[:DRAFT_EVIDENCE]
        return cls(finding.rule, finding.severity, finding.title, finding.detail,
                   _seen(finding, offsets or {}), [ReportEvidence.of(e) for e in chosen],
                   finding.remediation)


@dataclass
class TimelineEntry:
    time: str
    source: str
    message: str
    artifact: str = ""
    where: str = ""


@dataclass
class EnvironmentItem:
    """One fact about the customer's environment and where it was read."""

    label: str
    value: str
    source: str = ""


@dataclass
class Attachment:
    path: str
    note: str = ""


@dataclass
class Report:
    """The escalation report. Every field is plain text the engineer may rewrite."""

    title: str = ""
    severity: Severity = Severity.INFO
    business_impact: str = ""
    customer: str = ""
    environment: list[EnvironmentItem] = field(default_factory=list)
    summary: str = ""
    timeline: list[TimelineEntry] = field(default_factory=list)
    findings: list[ReportFinding] = field(default_factory=list)
    reproduction: str = ""
    workaround: str = ""
    ask: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    bundle: str = ""
    bundle_sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        data = _plain(self)
        return {"format": FORMAT, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        if data.get("format", FORMAT).rsplit("/", 1)[0] != FORMAT.rsplit("/", 1)[0]:
            raise ValueError(f"not a Bundle Inspector report: format {data.get('format')!r}")
        return cls(
            title=data.get("title", ""),
            severity=Severity(data.get("severity", "info")),
            business_impact=data.get("business_impact", ""),
            customer=data.get("customer", ""),
            environment=[EnvironmentItem(**e) for e in data.get("environment", [])],
            summary=data.get("summary", ""),
            timeline=[TimelineEntry(**t) for t in data.get("timeline", [])],
            findings=[ReportFinding(
                rule=f["rule"], severity=Severity(f["severity"]), title=f["title"],
                detail=f.get("detail", ""), seen=f.get("seen", ""),
                evidence=[ReportEvidence(**e) for e in f.get("evidence", [])],
                remediation=f.get("remediation", "")) for f in data.get("findings", [])],
            reproduction=data.get("reproduction", ""),
            workaround=data.get("workaround", ""),
            ask=data.get("ask", ""),
            attachments=[Attachment(**a) for a in data.get("attachments", [])],
            bundle=data.get("bundle", ""),
            bundle_sha256=data.get("bundle_sha256", ""),
        )

    def dumps(self) -> bytes:
        return orjson.dumps(self.to_json(), option=orjson.OPT_INDENT_2)

    @classmethod
    def loads(cls, data: bytes | str) -> Report:
        return cls.from_json(orjson.loads(data))

    def add_finding(self, finding: Finding, evidence: Iterable[Evidence] | None = None,
                    offsets: Mapping[str, timedelta] | None = None) -> bool:
        """Add a finding (or more evidence of one already in); False when nothing changed.
        ``offsets``: each source's clock offset, as for ``ReportFinding.of``."""
        for existing in self.findings:
            if existing.rule == finding.rule and existing.title == finding.title:
                known = {(e.artifact, e.where) for e in existing.evidence}
                new = [ReportEvidence.of(e) for e in (evidence or [])
                       if (e.artifact, e.locator.describe()) not in known]
                existing.evidence.extend(new)
                return bool(new)
        self.findings.append(ReportFinding.of(finding, evidence, offsets))
        return True


def _plain(value: Any) -> Any:
    if isinstance(value, Severity):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def map_text(report: Report, change: Callable[[str, str], str]) -> Report:
    """A copy of ``report`` with ``change(text, where)`` applied to every string in it."""
    def walk(value: Any, where: str) -> Any:
        if isinstance(value, str):
            return change(value, where)
        if isinstance(value, list):
            return [walk(item, f"{where}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: walk(item, f"{where}.{key}" if where else key)
                    for key, item in value.items()}
        return value
    data = report.to_json()
    fixed = {"format": data.pop("format"), "severity": data.pop("severity")}
    for finding in data["findings"]:
        finding["_severity"] = finding.pop("severity")
        finding["_rule"] = finding.pop("rule")
    changed = walk(data, "")
    for finding in changed["findings"]:
        finding["severity"] = finding.pop("_severity")
        finding["rule"] = finding.pop("_rule")
    return Report.from_json({**fixed, **changed})


# --- drafting ----------------------------------------------------------------------------


def _clip(text: str, limit: int = MAX_EXCERPT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seen(finding: Finding, offsets: Mapping[str, timedelta]) -> str:
    parts = []
    if span := seen_text(finding, offsets):
        parts.append(span)
    if finding.count > 1:
        parts.append(f"{finding.count:,} times")
    return ", ".join(parts)


def draft(analysis: Analysis, bundle: Bundle | None = None) -> Report:
    """The first version of the report, in plain words, from the evidence only."""
    findings = [f for f in analysis.findings if f.severity >= Severity.LOW] \
        or list(analysis.findings)
    chosen = findings[:DRAFT_FINDINGS]
    worst = analysis.worst_severity() or Severity.INFO
    top = chosen[0] if chosen else None
    offsets = recorded_offsets(analysis.findings)
    return Report(
        title=top.title if top else "No problem found in the bundle",
        severity=worst,
        business_impact=_impact(analysis),
        environment=detect_environment(analysis, bundle),
        summary=_summary(analysis, chosen),
        timeline=_timeline(analysis),
        findings=[ReportFinding.of(f, offsets=offsets) for f in chosen],
        attachments=[Attachment(a.path, f"{a.kind.value}, {a.size:,} bytes"
                                + (f", {a.status.value}: {a.reason}" if a.reason else ""))
                     for a in analysis.artifacts if a.kind is not ArtifactKind.ARCHIVE],
        bundle=Path(analysis.bundle.source).name,
        bundle_sha256=analysis.bundle.sha256,
    )


def _impact(analysis: Analysis) -> str:
    serious = [f for f in analysis.findings if f.severity >= Severity.HIGH]
    if not serious:
        return ""
    sentences = []
    offsets = recorded_offsets(analysis.findings)
    for finding in serious[:3]:
        first = corrected_span(finding, offsets)[0]
        when = f" from {format_time(first)}" if first else ""
        sentences.append(f"{finding.title}{when}.")
    sources = sorted({e.artifact for f in serious for e in f.evidence})
    sentences.append(f"{len(serious)} high or critical finding(s) in {len(sources)} "
                     "artifact(s) of the bundle.")
    return " ".join(sentences)


def _summary(analysis: Analysis, chosen: list[Finding]) -> str:
    if not chosen:
        readable = sum(1 for a in analysis.artifacts if a.kind is not ArtifactKind.ARCHIVE)
        return (f"The analysis of {readable} artifact(s) found nothing at low severity or "
                "above.")
    lines = []
    incident = next((f for f in chosen if f.rule == "incident.cross-source"), None)
    if incident is not None:
        lines.append(incident.title + ".")
        sequence = incident.facts.get("sequence")
        if isinstance(sequence, str) and sequence:
            lines.append(f"Sequence: {sequence}.")
    for finding in chosen:
        if finding is incident or finding.severity < Severity.MEDIUM:
            continue
        where = finding.evidence[0] if finding.evidence else None
        proof = f" ({where.artifact}, {where.locator.describe()})" if where else ""
        lines.append(f"- {finding.title}{proof}.")
        if len(lines) >= 6:
            break
    if analysis.problems:
        lines.append(f"{len(analysis.problems)} part(s) of the bundle could not be fully "
                     "read or analyzed; see the attachments.")
    return "\n".join(lines)


def _timeline(analysis: Analysis) -> list[TimelineEntry]:
    """Notable events, one per distinct message and one per place (a log record that is
    both an error and a known issue is one entry, the more severe), the worst kept when
    there are too many.

    Times are corrected with the clock offsets the analysis inferred or the engineer set
    (``timeline.clock-offset``), as the timeline view shows them, and the entry says so:
    a report's sequence must be the true one, not each source's own clock.
    """
    offsets = recorded_offsets(analysis.findings)
    seen: set[str] = set()
    places: dict[tuple[str, str], int] = {}
    candidates: list[Event] = []
    for event in analysis.timeline:
        if event.severity < Severity.MEDIUM:
            continue
        key = re.sub(r"\d+", "#", event.message)
        place = (event.artifact, event.locator.describe())
        if key in seen:
            continue
        seen.add(key)
        if place in places:
            index = places[place]
            if event.severity > candidates[index].severity:
                candidates[index] = event
            continue
        places[place] = len(candidates)
        candidates.append(event)
    if len(candidates) > DRAFT_TIMELINE:
        ranked = sorted(range(len(candidates)),
                        key=lambda i: (-candidates[i].severity.rank, i))[:DRAFT_TIMELINE]
        candidates = [candidates[i] for i in sorted(ranked)]
    entries = []
    for event in candidates:
        offset = offsets.get(event.artifact, timedelta(0))
        where = event.locator.describe()
        if offset:
            where += f" (written as {offset_text(offset)}, corrected)"
        entries.append((event.time - offset, TimelineEntry(
            format_time(event.time - offset) or "", event.source.value,
            _clip(event.message, 240), event.artifact, where)))
    entries.sort(key=lambda pair: pair[0])
    return [entry for _, entry in entries]


# --- environment ---------------------------------------------------------------------------

_VERSION_LINES = (
    (re.compile(r"(?i)--\s*Server version[:\s]\s*+(?P<v>[\w.+-]{1,40}+)"), "MySQL server"),
    (re.compile(r"(?i)Dumped from database version (?P<v>[\w.+-]{1,40}+)"), "PostgreSQL server"),
    (re.compile(r"PostgreSQL (?P<v>\d{1,3}\.\d{1,3}[\w.+-]{0,20}+) on "), "PostgreSQL server"),
    (re.compile(r"(?i)\bmysqld?,? Version: (?P<v>[\w.+-]{1,40}+)"), "MySQL server"),
    (re.compile(r"(?i)\bStarting (?P<name>[A-Za-z][\w.-]{1,40}+) v?(?P<v>\d{1,4}\.\d{1,4}"
                r"(?:\.\d{1,6}){0,2}+[\w.+-]{0,20}+)"), None),
    (re.compile(r"(?i)\bJava(?:\(TM\))? (?:version )?\"?(?P<v>\d{1,3}(?:\.\d{1,4}){0,3}+)"),
     "Java"),
    (re.compile(r"(?i)\busing Java (?P<v>\d{1,3}(?:\.\d{1,4}){0,3}+)"), "Java"),
    (re.compile(r"\b(?P<v>(?:Ubuntu|Debian GNU/Linux|Red Hat Enterprise Linux|CentOS|"
                r"Windows Server|Rocky Linux|AlmaLinux) ?[\w.]{0,12}+)"), "Operating system"),
    (re.compile(r"\bLinux (?P<v>\d{1,2}\.\d{1,3}\.\d{1,4}[\w.-]{0,40}+)"), "Linux kernel"),
)
_USER_AGENT_BROWSERS = (
    ("Edge", re.compile(r"Edg/(\d+)")), ("Firefox", re.compile(r"Firefox/(\d+)")),
    ("Chrome", re.compile(r"Chrome/(\d+)")), ("Safari", re.compile(r"Version/(\d+)[\d.]* Safari")),
)
_USER_AGENT_SYSTEMS = (
    ("Windows", re.compile(r"Windows NT (\d+\.\d+)")),
    ("Android", re.compile(r"Android (\d+)")),
    ("iOS", re.compile(r"iPhone OS (\d+)")),
    ("macOS", re.compile(r"Mac OS X (\d+[_.]\d+)")),
    ("Linux", re.compile(r"(Linux) x86_64")),
)
_HEAD_BYTES = 256 * 1024
_MAX_HAR_BYTES = 64 * 2**20


def detect_environment(analysis: Analysis, bundle: Bundle | None = None) -> list[EnvironmentItem]:
    """Versions, hosts, OS, browsers and clients, each with where it was read.

    From the stats alone: HAR exporters, the hosts a browser talked to, TLS servers and
    protocol versions, captured conversations' clients and servers, log formats. With the
    bundle: product and server versions from the first 256 KB of each text member, and
    browsers and operating systems from the HAR's User-Agent headers.
    """
    items: list[EnvironmentItem] = []
    for path, per_analyzer in analysis.stats.items():
        http = per_analyzer.get("http")
        if isinstance(http, dict):
            creator = " ".join(str(http.get(k) or "") for k in ("creator", "creator_version"))
            if creator.strip():
                items.append(EnvironmentItem("HAR exported by", creator.strip(), path))
            hosts = http.get("hosts")
            if isinstance(hosts, dict) and hosts:
                ranked = sorted(hosts.items(), key=lambda kv: (-_requests(kv[1]), kv[0]))
                items.append(EnvironmentItem(
                    "Hosts contacted by the browser",
                    ", ".join(f"{host} ({_requests(info)} requests)" for host, info in ranked[:8]),
                    path))
        tls = per_analyzer.get("tls")
        if isinstance(tls, dict):
            items.extend(_tls_environment(tls, path))
        network = per_analyzer.get("network")
        if isinstance(network, dict):
            items.extend(_network_environment(network, path))
        logs = per_analyzer.get("logs")
        if isinstance(logs, dict) and logs.get("format"):
            zone = logs.get("time_zone") or "unknown"
            items.append(EnvironmentItem("Log format", f"{logs['format']} (time zone {zone})",
                                         path))
    if bundle is not None:
        items.extend(_bundle_environment(analysis, bundle))
    return items


def _requests(info: Any) -> int:
    return int(info.get("requests", 0)) if isinstance(info, dict) else 0


def _tls_environment(tls: dict[str, Any], path: str) -> list[EnvironmentItem]:
    handshakes = [h for h in tls.get("handshakes", []) if isinstance(h, dict)]
    servers = Counter(f"{h.get('sni') or '(no SNI)'} at {h.get('server')}" for h in handshakes)
    versions = Counter(str(h["version"]) for h in handshakes if h.get("version"))
    clients = Counter(str(h.get("client", "")).rsplit(":", 1)[0] for h in handshakes)
    items = []
    if servers:
        items.append(EnvironmentItem("TLS servers", ", ".join(
            f"{name} ({count} handshakes)" for name, count in servers.most_common(6)), path))
    if versions:
        items.append(EnvironmentItem("TLS versions negotiated", ", ".join(
            f"{name} ({count})" for name, count in versions.most_common()), path))
    if clients:
        items.append(EnvironmentItem("TLS clients", ", ".join(
            name for name, _ in clients.most_common(6)), path))
    return items


def _network_environment(network: dict[str, Any], path: str) -> list[EnvironmentItem]:
    conversations = [c for c in network.get("conversations", []) if isinstance(c, dict)]
    servers = Counter(f"{c.get('server')}:{c.get('server_port')}" for c in conversations)
    clients = Counter(str(c.get("client")) for c in conversations)
    items = []
    if servers:
        items.append(EnvironmentItem("Servers in the capture", ", ".join(
            f"{name} ({count} connections)" for name, count in servers.most_common(6)), path))
    if clients:
        items.append(EnvironmentItem("Clients in the capture", ", ".join(
            name for name, _ in clients.most_common(6)), path))
    return items


def _bundle_environment(analysis: Analysis, bundle: Bundle) -> list[EnvironmentItem]:
    found: dict[tuple[str, str], str] = {}
    for artifact in analysis.artifacts:
        try:
            if artifact.kind is ArtifactKind.HAR and artifact.size <= _MAX_HAR_BYTES:
                for label, value in _user_agents(bundle, artifact.path):
                    found.setdefault((label, value), artifact.path)
            elif artifact.kind in (ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.SQL_DUMP,
                                   ArtifactKind.POSTGRES_LOG, ArtifactKind.MYSQL_SLOW_LOG):
                with bundle.open(artifact.path) as stream:
                    head = stream.read(_HEAD_BYTES).decode("utf-8", "replace")
                for label, value in _versions(head):
                    found.setdefault((label, value), artifact.path)
        except (OSError, KeyError, ValueError):
            continue  # a member that cannot be read tells us nothing; the analysis says why
    return [EnvironmentItem(label, value, source)
            for (label, value), source in list(found.items())[:30]]


def _versions(text: str) -> Iterable[tuple[str, str]]:
    for pattern, label in _VERSION_LINES:
        for match in pattern.finditer(text):
            name = label or match.group("name")
            yield name, match.group("v").rstrip(".,;")


def _user_agents(bundle: Bundle, path: str) -> list[tuple[str, str]]:
    with bundle.open(path) as stream:
        document = orjson.loads(stream.read(_MAX_HAR_BYTES + 1))
    agents: Counter[str] = Counter()
    entries = document.get("log", {}).get("entries", []) if isinstance(document, dict) else []
    for entry in entries[:2000]:
        headers = entry.get("request", {}).get("headers", []) if isinstance(entry, dict) else []
        for header in headers:
            if isinstance(header, dict) and str(header.get("name", "")).lower() == "user-agent":
                agents[str(header.get("value", ""))] += 1
    result = []
    for agent, _ in agents.most_common(5):
        browser = next((f"{name} {m.group(1)}" for name, pattern in _USER_AGENT_BROWSERS
                        if (m := pattern.search(agent))), None)
        system = next((f"{name} {m.group(1).replace('_', '.')}".replace("Linux Linux", "Linux")
                       for name, pattern in _USER_AGENT_SYSTEMS if (m := pattern.search(agent))),
                      None)
        if browser:
            result.append(("Browser", browser))
        if system:
            result.append(("Client operating system", system))
    return result


# --- rendering -----------------------------------------------------------------------------

SECTIONS = (
    ("business_impact", "Severity and business impact"),
    ("customer", "Customer"),
    ("environment", "Environment"),
    ("summary", "Summary"),
    ("timeline", "Timeline"),
    ("findings", "Findings"),
    ("reproduction", "Reproduction steps"),
    ("workaround", "Workaround given to the customer"),
    ("ask", "What we ask of engineering"),
    ("attachments", "Attachments"),
)


def _paragraphs(text: str) -> list[str]:
    """Lines as Markdown, escaped, list items kept as list items."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            out.append("- " + markdown_escape(stripped[2:]))
        elif re.match(r"\d{1,3}[.)] ", stripped):
            number, _, rest = stripped.partition(" ")
            out.append(f"{number[:-1]}. {markdown_escape(rest)}")
        else:
            out.append(markdown_escape(stripped) if stripped else "")
    return out


def render_markdown(report: Report) -> str:
    """GitHub- and Jira-friendly Markdown; customer text never becomes markup."""
    lines = [f"# {markdown_escape(report.title or 'Escalation report')}", ""]
    meta = [f"**Severity:** {report.severity.value}"]
    if report.bundle:
        meta.append(f"**Bundle:** {inline_code(report.bundle)}")
    if report.bundle_sha256:
        meta.append(f"**SHA-256:** `{report.bundle_sha256}`")
    lines += [" · ".join(meta), ""]
    for name, heading in SECTIONS:
        body = _markdown_section(report, name)
        if body:
            lines += [f"## {heading}", "", *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_section(report: Report, name: str) -> list[str]:
    if name == "environment":
        if not report.environment:
            return []
        rows = ["| What | Value | Seen in |", "| --- | --- | --- |"]
        rows += [f"| {_cell(e.label)} | {_cell(e.value)} | {_cell(e.source)} |"
                 for e in report.environment]
        return rows
    if name == "timeline":
        if not report.timeline:
            return []
        rows = ["| Time (UTC) | Source | Event | Where |", "| --- | --- | --- | --- |"]
        rows += [f"| {_cell(t.time)} | {_cell(t.source)} | {_cell(t.message)} | "
                 f"{_cell(f'{t.artifact}, {t.where}' if t.artifact else t.where)} |"
                 for t in report.timeline]
        return rows
    if name == "findings":
        out: list[str] = []
        for number, finding in enumerate(report.findings, 1):
            out += [f"### {number}. {finding.severity.value.upper()}: "
                    f"{markdown_escape(finding.title)}", ""]
            meta = f"Rule `{finding.rule}`" + (f", {markdown_escape(finding.seen)}"
                                               if finding.seen else "")
            out += [meta, ""]
            if finding.detail:
                out += [*_paragraphs(finding.detail), ""]
            for evidence in finding.evidence:
                where = f"{inline_code(evidence.artifact)}, {markdown_escape(evidence.where)}"
                out.append(f"- {where}" + (f": {inline_code(evidence.excerpt)}"
                                           if evidence.excerpt else ""))
            if finding.evidence:
                out.append("")
            if finding.remediation:
                out += [f"Next step: {markdown_escape(finding.remediation)}", ""]
        return out[:-1] if out and out[-1] == "" else out
    if name == "attachments":
        return [f"- {inline_code(a.path)}" + (f": {markdown_escape(a.note)}" if a.note else "")
                for a in report.attachments]
    text = getattr(report, name)
    return _paragraphs(text) if text.strip() else []


def _cell(text: str) -> str:
    """A table cell: escaped, on one line; a pipe in customer text must not split the row."""
    return markdown_escape(text).replace("|", "\\|") or " "


_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60em;
margin:2em auto;padding:0 1em;color:#1b1f24}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.meta{color:#57606a}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;
background:#f6f8fa;border-radius:4px}code{padding:.1em .3em}
pre{padding:.6em;white-space:pre-wrap;overflow-wrap:anywhere}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.25em .5em;
vertical-align:top;text-align:left}.sev{font-weight:bold;text-transform:uppercase}
.critical,.high{color:#a40e26}.medium{color:#9a6700}.low,.info{color:#57606a}
"""


def render_html(report: Report) -> str:
    """One self-contained HTML file: inline style, no script, no remote resource.

    Every string from the report goes through ``html.escape``; the Content-Security-Policy
    forbids scripts and loads even if something slipped through.
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(report.title or 'Escalation report')}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{e(report.title or 'Escalation report')}</h1>",
        f'<p class="meta">Severity: <span class="sev {e(report.severity.value)}">'
        f"{e(report.severity.value)}</span>"
        + (f" · Bundle: <code>{e(report.bundle)}</code>" if report.bundle else "")
        + (f" · SHA-256: <code>{e(report.bundle_sha256)}</code>" if report.bundle_sha256
           else "") + "</p>",
    ]
    for name, heading in SECTIONS:
        body = _html_section(report, name)
        if body:
            parts += [f"<h2>{e(heading)}</h2>", body]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _html_text(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _html_section(report: Report, name: str) -> str:
    e = html.escape
    if name == "environment":
        if not report.environment:
            return ""
        rows = "".join(f"<tr><td>{e(i.label)}</td><td>{e(i.value)}</td><td>{e(i.source)}</td>"
                       "</tr>" for i in report.environment)
        return f"<table><tr><th>What</th><th>Value</th><th>Seen in</th></tr>{rows}</table>"
    if name == "timeline":
        if not report.timeline:
            return ""
        rows = "".join(f"<tr><td>{e(t.time)}</td><td>{e(t.source)}</td><td>{e(t.message)}</td>"
                       f"<td>{e(t.artifact)} {e(t.where)}</td></tr>" for t in report.timeline)
        return ("<table><tr><th>Time (UTC)</th><th>Source</th><th>Event</th><th>Where</th>"
                f"</tr>{rows}</table>")
    if name == "findings":
        out = []
        for number, finding in enumerate(report.findings, 1):
            severity = e(finding.severity.value)
            out.append(f'<h3>{number}. <span class="sev {severity}">{severity}</span>: '
                       f"{e(finding.title)}</h3>")
            out.append(f'<p class="meta">Rule <code>{e(finding.rule)}</code>'
                       + (f", {e(finding.seen)}" if finding.seen else "") + "</p>")
            out.append(_html_text(finding.detail))
            if finding.evidence:
                items = "".join(
                    f"<li><code>{e(ev.artifact)}</code>, {e(ev.where)}"
                    + (f"<pre>{e(ev.excerpt)}</pre>" if ev.excerpt else "") + "</li>"
                    for ev in finding.evidence)
                out.append(f"<ul>{items}</ul>")
            if finding.remediation:
                out.append(f"<p>Next step: {e(finding.remediation)}</p>")
        return "\n".join(out)
    if name == "attachments":
        if not report.attachments:
            return ""
        items = "".join(f"<li><code>{e(a.path)}</code>" + (f": {e(a.note)}" if a.note else "")
                        + "</li>" for a in report.attachments)
        return f"<ul>{items}</ul>"
    return _html_text(getattr(report, name))


def render_text(report: Report) -> str:
    """Plain text with every string of the report: the preview, and what the PDF gate reads."""
    lines = [report.title or "Escalation report",
             f"Severity: {report.severity.value}"
             + (f" | Bundle: {report.bundle}" if report.bundle else "")
             + (f" | SHA-256: {report.bundle_sha256}" if report.bundle_sha256 else ""), ""]
    for name, heading in SECTIONS:
        body = _text_section(report, name)
        if body:
            lines += [heading.upper(), *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _text_section(report: Report, name: str) -> list[str]:
    if name == "environment":
        return [f"{i.label}: {i.value}" + (f" ({i.source})" if i.source else "")
                for i in report.environment]
    if name == "timeline":
        return [f"{t.time}  {t.source}  {t.message}"
                + (f"  [{t.artifact}, {t.where}]" if t.artifact else "") for t in report.timeline]
    if name == "findings":
        out = []
        for number, finding in enumerate(report.findings, 1):
            out.append(f"{number}. {finding.severity.value.upper()}: {finding.title}")
            out.append(f"   Rule {finding.rule}" + (f", {finding.seen}" if finding.seen else ""))
            out += [f"   {line}" for line in finding.detail.splitlines() if line.strip()]
            for evidence in finding.evidence:
                out.append(f"   - {evidence.artifact}, {evidence.where}"
                           + (f": {evidence.excerpt}" if evidence.excerpt else ""))
            if finding.remediation:
                out.append(f"   Next step: {finding.remediation}")
        return out
    if name == "attachments":
        return [f"- {a.path}" + (f": {a.note}" if a.note else "") for a in report.attachments]
    return [line for line in getattr(report, name).splitlines()]


# --- PDF ----------------------------------------------------------------------------------


def render_pdf(report: Report) -> bytes:
    """The report as a PDF (fpdf2; no Qt, so the headless CLI can write it)."""
    from fpdf import FPDF  # imported here: only PDF export needs it

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_creator("Bundle Inspector")
    unicode_fonts = _unicode_fonts()
    if unicode_fonts:
        regular, bold, mono = unicode_fonts
        pdf.add_font("Body", "", str(regular))
        pdf.add_font("Body", "B", str(bold))
        pdf.add_font("Mono", "", str(mono))
        body, code = "Body", "Mono"
        covered = _covered(unicode_fonts)

        def fit(text: str) -> str:
            # A glyph the fonts lack would print as nothing; show U+FFFD instead.
            if all(ord(char) in covered for char in text):
                return text
            return "".join(c if ord(c) in covered else "\ufffd" for c in text)
    else:
        body, code = "Helvetica", "Courier"
        fit = _latin1
    pdf.set_title(fit(report.title))
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: float = 10, style: str = "", font: str = body,
              gap: float = 1.5) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(width, size * 0.5, fit(_printable(text)), new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(gap)

    write(report.title or "Escalation report", 18, "B")
    write(f"Severity: {report.severity.value}"
          + (f"   Bundle: {report.bundle}" if report.bundle else ""), 10)
    if report.bundle_sha256:
        write(f"SHA-256: {report.bundle_sha256}", 8, font=code)
    if not unicode_fonts:
        write("Note: no Unicode font was found on this machine; characters outside Latin-1 "
              "are shown as '?'.", 8)
    for name, heading in SECTIONS:
        body_lines = _text_section(report, name)
        if not any(line.strip() for line in body_lines):
            continue
        pdf.ln(2)
        write(heading, 13, "B")
        for line in body_lines:
            monospace = name == "findings" and line.startswith("   - ")
            write(line, 8.5 if monospace else 10, font=code if monospace else body, gap=0.5)
    return bytes(pdf.output())


def _unicode_fonts() -> tuple[Path, Path, Path] | None:
    fonts = (FONT_FOLDER / "DejaVuSans.ttf", FONT_FOLDER / "DejaVuSans-Bold.ttf",
             FONT_FOLDER / "DejaVuSansMono.ttf")
    return fonts if all(f.is_file() for f in fonts) else None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _printable(text: str) -> str:
    """Tabs as spaces, other control characters as ``?``: fonts have no glyph for them."""
    return _CONTROL.sub("?", text.replace("\t", "    "))


@functools.lru_cache(maxsize=1)
def _covered(fonts: tuple[Path, ...]) -> frozenset[int]:
    """Code points every one of ``fonts`` has a glyph for."""
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools

    covered: frozenset[int] | None = None
    for path in fonts:
        with TTFont(path, lazy=True) as font:
            points = frozenset(font.getBestCmap())
        covered = points if covered is None else covered & points
    return covered or frozenset()


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


# --- export ------------------------------------------------------------------------------

FORMATS = ("md", "html", "pdf")


def redact_report(report: Report, redactor: Redactor) -> Report:
    """The report with every string redacted by ``redactor`` (changes recorded there)."""
    def survey(text: str, where: str) -> str:
        redactor.survey(text)
        return text
    map_text(report, survey)  # learn every identifier first, then replace them all
    return map_text(report, lambda text, where: redactor.text(text, f"report: {where}"))


def render(report: Report, fmt: str) -> bytes:
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export(report: Report, fmt: str, path: Path, redactor: Redactor) -> Report:
    """Redact, render, gate, write atomically. Returns the redacted report that was written.

    Raises ``RedactionRefused`` (nothing written) when the gate flags the rendered output.
    The PDF is gated through ``render_text`` of the same redacted report, the text it is
    drawn from; Markdown and HTML are gated as written, and HTML also unescaped, so an
    entity-encoded secret cannot slip past the scanner.
    """
    clean = redact_report(report, redactor)
    data = render(clean, fmt)
    if fmt == "pdf":
        check(render_text(clean), redactor)
    else:
        text = data.decode("utf-8")
        check(text, redactor)
        if fmt == "html":
            check(html.unescape(text), redactor)
    write_atomically(Path(path), data)
    return clean

