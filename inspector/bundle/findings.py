"""What the reader says about a bundle: the ``bundle.*`` rules, and the findings made from
what the scan noted.

The scan notes as it goes (``ScanRecord``): unsafe member names, likely bombs, members
skipped by reason, members it could not read, and whether it stopped early at a limit.
``ScanRecord.findings`` turns those notes into one finding per kind of trouble (one per
bomb, one per unreadable member), in a fixed order, with at most 50 members as evidence
and all of them in the facts. A bundle that opens but is partly broken is not an error:
everything here is a finding the engineer reads next to the analyzers' own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector.model import HANDLING, Evidence, Finding, Severity, WholeLocator
from inspector.rules import rule

# About the bundle itself: warnings for whoever handles it, never the case's root cause.
MEMBER_SKIPPED = rule("bundle.member-skipped", Severity.LOW, "bundle",
                      "A member of the bundle was not read; the reason is in the facts.",
                      concern=HANDLING)
ARCHIVE_BOMB = rule("bundle.archive-bomb", Severity.HIGH, "bundle",
                    "A member decompresses far beyond its size or overlaps other entries: a "
                    "decompression bomb, or a badly broken archive.", concern=HANDLING)
UNSAFE_PATH = rule("bundle.unsafe-path", Severity.MEDIUM, "bundle",
                   "Member names that would escape the extraction folder or mislead a reader "
                   "(../, absolute, control or bidi characters, invalid UTF-8).",
                   concern=HANDLING)
UNREADABLE = rule("bundle.unreadable", Severity.MEDIUM, "bundle",
                  "An archive or member is corrupt, truncated, encrypted or empty, so part of "
                  "the bundle could not be read.", concern=HANDLING)

_SKIP_TITLES = {
    "link": "links are never followed",
    "special": "devices, FIFOs and sockets are never opened",
    "encrypted": "encrypted",
    "depth": "archives nested too deep",
    "limit": "a reading limit was reached",
    "unsupported": "archive formats the reader does not open",
    "unreadable": "unreadable entries",
}
_EVIDENCE_CAP = 50


@dataclass
class ScanRecord:
    """What the scan of one bundle noted, by artifact path.

    Attributes:
        unsafe: member paths whose names are dangerous, with the reasons.
        skips: skipped members by category (``link``, ``special``, ``encrypted``,
            ``depth``, ``limit``, ``unsupported``, ``unreadable``, ``bomb``), path -> reason.
        bombs: (path, reason) of every likely decompression bomb, in scan order.
        unreadable: (path, reason) of what could not be read, in full or in part.
        stopped: why the listing stopped before the end, if it did.
        links: link path -> the bundle path of its target (``findings`` leaves out the
            links whose target is read: nothing is lost by not following them).
    """

    unsafe: dict[str, list[str]] = field(default_factory=dict)
    skips: dict[str, dict[str, str]] = field(default_factory=dict)
    bombs: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    stopped: str | None = None
    links: dict[str, str] = field(default_factory=dict)

    def findings(self, read: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
        """The ``bundle.*`` findings: unsafe names, bombs, skips by category, an early stop,
        unreadable members, in that order. ``read``: the paths of the members that are read;
        a link to one of them is not a finding."""
        findings: list[Finding] = []
        analyzer = "bundle"
        if self.unsafe:
            paths = sorted(self.unsafe)
            findings.append(UNSAFE_PATH.finding(
                f"{len(paths)} member name(s) would escape an extraction folder or mislead "
                "a reader",
                analyzer=analyzer, count=len(paths),
                detail="These names were read as data and never used as paths on this "
                       "machine. Do not unpack this bundle with tools that trust member "
                       "names; ask the customer how it was produced.",
                evidence=[Evidence(p, WholeLocator(), "; ".join(self.unsafe[p]))
                          for p in paths[:_EVIDENCE_CAP]],
                facts={"members": {p: self.unsafe[p] for p in paths}},
                remediation="Open the bundle only with Bundle Inspector or list it without "
                            "extracting; request a fresh bundle if names look tampered."))
        for path, reason in self.bombs:
            findings.append(ARCHIVE_BOMB.finding(
                f"{path} looks like a decompression bomb", analyzer=analyzer,
                detail=f"Reading stopped: {reason}. The member was skipped; the rest of the "
                       "bundle was read.",
                evidence=[Evidence(path, WholeLocator(), reason)],
                facts={"member": path, "reason": reason},
                remediation="Ask the customer for the file uncompressed or re-collected; "
                            "do not decompress it with other tools."))
        for category, members in sorted(self.skips.items()):
            if category == "bomb":
                continue
            paths = sorted(p for p in members if self.links.get(p) not in read)
            if not paths:
                continue
            findings.append(MEMBER_SKIPPED.finding(
                f"{len(paths)} member(s) skipped: {_SKIP_TITLES.get(category, category)}",
                analyzer=analyzer, count=len(paths),
                detail="; ".join(f"{p}: {members[p]}" for p in paths[:5])
                       + ("; ..." if len(paths) > 5 else ""),
                evidence=[Evidence(p, WholeLocator(), members[p])
                          for p in paths[:_EVIDENCE_CAP]],
                facts={"reason": category, "members": members}))
        if self.stopped:
            findings.append(MEMBER_SKIPPED.finding(
                "The bundle was only partly listed", analyzer=analyzer,
                detail=self.stopped, facts={"reason": "limit", "message": self.stopped},
                remediation="Raise the limit (see `inspector analyze --help`) if the bundle "
                            "is trusted enough."))
        for path, reason in sorted(set(self.unreadable)):
            findings.append(UNREADABLE.finding(
                f"{path} could not be read", analyzer=analyzer, detail=reason,
                evidence=[Evidence(path, WholeLocator(), reason)],
                facts={"member": path, "reason": reason},
                remediation="Ask the customer to re-create and re-send this file."))
        return findings
