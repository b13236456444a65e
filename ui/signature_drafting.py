"""Drafting a known-issue signature from a finding or a log line, with its matches previewed.

Each draft opens a window-modal ``ui.signature_editor.SignatureEditor`` previewing its
matches in the open bundle (once its analysis has finished) and in every sample scenario.
The samples are built and analyzed once per window (``SampleTargets``, closed with the
window by ``close``); the open bundle is reopened for each editor from the analysis's
member list (no rescan) and closed with that editor, so no archive handle is shared
between threads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from analyzers import BUILTIN
from inspector.analysis import Analysis
from inspector.bundle import Bundle, reopen_bundle
from inspector.knowledge import AnalysisView, SampleTargets, Target
from inspector.model import Finding
from ui.signature_editor import SignatureEditor
from ui.worker import BundleOpened

HINT_MS = 5000
SAVED_MS = 10_000


class SignatureDrafting(QObject):
    """Opens signature editors over a window (see the module doc).

    Attributes:
        editor: the editor open now, or None.

    Signals:
        message(str, int): a status-bar message and how long to show it (milliseconds).
    """

    message = Signal(str, int)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.editor: SignatureEditor | None = None
        self._opened: BundleOpened | None = None
        self._analysis: Analysis | None = None
        self._samples: SampleTargets | None = None

    def show_bundle(self, opened: BundleOpened, analysis: Analysis | None = None) -> None:
        """The open bundle, and its analysis once it has finished (previews need both)."""
        self._opened, self._analysis = opened, analysis

    def sample_targets(self) -> SampleTargets:
        """The sample scenarios every editor of this window previews on."""
        if self._samples is None:
            self._samples = SampleTargets(BUILTIN)
        return self._samples

    def from_finding(self, finding: Finding | None) -> SignatureEditor | None:
        if finding is None:
            self.message.emit("Select a finding to draft a signature from", HINT_MS)
            return None
        return self._open(lambda **options: SignatureEditor.from_finding(finding, **options))

    def from_line(self, line: str | None) -> SignatureEditor | None:
        if line is None or not line.strip():
            self.message.emit(
                "Select a log line with text in the Text viewer to draft a signature from",
                HINT_MS)
            return None
        return self._open(lambda **options: SignatureEditor.from_line(line, **options))

    def close(self) -> None:
        """Close the open editor (its preview stops first), then the samples."""
        if self.editor is not None:
            self.editor.reject()
        if self._samples is not None:
            self._samples.close()
            self._samples = None

    def _bundle_target(self) -> tuple[Target | None, Bundle | None]:
        """The open bundle as a preview target, once its analysis has finished."""
        if self._analysis is None or self._opened is None:
            return None, None
        bundle = reopen_bundle(self._opened.source, self._opened.limits)
        bundle.artifacts = self._analysis.artifacts  # the analysis listed them: no rescan
        return Target(str(self._opened.source), AnalysisView(self._analysis, bundle)), bundle

    def _open(self, make: Callable[..., SignatureEditor]) -> SignatureEditor:
        target, bundle = self._bundle_target()
        editor = make(bundle=target, samples=self.sample_targets(), parent=self._window)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda path: self.message.emit(
            f"Signature saved to {path}; it applies from the next analysis", SAVED_MS))
        editor.finished.connect(lambda _result: self._closed(editor, bundle))
        self.editor = editor
        editor.open()
        return editor

    def _closed(self, editor: SignatureEditor, bundle: Bundle | None) -> None:
        if bundle is not None:
            bundle.close()
        if self.editor is editor:
            self.editor = None
