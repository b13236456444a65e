"""Evidence viewers: one per kind of artifact, each opened at a locator and highlighting it.

Every viewer is a widget with ``show_evidence(source, locator)``: ``source`` is a
``MemberSource`` (``inspector.views.source``: the member to read, reopened from the bundle in
whatever thread reads it), ``locator`` the place to show. Viewers read members only through
``MemberSource.open``, a decompressed stream from the bundle in place: nothing is extracted.
What they show is built by the Qt-free ``inspector.views``; their reading and searching run
off the GUI thread through ``ui.worker.Task``.

``viewer_kind(artifact_kind, locator)`` picks the viewer: packets for captures, HAR
entries for HAR files, statements for SQL dumps (and the class table for slow logs), the
document tree for a place in a JSON or YAML document (a ``pointer`` locator), threads
grouped by stack for JVM thread dumps (a line there names a thread), and the text viewer
for everything else, including line locators into any of them (a slow log's line 825 is
best read as text).
"""

from __future__ import annotations

from inspector.model import ArtifactKind, Locator
from inspector.views.source import MemberSource

# MemberSource is what every viewer is opened with, so callers find it beside them.
__all__ = ["DOCUMENT", "HAR", "PACKETS", "SQL", "TEXT", "THREADS", "MemberSource",
           "viewer_kind"]

TEXT, PACKETS, HAR, SQL, DOCUMENT, THREADS = "text", "packets", "har", "sql", "document", \
    "threads"


def viewer_kind(kind: ArtifactKind, locator: Locator | None = None) -> str:
    """Which viewer shows ``kind`` at ``locator``.

    >>> from inspector.model import LineLocator, PacketLocator
    >>> viewer_kind(ArtifactKind.PCAPNG, PacketLocator(5))
    'packets'
    >>> viewer_kind(ArtifactKind.MYSQL_SLOW_LOG, LineLocator(825))
    'text'
    >>> viewer_kind(ArtifactKind.THREAD_DUMP, LineLocator(319))
    'threads'
    """
    locator_kind = getattr(locator, "kind", None)
    if locator_kind == "pointer":
        return DOCUMENT
    if locator_kind == "artifact":
        locator_kind = None  # the whole member: its natural viewer
    if locator_kind == "packet" or (kind in (ArtifactKind.PCAP, ArtifactKind.PCAPNG)
                                    and locator_kind != "line"):
        return PACKETS
    if locator_kind == "entry" or (kind is ArtifactKind.HAR and locator_kind is None):
        return HAR
    if locator_kind == "statement" or (kind is ArtifactKind.SQL_DUMP and locator_kind is None):
        return SQL
    if kind is ArtifactKind.MYSQL_SLOW_LOG and locator_kind is None:
        return SQL
    if kind is ArtifactKind.THREAD_DUMP and locator_kind in (None, "line"):
        return THREADS
    return TEXT
