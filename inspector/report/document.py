"""The escalation report as a document: plain, editable text in fixed sections.

A ``Report`` is a plain, editable document (DESIGN.md section 8): title, severity and
business impact, customer and environment, summary, timeline of key events, findings with
evidence excerpts (the engineer picks which and in what order), reproduction steps,
workaround given to the customer, what is asked of engineering, attachments. It converts to
and from JSON (``to_json``/``from_json``) so the workspace can keep the draft. ``SECTIONS``
is the order and the headings every renderer follows.

>>> report = Report(title="Checkout fails", severity=Severity.HIGH, summary="Since 09:14.")
>>> Report.from_json(report.to_json()) == report
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

import orjson

from inspector.model import Evidence, Finding, Severity
from inspector.timeline import seen_text

FORMAT = "bundle-inspector.report/1"
MAX_EXCERPT = 400
DRAFT_EVIDENCE = 3  # evidence items a finding brings when none are chosen

# The sections in the order every renderer shows them: (Report field, heading).
SECTIONS = (
    ("business_impact", "Severity and business impact"),
    ("customer", "Customer"),
    ("environment", "Environment"),
    ("summary", "Summary"),
    ("root_cause", "Root cause"),
    ("timeline", "Timeline"),
    ("findings", "Findings"),
    ("reproduction", "Reproduction steps"),
    ("workaround", "Workaround given to the customer"),
    ("resolution", "Resolution"),
    ("ask", "What we ask of engineering"),
    ("attachments", "Attachments"),
)


@dataclass
class ReportEvidence:
    """One evidence excerpt as the report shows it."""

    artifact: str
    where: str
    excerpt: str = ""

    @classmethod
    def of(cls, evidence: Evidence) -> ReportEvidence:
        return cls(evidence.artifact, evidence.locator.describe(), clip(evidence.excerpt))


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
    root_cause: str = ""  # the engineer's conclusion; the case database keeps it
    timeline: list[TimelineEntry] = field(default_factory=list)
    findings: list[ReportFinding] = field(default_factory=list)
    reproduction: str = ""
    workaround: str = ""
    resolution: str = ""  # how the case was resolved; the case database keeps it
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
            root_cause=data.get("root_cause", ""),
            timeline=[TimelineEntry(**t) for t in data.get("timeline", [])],
            findings=[ReportFinding(
                rule=f["rule"], severity=Severity(f["severity"]), title=f["title"],
                detail=f.get("detail", ""), seen=f.get("seen", ""),
                evidence=[ReportEvidence(**e) for e in f.get("evidence", [])],
                remediation=f.get("remediation", "")) for f in data.get("findings", [])],
            reproduction=data.get("reproduction", ""),
            workaround=data.get("workaround", ""),
            resolution=data.get("resolution", ""),
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


def clip(text: str, limit: int = MAX_EXCERPT) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seen(finding: Finding, offsets: Mapping[str, timedelta]) -> str:
    parts = []
    if span := seen_text(finding, offsets):
        parts.append(span)
    if finding.count > 1:
        parts.append(f"{finding.count:,} times")
    return ", ".join(parts)
