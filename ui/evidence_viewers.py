"""The evidence viewers in tabs (Text, Packets, HAR, SQL, Document, Threads, Timeline), and
the way from a piece of evidence to the viewer that shows it.

``open_evidence`` picks the viewer for the member's kind and the locator
(``ui.viewers.viewer_kind``), brings its tab forward and opens it there, highlighted; a line
of a slow-query log opens that query's class in the digest, as pt-query-digest ranks it.
Every place opened is remembered for Back and Forward (``back``, ``forward``: Alt+Left,
Alt+Right). A new bundle (``set_bundle``) resets every viewer to its placeholder. The
members are those of the open bundle (``set_bundle``: what the reader listed), with the
statuses the analysis gave them once it has finished (``set_analysis``); a member is read
from the bundle in place, reopened by whichever thread reads it (``MemberSource``). A
member that was skipped, or an archive (its members are listed on their own), is not
opened: the status bar says why. Activating evidence inside a viewer (a timeline event, a
slow-log class's example) goes through the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from inspector.analysis import Analysis
from inspector.model import Artifact, ArtifactKind, ArtifactStatus, Evidence
from inspector.views.history import History
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
        history: the places shown, for Back and Forward.

    Signals:
        message(str, int): a status-bar message and how long to show it (0: until replaced).
        signature_requested(str): the text viewer's user asked for a signature from a line.
        evidence_chosen(object): a viewer's user asked to add this ``Evidence`` to the report.
        history_changed(): Back or Forward may have become possible or impossible.
    """

    message = Signal(str, int)
    signature_requested = Signal(str)
    evidence_chosen = Signal(object)
    history_changed = Signal()

    def __init__(self, parent: QWidget | None = None, with_timeline: bool = True) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.opened: BundleOpened | None = None
        self.artifacts: dict[str, Artifact] = {}
        # A place is the evidence and whether it was shown as text (see ``open_evidence``).
        self.history: History[tuple[Evidence, bool]] = History()
        self.text_viewer = TextViewer()
        self.packet_viewer = PacketViewer()
        self.har_viewer = HarViewer()
        self.sql_viewer = SqlViewer()
        self.document_viewer = DocumentViewer()
        self.thread_viewer = ThreadDumpViewer()
        # Training leaves the timeline out: its incidents would give the answer away.
        self.timeline = TimelineViewer() if with_timeline else None
        self.by_kind = {TEXT: self.text_viewer, PACKETS: self.packet_viewer,
                        HAR: self.har_viewer, SQL: self.sql_viewer,
                        DOCUMENT: self.document_viewer, THREADS: self.thread_viewer}
        for title, viewer in zip(TITLES, self.viewers(), strict=False):
            self.addTab(viewer, title)
            viewer.status.connect(lambda text: self.message.emit(text, 0))
        if self.timeline is not None:
            self.timeline.evidence_activated.connect(self.open_evidence)
        # A class's example is asked for as text: the digest is where it comes from.
        self.sql_viewer.evidence_activated.connect(
            lambda evidence: self.open_evidence(evidence, as_text=True))
        self.text_viewer.signature_requested.connect(self.signature_requested)
        # The viewers whose rows a user can add to the report as they are.
        for viewer in (self.text_viewer, self.packet_viewer, self.har_viewer, self.sql_viewer):
            viewer.evidence_chosen.connect(self.evidence_chosen)

    def viewers(self) -> tuple[Viewer, ...]:
        """Every viewer, in tab order."""
        members = (self.text_viewer, self.packet_viewer, self.har_viewer, self.sql_viewer,
                   self.document_viewer, self.thread_viewer)
        return members if self.timeline is None else (*members, self.timeline)

    def set_bundle(self, opened: BundleOpened | None) -> None:
        """A new bundle (or none): every viewer lets its old member go and shows its
        placeholder, the history of places is forgotten."""
        for viewer in self.by_kind.values():
            viewer.close_source()
        self.sql_viewer.set_stats({})
        self.opened = opened
        self.artifacts = {artifact.path: artifact
                          for artifact in (opened.artifacts if opened else [])}
        if self.timeline is not None:
            self.timeline.set_analysis(None)
        self.history.clear()
        self.history_changed.emit()
        self.setCurrentIndex(0)

    def set_analysis(self, analysis: Analysis,
                     overrides: Mapping[str, timedelta] | None = None) -> None:
        """The analysis has finished: members' final statuses, its timeline (placed with the
        engineer's clock ``overrides``) and stats."""
        for artifact in analysis.artifacts:
            self.artifacts[artifact.path] = artifact
        if self.timeline is not None:
            self.timeline.set_analysis(analysis, overrides)
        self.sql_viewer.set_stats(analysis.stats)

    def member(self, path: str) -> MemberSource | None:
        artifact = self.artifacts.get(path)
        if artifact is None or self.opened is None:
            return None
        return MemberSource(self.opened.source, self.opened.limits, artifact)

    def open_evidence(self, evidence: Evidence, record: bool = True,
                      as_text: bool = False) -> bool:
        """Show ``evidence`` in the viewer for its artifact and locator, highlighted, and
        remember it for Back (unless ``record`` is false: going back or forward).
        ``as_text``: a slow log's line in the text viewer, not its class in the digest."""
        source = self.member(evidence.artifact)
        if source is None:
            self.message.emit(f"{evidence.artifact} is not in this bundle", MESSAGE_MS)
            return False
        artifact = source.artifact
        if artifact.status is ArtifactStatus.SKIPPED or artifact.kind is ArtifactKind.ARCHIVE:
            self.message.emit(
                f"{artifact.path} cannot be shown: {artifact.reason or artifact.kind.value}",
                MESSAGE_MS)
            return False
        kind = viewer_kind(artifact.kind, evidence.locator)
        if (artifact.kind is ArtifactKind.MYSQL_SLOW_LOG and not as_text
                and self.sql_viewer.class_at(artifact.path, evidence.locator) is not None):
            kind = SQL  # a slow query's line: its class in the digest, like pt-query-digest
        viewer = self.by_kind[kind]
        self.setCurrentWidget(viewer)
        viewer.show_evidence(source, evidence.locator)
        if record:
            self.history.visit((Evidence(evidence.artifact, evidence.locator), as_text))
            self.history_changed.emit()
        self.message.emit(f"{artifact.path} · {evidence.locator.describe()}", MESSAGE_MS)
        return True

    def back(self) -> None:
        """Show the place shown before the last jump (Alt+Left)."""
        place = self.history.back()
        if place is not None:
            self.open_evidence(place[0], record=False, as_text=place[1])
        self.history_changed.emit()

    def forward(self) -> None:
        """Show the place left by Back (Alt+Right)."""
        place = self.history.forward()
        if place is not None:
            self.open_evidence(place[0], record=False, as_text=place[1])
        self.history_changed.emit()

    def selected_evidence(self) -> list[Evidence]:
        """What is selected in the viewer in front (lines, packets, entries, a statement)."""
        viewer = self.currentWidget()
        if viewer in self.by_kind.values():
            return viewer.selected_evidence()
        return []

    def wait_idle(self) -> None:
        """Stop every viewer's background work and wait for it (closing)."""
        for viewer in self.viewers():
            viewer.wait_idle()
