"""The "create signature" dialog: draft, see what it matches everywhere, save.

Opened from a finding (``SignatureEditor.from_finding``) or a selected log line
(``SignatureEditor.from_line``), it shows the drafted signature as TOML (the format of
``docs/knowledge-base.md``), and, each time the text rests for a moment, what it matches in
the open bundle and in every sample scenario. Saving writes it to the user's signatures
folder, where it overrides a shipped signature of the same id.

Decisions the next engineer needs:

- The text is the one source of truth: the support engineer edits a few TOML lines, and
  what is saved is exactly what was tested. Validation is ``KnowledgeBase.from_text``, so a
  bad pattern shows the same message it would at load time, and Save stays disabled.
- Matching runs off the GUI thread through ``ui.worker.Task``; the Qt-free work is
  ``inspector.knowledge.match_everywhere``. One run at a time: the samples' open bundles
  are not shared between threads, and an edit during a run only marks the preview stale,
  so it reruns when the run ends. The first run builds and analyzes the sample scenarios
  (about two seconds); later runs only match.
- The main window passes the open bundle as an ``inspector.knowledge.Target`` (an
  ``AnalysisView`` over its finished analysis and opened bundle), and may share one
  ``SampleTargets`` between editors; the dialog closes a ``SampleTargets`` only if it made it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyzers import BUILTIN
from inspector.knowledge import (
    KnowledgeBase,
    SampleTargets,
    Signature,
    Target,
    TargetMatches,
    draft_from_finding,
    draft_from_line,
    match_everywhere,
    save_signature,
    to_toml,
    user_signatures_dir,
)
from inspector.model import Finding
from inspector.plugins import Cancelled
from ui.worker import Task, TaskState

PREVIEW_DELAY_MS = 400


def preview(state: TaskState, text: str, bundle: Target | None,
            samples: SampleTargets) -> list[TargetMatches]:
    """What the signatures in ``text`` match in ``bundle`` and every sample (worker side)."""
    def check_cancelled() -> None:
        if state.cancelled:
            raise Cancelled()

    knowledge = KnowledgeBase.from_text(text)
    targets = [bundle] if bundle is not None else []
    return match_everywhere(knowledge, [*targets, *samples.targets(check_cancelled)],
                            check_cancelled=check_cancelled)


class SignatureEditor(QDialog):
    """Edit a drafted signature, preview its matches, and save it.

    Attributes:
        directory: where Save writes (default: the user's signatures folder).
        results: the last preview, one ``TargetMatches`` per bundle (open bundle first).

    Signals:
        saved(object): the ``Path`` written.
        preview_finished(): a preview run ended and ``results`` is up to date.
    """

    saved = Signal(object)
    preview_finished = Signal()

    def __init__(self, draft: Signature, *, bundle: Target | None = None,
                 samples: SampleTargets | None = None, directory: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create signature")
        self.directory = directory if directory is not None else user_signatures_dir()
        self.results: list[TargetMatches] = []
        self._bundle = bundle
        self._owns_samples = samples is None
        self._samples = samples if samples is not None else SampleTargets(BUILTIN)
        self._task: Task | None = None
        self._stale = False
        self._signature: Signature | None = None

        self.editor = QPlainTextEdit(to_toml(draft))
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # customer text is never HTML
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Where", "Matches", "Excerpt"])
        self.tree.setUniformRowHeights(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.tree)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Signature (TOML, see docs/knowledge-base.md); saved to "
                                f"{self.directory}"))
        layout.addWidget(splitter)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(900, 640)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._start_preview)
        self.editor.textChanged.connect(self._edited)
        self._edited()

    @classmethod
    def from_finding(cls, finding: Finding, **options) -> SignatureEditor:
        return cls(draft_from_finding(finding), **options)

    @classmethod
    def from_line(cls, line: str, **options) -> SignatureEditor:
        return cls(draft_from_line(line), **options)

    @property
    def signature(self) -> Signature | None:
        """The signature the text holds, or ``None`` while it is not exactly one valid one."""
        return self._signature

    # -- validation and preview ------------------------------------------------------------

    @Slot()
    def _edited(self) -> None:
        knowledge = KnowledgeBase.from_text(self.editor.toPlainText(), "signature")
        problems = list(knowledge.problems)
        if not problems and len(knowledge.signatures) != 1:
            problems.append("write exactly one [[signature]]")
        self._signature = knowledge.signatures[0] if not problems else None
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(
            self._signature is not None)
        if problems:
            self.status.setText("Not valid: " + "; ".join(problems))
            return
        existing = self.directory / f"{knowledge.signatures[0].id}.toml"
        self.status.setText("Matching…" + (f" (saving replaces {existing.name})"
                                           if existing.exists() else ""))
        self._timer.start()

    @Slot()
    def _start_preview(self) -> None:
        if self._signature is None:
            return
        if self._task is not None and self._task.running:
            self._stale = True
            return
        self._stale = False
        self._task = Task(preview, self.editor.toPlainText(), self._bundle, self._samples,
                          name="signature-preview", parent=self)
        self._task.finished.connect(self._show)
        self._task.failed.connect(self._failed)
        self._task.start()

    @Slot(object)
    def _show(self, results: list[TargetMatches]) -> None:
        self.results = results
        self.tree.clear()
        hit = 0
        for result in results:
            count = sum(m.count for m in result.matches)
            hit += bool(count)
            top = QTreeWidgetItem([result.name, f"{count:,}",
                                   "; ".join(result.warnings[:3])])
            for found in result.matches:
                item = QTreeWidgetItem([found.signature.id, f"{found.count:,}",
                                        ", ".join(found.sources)])
                for evidence in found.evidence:
                    item.addChild(QTreeWidgetItem([
                        f"{evidence.artifact} {evidence.locator.describe()}", "",
                        evidence.excerpt]))
                top.addChild(item)
            self.tree.addTopLevelItem(top)
            top.setExpanded(bool(count) and result.name == (self._bundle.name
                                                             if self._bundle else None))
        self.status.setText(f"Matches in {hit} of {len(results)} bundle(s)"
                            + (" (the open bundle first)" if self._bundle else ""))
        self._after_run()

    @Slot(str)
    def _failed(self, message: str) -> None:
        if not message.startswith("Cancelled"):
            self.status.setText(f"Preview failed: {message}")
        self._after_run()

    def _after_run(self) -> None:
        self.preview_finished.emit()
        if self._stale:
            self._start_preview()

    # -- saving and closing ----------------------------------------------------------------

    @Slot()
    def _save(self) -> None:
        if self._signature is None:
            return
        try:
            path = save_signature(self._signature, self.directory)
        except OSError as exc:
            self.status.setText(f"Could not save: {exc}")
            return
        self.saved.emit(path)
        self.accept()

    def done(self, result: int) -> None:
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task.wait(10)
        if self._owns_samples:
            self._samples.close()
        super().done(result)
