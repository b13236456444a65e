"""What the engineer must be told about an analysis, rather than find in the Problems tab.

A bundle that yields "0 findings" because nothing in it could be read looks exactly like a
healthy bundle; a capture of which no packet could be read looks like a quiet network.
``analysis_notices(analysis)`` says so in plain words, most serious first, for the banner
over the window:

- nothing in the bundle was analyzed (a random file named ``.zip`` is one binary member:
  the name says archive, the content does not);
- a capture of which no packet could be read, with the reader's reason;
- members that could not be read, and analyzers that stopped (crash, timeout, memory).

Each notice is one sentence; at most ``MAX_NOTICES`` are returned, the last saying how many
more the Problems tab lists.

>>> import textwrap
>>> from inspector.analysis import Analysis, BundleInfo
>>> from inspector.model import Artifact, ArtifactKind
>>> lone = Analysis(BundleInfo("case.zip", "0" * 64, 5000),
...                 [Artifact("case.zip", ArtifactKind.BINARY, 5000)])
>>> print(textwrap.fill(analysis_notices(lone)[0].text, 90))
Nothing in case.zip could be analyzed: it is named like an archive (.zip) but its content
is not one; it was read as a single binary file of 5,000 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from inspector.analysis import Analysis
from inspector.model import ArtifactKind, ArtifactStatus, ProblemKind

MAX_NOTICES = 4
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz",
                    ".gz", ".7z")
STOPPED = (ProblemKind.CRASH, ProblemKind.TIMEOUT, ProblemKind.MEMORY, ProblemKind.ERROR)


@dataclass(frozen=True)
class Notice:
    """One message for the banner; ``level`` is ``error`` or ``warning``."""

    level: str
    text: str


def _size(size: int) -> str:
    return f"{size:,} bytes"


def analysis_notices(analysis: Analysis) -> list[Notice]:
    """What to tell the engineer about ``analysis`` (see the module doc); may be empty."""
    notices: list[Notice] = []
    name = PurePath(analysis.bundle.source).name
    readable = [a for a in analysis.artifacts if a.kind is not ArtifactKind.ARCHIVE]
    analyzed = [a for a in readable if a.status is ArtifactStatus.ANALYZED and a.analyzers]
    if readable and not analyzed:
        notices.append(Notice("error", f"Nothing in {name} could be analyzed: "
                                       f"{_why_nothing(name, readable)}"))
    elif not readable and not analysis.findings:
        notices.append(Notice("error", f"{name} holds no member that could be read."))
    for artifact in readable:
        if artifact.kind not in (ArtifactKind.PCAP, ArtifactKind.PCAPNG):
            continue
        packets = analysis.stats.get(artifact.path, {}).get("network", {}).get("packets")
        if packets == 0 or artifact.status is ArtifactStatus.FAILED:
            reason = next((p.message for p in analysis.problems if p.artifact == artifact.path),
                          artifact.reason or "the capture holds no frame")
            notices.append(Notice("warning", f"No packet could be read from {artifact.path}: "
                                             f"{reason}."))
    failed = [a for a in readable if a.status is ArtifactStatus.FAILED
              and a.kind not in (ArtifactKind.PCAP, ArtifactKind.PCAPNG)]
    if failed:
        shown = ", ".join(a.path for a in failed[:3]) + (" …" if len(failed) > 3 else "")
        notices.append(Notice("warning", f"{len(failed)} member(s) could not be read: {shown}."))
    for problem in analysis.problems:
        if problem.kind in STOPPED:
            notices.append(Notice("warning", f"The {problem.analyzer or 'reader'} analyzer "
                                             f"stopped on {problem.artifact or name}: "
                                             f"{problem.message}."))
    if len(notices) > MAX_NOTICES:
        more = len(notices) - (MAX_NOTICES - 1)
        notices = [*notices[:MAX_NOTICES - 1],
                   Notice("warning", f"… and {more} more: see the Problems tab.")]
    return notices


def _why_nothing(name: str, readable: list) -> str:
    if len(readable) == 1 and readable[0].kind is ArtifactKind.BINARY:
        lowered = name.lower()
        suffix = next((s for s in ARCHIVE_SUFFIXES if lowered.endswith(s)), None)
        size = _size(readable[0].size)
        if suffix is not None:
            return (f"it is named like an archive ({suffix}) but its content is not one; it "
                    f"was read as a single binary file of {size}.")
        return f"it is one binary file ({size}) that no analyzer reads."
    kinds = sorted({a.kind.value for a in readable})
    return (f"its {len(readable)} member(s) are {', '.join(kinds)}, which no analyzer reads, "
            "or could not be read (see the Problems tab).")
