"""The evidence viewers in tabs (Text, Packets, HAR, SQL, Document, Threads, Timeline), and
the way from a piece of evidence to the viewer that shows it.

``open_evidence`` picks the viewer for the member's kind and the locator
(``ui.viewers.viewer_kind``), brings its tab forward and opens it there, highlighted. The
members are those of the open bundle (``set_bundle``: what the reader listed), with the
statuses the analysis gave them once it has finished (``set_analysis``); a member is read
from the bundle in place, reopened by whichever thread reads it (``MemberSource``). A
member that was skipped, or an archive (its members are listed on their own), is not
opened: the status bar says why. Activating evidence inside a viewer (a timeline event, a
slow-log class's example) goes through the same way.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from inspector.analysis import Analysis
from inspector.model import Artifact, ArtifactKind, ArtifactStatus, Evidence
from inspector.views.source import MemberSource
from ui.viewers import DOCUMENT, HAR, PACKETS, SQL, TEXT, THREADS, viewer_kind
from ui.viewers.base import Viewer
from ui.viewers.document import DocumentViewer
from ui.viewers.har import HarViewer
from ui.viewers.packets import PacketViewer
from ui.viewers.sql import SqlViewer
from ui.viewers.text import TextViewer
from ui.viewers.threads import ThreadDumpViewer
from ui.viewers.timeline import TimelineViewer
from ui.worker import BundleOpened

MESSAGE_MS = 8000
TITLES = ("Text", "Packets", "HAR", "SQL", "Document", "Threads", "Timeline")


class EvidenceViewers(QTabWidget):
    """The viewers, one tab each (see the module doc).

    Attributes:
        opened: the bundle whose members are shown, or None.
        artifacts: its members, by path.

    Signals:
        message(str, int): a status-bar message and how long to show it (0: until replaced).
        signature_requested(str): the text viewer's user asked for a signature from a line.
    """

    message = Signal(str, int)
    signature_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.opened: BundleOpened | None = None
        self.artifacts: dict[str, Artifact] = {}
        self.text_viewer = TextViewer()
        self.packet_viewer = PacketViewer()
        self.har_viewer = HarViewer()
        self.sql_viewer = SqlViewer()
        self.document_viewer = DocumentViewer()
        self.thread_viewer = ThreadDumpViewer()
        self.timeline = TimelineViewer()
        self.by_kind = {TEXT: self.text_viewer, PACKETS: self.packet_viewer,
                        HAR: self.har_viewer, SQL: self.sql_viewer,
                        DOCUMENT: self.document_viewer, THREADS: self.thread_viewer}
        for title, viewer in zip(TITLES, self.viewers(), strict=True):
            self.addTab(viewer, title)
            viewer.status.connect(lambda text: self.message.emit(text, 0))
        self.timeline.evidence_activated.connect(self.open_evidence)
        self.sql_viewer.evidence_activated.connect(self.open_evidence)
        self.text_viewer.signature_requested.connect(self.signature_requested)

    def viewers(self) -> tuple[Viewer, ...]:
        """Every viewer, in tab order."""
        return (self.text_viewer, self.packet_viewer, self.har_viewer, self.sql_viewer,
                self.document_viewer, self.thread_viewer, self.timeline)

    def set_bundle(self, opened: BundleOpened) -> None:
        """A new bundle: every member viewer lets its old member go."""
        for viewer in self.by_kind.values():
            viewer.close_source()
        self.opened = opened
        self.artifacts = {artifact.path: artifact for artifact in opened.artifacts}
        self.timeline.set_analysis(None)

    def set_analysis(self, analysis: Analysis) -> None:
        """The analysis has finished: members' final statuses, its timeline and stats."""
        for artifact in analysis.artifacts:
            self.artifacts[artifact.path] = artifact
        self.timeline.set_analysis(analysis)
        self.sql_viewer.set_stats(analysis.stats)

    def member(self, path: str) -> MemberSource | None:
        artifact = self.artifacts.get(path)
        if artifact is None or self.opened is None:
            return None
        return MemberSource(self.opened.source, self.opened.limits, artifact)

    def open_evidence(self, evidence: Evidence) -> None:
        """Show ``evidence`` in the viewer for its artifact and locator, highlighted."""
        source = self.member(evidence.artifact)
        if source is None:
            self.message.emit(f"{evidence.artifact} is not in this bundle", MESSAGE_MS)
            return
        artifact = source.artifact
        if artifact.status is ArtifactStatus.SKIPPED or artifact.kind is ArtifactKind.ARCHIVE:
            self.message.emit(
                f"{artifact.path} cannot be shown: {artifact.reason or artifact.kind.value}",
                MESSAGE_MS)
            return
        viewer = self.by_kind[viewer_kind(artifact.kind, evidence.locator)]
        self.setCurrentWidget(viewer)
        viewer.show_evidence(source, evidence.locator)
        self.message.emit(f"{artifact.path} · {evidence.locator.describe()}", MESSAGE_MS)

    def wait_idle(self) -> None:
        """Stop every viewer's background work and wait for it (closing)."""
        for viewer in self.viewers():
            viewer.wait_idle()
