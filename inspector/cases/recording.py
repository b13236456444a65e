"""What the case database keeps of an analysis: fingerprints and redacted words, nothing raw.

``recording_of(analysis)`` turns an ``Analysis`` into a ``Recording``: per finding its
fingerprint, rule, severity and title; the bundle's SHA-256 and file name; the worst
severity and the top finding. Every text that came from the bundle (titles carry host names,
addresses, user names; a bundle's file name can carry the customer's) passes through the
privacy ``Redactor`` first: secrets removed, identifiers pseudonymised. The redactor is the
bundle's own when there is one (its workspace's pseudonym map, as ``inspector report`` uses,
so the database says ``host3.redacted.invalid`` where the exported report does), else one
with a fresh map. Values already pseudonymised stay as they are; nothing is ever mapped back.
Evidence, excerpts and facts are never part of a recording.

>>> from inspector.bundle import BundleInfo
>>> from inspector.model import Finding
>>> refused = Finding("tcp.connection-refused", Severity.HIGH, "network",
...                   "10.1.7.31 refused 44 connections on port 8080", "network",
...                   facts={"server": "10.1.7.31", "port": 8080, "attempts": 44})
>>> analysis = Analysis(BundleInfo("/cases/support-10.20.4.17.tgz", "ab" * 32, 1),
...                     findings=[refused])
>>> recording = recording_of(analysis, Redactor())
>>> recording.findings[0].title, recording.bundle_name
('240.0.0.1 refused 44 connections on port 8080', 'support-240.0.0.2.tgz')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from inspector import __version__
from inspector.analysis import Analysis
from inspector.cases.fingerprints import finding_fingerprint
from inspector.model import Severity
from inspector.privacy.redaction import PseudonymMap, Redactor
from inspector.workspace import WorkspaceError, load_workspace

CORRELATION = "correlation"  # the category of findings that link other findings


@dataclass(frozen=True, slots=True)
class RecordedFinding:
    fingerprint: str
    rule: str
    severity: Severity
    title: str
    category: str = ""  # not stored: picks the top finding (see ``Recording.top_finding``)


@dataclass(frozen=True, slots=True)
class Recording:
    """One analysis as the case database keeps it.

    Attributes:
        bundle_sha256: the bundle's key, as in the analysis document.
        bundle_name: its file name, redacted.
        findings: in the analysis's order (most severe first); titles redacted.
        tool_version: the Bundle Inspector that analysed it.
    """

    bundle_sha256: str
    bundle_name: str
    findings: tuple[RecordedFinding, ...]
    tool_version: str = __version__

    @property
    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    @property
    def top_finding(self) -> str:
        """The first finding's title; a correlation finding (an incident's time window)
        names no problem of its own, so the first other one is taken when there is one."""
        problems = [f for f in self.findings if f.category != CORRELATION] or self.findings
        return problems[0].title if problems else ""

    def fingerprints(self) -> dict[str, Severity]:
        """Each fingerprint once, with the worst severity it was seen at."""
        worst: dict[str, Severity] = {}
        for finding in self.findings:
            if finding.fingerprint not in worst or finding.severity > worst[finding.fingerprint]:
                worst[finding.fingerprint] = finding.severity
        return worst


def bundle_redactor(bundle_sha256: str) -> Redactor:
    """A redactor with the bundle's workspace pseudonym map, read only, or a fresh map."""
    try:
        workspace = load_workspace(bundle_sha256)
    except (WorkspaceError, ValueError):
        workspace = None
    return Redactor(workspace.pseudonyms if workspace is not None else PseudonymMap())


def recording_of(analysis: Analysis, redactor: Redactor | None = None) -> Recording:
    """What the case database keeps of ``analysis`` (see the module docstring)."""
    sha256 = analysis.bundle.sha256
    redactor = redactor or bundle_redactor(sha256)
    findings = tuple(
        RecordedFinding(finding_fingerprint(f), f.rule, f.severity,
                        redactor.text(f.title, "case database"), f.category)
        for f in analysis.findings)
    name = PurePath(analysis.bundle.source).name or analysis.bundle.source
    return Recording(sha256, redactor.text(name, "case database"), findings)
